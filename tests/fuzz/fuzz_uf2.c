/* Fuzz target: the UF2 parser (rig_uf2_parse_block on every 512-byte
 * sector, rig_uf2_check on the whole input) and the ELF -> UF2 converter,
 * whose output must pass rig_uf2_check. Every failure says why. Seeds:
 * tests/fuzz/corpus/uf2/ (TinyGo's pico hello.uf2, rig's own output, cut
 * and damaged blocks). */
#include <stdint.h>
#include <stdlib.h>

#include "uf2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_error err = {0};
	struct rig_uf2_block b;
	uint32_t fam;
	uint8_t *out;
	size_t out_len;

	for (size_t off = 0; off + RIG_UF2_BLOCK_SIZE <= size; off += RIG_UF2_BLOCK_SIZE) {
		int rc = rig_uf2_parse_block(data + off, &b, &err);
		if (rc == 1 && (b.payload_size > RIG_UF2_DATA_MAX || b.block_no >= b.num_blocks))
			abort();
		if (rc < 0 && !err.msg[0])
			abort();
	}
	err.msg[0] = 0;
	int n = rig_uf2_check(data, size, &fam, &err);
	if (n < 0 && !err.msg[0])
		abort();
	if (n > 0 && (size_t)n * RIG_UF2_BLOCK_SIZE != size)
		abort();
	err.msg[0] = 0;
	if (rig_uf2_from_elf(data, size, RIG_UF2_FAMILY_RP2040, &out, &out_len, &err) == 0) {
		if (rig_uf2_check(out, out_len, &fam, NULL) !=
			(int)(out_len / RIG_UF2_BLOCK_SIZE) ||
		    fam != RIG_UF2_FAMILY_RP2040)
			abort();
		free(out);
	} else if (!err.msg[0]) {
		abort();
	}
	return 0;
}
