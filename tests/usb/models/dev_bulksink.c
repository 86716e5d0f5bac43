/*
 * usbmodel_bulksink: the raw bulk baseline of the USB test bed. A
 * FunctionFS function (vendor interface ff/00/00, one bulk OUT, one bulk
 * IN) that reads its OUT endpoint into nothing, in reads of --chunk bytes
 * (they must match the host's transfer size), and reports each --round
 * bytes it got with its own clock: "round K BYTES B in NS ns" (from the
 * end of the round's first read to the end of its last, so the first
 * chunk is not counted in the bytes either). The other half of a plain
 * libusb bulk loop (bench/usb_agent.sh), and its independent measure.
 *
 *   usbmodel_bulksink --ffs DIR [--chunk 1048576] [--round BYTES]
 *
 * DIR is a mounted FunctionFS instance; prints "ready" once the
 * descriptors are written (then bind the UDC). Runs until SIGTERM.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct descs {
	struct usb_functionfs_descs_head_v2 head;
	__le32 fs_count, hs_count;
	struct {
		struct usb_interface_descriptor intf;
		struct usb_endpoint_descriptor_no_audio out, in;
	} __attribute__((packed)) fs, hs;
} __attribute__((packed));

static void fill(struct usb_interface_descriptor *i, struct usb_endpoint_descriptor_no_audio *o,
		 struct usb_endpoint_descriptor_no_audio *in, uint16_t packet)
{
	*i = (struct usb_interface_descriptor){.bLength = sizeof(*i),
					       .bDescriptorType = USB_DT_INTERFACE,
					       .bNumEndpoints = 2,
					       .bInterfaceClass = USB_CLASS_VENDOR_SPEC};
	*o = (struct usb_endpoint_descriptor_no_audio){.bLength = sizeof(*o),
						       .bDescriptorType = USB_DT_ENDPOINT,
						       .bEndpointAddress = 1 | USB_DIR_OUT,
						       .bmAttributes = USB_ENDPOINT_XFER_BULK,
						       .wMaxPacketSize = htole16(packet)};
	*in = *o;
	in->bEndpointAddress = 2 | USB_DIR_IN;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	long long chunk = 1 << 20, round = 8 << 20;
	struct descs d;
	struct usb_functionfs_strings_head s;
	char path[600];
	int ep0, ep1 = -1;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--ffs"))
			dir = argv[i + 1];
		else if (!strcmp(argv[i], "--chunk"))
			chunk = atoll(argv[i + 1]);
		else if (!strcmp(argv[i], "--round"))
			round = atoll(argv[i + 1]);
	}
	if (!dir || chunk < 512 || chunk % 512 || round < chunk) {
		fprintf(stderr, "usage: usbmodel_bulksink --ffs DIR [--chunk N*512] [--round B]\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	d.head.magic = htole32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	d.head.flags = htole32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	d.head.length = htole32(sizeof(d));
	d.fs_count = d.hs_count = htole32(3);
	fill(&d.fs.intf, &d.fs.out, &d.fs.in, 64);
	fill(&d.hs.intf, &d.hs.out, &d.hs.in, 512);
	s = (struct usb_functionfs_strings_head){.magic = htole32(FUNCTIONFS_STRINGS_MAGIC),
						 .length = htole32(sizeof(s))};
	snprintf(path, sizeof(path), "%s/ep0", dir);
	if ((ep0 = open(path, O_RDWR)) < 0 || write(ep0, &d, sizeof(d)) != (ssize_t)sizeof(d) ||
	    write(ep0, &s, sizeof(s)) != (ssize_t)sizeof(s)) {
		fprintf(stderr, "usbmodel_bulksink: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	uint8_t *buf = malloc((size_t)chunk);
	long long got = 0, counted = 0;
	int64_t t_first = 0;
	int k = 0;

	for (;;) {
		struct usb_functionfs_event ev;

		if (ep1 < 0) {
			/* wait for the host to configure us */
			if (read(ep0, &ev, sizeof(ev)) != (ssize_t)sizeof(ev))
				return 1;
			if (ev.type != FUNCTIONFS_ENABLE)
				continue;
			snprintf(path, sizeof(path), "%s/ep1", dir);
			if ((ep1 = open(path, O_RDWR)) < 0)
				return 1;
		}
		ssize_t n = read(ep1, buf, (size_t)chunk);

		if (n < 0) {
			close(ep1);
			ep1 = -1;
			continue;
		}
		if (got == 0)
			t_first = now_ns();
		else
			counted += n;
		got += n;
		if (got >= round) {
			int64_t t = now_ns() - t_first;

			printf("round %d %lld B in %lld ns (%.1f MiB/s)\n", ++k, counted,
			       (long long)t, t > 0 ? counted / 1048576.0 / (t / 1e9) : 0);
			fflush(stdout);
			got = counted = 0;
		}
	}
}
