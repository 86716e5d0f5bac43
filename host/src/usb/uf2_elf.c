/* ELF -> UF2 (uf2.h): the loadable segments by physical address. */
#include "uf2.h"

#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

struct seg {
	uint64_t addr, size, off;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int rig_uf2_from_elf(const void *elf_data, size_t elf_len, uint32_t family, uint8_t **out,
		     size_t *out_len, struct rig_error *err)
{
	Elf *e;
	size_t nph;
	struct seg *segs = NULL;
	size_t nseg = 0;
	uint64_t *pages = NULL;
	size_t npages = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*out_len = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return rig_fail(err, RIG_ERR_IO, "libelf: %s", elf_errmsg(-1));
	e = elf_memory((char *)elf_data, elf_len);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &nph) != 0) {
		if (e)
			elf_end(e);
		return rig_fail(err, RIG_ERR_PARSE, "UF2 from ELF: not an ELF file (%s)",
				elf_errmsg(-1));
	}
	segs = calloc(nph + 1, sizeof(*segs));
	if (!segs) {
		elf_end(e);
		return rig_fail(err, RIG_ERR_NO_MEM, "UF2: out of memory");
	}
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_filesz == 0)
			continue;
		if (ph.p_offset > elf_len || ph.p_filesz > elf_len - ph.p_offset) {
			rc = rig_fail(
			    err, RIG_ERR_PARSE,
			    "UF2 from ELF: segment %zu (offset %llu, %llu bytes) is past the "
			    "end of the file",
			    i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz);
			goto done;
		}
		if (ph.p_paddr > 0xffffffffULL || ph.p_filesz > 0x100000000ULL - ph.p_paddr) {
			rc = rig_fail(err, RIG_ERR_INVALID,
				      "UF2 from ELF: segment %zu at 0x%llx is above 4 GiB", i,
				      (unsigned long long)ph.p_paddr);
			goto done;
		}
		segs[nseg++] = (struct seg){ph.p_paddr, ph.p_filesz, ph.p_offset};
		for (uint64_t p = ph.p_paddr & ~255ULL; p < ph.p_paddr + ph.p_filesz; p += 256) {
			if (npages == cap) {
				cap = cap ? cap * 2 : 256;
				uint64_t *np = realloc(pages, cap * sizeof(*pages));
				if (!np) {
					rc = rig_fail(err, RIG_ERR_NO_MEM, "UF2: out of memory");
					goto done;
				}
				pages = np;
			}
			pages[npages++] = p;
		}
	}
	if (nseg == 0) {
		rc = rig_fail(err, RIG_ERR_PARSE, "UF2 from ELF: no loadable segment with content");
		goto done;
	}
	qsort(pages, npages, sizeof(*pages), cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < npages; i++)
		if (u == 0 || pages[u - 1] != pages[i])
			pages[u++] = pages[i];
	npages = u;
	*out = calloc(npages, RIG_UF2_BLOCK_SIZE);
	if (!*out) {
		rc = rig_fail(err, RIG_ERR_NO_MEM, "UF2: out of memory");
		goto done;
	}
	for (size_t i = 0; i < npages; i++) {
		uint8_t *b = *out + i * RIG_UF2_BLOCK_SIZE;
		put32(b, RIG_UF2_MAGIC_START0);
		put32(b + 4, RIG_UF2_MAGIC_START1);
		put32(b + 8, RIG_UF2_FLAG_FAMILY_ID);
		put32(b + 12, (uint32_t)pages[i]);
		put32(b + 16, RIG_UF2_PAYLOAD);
		put32(b + 20, (uint32_t)i);
		put32(b + 24, (uint32_t)npages);
		put32(b + 28, family);
		put32(b + 508, RIG_UF2_MAGIC_END);
		/* every segment's bytes that fall in this page (segments may share one) */
		for (size_t s = 0; s < nseg; s++) {
			uint64_t lo = segs[s].addr > pages[i] ? segs[s].addr : pages[i];
			uint64_t hi = segs[s].addr + segs[s].size;
			if (hi > pages[i] + 256)
				hi = pages[i] + 256;
			if (lo >= hi)
				continue;
			memcpy(b + 32 + (lo - pages[i]),
			       (const uint8_t *)elf_data + segs[s].off + (lo - segs[s].addr),
			       hi - lo);
		}
	}
	*out_len = npages * RIG_UF2_BLOCK_SIZE;
	rc = 0;
done:
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	free(pages);
	free(segs);
	elf_end(e);
	return rc;
}
