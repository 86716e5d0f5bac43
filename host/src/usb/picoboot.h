/*
 * The PICOBOOT host side over a small I/O table, so the same code drives a
 * real boot ROM (picoboot_usb.c over libusb) and the in-process model the
 * unit tests use (tests/usb/models/picoboot_model.c). Every failure names
 * the command, its address and the device's status code.
 */
#ifndef RIG_PICOBOOT_H
#define RIG_PICOBOOT_H

#include "usb_sel.h"
#include "picoboot_proto.h"

/* One phase of a command, for rig_picoboot_io.batch. */
struct rig_picoboot_xfer {
	int in;	       /* 1: bulk IN */
	uint8_t *data; /* len bytes (a buffer of 1 for a zero-length IN) */
	size_t len;    /* 0: a zero-length packet */
	int actual;    /* set: the bytes moved */
};

struct rig_picoboot_io {
	/* Bulk OUT of len bytes (len 0: a zero-length packet). Returns the
	 * bytes sent; RIG_ERR_PROTOCOL when the endpoint stalled,
	 * RIG_ERR_NOT_FOUND when the device is gone, RIG_ERR_TIMEOUT,
	 * RIG_ERR_IO. Blocks at most timeout_ms. Required. */
	int (*bulk_out)(void *ctx, const uint8_t *data, size_t len, int timeout_ms,
			struct rig_error *err);
	/* Bulk IN of up to len bytes; the same codes. Required. */
	int (*bulk_in)(void *ctx, uint8_t *data, size_t len, int timeout_ms, struct rig_error *err);
	/* A vendor request to the PICOBOOT interface (IF_RESET out, no data;
	 * CMD_STATUS in, 16 bytes); the same codes. Required. */
	int (*control)(void *ctx, int in, uint8_t request, uint8_t *data, uint16_t len,
		       int timeout_ms, struct rig_error *err);
	/* Optional: the phases x[0..n) of one command (n <= 3, in order)
	 * submitted together, so the device never waits for the host between
	 * them; waits for all, each allowed timeout_ms. 0 when all completed
	 * (a short IN included: actual says); else the first failure's code
	 * (bulk_out's codes) with its index in *failed, the rest cancelled
	 * before it returns. NULL: the phases go one at a time through
	 * bulk_out and bulk_in. */
	int (*batch)(void *ctx, struct rig_picoboot_xfer *x, int n, int timeout_ms, int *failed,
		     struct rig_error *err);
	void *ctx;
};

struct rig_picoboot {
	struct rig_picoboot_io io;
	uint32_t token;	     /* the next command's dToken */
	uint32_t flash_size; /* bytes of flash behind the XIP window */
	int rp2350;	     /* REBOOT2 instead of REBOOT */
	int timeout_ms;	     /* per transfer; 0: 10000 (a 64 KiB erase is slow) */
};

/* Runs one command: the 32-byte command, the data phase (data holds
 * c->transfer_len bytes, read or written as bit 7 says), the
 * acknowledgement. On a stall it reads CMD_STATUS, clears the halt with
 * IF_RESET and fails with RIG_ERR_INVALID naming the status. */
int rig_picoboot_run(struct rig_picoboot *pb, struct rig_picoboot_cmd *c, uint8_t *data,
		     struct rig_error *err);

/* IF_RESET: clears a halted interface. */
int rig_picoboot_if_reset(struct rig_picoboot *pb, struct rig_error *err);
/* CMD_STATUS of the last command. */
int rig_picoboot_get_status(struct rig_picoboot *pb, struct rig_picoboot_status *st,
			    struct rig_error *err);
/* EXCLUSIVE_ACCESS (1: exclusive, the boot drive refuses writes; 2: also
 * ejected). */
int rig_picoboot_exclusive_access(struct rig_picoboot *pb, uint8_t mode, struct rig_error *err);
/* Erases [addr, addr+size) after rig_picoboot_check_flash_range. */
int rig_picoboot_erase(struct rig_picoboot *pb, uint32_t addr, uint32_t size,
		       struct rig_error *err);
/* Writes size bytes (page aligned, inside flash) in chunks of chunk bytes
 * (a multiple of 256; 0: 32 KiB). The range must have been erased. */
int rig_picoboot_write(struct rig_picoboot *pb, uint32_t addr, const uint8_t *data, uint32_t size,
		       uint32_t chunk, struct rig_error *err);
/* Reads size bytes from addr in chunks (0: 32 KiB). */
int rig_picoboot_read(struct rig_picoboot *pb, uint32_t addr, uint8_t *buf, uint32_t size,
		      uint32_t chunk, struct rig_error *err);
/* Reboots into the flashed image after delay_ms (RP2040 REBOOT pc 0 sp 0;
 * RP2350 REBOOT2 NORMAL). The device leaves the bus. */
int rig_picoboot_reboot_app(struct rig_picoboot *pb, uint32_t delay_ms, struct rig_error *err);

/* A real boot ROM over libusb (picoboot_usb.c): opens the device matching
 * sel (waiting up to wait_ms: rig_usb_sel_open's codes, RIG_ERR_SKIPPED "not
 * connected"), finds and claims its PICOBOOT interface (vendor class, one
 * bulk IN and one bulk OUT endpoint: RIG_ERR_NOT_FOUND naming the device
 * when it has none) and points pb->io at it. *out is closed with
 * rig_picoboot_usb_close. */
struct rig_picoboot_usb;
int rig_picoboot_usb_open(const struct rig_usb_sel *sel, int wait_ms, struct rig_picoboot_usb **out,
			  struct rig_picoboot *pb, struct rig_error *err);
/* The port path the device was found at. */
const char *rig_picoboot_usb_port(const struct rig_picoboot_usb *pu);
void rig_picoboot_usb_close(struct rig_picoboot_usb *pu);

#endif
