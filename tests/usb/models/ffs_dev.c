/* A FunctionFS function for the bed's device models (ffs_dev.h). */
#include "ffs_dev.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
	p[3] = (uint8_t)(v >> 24);
}

static int write_all(int fd, const uint8_t *b, size_t n, const char *what)
{
	ssize_t w = write(fd, b, n);

	if (w != (ssize_t)n) {
		fprintf(stderr, "ffs: writing the %s to ep0: %s\n", what,
			w < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static int descriptors(int ep0, const uint8_t *fs, size_t fs_len, int fs_count, const uint8_t *hs,
		       size_t hs_len, int hs_count)
{
	size_t n = 20 + fs_len + hs_len;
	uint8_t *b = malloc(n);
	int rc;

	put_le32(b, FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	put_le32(b + 4, (uint32_t)n);
	put_le32(b + 8, FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	put_le32(b + 12, (uint32_t)fs_count);
	put_le32(b + 16, (uint32_t)hs_count);
	memcpy(b + 20, fs, fs_len);
	memcpy(b + 20 + fs_len, hs, hs_len);
	rc = write_all(ep0, b, n, "descriptors");
	free(b);
	return rc;
}

static int strings(int ep0, const char *const *strs, int n_str)
{
	uint8_t b[1024];
	size_t n = 16 + (n_str ? 2 : 0);

	for (int i = 0; i < n_str; i++) {
		size_t l = strlen(strs[i]) + 1;

		if (n + l > sizeof(b))
			return fprintf(stderr, "ffs: strings longer than %zu bytes\n", sizeof(b)),
			       -1;
		memcpy(b + n, strs[i], l);
		n += l;
	}
	put_le32(b, FUNCTIONFS_STRINGS_MAGIC);
	put_le32(b + 4, (uint32_t)n);
	put_le32(b + 8, (uint32_t)n_str);
	put_le32(b + 12, n_str ? 1 : 0);
	if (n_str)
		b[16] = 0x09, b[17] = 0x04;
	return write_all(ep0, b, n, "strings");
}

int rig_ffs_open(struct rig_ffs *f, const char *gadget, const char *name, const uint8_t *fs,
		 size_t fs_len, int fs_count, const uint8_t *hs, size_t hs_len, int hs_count,
		 const char *const *strs, int n_str, int n_eps)
{
	char path[512];

	memset(f, 0, sizeof(*f));
	f->ep0 = -1;
	for (int i = 0; i < RIG_FFS_EPS_MAX; i++)
		f->ep[i] = -1;
	snprintf(path, sizeof(path), "%s/functions/ffs.%s", gadget, name);
	if (mkdir(path, 0755) && errno != EEXIST)
		return fprintf(stderr, "ffs: mkdir %s: %s\n", path, strerror(errno)), -1;
	snprintf(f->dir, sizeof(f->dir), "/dev/ffs-%s", name);
	mkdir(f->dir, 0755);
	if (mount(name, f->dir, "functionfs", 0, NULL))
		return fprintf(stderr, "ffs: mount -t functionfs %s %s: %s\n", name, f->dir,
			       strerror(errno)),
		       -1;
	snprintf(path, sizeof(path), "%s/ep0", f->dir);
	if ((f->ep0 = open(path, O_RDWR)) < 0)
		return fprintf(stderr, "ffs: %s: %s\n", path, strerror(errno)), -1;
	if (descriptors(f->ep0, fs, fs_len, fs_count, hs, hs_len, hs_count) ||
	    strings(f->ep0, strs, n_str))
		return -1;
	for (int i = 0; i < n_eps && i < RIG_FFS_EPS_MAX; i++) {
		snprintf(path, sizeof(path), "%s/ep%d", f->dir, i + 1);
		if ((f->ep[i] = open(path, O_RDWR)) < 0)
			return fprintf(stderr, "ffs: %s: %s\n", path, strerror(errno)), -1;
	}
	return 0;
}

static void setup(struct rig_ffs *f, const struct usb_ctrlrequest *r, rig_ffs_setup_fn fn,
		  void *ctx)
{
	static uint8_t data[4096];
	uint16_t len = le16toh(r->wLength);
	int n;

	if (len > sizeof(data))
		len = sizeof(data);
	if (r->bRequestType & USB_DIR_IN) {
		n = fn(ctx, r->bRequestType, r->bRequest, le16toh(r->wValue), le16toh(r->wIndex),
		       data, len);
		if (n < 0) {
			if (read(f->ep0, data, 0) < 0) /* the wrong direction: a stall */
				return;
		} else if (write(f->ep0, data, (size_t)n) < 0) {
			fprintf(stderr, "ffs: answering request 0x%02x: %s\n", r->bRequest,
				strerror(errno));
		}
		return;
	}
	/* OUT: the data stage is taken by the read, and its status stage with
	 * it, so a request with data cannot be stalled after it is seen (the
	 * models report such errors in their status instead, as devices do) */
	if (len && read(f->ep0, data, len) != len) {
		fprintf(stderr, "ffs: reading request 0x%02x's data: %s\n", r->bRequest,
			strerror(errno));
		return;
	}
	n = fn(ctx, r->bRequestType, r->bRequest, le16toh(r->wValue), le16toh(r->wIndex), data,
	       len);
	if (!len) {
		if (n < 0) {
			if (write(f->ep0, data, 0) < 0) /* stall */
				return;
		} else if (read(f->ep0, data, 0) < 0) {
			fprintf(stderr, "ffs: acknowledging request 0x%02x: %s\n", r->bRequest,
				strerror(errno));
		}
	}
}

int rig_ffs_event(struct rig_ffs *f, rig_ffs_setup_fn fn, void *ctx)
{
	struct usb_functionfs_event ev;
	ssize_t n = read(f->ep0, &ev, sizeof(ev));

	if (n != (ssize_t)sizeof(ev))
		return -1;
	switch (ev.type) {
	case FUNCTIONFS_ENABLE:
		f->enabled = 1;
		break;
	case FUNCTIONFS_DISABLE:
	case FUNCTIONFS_UNBIND:
		f->enabled = 0;
		break;
	case FUNCTIONFS_SETUP:
		setup(f, &ev.u.setup, fn, ctx);
		break;
	default:
		break;
	}
	return ev.type;
}

void rig_ffs_halt(struct rig_ffs *f, int i, int in)
{
	uint8_t b[1] = {0};
	ssize_t r;

	if (i < 0 || i >= RIG_FFS_EPS_MAX || f->ep[i] < 0)
		return;
	r = in ? read(f->ep[i], b, sizeof(b)) : write(f->ep[i], b, sizeof(b));
	(void)r; /* -EBADMSG: halted, as asked */
}

void rig_ffs_close(struct rig_ffs *f)
{
	for (int i = 0; i < RIG_FFS_EPS_MAX; i++)
		if (f->ep[i] >= 0)
			close(f->ep[i]), f->ep[i] = -1;
	if (f->ep0 >= 0)
		close(f->ep0), f->ep0 = -1;
	if (f->dir[0]) {
		umount2(f->dir, MNT_DETACH);
		f->dir[0] = 0;
	}
}
