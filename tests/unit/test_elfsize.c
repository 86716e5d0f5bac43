/*
 * ELF sizes against binutils: programs built by the real compilers on this
 * machine, measured by rig_elf_sizes and by `size` (Berkeley: text, data,
 * bss, dec) and `size -A` (one row per section). `size -A`'s Total also
 * counts sections that are not loaded (.comment, .debug_*, .ARM.attributes);
 * readelf (a parser independent of both libelf and bfd) says which rows those
 * are, and they are taken out before comparing with alloc_bytes.
 */
#include "rigtest.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfsize.h"
#include "util.h"

static const char hello_c[] = "#include <stdio.h>\n"
			      "int counter = 3;\n"
			      "static char buffer[10000];\n"
			      "static const char msg[] = \"hello %d\\n\";\n"
			      "int main(void) { buffer[0] = 1; printf(msg, counter + buffer[1]); "
			      "return 0; }\n";

/* Thread-local data and bss: .tdata counts as data, .tbss as bss */
static const char tls_c[] = "#include <stdio.h>\n"
			    "__thread int tl; __thread int tld = 5;\n"
			    "int main(void) { tl = tld; printf(\"%d\\n\", tl); return 0; }\n";

static const char hello_go[] = "package main\n\nimport \"fmt\"\n\n"
			       "func main() { fmt.Println(\"hello\") }\n";

struct berkeley {
	long long text, data, bss, dec;
};

/* Builds src (written to dir/name) with a shell command line whose %s are
 * the output and the source; returns the output path (owned) or skips. */
static char *build(const char *name, const char *src, const char *cmd_fmt)
{
	const char *dir = rigtest_tmpdir();
	const char *src_path = rigtest_write(dir, name, src);
	char *exe = rig_xasprintf("%s/%s.out", dir, name);
	char *cmd = rig_xasprintf(cmd_fmt, exe, src_path);
	char *out = NULL;
	int rc = rigtest_sh(&out, "%s 2>&1", cmd);

	if (rc != 0)
		fail_msg("build failed (%d): %s\n%s", rc, cmd, out);
	free(cmd);
	free(out);
	return exe;
}

static struct rig_sizes measure(const char *path)
{
	struct rig_sizes s;
	struct rig_error err = {0};
	int rc = rig_elf_sizes(path, &s, &err);

	if (rc != 0)
		fail_msg("rig_elf_sizes(%s) = %s: %s", path, rig_err_name(rc), err.msg);
	return s;
}

static struct berkeley size_berkeley(const char *size_cmd, const char *path)
{
	struct berkeley b;
	char *out = NULL, *line;

	if (rigtest_sh(&out, "%s '%s'", size_cmd, path) != 0)
		fail_msg("%s %s failed:\n%s", size_cmd, path, out);
	line = strchr(out, '\n'); /* skip the header line */
	if (!line || sscanf(line + 1, "%lld %lld %lld %lld", &b.text, &b.data, &b.bss, &b.dec) != 4)
		fail_msg("cannot parse %s output:\n%s", size_cmd, out);
	free(out);
	return b;
}

/* Names of the sections readelf shows without the A (alloc) flag, each
 * surrounded by spaces in one string, for a plain strstr lookup. */
static char *non_alloc_sections(const char *path)
{
	char *out = NULL, *save = NULL;
	struct rig_buf names = {0};

	rig_buf_append(&names, " ", 1);
	if (rigtest_sh(&out, "readelf -SW '%s'", path) != 0)
		fail_msg("readelf -SW %s failed:\n%s", path, out);
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *close = strchr(l, ']');
		char tok[12][128];
		int n;

		if (!strstr(l, "[") || !close || strstr(l, "[Nr]"))
			continue;
		/* Name Type Address Off Size ES [Flg] Lk Inf Al: 9 or 10 fields */
		n = sscanf(close + 1, "%127s %127s %127s %127s %127s %127s %127s %127s %127s %127s",
			   tok[0], tok[1], tok[2], tok[3], tok[4], tok[5], tok[6], tok[7], tok[8],
			   tok[9]);
		if (n < 9)
			continue; /* section 0 has no name */
		if (n == 9 || !strchr(tok[6], 'A'))
			rig_buf_appendf(&names, "%s ", tok[0]);
	}
	free(out);
	return names.data;
}

/* `size -A` Total less the rows of sections that are not allocated. */
static long long size_a_alloc_total(const char *size_cmd, const char *path)
{
	char *non_alloc = non_alloc_sections(path);
	char *out = NULL, *save = NULL;
	long long total = -1, skipped = 0;

	if (rigtest_sh(&out, "%s -A '%s'", size_cmd, path) != 0)
		fail_msg("%s -A %s failed:\n%s", size_cmd, path, out);
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[256], key[260];
		long long sz;

		if (sscanf(l, "%255s %lld", name, &sz) != 2)
			continue;
		snprintf(key, sizeof(key), " %s ", name);
		if (!strcmp(name, "Total"))
			total = sz;
		else if (strstr(non_alloc, key))
			skipped += sz;
	}
	if (total < 0)
		fail_msg("no Total in %s -A output:\n%s", size_cmd, out);
	free(out);
	free(non_alloc);
	return total - skipped;
}

static void check_against_size(const char *size_cmd, const char *path, int machine)
{
	struct rig_sizes s = measure(path);
	struct berkeley b = size_berkeley(size_cmd, path);
	long long a_total = size_a_alloc_total(size_cmd, path);
	char *data = NULL;
	size_t len = 0;
	struct rig_error err = {0};

	assert_int_equal(rig_read_file(path, &data, &len, &err), 0);
	assert_int_equal(s.file_bytes, (int64_t)len);
	free(data);
	assert_int_equal(s.elf_machine, machine);
	if (s.text_bytes != b.text || s.data_bytes != b.data || s.bss_bytes != b.bss)
		fail_msg("%s: rig text/data/bss %lld/%lld/%lld, %s says %lld/%lld/%lld", path,
			 (long long)s.text_bytes, (long long)s.data_bytes, (long long)s.bss_bytes,
			 size_cmd, b.text, b.data, b.bss);
	assert_int_equal(s.alloc_bytes, b.dec);
	if (s.alloc_bytes != a_total)
		fail_msg("%s: rig alloc %lld, %s -A alloc rows %lld", path,
			 (long long)s.alloc_bytes, size_cmd, a_total);
}

/* The cross `size` when installed, else the host's (bfd reads any ELF). */
static const char *size_for(const char *prefix)
{
	static char cmd[64];

	snprintf(cmd, sizeof(cmd), "%ssize", prefix);
	return rigtest_have(cmd) ? cmd : "size";
}

static void gcc_dynamic_binary_matches_size(void **state)
{
	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("size");
	char *exe = build("dyn.c", hello_c, "gcc -O2 -o %s %s");

	check_against_size("size", exe, EM_X86_64);
	free(exe);
}

static void gcc_static_binary_matches_size(void **state)
{
	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("size");
	char *exe = build("static.c", hello_c, "gcc -O2 -static -o %s %s");

	check_against_size("size", exe, EM_X86_64);
	free(exe);
}

static void thread_local_sections_match_size(void **state)
{
	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("size");
	char *exe = build("tls.c", tls_c, "gcc -O2 -o %s %s");

	check_against_size("size", exe, EM_X86_64);
	free(exe);
}

static void aarch64_cross_binary_matches_size(void **state)
{
	RIGTEST_REQUIRE_CMD("aarch64-linux-gnu-gcc");
	RIGTEST_REQUIRE_CMD("size");
	char *exe = build("a64.c", hello_c, "aarch64-linux-gnu-gcc -O2 -o %s %s");

	check_against_size(size_for("aarch64-linux-gnu-"), exe, EM_AARCH64);
	free(exe);
}

static void armhf_cross_binary_matches_size(void **state)
{
	RIGTEST_REQUIRE_CMD("arm-linux-gnueabihf-gcc");
	RIGTEST_REQUIRE_CMD("size");
	char *exe = build("armhf.c", hello_c, "arm-linux-gnueabihf-gcc -O2 -o %s %s");

	check_against_size(size_for("arm-linux-gnueabihf-"), exe, EM_ARM);
	free(exe);
}

static void relocatable_object_matches_size(void **state)
{
	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("size");
	char *obj = build("obj.c", tls_c, "gcc -O2 -ffunction-sections -c -o %s %s");

	check_against_size("size", obj, EM_X86_64);
	free(obj);
}

static void cortex_m_firmware_matches_size(void **state)
{
	RIGTEST_REQUIRE_CMD("arm-none-eabi-gcc");
	RIGTEST_REQUIRE_CMD("size");
	char *exe = build("m3.c", hello_c,
			  "arm-none-eabi-gcc -O2 -mcpu=cortex-m3 -mthumb --specs=nosys.specs "
			  "-o %s %s");

	check_against_size(size_for("arm-none-eabi-"), exe, EM_ARM);
	free(exe);
}

static const char *go_command(void)
{
	if (rigtest_have("go"))
		return "go";
	if (rigtest_have("/usr/local/go/bin/go"))
		return "/usr/local/go/bin/go";
	return NULL;
}

static void go_binary_matches_size(void **state)
{
	const char *go = go_command();
	char *cmd, *exe;

	if (!go) {
		print_message("[  SKIPPED ] go is not installed (scripts/setup.sh)\n");
		skip();
	}
	RIGTEST_REQUIRE_CMD("size");
	/* GOCACHE needs a home; keep it in the test's directory when there is none */
	if (getenv("HOME") || getenv("GOCACHE") || getenv("XDG_CACHE_HOME"))
		cmd = rig_xasprintf("GOTOOLCHAIN=local CGO_ENABLED=0 %s build -o %%s %%s", go);
	else
		cmd = rig_xasprintf("GOCACHE='%s/gocache' GOTOOLCHAIN=local CGO_ENABLED=0 %s build "
				    "-o %%s %%s",
				    rigtest_tmpdir(), go);
	exe = build("hello.go", hello_go, cmd);
	check_against_size("size", exe, EM_X86_64);
	free(exe);
	free(cmd);
}

static void memory_image_gives_same_sizes_as_file(void **state)
{
	RIGTEST_REQUIRE_CMD("gcc");
	char *exe = build("mem.c", hello_c, "gcc -O2 -o %s %s");
	struct rig_sizes f = measure(exe), m;
	struct rig_error err = {0};
	char *data = NULL;
	size_t len = 0;

	assert_int_equal(rig_read_file(exe, &data, &len, &err), 0);
	assert_int_equal(rig_elf_sizes_mem(data, len, &m, &err), 0);
	assert_memory_equal(&f, &m, sizeof(f));
	free(data);
	free(exe);
}

static void non_elf_file_is_not_supported_but_has_its_length(void **state)
{
	const char *p = rigtest_write(rigtest_tmpdir(), "script.sh", "#!/bin/sh\necho hi\n");
	struct rig_sizes s;
	struct rig_error err = {0};

	assert_int_equal(rig_elf_sizes(p, &s, &err), RIG_ERR_NOT_SUPPORTED);
	assert_int_equal(s.file_bytes, 18);
	assert_int_equal(s.alloc_bytes, 0);
	assert_non_null(strstr(err.msg, "script.sh"));
}

static void missing_file_is_not_found(void **state)
{
	struct rig_sizes s;
	struct rig_error err = {0};

	assert_int_equal(rig_elf_sizes("/nonexistent/rig/elf", &s, &err), RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/rig/elf"));
}

/* Reads a freshly built host binary into memory (owned). */
static char *host_binary(size_t *len)
{
	RIGTEST_REQUIRE_CMD("gcc");
	char *exe = build("img.c", hello_c, "gcc -O2 -o %s %s");
	struct rig_error err = {0};
	char *data = NULL;

	assert_int_equal(rig_read_file(exe, &data, len, &err), 0);
	free(exe);
	return data;
}

static void truncated_elf_is_an_error(void **state)
{
	size_t len;
	char *data = host_binary(&len);
	size_t cuts[] = {4, 16, 52, 63, 64, 100, 1000, len / 2, len - 100, len - 1};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(cuts); i++) {
		struct rig_sizes s;
		struct rig_error err = {0};
		/* also through a file: libelf reads files and memory differently */
		const char *p = rigtest_write(rigtest_tmpdir(), "cut", "");
		FILE *f = fopen(p, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, cuts[i], f), cuts[i]);
		fclose(f);
		if (rig_elf_sizes_mem(data, cuts[i], &s, &err) >= 0)
			fail_msg("a memory image cut to %zu of %zu bytes was accepted", cuts[i],
				 len);
		if (rig_elf_sizes(p, &s, &err) >= 0)
			fail_msg("a file cut to %zu of %zu bytes was accepted", cuts[i], len);
	}
	free(data);
}

/* The first allocated section of type type in a little-endian ELF64 image. */
static Elf64_Shdr *find_section(char *img, size_t len, uint32_t type)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;

	assert_true(eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) <= len);
	for (unsigned i = 1; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = (Elf64_Shdr *)(img + eh->e_shoff) + i;

		if (sh->sh_type == type && (sh->sh_flags & SHF_ALLOC))
			return sh;
	}
	fail_msg("no section of type %u", type);
	return NULL;
}

static void section_past_end_of_file_is_an_error(void **state)
{
	size_t len;
	char *data = host_binary(&len);
	struct rig_sizes s;
	struct rig_error err = {0};

	find_section(data, len, SHT_PROGBITS)->sh_size = (uint64_t)len * 4;
	assert_int_equal(rig_elf_sizes_mem(data, len, &s, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "past the end"));
	free(data);
}

static void huge_bss_is_an_overflow_error(void **state)
{
	size_t len;
	char *data = host_binary(&len);
	struct rig_sizes s;
	struct rig_error err = {0};

	find_section(data, len, SHT_NOBITS)->sh_size = UINT64_MAX - 8;
	assert_int_equal(rig_elf_sizes_mem(data, len, &s, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "overflow"));
	free(data);
}

static void no_section_headers_is_an_error(void **state)
{
	size_t len;
	char *data = host_binary(&len);
	struct rig_sizes s;
	struct rig_error err = {0};

	((Elf64_Ehdr *)data)->e_shoff = 0;
	((Elf64_Ehdr *)data)->e_shnum = 0;
	((Elf64_Ehdr *)data)->e_shstrndx = 0;
	assert_int_equal(rig_elf_sizes_mem(data, len, &s, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "no section headers"));
	free(data);
}

static void garbage_after_elf_magic_is_an_error(void **state)
{
	unsigned char img[512];
	unsigned seed = 12345;

	for (int round = 0; round < 2000; round++) {
		struct rig_sizes s;
		struct rig_error err = {0};

		for (size_t i = 0; i < sizeof(img); i++)
			img[i] = (unsigned char)(rand_r(&seed) >> 7);
		memcpy(img, "\177ELF", 4);
		img[4] = (unsigned char)(1 + round % 2);       /* ELFCLASS32 / 64 */
		img[5] = (unsigned char)(1 + (round / 2) % 2); /* LSB / MSB */
		img[6] = EV_CURRENT;
		if (rig_elf_sizes_mem(img, sizeof(img), &s, &err) >= 0)
			fail_msg("random image %d was accepted", round);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(gcc_dynamic_binary_matches_size),
	    cmocka_unit_test(gcc_static_binary_matches_size),
	    cmocka_unit_test(thread_local_sections_match_size),
	    cmocka_unit_test(aarch64_cross_binary_matches_size),
	    cmocka_unit_test(armhf_cross_binary_matches_size),
	    cmocka_unit_test(relocatable_object_matches_size),
	    cmocka_unit_test(cortex_m_firmware_matches_size),
	    cmocka_unit_test(go_binary_matches_size),
	    cmocka_unit_test(memory_image_gives_same_sizes_as_file),
	    cmocka_unit_test(non_elf_file_is_not_supported_but_has_its_length),
	    cmocka_unit_test(missing_file_is_not_found),
	    cmocka_unit_test(truncated_elf_is_an_error),
	    cmocka_unit_test(section_past_end_of_file_is_an_error),
	    cmocka_unit_test(huge_bss_is_an_overflow_error),
	    cmocka_unit_test(no_section_headers_is_an_error),
	    cmocka_unit_test(garbage_after_elf_magic_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
