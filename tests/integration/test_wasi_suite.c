/* rig wasi-test end to end on the real runtimes installed here (wasmtime,
 * node, wazero: the fast ones), over a small suite of its own built at
 * test time with wat2wasm: a module that passes, one that exits 3 when 0
 * is expected, one whose stdout is wrong, one that tries to write outside
 * its root, one that hangs, one that needs sockets. Then the stored
 * verdicts through rig results, a user's module with --expect-stdout, and
 * the conformance row beside rig wasm check. Skipped (77) without
 * wat2wasm or without any of the runtimes. */
#include "rigtest.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char prelude[] =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $write (param i32 i32 i32 i32) "
    "(result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"path_open\" (func $open (param i32 i32 i32 i32 i32 "
    "i64 i64 i32 i32) (result i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 16) \"hello\\n\")\n"
    "  (data (i32.const 32) \"../escape.txt\")\n"
    "  (func $hello (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) "
    "(i32.const 6))\n"
    "    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))\n";

static const struct {
	const char *name, *body, *spec;
} tests[] = {
    {"ok", "(call $hello) (call $exit (i32.const 0))", "{\"stdout\": \"hello\\n\"}"},
    {"exit3", "(call $exit (i32.const 3))", NULL},
    {"wrongout", "(call $hello)", "{\"stdout\": \"goodbye\\n\"}"},
    /* exits 0 when the runtime let it create ../escape.txt, 7 when refused */
    {"escape",
     "(if (i32.eqz (call $open (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 13) "
     "(i32.const 1) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 64)))"
     " (then (call $exit (i32.const 0)))) (call $exit (i32.const 7))",
     "{\"root\": \"fix.dir\", \"exit_code\": 7}"},
    {"hang", "(loop $l (br $l))",
     "{\"operations\": [{\"type\": \"run\"}, {\"type\": \"wait\", \"exit_code\": 0}]}"},
    {"sockets", "(call $exit (i32.const 0))",
     "{\"proposals\": [\"sockets\"], \"operations\": [{\"type\": \"run\"}, {\"type\": "
     "\"connect\"}, {\"type\": \"wait\"}]}"},
};

static char suite[1024], db[1024], state_dir[1024], boards[256];

static int setup(void **state)
{
	(void)state;
	snprintf(suite, sizeof(suite), "%s/suite", rigtest_tmpdir());
	snprintf(db, sizeof(db), "%s/rig.db", rigtest_tmpdir());
	snprintf(state_dir, sizeof(state_dir), "%s/state", rigtest_tmpdir());
	if (rigtest_sh(NULL, "mkdir -p '%s/fix.dir' && echo data > '%s/fix.dir/file'", suite,
		       suite))
		return -1;
	rigtest_write(suite, "manifest.json", "{\"name\": \"rig self-test\"}\n");
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		char wat[4096], name[64];
		snprintf(wat, sizeof(wat), "%s  (func (export \"_start\") %s))\n", prelude,
			 tests[i].body);
		snprintf(name, sizeof(name), "%s.wat", tests[i].name);
		rigtest_write(rigtest_tmpdir(), name, wat);
		if (rigtest_sh(NULL, "wat2wasm '%s/%s.wat' -o '%s/%s.wasm'", rigtest_tmpdir(),
			       tests[i].name, suite, tests[i].name))
			return -1;
		if (tests[i].spec) {
			snprintf(name, sizeof(name), "%s.json", tests[i].name);
			rigtest_write(suite, name, tests[i].spec);
		}
	}
	return 0;
}

static char *rig(int *status, const char *fmt_args)
{
	char *out = NULL;

	*status = rigtest_sh(&out,
			     "PATH=\"$PATH:$HOME/go/bin\" '%s/host/rig' --db '%s' --state-dir "
			     "'%s' %s 2>&1",
			     rigtest_binary_dir(), db, state_dir, fmt_args);
	return out;
}

/* The verdict cell of test on board in the matrix (TSV: SUITE TEST b1 b2..). */
static void expect_row(const char *out, const char *test, const char *cells)
{
	char row[256];

	snprintf(row, sizeof(row), "rig self-test\t%s\t%s\n", test, cells);
	if (!strstr(out, row))
		fail_msg("no row \"%s\" in:\n%s", row, out);
}

static void the_executor_gives_each_misbehaviour_its_verdict(void **state)
{
	char args[2048], cells[128] = "";
	int status, n = 0;
	char *out;

	(void)state;
	snprintf(args, sizeof(args), "wasi-test --timeout 2s -b %s '%s'", boards, suite);
	out = rig(&status, args);
	assert_int_equal(status, 1);
	for (const char *p = boards; *p; p++)
		n += *p == ',';
	n++;
#define ROW(test, cell)                                                                            \
	do {                                                                                       \
		cells[0] = '\0';                                                                   \
		for (int k = 0; k < n; k++)                                                        \
			snprintf(cells + strlen(cells), sizeof(cells) - strlen(cells), "%s%s",     \
				 k ? "\t" : "", cell);                                             \
		expect_row(out, test, cells);                                                      \
	} while (0)
	ROW("ok", "pass");
	ROW("exit3", "FAIL!");
	ROW("wrongout", "FAIL!");
	ROW("escape", "pass");
	ROW("hang", "T/O!");
	ROW("sockets", "skip");
	assert_non_null(strstr(out, "rig self-test/exit3: fail: exit code 3, expected 0"));
	assert_non_null(strstr(out, "[stdout line 1: got \"hello\\n\", expected \"goodbye\\n\"]"));
	assert_non_null(strstr(out, "hang: timeout: no exit within 2000 ms"));
	assert_non_null(strstr(out, "needs the sockets proposal: not supported"));
	/* the sandbox held: nothing was created beside the root copies */
	assert_int_equal(
	    rigtest_sh(NULL, "find '%s' -name escape.txt | grep -q .", rigtest_tmpdir()), 1);
	free(out);
	/* stored: rig results shows the same matrix */
	out = rig(&status, "results --why");
	assert_int_equal(status, 0);
	ROW("exit3", "FAIL!");
	assert_null(strstr(out, "; known to the runtime's expectations:"));
	free(out);
	/* and the HTML report carries the matrix, escaped, with its link */
	{
		char cmd[1400], *html = NULL;
		size_t len;
		struct rig_error err = {0};

		snprintf(cmd, sizeof(cmd), "report -o '%s/conf-report.html'", rigtest_tmpdir());
		out = rig(&status, cmd);
		if (status != 0)
			fail_msg("rig report: %s", out);
		free(out);
		snprintf(cmd, sizeof(cmd), "%s/conf-report.html", rigtest_tmpdir());
		assert_int_equal(rig_read_file(cmd, &html, &len, &err), 0);
		assert_non_null(strstr(html, "<a href=\"#conformance\">conformance</a>"));
		assert_non_null(strstr(html, "<h2 id=\"conformance\">WASI conformance</h2>"));
		assert_non_null(strstr(html, "exit3"));
		assert_non_null(strstr(html, "FAIL!"));
		assert_non_null(strstr(html, "[stdout line 1: got &quot;hello\\n&quot;"));
		free(html);
	}
#undef ROW
}

static void a_users_module_is_checked_against_its_expected_stdout(void **state)
{
	char args[2048];
	const char *good = rigtest_write(rigtest_tmpdir(), "good.txt", "hello\n");
	const char *bad = rigtest_write(rigtest_tmpdir(), "bad.txt", "hello world\n");
	int status;
	char *out;

	(void)state;
	snprintf(args, sizeof(args), "wasi-test --no-store -b %s '%s/ok.wasm' --expect-stdout '%s'",
		 boards, suite, good);
	out = rig(&status, args);
	if (status != 0)
		fail_msg("exit %d:\n%s", status, out);
	free(out);
	snprintf(args, sizeof(args), "wasi-test -b %s '%s/ok.wasm' --expect-stdout '%s'", boards,
		 suite, bad);
	out = rig(&status, args);
	assert_int_equal(status, 1);
	assert_non_null(
	    strstr(out, "stdout line 1: got \"hello\\n\", expected \"hello world\\n\""));
	free(out);
	/* --expect-* belongs to a module, not to a suite directory */
	snprintf(args, sizeof(args), "wasi-test -b %s '%s' --expect-stdout '%s'", boards, suite,
		 good);
	out = rig(&status, args);
	assert_int_equal(status, 2);
	free(out);
	/* rig wasm check shows the stored verdicts beside the static one */
	snprintf(args, sizeof(args), "wasm check -p wasmtime '%s/ok.wasm'", suite);
	out = rig(&status, args);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "runtimes (newest rig wasi-test verdict"));
	assert_non_null(
	    strstr(out, "the static check accepts the module but this runtime fails it"));
	free(out);
}

int main(void)
{
	static const char *const candidates[][2] = {
	    {"wasi-wasmtime", "wasmtime"}, {"wasi-node", "node"}, {"wasi-wazero", "wazero"}};
	const struct CMUnitTest t[] = {
	    cmocka_unit_test(the_executor_gives_each_misbehaviour_its_verdict),
	    cmocka_unit_test(a_users_module_is_checked_against_its_expected_stdout),
	};
	char *have = NULL;

	if (!rigtest_have("wat2wasm")) {
		printf("skipped: wat2wasm (wabt) is not installed (scripts/setup.sh)\n");
		return 77;
	}
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		if (rigtest_sh(&have, "PATH=\"$PATH:$HOME/go/bin\" command -v %s >/dev/null",
			       candidates[i][1]) == 0)
			snprintf(boards + strlen(boards), sizeof(boards) - strlen(boards), "%s%s",
				 boards[0] ? "," : "", candidates[i][0]);
		free(have);
		have = NULL;
	}
	if (!boards[0]) {
		printf("skipped: none of wasmtime, node, wazero is installed\n");
		return 77;
	}
	if (setup(NULL)) {
		printf("could not build the test suite with wat2wasm\n");
		return 1;
	}
	return cmocka_run_group_tests(t, NULL, NULL);
}
