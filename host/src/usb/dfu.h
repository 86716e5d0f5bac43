/*
 * The DFU 1.1 / DfuSe host state machine over a small I/O table, so the
 * same code drives a real device (dfu_usb.c over libusb) and the in-process
 * device model the unit tests use (tests/usb/models/dfuse_model.c).
 * Nothing here exits; every failure names the request, block, address,
 * bStatus and bState.
 */
#ifndef RIG_DFU_H
#define RIG_DFU_H

#include "usb_sel.h"
#include "dfu_proto.h"

struct rig_dfu_io {
	/* One class request to the DFU interface (in: device to host) with
	 * wValue value and len bytes of data. Returns the bytes moved (>= 0);
	 * RIG_ERR_PROTOCOL when the device stalled it, RIG_ERR_NOT_FOUND when
	 * the device is gone, RIG_ERR_TIMEOUT, RIG_ERR_IO; message in err.
	 * Blocks at most timeout_ms. Required. */
	int (*control)(void *ctx, int in, uint8_t request, uint16_t value, uint8_t *data,
		       uint16_t len, int timeout_ms, struct rig_error *err);
	/* Waits ms (bwPollTimeout). Required. */
	void (*sleep_ms)(void *ctx, unsigned ms);
	void *ctx;
};

struct rig_dfu {
	struct rig_dfu_io io;
	struct rig_dfu_func func;	/* transfer_size must be set (> 0) */
	unsigned quirks;		/* rig_dfu_quirks() */
	int dfuse;			/* DfuSe addressing and commands */
	struct rig_dfuse_layout layout; /* DfuSe: from the interface string */
	int timeout_ms;			/* per request; 0: 5000 */
	long long busy_limit_ms;	/* longest poll wait for one step; 0: 30000 */
	struct rig_dfu_status last;	/* the last GETSTATUS reply */
};

/* GETSTATUS, with the poll-timeout quirk applied. The calls below return
 * RIG_ERR_INVALID when the device reports a bStatus error (named with its
 * bState), and the I/O table's codes for failed transfers. */
int rig_dfu_get_status(struct rig_dfu *d, struct rig_dfu_status *st, struct rig_error *err);
/* Brings the device to dfuIDLE (CLRSTATUS from dfuERROR, ABORT from the
 * idle states of a transfer). RIG_ERR_NOT_SUPPORTED in appIDLE (run-time
 * mode: detach first). */
int rig_dfu_to_idle(struct rig_dfu *d, struct rig_error *err);
/* Run-time mode: DETACH with the descriptor's detach timeout. The device
 * then re-enumerates (or waits for a bus reset when it cannot detach). */
int rig_dfu_detach(struct rig_dfu *d, struct rig_error *err);
/* Writes len bytes at addr. DfuSe: checks the range against the memory
 * map, erases each sector it touches, sets the address pointer and sends
 * the blocks. DFU 1.1: addr must be 0 (the image is the device's whole
 * download). Does not manifest (rig_dfu_leave). */
int rig_dfu_download(struct rig_dfu *d, uint32_t addr, const uint8_t *data, size_t len,
		     struct rig_error *err);
/* Reads len bytes from addr into buf (DfuSe: set address, ABORT, UPLOAD
 * blocks from 2; DFU 1.1: from block 0, addr 0). RIG_ERR_PROTOCOL when the
 * device sends fewer bytes than asked. */
int rig_dfu_upload(struct rig_dfu *d, uint32_t addr, uint8_t *buf, size_t len,
		   struct rig_error *err);
/* Manifestation: DfuSe "leave" (set address to addr, zero-length DNLOAD)
 * or DFU 1.1's zero-length DNLOAD. A failed GETSTATUS after it, or a
 * device already gone, is the device resetting into the application: 0.
 * *gone (may be NULL) is set when it went away. */
int rig_dfu_leave(struct rig_dfu *d, uint32_t addr, int *gone, struct rig_error *err);

/* A real DFU device over libusb (dfu_usb.c): opens the device matching
 * sel (rig_usb_sel_open's codes, RIG_ERR_SKIPPED "not connected"), finds the
 * DFU interface with alternate setting alt, claims and selects it, reads
 * its functional descriptor, its quirks, and for DfuSe (bcdDFUVersion
 * 0x011a) the memory map from the interface string; fills *d. Run-time
 * mode interfaces are found too (d->last.state tells). */
struct rig_dfu_usb;
int rig_dfu_usb_open(const struct rig_usb_sel *sel, int alt, int wait_ms, struct rig_dfu_usb **out,
		     struct rig_dfu *d, struct rig_error *err);
const char *rig_dfu_usb_port(const struct rig_dfu_usb *du);
void rig_dfu_usb_close(struct rig_dfu_usb *du);

#endif
