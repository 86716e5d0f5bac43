/*
 * A board's USB identity, from its board file:
 *
 *   usb:
 *     vid: 0x2e8a          # the application's VID:PID (hex)
 *     pid: 0x000a
 *     serial: E6614C311B7A1234   # optional
 *     port: 1-1.4          # optional: the physical port, which survives
 *                          # mode switches and serial changes
 *     boot: {vid: 0x2e8a, pid: 0x0003}   # optional: the loader mode
 *
 * Without a usb: section, a link or serial port written usb:VID:PID[:SERIAL]
 * (link serial) is the identity.
 */
#ifndef RIG_USB_BOARD_H
#define RIG_USB_BOARD_H

#include "config.h"
#include "usb.h"

struct rig_usb_ident {
	struct rig_usb_match app;  /* the application mode */
	struct rig_usb_match boot; /* the loader mode (vid 0: none given) */
	char serial[128], port[32], spec[160];
};

/* Reads cfg's identity into id (strings point into id). Returns 1 when the
 * board has one, 0 when not, RIG_ERR_PARSE with file:line and field. */
int rig_usb_board_ident(const struct rig_cfg *cfg, struct rig_usb_ident *id, struct rig_error *err);

/* 1 when d is this board in either mode: the port, when given, decides
 * alone (it is the identity that survives a mode switch). */
int rig_usb_ident_matches(const struct rig_usb_ident *id, const struct rig_usb_dev *d);

#endif
