/*
 * usbmodel_ffssink: a bulk sink on FunctionFS, the userspace ceiling for
 * the bed's FunctionFS device models (bench/usb_flash.sh): a vendor
 * interface (1209:5354) with one bulk OUT and one bulk IN endpoint whose
 * OUT data is read in 1 MiB requests and dropped (into the next MiB of a
 * buffer of --buffer-mib, default 1). Prints "ready" once bound; runs until
 * SIGTERM.
 *
 *   usbmodel_ffssink [--udc dummy_udc.0] [--buffer-mib N]
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ffs_dev.h"

#define G "/sys/kernel/config/usb_gadget/ffssink"
#define IFACE 9, 4, 0, 0, 2, 0xFF, 0, 0, 0
#define EP(addr, mps) 7, 5, addr, 2, RIG_LE16(mps), 0

static const uint8_t fs[] = {IFACE, EP(0x01, 64), EP(0x82, 64)};
static const uint8_t hs[] = {IFACE, EP(0x01, 512), EP(0x82, 512)};

static int put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f) != 0)
		return fprintf(stderr, "usbmodel_ffssink: %s: %s\n", path, strerror(errno)), -1;
	return 0;
}

static int no_setup(void *ctx, uint8_t t, uint8_t r, uint16_t v, uint16_t i, uint8_t *d, uint16_t l)
{
	(void)ctx, (void)t, (void)r, (void)v, (void)i, (void)d, (void)l;
	return -1;
}

static void *ep0_loop(void *arg)
{
	while (rig_ffs_event(arg, no_setup, NULL) >= 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	static uint8_t one[1 << 20];
	uint8_t *buf = one;
	const char *udc = "dummy_udc.0";
	struct rig_ffs f;
	char udcnl[64];
	size_t size = sizeof(one), at = 0;

	for (int i = 1; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "--udc"))
			udc = argv[i + 1];
		else if (!strcmp(argv[i], "--buffer-mib"))
			size = (size_t)strtoul(argv[i + 1], NULL, 0) << 20;
	if (size < sizeof(one) || size > (64u << 20))
		return fprintf(stderr, "usbmodel_ffssink: --buffer-mib: 1 to 64\n"), 2;
	if (size > sizeof(one)) {
		buf = malloc(size);
		if (!buf)
			return 1;
		memset(buf, 0xFF, size); /* touched, as the PICOBOOT model's flash */
	}

	snprintf(udcnl, sizeof(udcnl), "%s\n", udc);
	mkdir(G, 0755);
	mkdir(G "/strings/0x409", 0755);
	mkdir(G "/configs/c.1", 0755);
	put(G "/idVendor", "0x1209");
	put(G "/idProduct", "0x5354");
	if (rig_ffs_open(&f, G, "sink", fs, sizeof(fs), 3, hs, sizeof(hs), 3, NULL, 0, 2) ||
	    symlink(G "/functions/ffs.sink", G "/configs/c.1/ffs.sink") || put(G "/UDC", udcnl))
		return 1;
	printf("ready\n");
	fflush(stdout);
	pthread_t t;
	if (pthread_create(&t, NULL, ep0_loop, &f))
		return 1;
	for (;;) {
		if (read(f.ep[0], buf + at, sizeof(one)) < 0)
			usleep(10000);
		at = (at + sizeof(one)) % size;
	}
}
