/* WASI end to end on modules built here: gc (GOOS=wasip1) and the C twin
 * (clang --target=wasm32-wasi), inspected by rig and by wabt's
 * wasm-objdump, checked against runtime profiles through the rig CLI, and
 * run by the WASI boards whose runtimes are installed. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "toolchain.h"
#include "wasm_module.h"
#include "wasm_profile.h"

static char go_exe[1024];
static char gc_wasm[1024], c_wasm[1024];
static int built;

static const char *const go_dirs[] = {"/usr/local/go/bin/go", "/usr/lib/go-1.23/bin/go",
				      "/usr/lib/go-1.22/bin/go", "/usr/lib/go-1.21/bin/go"};

static const char *find_go(void)
{
	char out[1024];

	if (!go_exe[0]) {
		if (rig_which("go", out, sizeof(out)))
			snprintf(go_exe, sizeof(go_exe), "%s", out);
		else
			/* where scripts/env.sh looks when go is not on PATH */
			for (size_t i = 0; i < RIG_ARRAY_SIZE(go_dirs) && !go_exe[0]; i++)
				if (rig_file_exists(go_dirs[i]))
					snprintf(go_exe, sizeof(go_exe), "%s", go_dirs[i]);
	}
	return go_exe[0] ? go_exe : NULL;
}

/* Builds both modules once per test program; a missing compiler skips. */
static int build_modules(void)
{
	const char *src = rigtest_source_dir(), *tmp = rigtest_tmpdir();
	char *out = NULL;

	if (built)
		return built > 0;
	built = -1;
	if (!find_go() || !rigtest_have("clang")) {
		print_message(
		    "[  SKIPPED ] needs Go >= 1.21 and clang with wasi-libc (scripts/setup.sh)\n");
		return 0;
	}
	snprintf(gc_wasm, sizeof(gc_wasm), "%s/hello-gc.wasm", tmp);
	snprintf(c_wasm, sizeof(c_wasm), "%s/hello-c.wasm", tmp);
	if (rigtest_sh(&out,
		       "cd '%s/firmware/workloads/go/hello' && GOOS=wasip1 GOARCH=wasm "
		       "GOTOOLCHAIN=local GOFLAGS=-mod=mod '%s' build -o '%s' . 2>&1",
		       src, go_exe, gc_wasm) != 0)
		fail_msg("gc wasip1 build failed:\n%s", out);
	free(out);
	if (rigtest_sh(
		&out,
		"clang --target=wasm32-wasi --sysroot=/usr -O2 -I'%s/firmware/protocol' "
		"-I'%s/firmware/workloads/c' -o '%s' '%s/firmware/workloads/c/hello.c' "
		"'%s/firmware/workloads/c/rig_wl.c' '%s/firmware/protocol/rig_report.c' 2>&1",
		src, src, c_wasm, src, src, src) != 0)
		fail_msg("clang wasm32-wasi build failed:\n%s", out);
	free(out);
	built = 1;
	return 1;
}

#define REQUIRE_MODULES()                                                                          \
	do {                                                                                       \
		if (!build_modules())                                                              \
			skip();                                                                    \
	} while (0)

static const char *rig_exe(void)
{
	static char path[1024];
	snprintf(path, sizeof(path), "%s/host/rig", rigtest_binary_dir());
	return path;
}

/* wasm-objdump's section names -> rig's. */
static const char *objdump_to_rig(const char *name)
{
	static const char *const map[][2] = {
	    {"Type", "type"},	  {"Import", "import"}, {"Function", "function"},
	    {"Table", "table"},	  {"Memory", "memory"}, {"Global", "global"},
	    {"Export", "export"}, {"Start", "start"},	{"Elem", "element"},
	    {"Code", "code"},	  {"Data", "data"},	{"DataCount", "datacount"},
	    {"Tag", "tag"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], name) == 0)
			return map[i][1];
	return NULL;
}

/* Every line of `wasm-objdump -h` against rig's section table, in order:
 * same name, start and size. Returns the number of sections compared. */
static size_t compare_with_objdump(const char *path)
{
	struct rig_wasm_module *m;
	struct rig_error err = {0};
	char *out = NULL, *line, *save = NULL;
	size_t k = 0;

	if (rig_wasm_load(path, &m, &err))
		fail_msg("rig cannot parse %s: %s", path, err.msg);
	assert_int_equal(rigtest_sh(&out, "wasm-objdump -h '%s'", path), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[32], custom[128] = "";
		unsigned long long start, end, size;
		const char *q;
		const struct rig_wasm_section *s;

		if (sscanf(line, " %31s start=0x%llx end=0x%llx (size=0x%llx)", kind, &start, &end,
			   &size) != 4)
			continue;
		if (strcmp(kind, "Custom") == 0 && (q = strchr(line, '"')))
			snprintf(custom, sizeof(custom), "%.*s", (int)strcspn(q + 1, "\""), q + 1);
		if (k >= m->n_sections)
			fail_msg("%s: wasm-objdump lists more sections than rig (%zu)", path,
				 m->n_sections);
		s = &m->sections[k++];
		if (custom[0] || strcmp(kind, "Custom") == 0)
			assert_string_equal(s->name, custom);
		else
			assert_string_equal(s->name, objdump_to_rig(kind));
		if (s->payload_offset != start || s->size != size)
			fail_msg("%s: section %s: wasm-objdump start 0x%llx size %llu, rig start "
				 "0x%llx size %llu",
				 path, s->name, start, size, (unsigned long long)s->payload_offset,
				 (unsigned long long)s->size);
	}
	assert_int_equal(k, m->n_sections);
	free(out);
	rig_wasm_free(m);
	return k;
}

static void sections_agree_with_wasm_objdump(void **state)
{
	RIGTEST_REQUIRE_CMD("wasm-objdump");
	REQUIRE_MODULES();
	/* gc: 13 sections incl. go:buildid, producers, name; C: DWARF-less -O2 */
	assert_true(compare_with_objdump(gc_wasm) >= 10);
	assert_true(compare_with_objdump(c_wasm) >= 8);
}

static void gc_module_is_described(void **state)
{
	struct rig_wasm_module *m;
	struct rig_error err = {0};
	int has_fd_write = 0, has_start = 0;

	REQUIRE_MODULES();
	assert_int_equal(rig_wasm_load(gc_wasm, &m, &err), 0);
	for (size_t i = 0; i < m->n_imports; i++)
		if (!strcmp(m->imports[i].module, "wasi_snapshot_preview1") &&
		    !strcmp(m->imports[i].name, "fd_write"))
			has_fd_write = 1;
	for (size_t i = 0; i < m->n_exports; i++)
		if (!strcmp(m->exports[i].name, "_start"))
			has_start = 1;
	assert_true(has_fd_write);
	assert_true(has_start);
	/* gc >= 1.21 emits sign-extension and saturating conversions */
	assert_true(m->features & RIG_WASM_F_SIGN_EXT);
	assert_true(m->code_bytes > 100000);
	/* names from the name section: the runtime dominates a gc module */
	assert_non_null(rig_wasm_func_name(m, m->n_func_imports));
	assert_true(m->n_producers > 0);
	rig_wasm_free(m);
}

static void check_names_the_import_a_profile_lacks(void **state)
{
	const char *const *all = rig_wasm_known_imports("wasi_snapshot_preview1");
	char *out = NULL;
	struct rig_buf y = {0};
	const char *prof;
	int rc;

	REQUIRE_MODULES();
	/* every preview 1 function but poll_oneoff, which gc's scheduler imports */
	rig_buf_appendf(&y, "name: no-poll\nimports:\n  wasi_snapshot_preview1: [");
	for (int first = 1; *all; all++)
		if (strcmp(*all, "poll_oneoff")) {
			rig_buf_appendf(&y, "%s%s", first ? "" : ", ", *all);
			first = 0;
		}
	rig_buf_appendf(&y, "]\nfeatures: [mutable-globals, sign-ext, sat-float-to-int, "
			    "multi-value, bulk-memory, reference-types, simd]\n");
	prof = rigtest_write(rigtest_tmpdir(), "no-poll.yaml", y.data);
	rig_buf_free(&y);
	rc = rigtest_sh(&out, "'%s' wasm check '%s' --profile '%s' 2>&1", rig_exe(), gc_wasm, prof);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "missing import       wasi_snapshot_preview1.poll_oneoff (func "
				    "(i32, i32, i32, i32) -> (i32))"));
	assert_non_null(strstr(out, "FAIL: 1 problem"));
	free(out);

	rc = rigtest_sh(&out, "'%s' wasm check '%s' --profile wamr-small --format json 2>&1",
			rig_exe(), gc_wasm);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "\"ok\":false"));
	assert_non_null(strstr(out, "wasi_snapshot_preview1.sched_yield"));
	assert_non_null(strstr(out, "\"fits\":false"));
	free(out);

	rc = rigtest_sh(&out, "'%s' wasm check '%s' --profile node20 2>&1", rig_exe(), gc_wasm);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "result   OK"));
	free(out);
}

static void malformed_module_fails_with_offset_on_the_cli(void **state)
{
	char *out = NULL;
	const char *bad = rigtest_write(rigtest_tmpdir(), "bad.wasm",
					"\x7f"
					"ELF garbage");

	assert_int_equal(rigtest_sh(&out, "'%s' wasm inspect '%s' 2>&1", rig_exe(), bad), 2);
	assert_non_null(strstr(out, "offset 0x0"));
	assert_non_null(strstr(out, "magic"));
	free(out);
}

static void floor_module_is_what_wat2wasm_makes(void **state)
{
	const char *src = rigtest_source_dir();

	RIGTEST_REQUIRE_CMD("wat2wasm");
	assert_int_equal(
	    rigtest_sh(NULL,
		       "wat2wasm '%s/wasm-runner/floor/floor.wat' -o '%s/floor.wasm' && "
		       "cmp '%s/floor.wasm' '%s/wasm-runner/floor/floor.wasm'",
		       src, rigtest_tmpdir(), rigtest_tmpdir(), src),
	    0);
}

/* Opens a WASI board, runs the C module once; returns 0 or skips. */
static void run_on_board(const char *board, const char *module, int expect_driver_metrics)
{
	struct rig_board *b;
	struct rig_error err = {0};
	struct rig_artifact art = {0};
	struct rig_run_req req = {0};
	struct rig_sample s = {0};
	struct rig_kvlist facts = {0};
	char dir[1024];
	double v;
	int rc;

	snprintf(dir, sizeof(dir), "%s/boards", rigtest_source_dir());
	if (rig_board_load(board, dir, &b, &err))
		fail_msg("%s: %s", board, err.msg);
	b->samples = 2;
	snprintf(b->workdir, sizeof(b->workdir), "%s/%s", rigtest_tmpdir(), board);
	rc = b->ops->open(b, &err);
	if (rc == RIG_ERR_SKIPPED) {
		print_message("[  SKIPPED ] %s\n", err.msg);
		rig_board_free(b);
		skip();
	}
	if (rc)
		fail_msg("%s open: %s", board, err.msg);
	assert_int_equal(b->ops->facts(b, &facts, &err), 0);
	assert_non_null(rig_kv_get(&facts, "board.wasi.runtime_version"));
	assert_non_null(rig_kv_get(&facts, "board.wasi.floor.startup_ns"));
	snprintf(art.path, sizeof(art.path), "%s", module);
	snprintf(art.target.os, sizeof(art.target.os), "wasip1");
	snprintf(art.target.arch, sizeof(art.target.arch), "wasm32");
	assert_int_equal(rig_board_supports(b, &art, &err), 0);
	assert_int_equal(b->ops->prepare(b, &art, &err), 0);
	req.art = &art;
	req.workload = "hello";
	req.timeout_ms = 60000;
	assert_int_equal(b->ops->run(b, &req, &s, &err), 0);
	if (!s.ok)
		fail_msg("%s: sample failed: %s (%s)", board, s.fail_reason, s.stderr_tail);
	assert_true(rig_sample_get(&s, "startup_ns", &v) && v > 0);
	assert_true(rig_sample_get(&s, "peak_rss_kib", &v) && v > 1000);
	assert_true(rig_sample_get(&s, "startup_above_floor_ns", &v));
	assert_true(rig_sample_get(&s, "module_code_bytes", &v) && v > 0);
	if (b->ops == &rig_board_wasi_ops && strstr(board, "wamr"))
		assert_true(rig_sample_get(&s, "compile_ns", &v) && v > 0);
	if (expect_driver_metrics) {
		assert_true(rig_sample_get(&s, "compile_ns", &v) && v > 0);
		assert_true(rig_sample_get(&s, "instantiate_ns", &v) && v > 0);
		assert_true(rig_sample_get(&s, "linear_memory_bytes", &v) && v >= 65536);
	}
	rig_sample_free(&s);
	rig_kv_free(&facts);
	b->ops->close(b);
	rig_board_free(b);
}

static void node_board_runs_the_c_module(void **state)
{
	REQUIRE_MODULES();
	run_on_board("wasi-node", c_wasm, 1);
}

static void node_board_runs_the_gc_module(void **state)
{
	REQUIRE_MODULES();
	run_on_board("wasi-node", gc_wasm, 1);
}

/* gc GOOS=js: the Node driver loads Go's wasm_exec.js for gojs imports. */
static void node_board_runs_a_gojs_module(void **state)
{
	char js[1200], *out = NULL;

	REQUIRE_MODULES();
	snprintf(js, sizeof(js), "%s/hello-js.wasm", rigtest_tmpdir());
	if (rigtest_sh(&out,
		       "cd '%s/firmware/workloads/go/hello' && GOOS=js GOARCH=wasm "
		       "GOTOOLCHAIN=local GOFLAGS=-mod=mod '%s' build -o '%s' . 2>&1",
		       rigtest_source_dir(), go_exe, js) != 0)
		fail_msg("gc js/wasm build failed:\n%s", out);
	free(out);
	run_on_board("wasi-node", js, 1);
}

static void wasmtime_board_runs_the_c_module(void **state)
{
	REQUIRE_MODULES();
	run_on_board("wasi-wasmtime", c_wasm, 0);
}

/* The AOT-only WAMR from PyPI: compile in prepare (compile_ns), then run;
 * at -O0 it also runs gc's module (its optimiser miscompiles gc's runtime). */
static void wamr_boards_run_c_and_gc_modules(void **state)
{
	REQUIRE_MODULES();
	run_on_board("wasi-wamr", c_wasm, 0);
	run_on_board("wasi-wamr-o0", gc_wasm, 0);
}

/* TinyGo's wasip1 hello, built by rig's tinygo profile (TinyGo 0.33 with a
 * Go 1.19..1.23 first on its PATH): rig's section table equals
 * wasm-objdump's, and the wazero and wasmtime boards run it. Skipped with
 * the reason when TinyGo or such a Go is absent. */
static void tinygo_module_is_described_and_runs(void **state)
{
	static const struct rig_target wasm = {"wasip1", "wasm32", ""};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "tinygo",
				    .workload = "hello",
				    .target = &wasm,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};
	char builtin[1100];
	int rc;

	(void)state;
	RIGTEST_REQUIRE_CMD("wasm-objdump");
	snprintf(builtin, sizeof(builtin), "%s/host/toolchains.yaml", rigtest_source_dir());
	assert_int_equal(rig_toolchains_load(builtin, NULL, &tcs, &err), 0);
	rc = rig_build(tcs, &req, &a, &err);
	rig_toolchains_free(tcs);
	if (rc == RIG_ERR_SKIPPED) {
		print_message("[  SKIPPED ] %s\n", err.msg);
		skip();
	}
	if (rc)
		fail_msg("tinygo build: %s", err.msg);
	assert_true(compare_with_objdump(a.path) > 0);
	assert_true(a.sizes.text_bytes > 0 && a.sizes.file_bytes > a.sizes.text_bytes);
	run_on_board("wasi-wazero", a.path, 0);
	run_on_board("wasi-wasmtime", a.path, 0);
}

static void inspect_json_is_complete(void **state)
{
	char *out = NULL;

	REQUIRE_MODULES();
	assert_int_equal(
	    rigtest_sh(&out, "'%s' wasm inspect --format json -n 3 '%s'", rig_exe(), gc_wasm), 0);
	assert_non_null(strstr(out, "\"features\":[\"sign-ext\""));
	assert_non_null(strstr(
	    out,
	    "\"name\":\"fd_write\",\"kind\":\"func\",\"type\":\"(i32, i32, i32, i32) -> (i32)\""));
	assert_non_null(strstr(out, "\"package\":\"runtime\""));
	assert_non_null(strstr(out, "\"largest_functions\":[{"));
	free(out);
	if (rigtest_have("python3")) {
		assert_int_equal(
		    rigtest_sh(
			NULL,
			"'%s' wasm inspect --format json '%s' | python3 -m json.tool >/dev/null",
			rig_exe(), gc_wasm),
		    0);
		assert_int_equal(rigtest_sh(NULL,
					    "'%s' wasm check --format json -p wamr-small '%s' | "
					    "python3 -m json.tool >/dev/null; [ $? -eq 0 ]",
					    rig_exe(), gc_wasm),
				 0);
	}
}

/* A module that traps after its ready line: the sample fails, saying why. */
static void trapping_module_fails_the_sample_with_the_reason(void **state)
{
	static const char wat[] =
	    "(module\n"
	    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $w (param i32 i32 i32 i32) "
	    "(result i32)))\n"
	    "  (memory (export \"memory\") 1)\n"
	    "  (data (i32.const 16) \"@rig ready*cbcb3afa\\n\")\n"
	    "  (data (i32.const 0) \"\\10\\00\\00\\00\\14\\00\\00\\00\")\n"
	    "  (func (export \"_start\")\n"
	    "    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))\n"
	    "    unreachable))\n";
	struct rig_board *b;
	struct rig_error err = {0};
	struct rig_artifact art = {0};
	struct rig_run_req req = {0};
	struct rig_sample s = {0};
	char dir[1024], module[1200];
	const char *src;
	double v;

	RIGTEST_REQUIRE_CMD("wat2wasm");
	RIGTEST_REQUIRE_CMD("node");
	src = rigtest_write(rigtest_tmpdir(), "trap.wat", wat);
	snprintf(module, sizeof(module), "%s/trap.wasm", rigtest_tmpdir());
	assert_int_equal(rigtest_sh(NULL, "wat2wasm '%s' -o '%s'", src, module), 0);
	snprintf(dir, sizeof(dir), "%s/boards", rigtest_source_dir());
	assert_int_equal(rig_board_load("wasi-node", dir, &b, &err), 0);
	snprintf(b->workdir, sizeof(b->workdir), "%s/trap-node", rigtest_tmpdir());
	if (b->ops->open(b, &err))
		fail_msg("%s", err.msg);
	snprintf(art.path, sizeof(art.path), "%s", module);
	req.art = &art;
	req.timeout_ms = 30000;
	assert_int_equal(b->ops->run(b, &req, &s, &err), 0);
	assert_false(s.ok);
	assert_true(s.fail_reason[0]);
	assert_non_null(strstr(s.stderr_tail, "RuntimeError: unreachable"));
	/* the ready line came: startup was still measured */
	assert_true(rig_sample_get(&s, "startup_ns", &v) && v > 0);
	rig_sample_free(&s);
	b->ops->close(b);
	rig_board_free(b);
}

static void profile_skips_what_the_runtime_cannot_load(void **state)
{
	struct rig_board *b;
	struct rig_error err = {0};
	struct rig_artifact art = {0};
	const char *path;
	char dir[1024];

	REQUIRE_MODULES();
	snprintf(dir, sizeof(dir), "%s/boards", rigtest_source_dir());
	path = rigtest_write(rigtest_tmpdir(), "small.yaml",
			     "name: small\nkind: wasi\ntarget: {os: wasip1, arch: wasm32}\n"
			     "wasi:\n  runtime: node\n  profile: wamr-small\n"
			     "  skip_workloads: {http: \"no sockets in WASI preview 1\"}\n");
	(void)dir;
	/* the profile is looked up beside the board file: copy it there */
	assert_int_equal(rigtest_sh(NULL,
				    "mkdir -p '%s/wasm-profiles' && cp "
				    "'%s/boards/wasm-profiles/wamr-small.yaml' '%s/wasm-profiles/'",
				    rigtest_tmpdir(), rigtest_source_dir(), rigtest_tmpdir()),
			 0);
	if (rig_board_load(path, NULL, &b, &err))
		fail_msg("%s", err.msg);
	snprintf(art.path, sizeof(art.path), "%s", gc_wasm);
	snprintf(art.target.os, sizeof(art.target.os), "wasip1");
	snprintf(art.target.arch, sizeof(art.target.arch), "wasm32");
	assert_int_equal(rig_board_supports(b, &art, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "runtime profile wamr-small cannot load it"));
	assert_non_null(strstr(err.msg, "sched_yield"));
	snprintf(art.workload, sizeof(art.workload), "http");
	assert_int_equal(rig_board_supports(b, &art, &err), RIG_ERR_SKIPPED);
	assert_non_null(
	    strstr(err.msg, "workload http cannot run under WASI on small: no sockets"));
	rig_board_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sections_agree_with_wasm_objdump),
	    cmocka_unit_test(gc_module_is_described),
	    cmocka_unit_test(check_names_the_import_a_profile_lacks),
	    cmocka_unit_test(malformed_module_fails_with_offset_on_the_cli),
	    cmocka_unit_test(floor_module_is_what_wat2wasm_makes),
	    cmocka_unit_test(node_board_runs_the_c_module),
	    cmocka_unit_test(node_board_runs_the_gc_module),
	    cmocka_unit_test(node_board_runs_a_gojs_module),
	    cmocka_unit_test(wasmtime_board_runs_the_c_module),
	    cmocka_unit_test(wamr_boards_run_c_and_gc_modules),
	    cmocka_unit_test(tinygo_module_is_described_and_runs),
	    cmocka_unit_test(inspect_json_is_complete),
	    cmocka_unit_test(trapping_module_fails_the_sample_with_the_reason),
	    cmocka_unit_test(profile_skips_what_the_runtime_cannot_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
