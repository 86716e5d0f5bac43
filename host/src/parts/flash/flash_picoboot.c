/*
 * Flash part picoboot: the RP2040 / RP2350 boot ROM's PICOBOOT interface
 * through libusb (usb/picoboot.h): exclusive access, erase the sectors the
 * image covers, write, read back and compare, reboot into the image. The
 * range is checked against the XIP flash window before anything is erased.
 * The board must be in BOOTSEL mode (power part touch1200 or a held
 * button); the time to write and to read back is reported in bytes/s.
 *
 *   flash: {kind: picoboot, chip: rp2040, flash_size: 2M, port: "1-1.4"}
 *
 * Fields: chip (rp2040 | rp2350), flash_size (default 2M / 4M), chunk
 * (bytes per WRITE/READ command, default 32k), reboot (default true), the
 * USB identity of flash_usbsel.h (device defaults to 2e8a:0003 or
 * 2e8a:000f), and after the reboot app / reboot_wait (flash_usbsel.h: the
 * ROM must leave the bus; with app: the application must come back at the
 * same port).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "clock.h"
#include "flash_image.h"
#include "flash_usbsel.h"
#include "log.h"
#include "picoboot.h"

struct fpb_priv {
	struct rig_flash_usbsel usb;
	struct rig_flash_comeback back;
	int rp2350, reboot;
	uint32_t flash_size, chunk;
	/* the last load, for facts */
	char port[32];
	double write_Bps, verify_Bps;
	size_t bytes;
};

static int size_field(const struct rig_cfg *cfg, struct rig_cfg_node *sec, const char *key,
		      uint32_t def, uint32_t *out, struct rig_error *err)
{
	char s[32];
	int rc;

	*out = def;
	if (!sec || (rc = rig_cfg_str(cfg, sec, key, 0, "", s, sizeof(s), err)))
		return sec ? rc : 0;
	if (s[0] && rig_flash_parse_size(s, out))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: %s: \"%s\" is not a size (4096, 16k, 2M)",
				rig_cfg_path(cfg), rig_cfg_key_line(cfg, sec, key), key, s);
	return 0;
}

static int fpb_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	static const char *const keys[] = {"chip",   "flash_size",	    "chunk",
					   "reboot", RIG_FLASH_USBSEL_KEYS, RIG_FLASH_COMEBACK_KEYS,
					   NULL};
	static const char *const chips[] = {"rp2040", "rp2350", NULL};
	struct fpb_priv *fp = rig_xcalloc(1, sizeof(*fp));
	uint32_t max;
	int rc;

	b->flash.priv = fp;
	fp->reboot = 1;
	if (sec && ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
		    (rc = rig_cfg_enum(cfg, sec, "chip", 0, chips, 0, &fp->rp2350, err)) ||
		    (rc = rig_cfg_bool(cfg, sec, "reboot", 0, 1, &fp->reboot, err))))
		return rc;
	if ((rc = rig_flash_usbsel_read(cfg, sec, fp->rp2350 ? "2e8a:000f" : "2e8a:0003", &fp->usb,
					err)) ||
	    (rc = rig_flash_comeback_read(cfg, sec, &fp->back, err)) ||
	    (rc = size_field(cfg, sec, "flash_size", fp->rp2350 ? 4u << 20 : 2u << 20,
			     &fp->flash_size, err)) ||
	    (rc = size_field(cfg, sec, "chunk", 32768, &fp->chunk, err)))
		return rc;
	max = fp->rp2350 ? RIG_RP2350_FLASH_MAX : RIG_RP2040_FLASH_MAX;
	if (fp->flash_size % RIG_RP_FLASH_SECTOR || fp->flash_size > max)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: flash_size: %u is not a multiple of 4096 up to %u (%s)",
				b->file, b->flash.line, fp->flash_size, max,
				fp->rp2350 ? "rp2350" : "rp2040");
	if (fp->chunk % RIG_RP_FLASH_PAGE)
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: chunk: %u is not a multiple of 256",
				b->file, b->flash.line, fp->chunk);
	return 0;
}

static double rate(size_t bytes, int64_t ns)
{
	return ns > 0 ? (double)bytes * 1e9 / (double)ns : 0;
}

static int fpb_write_verify(struct rig_board *b, struct fpb_priv *fp, struct rig_picoboot *pb,
			    const struct rig_flash_image *img, struct rig_error *err)
{
	uint32_t erase_len =
	    (uint32_t)((img->len + RIG_RP_FLASH_SECTOR - 1) & ~(size_t)(RIG_RP_FLASH_SECTOR - 1));
	uint8_t *back = NULL;
	int64_t t0, t1, t2;
	int rc;

	/* both checks before the first erase: a bad image never half-erases */
	if ((rc = rig_picoboot_check_flash_range(img->addr, erase_len, fp->flash_size, 1, err)) ||
	    (rc = rig_picoboot_check_flash_range(img->addr, (uint32_t)img->len, fp->flash_size, 0,
						 err)))
		return rc;
	if ((rc = rig_picoboot_exclusive_access(pb, 1, err)))
		return rc;
	t0 = rig_now_ns();
	if ((rc = rig_picoboot_erase(pb, img->addr, erase_len, err)) ||
	    (rc = rig_picoboot_write(pb, img->addr, img->data, (uint32_t)img->len, fp->chunk, err)))
		return rc;
	t1 = rig_now_ns();
	back = malloc(img->len);
	rc = rig_picoboot_read(pb, img->addr, back, (uint32_t)img->len, fp->chunk, err);
	t2 = rig_now_ns();
	if (rc == 0)
		rc = rig_flash_image_compare(img, back, b->name, err);
	free(back);
	if (rc)
		return rc;
	fp->bytes = img->len;
	fp->write_Bps = rate(img->len, t1 - t0);
	fp->verify_Bps = rate(img->len, t2 - t1);
	rig_info("board %s: picoboot wrote %zu bytes at 0x%08x in %.1f ms (%.0f B/s, erase "
		 "included), read back equal in %.1f ms (%.0f B/s)",
		 b->name, img->len, img->addr, (double)(t1 - t0) / 1e6, fp->write_Bps,
		 (double)(t2 - t1) / 1e6, fp->verify_Bps);
	return 0;
}

static int fpb_load(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct fpb_priv *fp = b->flash.priv;
	struct rig_picoboot pb = {.flash_size = fp->flash_size,
				  .rp2350 = fp->rp2350,
				  .timeout_ms = (int)fp->usb.timeout_ms,
				  .token = 1};
	struct rig_picoboot_usb *pu = NULL;
	struct rig_flash_image img;
	struct rig_usb_dev loader, app;
	int rc, rebooted = 0;

	if ((rc = rig_flash_image_load(a->path, RIG_RP_XIP_BASE, RIG_RP_XIP_BASE + fp->flash_size,
				       RIG_RP_XIP_BASE, RIG_RP_FLASH_PAGE, &img, err)))
		return rc;
	rc = rig_picoboot_usb_open(&fp->usb.sel, (int)fp->usb.wait_ms, &pu, &pb, err);
	if (rc == RIG_ERR_SKIPPED) {
		char m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		rc = rig_fail(err, RIG_ERR_SKIPPED, "board %s: %s", b->name, m);
	}
	if (rc == 0) {
		snprintf(fp->port, sizeof(fp->port), "%s", rig_picoboot_usb_port(pu));
		rc = fpb_write_verify(b, fp, &pb, &img, err);
		if (rc == 0 && fp->reboot &&
		    (rc = rig_flash_comeback_loader(fp->port, fp->usb.sel.vid, fp->usb.sel.pid,
						    &loader, err)) == 0 &&
		    (rc = rig_picoboot_reboot_app(&pb, 100, err)) == 0)
			rebooted = 1;
	}
	rig_picoboot_usb_close(pu);
	rig_flash_image_free(&img);
	if (rebooted)
		rc = rig_flash_comeback_wait(&fp->back, &loader, b->name, &app, err);
	return rc;
}

static int fpb_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct fpb_priv *fp = b->flash.priv;

	rig_kv_set(facts, "board.flash", fp->rp2350 ? "picoboot (rp2350)" : "picoboot (rp2040)");
	if (fp->port[0])
		rig_kv_set(facts, "board.flash.port", fp->port);
	if (fp->bytes) {
		rig_kv_setf(facts, "board.flash.bytes", "%zu", fp->bytes);
		rig_kv_setf(facts, "board.flash.write_Bps", "%.0f", fp->write_Bps);
		rig_kv_setf(facts, "board.flash.verify_Bps", "%.0f", fp->verify_Bps);
	}
	return 0;
}

static void fpb_destroy(struct rig_board *b)
{
	free(b->flash.priv);
	b->flash.priv = NULL;
}

const struct rig_flash_ops rig_flash_picoboot_ops = {
    .kind = "picoboot",
    .configure = fpb_configure,
    .load = fpb_load,
    .facts = fpb_facts,
    .destroy = fpb_destroy,
};
