/* The WebAssembly module parser and the runtime-profile check, on modules
 * assembled byte by byte here (so each malformation is exactly one). */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wasm_module.h"
#include "wasm_profile.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a tiny module assembler ---- */

struct mb {
	uint8_t b[4096];
	size_t n;
};

static void put(struct mb *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put_byte(struct mb *m, uint8_t v) { put(m, &v, 1); }

static void put_u32(struct mb *m, uint32_t v)
{
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		put_byte(m, b | (v ? 0x80 : 0));
	} while (v);
}

static void put_name(struct mb *m, const char *s)
{
	put_u32(m, (uint32_t)strlen(s));
	put(m, s, strlen(s));
}

static void header(struct mb *m) { put(m, "\0asm\1\0\0\0", 8); }

static void section(struct mb *m, uint8_t id, const struct mb *payload)
{
	put_byte(m, id);
	put_u32(m, (uint32_t)payload->n);
	put(m, payload->b, payload->n);
}

/* A complete small module: (i32,i32)->i32 type, a WASI import, a memory
 * with limits, a function using sign-ext and memory.fill, an export, a data
 * segment and a name section naming the function. */
static void build_valid(struct mb *m)
{
	struct mb s;

	header(m);
	/* type: 2 types: (i32 i32)->(i32), ()->() */
	memset(&s, 0, sizeof(s));
	put_u32(&s, 2);
	put(&s, "\x60\x02\x7f\x7f\x01\x7f", 6);
	put(&s, "\x60\x00\x00", 3);
	section(m, RIG_WASM_SEC_TYPE, &s);
	/* import: wasi_snapshot_preview1.fd_write type 0 */
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put_name(&s, "wasi_snapshot_preview1");
	put_name(&s, "args_get");
	put_byte(&s, 0);
	put_u32(&s, 0);
	section(m, RIG_WASM_SEC_IMPORT, &s);
	/* function: one of type 1 */
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put_u32(&s, 1);
	section(m, RIG_WASM_SEC_FUNCTION, &s);
	/* memory: min 2, max 4 */
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put(&s, "\x01\x02\x04", 3);
	section(m, RIG_WASM_SEC_MEMORY, &s);
	/* export: "_start" func 1, "memory" memory 0 */
	memset(&s, 0, sizeof(s));
	put_u32(&s, 2);
	put_name(&s, "_start");
	put_byte(&s, 0);
	put_u32(&s, 1);
	put_name(&s, "memory");
	put_byte(&s, 2);
	put_u32(&s, 0);
	section(m, RIG_WASM_SEC_EXPORT, &s);
	/* code: no locals; i32.const 0 i32.extend8_s drop;
	 * i32.const 0 i32.const 0 i32.const 0 memory.fill 0; end */
	memset(&s, 0, sizeof(s));
	{
		static const uint8_t body[] = {0x00, 0x41, 0x00, 0xc0, 0x1a, 0x41, 0x00, 0x41,
					       0x00, 0x41, 0x00, 0xfc, 0x0b, 0x00, 0x0b};
		put_u32(&s, 1);
		put_u32(&s, sizeof(body));
		put(&s, body, sizeof(body));
	}
	section(m, RIG_WASM_SEC_CODE, &s);
	/* data: active at 16, "hi" */
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put(&s, "\x00\x41\x10\x0b", 4);
	put_name(&s, "hi");
	section(m, RIG_WASM_SEC_DATA, &s);
	/* custom "name": function names {1: "main"} */
	memset(&s, 0, sizeof(s));
	put_name(&s, "name");
	{
		struct mb sub = {0};
		put_u32(&sub, 1);
		put_u32(&sub, 1);
		put_name(&sub, "main");
		put_byte(&s, 1);
		put_u32(&s, (uint32_t)sub.n);
		put(&s, sub.b, sub.n);
	}
	section(m, RIG_WASM_SEC_CUSTOM, &s);
}

static int parse(const struct mb *m, struct rig_wasm_module **out, struct rig_error *err)
{
	memset(err, 0, sizeof(*err));
	return rig_wasm_parse(m->b, m->n, "t.wasm", out, err);
}

/* Parses m, expects RIG_ERR_PARSE and both fragments in the message. */
static void expect_error(const struct mb *m, const char *frag1, const char *frag2)
{
	struct rig_wasm_module *mod = (void *)1;
	struct rig_error err;

	assert_int_equal(parse(m, &mod, &err), RIG_ERR_PARSE);
	assert_null(mod);
	if (!strstr(err.msg, frag1) || (frag2 && !strstr(err.msg, frag2)))
		fail_msg("error \"%s\" lacks \"%s\"%s%s", err.msg, frag1, frag2 ? " / " : "",
			 frag2 ? frag2 : "");
}

/* ---- valid modules ---- */

static void valid_module_is_described(void **state)
{
	struct mb m = {0};
	struct rig_wasm_module *mod;
	struct rig_error err;
	char sig[64];

	build_valid(&m);
	assert_int_equal(parse(&m, &mod, &err), 0);
	assert_int_equal(mod->n_sections, 8);
	assert_int_equal(mod->n_types, 2);
	assert_int_equal(mod->n_imports, 1);
	assert_string_equal(mod->imports[0].module, "wasi_snapshot_preview1");
	assert_string_equal(mod->imports[0].name, "args_get");
	assert_string_equal(
	    rig_wasm_format_type(&mod->types[mod->imports[0].type_index], sig, sizeof(sig)),
	    "(i32, i32) -> (i32)");
	assert_int_equal(mod->n_func_imports, 1);
	assert_int_equal(mod->n_funcs, 1);
	assert_string_equal(mod->funcs[0].name, "main");
	assert_string_equal(rig_wasm_func_name(mod, 1), "main");
	assert_int_equal(mod->funcs[0].body_size, 15);
	assert_int_equal(mod->n_memories, 1);
	assert_int_equal(mod->memories[0].limits.min, 2);
	assert_int_equal(mod->memories[0].limits.max, 4);
	assert_true(mod->memories[0].limits.has_max);
	assert_int_equal(mod->n_exports, 2);
	assert_int_equal(mod->n_data_segments, 1);
	assert_int_equal(mod->data_init_bytes, 2);
	assert_int_equal(mod->features, RIG_WASM_F_SIGN_EXT | RIG_WASM_F_BULK_MEMORY);
	assert_string_equal(mod->warning, "");
	rig_wasm_free(mod);
}

static void section_sizes_are_payload_sizes(void **state)
{
	struct mb m = {0};
	struct rig_wasm_module *mod;
	struct rig_error err;
	uint64_t total = 8;

	build_valid(&m);
	assert_int_equal(parse(&m, &mod, &err), 0);
	for (size_t i = 0; i < mod->n_sections; i++) {
		const struct rig_wasm_section *s = &mod->sections[i];
		total += (s->payload_offset - s->offset) + s->size;
	}
	assert_int_equal(total, m.n);
	assert_string_equal(mod->sections[mod->n_sections - 1].name, "name");
	assert_int_equal(mod->name_bytes, mod->sections[mod->n_sections - 1].size);
	rig_wasm_free(mod);
}

static void malformed_name_section_is_only_a_warning(void **state)
{
	struct mb m = {0}, s = {0};
	struct rig_wasm_module *mod;
	struct rig_error err;

	header(&m);
	put_name(&s, "name");
	put(&s, "\x01\x05\x01", 3); /* function names subsection claims 5 bytes, has 1 */
	section(&m, RIG_WASM_SEC_CUSTOM, &s);
	assert_int_equal(parse(&m, &mod, &err), 0);
	assert_non_null(strstr(mod->warning, "custom section ignored"));
	rig_wasm_free(mod);
}

/* ---- malformed modules: each gives offset + expectation, never crashes ---- */

static void wrong_magic_is_rejected(void **state)
{
	struct mb m = {0};

	put(&m,
	    "\x7f"
	    "ELF\1\0\0\0",
	    8);
	expect_error(&m, "offset 0x0", "magic");
}

static void short_file_is_rejected(void **state)
{
	struct mb m = {0};

	put(&m, "\0as", 3);
	expect_error(&m, "offset 0x0", "shorter than 4 bytes");
	m.n = 0;
	put(&m, "\0asm\1\0", 6);
	expect_error(&m, "offset 0x4", "4-byte version");
}

static void wrong_version_is_rejected(void **state)
{
	struct mb m = {0};

	put(&m, "\0asm\x0d\0\1\0", 8);
	expect_error(&m, "offset 0x4", "component-model");
}

static void every_truncation_is_an_error(void **state)
{
	struct mb m = {0};

	build_valid(&m);
	/* Cut the module at every length short of the whole: each must fail
	 * cleanly, except cuts that fall exactly between sections. */
	for (size_t cut = 0; cut < m.n; cut++) {
		struct rig_wasm_module *mod = NULL;
		struct rig_error err = {0};
		int rc = rig_wasm_parse(m.b, cut, "t.wasm", &mod, &err);
		if (rc == 0) {
			rig_wasm_free(mod);
			continue;
		}
		assert_int_equal(rc, RIG_ERR_PARSE);
		assert_null(mod);
		assert_non_null(strstr(err.msg, "offset 0x"));
	}
}

static void truncated_section_names_its_end(void **state)
{
	struct mb m = {0};

	header(&m);
	put(&m, "\x01\x10\x01\x60", 4); /* type section claims 16 bytes, file has 2 */
	expect_error(&m, "offset 0x9: section size 16 runs past the end",
		     "2 bytes are left in the file");
}

static void overlong_leb128_is_rejected(void **state)
{
	struct mb m = {0};

	header(&m);
	/* section size as a 6-byte LEB128 (u32 allows at most 5) */
	put(&m, "\x01\x81\x80\x80\x80\x80\x00", 7);
	expect_error(&m, "offset 0x9", "at most 5 bytes");
}

static void leb128_with_high_bits_is_rejected(void **state)
{
	struct mb m = {0};

	header(&m);
	/* 5-byte LEB128 whose last byte sets bits past 32 */
	put(&m, "\x01\xff\xff\xff\xff\x7f", 6);
	expect_error(&m, "offset 0x9", "does not fit in u32");
}

static void out_of_bounds_length_is_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	/* import section: module name claims 1000 bytes */
	put_u32(&s, 1);
	put_u32(&s, 1000);
	put(&s, "wasi", 4);
	section(&m, RIG_WASM_SEC_IMPORT, &s);
	expect_error(&m, "offset 0xb (section 'import', entry 0)",
		     "import module name 1000 runs past the end");
}

static void huge_count_is_rejected_before_allocating(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	put_u32(&s, 0xffffffffu); /* 4 billion types in a 5-byte section */
	section(&m, RIG_WASM_SEC_TYPE, &s);
	expect_error(&m, "type count 4294967295 runs past the end", NULL);
}

static void sections_out_of_order_are_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	put_u32(&s, 0);
	section(&m, RIG_WASM_SEC_MEMORY, &s);
	section(&m, RIG_WASM_SEC_TYPE, &s);
	expect_error(&m, "section 'type' is out of order", NULL);
}

static void unknown_section_id_is_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	section(&m, 42, &s);
	expect_error(&m, "unknown section id 42", NULL);
}

static void function_without_code_is_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	put_u32(&s, 1);
	put(&s, "\x60\x00\x00", 3);
	section(&m, RIG_WASM_SEC_TYPE, &s);
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put_u32(&s, 0);
	section(&m, RIG_WASM_SEC_FUNCTION, &s);
	expect_error(&m, "no code section", NULL);
}

static void unknown_opcode_is_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	put_u32(&s, 1);
	put(&s, "\x60\x00\x00", 3);
	section(&m, RIG_WASM_SEC_TYPE, &s);
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put_u32(&s, 0);
	section(&m, RIG_WASM_SEC_FUNCTION, &s);
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put(&s, "\x03\x00\xff\x0b", 4); /* body: no locals, 0xff, end */
	section(&m, RIG_WASM_SEC_CODE, &s);
	expect_error(&m, "unknown instruction opcode 0xff", "section 'code', entry 0");
}

static void body_with_bytes_after_end_is_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	put_u32(&s, 1);
	put(&s, "\x60\x00\x00", 3);
	section(&m, RIG_WASM_SEC_TYPE, &s);
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put_u32(&s, 0);
	section(&m, RIG_WASM_SEC_FUNCTION, &s);
	memset(&s, 0, sizeof(s));
	put_u32(&s, 1);
	put(&s, "\x03\x00\x0b\x01", 4); /* end, then a nop past it */
	section(&m, RIG_WASM_SEC_CODE, &s);
	expect_error(&m, "after its final 'end'", NULL);
}

static void invalid_utf8_name_is_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	put_u32(&s, 1);
	put_u32(&s, 2);
	put(&s, "\xc0\x80", 2); /* overlong encoding of NUL */
	put_name(&s, "x");
	put_byte(&s, 2);
	put(&s, "\x00\x01", 2);
	section(&m, RIG_WASM_SEC_IMPORT, &s);
	expect_error(&m, "UTF-8", NULL);
}

static void memory_over_4gib_is_rejected(void **state)
{
	struct mb m = {0}, s = {0};

	header(&m);
	put_u32(&s, 1);
	put_byte(&s, 0);
	put_u32(&s, 65537);
	section(&m, RIG_WASM_SEC_MEMORY, &s);
	expect_error(&m, "at most 65536 pages", NULL);
}

/* ---- sizes for the artifact record ---- */

static void sizes_split_code_data_and_custom(void **state)
{
	struct mb m = {0};
	struct rig_sizes sz;
	struct rig_error err = {0};
	struct rig_wasm_module *mod;
	const char *path;
	FILE *f;

	build_valid(&m);
	path = rigtest_write(rigtest_tmpdir(), "sizes.wasm", "");
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(m.b, 1, m.n, f), m.n);
	fclose(f);
	assert_int_equal(rig_wasm_sizes(path, &sz, &err), 0);
	assert_int_equal(parse(&m, &mod, &err), 0);
	assert_int_equal(sz.file_bytes, m.n);
	assert_int_equal(sz.text_bytes, rig_wasm_find_section(mod, RIG_WASM_SEC_CODE, NULL)->size);
	assert_int_equal(sz.data_bytes, rig_wasm_find_section(mod, RIG_WASM_SEC_DATA, NULL)->size);
	/* everything but the name section (id byte, size LEB, payload) */
	{
		const struct rig_wasm_section *n = rig_wasm_find_section(mod, 0, "name");
		assert_int_equal(sz.alloc_bytes,
				 (int64_t)m.n - (int64_t)(n->payload_offset - n->offset + n->size));
	}
	assert_int_equal(sz.elf_machine, 0);
	rig_wasm_free(mod);
	assert_int_equal(rig_wasm_sizes("/nonexistent.wasm", &sz, &err), RIG_ERR_NOT_FOUND);
}

/* ---- profiles ---- */

static struct rig_wasm_profile *profile(const char *yaml)
{
	struct rig_wasm_profile *p;
	struct rig_error err = {0};

	if (rig_wasm_profile_load_string("p.yaml", yaml, strlen(yaml), &p, &err))
		fail_msg("profile did not load: %s", err.msg);
	return p;
}

static void profile_errors_name_file_line_and_field(void **state)
{
	static const struct {
		const char *yaml, *frag;
	} cases[] = {
	    {"name: x\nfeatures: [simd, warp-drive]\n",
	     "p.yaml:2: field 'features': unknown feature \"warp-drive\""},
	    {"name: x\nimports:\n  env: all\n", "field 'imports/env': 'all' is only known"},
	    {"name: x\nmemory:\n  max_bytes: lots\n", "p.yaml:3: field 'max_bytes'"},
	    {"name: x\nmemory:\n  max_bytes: 1\n  max_pages: 1\n", "not both"},
	    {"name: x\nfeaturez: []\n", "featurez"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig_wasm_profile *p = (void *)1;
		struct rig_error err = {0};
		int rc = rig_wasm_profile_load_string("p.yaml", cases[i].yaml,
						      strlen(cases[i].yaml), &p, &err);
		assert_int_equal(rc, RIG_ERR_PARSE);
		assert_null(p);
		if (!strstr(err.msg, cases[i].frag))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].frag);
	}
}

static void check_lists_missing_imports_features_and_memory(void **state)
{
	struct mb m = {0};
	struct rig_wasm_module *mod;
	struct rig_error err;
	struct rig_wasm_check c;
	struct rig_wasm_profile *p = profile("name: tiny\n"
					     "imports:\n  wasi_snapshot_preview1: [fd_write]\n"
					     "features: [sign-ext]\n"
					     "memory:\n  max_bytes: 65536\n");
	char sum[400];

	build_valid(&m);
	assert_int_equal(parse(&m, &mod, &err), 0);
	rig_wasm_check(mod, p, &c);
	assert_int_equal(c.missing_imports.n, 1);
	assert_string_equal(c.missing_imports.v[0],
			    "wasi_snapshot_preview1.args_get (func (i32, i32) -> (i32))");
	assert_int_equal(c.unsupported_features.n, 1);
	assert_string_equal(c.unsupported_features.v[0], "bulk-memory");
	assert_false(c.memory_fits);
	assert_int_equal(c.memory_problems.n, 1);
	assert_non_null(strstr(c.memory_problems.v[0], "initial size 128 KiB (2 pages) exceeds"));
	assert_int_equal(c.problems, 3);
	rig_wasm_check_summary(&c, sum, sizeof(sum));
	assert_non_null(strstr(sum, "1 missing import (wasi_snapshot_preview1.args_get)"));
	rig_wasm_check_free(&c);
	rig_wasm_profile_free(p);
	rig_wasm_free(mod);
}

static void check_passes_when_everything_is_provided(void **state)
{
	struct mb m = {0};
	struct rig_wasm_module *mod;
	struct rig_error err;
	struct rig_wasm_check c;
	struct rig_wasm_profile *p = profile("name: big\n"
					     "imports:\n  wasi_snapshot_preview1: all\n"
					     "features: [sign-ext, bulk-memory]\n"
					     "memory:\n  max_pages: 4\n  require_max: true\n");

	build_valid(&m);
	assert_int_equal(parse(&m, &mod, &err), 0);
	rig_wasm_check(mod, p, &c);
	assert_int_equal(c.problems, 0);
	assert_true(c.memory_fits);
	assert_int_equal(c.initial_memory_bytes, 2 * 65536);
	assert_int_equal(c.max_memory_bytes, 4 * 65536);
	rig_wasm_check_free(&c);
	rig_wasm_profile_free(p);
	rig_wasm_free(mod);
}

static void unknown_import_module_is_named(void **state)
{
	struct mb m = {0};
	struct rig_wasm_module *mod;
	struct rig_error err;
	struct rig_wasm_check c;
	struct rig_wasm_profile *p = profile("name: gojs-only\nimports:\n  gojs: all\n"
					     "features: [sign-ext, bulk-memory]\n");

	build_valid(&m);
	assert_int_equal(parse(&m, &mod, &err), 0);
	rig_wasm_check(mod, p, &c);
	assert_int_equal(c.missing_imports.n, 1);
	assert_non_null(strstr(c.missing_imports.v[0], "provides no such import module"));
	rig_wasm_check_free(&c);
	rig_wasm_profile_free(p);
	rig_wasm_free(mod);
}

static void shipped_profiles_load(void **state)
{
	static const char *const names[] = {"node20", "wasmtime",   "wasmer", "wazero",
					    "wamr",   "wamr-small", "mvp"};
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/boards", rigtest_source_dir());
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct rig_wasm_profile *p;
		struct rig_error err = {0};
		if (rig_wasm_profile_load(names[i], dir, &p, &err))
			fail_msg("%s: %s", names[i], err.msg);
		assert_string_equal(p->name, names[i]);
		rig_wasm_profile_free(p);
	}
}

static void known_import_lists_have_expected_sizes(void **state)
{
	size_t n = 0;

	for (const char *const *p = rig_wasm_known_imports("wasi_snapshot_preview1"); *p; p++)
		n++;
	assert_int_equal(n, 46);
	assert_null(rig_wasm_known_imports("env"));
	assert_int_equal(rig_wasm_feature_bit("simd"), RIG_WASM_F_SIMD);
	assert_int_equal(rig_wasm_feature_bit("nope"), 0);
}

/* Issue 9 item 15: a directory aborted (an allocation of 2^63 bytes), a
 * FIFO with no writer blocked forever, /dev/zero was "shorter than 4
 * bytes": each is refused before any read, naming what it is. */
static void files_that_are_not_files_are_refused(void **state)
{
	static const char *const cases[][2] = {
	    {"", "a directory"}, {"/fifo.wasm", "a FIFO"}, {"/dev/zero", "a device"}};
	char path[700];

	snprintf(path, sizeof(path), "%s/fifo.wasm", rigtest_tmpdir());
	assert_int_equal(mkfifo(path, 0600), 0);
	for (size_t i = 0; i < 3; i++) {
		struct rig_wasm_module *m = NULL;
		struct rig_error err = {0};
		const char *p = cases[i][0];

		if (p[0] != '/' || strcmp(p, "/fifo.wasm") == 0)
			snprintf(path, sizeof(path), "%s%s", rigtest_tmpdir(), p);
		else
			snprintf(path, sizeof(path), "%s", p);
		assert_int_equal(rig_wasm_load(path, &m, &err), RIG_ERR_INVALID);
		assert_null(m);
		if (!strstr(err.msg, "not a regular file") || !strstr(err.msg, cases[i][1]))
			fail_msg("%s: %s", path, err.msg);
	}
}

/* A 1 GiB sparse file was read whole (1 GB RSS); it is mapped now, and
 * only its first page is touched before the bad magic number. The load runs
 * in a child whose peak RSS wait4 reports. */
static void big_sparse_file_is_not_read_whole(void **state)
{
	char path[700];
	struct rusage ru;
	int fd, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/sparse.wasm", rigtest_tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)RIG_WASM_MAX_BYTES), 0);
	close(fd);
	pid = fork();
	if (pid == 0) {
		struct rig_wasm_module *m = NULL;
		struct rig_error err = {0};
		int rc = rig_wasm_load(path, &m, &err);
		_exit(rc == RIG_ERR_PARSE && strstr(err.msg, "magic") ? 0 : 1);
	}
	assert_int_equal(wait4(pid, &status, 0, &ru), pid);
	print_message("1 GiB sparse module: the loading process peaked at %ld KiB\n", ru.ru_maxrss);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(ru.ru_maxrss < 256 * 1024);
	/* one byte more than a module may have is refused by its size */
	fd = open(path, O_WRONLY);
	assert_int_equal(ftruncate(fd, (off_t)RIG_WASM_MAX_BYTES + 1), 0);
	close(fd);
	{
		struct rig_wasm_module *m = NULL;
		struct rig_error err = {0};
		assert_int_equal(rig_wasm_load(path, &m, &err), RIG_ERR_INVALID);
		assert_non_null(strstr(err.msg, "more than"));
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_module_is_described),
	    cmocka_unit_test(section_sizes_are_payload_sizes),
	    cmocka_unit_test(malformed_name_section_is_only_a_warning),
	    cmocka_unit_test(wrong_magic_is_rejected),
	    cmocka_unit_test(short_file_is_rejected),
	    cmocka_unit_test(wrong_version_is_rejected),
	    cmocka_unit_test(every_truncation_is_an_error),
	    cmocka_unit_test(truncated_section_names_its_end),
	    cmocka_unit_test(overlong_leb128_is_rejected),
	    cmocka_unit_test(leb128_with_high_bits_is_rejected),
	    cmocka_unit_test(out_of_bounds_length_is_rejected),
	    cmocka_unit_test(huge_count_is_rejected_before_allocating),
	    cmocka_unit_test(sections_out_of_order_are_rejected),
	    cmocka_unit_test(unknown_section_id_is_rejected),
	    cmocka_unit_test(function_without_code_is_rejected),
	    cmocka_unit_test(unknown_opcode_is_rejected),
	    cmocka_unit_test(body_with_bytes_after_end_is_rejected),
	    cmocka_unit_test(invalid_utf8_name_is_rejected),
	    cmocka_unit_test(memory_over_4gib_is_rejected),
	    cmocka_unit_test(sizes_split_code_data_and_custom),
	    cmocka_unit_test(profile_errors_name_file_line_and_field),
	    cmocka_unit_test(check_lists_missing_imports_features_and_memory),
	    cmocka_unit_test(check_passes_when_everything_is_provided),
	    cmocka_unit_test(unknown_import_module_is_named),
	    cmocka_unit_test(shipped_profiles_load),
	    cmocka_unit_test(known_import_lists_have_expected_sizes),
	    cmocka_unit_test(files_that_are_not_files_are_refused),
	    cmocka_unit_test(big_sparse_file_is_not_read_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
