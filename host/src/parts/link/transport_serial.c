/*
 * The "serial" transport on libserialport, port selection by USB identity,
 * and the pty fallback. See transport_serial.h and docs/serial.md.
 */
#include "transport_serial.h"

#include <ctype.h>
#include <errno.h>
#include <libserialport.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"

/* ---- selectors ---- */

static int parse_hex16(const char *s, size_t n, int *out)
{
	int v = 0;

	if (n == 0 || n > 4)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return 0;
		v = v * 16 + (isdigit((unsigned char)s[i])
				  ? s[i] - '0'
				  : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = v;
	return 1;
}

/* A USB port path as sysfs writes it: BUS-PORT[.PORT...], decimal. */
static int port_path_ok(const char *s, size_t n)
{
	size_t i = 0, digits;
	int dash = 0;

	while (i < n) {
		for (digits = 0; i < n && isdigit((unsigned char)s[i]); i++)
			digits++;
		if (digits == 0 || digits > 3)
			return 0;
		if (i == n)
			break;
		if (s[i] == '-' && !dash)
			dash = 1;
		else if (s[i] != '.' || !dash)
			return 0;
		if (++i == n)
			return 0;
	}
	return dash;
}

int rig_serial_sel_parse(const char *text, struct rig_serial_sel *out, struct rig_error *err)
{
	const char *p, *c1, *c2, *at;
	char idpart[256];

	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return rig_fail(err, RIG_ERR_INVALID,
				"serial port: empty (expected a path or usb:VID:PID[:SERIAL])");
	if (strncmp(text, "usb:", 4) != 0) {
		if (strlen(text) >= sizeof(out->path))
			return rig_fail(err, RIG_ERR_INVALID, "serial port path too long: %s",
					text);
		snprintf(out->path, sizeof(out->path), "%s", text);
		return 0;
	}
	at = strrchr(text, '@');
	if (at) {
		size_t n = strlen(at + 1);

		if (n >= sizeof(out->port) || !port_path_ok(at + 1, n))
			return rig_fail(err, RIG_ERR_INVALID,
					"serial port \"%s\": after '@' expected a USB port path "
					"such as 1-1.4, got \"%s\"",
					text, at + 1);
		memcpy(out->port, at + 1, n + 1);
	}
	snprintf(idpart, sizeof(idpart), "%.*s", (int)(at ? at - text : (long)strlen(text)), text);
	p = idpart + 4;
	c1 = strchr(p, ':');
	if (!c1 || !parse_hex16(p, (size_t)(c1 - p), &out->vid))
		return rig_fail(err, RIG_ERR_INVALID,
				"serial port \"%s\": expected usb:VID:PID[:SERIAL] with VID and "
				"PID as 1-4 hex digits",
				text);
	c2 = strchr(c1 + 1, ':');
	if (!parse_hex16(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), &out->pid))
		return rig_fail(err, RIG_ERR_INVALID,
				"serial port \"%s\": PID must be 1-4 hex digits", text);
	if (c2) {
		if (!c2[1] || strlen(c2 + 1) >= sizeof(out->serial))
			return rig_fail(err, RIG_ERR_INVALID,
					"serial port \"%s\": USB serial number empty or too long",
					text);
		snprintf(out->serial, sizeof(out->serial), "%s", c2 + 1);
	}
	out->usb = 1;
	return 0;
}

int rig_serial_sel_match(const struct rig_serial_sel *sel, const struct rig_serial_port_info *ports,
			 size_t n, struct rig_error *err)
{
	struct rig_buf seen = {0};
	int found = -1, count = 0;

	for (size_t i = 0; i < n; i++) {
		const struct rig_serial_port_info *p = &ports[i];
		int match = sel->usb
				? p->is_usb && p->vid == sel->vid && p->pid == sel->pid &&
				      (!sel->serial[0] || strcmp(p->serial, sel->serial) == 0) &&
				      (!sel->port[0] || strcmp(p->port, sel->port) == 0)
				: strcmp(p->name, sel->path) == 0;

		if (p->is_usb)
			rig_buf_appendf(&seen, "%s%s=usb:%04x:%04x%s%s%s%s", seen.len ? ", " : "",
					p->name, p->vid, p->pid, p->serial[0] ? ":" : "", p->serial,
					p->port[0] ? "@" : "", p->port);
		else
			rig_buf_appendf(&seen, "%s%s", seen.len ? ", " : "", p->name);
		if (match) {
			if (found < 0)
				found = (int)i;
			count++;
		}
	}
	if (found >= 0 && count > 1 && sel->usb) {
		rig_fail(err, RIG_ERR_INVALID,
			 "%d ports match usb:%04x:%04x; add the serial number (usb:VID:PID:SERIAL) "
			 "or the port (usb:VID:PID@1-1.4) "
			 "to choose one: %s",
			 count, sel->vid, sel->pid, seen.data);
		rig_buf_free(&seen);
		return RIG_ERR_INVALID;
	}
	if (found < 0) {
		if (sel->usb)
			rig_fail(err, RIG_ERR_NOT_FOUND,
				 "no serial port with USB id %04x:%04x%s%s%s%s (ports seen: %s)",
				 sel->vid, sel->pid, sel->serial[0] ? " serial " : "", sel->serial,
				 sel->port[0] ? " at port " : "", sel->port,
				 seen.len ? seen.data : "none");
		else
			rig_fail(err, RIG_ERR_NOT_FOUND, "no serial port %s (ports seen: %s)",
				 sel->path, seen.len ? seen.data : "none");
	}
	rig_buf_free(&seen);
	return found >= 0 ? found : RIG_ERR_NOT_FOUND;
}

/* ---- libserialport ---- */

static const char *sp_err_name(enum sp_return r)
{
	switch (r) {
	case SP_OK:
		return "SP_OK";
	case SP_ERR_ARG:
		return "SP_ERR_ARG";
	case SP_ERR_FAIL:
		return "SP_ERR_FAIL";
	case SP_ERR_MEM:
		return "SP_ERR_MEM";
	case SP_ERR_SUPP:
		return "SP_ERR_SUPP";
	}
	return "SP_ERR_?";
}

/* Fails with libserialport's error name and, for SP_ERR_FAIL, its OS message. */
static int sp_fail(struct rig_error *err, enum sp_return r, const char *what, const char *port)
{
	char *msg = r == SP_ERR_FAIL ? sp_last_error_message() : NULL;
	int rc = rig_fail(err, r == SP_ERR_MEM ? RIG_ERR_NO_MEM : RIG_ERR_IO, "%s: %s: %s%s%s",
			  port, what, sp_err_name(r), msg ? ": " : "", msg ? msg : "");

	if (msg)
		sp_free_error_message(msg);
	return rc;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* The USB port path of a tty's device: /sys/class/tty/NAME/device is the
 * interface directory, named PORT:CONFIG.IFACE ("1-1.4:1.0"). */
static void usb_port_of(const char *dev, char *out, size_t cap)
{
	const char *base = strrchr(dev, '/');
	char link[300], real[PATH_MAX], *colon, *name;

	out[0] = '\0';
	snprintf(link, sizeof(link), "/sys/class/tty/%s/device", base ? base + 1 : dev);
	if (!realpath(link, real))
		return;
	name = strrchr(real, '/');
	name = name ? name + 1 : real;
	colon = strchr(name, ':');
	if (colon && (size_t)(colon - name) < cap && port_path_ok(name, (size_t)(colon - name)))
		snprintf(out, cap, "%.*s", (int)(colon - name), name);
}

static void port_info(struct sp_port *port, struct rig_serial_port_info *out)
{
	memset(out, 0, sizeof(*out));
	copy_str(out->name, sizeof(out->name), sp_get_port_name(port));
	copy_str(out->description, sizeof(out->description), sp_get_port_description(port));
	if (sp_get_port_transport(port) == SP_TRANSPORT_USB) {
		out->is_usb = 1;
		if (sp_get_port_usb_vid_pid(port, &out->vid, &out->pid) != SP_OK)
			out->vid = out->pid = 0;
		copy_str(out->serial, sizeof(out->serial), sp_get_port_usb_serial(port));
		copy_str(out->manufacturer, sizeof(out->manufacturer),
			 sp_get_port_usb_manufacturer(port));
		copy_str(out->product, sizeof(out->product), sp_get_port_usb_product(port));
		usb_port_of(out->name, out->port, sizeof(out->port));
	}
}

int rig_serial_enumerate(struct rig_serial_port_info **out, size_t *n, struct rig_error *err)
{
	struct sp_port **list = NULL;
	enum sp_return r = sp_list_ports(&list);
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (r != SP_OK)
		return sp_fail(err, r, "listing serial ports", "libserialport");
	while (list[count])
		count++;
	*out = rig_xcalloc(count ? count : 1, sizeof(**out));
	for (size_t i = 0; i < count; i++)
		port_info(list[i], &(*out)[i]);
	*n = count;
	sp_free_port_list(list);
	return 0;
}

int rig_serial_list(struct rig_kvlist *ports, struct rig_error *err)
{
	struct rig_serial_port_info *info;
	size_t n;
	int rc = rig_serial_enumerate(&info, &n, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct rig_serial_port_info *p = &info[i];

		if (p->is_usb)
			rig_kv_setf(ports, p->name, "usb %04x:%04x%s%s (%s%s%s)", p->vid, p->pid,
				    p->serial[0] ? " serial " : "", p->serial, p->manufacturer,
				    p->manufacturer[0] ? " " : "",
				    p->product[0] ? p->product : p->description);
		else
			rig_kv_setf(ports, p->name, "native (%s)", p->description);
	}
	free(info);
	return 0;
}

int rig_serial_path_is_pty(const char *path)
{
	struct stat st;
	unsigned maj;

	if (stat(path, &st) || !S_ISCHR(st.st_mode))
		return 0;
	maj = major(st.st_rdev);
	/* Unix98 pty slaves use majors 136-143 (Documentation/admin-guide/
	 * devices.txt); /dev/ptmx is 5:2. */
	return (maj >= 136 && maj <= 143) || (maj == 5 && minor(st.st_rdev) == 2);
}

struct sp_priv {
	struct sp_port *port;
};

static struct sp_port *sp_of(struct rig_transport *t) { return ((struct sp_priv *)t->priv)->port; }

static ssize_t sp_read(struct rig_transport *t, void *buf, size_t n, int timeout_ms,
		       struct rig_error *err)
{
	enum sp_return r;

	/* sp_blocking_read_next treats 0 as "wait forever": poll instead. */
	if (timeout_ms <= 0)
		r = sp_nonblocking_read(sp_of(t), buf, n);
	else
		r = sp_blocking_read_next(sp_of(t), buf, n, (unsigned)timeout_ms);
	if (r > 0)
		return (ssize_t)r;
	if (r == 0)
		return rig_fail(err, RIG_ERR_TIMEOUT, "%s: nothing to read within %d ms", t->name,
				timeout_ms);
	return sp_fail(err, r, "read", t->name);
}

static ssize_t sp_write(struct rig_transport *t, const void *buf, size_t n, int timeout_ms,
			struct rig_error *err)
{
	enum sp_return r =
	    sp_blocking_write(sp_of(t), buf, n, (unsigned)(timeout_ms > 0 ? timeout_ms : 1));

	if (r < 0)
		return sp_fail(err, r, "write", t->name);
	if ((size_t)r < n)
		return rig_fail(err, RIG_ERR_TIMEOUT, "%s: wrote %d of %zu bytes within %d ms",
				t->name, (int)r, n, timeout_ms);
	return (ssize_t)n;
}

static int sp_flush_in(struct rig_transport *t, struct rig_error *err)
{
	enum sp_return r = sp_flush(sp_of(t), SP_BUF_INPUT);

	return r == SP_OK ? 0 : sp_fail(err, r, "flush", t->name);
}

static int sp_baud(struct rig_transport *t, int baud, struct rig_error *err)
{
	enum sp_return r = sp_set_baudrate(sp_of(t), baud);

	return r == SP_OK ? 0 : sp_fail(err, r, "set baud rate", t->name);
}

static int sp_lines(struct rig_transport *t, int dtr, int rts, struct rig_error *err)
{
	enum sp_return r = SP_OK;

	if (dtr >= 0)
		r = sp_set_dtr(sp_of(t), dtr ? SP_DTR_ON : SP_DTR_OFF);
	if (r == SP_OK && rts >= 0)
		r = sp_set_rts(sp_of(t), rts ? SP_RTS_ON : SP_RTS_OFF);
	return r == SP_OK ? 0 : sp_fail(err, r, "set DTR/RTS", t->name);
}

static void sp_close_t(struct rig_transport *t)
{
	struct sp_priv *p = t->priv;

	sp_close(p->port);
	sp_free_port(p->port);
	free(p);
	free(t);
}

static const struct rig_transport_ops serial_ops = {
    .kind = "serial",
    .read = sp_read,
    .write = sp_write,
    .flush_input = sp_flush_in,
    .set_baud = sp_baud,
    .set_lines = sp_lines,
    .close = sp_close_t,
};

/* The path of the port sel means (enumerating for usb: selectors). */
static int resolve(const struct rig_serial_sel *sel, char *path, size_t cap, struct rig_error *err)
{
	struct rig_serial_port_info *ports;
	size_t n;
	int rc, i;

	if (!sel->usb) {
		snprintf(path, cap, "%s", sel->path);
		return 0;
	}
	if ((rc = rig_serial_enumerate(&ports, &n, err)))
		return rc;
	i = rig_serial_sel_match(sel, ports, n, err);
	if (i >= 0)
		snprintf(path, cap, "%s", ports[i].name);
	free(ports);
	return i < 0 ? i : 0;
}

static int configure(struct sp_port *port, int baud, const char *name, struct rig_error *err)
{
	enum sp_return r;

	if ((r = sp_set_baudrate(port, baud)) != SP_OK)
		return sp_fail(err, r, "set baud rate", name);
	if ((r = sp_set_bits(port, 8)) != SP_OK ||
	    (r = sp_set_parity(port, SP_PARITY_NONE)) != SP_OK ||
	    (r = sp_set_stopbits(port, 1)) != SP_OK ||
	    (r = sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE)) != SP_OK)
		return sp_fail(err, r, "set 8N1, no flow control", name);
	return 0;
}

int rig_transport_serial_open(const char *selector, int baud, struct rig_transport **out,
			      struct rig_error *err)
{
	struct rig_serial_sel sel;
	struct sp_port *port = NULL;
	struct rig_transport *t;
	struct sp_priv *p;
	char path[256];
	enum sp_return r;
	int rc;

	*out = NULL;
	if ((rc = rig_serial_sel_parse(selector, &sel, err)) ||
	    (rc = resolve(&sel, path, sizeof(path), err)))
		return rc;
	/* libserialport refuses ptys twice over: sp_get_port_by_name wants
	 * /sys/class/tty/<name>, and sp_open's TIOCMGET fails with ENOTTY.
	 * A pty has no line rate or modem lines anyway: open it raw. Decided
	 * by device number, so a real port never takes this path. */
	if (rig_serial_path_is_pty(path)) {
		rig_dbg("%s is a pty: termios, not libserialport", path);
		return rig_transport_tty_open(path, baud, out, err);
	}
	if (access(path, F_OK) != 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "serial port %s: %s", path,
				strerror(errno));
	if ((r = sp_get_port_by_name(path, &port)) != SP_OK)
		return sp_fail(err, r, "look up port", path);
	if ((r = sp_open(port, SP_MODE_READ_WRITE)) != SP_OK) {
		rc = sp_fail(err, r, "open", path);
		sp_free_port(port);
		return rc;
	}
	if ((rc = configure(port, baud, path, err))) {
		sp_close(port);
		sp_free_port(port);
		return rc;
	}
	t = rig_xcalloc(1, sizeof(*t));
	p = rig_xcalloc(1, sizeof(*p));
	p->port = port;
	t->ops = &serial_ops;
	t->priv = p;
	snprintf(t->name, sizeof(t->name), "%s", path);
	*out = t;
	return 0;
}
