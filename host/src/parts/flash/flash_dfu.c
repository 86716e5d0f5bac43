/*
 * Flash part dfu: USB DFU 1.1 and ST's DfuSe (the STM32 system boot
 * loader, 0483:df11) through libusb (usb/dfu.h): for DfuSe the range is
 * checked against the device's memory map, each sector it touches erased,
 * the image downloaded, read back by UPLOAD and compared, then the device
 * leaves DFU mode into the image (":leave"; its "get_status after leave"
 * error is the reset, not a failure). Reports bytes/s of writing and of
 * reading back.
 *
 *   flash: {kind: dfu, address: 0x08000000, port: "1-1.2"}
 *
 * Fields: alt (alternate setting, default 0), address (DfuSe: where the
 * image goes when it is a raw .bin; default the map's first segment),
 * verify (default true; DFU 1.1 devices without UPLOAD: false), leave
 * (default true), the USB identity of flash_usbsel.h (device defaults
 * to 0483:df11), and after leave app / reboot_wait (flash_usbsel.h: the
 * boot loader must leave the bus and the application come back at the
 * same port; without app: nothing is awaited).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "clock.h"
#include "dfu.h"
#include "flash_image.h"
#include "flash_usbsel.h"
#include "log.h"

struct fdfu_priv {
	struct rig_flash_usbsel usb;
	struct rig_flash_comeback back;
	long long alt;
	uint32_t address; /* 0: the memory map's first segment */
	int verify, leave;
	char port[32];
	double write_Bps, verify_Bps;
	size_t bytes;
};

static int fdfu_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  struct rig_error *err)
{
	static const char *const keys[] = {
	    "alt", "address", "verify", "leave", RIG_FLASH_USBSEL_KEYS, RIG_FLASH_COMEBACK_KEYS,
	    NULL};
	struct fdfu_priv *fp = rig_xcalloc(1, sizeof(*fp));
	char addr[32] = "";
	int rc;

	b->flash.priv = fp;
	fp->verify = fp->leave = 1;
	if (sec && ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
		    (rc = rig_cfg_int(cfg, sec, "alt", 0, 0, 0, 255, &fp->alt, err)) ||
		    (rc = rig_cfg_str(cfg, sec, "address", 0, "", addr, sizeof(addr), err)) ||
		    (rc = rig_cfg_bool(cfg, sec, "verify", 0, 1, &fp->verify, err)) ||
		    (rc = rig_cfg_bool(cfg, sec, "leave", 0, 1, &fp->leave, err))))
		return rc;
	if (addr[0] && rig_flash_parse_size(addr, &fp->address))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: address: \"%s\" is not an address",
				b->file, rig_cfg_key_line(cfg, sec, "address"), addr);
	if ((rc = rig_flash_comeback_read(cfg, sec, &fp->back, err)))
		return rc;
	return rig_flash_usbsel_read(cfg, sec, "0483:df11", &fp->usb, err);
}

static double rate(size_t bytes, int64_t ns)
{
	return ns > 0 ? (double)bytes * 1e9 / (double)ns : 0;
}

/* The window the image must fit: DfuSe, the memory map's span; DFU 1.1,
 * addresses from 0 (the download is the whole image). */
static void window(const struct rig_dfu *d, uint32_t *lo, uint32_t *hi)
{
	uint64_t top = 0;

	if (!d->dfuse || d->layout.n == 0) {
		*lo = 0, *hi = 0xFFFFFFFFu;
		return;
	}
	*lo = d->layout.seg[0].start;
	for (int i = 0; i < d->layout.n; i++) {
		uint64_t end = (uint64_t)d->layout.seg[i].start +
			       (uint64_t)d->layout.seg[i].count * d->layout.seg[i].size;

		if (d->layout.seg[i].start < *lo)
			*lo = d->layout.seg[i].start;
		top = end > top ? end : top;
	}
	*hi = top > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)top;
}

static int fdfu_flash(struct rig_board *b, struct fdfu_priv *fp, struct rig_dfu *d,
		      const char *path, struct rig_error *err)
{
	struct rig_flash_image img;
	uint32_t lo, hi;
	uint8_t *back;
	int64_t t0, t1, t2;
	int rc, gone = 0;

	window(d, &lo, &hi);
	if ((rc = rig_flash_image_load(path, lo, hi, fp->address ? fp->address : lo, 1, &img, err)))
		return rc;
	if (!d->dfuse)
		img.addr = 0;
	t0 = rig_now_ns();
	rc = rig_dfu_download(d, img.addr, img.data, img.len, err);
	t1 = t2 = rig_now_ns();
	if (rc == 0 && fp->verify) {
		back = malloc(img.len);
		rc = rig_dfu_upload(d, img.addr, back, img.len, err);
		t2 = rig_now_ns();
		if (rc == 0)
			rc = rig_flash_image_compare(&img, back, b->name, err);
		free(back);
	}
	if (rc == 0) {
		fp->bytes = img.len;
		fp->write_Bps = rate(img.len, t1 - t0);
		fp->verify_Bps = fp->verify ? rate(img.len, t2 - t1) : 0;
		rig_info("board %s: dfu wrote %zu bytes at 0x%08x in %.1f ms (%.0f B/s, erase "
			 "included)%s",
			 b->name, img.len, img.addr, (double)(t1 - t0) / 1e6, fp->write_Bps,
			 fp->verify ? ", read back equal" : ", not read back (verify: false)");
	}
	if (rc == 0 && fp->leave) {
		rc = rig_dfu_leave(d, img.addr, &gone, err);
		if (rc == 0 && gone && !(d->quirks & RIG_DFU_QUIRK_LEAVE_RESETS))
			rig_dbg("board %s: the device reset during manifestation", b->name);
	}
	rig_flash_image_free(&img);
	return rc;
}

static int fdfu_load(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct fdfu_priv *fp = b->flash.priv;
	struct rig_dfu_usb *du = NULL;
	struct rig_dfu d;
	struct rig_usb_dev loader, app;
	int rc = rig_dfu_usb_open(&fp->usb.sel, (int)fp->alt, (int)fp->usb.wait_ms, &du, &d, err);

	if (rc == RIG_ERR_SKIPPED) {
		char m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		return rig_fail(err, RIG_ERR_SKIPPED, "board %s: %s", b->name, m);
	}
	if (rc)
		return rc;
	d.timeout_ms = (int)fp->usb.timeout_ms;
	snprintf(fp->port, sizeof(fp->port), "%s", rig_dfu_usb_port(du));
	if ((rc = rig_flash_comeback_loader(fp->port, fp->usb.sel.vid, fp->usb.sel.pid, &loader,
					    err)) == 0)
		rc = fdfu_flash(b, fp, &d, a->path, err);
	rig_dfu_usb_close(du);
	/* a DFU 1.1 device may stay on the bus after manifestation: only an
	 * app: to wait for makes the reset part of the check */
	if (rc == 0 && fp->leave && fp->back.have_app)
		rc = rig_flash_comeback_wait(&fp->back, &loader, b->name, &app, err);
	return rc;
}

static int fdfu_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct fdfu_priv *fp = b->flash.priv;

	rig_kv_set(facts, "board.flash", "dfu");
	if (fp->port[0])
		rig_kv_set(facts, "board.flash.port", fp->port);
	if (fp->bytes) {
		rig_kv_setf(facts, "board.flash.bytes", "%zu", fp->bytes);
		rig_kv_setf(facts, "board.flash.write_Bps", "%.0f", fp->write_Bps);
		if (fp->verify)
			rig_kv_setf(facts, "board.flash.verify_Bps", "%.0f", fp->verify_Bps);
	}
	return 0;
}

static void fdfu_destroy(struct rig_board *b)
{
	free(b->flash.priv);
	b->flash.priv = NULL;
}

const struct rig_flash_ops rig_flash_dfu_ops = {
    .kind = "dfu",
    .configure = fdfu_configure,
    .load = fdfu_load,
    .facts = fdfu_facts,
    .destroy = fdfu_destroy,
};
