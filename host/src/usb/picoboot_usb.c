/* PICOBOOT over libusb: the I/O table of picoboot.h for a real boot ROM. */
#include <stdlib.h>

#include "picoboot.h"

#ifdef RIG_HAVE_LIBUSB
#include <libusb.h>

struct rig_picoboot_usb {
	struct rig_busb *u;
	int iface;
	uint8_t ep_in, ep_out;
};

static libusb_device_handle *H(struct rig_picoboot_usb *pu) { return rig_busb_handle(pu->u); }

static int bulk(struct rig_picoboot_usb *pu, uint8_t ep, uint8_t *d, size_t n, int tmo,
		struct rig_error *err)
{
	int got = 0, rc = libusb_bulk_transfer(H(pu), ep, d, (int)n, &got, tmo);

	if (rc)
		return rig_busb_fail(err, rc, ep & 0x80 ? "picoboot bulk IN" : "picoboot bulk OUT");
	return got;
}

static int io_out(void *ctx, const uint8_t *d, size_t n, int tmo, struct rig_error *err)
{
	struct rig_picoboot_usb *pu = ctx;

	return bulk(pu, pu->ep_out, (uint8_t *)d, n, tmo, err);
}

static int io_in(void *ctx, uint8_t *d, size_t n, int tmo, struct rig_error *err)
{
	struct rig_picoboot_usb *pu = ctx;

	return bulk(pu, pu->ep_in, d, n, tmo, err);
}

static int io_ctrl(void *ctx, int in, uint8_t req, uint8_t *d, uint16_t n, int tmo,
		   struct rig_error *err)
{
	struct rig_picoboot_usb *pu = ctx;
	uint8_t type = (in ? LIBUSB_ENDPOINT_IN : LIBUSB_ENDPOINT_OUT) |
		       LIBUSB_REQUEST_TYPE_VENDOR | LIBUSB_RECIPIENT_INTERFACE;
	int rc;

	if (!in && req == RIG_PICOBOOT_IF_RESET) {
		/* the host's halt flags too, or the next transfer stalls (picotool
		 * clears both endpoints before IF_RESET as well) */
		libusb_clear_halt(H(pu), pu->ep_in);
		libusb_clear_halt(H(pu), pu->ep_out);
	}
	rc = libusb_control_transfer(H(pu), type, req, 0, (uint16_t)pu->iface, d, n, (unsigned)tmo);
	return rc < 0 ? rig_busb_fail(err, rc, "picoboot control request") : rc;
}

/* The vendor interface with one bulk IN and one bulk OUT endpoint. */
static int find_iface(struct rig_picoboot_usb *pu, struct rig_error *err)
{
	libusb_device *dev = libusb_get_device(H(pu));
	struct libusb_config_descriptor *cfg;
	int rc = libusb_get_active_config_descriptor(dev, &cfg), found = 0;

	if (rc)
		return rig_busb_fail(err, rc, "libusb_get_active_config_descriptor");
	for (int i = 0; i < cfg->bNumInterfaces && !found; i++) {
		const struct libusb_interface_descriptor *id = &cfg->interface[i].altsetting[0];

		if (cfg->interface[i].num_altsetting < 1 || id->bInterfaceClass != 0xFF ||
		    id->bNumEndpoints != 2)
			continue;
		pu->ep_in = pu->ep_out = 0;
		for (int e = 0; e < 2; e++) {
			const struct libusb_endpoint_descriptor *ed = &id->endpoint[e];

			if ((ed->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
				continue;
			if (ed->bEndpointAddress & 0x80)
				pu->ep_in = ed->bEndpointAddress;
			else
				pu->ep_out = ed->bEndpointAddress;
		}
		if (pu->ep_in && pu->ep_out) {
			pu->iface = id->bInterfaceNumber;
			found = 1;
		}
	}
	libusb_free_config_descriptor(cfg);
	if (!found)
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"picoboot: the device at %s has no vendor interface with two bulk "
				"endpoints (not in BOOTSEL mode?)",
				rig_busb_port(pu->u));
	return 0;
}

int rig_picoboot_usb_open(const struct rig_busb_sel *sel, int wait_ms,
			  struct rig_picoboot_usb **out, struct rig_picoboot *pb,
			  struct rig_error *err)
{
	struct rig_picoboot_usb *pu = calloc(1, sizeof(*pu));
	int rc;

	*out = NULL;
	if ((rc = rig_busb_open(sel, wait_ms, &pu->u, err)) || (rc = find_iface(pu, err)) ||
	    (rc = rig_busb_claim(pu->u, pu->iface, err))) {
		rig_picoboot_usb_close(pu);
		return rc;
	}
	pb->io = (struct rig_picoboot_io){io_out, io_in, io_ctrl, pu};
	*out = pu;
	return 0;
}

const char *rig_picoboot_usb_port(const struct rig_picoboot_usb *pu)
{
	return rig_busb_port(pu->u);
}

void rig_picoboot_usb_close(struct rig_picoboot_usb *pu)
{
	if (!pu)
		return;
	rig_busb_close(pu->u);
	free(pu);
}

#else

int rig_picoboot_usb_open(const struct rig_busb_sel *sel, int wait_ms,
			  struct rig_picoboot_usb **out, struct rig_picoboot *pb,
			  struct rig_error *err)
{
	*out = NULL;
	return rig_fail(err, RIG_ERR_SKIPPED, "rig was built without libusb-1.0");
}

const char *rig_picoboot_usb_port(const struct rig_picoboot_usb *pu) { return ""; }
void rig_picoboot_usb_close(struct rig_picoboot_usb *pu) {}
#endif
