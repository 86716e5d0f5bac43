/* The USB identity fields of the picoboot and dfu flash parts. */
#include "flash_usbsel.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

int rig_flash_usbsel_read(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  const char *def_device, struct rig_flash_usbsel *u, struct rig_error *err)
{
	char dev[32];
	int rc;

	u->wait_ms = 10000;
	u->timeout_ms = 30000;
	snprintf(dev, sizeof(dev), "%s", def_device);
	if (sec &&
	    ((rc = rig_cfg_str(cfg, sec, "device", 0, def_device, dev, sizeof(dev), err)) ||
	     (rc = rig_cfg_str(cfg, sec, "port", 0, "", u->sel.port, sizeof(u->sel.port), err)) ||
	     (rc = rig_cfg_str(cfg, sec, "serial", 0, "", u->sel.serial, sizeof(u->sel.serial),
			       err)) ||
	     (rc = rig_cfg_duration_ms(cfg, sec, "wait", 0, 10000, 600000, &u->wait_ms, err)) ||
	     (rc =
		  rig_cfg_duration_ms(cfg, sec, "timeout", 0, 30000, 600000, &u->timeout_ms, err))))
		return rc;
	if (rig_usb_sel_parse_id(dev, &u->sel, NULL))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: device: \"%s\" is not VID:PID in hex",
				rig_cfg_path(cfg), sec ? rig_cfg_key_line(cfg, sec, "device") : 0,
				dev);
	return 0;
}

int rig_flash_comeback_read(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			    struct rig_flash_comeback *c, struct rig_error *err)
{
	char app[32] = "";
	int rc;

	memset(c, 0, sizeof(*c));
	c->wait_ms = 10000;
	if (!sec)
		return 0;
	if ((rc = rig_cfg_str(cfg, sec, "app", 0, "", app, sizeof(app), err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "reboot_wait", 0, 10000, 600000, &c->wait_ms, err)))
		return rc;
	if (app[0]) {
		if (rig_usb_sel_parse_id(app, &c->app, NULL))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: app: \"%s\" is not VID:PID in hex",
					rig_cfg_path(cfg), rig_cfg_key_line(cfg, sec, "app"), app);
		c->have_app = 1;
	}
	return 0;
}

int rig_flash_comeback_loader(const char *port, uint16_t vid, uint16_t pid,
			      struct rig_usb_dev *loader, struct rig_error *err)
{
	struct rig_usb_match m = {.vid = vid, .pid = pid, .port = port};
	int rc = rig_usb_find(&m, loader, err);

	if (rc == 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"USB %04x:%04x at %s: gone before the reboot", vid, pid, port);
	return rc < 0 ? rc : 0;
}

int rig_flash_comeback_wait(const struct rig_flash_comeback *c, const struct rig_usb_dev *loader,
			    const char *board, struct rig_usb_dev *app, struct rig_error *err)
{
	char why[sizeof(err->msg)];
	int rc;

	if (c->have_app)
		rc = rig_usb_wait_mode(loader, c->app.vid, c->app.pid, (int)c->wait_ms, app, err);
	else
		rc = rig_usb_wait_gone(loader, (int)c->wait_ms, err);
	if (rc) {
		snprintf(why, sizeof(why), "%s", err->msg);
		return rig_fail(err, rc, "board %s: after the reboot: %.300s", board, why);
	}
	if (c->have_app)
		rig_info("board %s: back as %04x:%04x at %s", board, app->vid, app->pid, app->port);
	return 0;
}
