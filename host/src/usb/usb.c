/* USB core over libusb-1.0 (usb.h). */
#include "usb.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RIG_USB_POLL_MS 50

const char *rig_usb_sysfs(void)
{
	const char *s = getenv("RIG_USB_SYSFS");
	return s && *s ? s : "/sys";
}

int rig_usb_matches(const struct rig_usb_match *m, const struct rig_usb_dev *d)
{
	if (m->vid && m->vid != d->vid)
		return 0;
	if (m->pid && m->pid != d->pid)
		return 0;
	if (m->serial && *m->serial && strcmp(m->serial, d->serial) != 0)
		return 0;
	if (m->port && *m->port && strcmp(m->port, d->port) != 0)
		return 0;
	if (m->manufacturer && *m->manufacturer && strcmp(m->manufacturer, d->manufacturer) != 0)
		return 0;
	if (m->product && *m->product && strcmp(m->product, d->product) != 0)
		return 0;
	return 1;
}

static int parse_hex16(const char *s, size_t len, uint16_t *out)
{
	unsigned v = 0;

	if (len == 0 || len > 4)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (unsigned)d;
	}
	*out = (uint16_t)v;
	return 0;
}

int rig_usb_match_parse(const char *spec, struct rig_usb_match *m, struct rig_error *err)
{
	memset(m, 0, sizeof(*m));
	if (strncmp(spec, "port:", 5) == 0) {
		const char *p = spec + 5;
		size_t n = strlen(p);
		if (n == 0 || n >= sizeof(((struct rig_usb_dev *)0)->port) ||
		    strspn(p, "0123456789-.") != n || !strchr(p, '-'))
			return rig_fail(
			    err, RIG_ERR_INVALID,
			    "USB port '%s': expected port:BUS-PORT[.PORT...], e.g. port:1-1.4", p);
		m->port = p;
		return 0;
	}
	if (strncmp(spec, "usb:", 4) != 0)
		return rig_fail(err, RIG_ERR_INVALID,
				"USB device '%s': expected usb:VID:PID[:SERIAL] or port:BUS-PORT",
				spec);
	const char *v = spec + 4;
	const char *c1 = strchr(v, ':');
	if (!c1 || parse_hex16(v, (size_t)(c1 - v), &m->vid))
		return rig_fail(err, RIG_ERR_INVALID,
				"USB device '%s': the vendor id must be 1-4 hex digits before ':'",
				spec);
	const char *p = c1 + 1;
	const char *c2 = strchr(p, ':');
	size_t plen = c2 ? (size_t)(c2 - p) : strlen(p);
	if (parse_hex16(p, plen, &m->pid))
		return rig_fail(err, RIG_ERR_INVALID,
				"USB device '%s': the product id must be 1-4 hex digits", spec);
	if (c2) {
		if (!c2[1])
			return rig_fail(err, RIG_ERR_INVALID,
					"USB device '%s': empty serial after the last ':'", spec);
		m->serial = c2 + 1;
	}
	return 0;
}

int rig_usb_doctor(char *msg, size_t size)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int total = 0, ok = 0;

	if (stat("/dev/bus/usb", &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(msg, size,
			 "usbfs: /dev/bus/usb absent (no USB bus, or devtmpfs/udev not running)");
		return 0;
	}
	d = opendir("/dev/bus/usb");
	if (!d) {
		snprintf(msg, size, "usbfs: /dev/bus/usb: %s", strerror(errno));
		return 0;
	}
	while ((e = readdir(d))) {
		char path[300];
		DIR *b;
		struct dirent *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/bus/usb/%s", e->d_name);
		b = opendir(path);
		if (!b)
			continue;
		while ((f = readdir(b))) {
			char node[600];
			if (f->d_name[0] == '.')
				continue;
			snprintf(node, sizeof(node), "%s/%s", path, f->d_name);
			total++;
			if (access(node, R_OK | W_OK) == 0)
				ok++;
		}
		closedir(b);
	}
	closedir(d);
	if (total == 0) {
		snprintf(msg, size, "usbfs: /dev/bus/usb present, no devices");
		return 1;
	}
	if (ok == total) {
		snprintf(msg, size, "usbfs: /dev/bus/usb, %d devices, all openable by this user",
			 total);
		return 1;
	}
	snprintf(
	    msg, size,
	    "usbfs: /dev/bus/usb, %d devices, %d openable by this user (udev rule in docs/usb.md)",
	    total, ok);
	return ok > 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void dev_string(const struct rig_usb_dev *d, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%04x at %s", d->vid, d->pid, d->port);
}

static void match_string(const struct rig_usb_match *m, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%04x:%04x", m->vid, m->pid);
	if (m->serial && *m->serial && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " serial %s", m->serial);
	if (m->port && *m->port && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " at port %s", m->port);
}

int rig_usb_find(const struct rig_usb_match *m, struct rig_usb_dev *out, struct rig_error *err)
{
	struct rig_usb_dev *devs = NULL;
	size_t n = 0, found = 0;
	char ports[256] = "";
	int rc = rig_usb_list(&devs, &n, err);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!rig_usb_matches(m, &devs[i]))
			continue;
		if (found == 0)
			*out = devs[i];
		size_t l = strlen(ports);
		snprintf(ports + l, sizeof(ports) - l, "%s%s", found ? ", " : "", devs[i].port);
		found++;
	}
	free(devs);
	if (found > 1) {
		char what[200];
		match_string(m, what, sizeof(what));
		return rig_fail(err, RIG_ERR_INVALID,
				"USB %s: %zu devices match (ports %s): give a serial or a port",
				what, found, ports);
	}
	return found ? 1 : 0;
}

int rig_usb_wait_present(const struct rig_usb_match *m, int timeout_ms, struct rig_usb_dev *out,
			 struct rig_error *err)
{
	int64_t end = now_ms() + timeout_ms;
	for (;;) {
		int rc = rig_usb_find(m, out, err);
		if (rc < 0 && rc != RIG_ERR_IO)
			return rc;
		if (rc == 1)
			return 0;
		if (now_ms() >= end) {
			char what[200];
			match_string(m, what, sizeof(what));
			return rig_fail(err, RIG_ERR_TIMEOUT, "USB %s did not appear within %d ms",
					what, timeout_ms);
		}
		sleep_ms(RIG_USB_POLL_MS);
	}
}

/* 1 when a device with d's port and devnum is listed */
static int still_there(const struct rig_usb_dev *d, struct rig_error *err)
{
	struct rig_usb_dev *devs = NULL;
	size_t n = 0;
	int there = 0;
	int rc = rig_usb_list(&devs, &n, err);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(devs[i].port, d->port) == 0 && devs[i].devnum == d->devnum)
			there = 1;
	free(devs);
	return there;
}

int rig_usb_wait_gone(const struct rig_usb_dev *d, int timeout_ms, struct rig_error *err)
{
	int64_t end = now_ms() + timeout_ms;
	for (;;) {
		int rc = still_there(d, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return 0;
		if (now_ms() >= end) {
			char what[100];
			dev_string(d, what, sizeof(what));
			return rig_fail(err, RIG_ERR_TIMEOUT,
					"USB %s (device %u) did not go away within %d ms", what,
					d->devnum, timeout_ms);
		}
		sleep_ms(RIG_USB_POLL_MS);
	}
}

int rig_usb_wait_mode(const struct rig_usb_dev *d, uint16_t vid, uint16_t pid, int timeout_ms,
		      struct rig_usb_dev *out, struct rig_error *err)
{
	int64_t start = now_ms();
	int rc = rig_usb_wait_gone(d, timeout_ms, err);
	struct rig_usb_match m = {.vid = vid, .pid = pid, .port = d->port};

	if (rc < 0)
		return rc;
	int left = timeout_ms - (int)(now_ms() - start);
	rc = rig_usb_wait_present(&m, left > 0 ? left : 0, out, err);
	if (rc == RIG_ERR_TIMEOUT)
		return rig_fail(
		    err, RIG_ERR_TIMEOUT,
		    "USB device at port %s left but did not come back as %04x:%04x within "
		    "%d ms",
		    d->port, vid, pid, timeout_ms);
	return rc;
}

#ifdef RIG_HAVE_LIBUSB
#include <libusb.h>

struct rig_usb_handle {
	libusb_context *ctx;
	libusb_device_handle *h;
	struct rig_usb_dev dev;
	uint32_t claimed; /* bit per interface number < 32 */
};

int rig_usb_fail(struct rig_error *err, int code, const char *what)
{
	int rc;
	switch (code) {
	case LIBUSB_ERROR_TIMEOUT:
		rc = RIG_ERR_TIMEOUT;
		break;
	case LIBUSB_ERROR_ACCESS:
		rc = RIG_ERR_AUTH;
		break;
	case LIBUSB_ERROR_NO_DEVICE:
	case LIBUSB_ERROR_NOT_FOUND:
		rc = RIG_ERR_NOT_FOUND;
		break;
	case LIBUSB_ERROR_PIPE:
	case LIBUSB_ERROR_OVERFLOW:
		rc = RIG_ERR_PROTOCOL;
		break;
	case LIBUSB_ERROR_NOT_SUPPORTED:
		rc = RIG_ERR_NOT_SUPPORTED;
		break;
	case LIBUSB_ERROR_NO_MEM:
		rc = RIG_ERR_NO_MEM;
		break;
	case LIBUSB_ERROR_INVALID_PARAM:
		rc = RIG_ERR_INVALID;
		break;
	case LIBUSB_ERROR_BUSY:
		rc = RIG_ERR_BUSY;
		break;
	case LIBUSB_ERROR_INTERRUPTED:
		rc = RIG_ERR_INTERRUPTED;
		break;
	default:
		rc = RIG_ERR_IO;
		break;
	}
	const char *hint = code == LIBUSB_ERROR_ACCESS
			       ? " (this user may not open the device: udev rule in docs/usb.md)"
			       : "";
	return rig_fail(err, rc, "%s: %s (%s)%s", what, libusb_error_name(code),
			libusb_strerror((enum libusb_error)code), hint);
}

static void read_sysfs(const char *port, const char *attr, char *buf, size_t size)
{
	char path[512];
	FILE *f;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/bus/usb/devices/%s/%s", rig_usb_sysfs(), port, attr);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = 0;
	else
		buf[0] = 0;
	fclose(f);
}

static void fill_dev(libusb_device *ld, struct rig_usb_dev *d)
{
	struct libusb_device_descriptor desc;
	uint8_t ports[8];
	int np = libusb_get_port_numbers(ld, ports, (int)sizeof(ports));

	memset(d, 0, sizeof(*d));
	if (libusb_get_device_descriptor(ld, &desc) == 0) {
		d->vid = desc.idVendor;
		d->pid = desc.idProduct;
		d->dev_class = desc.bDeviceClass;
		d->bcd = desc.bcdDevice;
	}
	d->bus = libusb_get_bus_number(ld);
	d->devnum = libusb_get_device_address(ld);
	if (np <= 0) {
		snprintf(d->port, sizeof(d->port), "usb%u", d->bus);
	} else {
		int n = snprintf(d->port, sizeof(d->port), "%u-%u", d->bus, ports[0]);
		for (int i = 1; i < np && n > 0 && (size_t)n < sizeof(d->port); i++)
			n += snprintf(d->port + n, sizeof(d->port) - (size_t)n, ".%u", ports[i]);
		d->depth = (uint8_t)np;
	}
	/* sysfs has the strings without opening the device (no permission
	 * needed); libusb is the fallback where sysfs is not mounted */
	read_sysfs(d->port, "serial", d->serial, sizeof(d->serial));
	read_sysfs(d->port, "manufacturer", d->manufacturer, sizeof(d->manufacturer));
	read_sysfs(d->port, "product", d->product, sizeof(d->product));
	if ((!d->serial[0] && desc.iSerialNumber) || (!d->product[0] && desc.iProduct)) {
		libusb_device_handle *h;
		if (libusb_open(ld, &h) == 0) {
			if (!d->serial[0] && desc.iSerialNumber)
				libusb_get_string_descriptor_ascii(h, desc.iSerialNumber,
								   (unsigned char *)d->serial,
								   (int)sizeof(d->serial));
			if (!d->manufacturer[0] && desc.iManufacturer)
				libusb_get_string_descriptor_ascii(h, desc.iManufacturer,
								   (unsigned char *)d->manufacturer,
								   (int)sizeof(d->manufacturer));
			if (!d->product[0] && desc.iProduct)
				libusb_get_string_descriptor_ascii(h, desc.iProduct,
								   (unsigned char *)d->product,
								   (int)sizeof(d->product));
			libusb_close(h);
		}
	}
}

static int cmp_dev(const void *a, const void *b)
{
	const struct rig_usb_dev *x = a, *y = b;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->depth != y->depth && (x->depth == 0 || y->depth == 0))
		return x->depth == 0 ? -1 : 1;
	return strcmp(x->port, y->port);
}

static int new_ctx(libusb_context **ctx, struct rig_error *err)
{
	int rc = libusb_init(ctx);
	if (rc < 0)
		return rig_usb_fail(err, rc, "libusb_init");
	return 0;
}

int rig_usb_list(struct rig_usb_dev **devs, size_t *n, struct rig_error *err)
{
	libusb_context *ctx;
	libusb_device **list;
	ssize_t cnt;
	int rc = new_ctx(&ctx, err);

	*devs = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	cnt = libusb_get_device_list(ctx, &list);
	if (cnt < 0) {
		rc = rig_usb_fail(err, (int)cnt, "libusb_get_device_list");
		libusb_exit(ctx);
		return rc;
	}
	*devs = calloc((size_t)cnt + 1, sizeof(**devs));
	if (!*devs) {
		libusb_free_device_list(list, 1);
		libusb_exit(ctx);
		return rig_fail(err, RIG_ERR_NO_MEM, "USB device list: out of memory");
	}
	for (ssize_t i = 0; i < cnt; i++)
		fill_dev(list[i], &(*devs)[i]);
	*n = (size_t)cnt;
	libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	qsort(*devs, *n, sizeof(**devs), cmp_dev);
	return 0;
}

int rig_usb_open(const struct rig_usb_dev *d, struct rig_usb_handle **out, struct rig_error *err)
{
	struct rig_usb_handle *h = calloc(1, sizeof(*h));
	libusb_device **list;
	libusb_device *ld = NULL;
	ssize_t cnt;
	int rc;

	*out = NULL;
	if (!h)
		return rig_fail(err, RIG_ERR_NO_MEM, "USB open: out of memory");
	rc = new_ctx(&h->ctx, err);
	if (rc < 0) {
		free(h);
		return rc;
	}
	cnt = libusb_get_device_list(h->ctx, &list);
	if (cnt < 0) {
		rc = rig_usb_fail(err, (int)cnt, "libusb_get_device_list");
		goto fail;
	}
	for (ssize_t i = 0; i < cnt && !ld; i++) {
		struct rig_usb_dev x;
		fill_dev(list[i], &x);
		if (strcmp(x.port, d->port) == 0 && x.vid == d->vid && x.pid == d->pid) {
			ld = list[i];
			h->dev = x;
		}
	}
	if (!ld) {
		libusb_free_device_list(list, 1);
		char what[100];
		dev_string(d, what, sizeof(what));
		rc = rig_fail(err, RIG_ERR_NOT_FOUND, "USB %s: no such device now", what);
		goto fail;
	}
	rc = libusb_open(ld, &h->h);
	libusb_free_device_list(list, 1);
	if (rc < 0) {
		char what[140];
		snprintf(what, sizeof(what), "USB %04x:%04x at %s: libusb_open", d->vid, d->pid,
			 d->port);
		rc = rig_usb_fail(err, rc, what);
		goto fail;
	}
	libusb_set_auto_detach_kernel_driver(h->h, 1);
	*out = h;
	return 0;
fail:
	libusb_exit(h->ctx);
	free(h);
	return rc;
}

void rig_usb_close(struct rig_usb_handle *h)
{
	if (!h)
		return;
	for (int i = 0; i < 32; i++)
		if (h->claimed & (1u << i))
			libusb_release_interface(h->h, i);
	libusb_close(h->h);
	libusb_exit(h->ctx);
	free(h);
}

const struct rig_usb_dev *rig_usb_handle_dev(const struct rig_usb_handle *h) { return &h->dev; }

int rig_usb_claim(struct rig_usb_handle *h, int iface, struct rig_error *err)
{
	int rc = libusb_claim_interface(h->h, iface);
	if (rc < 0) {
		char what[140];
		snprintf(what, sizeof(what), "USB %s: claiming interface %d", h->dev.port, iface);
		return rig_usb_fail(err, rc, what);
	}
	if (iface >= 0 && iface < 32)
		h->claimed |= 1u << iface;
	return 0;
}

int rig_usb_control(struct rig_usb_handle *h, uint8_t request_type, uint8_t request, uint16_t value,
		    uint16_t index, void *data, uint16_t len, int timeout_ms, struct rig_error *err)
{
	int rc = libusb_control_transfer(h->h, request_type, request, value, index, data, len,
					 (unsigned)timeout_ms);
	if (rc < 0) {
		char what[160];
		snprintf(what, sizeof(what), "USB %s: control request 0x%02x (type 0x%02x)",
			 h->dev.port, request, request_type);
		return rig_usb_fail(err, rc, what);
	}
	return rc;
}

int rig_usb_bulk(struct rig_usb_handle *h, uint8_t ep, void *data, int len, int timeout_ms,
		 struct rig_error *err)
{
	int done = 0;
	int rc = libusb_bulk_transfer(h->h, ep, data, len, &done, (unsigned)timeout_ms);
	if (rc == LIBUSB_ERROR_TIMEOUT && done > 0)
		return done;
	if (rc < 0) {
		char what[160];
		snprintf(what, sizeof(what), "USB %s: bulk %s endpoint 0x%02x, %d bytes",
			 h->dev.port, (ep & 0x80) ? "IN" : "OUT", ep, len);
		return rig_usb_fail(err, rc, what);
	}
	return done;
}

void *rig_usb_libusb_handle(struct rig_usb_handle *h) { return h->h; }
void *rig_usb_libusb_context(struct rig_usb_handle *h) { return h->ctx; }

int rig_usb_find_bulk_iface(struct rig_usb_handle *h, int cls, int subclass, int protocol,
			    struct rig_usb_bulk_iface *out, struct rig_error *err)
{
	struct libusb_config_descriptor *cfg = NULL;
	int rc = libusb_get_active_config_descriptor(libusb_get_device(h->h), &cfg);

	if (rc < 0) {
		char what[96];

		snprintf(what, sizeof(what), "USB %s: reading the configuration descriptor",
			 h->dev.port);
		return rig_usb_fail(err, rc, what);
	}
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *id = cfg->interface[i].altsetting;

		if (cfg->interface[i].num_altsetting < 1 ||
		    (cls >= 0 && id->bInterfaceClass != cls) ||
		    (subclass >= 0 && id->bInterfaceSubClass != subclass) ||
		    (protocol >= 0 && id->bInterfaceProtocol != protocol))
			continue;
		memset(out, 0, sizeof(*out));
		out->iface = id->bInterfaceNumber;
		for (int e = 0; e < id->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ed = &id->endpoint[e];

			if ((ed->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
				continue;
			if (ed->bEndpointAddress & 0x80) {
				if (!out->ep_in) {
					out->ep_in = ed->bEndpointAddress;
					out->in_packet = ed->wMaxPacketSize;
				}
			} else if (!out->ep_out) {
				out->ep_out = ed->bEndpointAddress;
				out->out_packet = ed->wMaxPacketSize;
			}
		}
		if (out->ep_in && out->ep_out) {
			libusb_free_config_descriptor(cfg);
			return 0;
		}
	}
	libusb_free_config_descriptor(cfg);
	return rig_fail(err, RIG_ERR_NOT_FOUND,
			"USB %s (%04x:%04x): no interface of class %02x/%02x/%02x with a bulk IN "
			"and a bulk OUT endpoint",
			h->dev.port, h->dev.vid, h->dev.pid, cls & 0xff, subclass & 0xff,
			protocol & 0xff);
}

#else /* no libusb at build time */

struct rig_usb_handle {
	struct rig_usb_dev dev;
};

static int no_libusb(struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED,
			"USB: rig was built without libusb-1.0 (install libusb-1.0-0-dev)");
}

int rig_usb_fail(struct rig_error *err, int code, const char *what)
{
	return rig_fail(err, RIG_ERR_IO, "%s: libusb error %d", what, code);
}

int rig_usb_list(struct rig_usb_dev **devs, size_t *n, struct rig_error *err)
{
	*devs = NULL;
	*n = 0;
	return no_libusb(err);
}

int rig_usb_open(const struct rig_usb_dev *d, struct rig_usb_handle **out, struct rig_error *err)
{
	(void)d;
	*out = NULL;
	return no_libusb(err);
}

void rig_usb_close(struct rig_usb_handle *h) { (void)h; }

const struct rig_usb_dev *rig_usb_handle_dev(const struct rig_usb_handle *h) { return &h->dev; }

int rig_usb_claim(struct rig_usb_handle *h, int iface, struct rig_error *err)
{
	(void)h;
	(void)iface;
	return no_libusb(err);
}

int rig_usb_control(struct rig_usb_handle *h, uint8_t request_type, uint8_t request, uint16_t value,
		    uint16_t index, void *data, uint16_t len, int timeout_ms, struct rig_error *err)
{
	(void)h, (void)request_type, (void)request, (void)value, (void)index, (void)data, (void)len,
	    (void)timeout_ms;
	return no_libusb(err);
}

int rig_usb_bulk(struct rig_usb_handle *h, uint8_t ep, void *data, int len, int timeout_ms,
		 struct rig_error *err)
{
	(void)h, (void)ep, (void)data, (void)len, (void)timeout_ms;
	return no_libusb(err);
}
void *rig_usb_libusb_handle(struct rig_usb_handle *h)
{
	(void)h;
	return NULL;
}
void *rig_usb_libusb_context(struct rig_usb_handle *h)
{
	(void)h;
	return NULL;
}

int rig_usb_find_bulk_iface(struct rig_usb_handle *h, int cls, int subclass, int protocol,
			    struct rig_usb_bulk_iface *out, struct rig_error *err)
{
	(void)h, (void)cls, (void)subclass, (void)protocol, (void)out;
	return no_libusb(err);
}

#endif
