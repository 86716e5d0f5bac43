/*
 * Power part usb-hub-port: the board's USB port on a hub is switched off
 * and on (usb/hubport.h: the hub-class PORT_POWER request, the sysfs
 * `disable` attribute as fallback), and each cut is checked: the device
 * must leave the bus, or the hub only pretends to switch (uhubctl #504).
 * A reset is a power cycle, so startup then counts from power on (a cold
 * start: boot ROM, USB enumeration, the image's own start); recover() is
 * the same cycle for a board that stopped answering.
 *
 *   power: {kind: usb-hub-port, hub: "1-1", port: 2, off: 2s, wait: 10s}
 *
 * Fields: hub (the hub's port path, "usbN" for a root hub), port, method
 * (auto | hub | sysfs; default auto: the request, then sysfs), off (time
 * without power, default 1s), wait (for the device to go and to come back,
 * default 10s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "hubport.h"

struct hub_priv {
	char hub[32];
	long long port;
	unsigned mask;
	long long off_ms, wait_ms;
	int used; /* the method that worked last */
};

static int hub_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	static const char *const keys[] = {"hub", "port", "method", "off", "wait", NULL};
	static const char *const methods[] = {"auto", "hub", "sysfs", NULL};
	struct hub_priv *hp = rig_xcalloc(1, sizeof(*hp));
	int rc, m = 0;

	b->power.priv = hp;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s: power usb-hub-port needs hub: and port:", b->file);
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "hub", 1, "", hp->hub, sizeof(hp->hub), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "port", 1, 0, 1, 255, &hp->port, err)) ||
	    (rc = rig_cfg_enum(cfg, sec, "method", 0, methods, 0, &m, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "off", 0, 1000, 600000, &hp->off_ms, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "wait", 0, 10000, 600000, &hp->wait_ms, err)))
		return rc;
	if (rig_hubport_child(hp->hub, (int)hp->port, (char[64]){0}, 64, NULL))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: hub: \"%s\" is not a hub port path (1-1, 2-1.4, usb1)",
				b->file, rig_cfg_key_line(cfg, sec, "hub"), hp->hub);
	hp->mask = m == 1   ? RIG_HUBPORT_HUB_REQUEST
		   : m == 2 ? RIG_HUBPORT_SYSFS_DISABLE
			    : RIG_HUBPORT_HUB_REQUEST | RIG_HUBPORT_SYSFS_DISABLE;
	return 0;
}

static int set(struct rig_board *b, int on, unsigned mask, struct rig_error *err)
{
	struct hub_priv *hp = b->power.priv;
	int rc = rig_hubport_set(hp->hub, (int)hp->port, on, mask, &hp->used, err);

	if (rc == RIG_ERR_NOT_FOUND || rc == RIG_ERR_NOT_SUPPORTED) {
		char m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		return rig_fail(err, RIG_ERR_SKIPPED, "board %s: hub %s not connected (%s)",
				b->name, hp->hub, m);
	}
	return rc;
}

/* Off, and proof that it was: the device left. A hub request the hub
 * ignored gets the sysfs method as a second try. */
static int cut(struct rig_board *b, struct rig_error *err)
{
	struct hub_priv *hp = b->power.priv;
	int rc;

	if ((rc = set(b, 0, hp->mask, err)))
		return rc;
	if (rig_hubport_wait(hp->hub, (int)hp->port, 0, (int)hp->wait_ms, NULL) == 0)
		return 0;
	if (hp->used == RIG_HUBPORT_HUB_REQUEST && (hp->mask & RIG_HUBPORT_SYSFS_DISABLE) &&
	    set(b, 0, RIG_HUBPORT_SYSFS_DISABLE, NULL) == 0 &&
	    rig_hubport_wait(hp->hub, (int)hp->port, 0, (int)hp->wait_ms, NULL) == 0)
		return 0;
	set(b, 1, hp->mask, NULL);
	return rig_fail(err, RIG_ERR_IO,
			"board %s: hub %s port %lld took the power-off request but the device "
			"stayed for %lld ms: this hub does not switch VBUS (uhubctl #504); use "
			"another hub or power: {kind: command}",
			b->name, hp->hub, hp->port, hp->wait_ms);
}

static int cycle(struct rig_board *b, int64_t *t0_ns, struct rig_error *err)
{
	struct hub_priv *hp = b->power.priv;
	int rc;

	rig_board_console_close(b);
	if ((rc = cut(b, err)))
		return rc;
	nanosleep(&(struct timespec){hp->off_ms / 1000, (hp->off_ms % 1000) * 1000000L}, NULL);
	if ((rc = set(b, 1, hp->used ? (unsigned)hp->used : hp->mask, err)))
		return rc;
	if (t0_ns)
		*t0_ns = rig_now_ns(); /* a cold start: from power on */
	if ((rc = rig_hubport_wait(hp->hub, (int)hp->port, 1, (int)hp->wait_ms, err)))
		return RIG_ERR_IO;
	return 0;
}

static int hub_on(struct rig_board *b, struct rig_error *err)
{
	struct hub_priv *hp = b->power.priv;
	int rc;

	if ((rc = set(b, 1, hp->mask, err)))
		return rc;
	if (rig_hubport_wait(hp->hub, (int)hp->port, 1, (int)hp->wait_ms, NULL))
		return rig_fail(err, RIG_ERR_SKIPPED,
				"board %s: nothing on hub %s port %lld (not connected)", b->name,
				hp->hub, hp->port);
	return 0;
}

static void hub_off(struct rig_board *b)
{
	struct hub_priv *hp = b->power.priv;

	rig_hubport_set(hp->hub, (int)hp->port, 0, hp->mask, &hp->used, NULL);
}

static int hub_reset(struct rig_board *b, int64_t *t0_ns, struct rig_error *err)
{
	int rc;

	if (b->lines_ready) {
		rig_lines_drain(&b->lines);
		rig_lines_cut(&b->lines);
	}
	if ((rc = cycle(b, t0_ns, err)))
		return rc;
	rc = rig_board_console_open(b, b->ready_timeout_ms, err);
	if (rc == 0)
		rig_lines_mark(&b->lines, "reset (hub port power cycle)");
	return rc == RIG_ERR_SKIPPED ? RIG_ERR_IO : rc;
}

static int hub_recover(struct rig_board *b, struct rig_error *err)
{
	int rc = cycle(b, NULL, err);

	return rc ? rc : rig_board_console_open(b, b->ready_timeout_ms, err);
}

static int hub_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct hub_priv *hp = b->power.priv;

	rig_kv_setf(facts, "board.power", "usb-hub-port %s port %lld%s", hp->hub, hp->port,
		    hp->used == RIG_HUBPORT_SYSFS_DISABLE ? " (sysfs disable)"
		    : hp->used == RIG_HUBPORT_HUB_REQUEST ? " (hub request)"
							  : "");
	return 0;
}

static void hub_destroy(struct rig_board *b)
{
	free(b->power.priv);
	b->power.priv = NULL;
}

const struct rig_power_ops rig_power_usb_hub_port_ops = {
    .kind = "usb-hub-port",
    .configure = hub_configure,
    .on = hub_on,
    .off = hub_off,
    .reset = hub_reset,
    .recover = hub_recover,
    .facts = hub_facts,
    .destroy = hub_destroy,
};
