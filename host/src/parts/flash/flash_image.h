/*
 * The bytes a flashing part writes: an ELF's loadable segments (by
 * physical address, as objcopy -O binary and picotool place them) laid out
 * as one range inside a memory window, gaps filled with 0xFF (erased
 * flash), or a raw .bin at a given base address.
 */
#ifndef RIG_FLASH_IMAGE_H
#define RIG_FLASH_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct rig_flash_image {
	uint32_t addr; /* where data[0] goes */
	uint8_t *data; /* owned; free with rig_flash_image_free */
	size_t len;
};

/* Loads path. An ELF: every PT_LOAD segment with file bytes whose p_paddr
 * lies in [lo, hi) (segments wholly outside are RAM-only and skipped; one
 * that straddles hi is an error). Anything else: the file's bytes at
 * raw_base (which must lie in the window). The length is rounded up to
 * align bytes (a power of two, 1 for none) with 0xFF. RIG_ERR_INVALID
 * naming the file and segment when nothing or too much falls in the
 * window; RIG_ERR_IO / RIG_ERR_NOT_FOUND for the file. */
int rig_flash_image_load(const char *path, uint32_t lo, uint32_t hi, uint32_t raw_base,
			 uint32_t align, struct rig_flash_image *img, struct rig_error *err);
void rig_flash_image_free(struct rig_flash_image *img);

/* "2M", "4MiB", "16k", "0x200000", "4096" as bytes (K/M are 1024-based:
 * flash sizes); 0 or RIG_ERR_INVALID. */
int rig_flash_parse_size(const char *s, uint32_t *out);

/* The read-back check every USB flashing part ends with: 0, or
 * RIG_ERR_IO naming the first differing address and both bytes. */
int rig_flash_image_compare(const struct rig_flash_image *img, const uint8_t *back,
			    const char *board, struct rig_error *err);

#endif
