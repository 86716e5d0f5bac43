/*
 * usbmodel_fwgadget: an MCU whose console is a USB function: with --link
 * bulk (the default) a vendor bulk interface (the usb-bulk link,
 * docs/usb.md), with --link acm a CDC-ACM port. Bulk: a configfs
 * gadget 1d6b:0106 "rig fw (usb-bulk)" serial RIGFWBULK001 with one
 * FunctionFS function: interface class ff / subclass 52 / protocol 01 (what
 * the usb-bulk link claims), bulk OUT ep1 and bulk IN ep2. rig's firmware
 * core built for the guest (fw_hosted.h) runs in a child on the two
 * endpoint files: requests in on OUT, report lines out on IN, none a whole
 * number of 64-byte packets. Descriptors are written, the gadget is bound
 * to the UDC, then "ready" is printed. Runs until SIGTERM (the firmware
 * child goes with it); gadget-reset.sh removes the gadget. ACM: gadget
 * 1d6b:0105 "rig fw (acm)" serial RIGACM0001 with one acm function, the
 * firmware on the device side's /dev/ttyGS0 (raw), booted at start (its
 * ready line waits in u_serial's buffer until the host opens its ttyACM).
 *
 *   usbmodel_fwgadget [--link bulk|acm] [--udc NAME] [--fault hang-after:N]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ffs_dev.h"
#include "fw_hosted.h"

#define G "/sys/kernel/config/usb_gadget/rigfw"

/* The interface and its two endpoints at one packet size. */
#define FWBULK_DESCS(packet)                                                                       \
	{                                                                                          \
		9, USB_DT_INTERFACE, 0, 0, 2, USB_CLASS_VENDOR_SPEC, 0x52, 0x01, 1, 7,             \
		    USB_DT_ENDPOINT, 1 | USB_DIR_OUT, USB_ENDPOINT_XFER_BULK, RIG_LE16(packet), 0, \
		    7, USB_DT_ENDPOINT, 2 | USB_DIR_IN, USB_ENDPOINT_XFER_BULK, RIG_LE16(packet),  \
		    0                                                                              \
	}

static int put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "usbmodel_fwgadget: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* No vendor requests: every one is stalled. */
static int no_requests(void *ctx, uint8_t request_type, uint8_t request, uint16_t value,
		       uint16_t index, uint8_t *data, uint16_t len)
{
	(void)ctx, (void)request_type, (void)request, (void)value, (void)index, (void)data,
	    (void)len;
	return -1;
}

static int first_udc(char *out, size_t cap)
{
	FILE *p = popen("ls /sys/class/udc | head -n1", "r");
	int ok = p && fgets(out, (int)cap, p) != NULL;

	if (p)
		pclose(p);
	return ok ? 0 : -1;
}

/* The ACM model: the function, the UDC, the firmware on ttyGS0 in a
 * child; waits for SIGTERM. */
static int serve_acm(const char *udc, enum rig_fw_hosted_fault fault, int after)
{
	pid_t fw;

	if ((mkdir(G "/functions/acm.usb0", 0755) && errno != EEXIST) ||
	    (symlink(G "/functions/acm.usb0", G "/configs/c.1/acm.usb0") && errno != EEXIST) ||
	    put(G "/UDC", udc))
		return 1;
	fw = fork();
	if (fw == 0) {
		int fd = open("/dev/ttyGS0", O_RDWR | O_NOCTTY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd < 0) {
			perror("usbmodel_fwgadget: /dev/ttyGS0");
			_exit(1);
		}
		rig_fw_hosted_run(fd, fault, after);
		_exit(0);
	}
	if (fw < 0)
		return perror("usbmodel_fwgadget: fork"), 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	static const uint8_t fs[] = FWBULK_DESCS(64), hs[] = FWBULK_DESCS(512);
	static const char *const strs[] = {"rig fw (usb-bulk)"};
	enum rig_fw_hosted_fault fault = RIG_FW_OK;
	char udc[128] = "";
	struct rig_ffs f;
	int after = 0, acm = 0;
	pid_t fw;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--link") &&
		    (!strcmp(argv[i + 1], "acm") || !strcmp(argv[i + 1], "bulk"))) {
			acm = !strcmp(argv[i + 1], "acm");
		} else if (!strcmp(argv[i], "--udc")) {
			snprintf(udc, sizeof(udc), "%s\n", argv[i + 1]);
		} else if (!strcmp(argv[i], "--fault") &&
			   sscanf(argv[i + 1], "hang-after:%d", &after) == 1) {
			fault = RIG_FW_HANG_AFTER;
		} else {
			fprintf(stderr, "usage: usbmodel_fwgadget [--link bulk|acm] [--udc NAME] "
					"[--fault hang-after:N]\n");
			return 2;
		}
	}
	if (!udc[0] && first_udc(udc, sizeof(udc))) {
		fprintf(stderr, "usbmodel_fwgadget: no UDC in /sys/class/udc\n");
		return 1;
	}
	mkdir(G, 0755);
	mkdir(G "/strings/0x409", 0755);
	mkdir(G "/configs/c.1", 0755);
	if (put(G "/idVendor", "0x1d6b") || put(G "/idProduct", acm ? "0x0105" : "0x0106") ||
	    put(G "/strings/0x409/manufacturer", "rig") ||
	    put(G "/strings/0x409/product", acm ? "rig fw (acm)" : "rig fw (usb-bulk)") ||
	    put(G "/strings/0x409/serialnumber", acm ? "RIGACM0001" : "RIGFWBULK001"))
		return 1;
	if (acm)
		return serve_acm(udc, fault, after);
	/* descriptors before the UDC is bound (FunctionFS's rule) */
	if (rig_ffs_open(&f, G, "fwbulk", fs, sizeof(fs), 3, hs, sizeof(hs), 3, strs, 1, 2) ||
	    (symlink(G "/functions/ffs.fwbulk", G "/configs/c.1/ffs.fwbulk") && errno != EEXIST) ||
	    put(G "/UDC", udc))
		return 1;
	fw = fork();
	if (fw == 0) {
		/* the firmware goes when the model goes, as with power */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(f.ep0);
		rig_fw_hosted_run_pipe(f.ep[0], f.ep[1], 64, fault, after);
		_exit(0);
	}
	if (fw < 0) {
		perror("usbmodel_fwgadget: fork");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (rig_ffs_event(&f, no_requests, NULL) >= 0)
		;
	fprintf(stderr, "usbmodel_fwgadget: ep0 closed\n");
	kill(fw, SIGKILL);
	rig_ffs_close(&f);
	return 0;
}
