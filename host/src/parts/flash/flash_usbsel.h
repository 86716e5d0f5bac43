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

#include "usb_sel.h"
#include "config.h"
#include "usb.h"

struct rig_flash_usbsel {
	struct rig_usb_sel sel;
	long long wait_ms, timeout_ms;
};

/* The keys above, for rig_part_known_keys lists. */
#define RIG_FLASH_USBSEL_KEYS "device", "port", "serial", "wait", "timeout"

/* Reads them (sec may be NULL: the defaults). RIG_ERR_PARSE naming
 * file:line:field for a bad VID:PID. */
int rig_flash_usbsel_read(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  const char *def_device, struct rig_flash_usbsel *u,
			  struct rig_error *err);

/*
 * After a part reboots the board into its image: the loader must leave
 * the bus, and with app: the application must come back at the same port
 * path (the only proof, short of a console, that the image runs).
 *
 *   app: "2e8a:000a"     VID:PID of the application (default: do not wait for it)
 *   reboot_wait: 10s     how long the loader may take to leave and the app to come
 */
struct rig_flash_comeback {
	struct rig_usb_sel app;
	int have_app;
	long long wait_ms;
};
#define RIG_FLASH_COMEBACK_KEYS "app", "reboot_wait"
/* Reads app and reboot_wait (sec may be NULL). RIG_ERR_PARSE naming
 * file:line:field for a bad VID:PID. */
int rig_flash_comeback_read(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			    struct rig_flash_comeback *c, struct rig_error *err);
/* The loader as it is now (before the reboot), at port: 0 and *loader, or
 * RIG_ERR_NOT_FOUND. */
int rig_flash_comeback_loader(const char *port, uint16_t vid, uint16_t pid,
			      struct rig_usb_dev *loader, struct rig_error *err);
/* Waits for loader to leave and, with app:, for the app at its port
 * (*app filled). RIG_ERR_TIMEOUT naming the board and which half did not
 * happen. Blocks up to c->wait_ms. */
int rig_flash_comeback_wait(const struct rig_flash_comeback *c, const struct rig_usb_dev *loader,
			    const char *board, struct rig_usb_dev *app, struct rig_error *err);

#endif
