/* Bulk transfers submitted together (usb.h: rig_usb_bulk_batch), over
 * libusb's asynchronous interface: a protocol whose every step is a few
 * transfers in a fixed order (PICOBOOT's command, data, acknowledgement)
 * pays one host turnaround per step instead of one per transfer. */
#include "usb.h"

#include <stdio.h>

#ifdef RIG_HAVE_LIBUSB
#include <libusb.h>

struct batch {
	int pending; /* submitted and not yet called back */
	int failed;  /* one was called back with an error */
};

struct slot {
	struct batch *b;
	int running; /* submitted and not yet called back */
};

static void LIBUSB_CALL done(struct libusb_transfer *t)
{
	struct slot *s = t->user_data;

	s->running = 0;
	s->b->pending--;
	if (t->status != LIBUSB_TRANSFER_COMPLETED)
		s->b->failed = 1;
}

/* The libusb error code a finished transfer's status stands for. */
static int status_code(enum libusb_transfer_status st)
{
	switch (st) {
	case LIBUSB_TRANSFER_COMPLETED:
		return 0;
	case LIBUSB_TRANSFER_TIMED_OUT:
		return LIBUSB_ERROR_TIMEOUT;
	case LIBUSB_TRANSFER_STALL:
		return LIBUSB_ERROR_PIPE;
	case LIBUSB_TRANSFER_NO_DEVICE:
		return LIBUSB_ERROR_NO_DEVICE;
	case LIBUSB_TRANSFER_OVERFLOW:
		return LIBUSB_ERROR_OVERFLOW;
	case LIBUSB_TRANSFER_CANCELLED:
		return LIBUSB_ERROR_INTERRUPTED;
	default:
		return LIBUSB_ERROR_IO;
	}
}

/* The transfer to blame: the first in the order given that failed by
 * itself (not cancelled because another failed); else the first that
 * failed at all; -1 when all completed. */
static int blame(struct libusb_transfer **t, int n)
{
	int first = -1;

	for (int i = 0; i < n; i++) {
		if (t[i]->status == LIBUSB_TRANSFER_COMPLETED)
			continue;
		if (t[i]->status != LIBUSB_TRANSFER_CANCELLED)
			return i;
		if (first < 0)
			first = i;
	}
	return first;
}

int rig_usb_bulk_batch(struct rig_usb_handle *h, struct rig_usb_xfer *x, int n, int timeout_ms,
		       int *failed, struct rig_error *err)
{
	libusb_device_handle *dh = rig_usb_libusb_handle(h);
	libusb_context *ctx = rig_usb_libusb_context(h);
	struct libusb_transfer *t[RIG_USB_BATCH_MAX] = {0};
	struct slot slot[RIG_USB_BATCH_MAX];
	struct batch b = {0};
	int rc = 0, bad = -1, submitted = 0, cancelled = 0;
	char what[160];

	*failed = 0;
	if (n < 1 || n > RIG_USB_BATCH_MAX)
		return rig_fail(err, RIG_ERR_INVALID, "USB batch of %d transfers (1..%d)", n,
				RIG_USB_BATCH_MAX);
	for (int i = 0; i < n; i++) {
		x[i].actual = 0;
		slot[i] = (struct slot){&b, 0};
		if (!(t[i] = libusb_alloc_transfer(0))) {
			rc = LIBUSB_ERROR_NO_MEM;
			bad = i;
			goto out;
		}
		libusb_fill_bulk_transfer(t[i], dh, x[i].ep, x[i].data, x[i].len, done, &slot[i],
					  (unsigned)timeout_ms);
	}
	for (; submitted < n; submitted++) {
		if ((rc = libusb_submit_transfer(t[submitted])) < 0) {
			bad = submitted;
			break;
		}
		slot[submitted].running = 1;
		b.pending++;
	}
	/* every submitted transfer is called back (completed, failed, timed
	 * out by libusb or cancelled here) before its buffer may go */
	while (b.pending > 0) {
		struct timeval tv = {.tv_sec = 1};
		int ev = libusb_handle_events_timeout_completed(ctx, &tv, NULL);

		if (ev < 0 && ev != LIBUSB_ERROR_INTERRUPTED && bad < 0) {
			rc = ev;
			bad = 0;
		}
		if (!cancelled && (bad >= 0 || b.failed)) {
			for (int i = 0; i < submitted; i++)
				if (slot[i].running)
					libusb_cancel_transfer(t[i]);
			cancelled = 1;
		}
	}
	for (int i = 0; i < submitted; i++)
		x[i].actual = t[i]->actual_length;
	if (bad < 0 && (bad = blame(t, submitted)) >= 0)
		rc = status_code(t[bad]->status);
out:
	for (int i = 0; i < n; i++)
		libusb_free_transfer(t[i]);
	if (bad < 0)
		return 0;
	*failed = bad;
	snprintf(what, sizeof(what),
		 "USB %s: bulk %s endpoint 0x%02x, %d bytes (transfer %d of %d)",
		 rig_usb_handle_dev(h)->port, (x[bad].ep & 0x80) ? "IN" : "OUT", x[bad].ep,
		 x[bad].len, bad + 1, n);
	return rig_usb_fail(err, rc, what);
}

#else

int rig_usb_bulk_batch(struct rig_usb_handle *h, struct rig_usb_xfer *x, int n, int timeout_ms,
		       int *failed, struct rig_error *err)
{
	(void)h, (void)x, (void)n, (void)timeout_ms;
	*failed = 0;
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED,
			"USB: rig was built without libusb-1.0 (install libusb-1.0-0-dev)");
}
#endif
