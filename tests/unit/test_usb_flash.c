/* The USB flashing parts picoboot and dfu (parts/flash/flash_picoboot.c,
 * flash_dfu.c) and what they share: images from ELF segments or raw
 * binaries (flash_image.c), sizes, board-file errors, and a row that
 * skips with "not connected" when the device is absent (this machine has
 * no USB bus; the test bed flashes real models, tests/usb). */
#include "rigtest.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "fileio.h"
#include "flash_image.h"

/* An ELF32 with a flash segment at 0x10000000 (paddr; vaddr elsewhere, as
 * a .data load image is), a RAM-only one, and a gap between two flash
 * segments. */
static const char *write_elf(const char *dir)
{
	static char path[512];
	struct {
		Elf32_Ehdr eh;
		Elf32_Phdr ph[3];
		uint8_t a[8], b[4], c[4];
	} f;
	FILE *fp;

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS32;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_ARM;
	f.eh.e_version = EV_CURRENT;
	f.eh.e_phoff = offsetof(__typeof__(f), ph);
	f.eh.e_ehsize = sizeof(Elf32_Ehdr);
	f.eh.e_phentsize = sizeof(Elf32_Phdr);
	f.eh.e_phnum = 3;
	memset(f.a, 0xA1, sizeof(f.a));
	memset(f.b, 0xB2, sizeof(f.b));
	memset(f.c, 0xC3, sizeof(f.c));
	f.ph[0] =
	    (Elf32_Phdr){PT_LOAD, offsetof(__typeof__(f), a), 0x10000000, 0x10000000, 8, 8, 5, 4};
	f.ph[1] =
	    (Elf32_Phdr){PT_LOAD, offsetof(__typeof__(f), b), 0x20000000, 0x10000010, 4, 4, 6, 4};
	f.ph[2] =
	    (Elf32_Phdr){PT_LOAD, offsetof(__typeof__(f), c), 0x20001000, 0x20001000, 4, 4, 6, 4};
	snprintf(path, sizeof(path), "%s/img.elf", dir);
	fp = fopen(path, "wb");
	fwrite(&f, sizeof(f), 1, fp);
	fclose(fp);
	return path;
}

static void elf_segments_land_at_physical_addresses(void **state)
{
	struct rig_flash_image img;
	struct rig_error err = {0};

	assert_int_equal(rig_flash_image_load(write_elf(rigtest_tmpdir()), 0x10000000, 0x10200000,
					      0x10000000, 256, &img, &err),
			 0);
	assert_int_equal(img.addr, 0x10000000);
	assert_int_equal(img.len, 256); /* 0x14 bytes padded to a page */
	assert_int_equal(img.data[0], 0xA1);
	assert_int_equal(img.data[8], 0xFF); /* the gap is erased flash */
	assert_int_equal(img.data[0x10], 0xB2);
	assert_int_equal(img.data[0x14], 0xFF);
	rig_flash_image_free(&img);
	/* a window that holds none of it: said, not an empty flash */
	assert_int_equal(rig_flash_image_load(write_elf(rigtest_tmpdir()), 0x08000000, 0x08080000,
					      0x08000000, 1, &img, &err),
			 RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "no loadable segment in 0x08000000..0x08080000"));
}

static void raw_binary_goes_at_base(void **state)
{
	struct rig_flash_image img;
	struct rig_error err = {0};
	const char *p = rigtest_write(rigtest_tmpdir(), "img.bin", "hello");

	assert_int_equal(rig_flash_image_load(p, 0x08000000, 0x08080000, 0x08004000, 1, &img, &err),
			 0);
	assert_int_equal(img.addr, 0x08004000);
	assert_int_equal(img.len, 5);
	rig_flash_image_free(&img);
	assert_int_equal(rig_flash_image_load(p, 0x08000000, 0x08000004, 0x08000000, 1, &img, &err),
			 RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "5 raw bytes at 0x08000000 do not fit"));
}

static void sizes_parse_with_binary_units(void **state)
{
	uint32_t v;

	assert_int_equal(rig_flash_parse_size("2M", &v), 0);
	assert_int_equal(v, 2u << 20);
	assert_int_equal(rig_flash_parse_size("16k", &v), 0);
	assert_int_equal(v, 16384);
	assert_int_equal(rig_flash_parse_size("4MiB", &v), 0);
	assert_int_equal(rig_flash_parse_size("0x08000000", &v), 0);
	assert_int_equal(v, 0x08000000);
	assert_int_equal(rig_flash_parse_size("2G", &v), RIG_ERR_INVALID);
	assert_int_equal(rig_flash_parse_size("", &v), RIG_ERR_INVALID);
}

static int load_board(const char *flash, struct rig_board **b, struct rig_error *err)
{
	char yaml[512];
	const char *dir = rigtest_tmpdir();

	snprintf(yaml, sizeof(yaml),
		 "name: b\nkind: parts\ntarget: {os: none, arch: thumb}\nrunner: {kind: mcu}\n"
		 "link: {kind: pty, path: /dev/null}\nflash: %s\n",
		 flash);
	return rig_board_load(rigtest_write(dir, "b.yaml", yaml), dir, b, err);
}

static void board_file_errors_name_the_field(void **state)
{
	static const struct {
		const char *flash, *want;
	} cases[] = {
	    {"{kind: picoboot, flash_size: 3000}", "b.yaml:6: flash_size: 3000 is not a multiple"},
	    {"{kind: picoboot, chip: rp2350, flash_size: 64M}", "up to 33554432 (rp2350)"},
	    {"{kind: picoboot, chunk: 100}", "chunk: 100 is not a multiple of 256"},
	    {"{kind: picoboot, flash_size: lots}", "flash_size: \"lots\" is not a size"},
	    {"{kind: picoboot, device: 2e8a}", "device: \"2e8a\" is not VID:PID"},
	    {"{kind: dfu, address: here}", "address: \"here\" is not an address"},
	    {"{kind: dfu, speed: 1}", "unknown field 'speed'"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_board *b = NULL;
		struct rig_error err = {0};

		assert_int_equal(load_board(cases[i].flash, &b, &err), RIG_ERR_PARSE);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
	}
}

static void absent_device_skips_as_not_connected(void **state)
{
	static const char *const flashes[] = {
	    "{kind: picoboot, port: \"9-9.9\", wait: 0}",
	    "{kind: dfu, device: \"0483:df11\", port: \"9-9.9\", wait: 0}",
	};

	for (size_t i = 0; i < 2; i++) {
		struct rig_board *b = NULL;
		struct rig_error err = {0};
		struct rig_artifact a = {0};

		assert_int_equal(load_board(flashes[i], &b, &err), 0);
		snprintf(a.path, sizeof(a.path), "%s", write_elf(rigtest_tmpdir()));
		if (i == 1)
			snprintf(a.path, sizeof(a.path), "%s",
				 rigtest_write(rigtest_tmpdir(), "x.bin", "x"));
		assert_int_equal(RIG_FLASH(b)->load(b, &a, &err), RIG_ERR_SKIPPED);
		if (!strstr(err.msg, "board b: USB") || !strstr(err.msg, "not connected"))
			fail_msg("%s", err.msg);
		rig_board_free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(elf_segments_land_at_physical_addresses),
	    cmocka_unit_test(raw_binary_goes_at_base),
	    cmocka_unit_test(sizes_parse_with_binary_units),
	    cmocka_unit_test(board_file_errors_name_the_field),
	    cmocka_unit_test(absent_device_skips_as_not_connected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
