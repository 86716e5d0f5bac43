/*
 * UF2: ELF -> UF2 conversion and the block parser (uf2_proto.h has the
 * constants). The parser is shared by rig (checking a .uf2 made elsewhere
 * before copying it) and the test bed's boot ROM model (decoding what the
 * host wrote), so there is one reading of the format.
 */
#ifndef RIG_UF2_H
#define RIG_UF2_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "uf2_proto.h"

struct rig_uf2_block {
	uint32_t flags;
	uint32_t target_addr;
	uint32_t payload_size;
	uint32_t block_no;
	uint32_t num_blocks;
	uint32_t family;     /* fileSize, a family ID when flags has FAMILY_ID */
	const uint8_t *data; /* payload_size bytes inside the parsed block */
};

/* Parses one 512-byte block. Returns 1 and *out for a UF2 block, 0 for a
 * sector that is not UF2 (wrong start magics: the device ignores it), or
 * RIG_ERR_PARSE for a block with UF2 magics that breaks the rules (end
 * magic, payload > 476, block_no >= num_blocks), naming the field and the
 * value. */
int rig_uf2_parse_block(const uint8_t blk[RIG_UF2_BLOCK_SIZE], struct rig_uf2_block *out,
			struct rig_error *err);

/* Checks a whole .uf2 (len a multiple of 512, every block valid, one
 * family, num_blocks consistent and every block_no present once). Returns
 * the number of blocks, or RIG_ERR_PARSE naming the block index. When
 * family_out is non-NULL it gets the family (0 when absent). */
int rig_uf2_check(const uint8_t *buf, size_t len, uint32_t *family_out, struct rig_error *err);

/* Converts the loadable segments of an ELF (PT_LOAD with file bytes, by
 * physical address) into UF2: one 256-byte block per 256-byte page any
 * segment touches, gaps inside a page zero-filled, flag FAMILY_ID with
 * family. *out is malloc'd (free()), *out_len its size. RIG_ERR_PARSE for a
 * non-ELF or an ELF with nothing to load, RIG_ERR_INVALID for an address
 * above 4 GiB. */
int rig_uf2_from_elf(const void *elf, size_t elf_len, uint32_t family, uint8_t **out,
		     size_t *out_len, struct rig_error *err);

/* The family ID named by s: "rp2040", "rp2350-arm-s", "rp2350-riscv",
 * "rp2350-arm-ns", "absolute", "data" or a hex number. 0 and *out, or
 * RIG_ERR_INVALID listing the names. */
int rig_uf2_family(const char *s, uint32_t *out, struct rig_error *err);

#endif
