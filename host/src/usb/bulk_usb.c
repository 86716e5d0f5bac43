/* libusb glue for the picoboot, dfu and usb-bulk parts (bulk_usb.h). */
#include "bulk_usb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

int rig_busb_sel_parse_id(const char *s, struct rig_busb_sel *sel, struct rig_error *err)
{
	unsigned v, p;
	char tail;

	if (sscanf(s, "%4x:%4x%c", &v, &p, &tail) != 2)
		return rig_fail(err, RIG_ERR_INVALID, "USB id \"%s\": expected VID:PID in hex", s);
	sel->vid = (uint16_t)v;
	sel->pid = (uint16_t)p;
	return 0;
}

void rig_busb_sel_describe(const struct rig_busb_sel *sel, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%04x:%04x", sel->vid, sel->pid);

	if (sel->port[0] && n >= 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " at %s", sel->port);
	if (sel->serial[0] && n >= 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, " serial %s", sel->serial);
}

#ifdef RIG_HAVE_LIBUSB
#include <libusb.h>

struct rig_busb {
	libusb_context *ctx;
	libusb_device_handle *h;
	char port[32];
	uint16_t vid, pid, bcd;
};

int rig_busb_fail(struct rig_error *err, int code, const char *what)
{
	int rc;

	switch (code) {
	case LIBUSB_ERROR_PIPE:
		rc = RIG_ERR_PROTOCOL;
		break;
	case LIBUSB_ERROR_NO_DEVICE:
	case LIBUSB_ERROR_NOT_FOUND:
		rc = RIG_ERR_NOT_FOUND;
		break;
	case LIBUSB_ERROR_TIMEOUT:
		rc = RIG_ERR_TIMEOUT;
		break;
	case LIBUSB_ERROR_ACCESS:
		rc = RIG_ERR_AUTH;
		break;
	default:
		rc = RIG_ERR_IO;
	}
	return rig_fail(err, rc, "%s: %s (%s)", what, libusb_error_name(code),
			libusb_strerror(code));
}

static void port_path(libusb_device *d, char *out, size_t cap)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(d, ports, sizeof(ports)), off;

	off = snprintf(out, cap, "%u", libusb_get_bus_number(d));
	for (int i = 0; i < n && off > 0 && (size_t)off < cap; i++)
		off += snprintf(out + off, cap - (size_t)off, "%c%u", i ? '.' : '-', ports[i]);
}

/* 1 when d fits sel; reads the serial only when sel asks for one. */
static int matches(libusb_device *d, const struct libusb_device_descriptor *dd,
		   const struct rig_busb_sel *sel, char *port, size_t cap)
{
	port_path(d, port, cap);
	if ((sel->vid && dd->idVendor != sel->vid) || (sel->pid && dd->idProduct != sel->pid) ||
	    (sel->port[0] && strcmp(port, sel->port) != 0))
		return 0;
	if (sel->serial[0]) {
		libusb_device_handle *h;
		unsigned char s[128] = "";
		int ok = 0;

		if (dd->iSerialNumber && libusb_open(d, &h) == 0) {
			ok = libusb_get_string_descriptor_ascii(h, dd->iSerialNumber, s,
								sizeof(s)) > 0 &&
			     strcmp((char *)s, sel->serial) == 0;
			libusb_close(h);
		}
		return ok;
	}
	return 1;
}

/* One look at the bus: 1 and *dev (referenced) when exactly one matches. */
static int scan(libusb_context *ctx, const struct rig_busb_sel *sel, libusb_device **dev,
		char *port, size_t cap, struct rig_error *err)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(ctx, &list);
	int found = 0;
	char first[32] = "", p[32];

	if (n < 0)
		return rig_busb_fail(err, (int)n, "libusb_get_device_list");
	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor dd;

		if (libusb_get_device_descriptor(list[i], &dd) ||
		    !matches(list[i], &dd, sel, p, sizeof(p)))
			continue;
		if (found++ == 0) {
			*dev = libusb_ref_device(list[i]);
			snprintf(first, sizeof(first), "%s", p);
			snprintf(port, cap, "%s", p);
		} else {
			char what[160];

			libusb_unref_device(*dev);
			libusb_free_device_list(list, 1);
			rig_busb_sel_describe(sel, what, sizeof(what));
			return rig_fail(err, RIG_ERR_INVALID,
					"USB %s matches devices at %s and %s: add port: or "
					"serial: to tell them apart",
					what, first, p);
		}
	}
	libusb_free_device_list(list, 1);
	return found;
}

int rig_busb_open(const struct rig_busb_sel *sel, int wait_ms, struct rig_busb **out,
		  struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)wait_ms * 1000000;
	struct rig_busb *u = calloc(1, sizeof(*u));
	libusb_device *dev = NULL;
	struct libusb_device_descriptor dd;
	char what[160];
	int rc;

	*out = NULL;
	rig_busb_sel_describe(sel, what, sizeof(what));
	for (;;) {
		/* a fresh context each look: without udevd (the test bed) a
		 * long-lived one may not see devices that came since */
		if ((rc = libusb_init(&u->ctx))) {
			/* no usbfs at all (a container, this machine): nothing can
			 * be connected */
			free(u);
			return rig_fail(err, RIG_ERR_SKIPPED,
					"USB %s not connected: no USB here (libusb_init: %s)", what,
					libusb_error_name(rc));
		}
		if ((rc = scan(u->ctx, sel, &dev, u->port, sizeof(u->port), err)) != 0)
			break;
		libusb_exit(u->ctx);
		u->ctx = NULL;
		if (rig_now_ns() >= deadline) {
			free(u);
			return rig_fail(err, RIG_ERR_SKIPPED, "USB %s not connected (waited %d ms)",
					what, wait_ms);
		}
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	if (rc < 0) {
		libusb_exit(u->ctx);
		free(u);
		return rc;
	}
	libusb_get_device_descriptor(dev, &dd);
	u->vid = dd.idVendor, u->pid = dd.idProduct, u->bcd = dd.bcdDevice;
	rc = libusb_open(dev, &u->h);
	libusb_unref_device(dev);
	if (rc) {
		char w[200];

		snprintf(w, sizeof(w), "libusb_open %s", u->port);
		libusb_exit(u->ctx);
		free(u);
		return rig_busb_fail(err, rc, w);
	}
	*out = u;
	return 0;
}

void rig_busb_close(struct rig_busb *u)
{
	if (!u)
		return;
	if (u->h)
		libusb_close(u->h);
	if (u->ctx)
		libusb_exit(u->ctx);
	free(u);
}

void *rig_busb_handle(struct rig_busb *u) { return u->h; }
const char *rig_busb_port(const struct rig_busb *u) { return u->port; }

void rig_busb_ids(const struct rig_busb *u, uint16_t *vid, uint16_t *pid, uint16_t *bcd)
{
	*vid = u->vid, *pid = u->pid, *bcd = u->bcd;
}

int rig_busb_claim(struct rig_busb *u, int iface, struct rig_error *err)
{
	int rc;

	libusb_set_auto_detach_kernel_driver(u->h, 1);
	if ((rc = libusb_claim_interface(u->h, iface)))
		return rig_busb_fail(err, rc, "libusb_claim_interface");
	return 0;
}

#else /* no libusb at build time */

int rig_busb_fail(struct rig_error *err, int code, const char *what)
{
	return rig_fail(err, RIG_ERR_IO, "%s: libusb error %d", what, code);
}

int rig_busb_open(const struct rig_busb_sel *sel, int wait_ms, struct rig_busb **out,
		  struct rig_error *err)
{
	*out = NULL;
	return rig_fail(err, RIG_ERR_SKIPPED, "rig was built without libusb-1.0");
}

void rig_busb_close(struct rig_busb *u) {}
void *rig_busb_handle(struct rig_busb *u) { return NULL; }
const char *rig_busb_port(const struct rig_busb *u) { return ""; }
void rig_busb_ids(const struct rig_busb *u, uint16_t *vid, uint16_t *pid, uint16_t *bcd)
{
	*vid = *pid = *bcd = 0;
}
int rig_busb_claim(struct rig_busb *u, int iface, struct rig_error *err)
{
	return RIG_ERR_NOT_SUPPORTED;
}
#endif
