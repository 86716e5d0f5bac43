/* Hub port power (hubport.h). */
#include "hubport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "usb.h"

static int root_bus(const char *hub)
{
	char *end;
	long n;

	if (strncmp(hub, "usb", 3) != 0)
		return -1;
	n = strtol(hub + 3, &end, 10);
	return *end || end == hub + 3 || n < 1 || n > 255 ? -1 : (int)n;
}

static int check(const char *hub, int port, struct rig_error *err)
{
	if (!hub || !hub[0] || strchr(hub, '/') || strchr(hub, ':') || port < 1 || port > 255)
		return rig_fail(err, RIG_ERR_INVALID,
				"hub port: hub \"%s\" port %d (expected a hub port path such as "
				"1-1 or usb1, and a port 1..255)",
				hub ? hub : "", port);
	return 0;
}

int rig_hubport_child(const char *hub, int port, char *out, size_t cap, struct rig_error *err)
{
	int bus = root_bus(hub), rc;

	if ((rc = check(hub, port, err)))
		return rc;
	if (bus > 0)
		snprintf(out, cap, "%d-%d", bus, port);
	else
		snprintf(out, cap, "%s.%d", hub, port);
	return 0;
}

int rig_hubport_sysfs_dir(const char *hub, int port, char *out, size_t cap, struct rig_error *err)
{
	int bus = root_bus(hub), rc;

	if ((rc = check(hub, port, err)))
		return rc;
	if (bus > 0)
		snprintf(out, cap, "%s/bus/usb/devices/%d-0:1.0/%s-port%d", rig_usb_sysfs(), bus,
			 hub, port);
	else
		snprintf(out, cap, "%s/bus/usb/devices/%s:1.0/%s-port%d", rig_usb_sysfs(), hub, hub,
			 port);
	return 0;
}

int rig_hubport_present(const char *hub, int port)
{
	char child[64], path[512];
	struct stat st;

	if (rig_hubport_child(hub, port, child, sizeof(child), NULL))
		return 0;
	snprintf(path, sizeof(path), "%s/bus/usb/devices/%s", rig_usb_sysfs(), child);
	return stat(path, &st) == 0;
}

static int by_request(const char *hub, int port, int on, struct rig_error *err)
{
	struct rig_usb_match m = {.port = hub};
	struct rig_usb_dev d;
	struct rig_usb_handle *h = NULL;
	int rc = rig_usb_find(&m, &d, err);

	if (rc == 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "hub port: no hub at %s", hub);
	if (rc < 0)
		return rc;
	if (d.dev_class != 9)
		return rig_fail(err, RIG_ERR_INVALID,
				"hub port: the device at %s (%04x:%04x) is "
				"not a hub (class %u)",
				hub, d.vid, d.pid, d.dev_class);
	if ((rc = rig_usb_open(&d, &h, err)))
		return rc;
	rc = rig_usb_control(h, RIG_HUB_REQTYPE_PORT_OUT,
			     on ? RIG_HUB_SET_FEATURE : RIG_HUB_CLEAR_FEATURE, RIG_HUB_PORT_POWER,
			     (uint16_t)port, NULL, 0, 2000, err);
	rig_usb_close(h);
	return rc < 0 ? rc : 0;
}

static int by_sysfs(const char *hub, int port, int on, struct rig_error *err)
{
	char path[600];
	FILE *f;
	int rc;

	if ((rc = rig_hubport_sysfs_dir(hub, port, path, sizeof(path) - 9, err)))
		return rc;
	strcat(path, "/disable");
	if (!(f = fopen(path, "w")))
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_SUPPORTED : RIG_ERR_IO,
				"hub port: %s: %s", path, strerror(errno));
	rc = fputs(on ? "0" : "1", f) < 0;
	rc |= fclose(f) != 0;
	if (rc)
		return rig_fail(err, RIG_ERR_IO, "hub port: writing %s: %s", path, strerror(errno));
	return 0;
}

int rig_hubport_set(const char *hub, int port, int on, unsigned method_mask, int *used,
		    struct rig_error *err)
{
	struct rig_error first = {0};
	int rc = RIG_ERR_NOT_SUPPORTED;

	*used = 0;
	if ((rc = check(hub, port, err)))
		return rc;
	if (method_mask & RIG_HUBPORT_HUB_REQUEST) {
		if ((rc = by_request(hub, port, on, &first)) == 0) {
			*used = RIG_HUBPORT_HUB_REQUEST;
			return 0;
		}
		if (!(method_mask & RIG_HUBPORT_SYSFS_DISABLE))
			return rig_fail(err, rc, "%s", first.msg);
	}
	if ((rc = by_sysfs(hub, port, on, err)) == 0) {
		*used = RIG_HUBPORT_SYSFS_DISABLE;
		return 0;
	}
	if (first.msg[0]) {
		char m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		rig_fail(err, rc, "%.200s; fallback: %.200s", first.msg, m);
	}
	return rc;
}

int rig_hubport_wait(const char *hub, int port, int want, int timeout_ms, struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)timeout_ms * 1000000;
	char child[64];

	rig_hubport_child(hub, port, child, sizeof(child), NULL);
	while (rig_hubport_present(hub, port) != want) {
		if (rig_now_ns() >= deadline)
			return rig_fail(err, RIG_ERR_TIMEOUT,
					"hub %s port %d: the device %s is still %s after %d ms",
					hub, port, child, want ? "absent" : "there", timeout_ms);
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	return 0;
}
