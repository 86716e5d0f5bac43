/* rig_wasi_cmdline: the command line each WASI runtime gets for a module
 * with given args, env and preopened directory (the conformance
 * executor's), checked through the board with stand-in runtimes; and the
 * executor's own guards driven by stand-ins that misbehave the way a broken
 * runtime would: one that writes outside the preopened root, one that
 * never exits, one that exits with the wrong code. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "wasi_cmdline.h"
#include "wasitest.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A stand-in runtime: answers the version query, copies `compile IN -o
 * OUT`, and otherwise runs body (sh) with the runtime's argv. */
static const char *stand_in(const char *file, const char *version, const char *body)
{
	char text[2048];
	const char *path;

	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "case \"$1\" in --version|version) echo \"%s\"; exit 0;; esac\n"
		 "if [ \"$1\" = compile ]; then shift; while [ \"$1\" != -o ]; do in=$1; shift; "
		 "done; cp \"$in\" \"$2\"; exit 0; fi\n"
		 "%s\n",
		 version, body);
	path = rigtest_write(rigtest_tmpdir(), file, text);
	assert_int_equal(rigtest_sh(NULL, "chmod +x '%s'", path), 0);
	return path;
}

static struct rig_board *open_board(const char *runtime, const char *exe, const char *extra)
{
	char yaml[2048];
	const char *path;
	struct rig_board *b = NULL;
	struct rig_error err = {0};

	snprintf(yaml, sizeof(yaml),
		 "name: fake-%s\nkind: wasi\ntarget: {os: wasip1, arch: wasm32}\n"
		 "wasi:\n  runtime: %s\n  command: %s\n  env: [BOARD=env]\n  floor: false\n%s",
		 runtime, runtime, exe, extra);
	path = rigtest_write(rigtest_tmpdir(), "fake.yaml", yaml);
	if (rig_board_load(path, NULL, &b, &err))
		fail_msg("%s", err.msg);
	snprintf(b->workdir, sizeof(b->workdir), "%s/w-%s", rigtest_tmpdir(), runtime);
	if (b->ops->open(b, &err))
		fail_msg("open %s: %s", runtime, err.msg);
	return b;
}

static void close_board(struct rig_board *b)
{
	b->ops->close(b);
	rig_board_free(b);
}

static const char *module_path(void)
{
	static char m[1024];
	snprintf(m, sizeof(m), "%s/wasm-runner/floor/floor.wasm", rigtest_source_dir());
	return m;
}

/* av joined by '|', the module path as M and the board's scratch as S. */
static char *joined(const struct rig_strv *av, size_t from, const struct rig_board *b)
{
	struct rig_buf o = {0};
	char scratch[1200];

	snprintf(scratch, sizeof(scratch), "%s/wasi/", b->workdir);
	for (size_t i = from; i < av->n; i++) {
		const char *a = av->v[i];
		if (i > from)
			rig_buf_append(&o, "|", 1);
		if (strcmp(a, module_path()) == 0)
			a = "M";
		else if (strncmp(a, scratch, strlen(scratch)) == 0) {
			rig_buf_append(&o, "S/", 2);
			a += strlen(scratch);
		} else if (strstr(a, "/wasm-runner/node/run.mjs"))
			a = "DRIVER";
		rig_buf_append(&o, a, strlen(a));
	}
	return o.data;
}

static void each_runtime_spells_args_env_and_preopen(void **state)
{
	static const struct {
		const char *runtime, *version, *extra, *want;
	} cases[] = {
	    {"node", "v22.1.0", "", "--no-warnings|DRIVER|--dir|/h/root:/|--env|K=v w|--|M|a b|-x"},
	    {"wasmtime", "wasmtime 9.9", "",
	     "run|-C|cache=n|--dir|/h/root::/|--env|K=v w|M|a b|-x"},
	    {"wasmtime", "wasmtime 9.9", "  precompile: true\n",
	     "run|--dir|/h/root::/|--env|K=v w|--allow-precompiled|S/floor.cwasm|a b|-x"},
	    {"wamr", "wamr 9.9", "  compiler: %s\n",
	     "run|--map-dir|/h/root::/|--env|K=v w|S/floor.cwasm|a b|-x"},
	    {"iwasm", "iwasm 9.9", "", "--map-dir=/::/h/root|--env=K=v w|M|a b|-x"},
	    {"wasmer", "wasmer 9.9", "", "run|--mapdir|/:/h/root|--env|K=v w|M|--|a b|-x"},
	    {"wazero", "wazero 9.9", "", "run|-mount=/h/root:/|-env=K=v w|M|a b|-x"},
	};
	char *args[] = {"a b", "-x"}, *env[] = {"K=v w"};
	struct rig_wasi_dir dir = {"/", "/h/root"};
	struct rig_wasi_call call = {.module = module_path(),
				     .args = args,
				     .n_args = 2,
				     .env = env,
				     .n_env = 1,
				     .dirs = &dir,
				     .n_dirs = 1};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *exe = stand_in("rt", cases[i].version, "exit 0");
		char extra[1200];
		struct rig_strv av = {0};
		struct rig_error err = {0};
		struct rig_board *b;
		char *got;

		snprintf(extra, sizeof(extra), cases[i].extra, exe);
		b = open_board(cases[i].runtime, exe, extra);
		if (rig_wasi_cmdline(b, &call, &av, &err))
			fail_msg("%s: %s", cases[i].runtime, err.msg);
		/* wamr starts from an empty environment: it passes its own on */
		if (strcmp(cases[i].runtime, "wamr") == 0) {
			assert_true(av.n > 3);
			assert_string_equal(av.v[0], "env");
			assert_string_equal(av.v[1], "-i");
			assert_string_equal(av.v[2], exe);
			got = joined(&av, 3, b);
		} else {
			assert_string_equal(av.v[0], exe);
			got = joined(&av, 1, b);
		}
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu %s:\n got  %s\n want %s", i, cases[i].runtime, got,
				 cases[i].want);
		/* the board's own env (BOARD=env) and preopen are not added */
		assert_null(strstr(got, "BOARD"));
		free(got);
		rig_strv_free(&av);
		close_board(b);
	}
}

static void bad_calls_are_refused(void **state)
{
	const char *exe = stand_in("rt", "wasmtime 9.9", "exit 0");
	struct rig_board *b = open_board("wasmtime", exe, ""), *host = NULL;
	char *bad_env[] = {"=x"};
	struct rig_wasi_dir rel = {"work", "/tmp"};
	struct rig_wasi_call c1 = {.module = module_path(), .env = bad_env, .n_env = 1};
	struct rig_wasi_call c2 = {.module = module_path(), .dirs = &rel, .n_dirs = 1};
	struct rig_strv av = {0};
	struct rig_error err = {0};
	char path[1200];

	(void)state;
	assert_int_equal(rig_wasi_cmdline(b, &c1, &av, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "\"=x\" is not K=V"));
	assert_int_equal(rig_wasi_cmdline(b, &c2, &av, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "\"work\" is not absolute"));
	assert_int_equal(av.n, 0);
	close_board(b);
	snprintf(path, sizeof(path), "%s/boards/host.yaml", rigtest_source_dir());
	if (rig_board_load(path, NULL, &host, &err))
		fail_msg("%s", err.msg);
	assert_false(rig_wasi_is_board(host));
	assert_int_equal(rig_wasi_cmdline(host, &c1, &av, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "is not a WASI board"));
	rig_board_free(host);
}

/* A suite of one test, t.wasm (any module: the stand-ins do not run it),
 * with fixture fix.dir/ and spec text. Returns the suite directory. */
static const char *one_test_suite(const char *spec)
{
	static char dir[1024];

	snprintf(dir, sizeof(dir), "%s/suite", rigtest_tmpdir());
	assert_int_equal(rigtest_sh(NULL,
				    "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s' && mkdir -p "
				    "'%s/fix.dir/sub' && echo data > "
				    "'%s/fix.dir/file' && touch '%s/fix.dir/old.cleanup' && "
				    "chmod -R a-w '%s/fix.dir' && cp '%s' '%s/t.wasm'",
				    dir, dir, dir, dir, dir, dir, module_path(), dir),
			 0);
	rigtest_write(dir, "t.json", spec);
	return dir;
}

static void run_stand_in(const char *body, const char *spec, long long timeout_ms,
			 struct rig_wasitest_result *res)
{
	const char *exe = stand_in("rt", "wasmtime 9.9", body);
	struct rig_board *b = open_board("wasmtime", exe, "");
	const char *dir = one_test_suite(spec);
	char work[1200];
	struct rig_wasi_spec s;
	struct rig_error err = {0};
	struct rig_wasitest_opts o = {.timeout_ms = timeout_ms, .work_dir = work};

	snprintf(work, sizeof(work), "%s/work", rigtest_tmpdir());
	assert_int_equal(rigtest_sh(NULL, "rm -rf '%s' && mkdir -p '%s'", work, work), 0);
	if (rig_wasi_spec_parse("t.json", spec, strlen(spec), &s, &err))
		fail_msg("%s", err.msg);
	if (rig_wasitest_run(b, dir, "t", &s, &o, res, &err))
		fail_msg("%s", err.msg);
	rig_wasi_spec_free(&s);
	close_board(b);
	/* the work directory is gone afterwards */
	assert_int_equal(rigtest_sh(NULL, "test -e '%s/t'", work), 1);
}

/* The host dir after --dir, "H::/": sh that sets $root. */
#define FIND_ROOT                                                                                  \
	"root=; prev=; for a in \"$@\"; do [ \"$prev\" = --dir ] && root=${a%%::/}; prev=$a; "     \
	"done; "

static void a_fresh_writable_copy_of_the_root_is_preopened(void **state)
{
	struct rig_wasitest_result res;

	(void)state;
	/* the stand-in checks the copy: file present, .cleanup left out,
	 * writable, and the module's args passed */
	run_stand_in(FIND_ROOT
		     "test -f \"$root/file\" && test ! -e \"$root/old.cleanup\" && "
		     "touch \"$root/sub/new\" && echo \"args:$*\" | sed 's/.*t.wasm/t.wasm/'",
		     "{\"root\": \"fix.dir\", \"args\": [\"one\"], \"stdout\": \"t.wasm one\\n\"}",
		     10000, &res);
	if (res.verdict != RIG_WASI_PASS)
		fail_msg("%s: %s %s", rig_wasi_verdict_name(res.verdict), res.reason,
			 res.first_diff);
	assert_non_null(strstr(res.argv, "--dir"));
	rig_wasitest_result_free(&res);
}

static void writing_outside_the_root_fails(void **state)
{
	struct rig_wasitest_result res;

	(void)state;
	run_stand_in(FIND_ROOT "echo x > \"$root/../escaped.txt\"", "{\"root\": \"fix.dir\"}",
		     10000, &res);
	assert_int_equal(res.verdict, RIG_WASI_FAIL);
	assert_non_null(strstr(res.reason, "wrote outside its root: escaped.txt"));
	rig_wasitest_result_free(&res);
}

static void a_runtime_that_never_exits_times_out(void **state)
{
	struct rig_wasitest_result res;

	(void)state;
	run_stand_in("exec sleep 30", "{}", 300, &res);
	assert_int_equal(res.verdict, RIG_WASI_TIMEOUT);
	assert_non_null(strstr(res.reason, "no exit within 300 ms"));
	assert_true(res.wall_ns < 5000000000LL);
	rig_wasitest_result_free(&res);
}

static void wrong_exit_code_and_output_fail_with_the_first_difference(void **state)
{
	struct rig_wasitest_result res;

	(void)state;
	run_stand_in("printf 'a\\nb\\n'; echo 'it broke' >&2; exit 3", "{\"stdout\": \"a\\nc\\n\"}",
		     10000, &res);
	assert_int_equal(res.verdict, RIG_WASI_FAIL);
	assert_int_equal(res.exit_status, 3);
	assert_non_null(strstr(res.reason, "exit code 3, expected 0"));
	assert_non_null(strstr(res.reason, "stdout differs"));
	assert_non_null(strstr(res.reason, "stderr: \"it broke\\n\""));
	assert_string_equal(res.first_diff, "stdout line 2: got \"b\\n\", expected \"c\\n\"");
	rig_wasitest_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(each_runtime_spells_args_env_and_preopen),
	    cmocka_unit_test(bad_calls_are_refused),
	    cmocka_unit_test(a_fresh_writable_copy_of_the_root_is_preopened),
	    cmocka_unit_test(writing_outside_the_root_fails),
	    cmocka_unit_test(a_runtime_that_never_exits_times_out),
	    cmocka_unit_test(wrong_exit_code_and_output_fail_with_the_first_difference),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	/* the read-only fixture copy must not outlive the temporary directory */
	rigtest_sh(NULL, "chmod -R u+w '%s'", rigtest_tmpdir());
	return rc;
}
