/*
 * rig-agent --usb-ffs DIR: the agent's frames over a USB gadget, on a
 * FunctionFS instance mounted at DIR (docs/agent.md: configfs, dwc2 on a
 * Raspberry Pi). The function is one vendor interface (class 0xff,
 * subclass 0x52 'R', protocol 1: RIG_AGENT_USB_*) with one bulk OUT
 * (host -> agent, DIR/ep1) and one bulk IN endpoint (DIR/ep2). The bytes are
 * the same frame stream as on a serial line; sessions follow one another
 * on it and a fresh HELLO restarts one (session.c, is_tty).
 *
 * FunctionFS endpoint files cannot be polled, and the session code polls,
 * so the endpoints are relayed to a socketpair by two threads, and a third
 * follows ep0's events (ENABLE when the host configured us; DISABLE,
 * UNBIND when it went away, the relays then wait for the next ENABLE).
 *
 * Packet boundaries: a bulk transfer ends with a short packet, so a write
 * that is a whole number of packets would leave the reader waiting for
 * more. Neither side ever writes a multiple of 64 bytes (the full-speed
 * packet, which divides the high-speed 512): such a write goes out as
 * n - 1 bytes and then 1. The host's usb-bulk link does the same.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

#define RELAY_BYTES 16384 /* a multiple of every packet size; the host's chunk */

struct ffs_descs {
	struct usb_functionfs_descs_head_v2 head;
	__le32 fs_count, hs_count;
	struct {
		struct usb_interface_descriptor intf;
		struct usb_endpoint_descriptor_no_audio out, in;
	} __attribute__((packed)) fs, hs;
} __attribute__((packed));

struct ffs_strings {
	struct usb_functionfs_strings_head head;
	struct {
		__le16 code;
		char str1[sizeof(RIG_AGENT_USB_NAME)];
	} __attribute__((packed)) lang0;
} __attribute__((packed));

static void fill_function(struct usb_interface_descriptor *intf,
			  struct usb_endpoint_descriptor_no_audio *out,
			  struct usb_endpoint_descriptor_no_audio *in, uint16_t packet)
{
	*intf = (struct usb_interface_descriptor){
	    .bLength = sizeof(*intf),
	    .bDescriptorType = USB_DT_INTERFACE,
	    .bNumEndpoints = 2,
	    .bInterfaceClass = USB_CLASS_VENDOR_SPEC,
	    .bInterfaceSubClass = RIG_AGENT_USB_SUBCLASS,
	    .bInterfaceProtocol = RIG_AGENT_USB_PROTOCOL,
	    .iInterface = 1,
	};
	*out = (struct usb_endpoint_descriptor_no_audio){
	    .bLength = sizeof(*out),
	    .bDescriptorType = USB_DT_ENDPOINT,
	    .bEndpointAddress = 1 | USB_DIR_OUT,
	    .bmAttributes = USB_ENDPOINT_XFER_BULK,
	    .wMaxPacketSize = htole16(packet),
	};
	*in = *out;
	in->bEndpointAddress = 2 | USB_DIR_IN;
}

int agent_usb_ffs_open(const char *dir)
{
	struct ffs_descs d;
	struct ffs_strings s;
	char path[600];
	int fd;

	memset(&d, 0, sizeof(d));
	d.head.magic = htole32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	d.head.flags = htole32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	d.head.length = htole32(sizeof(d));
	d.fs_count = htole32(3);
	d.hs_count = htole32(3);
	fill_function(&d.fs.intf, &d.fs.out, &d.fs.in, 64);
	fill_function(&d.hs.intf, &d.hs.out, &d.hs.in, 512);
	memset(&s, 0, sizeof(s));
	s.head.magic = htole32(FUNCTIONFS_STRINGS_MAGIC);
	s.head.length = htole32(sizeof(s));
	s.head.str_count = htole32(1);
	s.head.lang_count = htole32(1);
	s.lang0.code = htole16(0x0409);
	memcpy(s.lang0.str1, RIG_AGENT_USB_NAME, sizeof(RIG_AGENT_USB_NAME));

	snprintf(path, sizeof(path), "%s/ep0", dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr,
			"rig-agent: --usb-ffs %s: %s: %s (mount -t functionfs NAME %s first)\n",
			dir, path, strerror(errno), dir);
		return -1;
	}
	if (write(fd, &d, sizeof(d)) != (ssize_t)sizeof(d) ||
	    write(fd, &s, sizeof(s)) != (ssize_t)sizeof(s)) {
		fprintf(stderr,
			"rig-agent: --usb-ffs %s: writing descriptors to ep0: %s (is the "
			"instance already in use, or its UDC bound?)\n",
			dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct relay {
	const char *dir;
	int ep0, sock;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int enabled;	   /* between ENABLE and DISABLE/UNBIND */
	unsigned epoch;	   /* counts ENABLEs: endpoints are reopened per epoch */
	int ep_out, ep_in; /* -1 when closed */
};

/* Waits for an enabled function and returns the current epoch. */
static unsigned wait_enabled(struct relay *r)
{
	unsigned e;

	pthread_mutex_lock(&r->mu);
	while (!r->enabled)
		pthread_cond_wait(&r->cv, &r->mu);
	e = r->epoch;
	pthread_mutex_unlock(&r->mu);
	return e;
}

/* After an endpoint error: wait until the host enabled us again. */
static void wait_next_epoch(struct relay *r, unsigned seen)
{
	pthread_mutex_lock(&r->mu);
	while (!r->enabled || r->epoch == seen)
		pthread_cond_wait(&r->cv, &r->mu);
	pthread_mutex_unlock(&r->mu);
}

static int open_ep(const char *dir, int n)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/ep%d", dir, n);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		agent_err("usb-ffs: %s: %s", path, strerror(errno));
	return fd;
}

static void *ep0_thread(void *arg)
{
	struct relay *r = arg;

	for (;;) {
		struct usb_functionfs_event ev;
		ssize_t n = read(r->ep0, &ev, sizeof(ev));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(ev)) {
			agent_err("usb-ffs: ep0: %s", n < 0 ? strerror(errno) : "short event");
			sleep(1);
			continue;
		}
		pthread_mutex_lock(&r->mu);
		switch (ev.type) {
		case FUNCTIONFS_ENABLE:
			if (r->ep_out < 0)
				r->ep_out = open_ep(r->dir, 1);
			if (r->ep_in < 0)
				r->ep_in = open_ep(r->dir, 2);
			r->enabled = r->ep_out >= 0 && r->ep_in >= 0;
			r->epoch++;
			agent_info("usb-ffs: enabled by the host");
			break;
		case FUNCTIONFS_DISABLE:
		case FUNCTIONFS_UNBIND:
			r->enabled = 0;
			agent_info("usb-ffs: %s",
				   ev.type == FUNCTIONFS_DISABLE ? "disabled" : "unbound");
			break;
		case FUNCTIONFS_SETUP:
			/* no vendor requests: stall by answering in the wrong
			 * direction (FunctionFS's way to refuse a request) */
			if (ev.u.setup.bRequestType & USB_DIR_IN) {
				if (write(r->ep0, NULL, 0) < 0)
					(void)0;
			} else if (read(r->ep0, NULL, 0) < 0) {
				(void)0;
			}
			break;
		default:
			break;
		}
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* host -> agent: ep1 into the socket */
static void *out_thread(void *arg)
{
	static uint8_t buf[RELAY_BYTES];
	struct relay *r = arg;

	for (;;) {
		unsigned e = wait_enabled(r);
		ssize_t n = read(r->ep_out, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			agent_info("usb-ffs: ep1: %s: waiting for the host", strerror(errno));
			wait_next_epoch(r, e);
			continue;
		}
		if (n > 0 && write_all(r->sock, buf, (size_t)n))
			return NULL;
	}
}

/* agent -> host: the socket into ep2, never a whole number of packets */
static void *in_thread(void *arg)
{
	static uint8_t buf[RELAY_BYTES - 1];
	struct relay *r = arg;

	for (;;) {
		ssize_t n = read(r->sock, buf, sizeof(buf));
		size_t first;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		first = n % 64 == 0 ? (size_t)n - 1 : (size_t)n;
		for (;;) {
			unsigned e = wait_enabled(r);

			if (write_all(r->ep_in, buf, first) == 0 &&
			    (first == (size_t)n || write_all(r->ep_in, buf + first, 1) == 0))
				break;
			/* the host went away mid-write: what it did not take is
			 * dropped; its next session starts with a HELLO */
			agent_info("usb-ffs: ep2: %s: dropped %zd bytes", strerror(errno), n);
			wait_next_epoch(r, e);
			break;
		}
	}
}

void agent_usb_ffs_serve(const struct agent_cfg *cfg, const char *dir, int ep0)
{
	static struct relay r;
	pthread_t t0, t1, t2;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		agent_err("usb-ffs: socketpair: %s", strerror(errno));
		return;
	}
	r.dir = dir;
	r.ep0 = ep0;
	r.sock = sv[1];
	r.ep_out = r.ep_in = -1;
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	if (pthread_create(&t0, NULL, ep0_thread, &r) ||
	    pthread_create(&t1, NULL, out_thread, &r) || pthread_create(&t2, NULL, in_thread, &r)) {
		agent_err("usb-ffs: cannot start the relay threads");
		return;
	}
	fprintf(stderr, "rig-agent: usb-ffs %s: descriptors written, bind the UDC\n", dir);
	for (;;) {
		agent_serve(cfg, sv[0], sv[0], 1);
		usleep(50000);
	}
}
