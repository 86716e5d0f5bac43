/*
 * USB core: devices as rig sees them, over libusb-1.0. A board is found by
 * VID:PID, serial, strings or its physical port path ("bus-port.port...",
 * the name sysfs gives it: "1-1.4"), and followed across re-enumerations
 * (app -> BOOTSEL/DFU -> app) by port path, because the serial number may
 * change or vanish in another mode (picotool #54: BOOTSEL hides the flash
 * serial). Every listing uses a fresh libusb context, so devices that came
 * and went since the last call are seen even without udevd (the test bed
 * has none). libusb's error codes are reported by their libusb_error_name.
 * Without libusb at build time every function returns RIG_ERR_NOT_SUPPORTED.
 */
#ifndef RIG_USB_H
#define RIG_USB_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* One device at one moment. Strings are "" when the device has none. */
struct rig_usb_dev {
	uint16_t vid, pid;
	uint8_t bus, devnum; /* devnum changes at every enumeration */
	uint8_t depth;	     /* number of ports in the path; 0 for a root hub */
	char port[32];	     /* "1-1.4"; "usb1" for root hub 1 */
	char serial[128];
	char manufacturer[128];
	char product[128];
	uint8_t dev_class; /* bDeviceClass (9: a hub) */
	uint16_t bcd;	   /* bcdDevice (DFU quirks key on it) */
};

/* What a board file says identifies its device. Zero/NULL/"" = any. */
struct rig_usb_match {
	uint16_t vid, pid;
	const char *serial;
	const char *port;
	const char *manufacturer;
	const char *product;
};

/* Every device on every bus, sorted by port path. *devs is malloc'd (free()
 * it), *n its length. Returns 0 or RIG_ERR_IO / RIG_ERR_NOT_SUPPORTED with
 * the libusb error name in err. Does not block beyond enumeration. */
int rig_usb_list(struct rig_usb_dev **devs, size_t *n, struct rig_error *err);

/* 1 when d fits every given field of m, else 0. */
int rig_usb_matches(const struct rig_usb_match *m, const struct rig_usb_dev *d);

/* Parses "usb:VID:PID[:SERIAL]" (hex, as link serial ports are written) or
 * "port:1-1.4" into m; strings point into spec. RIG_ERR_INVALID naming the
 * part that is wrong. */
int rig_usb_match_parse(const char *spec, struct rig_usb_match *m, struct rig_error *err);

/* The one device that matches m now: 1 and *out, 0 when none,
 * RIG_ERR_INVALID when several match (the message lists their ports: add a
 * serial or a port to tell them apart). */
int rig_usb_find(const struct rig_usb_match *m, struct rig_usb_dev *out, struct rig_error *err);

/* Polls (every 50 ms) until a device matching m is present: 0 and *out, or
 * RIG_ERR_TIMEOUT after timeout_ms naming what was awaited. Blocks. */
int rig_usb_wait_present(const struct rig_usb_match *m, int timeout_ms, struct rig_usb_dev *out,
			 struct rig_error *err);

/* Polls until the device d (its port and devnum) is gone: left, or
 * re-enumerated (a new devnum at the same port). 0 or RIG_ERR_TIMEOUT. */
int rig_usb_wait_gone(const struct rig_usb_dev *d, int timeout_ms, struct rig_error *err);

/* A mode switch: waits until d is gone, then until a device with vid:pid
 * (0 = any) is at d's port path again, whatever its serial. 0 and *out, or
 * RIG_ERR_TIMEOUT saying which half did not happen. */
int rig_usb_wait_mode(const struct rig_usb_dev *d, uint16_t vid, uint16_t pid, int timeout_ms,
		      struct rig_usb_dev *out, struct rig_error *err);

/* An open device. Opaque; one thread at a time. */
struct rig_usb_handle;

/* Opens the device now at d->port (checking it is still d->vid:d->pid).
 * RIG_ERR_NOT_FOUND when it is gone, RIG_ERR_AUTH when usbfs refuses
 * (LIBUSB_ERROR_ACCESS: docs/usb.md has the udev rule). */
int rig_usb_open(const struct rig_usb_dev *d, struct rig_usb_handle **out, struct rig_error *err);
/* Releases claimed interfaces and closes. NULL is fine. */
void rig_usb_close(struct rig_usb_handle *h);
/* Claims interface iface (detaching a kernel driver first). 0 or error. */
int rig_usb_claim(struct rig_usb_handle *h, int iface, struct rig_error *err);
/* A control transfer; returns the bytes transferred or an error. Blocks up
 * to timeout_ms. A stall is RIG_ERR_PROTOCOL. */
int rig_usb_control(struct rig_usb_handle *h, uint8_t request_type, uint8_t request, uint16_t value,
		    uint16_t index, void *data, uint16_t len, int timeout_ms,
		    struct rig_error *err);
/* A bulk transfer on endpoint ep (bit 7 set: IN). Returns the bytes moved
 * (may be fewer than len) or an error; RIG_ERR_TIMEOUT when nothing moved. */
int rig_usb_bulk(struct rig_usb_handle *h, uint8_t ep, void *data, int len, int timeout_ms,
		 struct rig_error *err);
/* One transfer of a batch (rig_usb_bulk_batch). */
struct rig_usb_xfer {
	uint8_t ep;    /* endpoint address (bit 7 set: IN) */
	uint8_t *data; /* len bytes; NULL only when len is 0 */
	int len;       /* 0: a zero-length packet */
	int actual;    /* set: the bytes moved */
};
/* Submits x[0..n) all at once (transfers on one endpoint complete in the
 * order given), so the device finds each one waiting and the bus never
 * waits for the host between them; then waits for all, each allowed
 * timeout_ms from submission. Returns 0 when every one completed (a short
 * IN counts as complete: check actual); else the code of the first to fail
 * in the order given, as rig_usb_bulk's, with its index in *failed, and
 * the ones not yet done cancelled and waited for before it returns. n is
 * 1..RIG_USB_BATCH_MAX. */
#define RIG_USB_BATCH_MAX 8
int rig_usb_bulk_batch(struct rig_usb_handle *h, struct rig_usb_xfer *x, int n, int timeout_ms,
		       int *failed, struct rig_error *err);
/* A function's bulk pipe pair (a vendor interface such as rig-agent's). */
struct rig_usb_bulk_iface {
	int iface;			/* bInterfaceNumber */
	uint8_t ep_in, ep_out;		/* endpoint addresses (ep_in has bit 7) */
	uint16_t in_packet, out_packet; /* wMaxPacketSize */
};

/* The first interface of the active configuration whose class, subclass
 * and protocol match (-1: any) and that has a bulk IN and a bulk OUT
 * endpoint. 0 and *out, RIG_ERR_NOT_FOUND naming what was looked for, or
 * the libusb error. Does not claim it. */
int rig_usb_find_bulk_iface(struct rig_usb_handle *h, int cls, int subclass, int protocol,
			    struct rig_usb_bulk_iface *out, struct rig_error *err);

/* The libusb_device_handle * of h (void * so this header needs no
 * libusb), for the drivers that walk descriptors themselves (dfu_usb.c:
 * the DFU functional descriptor, the DfuSe map string, the alternate
 * setting). NULL without libusb. Owned by h. */
void *rig_usb_libusb_handle(struct rig_usb_handle *h);
/* The libusb_context * h was opened in (each handle has its own), for
 * event handling of asynchronous transfers. NULL without libusb. */
void *rig_usb_libusb_context(struct rig_usb_handle *h);
/* The device the handle was opened on. */
const struct rig_usb_dev *rig_usb_handle_dev(const struct rig_usb_handle *h);

/* Maps a libusb error code to rig's and writes "what: LIBUSB_ERROR_X
 * (message)" into err. Returns the rig code. */
int rig_usb_fail(struct rig_error *err, int libusb_code, const char *what);

/* For rig doctor: whether usbfs (/dev/bus/usb) is there and whether this
 * user may open its device nodes. Writes one line into msg; returns 1 when
 * usable, 0 when not. */
int rig_usb_doctor(char *msg, size_t size);

/* The sysfs root (RIG_USB_SYSFS, default "/sys"): tests point it at a
 * fake tree. */
const char *rig_usb_sysfs(void);

#endif
