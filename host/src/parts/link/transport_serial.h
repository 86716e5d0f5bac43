/*
 * Serial lines: real ports through libserialport, and terminals that
 * libserialport refuses (ptys) through termios on the "fd" transport.
 * See docs/serial.md for why the two paths exist and how each is tested.
 */
#ifndef RIG_TRANSPORT_SERIAL_H
#define RIG_TRANSPORT_SERIAL_H

#include "error.h"
#include "transport.h"
#include "util.h"

/*
 * Which port a board file means. Forms:
 *   /dev/ttyACM0            a device path
 *   usb:2e8a:000a           the first port whose USB VID:PID match (hex)
 *   usb:2e8a:000a:E6616407E3 the same, and the USB serial number
 *   usb:2e8a:000a@1-1.4     either usb: form, and the device at that USB
 *                           port path (as sysfs names it): the identity
 *                           that survives mode switches and serial changes
 */
struct rig_serial_sel {
	char path[256];	  /* set for the path form */
	int usb;	  /* 1 for the usb: forms */
	int vid, pid;	  /* 0..0xffff */
	char serial[128]; /* empty: any */
	char port[32];	  /* USB port path ("1-1.4"); empty: any */
};

/* Parses a selector. 0 or RIG_ERR_INVALID naming the bad part. */
int rig_serial_sel_parse(const char *text, struct rig_serial_sel *out, struct rig_error *err);

/* One enumerated port. */
struct rig_serial_port_info {
	char name[256]; /* /dev/ttyACM0 */
	char description[256];
	int is_usb;
	int vid, pid;	  /* when is_usb */
	char serial[128]; /* USB serial number, may be empty */
	char manufacturer[128], product[128];
	char port[32]; /* USB port path of its device ("1-1.4"), "" when unknown */
};

/*
 * Picks the port sel means from ports[0..n). Returns the index, or
 * RIG_ERR_NOT_FOUND (message lists what was seen) or RIG_ERR_INVALID when
 * more than one port matches a selector without a serial number.
 */
int rig_serial_sel_match(const struct rig_serial_sel *sel, const struct rig_serial_port_info *ports,
			 size_t n, struct rig_error *err);

/*
 * Enumerates the machine's serial ports through libserialport. *out is an
 * owned array (free()), *n its length. Returns 0 or RIG_ERR_IO with
 * libserialport's error name.
 */
int rig_serial_enumerate(struct rig_serial_port_info **out, size_t *n, struct rig_error *err);

/*
 * For `rig doctor`: one entry per serial port, key = the port's path, value
 * = "usb 2e8a:000a serial E6616407E3 (Raspberry Pi Pico)" or "native" /
 * "bluetooth" / "virtual" with libserialport's description (ports->n is
 * the count). Returns 0 or RIG_ERR_IO.
 */
int rig_serial_list(struct rig_kvlist *ports, struct rig_error *err);

/*
 * Opens a serial port by selector (see above) at baud, 8N1, no flow
 * control, through libserialport. A path that is a pty (libserialport
 * refuses those: it wants /sys/class/tty/<name>, and its open() calls
 * TIOCMGET which ptys reject) is opened raw through termios instead; any
 * other failure is reported with libserialport's error name and message.
 * Returns 0, RIG_ERR_NOT_FOUND (no such port / no USB match), RIG_ERR_IO.
 */
int rig_transport_serial_open(const char *selector, int baud, struct rig_transport **out,
			      struct rig_error *err);

/* Opens a terminal device (a pty slave, or any tty) raw 8N1 through termios
 * on the fd transport; baud <= 0 leaves the rate. Implemented in
 * transport_fd.c. */
int rig_transport_tty_open(const char *path, int baud, struct rig_transport **out,
			   struct rig_error *err);

/* 1 when path names a Unix98 pty (slave /dev/pts/N, or /dev/ptmx), 0 when
 * not, judged from the device number, not the name. */
int rig_serial_path_is_pty(const char *path);

#endif
