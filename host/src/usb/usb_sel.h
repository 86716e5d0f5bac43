/*
 * What a flashing part's board section says selects its device (flash_usbsel.h
 * reads it): VID:PID, and optionally the serial and the physical port path
 * ("1-1.4", as sysfs names it), and opening that device through the USB
 * core (usb.h) once it is there. Holds no libusb itself: usb.c is the one
 * libusb wrapper.
 */
#ifndef RIG_USB_SEL_H
#define RIG_USB_SEL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "usb.h"

struct rig_usb_sel {
	uint16_t vid, pid; /* 0: any */
	char serial[128];  /* "": any */
	char port[32];	   /* "": any */
};

/* Parses "VID:PID" (hex) into sel. RIG_ERR_INVALID naming the text. */
int rig_usb_sel_parse_id(const char *s, struct rig_usb_sel *sel, struct rig_error *err);
/* "2e8a:0003 at 1-1.4 serial X" for messages. */
void rig_usb_sel_describe(const struct rig_usb_sel *sel, char *out, size_t cap);

/* Opens the one device matching sel, polling (rig_usb_wait_present) up to
 * wait_ms. RIG_ERR_SKIPPED "... not connected" when none appeared or this
 * machine has no USB at all (a board file row then skips),
 * RIG_ERR_INVALID when several match, RIG_ERR_AUTH when usbfs refuses
 * (docs/usb.md has the udev rule), RIG_ERR_NOT_SUPPORTED without libusb.
 * *out is closed with rig_usb_close. Blocks up to wait_ms. */
int rig_usb_sel_open(const struct rig_usb_sel *sel, int wait_ms, struct rig_usb_handle **out,
		     struct rig_error *err);

#endif
