/* PICOBOOT over the USB core (usb.h): the I/O table of picoboot.h for a
 * real boot ROM. */
#include <stdlib.h>

#include "picoboot.h"

#ifdef RIG_HAVE_LIBUSB
#include <libusb.h>

struct rig_picoboot_usb {
	struct rig_usb_handle *h;
	int iface;
	uint8_t ep_in, ep_out;
};

static int io_out(void *ctx, const uint8_t *d, size_t n, int tmo, struct rig_error *err)
{
	struct rig_picoboot_usb *pu = ctx;

	return rig_usb_bulk(pu->h, pu->ep_out, (uint8_t *)d, (int)n, tmo, err);
}

static int io_in(void *ctx, uint8_t *d, size_t n, int tmo, struct rig_error *err)
{
	struct rig_picoboot_usb *pu = ctx;

	return rig_usb_bulk(pu->h, pu->ep_in, d, (int)n, tmo, err);
}

static int io_batch(void *ctx, struct rig_picoboot_xfer *x, int n, int tmo, int *failed,
		    struct rig_error *err)
{
	struct rig_picoboot_usb *pu = ctx;
	struct rig_usb_xfer ux[3];
	int rc;

	for (int i = 0; i < n && i < 3; i++)
		ux[i] = (struct rig_usb_xfer){x[i].in ? pu->ep_in : pu->ep_out, x[i].data,
					      (int)x[i].len, 0};
	rc = rig_usb_bulk_batch(pu->h, ux, n, tmo, failed, err);
	for (int i = 0; i < n && i < 3; i++)
		x[i].actual = ux[i].actual;
	return rc;
}

static int io_ctrl(void *ctx, int in, uint8_t req, uint8_t *d, uint16_t n, int tmo,
		   struct rig_error *err)
{
	struct rig_picoboot_usb *pu = ctx;
	uint8_t type = (in ? LIBUSB_ENDPOINT_IN : LIBUSB_ENDPOINT_OUT) |
		       LIBUSB_REQUEST_TYPE_VENDOR | LIBUSB_RECIPIENT_INTERFACE;

	if (!in && req == RIG_PICOBOOT_IF_RESET) {
		/* the host's halt flags too, or the next transfer stalls (picotool
		 * clears both endpoints before IF_RESET as well) */
		libusb_clear_halt(rig_usb_libusb_handle(pu->h), pu->ep_in);
		libusb_clear_halt(rig_usb_libusb_handle(pu->h), pu->ep_out);
	}
	return rig_usb_control(pu->h, type, req, 0, (uint16_t)pu->iface, d, n, tmo, err);
}

int rig_picoboot_usb_open(const struct rig_usb_sel *sel, int wait_ms, struct rig_picoboot_usb **out,
			  struct rig_picoboot *pb, struct rig_error *err)
{
	struct rig_picoboot_usb *pu = calloc(1, sizeof(*pu));
	struct rig_usb_bulk_iface bi;
	int rc;

	*out = NULL;
	if ((rc = rig_usb_sel_open(sel, wait_ms, &pu->h, err)) ||
	    (rc = rig_usb_find_bulk_iface(pu->h, 0xFF, -1, -1, &bi, err)) ||
	    (pu->iface = bi.iface, pu->ep_in = bi.ep_in, pu->ep_out = bi.ep_out,
	     rc = rig_usb_claim(pu->h, pu->iface, err))) {
		if (rc == RIG_ERR_NOT_FOUND && pu->h)
			rc = rig_fail(err, RIG_ERR_NOT_FOUND,
				      "picoboot: the device at %s has no vendor interface with two "
				      "bulk endpoints (not in BOOTSEL mode?)",
				      rig_usb_handle_dev(pu->h)->port);
		rig_picoboot_usb_close(pu);
		return rc;
	}
	pb->io = (struct rig_picoboot_io){io_out, io_in, io_ctrl, io_batch, pu};
	*out = pu;
	return 0;
}

const char *rig_picoboot_usb_port(const struct rig_picoboot_usb *pu)
{
	return rig_usb_handle_dev(pu->h)->port;
}

void rig_picoboot_usb_close(struct rig_picoboot_usb *pu)
{
	if (!pu)
		return;
	rig_usb_close(pu->h);
	free(pu);
}

#else

int rig_picoboot_usb_open(const struct rig_usb_sel *sel, int wait_ms, struct rig_picoboot_usb **out,
			  struct rig_picoboot *pb, struct rig_error *err)
{
	*out = NULL;
	return rig_fail(err, RIG_ERR_SKIPPED, "rig was built without libusb-1.0");
}

const char *rig_picoboot_usb_port(const struct rig_picoboot_usb *pu) { return ""; }
void rig_picoboot_usb_close(struct rig_picoboot_usb *pu) {}
#endif
