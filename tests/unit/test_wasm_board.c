/* The wasi board backend: board-file errors, and the command line each
 * runtime gets (arguments, environment, preopened directory) checked with
 * stand-in runtimes: shell scripts that record their argv and print the
 * report lines, reached through the same backend as the real ones. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *board_file(const char *name, const char *text)
{
	return rigtest_write(rigtest_tmpdir(), name, text);
}

static void board_errors_name_file_line_and_field(void **state)
{
	static const struct {
		const char *yaml, *frag;
	} cases[] = {
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\n", "field 'wasi' is required"},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: wasmtim\n",
	     "b.yaml:4: field 'runtime'"},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: node\n  "
	     "precompile: true\n",
	     "field 'wasi/precompile': runtime node has no separate compile step"},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: wamr\n  "
	     "precompile: false\n",
	     "runtime wamr only runs precompiled modules"},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: node\n  env: "
	     "[FOO]\n",
	     "field 'wasi/env': expected K=V, got \"FOO\""},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: node\n  guest_dir: "
	     "work\n",
	     "expected an absolute guest path"},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: node\n  profile: "
	     "nope\n",
	     "no WebAssembly runtime profile 'nope'"},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: node\n  "
	     "skip_workloads: [http]\n",
	     "expected a mapping of workload -> reason"},
	    {"kind: wasi\ntarget: {os: wasip1, arch: wasm32}\nwasi:\n  runtime: node\n  flor: "
	     "true\n",
	     "flor"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig_board *b = NULL;
		struct rig_error err = {0};
		const char *path = board_file("b.yaml", cases[i].yaml);
		int rc = rig_board_load(path, NULL, &b, &err);

		if (rc != RIG_ERR_PARSE && rc != RIG_ERR_NOT_FOUND)
			fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
		if (!strstr(err.msg, cases[i].frag))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].frag);
	}
}

static void shipped_wasi_boards_load(void **state)
{
	static const char *const names[] = {"wasi-node",   "wasi-wasmtime", "wasi-wasmtime-aot",
					    "wasi-wamr",   "wasi-wamr-o0",  "wasi-iwasm",
					    "wasi-wasmer", "wasi-wazero"};
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/boards", rigtest_source_dir());
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct rig_board *b;
		struct rig_error err = {0};
		if (rig_board_load(names[i], dir, &b, &err))
			fail_msg("%s: %s", names[i], err.msg);
		assert_string_equal(b->ops->kind, "wasi");
		assert_string_equal(b->target.os, "wasip1");
		rig_board_free(b);
	}
}

/* A stand-in runtime: answers the version query, copies `compile IN -o OUT`,
 * and otherwise records its argv (one per line) and prints ready + done. */
static const char *fake_runtime(const char *name)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "case \"$1\" in --version|version) echo \"%s 9.9\"; exit 0;; esac\n"
		 "if [ \"$1\" = compile ]; then shift; while [ \"$1\" != -o ]; do in=$1; shift; "
		 "done; cp \"$in\" \"$2\"; exit 0; fi\n"
		 "for a in \"$@\"; do echo \"$a\"; done > '%s/%s.args'\n"
		 "printf '@rig ready*cbcb3afa\\n@rig done 0*049f6a42\\n'\n",
		 name, rigtest_tmpdir(), name);
	return rigtest_write(rigtest_tmpdir(), name, text);
}

/* Runs a board built on a stand-in runtime over the floor module and
 * returns the argv the runtime saw, joined by spaces (owned). */
static char *argv_seen(const char *runtime, const char *extra)
{
	char yaml[2048], args[1024], module[1024];
	const char *exe = fake_runtime(runtime), *path;
	struct rig_board *b;
	struct rig_error err = {0};
	struct rig_artifact art = {0};
	struct rig_run_req req = {0};
	struct rig_sample s = {0};
	char *text = NULL, *out;
	size_t len;

	assert_int_equal(rigtest_sh(NULL, "chmod +x '%s'", exe), 0);
	snprintf(yaml, sizeof(yaml),
		 "name: fake-%s\nkind: wasi\ntarget: {os: wasip1, arch: wasm32}\n"
		 "wasi:\n  runtime: %s\n  command: %s\n  env: [A=1, B=two]\n  floor: false\n%s",
		 runtime, runtime, exe, extra);
	path = board_file("fake.yaml", yaml);
	if (rig_board_load(path, NULL, &b, &err))
		fail_msg("%s", err.msg);
	snprintf(b->workdir, sizeof(b->workdir), "%s/w-%s", rigtest_tmpdir(), runtime);
	if (b->ops->open(b, &err))
		fail_msg("open %s: %s", runtime, err.msg);
	snprintf(module, sizeof(module), "%s/wasm-runner/floor/floor.wasm", rigtest_source_dir());
	snprintf(art.path, sizeof(art.path), "%s", module);
	assert_int_equal(b->ops->prepare(b, &art, &err), 0);
	req.art = &art;
	req.iterations = 42;
	req.timeout_ms = 20000;
	assert_int_equal(b->ops->run(b, &req, &s, &err), 0);
	if (!s.ok)
		fail_msg("%s: %s", runtime, s.fail_reason);
	rig_sample_free(&s);
	snprintf(args, sizeof(args), "%s/%s.args", rigtest_tmpdir(), runtime);
	assert_int_equal(rig_read_file(args, &text, &len, &err), 0);
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	/* the scratch dir differs per run: replace it by PRE, the module by M */
	{
		struct rig_buf o = {0};
		char pre[1200];
		snprintf(pre, sizeof(pre), "%s/wasi/preopen", b->workdir);
		for (char *p = text; *p;) {
			if (strncmp(p, pre, strlen(pre)) == 0) {
				rig_buf_append(&o, "PRE", 3);
				p += strlen(pre);
			} else if (strncmp(p, module, strlen(module)) == 0) {
				rig_buf_append(&o, "M", 1);
				p += strlen(module);
			} else {
				rig_buf_append(&o, p++, 1);
			}
		}
		out = o.data;
	}
	free(text);
	b->ops->close(b);
	rig_board_free(b);
	return out;
}

static void each_runtime_gets_args_env_and_preopen_in_its_own_spelling(void **state)
{
	static const struct {
		const char *runtime, *extra, *want;
	} cases[] = {
	    {"wasmtime", "", "run -C cache=n --dir PRE::/work --env A=1 --env B=two M 42 "},
	    {"iwasm", "", "--map-dir=/work::PRE --env=A=1 --env=B=two M 42 "},
	    {"wasmer", "", "run --mapdir /work:PRE --env A=1 --env B=two M -- 42 "},
	    {"wazero", "", "run -mount=PRE:/work -env=A=1 -env=B=two M 42 "},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = argv_seen(cases[i].runtime, cases[i].extra);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static void precompiling_runtime_runs_the_compiled_module(void **state)
{
	const char *wamrc = fake_runtime("wamrc");
	char extra[1200], *got;

	assert_int_equal(rigtest_sh(NULL, "chmod +x '%s'", wamrc), 0);
	snprintf(extra, sizeof(extra),
		 "  compiler: %s\n  compile_args: [-O0]\n  precompile: true\n", wamrc);
	got = argv_seen("wamr", extra);
	/* the module is the compiled copy in the scratch directory */
	assert_non_null(strstr(got, "run --map-dir PRE::/work --env A=1 --env B=two "));
	assert_non_null(strstr(got, "/wasi/floor.cwasm 42 "));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(board_errors_name_file_line_and_field),
	    cmocka_unit_test(shipped_wasi_boards_load),
	    cmocka_unit_test(each_runtime_gets_args_env_and_preopen_in_its_own_spelling),
	    cmocka_unit_test(precompiling_runtime_runs_the_compiled_module),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
