/* UF2: rig's ELF -> UF2 equals TinyGo's own .uf2 of the same program, and
 * the parser refuses each broken block with the field named. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uf2.h"

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[1024];
	const char *src = getenv("RIG_SOURCE_DIR");
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/uf2/%s", src ? src : RIG_SOURCE_DIR,
		 name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(*len ? *len : 1);
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/* TinyGo 0.33 `tinygo build -target=pico` wrote both files */
static void elf_to_uf2_matches_tinygo_byte_for_byte(void **state)
{
	size_t elen, ulen, olen;
	uint8_t *elf = slurp("tinygo-pico-hello.elf", &elen);
	uint8_t *want = slurp("tinygo-pico-hello.uf2", &ulen);
	uint8_t *out;
	struct rig_error err = {0};
	uint32_t fam;

	(void)state;
	assert_int_equal(rig_uf2_from_elf(elf, elen, RIG_UF2_FAMILY_RP2040, &out, &olen, &err), 0);
	assert_int_equal(olen, ulen);
	assert_memory_equal(out, want, ulen);
	assert_int_equal(rig_uf2_check(out, olen, &fam, &err), 33);
	assert_int_equal(fam, 0xE48BFF56u);
	free(out);
	free(elf);
	free(want);
}

static void each_block_carries_the_family_flag_and_256_bytes(void **state)
{
	size_t elen, olen;
	uint8_t *elf = slurp("tinygo-pico-hello.elf", &elen);
	uint8_t *out;
	struct rig_uf2_block b;

	(void)state;
	assert_int_equal(
	    rig_uf2_from_elf(elf, elen, RIG_UF2_FAMILY_RP2350_ARM_S, &out, &olen, NULL), 0);
	for (size_t i = 0; i < olen / 512; i++) {
		assert_int_equal(rig_uf2_parse_block(out + i * 512, &b, NULL), 1);
		assert_int_equal(b.flags, RIG_UF2_FLAG_FAMILY_ID);
		assert_int_equal(b.payload_size, 256);
		assert_int_equal(b.family, 0xE48BFF59u);
		assert_int_equal(b.block_no, i);
		assert_int_equal(b.target_addr % 256, 0);
	}
	free(out);
	free(elf);
}

static void broken_files_name_the_field(void **state)
{
	static const struct {
		const char *file, *word;
	} cases[] = {
	    {"bad-end-magic", "end magic"},   {"payload-too-big", "payloadSize 1000"},
	    {"block-twice", "appears twice"}, {"blockno-past-num", "blockNo 99"},
	    {"cut-block", "whole number"},    {"one-block", "numBlocks 33"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		uint8_t *b = slurp(cases[i].file, &len);
		struct rig_error err = {0};
		assert_int_equal(rig_uf2_check(b, len, NULL, &err), RIG_ERR_PARSE);
		if (!strstr(err.msg, cases[i].word))
			fail_msg("%s: '%s' lacks '%s'", cases[i].file, err.msg, cases[i].word);
		free(b);
	}
}

static void a_sector_without_magics_is_not_uf2(void **state)
{
	uint8_t sec[512] = {0};
	struct rig_uf2_block b;
	(void)state;
	assert_int_equal(rig_uf2_parse_block(sec, &b, NULL), 0);
}

static void family_names_and_hex(void **state)
{
	uint32_t f;
	struct rig_error err = {0};
	(void)state;
	assert_int_equal(rig_uf2_family("rp2350-riscv", &f, &err), 0);
	assert_int_equal(f, 0xE48BFF5Au);
	assert_int_equal(rig_uf2_family("0xE48BFF56", &f, &err), 0);
	assert_int_equal(f, 0xE48BFF56u);
	assert_int_equal(rig_uf2_family("rp2041", &f, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "rp2041"));
}

static void not_an_elf_is_refused(void **state)
{
	uint8_t *out;
	size_t len;
	struct rig_error err = {0};
	(void)state;
	assert_int_equal(rig_uf2_from_elf("hello", 5, RIG_UF2_FAMILY_RP2040, &out, &len, &err),
			 RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "not an ELF"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(elf_to_uf2_matches_tinygo_byte_for_byte),
	    cmocka_unit_test(each_block_carries_the_family_flag_and_256_bytes),
	    cmocka_unit_test(broken_files_name_the_field),
	    cmocka_unit_test(a_sector_without_magics_is_not_uf2),
	    cmocka_unit_test(family_names_and_hex),
	    cmocka_unit_test(not_an_elf_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
