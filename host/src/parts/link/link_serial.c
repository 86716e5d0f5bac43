/*
 * Link part serial: a serial port through libserialport, chosen by USB
 * identity (usb:VID:PID[:SERIAL], so a board is found whichever ttyACM it
 * became) or by path (parts/link/transport_serial.h).
 *
 *   link: {kind: serial, port: usb:2e8a:000a, baud: 115200}
 *
 * (a serial board's `serial:` section has the same fields)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "transport_serial.h"

struct lserial_priv {
	char port[256];
	long long baud;
};

static int lserial_configure(struct rig_board *b, const struct rig_cfg *cfg,
			     struct rig_cfg_node *sec, struct rig_error *err)
{
	static const char *const keys[] = {"port", "baud", NULL};
	struct lserial_priv *lp = rig_xcalloc(1, sizeof(*lp));
	struct rig_serial_sel sel;
	struct rig_error e = {0};
	int rc;

	b->link.priv = lp;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'serial' is required for kind serial (serial: {port: "
				"usb:VID:PID})",
				b->file, b->link.line);
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "port", 1, NULL, lp->port, sizeof(lp->port), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "baud", 0, 115200, 300, 4000000, &lp->baud, err)))
		return rc;
	if (rig_serial_sel_parse(lp->port, &sel, &e))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field 'serial.port': %s", b->file,
				rig_cfg_line(rig_cfg_get(cfg, sec, "port")), e.msg);
	return 0;
}

int rig_link_serial_set(struct rig_board *b, const char *port, int baud, struct rig_error *err)
{
	struct lserial_priv *lp = b->link.priv;
	struct rig_serial_sel sel;

	if (RIG_LINK(b) != &rig_link_serial_ops || !lp) {
		lp = rig_xcalloc(1, sizeof(*lp));
		b->link.ops = &rig_link_serial_ops;
		b->link.priv = lp;
	}
	snprintf(lp->port, sizeof(lp->port), "%s", port);
	lp->baud = baud;
	return rig_serial_sel_parse(lp->port, &sel, err);
}

static int lserial_connect(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
			   struct rig_error *err)
{
	struct lserial_priv *lp = b->link.priv;
	int64_t deadline = rig_now_ns() + timeout_ms * 1000000;
	int rc;

	for (;;) {
		rc = rig_transport_serial_open(lp->port, (int)lp->baud, out, err);
		if (rc != RIG_ERR_NOT_FOUND || rig_now_ns() >= deadline)
			return rc;
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000000}, NULL);
	}
}

static void lserial_describe(struct rig_board *b, char *out, size_t cap)
{
	struct lserial_priv *lp = b->link.priv;

	snprintf(out, cap, "%s", lp->port);
}

static int lserial_port(struct rig_board *b, char *sel, size_t cap, int *baud)
{
	struct lserial_priv *lp = b->link.priv;

	snprintf(sel, cap, "%s", lp->port);
	*baud = (int)lp->baud;
	return 0;
}

static void lserial_destroy(struct rig_board *b)
{
	free(b->link.priv);
	b->link.priv = NULL;
}

const struct rig_link_ops rig_link_serial_ops = {
    .kind = "serial",
    .configure = lserial_configure,
    .connect = lserial_connect,
    .describe = lserial_describe,
    .serial_port = lserial_port,
    .destroy = lserial_destroy,
};
