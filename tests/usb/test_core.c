/*
 * usb/core (in the USB test bed): rig's USB core against a real Linux USB
 * stack. A configfs gadget on dummy_udc.0 plays a board: it is listed with
 * its VID:PID, serial and strings at a port path; it is found by serial and
 * by port; and after a "mode switch" (UDC unbound, the gadget re-identified
 * with another PID and no serial, bound again) rig_usb_wait_mode finds it
 * again by its port path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bedtest.h"
#include "usb.h"

#define G "/sys/kernel/config/usb_gadget/rigcore"

static void put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(val, f) < 0 || fclose(f) != 0) {
		printf("FAIL: writing '%s' to %s: %s\n", val, path, strerror(errno));
		exit(1);
	}
}

static void gadget(const char *pid, const char *serial)
{
	put(G "/idVendor", "0x1209");
	put(G "/idProduct", pid);
	put(G "/strings/0x409/serialnumber", serial);
	put(G "/strings/0x409/manufacturer", "rig");
	put(G "/strings/0x409/product", "core test");
}

int main(void)
{
	struct rig_usb_dev d, again, *devs;
	struct rig_error err = {0};
	size_t n;
	char udc[64] = "dummy_udc.0\n";

	if (!getenv("RIG_IN_USB_BED")) {
		printf("not inside the USB test bed (tests/usb/bed/run.sh)\n");
		return 77;
	}
	if (mkdir(G, 0755) && errno != EEXIST) {
		printf("FAIL: mkdir %s: %s\n", G, strerror(errno));
		return 1;
	}
	mkdir(G "/strings/0x409", 0755);
	mkdir(G "/configs/c.1", 0755);
	mkdir(G "/functions/acm.0", 0755);
	if (symlink(G "/functions/acm.0", G "/configs/c.1/acm.0") && errno != EEXIST)
		printf("symlink: %s\n", strerror(errno));
	gadget("0x000a", "RIGCORE1");
	put(G "/UDC", udc);

	struct rig_usb_match by_serial = {.vid = 0x1209, .pid = 0x000a, .serial = "RIGCORE1"};
	int rc = rig_usb_wait_present(&by_serial, 10000, &d, &err);
	CHECK(rc == 0, "%s", err.msg);
	if (rc)
		return 1;
	printf("found %04x:%04x at %s dev %u serial '%s' '%s' / '%s'\n", d.vid, d.pid, d.port,
	       d.devnum, d.serial, d.manufacturer, d.product);
	CHECK(strcmp(d.serial, "RIGCORE1") == 0, "serial '%s'", d.serial);
	CHECK(strcmp(d.product, "core test") == 0, "product '%s'", d.product);
	CHECK(strcmp(d.manufacturer, "rig") == 0, "manufacturer '%s'", d.manufacturer);
	CHECK(strncmp(d.port, "1-", 2) == 0 || strncmp(d.port, "2-", 2) == 0, "port '%s'", d.port);

	rc = rig_usb_list(&devs, &n, &err);
	CHECK(rc == 0 && n >= 2, "list: %d %zu %s", rc, n, err.msg);
	CHECK(devs && devs[0].depth == 0, "a root hub sorts first");
	free(devs);

	struct rig_usb_match by_port = {.port = d.port};
	CHECK(rig_usb_find(&by_port, &again, &err) == 1 && again.devnum == d.devnum, "by port");
	struct rig_usb_match wrong = {.vid = 0x1209, .pid = 0x000a, .serial = "OTHER"};
	CHECK(rig_usb_find(&wrong, &again, &err) == 0, "a wrong serial matches nothing");

	/* the open handle reads a descriptor through usbfs */
	struct rig_usb_handle *h;
	rc = rig_usb_open(&d, &h, &err);
	CHECK(rc == 0, "open: %s", err.msg);
	if (rc == 0) {
		unsigned char desc[18];
		rc = rig_usb_control(h, 0x80, 6, 0x0100, 0, desc, sizeof(desc), 1000, &err);
		CHECK(rc == 18 && desc[8] == 0x09 && desc[9] == 0x12, "GET_DESCRIPTOR: %d %s", rc,
		      err.msg);
		rig_usb_close(h);
	}

	/* mode switch: leave, come back with another PID and no serial */
	put(G "/UDC", "\n");
	gadget("0x0003", "\n"); /* BOOTSEL hides the serial */
	put(G "/UDC", udc);
	rc = rig_usb_wait_mode(&d, 0x1209, 0x0003, 10000, &again, &err);
	CHECK(rc == 0, "wait_mode: %s", err.msg);
	CHECK(rc != 0 || (strcmp(again.port, d.port) == 0 && again.serial[0] == 0),
	      "port %s serial '%s'", again.port, again.serial);
	printf("after the mode switch: %04x:%04x at %s dev %u serial '%s'\n", again.vid, again.pid,
	       again.port, again.devnum, again.serial);

	/* a device that never comes back: a timeout, not a hang */
	put(G "/UDC", "\n");
	rc = rig_usb_wait_mode(&again, 0x1209, 0x000a, 500, &d, &err);
	CHECK(rc == RIG_ERR_TIMEOUT, "never back: %d %s", rc, err.msg);
	printf("never back: %s\n", err.msg);
	return bed_failures ? 1 : 0;
}
