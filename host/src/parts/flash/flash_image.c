/* Flash images from ELF segments or raw binaries (flash_image.h). */
#include "flash_image.h"

#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

static int from_elf(const char *path, Elf *e, const char *buf, uint32_t lo, uint32_t hi,
		    struct rig_flash_image *img, struct rig_error *err)
{
	size_t n;
	uint64_t first = UINT64_MAX, last = 0;

	if (elf_getphdrnum(e, &n))
		return rig_fail(err, RIG_ERR_INVALID, "%s: no program headers (%s)", path,
				elf_errmsg(-1));
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    ph.p_filesz == 0 || ph.p_paddr < lo || ph.p_paddr >= hi)
				continue;
			if (ph.p_paddr + ph.p_filesz > hi)
				return rig_fail(err, RIG_ERR_INVALID,
						"%s: segment %zu (0x%08llx+%llu) runs past the end "
						"of flash 0x%08x",
						path, i, (unsigned long long)ph.p_paddr,
						(unsigned long long)ph.p_filesz, hi);
			if (pass == 0) {
				first = ph.p_paddr < first ? ph.p_paddr : first;
				last = ph.p_paddr + ph.p_filesz > last ? ph.p_paddr + ph.p_filesz
								       : last;
			} else {
				memcpy(img->data + (ph.p_paddr - img->addr), buf + ph.p_offset,
				       ph.p_filesz);
			}
		}
		if (pass == 0) {
			if (first == UINT64_MAX)
				return rig_fail(err, RIG_ERR_INVALID,
						"%s: no loadable segment in 0x%08x..0x%08x (is it "
						"built for this board?)",
						path, lo, hi);
			img->addr = (uint32_t)first;
			img->len = (size_t)(last - first);
			img->data = malloc(img->len);
			memset(img->data, 0xFF, img->len);
		}
	}
	return 0;
}

int rig_flash_image_load(const char *path, uint32_t lo, uint32_t hi, uint32_t raw_base,
			 uint32_t align, struct rig_flash_image *img, struct rig_error *err)
{
	char *buf;
	size_t len, padded;
	Elf *e;
	int rc;

	memset(img, 0, sizeof(*img));
	if ((rc = rig_read_file(path, &buf, &len, err)))
		return rc;
	elf_version(EV_CURRENT);
	if (len >= 4 && memcmp(buf, "\177ELF", 4) == 0 && (e = elf_memory(buf, len))) {
		rc = from_elf(path, e, buf, lo, hi, img, err);
		elf_end(e);
	} else if (raw_base < lo || (uint64_t)raw_base + len > hi || len == 0) {
		rc = rig_fail(err, RIG_ERR_INVALID,
			      "%s: %zu raw bytes at 0x%08x do not fit in 0x%08x..0x%08x", path, len,
			      raw_base, lo, hi);
	} else {
		img->addr = raw_base;
		img->len = len;
		img->data = malloc(len);
		memcpy(img->data, buf, len);
	}
	free(buf);
	if (rc)
		return rc;
	padded = align > 1 ? (img->len + align - 1) & ~(size_t)(align - 1) : img->len;
	if (padded != img->len) {
		img->data = realloc(img->data, padded);
		memset(img->data + img->len, 0xFF, padded - img->len);
		img->len = padded;
	}
	return 0;
}

void rig_flash_image_free(struct rig_flash_image *img)
{
	free(img->data);
	img->data = NULL;
	img->len = 0;
}

int rig_flash_parse_size(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (end == s)
		return RIG_ERR_INVALID;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)
		end += strlen(end);
	if (*end || v == 0 || v > 0xFFFFFFFFull)
		return RIG_ERR_INVALID;
	*out = (uint32_t)v;
	return 0;
}

int rig_flash_image_compare(const struct rig_flash_image *img, const uint8_t *back,
			    const char *board, struct rig_error *err)
{
	for (size_t i = 0; i < img->len; i++)
		if (img->data[i] != back[i])
			return rig_fail(err, RIG_ERR_IO,
					"board %s: read-back differs at 0x%08zx: wrote 0x%02x, "
					"read 0x%02x (flash not trusted; the board stays in its "
					"boot loader)",
					board, img->addr + i, img->data[i], back[i]);
	return 0;
}
