/* usb/hubport, in the USB test bed: a CDC-ACM gadget on the first dummy
 * UDC appears on the dummy root hub's port. rig's CLEAR_FEATURE(PORT_POWER)
 * to the root hub (usb/hubport.c) must be taken, and uhubctl (an
 * independent tool, when installed) must then read the port as off, and
 * as powered after SET_FEATURE. Found here: dummy_hcd switches the port
 * status but reports no disconnect, so the device stays enumerated - the
 * uhubctl #504 case the power part guards against; that is printed, not
 * failed (the power part then falls back to sysfs). The sysfs `disable`
 * path must remove the device and bring it back. Times are printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "hubport.h"

#define G "/sys/kernel/config/usb_gadget/hubport"

static int sh(const char *cmd)
{
	int rc = system(cmd);

	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static int gadget_up(void)
{
	return sh("set -e; udc=$(ls /sys/class/udc | head -n1); mkdir -p " G " " G
		  "/strings/0x409 " G "/configs/c.1 " G "/functions/acm.0;"
		  " echo 0x1209 > " G "/idVendor; echo 0x0002 > " G "/idProduct;"
		  " echo HUB00001 > " G "/strings/0x409/serialnumber;"
		  " ln -sf " G "/functions/acm.0 " G "/configs/c.1/;"
		  " echo $udc > " G "/UDC");
}

static void gadget_down(void)
{
	sh("echo '' > " G "/UDC 2>/dev/null; rm -f " G "/configs/c.1/acm.0; rmdir " G
	   "/configs/c.1 " G "/functions/acm.0 " G "/strings/0x409 " G " 2>/dev/null");
}

/* uhubctl's reading of usb1 port 1: 1 powered, 0 off, -1 unknown. */
static int uhubctl_power(void)
{
	FILE *p = popen("/usr/sbin/uhubctl -l 1 -p 1 2>&1", "r");
	char line[512];
	int st = -1;

	while (p && fgets(line, sizeof(line), p))
		if (strstr(line, "Port 1:")) {
			printf("  uhubctl: %s", line);
			st = strstr(line, " off") ? 0 : strstr(line, "power") ? 1 : -1;
		}
	if (p)
		pclose(p);
	return st;
}

static int request_checked_by_uhubctl(void)
{
	struct rig_error err = {0};
	int used, fails = 0, have = access("/usr/sbin/uhubctl", X_OK) == 0;

	if (rig_hubport_set("usb1", 1, 0, RIG_HUBPORT_HUB_REQUEST, &used, &err)) {
		printf("FAIL: CLEAR_FEATURE(PORT_POWER): %s\n", err.msg);
		return 1;
	}
	printf("CLEAR_FEATURE(PORT_POWER) to usb1 port 1 taken\n");
	if (have && uhubctl_power() != 0) {
		printf("FAIL: uhubctl does not read the port as off\n");
		fails++;
	}
	if (rig_hubport_wait("usb1", 1, 0, 2000, NULL) == 0)
		printf("the device left after the request\n");
	else
		printf("the device stayed enumerated after the request (dummy_hcd reports no "
		       "disconnect: the uhubctl #504 case)\n");
	if (rig_hubport_set("usb1", 1, 1, RIG_HUBPORT_HUB_REQUEST, &used, &err)) {
		printf("FAIL: SET_FEATURE(PORT_POWER): %s\n", err.msg);
		return fails + 1;
	}
	if (have && uhubctl_power() != 1) {
		printf("FAIL: uhubctl does not read the port as powered\n");
		fails++;
	}
	if (!have)
		printf("uhubctl not installed: no independent cross-check (scripts/setup.sh)\n");
	rig_hubport_wait("usb1", 1, 1, 10000, NULL);
	return fails;
}

static int cycle(const char *hub, int port, unsigned mask, const char *what)
{
	struct rig_error err = {0};
	int used = 0;
	int64_t t0 = rig_now_ns(), t1, t2, t3;

	if (rig_hubport_set(hub, port, 0, mask, &used, &err)) {
		printf("FAIL: %s: power off: %s\n", what, err.msg);
		return 1;
	}
	if (rig_hubport_wait(hub, port, 0, 5000, &err)) {
		printf("FAIL: %s: %s\n", what, err.msg);
		return 1;
	}
	t1 = rig_now_ns();
	if (rig_hubport_set(hub, port, 1, mask, &used, &err)) {
		printf("FAIL: %s: power on: %s\n", what, err.msg);
		return 1;
	}
	t2 = rig_now_ns();
	if (rig_hubport_wait(hub, port, 1, 10000, &err)) {
		printf("FAIL: %s: %s\n", what, err.msg);
		return 1;
	}
	t3 = rig_now_ns();
	printf("%s (%s): gone %.1f ms after the cut, back %.1f ms after power on\n", what,
	       used == RIG_HUBPORT_HUB_REQUEST ? "hub request" : "sysfs disable",
	       (double)(t1 - t0) / 1e6, (double)(t3 - t2) / 1e6);
	return 0;
}

int main(void)
{
	char child[64];
	int fails = 0, n;

	if (!getenv("RIG_IN_USB_BED")) {
		printf("not inside the USB test bed (tests/usb/bed/run.sh)\n");
		return 77;
	}
	if (gadget_up()) {
		printf("FAIL: could not bind the gadget\n");
		return 1;
	}
	rig_hubport_child("usb1", 1, child, sizeof(child), NULL);
	for (n = 0; n < 100 && !rig_hubport_present("usb1", 1); n++)
		usleep(100000);
	if (!rig_hubport_present("usb1", 1)) {
		printf("FAIL: the gadget did not appear at %s\n", child);
		gadget_down();
		return 1;
	}
	printf("gadget at %s on root hub usb1 port 1\n", child);
	fails += request_checked_by_uhubctl();
	fails += cycle("usb1", 1, RIG_HUBPORT_SYSFS_DISABLE, "disable");
	gadget_down();
	printf(fails ? "hubport: %d failed\n" : "hubport ok\n", fails);
	return fails ? 1 : 0;
}
