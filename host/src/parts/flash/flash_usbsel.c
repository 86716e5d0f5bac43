/* The USB identity fields of the picoboot and dfu flash parts. */
#include "flash_usbsel.h"

#include <stdio.h>

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
	if (rig_busb_sel_parse_id(dev, &u->sel, NULL))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: device: \"%s\" is not VID:PID in hex",
				rig_cfg_path(cfg), sec ? rig_cfg_key_line(cfg, sec, "device") : 0,
				dev);
	return 0;
}
