/* DFU over the USB core (usb.h; its libusb handle for the descriptors): the I/O table of dfu.h for
 * a real device, and what the descriptors say about it (functional descriptor, DfuSe memory map,
 * quirks). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dfu.h"

#ifdef RIG_HAVE_LIBUSB
#include <libusb.h>

struct rig_dfu_usb {
	struct rig_usb_handle *h;
	int iface;
};

static libusb_device_handle *H(struct rig_dfu_usb *du) { return rig_usb_libusb_handle(du->h); }
static const char *port(const struct rig_dfu_usb *du) { return rig_usb_handle_dev(du->h)->port; }

static int io_ctrl(void *ctx, int in, uint8_t req, uint16_t value, uint8_t *d, uint16_t n, int tmo,
		   struct rig_error *err)
{
	struct rig_dfu_usb *du = ctx;

	return rig_usb_control(du->h, in ? RIG_DFU_REQTYPE_IN : RIG_DFU_REQTYPE_OUT, req, value,
			       (uint16_t)du->iface, d, n, tmo, err);
}

static void io_sleep(void *ctx, unsigned ms)
{
	nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L}, NULL);
}

/* Finds the DFU interface with alternate setting alt: its number, its
 * string index, and the functional descriptor (in the interface's extra
 * bytes, or the configuration's for devices that put it there). */
static int describe(struct rig_dfu_usb *du, int alt, struct rig_dfu *d, uint8_t *istr,
		    struct rig_error *err)
{
	libusb_device *dev = libusb_get_device(H(du));
	struct libusb_config_descriptor *cfg;
	int rc = libusb_get_active_config_descriptor(dev, &cfg), found = 0;

	if (rc)
		return rig_usb_fail(err, rc, "libusb_get_active_config_descriptor");
	for (int i = 0; i < cfg->bNumInterfaces && !found; i++)
		for (int a = 0; a < cfg->interface[i].num_altsetting && !found; a++) {
			const struct libusb_interface_descriptor *id =
			    &cfg->interface[i].altsetting[a];

			if (id->bInterfaceClass != RIG_DFU_CLASS ||
			    id->bInterfaceSubClass != RIG_DFU_SUBCLASS ||
			    id->bAlternateSetting != alt)
				continue;
			du->iface = id->bInterfaceNumber;
			*istr = id->iInterface;
			rc = rig_dfu_func_find(id->extra, (size_t)id->extra_length, &d->func, err);
			if (rc == RIG_ERR_NOT_FOUND)
				rc = rig_dfu_func_find(cfg->extra, (size_t)cfg->extra_length,
						       &d->func, err);
			found = 1;
		}
	libusb_free_config_descriptor(cfg);
	if (!found)
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"dfu: the device at %s has no DFU interface with alt %d", port(du),
				alt);
	return rc;
}

int rig_dfu_usb_open(const struct rig_usb_sel *sel, int alt, int wait_ms, struct rig_dfu_usb **out,
		     struct rig_dfu *d, struct rig_error *err)
{
	struct rig_dfu_usb *du = calloc(1, sizeof(*du));
	const struct rig_usb_dev *dev;
	uint8_t istr = 0;
	int rc;

	*out = NULL;
	memset(d, 0, sizeof(*d));
	if ((rc = rig_usb_sel_open(sel, wait_ms, &du->h, err)) ||
	    (rc = describe(du, alt, d, &istr, err)) || (rc = rig_usb_claim(du->h, du->iface, err)))
		goto fail;
	if ((rc = libusb_set_interface_alt_setting(H(du), du->iface, alt))) {
		rc = rig_usb_fail(err, rc, "libusb_set_interface_alt_setting");
		goto fail;
	}
	dev = rig_usb_handle_dev(du->h);
	d->quirks = rig_dfu_quirks(dev->vid, dev->pid, dev->bcd);
	if (d->quirks & RIG_DFU_QUIRK_FORCE_DFU11)
		d->func.dfu_version = 0x0110;
	d->dfuse = d->func.dfu_version == RIG_DFU_VERSION_DFUSE;
	if (d->dfuse) {
		unsigned char s[256] = "";

		if (!istr || libusb_get_string_descriptor_ascii(H(du), istr, s, sizeof(s)) <= 0) {
			rc = rig_fail(err, RIG_ERR_PROTOCOL,
				      "dfuse: the device at %s has no memory map string", port(du));
			goto fail;
		}
		if ((rc = rig_dfuse_layout_parse((char *)s, &d->layout, err)))
			goto fail;
	}
	d->io = (struct rig_dfu_io){io_ctrl, io_sleep, du};
	*out = du;
	return 0;
fail:
	rig_dfu_usb_close(du);
	return rc;
}

const char *rig_dfu_usb_port(const struct rig_dfu_usb *du) { return port(du); }

void rig_dfu_usb_close(struct rig_dfu_usb *du)
{
	if (!du)
		return;
	rig_usb_close(du->h);
	free(du);
}

#else

int rig_dfu_usb_open(const struct rig_usb_sel *sel, int alt, int wait_ms, struct rig_dfu_usb **out,
		     struct rig_dfu *d, struct rig_error *err)
{
	*out = NULL;
	return rig_fail(err, RIG_ERR_SKIPPED, "rig was built without libusb-1.0");
}

const char *rig_dfu_usb_port(const struct rig_dfu_usb *du) { return ""; }
void rig_dfu_usb_close(struct rig_dfu_usb *du) {}
#endif
