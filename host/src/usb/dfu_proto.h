/*
 * USB DFU 1.1 and ST's DfuSe extension: every constant and the wire codec,
 * shared by the host side (dfu.c) and the DfuSe device model
 * (tests/usb/models/dfuse_model.c). No libusb here.
 *
 * Sources: "Universal Serial Bus Device Class Specification for Device
 * Firmware Upgrade", version 1.1 (DFU 1.1): 3 requests, 4.1.3 functional
 * descriptor, 6.1.2 GETSTATUS, 6.1.2 status and state tables. ST AN3156
 * "USB DFU protocol used in the STM32 bootloader" (DfuSe): 3.2 commands in
 * block 0 (set address pointer 0x21, erase 0x41, read unprotect 0x92),
 * wBlockNum >= 2 addressing, "leave DFU" as a zero-length DNLOAD; ST UM0424
 * 10.3.2: the interface string "@name/0xADDR/N*SIZEut,..." memory map.
 */
#ifndef RIG_DFU_PROTO_H
#define RIG_DFU_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Interface class/subclass; protocol 1 run-time, 2 DFU mode (DFU 1.1 4.2.3). */
#define RIG_DFU_CLASS 0xFE
#define RIG_DFU_SUBCLASS 0x01
#define RIG_DFU_PROTO_RUNTIME 0x01
#define RIG_DFU_PROTO_DFU 0x02

/* STM32 system memory boot loader (AN2606): 0483:df11, DfuSe 1.1a. */
#define RIG_DFU_STM32_VID 0x0483
#define RIG_DFU_STM32_PID 0xDF11

/* Class requests (DFU 1.1 table 3.2); bmRequestType 0x21 OUT, 0xA1 IN. */
enum rig_dfu_request {
	RIG_DFU_DETACH = 0,
	RIG_DFU_DNLOAD = 1,
	RIG_DFU_UPLOAD = 2,
	RIG_DFU_GETSTATUS = 3,
	RIG_DFU_CLRSTATUS = 4,
	RIG_DFU_GETSTATE = 5,
	RIG_DFU_ABORT = 6,
};
#define RIG_DFU_REQTYPE_OUT 0x21
#define RIG_DFU_REQTYPE_IN 0xA1

/* bState (DFU 1.1 6.1.2). */
enum rig_dfu_state {
	RIG_DFU_APP_IDLE = 0,
	RIG_DFU_APP_DETACH = 1,
	RIG_DFU_IDLE = 2,
	RIG_DFU_DNLOAD_SYNC = 3,
	RIG_DFU_DNBUSY = 4,
	RIG_DFU_DNLOAD_IDLE = 5,
	RIG_DFU_MANIFEST_SYNC = 6,
	RIG_DFU_MANIFEST = 7,
	RIG_DFU_MANIFEST_WAIT_RESET = 8,
	RIG_DFU_UPLOAD_IDLE = 9,
	RIG_DFU_ERROR = 10,
	RIG_DFU_STATE_COUNT_ = 11
};

/* bStatus (DFU 1.1 6.1.2). */
enum rig_dfu_status_code {
	RIG_DFU_OK = 0,
	RIG_DFU_ERR_TARGET = 1,
	RIG_DFU_ERR_FILE = 2,
	RIG_DFU_ERR_WRITE = 3,
	RIG_DFU_ERR_ERASE = 4,
	RIG_DFU_ERR_CHECK_ERASED = 5,
	RIG_DFU_ERR_PROG = 6,
	RIG_DFU_ERR_VERIFY = 7,
	RIG_DFU_ERR_ADDRESS = 8,
	RIG_DFU_ERR_NOTDONE = 9,
	RIG_DFU_ERR_FIRMWARE = 10,
	RIG_DFU_ERR_VENDOR = 11,
	RIG_DFU_ERR_USBR = 12,
	RIG_DFU_ERR_POR = 13,
	RIG_DFU_ERR_UNKNOWN = 14,
	RIG_DFU_ERR_STALLEDPKT = 15,
	RIG_DFU_STATUS_COUNT_ = 16
};

#define RIG_DFU_STATUS_SIZE 6
struct rig_dfu_status {
	uint8_t status;		  /* enum rig_dfu_status_code */
	uint32_t poll_timeout_ms; /* bwPollTimeout, 24 bits */
	uint8_t state;		  /* enum rig_dfu_state */
	uint8_t string;		  /* iString */
};

/* Functional descriptor (DFU 1.1 4.1.3): type 0x21, 9 bytes (7 in DFU 1.0,
 * which has no bcdDFUVersion). */
#define RIG_DFU_FUNC_DESC_TYPE 0x21
#define RIG_DFU_FUNC_DESC_SIZE 9
#define RIG_DFU_ATTR_CAN_DNLOAD 0x01
#define RIG_DFU_ATTR_CAN_UPLOAD 0x02
#define RIG_DFU_ATTR_MANIFEST_TOLERANT 0x04
#define RIG_DFU_ATTR_WILL_DETACH 0x08
#define RIG_DFU_VERSION_DFUSE 0x011A

struct rig_dfu_func {
	uint8_t attributes;
	uint16_t detach_timeout_ms;
	uint16_t transfer_size;
	uint16_t dfu_version; /* 0x0100 when the descriptor is the 7-byte 1.0 one */
};

/* DfuSe commands, the first byte of a DNLOAD to block 0 (AN3156 3.2). */
#define RIG_DFUSE_CMD_GET 0x00
#define RIG_DFUSE_CMD_SET_ADDRESS 0x21
#define RIG_DFUSE_CMD_ERASE 0x41
#define RIG_DFUSE_CMD_READ_UNPROTECT 0x92

/* DfuSe memory map: segments of count sectors of size bytes at start;
 * type letters a..g are bits readable 1, erasable 2, writeable 4. */
#define RIG_DFUSE_READABLE 1
#define RIG_DFUSE_ERASABLE 2
#define RIG_DFUSE_WRITEABLE 4
#define RIG_DFUSE_SEGS_MAX 32
struct rig_dfuse_seg {
	uint32_t start;
	uint32_t count; /* sectors */
	uint32_t size;	/* bytes per sector */
	uint8_t type;
};
struct rig_dfuse_layout {
	char name[64];
	int n;
	struct rig_dfuse_seg seg[RIG_DFUSE_SEGS_MAX];
};

/* A parsed DfuSe block-0 command (the device side). */
struct rig_dfuse_cmd {
	uint8_t cmd;
	int has_addr; /* ERASE without an address is a mass erase */
	uint32_t addr;
};

/* GETSTATUS reply: 0, or RIG_ERR_PROTOCOL when n is not 6 or bState is
 * not a DFU state (named with its value). bStatus codes beyond the table
 * are kept as read: rig_dfu_status_name says "status N". */
int rig_dfu_status_decode(const uint8_t *buf, size_t n, struct rig_dfu_status *st,
			  struct rig_error *err);
void rig_dfu_status_encode(const struct rig_dfu_status *st, uint8_t out[RIG_DFU_STATUS_SIZE]);

/* Finds the functional descriptor among n bytes of descriptors (an
 * interface's extra bytes or a whole configuration): 0, RIG_ERR_NOT_FOUND
 * when there is none, RIG_ERR_PROTOCOL for a descriptor whose bLength is
 * below 2 or runs past the end, or a functional descriptor shorter than 7. */
int rig_dfu_func_find(const uint8_t *desc, size_t n, struct rig_dfu_func *f, struct rig_error *err);
void rig_dfu_func_encode(const struct rig_dfu_func *f, uint8_t out[RIG_DFU_FUNC_DESC_SIZE]);

/* Parses a DfuSe interface string ("@Internal Flash  /0x08000000/04*016Kg,
 * 01*064Kg,03*128Kg"; several "/0xADDR/..." groups may follow). 0 or
 * RIG_ERR_PARSE naming the offset and what was expected there. */
int rig_dfuse_layout_parse(const char *s, struct rig_dfuse_layout *l, struct rig_error *err);
/* The sector holding addr: its segment's type, start and size; 0, or
 * RIG_ERR_NOT_FOUND when addr is in no segment. */
int rig_dfuse_sector(const struct rig_dfuse_layout *l, uint32_t addr, uint8_t *type,
		     uint32_t *start, uint32_t *size);
/* The check made before anything is erased: every byte of [addr,
 * addr+len) lies in sectors that are erasable and writeable. 0 or
 * RIG_ERR_INVALID naming the first address that is not. */
int rig_dfuse_check_range(const struct rig_dfuse_layout *l, uint32_t addr, uint32_t len,
			  struct rig_error *err);

/* DfuSe block-0 command bytes: returns their length (1 or 5). */
size_t rig_dfuse_cmd_encode(uint8_t cmd, int has_addr, uint32_t addr, uint8_t out[5]);
/* Parses a block-0 DNLOAD payload: 0, or RIG_ERR_PROTOCOL (empty, unknown
 * command byte, wrong length for it). */
int rig_dfuse_cmd_decode(const uint8_t *buf, size_t n, struct rig_dfuse_cmd *c,
			 struct rig_error *err);

/* "dfuDNBUSY", "errVERIFY"; unknown values: "state 42" (static buffer). */
const char *rig_dfu_state_name(unsigned state);
const char *rig_dfu_status_name(unsigned status);

/*
 * Device quirks (dfu-util's quirks.c is the model): one function maps a
 * device to its quirks; every quirk says what device bug it works around.
 */
/* bwPollTimeout is bogus (seconds where milliseconds are meant): wait
 * RIG_DFU_QUIRK_POLL_MS instead. */
#define RIG_DFU_QUIRK_POLLTIMEOUT 0x01
/* The functional descriptor says DFU 1.0 though the device speaks 1.1. */
#define RIG_DFU_QUIRK_FORCE_DFU11 0x02
/* After DfuSe "leave" the device resets at once: the GETSTATUS that should
 * complete the zero-length DNLOAD fails (pipe, I/O or no device). Expected,
 * not a failure. (Tolerated for every device after a leave; the quirk only
 * keeps it out of the log as a warning.) */
#define RIG_DFU_QUIRK_LEAVE_RESETS 0x04
#define RIG_DFU_QUIRK_POLL_MS 5

unsigned rig_dfu_quirks(uint16_t vid, uint16_t pid, uint16_t bcd_device);

#endif
