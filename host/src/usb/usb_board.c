/* A board's USB identity from its board file (usb_board.h). */
#include "usb_board.h"

#include <stdio.h>
#include <string.h>

static int hex_field(const struct rig_cfg *cfg, struct rig_cfg_node *sec, const char *key,
		     int required, uint16_t *out, struct rig_error *err)
{
	char buf[32];
	struct rig_usb_match m;
	char spec[48];
	int rc = rig_cfg_str(cfg, sec, key, required, "", buf, sizeof(buf), err);

	if (rc < 0)
		return rc;
	*out = 0;
	if (!buf[0])
		return 0;
	const char *h = (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) ? buf + 2 : buf;
	snprintf(spec, sizeof(spec), "usb:%s:0", h);
	if (rig_usb_match_parse(spec, &m, NULL) < 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: usb.%s: '%s' is not a 16-bit hex id (e.g. 0x2e8a)",
				rig_cfg_path(cfg), rig_cfg_key_line(cfg, sec, key), key, buf);
	*out = m.vid;
	return 0;
}

static int from_section(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			struct rig_usb_ident *id, struct rig_error *err)
{
	static const char *const known[] = {"vid", "pid", "serial", "port", "boot", NULL};
	static const char *const boot_known[] = {"vid", "pid", NULL};
	int rc = rig_cfg_known_keys(cfg, sec, known, err);

	if (rc < 0)
		return rc;
	if ((rc = hex_field(cfg, sec, "vid", 1, &id->app.vid, err)) < 0 ||
	    (rc = hex_field(cfg, sec, "pid", 1, &id->app.pid, err)) < 0)
		return rc;
	if ((rc = rig_cfg_str(cfg, sec, "serial", 0, "", id->serial, sizeof(id->serial), err)) <
		0 ||
	    (rc = rig_cfg_str(cfg, sec, "port", 0, "", id->port, sizeof(id->port), err)) < 0)
		return rc;
	if (id->port[0]) {
		char spec[48];
		struct rig_usb_match m;
		snprintf(spec, sizeof(spec), "port:%s", id->port);
		if (rig_usb_match_parse(spec, &m, NULL) < 0)
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%d: usb.port: '%s' is not a port path (BUS-PORT[.PORT...], "
			    "as in /sys/bus/usb/devices, e.g. 1-1.4)",
			    rig_cfg_path(cfg), rig_cfg_key_line(cfg, sec, "port"), id->port);
	}
	struct rig_cfg_node *boot = rig_cfg_get(cfg, sec, "boot");
	if (boot) {
		if ((rc = rig_cfg_known_keys(cfg, boot, boot_known, err)) < 0 ||
		    (rc = hex_field(cfg, boot, "vid", 1, &id->boot.vid, err)) < 0 ||
		    (rc = hex_field(cfg, boot, "pid", 1, &id->boot.pid, err)) < 0)
			return rc;
	}
	id->app.serial = id->serial;
	id->app.port = id->port;
	id->boot.port = id->port;
	return 1;
}

int rig_usb_board_ident(const struct rig_cfg *cfg, struct rig_usb_ident *id, struct rig_error *err)
{
	static const char *const secs[] = {"link", "serial"};
	struct rig_cfg_node *sec;

	memset(id, 0, sizeof(*id));
	sec = rig_cfg_get(cfg, NULL, "usb");
	if (sec) {
		if (!rig_cfg_is_map(sec))
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%d: usb: expected a mapping {vid, pid, serial, port, boot}",
			    rig_cfg_path(cfg), rig_cfg_line(sec));
		return from_section(cfg, sec, id, err);
	}
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		sec = rig_cfg_get(cfg, NULL, secs[i]);
		if (!sec || !rig_cfg_is_map(sec))
			continue;
		if (rig_cfg_str(cfg, sec, "port", 0, "", id->spec, sizeof(id->spec), NULL) < 0 ||
		    strncmp(id->spec, "usb:", 4) != 0)
			continue;
		if (rig_usb_match_parse(id->spec, &id->app, NULL) < 0)
			return 0; /* the link part reports its own error */
		return 1;
	}
	return 0;
}

int rig_usb_ident_matches(const struct rig_usb_ident *id, const struct rig_usb_dev *d)
{
	if (id->port[0])
		return strcmp(id->port, d->port) == 0;
	if (rig_usb_matches(&id->app, d))
		return 1;
	return id->boot.vid && rig_usb_matches(&id->boot, d);
}
