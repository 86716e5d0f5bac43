/* UF2 block parser and checker (uf2.h). */
#include "uf2.h"

#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int rig_uf2_parse_block(const uint8_t blk[RIG_UF2_BLOCK_SIZE], struct rig_uf2_block *out,
			struct rig_error *err)
{
	if (le32(blk) != RIG_UF2_MAGIC_START0 || le32(blk + 4) != RIG_UF2_MAGIC_START1)
		return 0;
	uint32_t end = le32(blk + 508);
	if (end != RIG_UF2_MAGIC_END)
		return rig_fail(err, RIG_ERR_PARSE,
				"UF2 block: end magic 0x%08x at offset 508, expected 0x%08x", end,
				RIG_UF2_MAGIC_END);
	out->flags = le32(blk + 8);
	out->target_addr = le32(blk + 12);
	out->payload_size = le32(blk + 16);
	out->block_no = le32(blk + 20);
	out->num_blocks = le32(blk + 24);
	out->family = le32(blk + 28);
	out->data = blk + 32;
	if (out->payload_size > RIG_UF2_DATA_MAX)
		return rig_fail(err, RIG_ERR_PARSE, "UF2 block %u: payloadSize %u, at most %d",
				out->block_no, out->payload_size, RIG_UF2_DATA_MAX);
	if (out->num_blocks == 0 || out->block_no >= out->num_blocks)
		return rig_fail(err, RIG_ERR_PARSE, "UF2 block: blockNo %u of numBlocks %u",
				out->block_no, out->num_blocks);
	if (!(out->flags & RIG_UF2_FLAG_FAMILY_ID))
		out->family = 0;
	return 1;
}

int rig_uf2_check(const uint8_t *buf, size_t len, uint32_t *family_out, struct rig_error *err)
{
	struct rig_uf2_block b = {0};
	uint32_t family = 0, num = 0;
	uint8_t *seen = NULL;
	int rc;

	if (len == 0 || len % RIG_UF2_BLOCK_SIZE)
		return rig_fail(err, RIG_ERR_PARSE,
				"UF2: %zu bytes is not a whole number of 512-byte blocks", len);
	size_t n = len / RIG_UF2_BLOCK_SIZE;
	for (size_t i = 0; i < n; i++) {
		rc = rig_uf2_parse_block(buf + i * RIG_UF2_BLOCK_SIZE, &b, err);
		if (rc == 0)
			rc = rig_fail(err, RIG_ERR_PARSE, "UF2: block %zu has no UF2 start magics",
				      i);
		if (rc < 0) {
			free(seen);
			return rc;
		}
		if (i == 0) {
			family = b.family;
			num = b.num_blocks;
			seen = calloc(n, 1);
			if (!seen)
				return rig_fail(err, RIG_ERR_NO_MEM, "UF2: out of memory");
		}
		if (b.family != family || b.num_blocks != num) {
			free(seen);
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "UF2: block %zu has family 0x%08x / numBlocks %u, block 0 has "
			    "0x%08x / %u",
			    i, b.family, b.num_blocks, family, num);
		}
		if (b.block_no >= n) {
			free(seen);
			return rig_fail(err, RIG_ERR_PARSE,
					"UF2: block %zu: blockNo %u but the file has %zu blocks", i,
					b.block_no, n);
		}
		if (seen[b.block_no]++) {
			free(seen);
			return rig_fail(err, RIG_ERR_PARSE, "UF2: blockNo %u appears twice",
					b.block_no);
		}
	}
	free(seen);
	if (num != n)
		return rig_fail(err, RIG_ERR_PARSE, "UF2: numBlocks %u but the file has %zu blocks",
				num, n);
	if (family_out)
		*family_out = family;
	return (int)n;
}

static const struct {
	const char *name;
	uint32_t id;
} families[] = {
    {"rp2040", RIG_UF2_FAMILY_RP2040},
    {"rp2350-arm-s", RIG_UF2_FAMILY_RP2350_ARM_S},
    {"rp2350-riscv", RIG_UF2_FAMILY_RP2350_RISCV},
    {"rp2350-arm-ns", RIG_UF2_FAMILY_RP2350_ARM_NS},
    {"absolute", RIG_UF2_FAMILY_ABSOLUTE},
    {"data", RIG_UF2_FAMILY_DATA},
};

int rig_uf2_family(const char *s, uint32_t *out, struct rig_error *err)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcmp(s, families[i].name) == 0) {
			*out = families[i].id;
			return 0;
		}
	char *end;
	unsigned long v = strtoul(s, &end, 16);
	if (*s && !*end && strncmp(s, "0x", 2) == 0 && v <= 0xffffffffUL) {
		*out = (uint32_t)v;
		return 0;
	}
	return rig_fail(err, RIG_ERR_INVALID,
			"UF2 family '%s': expected rp2040, rp2350-arm-s, rp2350-riscv, "
			"rp2350-arm-ns, absolute, data or a hex id (0xE48BFF56)",
			s);
}
