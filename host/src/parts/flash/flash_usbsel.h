/*
 * The fields every USB flashing part (picoboot, dfu) reads from its board
 * section, read once here so they are spelled the same:
 *
 *   device: "2e8a:0003"  VID:PID in the boot loader (the part's default)
 *   port: "1-1.4"        the physical port path (tells identical boards apart)
 *   serial: "E660..."    the serial number in boot loader mode, if it has one
 *   wait: 10s            how long to wait for the device to appear
 *   timeout: 30s         per USB transfer
 */
#ifndef RIG_FLASH_USBSEL_H
#define RIG_FLASH_USBSEL_H

#include "bulk_usb.h"
#include "config.h"

struct rig_flash_usbsel {
	struct rig_busb_sel sel;
	long long wait_ms, timeout_ms;
};

/* The keys above, for rig_part_known_keys lists. */
#define RIG_FLASH_USBSEL_KEYS "device", "port", "serial", "wait", "timeout"

/* Reads them (sec may be NULL: the defaults). RIG_ERR_PARSE naming
 * file:line:field for a bad VID:PID. */
int rig_flash_usbsel_read(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  const char *def_device, struct rig_flash_usbsel *u,
			  struct rig_error *err);

#endif
