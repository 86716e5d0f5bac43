/*
 * The libusb glue shared by the picoboot, dfu and usb-bulk parts: find a
 * device by VID:PID, serial and port path ("1-1.4", as sysfs names it),
 * waiting for it to appear; open it; map libusb errors to rig's with
 * libusb_error_name. A stop-gap until the USB core (usb.h, rig_usb_*)
 * lands: the same rules, so switching is a rename.
 */
#ifndef RIG_BULK_USB_H
#define RIG_BULK_USB_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct rig_busb_sel {
	uint16_t vid, pid; /* 0: any */
	char serial[128];  /* "": any */
	char port[32];	   /* "": any */
};

/* Parses "VID:PID" (hex) into sel. RIG_ERR_INVALID naming the text. */
int rig_busb_sel_parse_id(const char *s, struct rig_busb_sel *sel, struct rig_error *err);
/* "2e8a:0003 at 1-1.4 serial X" for messages. */
void rig_busb_sel_describe(const struct rig_busb_sel *sel, char *out, size_t cap);

struct rig_busb; /* an open device: its libusb context and handle */

/* Opens the one device matching sel, polling every 50 ms up to wait_ms.
 * RIG_ERR_SKIPPED "... not connected" when none appeared (a board file
 * row then skips), RIG_ERR_INVALID when several match, RIG_ERR_AUTH when
 * usbfs refuses (docs/usb.md has the udev rule), RIG_ERR_NOT_SUPPORTED
 * without libusb. Blocks up to wait_ms. */
int rig_busb_open(const struct rig_busb_sel *sel, int wait_ms, struct rig_busb **out,
		  struct rig_error *err);
void rig_busb_close(struct rig_busb *u);
/* The libusb_device_handle * (void * so this header needs no libusb). */
void *rig_busb_handle(struct rig_busb *u);
/* The opened device's port path and VID:PID/bcdDevice. */
const char *rig_busb_port(const struct rig_busb *u);
void rig_busb_ids(const struct rig_busb *u, uint16_t *vid, uint16_t *pid, uint16_t *bcd);
/* Claims iface (detaching a kernel driver first). */
int rig_busb_claim(struct rig_busb *u, int iface, struct rig_error *err);
/* A libusb code as rig's: "what: LIBUSB_ERROR_PIPE (Pipe error)" into
 * err; PIPE (a stall) -> RIG_ERR_PROTOCOL, NO_DEVICE/NOT_FOUND ->
 * RIG_ERR_NOT_FOUND, TIMEOUT -> RIG_ERR_TIMEOUT, ACCESS -> RIG_ERR_AUTH,
 * others RIG_ERR_IO. */
int rig_busb_fail(struct rig_error *err, int libusb_code, const char *what);

#endif
