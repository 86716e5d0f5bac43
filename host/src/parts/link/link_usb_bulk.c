/*
 * Link part usb-bulk: a byte stream over a USB function's bulk pipe pair,
 * on the USB core (usb/usb.h, libusb). The function is rig-agent's
 * (rig-agent --usb-ffs on a board in USB gadget mode, firmware/agent/
 * usb_ffs.c): one vendor interface, class 0xff, subclass 0x52, protocol 1,
 * a bulk OUT and a bulk IN endpoint carrying the agent's frames as on a
 * serial line. So a Raspberry Pi Zero / Pi 4 is benched over its OTG cable
 * alone, no network.
 *
 *   link: {kind: usb-bulk, device: "1d6b:0104", port: "1-1.4", serial: X}
 *
 * Fields: device (VID:PID, default 1d6b:0104, the Linux Foundation's
 * multifunction composite gadget the Pi guides use), port (the physical
 * port path: tells identical boards apart), serial, timeout (per transfer
 * write, default 10s).
 *
 * Transfers never carry a whole number of packets (a write of k * 64 bytes
 * goes as k * 64 - 1 and 1), so every transfer ends with a short packet
 * and the reader never waits for a zero-length one; the agent does the
 * same the other way. Reads use a 16 KiB buffer (a multiple of every
 * packet size, the agent's read size), kept across calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "usb.h"

#define UB_CHUNK 16384
#define UB_CLASS 0xff
#define UB_SUBCLASS 0x52 /* firmware/agent/agent.h RIG_AGENT_USB_SUBCLASS */
#define UB_PROTOCOL 0x01

struct lub_priv {
	char device[16], port[32], serial[128];
	long long timeout_ms;
};

struct ub_stream {
	struct rig_usb_handle *h;
	struct rig_usb_bulk_iface pipe;
	int write_timeout_ms;
	uint8_t buf[UB_CHUNK];
	size_t off, len;
};

static int lub_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	static const char *const keys[] = {"device", "port", "serial", "timeout", NULL};
	struct lub_priv *lp = rig_xcalloc(1, sizeof(*lp));
	struct rig_usb_match m;
	char spec[32];
	int rc;

	b->link.priv = lp;
	snprintf(lp->device, sizeof(lp->device), "1d6b:0104");
	lp->timeout_ms = 10000;
	if (!sec)
		return 0;
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "device", 0, "1d6b:0104", lp->device, sizeof(lp->device),
			      err)) ||
	    (rc = rig_cfg_str(cfg, sec, "port", 0, "", lp->port, sizeof(lp->port), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "serial", 0, "", lp->serial, sizeof(lp->serial), err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "timeout", 0, 10000, 600000, &lp->timeout_ms, err)))
		return rc;
	snprintf(spec, sizeof(spec), "usb:%s", lp->device);
	if (strchr(lp->device, ':') == strrchr(lp->device, ':') &&
	    rig_usb_match_parse(spec, &m, NULL) == 0)
		return 0;
	return rig_fail(err, RIG_ERR_PARSE,
			"%s:%d: field 'link.device': \"%s\" is not VID:PID in hex (1d6b:0104)",
			b->file, rig_cfg_key_line(cfg, sec, "device"), lp->device);
}

static ssize_t ub_read(struct rig_transport *t, void *buf, size_t n, int timeout_ms,
		       struct rig_error *err)
{
	struct ub_stream *s = t->priv;
	size_t k;

	if (s->off == s->len) {
		/* libusb's 0 is "no timeout": a poll is the shortest wait */
		int r = rig_usb_bulk(s->h, s->pipe.ep_in, s->buf, UB_CHUNK,
				     timeout_ms > 0 ? timeout_ms : 1, err);

		if (r == RIG_ERR_TIMEOUT)
			return RIG_ERR_TIMEOUT;
		if (r < 0)
			return RIG_ERR_IO;
		s->off = 0;
		s->len = (size_t)r;
		if (r == 0)
			return RIG_ERR_TIMEOUT; /* a zero-length packet: nothing */
	}
	k = s->len - s->off < n ? s->len - s->off : n;
	memcpy(buf, s->buf + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static ssize_t ub_write(struct rig_transport *t, const void *buf, size_t n, int timeout_ms,
			struct rig_error *err)
{
	struct ub_stream *s = t->priv;
	const uint8_t *p = buf;
	size_t left = n;
	unsigned packet = s->pipe.out_packet ? s->pipe.out_packet : 64;

	if (timeout_ms <= 0)
		timeout_ms = s->write_timeout_ms;
	while (left) {
		size_t chunk = left < UB_CHUNK ? left : UB_CHUNK;
		int r;

		if (chunk % packet == 0 || chunk % 64 == 0)
			chunk--; /* end the transfer with a short packet */
		r = rig_usb_bulk(s->h, s->pipe.ep_out, (void *)p, (int)chunk, timeout_ms, err);
		if (r <= 0)
			return r < 0 ? r : RIG_ERR_IO;
		p += r;
		left -= (size_t)r;
	}
	return (ssize_t)n;
}

static int ub_flush_input(struct rig_transport *t, struct rig_error *err)
{
	struct ub_stream *s = t->priv;

	s->off = s->len = 0;
	while (rig_usb_bulk(s->h, s->pipe.ep_in, s->buf, UB_CHUNK, 5, NULL) > 0)
		;
	s->off = s->len = 0;
	return 0;
}

static void ub_close(struct rig_transport *t)
{
	struct ub_stream *s = t->priv;

	rig_usb_close(s->h);
	free(s);
	free(t);
}

static const struct rig_transport_ops ub_ops = {
    .kind = "usb-bulk",
    .read = ub_read,
    .write = ub_write,
    .flush_input = ub_flush_input,
    .close = ub_close,
};

/* Opens the function on device d: its interface claimed. */
static int ub_open(struct lub_priv *lp, const struct rig_usb_dev *d, struct rig_transport **out,
		   struct rig_error *err)
{
	struct ub_stream *s = rig_xcalloc(1, sizeof(*s));
	struct rig_transport *t;
	int rc;

	if ((rc = rig_usb_open(d, &s->h, err)) ||
	    (rc = rig_usb_find_bulk_iface(s->h, UB_CLASS, UB_SUBCLASS, UB_PROTOCOL, &s->pipe,
					  err)) ||
	    (rc = rig_usb_claim(s->h, s->pipe.iface, err))) {
		rig_usb_close(s->h);
		free(s);
		return rc;
	}
	s->write_timeout_ms = (int)lp->timeout_ms;
	t = rig_xcalloc(1, sizeof(*t));
	t->ops = &ub_ops;
	t->priv = s;
	snprintf(t->name, sizeof(t->name), "usb-bulk %04x:%04x at %s ep 0x%02x/0x%02x", d->vid,
		 d->pid, d->port, s->pipe.ep_out, s->pipe.ep_in);
	*out = t;
	return 0;
}

static int lub_connect(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
		       struct rig_error *err)
{
	struct lub_priv *lp = b->link.priv;
	int64_t deadline = rig_now_ns() + timeout_ms * 1000000;
	char spec[32];
	struct rig_usb_match m;
	int rc;

	snprintf(spec, sizeof(spec), "usb:%s", lp->device);
	if ((rc = rig_usb_match_parse(spec, &m, err)))
		return rc;
	m.serial = lp->serial[0] ? lp->serial : NULL;
	m.port = lp->port[0] ? lp->port : NULL;
	for (;;) {
		struct rig_usb_dev d;

		rc = rig_usb_find(&m, &d, err);
		if (rc == 1)
			return ub_open(lp, &d, out, err);
		if (rc < 0)
			return rc;
		if (rig_now_ns() >= deadline)
			return rig_fail(err, RIG_ERR_NOT_FOUND, "no USB device %s%s%s%s%s",
					lp->device, m.port ? " at port " : "", m.port ? m.port : "",
					m.serial ? " serial " : "", m.serial ? m.serial : "");
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000000}, NULL);
	}
}

static void lub_describe(struct rig_board *b, char *out, size_t cap)
{
	struct lub_priv *lp = b->link.priv;

	snprintf(out, cap, "usb-bulk %s%s%s", lp->device, lp->port[0] ? "@" : "", lp->port);
}

static void lub_destroy(struct rig_board *b)
{
	free(b->link.priv);
	b->link.priv = NULL;
}

const struct rig_link_ops rig_link_usb_bulk_ops = {
    .kind = "usb-bulk",
    .configure = lub_configure,
    .connect = lub_connect,
    .describe = lub_describe,
    .destroy = lub_destroy,
};
