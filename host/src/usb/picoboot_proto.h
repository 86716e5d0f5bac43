/*
 * PICOBOOT, the vendor interface of the RP2040 and RP2350 boot ROMs: every
 * constant and the wire codec, shared by the host side (picoboot.c) and the
 * boot ROM model (tests/usb/models/picoboot_model.c), so there is one
 * implementation of the format. No libusb here.
 *
 * Sources: RP2040 datasheet section 2.8.5 "PICOBOOT Interface"; RP2350
 * datasheet section 5.6 (adds REBOOT2, GET_INFO, OTP_*); the SDK's
 * boot/picoboot.h.
 *
 * A command is one 32-byte OUT transfer on the bulk OUT endpoint; when
 * dTransferLength is not zero a data phase follows in the direction of bit
 * 7 of bCmdId (set: IN); then an acknowledgement: a zero-length packet in
 * the direction opposite to the data (no data: IN). On failure the device
 * stalls its endpoints; the host reads the 16-byte status with the
 * interface control request CMD_STATUS and clears it with IF_RESET.
 */
#ifndef RIG_PICOBOOT_PROTO_H
#define RIG_PICOBOOT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RIG_PICOBOOT_MAGIC 0x431FD10Bu
#define RIG_PICOBOOT_CMD_SIZE 32    /* struct picoboot_cmd */
#define RIG_PICOBOOT_ARGS_MAX 16    /* its args union */
#define RIG_PICOBOOT_STATUS_SIZE 16 /* struct picoboot_cmd_status */

/* USB identities (RP2040 DS 2.8.4, RP2350 DS 5.6): the boot ROM's VID:PID
 * and the interface it exposes (vendor class 0xFF, sub 0, proto 0). */
#define RIG_PICOBOOT_VID 0x2E8A
#define RIG_PICOBOOT_PID_RP2040 0x0003
#define RIG_PICOBOOT_PID_RP2350 0x000F

/* bCmdId (bit 7 set: the data phase is IN). */
enum rig_picoboot_cmd_id {
	RIG_PC_EXCLUSIVE_ACCESS = 0x01, /* args: u8 0 not, 1 exclusive, 2 + eject drive */
	RIG_PC_REBOOT = 0x02,		/* args: u32 pc, sp, delay_ms (RP2040) */
	RIG_PC_FLASH_ERASE = 0x03,	/* args: u32 addr, size; 4 KiB aligned */
	RIG_PC_READ = 0x84,		/* args: u32 addr, size; IN data = size */
	RIG_PC_WRITE = 0x05,		/* args: u32 addr, size; OUT data = size */
	RIG_PC_EXIT_XIP = 0x06,
	RIG_PC_ENTER_CMD_XIP = 0x07,
	RIG_PC_EXEC = 0x08,	       /* args: u32 addr */
	RIG_PC_VECTORIZE_FLASH = 0x09, /* args: u32 addr */
	RIG_PC_REBOOT2 = 0x0A,	       /* args: u32 flags, delay_ms, p0, p1 (RP2350) */
	RIG_PC_GET_INFO = 0x8B,	       /* RP2350 */
	RIG_PC_OTP_READ = 0x8C,	       /* RP2350 */
	RIG_PC_OTP_WRITE = 0x0D,       /* RP2350 */
};
#define RIG_PICOBOOT_CMD_IN 0x80

/* Interface control requests (bmRequestType vendor | interface). */
#define RIG_PICOBOOT_IF_RESET 0x41	/* OUT, no data: clears a halt */
#define RIG_PICOBOOT_IF_CMD_STATUS 0x42 /* IN, 16 bytes: the last command's status */

/* REBOOT2 dFlags (RP2350 DS 5.4.8.24, reboot()). */
#define RIG_REBOOT2_NORMAL 0x0000u
#define RIG_REBOOT2_BOOTSEL 0x0002u
#define RIG_REBOOT2_NO_RETURN_ON_SUCCESS 0x0100u

/* dStatusCode. */
enum rig_picoboot_status_code {
	RIG_PICOBOOT_OK = 0,
	RIG_PICOBOOT_UNKNOWN_CMD = 1,
	RIG_PICOBOOT_INVALID_CMD_LENGTH = 2,
	RIG_PICOBOOT_INVALID_TRANSFER_LENGTH = 3,
	RIG_PICOBOOT_INVALID_ADDRESS = 4,
	RIG_PICOBOOT_BAD_ALIGNMENT = 5,
	RIG_PICOBOOT_INTERLEAVED_WRITE = 6,
	RIG_PICOBOOT_REBOOTING = 7,
	RIG_PICOBOOT_UNKNOWN_ERROR = 8,
	RIG_PICOBOOT_INVALID_STATE = 9,
	RIG_PICOBOOT_NOT_PERMITTED = 10,
	RIG_PICOBOOT_INVALID_ARG = 11,
	RIG_PICOBOOT_BUFFER_TOO_SMALL = 12,
	RIG_PICOBOOT_PRECONDITION_NOT_MET = 13,
	RIG_PICOBOOT_MODIFIED_DATA = 14,
	RIG_PICOBOOT_INVALID_DATA = 15,
	RIG_PICOBOOT_NOT_FOUND = 16,
	RIG_PICOBOOT_UNSUPPORTED_MODIFICATION = 17,
	RIG_PICOBOOT_STATUS_COUNT_ = 18
};

/* Flash facts (RP2040 DS 2.6.3 / 4.10; RP2350 DS 4.4): XIP window, erase
 * sector and program page. */
#define RIG_RP_XIP_BASE 0x10000000u
#define RIG_RP_FLASH_SECTOR 4096u
#define RIG_RP_FLASH_PAGE 256u
#define RIG_RP2040_FLASH_MAX (16u << 20)
#define RIG_RP2350_FLASH_MAX (32u << 20)

/* One command, decoded. args holds cmd_size bytes; the fields below are
 * its little-endian words for the commands that have them. */
struct rig_picoboot_cmd {
	uint32_t token;
	uint8_t id;
	uint8_t cmd_size;
	uint32_t transfer_len;
	uint8_t args[RIG_PICOBOOT_ARGS_MAX];
};

struct rig_picoboot_status {
	uint32_t token;
	uint32_t code; /* enum rig_picoboot_status_code */
	uint8_t cmd_id;
	uint8_t in_progress;
};

/* Builders: fill *c for one command (token is the caller's). */
void rig_picoboot_exclusive(struct rig_picoboot_cmd *c, uint32_t token, uint8_t exclusive);
void rig_picoboot_range(struct rig_picoboot_cmd *c, uint32_t token, uint8_t id, uint32_t addr,
			uint32_t size); /* FLASH_ERASE, READ, WRITE */
void rig_picoboot_reboot(struct rig_picoboot_cmd *c, uint32_t token, uint32_t pc, uint32_t sp,
			 uint32_t delay_ms);
void rig_picoboot_reboot2(struct rig_picoboot_cmd *c, uint32_t token, uint32_t flags,
			  uint32_t delay_ms, uint32_t p0, uint32_t p1);
/* u32 argument i (0..3) of a decoded command. */
uint32_t rig_picoboot_arg32(const struct rig_picoboot_cmd *c, int i);

/* Writes the 32 wire bytes of c into out. */
void rig_picoboot_cmd_encode(const struct rig_picoboot_cmd *c, uint8_t out[RIG_PICOBOOT_CMD_SIZE]);
/* Parses n bytes from the bulk OUT endpoint as a command (the device
 * side): 0, or RIG_ERR_PROTOCOL naming the field and value (length not 32,
 * magic, bCmdSize above 16 or not the size the command takes, a transfer
 * length the command cannot have). Unknown ids are returned as parsed:
 * the device answers them with UNKNOWN_CMD. */
int rig_picoboot_cmd_decode(const uint8_t *buf, size_t n, struct rig_picoboot_cmd *c,
			    struct rig_error *err);

void rig_picoboot_status_encode(const struct rig_picoboot_status *s,
				uint8_t out[RIG_PICOBOOT_STATUS_SIZE]);
/* Parses the CMD_STATUS reply: 0, or RIG_ERR_PROTOCOL when n is not 16. */
int rig_picoboot_status_decode(const uint8_t *buf, size_t n, struct rig_picoboot_status *s,
			       struct rig_error *err);

/* "INVALID_ADDRESS" for a status code; "status 99" style for unknown ones
 * (static buffer: not reentrant). Never NULL. */
const char *rig_picoboot_status_name(uint32_t code);
/* "FLASH_ERASE" for an id, "0x77" otherwise (static buffer). */
const char *rig_picoboot_cmd_name(uint8_t id);

/*
 * The check made before anything is erased: [addr, addr+size) lies inside
 * the XIP flash window of flash_size bytes, starts on a sector boundary
 * when erase (a page boundary otherwise) and is not empty. Returns 0 or
 * RIG_ERR_INVALID saying which bound and value failed.
 */
int rig_picoboot_check_flash_range(uint32_t addr, uint32_t size, uint32_t flash_size, int erase,
				   struct rig_error *err);

#endif
