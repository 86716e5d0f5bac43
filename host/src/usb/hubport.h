/*
 * Power to one port of a USB hub, uhubctl's way: the hub-class request
 * SET_FEATURE / CLEAR_FEATURE(PORT_POWER) (USB 2.0 11.24.2), with the
 * kernel's sysfs port attribute `disable` (Linux 5.10+:
 * /sys/bus/usb/devices/HUB:1.0/HUB-portN/disable) as the fallback, and a
 * check that the device on the port really went away: hubs exist that
 * advertise per-port power and never cut VBUS (uhubctl #504).
 *
 * A hub is named by its port path ("1-1", "2-1.4"); a root hub by "usbN".
 */
#ifndef RIG_HUBPORT_H
#define RIG_HUBPORT_H

#include <stddef.h>

#include "error.h"

/* Hub-class request constants (USB 2.0 tables 11-15, 11-17). */
#define RIG_HUB_REQTYPE_PORT_OUT 0x23 /* class, recipient other (a port) */
#define RIG_HUB_CLEAR_FEATURE 1
#define RIG_HUB_SET_FEATURE 3
#define RIG_HUB_PORT_POWER 8

/* How the power was switched, for facts and messages. */
enum rig_hubport_method { RIG_HUBPORT_HUB_REQUEST = 1, RIG_HUBPORT_SYSFS_DISABLE = 2 };

/* The port path of the device on hub's port ("1-1" port 2 -> "1-1.2";
 * "usb1" port 2 -> "1-2"). 0 or RIG_ERR_INVALID. */
int rig_hubport_child(const char *hub, int port, char *out, size_t cap, struct rig_error *err);
/* The sysfs directory of hub's port ("usb1" 2 -> SYSFS/bus/usb/devices/
 * 1-0:1.0/usb1-port2), under rig_usb_sysfs(). */
int rig_hubport_sysfs_dir(const char *hub, int port, char *out, size_t cap, struct rig_error *err);
/* 1 when a device is enumerated on hub's port (its sysfs directory
 * exists), 0 when not. */
int rig_hubport_present(const char *hub, int port);

/* Switches the port on or off: the hub request first, then (when that
 * fails, or method_mask allows only it) the sysfs attribute. *used says
 * which worked. 0, or the error of the last method tried, naming hub,
 * port and the libusb error or errno. */
int rig_hubport_set(const char *hub, int port, int on, unsigned method_mask, int *used,
		    struct rig_error *err);

/* Polls (every 50 ms) until the port's device is absent (want 0) or
 * present (want 1): 0 or RIG_ERR_TIMEOUT. */
int rig_hubport_wait(const char *hub, int port, int want, int timeout_ms, struct rig_error *err);

#endif
