/* rig gate end to end (issue 12 item 3, docs/gate.md): a store filled by
 * real benches of the host board (cpu workload, C profile): "main" (n=5),
 * the same build again ("same", n=5), the C profile rebuilt at -O0
 * ("slow", n=5: its CPU time is about 4x), and the same build with n=3
 * ("tiny"). The gate exits 0 for same, 1 for slow with JUnit naming the
 * regressed cell (read by xml.etree and by junitparser), 2 for tiny, 3 for
 * a bad policy or selector; with the baseline's history (main, same) the
 * noise band is used and -O0 is still outside it; a WASI conformance test that passed before
 * the baseline and fails now is a failing case. The policy gates CPU time
 * (user_ns), not wall time: on a machine shared with other jobs wall time
 * moves by tens of percent between two runs of one build. Skipped without
 * gcc or python3. The policy is tests/data/gate-example.yaml, which
 * docs/gate.md shows verbatim (checked here). */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conformance.h"
#include "store_lease.h"

static char rig[1024], st[1200], policy[1200], checker[1200];

static void bench(const char *extra, const char *label, int n)
{
	char *out = NULL;

	if (rigtest_sh(&out,
		       "'%s' %s --state-dir '%s' bench -b host -w cpu -p c -n %d --warmup 1 -q "
		       "--label %s 2>&1",
		       rig, extra, st, n, label) != 0)
		fail_msg("rig bench (%s): %s", label, out);
	free(out);
}

/* One conformance verdict for board wasi-test-board, test t1. */
static void conformance_verdict(const char *verdict)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	struct rig_conf_run run = {.board = "wasi-test-board",
				   .runtime = "fakewasm",
				   .runtime_version = "fakewasm 1.0",
				   .command = "rig wasi-test"};
	struct rig_conf_row row = {0};
	char db[1300];

	snprintf(db, sizeof(db), "%s/rig.db", st);
	if (rig_store_open(db, &s, &err) || rig_conf_begin(s, &run, &row.run_id, &err))
		fail_msg("store: %s", err.msg);
	snprintf(row.suite, sizeof(row.suite), "c");
	snprintf(row.test, sizeof(row.test), "fd_write");
	snprintf(row.verdict, sizeof(row.verdict), "%s", verdict);
	snprintf(row.reason, sizeof(row.reason), "%s",
		 strcmp(verdict, "pass") ? "exit code 1, expected 0" : "");
	if (rig_conf_add(s, &row, &err) || rig_conf_finish(s, row.run_id, &err))
		fail_msg("store: %s", err.msg);
	rig_store_close(s);
}

static int setup(void **state)
{
	char slow[1400];

	(void)state;
	if (!rigtest_have("gcc") || !rigtest_have("python3"))
		return 0; /* each test skips */
	if (!rigtest_rig())
		return -1;
	snprintf(rig, sizeof(rig), "%s", rigtest_rig());
	snprintf(st, sizeof(st), "%s/st", rigtest_tmpdir());
	snprintf(policy, sizeof(policy), "%s/tests/data/gate-example.yaml", rigtest_source_dir());
	snprintf(checker, sizeof(checker), "%s/tests/tools/check_junit.py", rigtest_source_dir());
	snprintf(slow, sizeof(slow), "--toolchains-file '%s'",
		 rigtest_write(rigtest_tmpdir(), "slow.yaml",
			       "profiles:\n  c:\n    toolchain: c\n    flags: [-O0]\n"
			       "    default: true\n    baseline: true\n"));
	if (mkdir(st, 0755) != 0)
		return -1;
	/* stored before the baseline: the conformance baseline verdict */
	conformance_verdict("pass");
	sleep(1); /* runs are timed in seconds: the pass is before main */
	bench("", "main", 5);
	bench("", "same", 5);
	bench(slow, "slow", 5);
	bench("", "tiny", 3);
	return 0;
}

#define REQUIRE_TOOLS()                                                                            \
	do {                                                                                       \
		RIGTEST_REQUIRE_CMD("gcc");                                                        \
		RIGTEST_REQUIRE_CMD("python3");                                                    \
	} while (0)

/* rig gate against main with --current SEL; its output in *out. */
static int gate(char **out, const char *current, const char *extra)
{
	return rigtest_sh(out, "'%s' -v --state-dir '%s' gate --policy '%s' --current %s %s 2>&1",
			  rig, st, policy, current, extra);
}

static void the_same_build_twice_passes(void **state)
{
	char *out = NULL;
	int rc;

	(void)state;
	REQUIRE_TOOLS();
	rc = gate(&out, "label:same", "");
	print_message("%s", out);
	if (rc != 0)
		fail_msg("rig gate exited %d, expected 0:\n%s", rc, out);
	assert_non_null(strstr(out, "pass       host cpu/c user_ns [cpu-time]"));
	free(out);
}

static void a_slower_build_is_a_regression_named_in_junit(void **state)
{
	char junit[1300], md[1300], *out = NULL, *parsed = NULL;
	struct stat sb;
	int rc;

	(void)state;
	REQUIRE_TOOLS();
	snprintf(junit, sizeof(junit), "%s/slow.xml", rigtest_tmpdir());
	snprintf(md, sizeof(md), "%s/slow.md", rigtest_tmpdir());
	{
		char extra[2700];
		snprintf(extra, sizeof(extra), "--junit '%s' --markdown '%s'", junit, md);
		rc = gate(&out, "label:slow", extra);
	}
	print_message("%s", out);
	if (rc != 1)
		fail_msg("rig gate exited %d, expected 1:\n%s", rc, out);
	if (rigtest_sh(&parsed, "python3 '%s' '%s' 2>&1", checker, junit) != 0)
		fail_msg("the JUnit file does not parse: %s", parsed);
	print_message("%s", parsed);
	assert_non_null(strstr(parsed, "failure rig.host.cpu.c cpu/c user_ns [cpu-time]\n"));
	free(parsed);
	assert_int_equal(stat(md, &sb), 0);
	assert_true(sb.st_size > 0 && sb.st_size < 1024 * 1024);
	assert_int_equal(rigtest_sh(NULL, "grep -q '^## rig gate: FAIL' '%s'", md), 0);
	assert_int_equal(rigtest_sh(NULL, "grep -q 'cpu/c user\\\\_ns' '%s'", md), 0);
	free(out);
}

static void a_junit_consumer_reads_the_file(void **state)
{
	char junit[1300], *out = NULL, *a = NULL, *b = NULL;
	int rc;

	(void)state;
	REQUIRE_TOOLS();
	if (rigtest_sh(NULL, "python3 -c 'import junitparser' 2>/dev/null") != 0) {
		print_message("[  SKIPPED ] junitparser is not installed (scripts/setup.sh)\n");
		skip();
	}
	snprintf(junit, sizeof(junit), "%s/consumer.xml", rigtest_tmpdir());
	{
		char extra[1400];
		snprintf(extra, sizeof(extra), "--junit '%s'", junit);
		rc = gate(&out, "label:slow", extra);
	}
	assert_int_equal(rc, 1);
	/* the third-party reading and the standard library's agree */
	assert_int_equal(rigtest_sh(&a, "python3 '%s' --junitparser '%s'", checker, junit), 0);
	assert_int_equal(rigtest_sh(&b, "python3 '%s' '%s'", checker, junit), 0);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "failure rig.host.cpu.c cpu/c user_ns [cpu-time]\n"));
	free(a);
	free(b);
	free(out);
}

static void the_noise_band_of_the_baseline_history_is_used(void **state)
{
	char *out = NULL;
	int rc;

	(void)state;
	REQUIRE_TOOLS();
	/* baseline "same": its history is main and same, two runs */
	rc = gate(&out, "label:slow", "--baseline label:same");
	print_message("%s", out);
	if (rc != 1)
		fail_msg("rig gate exited %d, expected 1:\n%s", rc, out);
	assert_non_null(strstr(out, "baseline history band"));
	assert_non_null(strstr(out, "over 2 runs"));
	free(out);
}

static void the_docs_show_the_tested_policy(void **state)
{
	char *docs = NULL, *pol = NULL;

	(void)state;
	assert_int_equal(rigtest_sh(&docs, "cat '%s/docs/gate.md'", rigtest_source_dir()), 0);
	assert_int_equal(rigtest_sh(&pol, "cat '%s'", policy), 0);
	if (!strstr(docs, pol))
		fail_msg("docs/gate.md does not hold tests/data/gate-example.yaml verbatim");
	free(docs);
	free(pol);
}

static void three_samples_cannot_decide(void **state)
{
	char *out = NULL;
	int rc;

	(void)state;
	REQUIRE_TOOLS();
	rc = gate(&out, "label:tiny", "");
	print_message("%s", out);
	if (rc != 2)
		fail_msg("rig gate exited %d, expected 2:\n%s", rc, out);
	assert_non_null(strstr(out, "n=5/3, the rule needs min_n=5"));
	free(out);
}

static void bad_input_is_exit_3_with_the_place(void **state)
{
	char *out = NULL;
	const char *bad;

	(void)state;
	REQUIRE_TOOLS();
	bad = rigtest_write(rigtest_tmpdir(), "bad.yaml",
			    "baseline: main\nrules:\n  - metric: user_ns\n    threshold: much\n");
	assert_int_equal(
	    rigtest_sh(&out, "'%s' --state-dir '%s' gate --policy '%s' 2>&1", rig, st, bad), 3);
	assert_non_null(strstr(out, "bad.yaml:4: field 'threshold'"));
	assert_non_null(strstr(out, "\"much\""));
	free(out);
	assert_int_equal(gate(&out, "label:nosuchlabel", ""), 3);
	assert_non_null(strstr(out, "nosuchlabel"));
	free(out);
	assert_int_equal(rigtest_sh(&out, "'%s' --state-dir '%s' gate 2>&1", rig, st), 3);
	free(out);
}

static void a_quarantined_board_cannot_decide(void **state)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	char db[1300], *out = NULL;
	int rc;

	(void)state;
	REQUIRE_TOOLS();
	snprintf(db, sizeof(db), "%s/rig.db", st);
	if (rig_store_open(db, &s, &err) ||
	    rig_store_board_quarantine(s, "host", "test", "soc at 85 C", "temp_c=85", &err))
		fail_msg("store: %s", err.msg);
	rc = gate(&out, "label:slow", "");
	print_message("%s", out);
	/* the -O0 numbers of a quarantined board prove nothing: undecided, and
	 * the exact size change still counts */
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "unknown    host cpu/c user_ns [cpu-time]: cannot decide: "
				    "board host is quarantined (soc at 85 C)"));
	free(out);
	rc = gate(&out, "label:same", "");
	assert_int_equal(rc, 2);
	free(out);
	if (rig_store_board_health(s, "host", 1, "pass test", &err))
		fail_msg("store: %s", err.msg);
	rig_store_close(s);
	assert_int_equal(gate(&out, "label:same", ""), 0);
	free(out);
}

/* Last: it leaves a failing conformance verdict in the store. */
static void a_conformance_test_that_now_fails_is_a_regression(void **state)
{
	char junit[1300], *out = NULL, *parsed = NULL;
	int rc;

	(void)state;
	REQUIRE_TOOLS();
	conformance_verdict("fail");
	snprintf(junit, sizeof(junit), "%s/conf.xml", rigtest_tmpdir());
	{
		char extra[1400];
		snprintf(extra, sizeof(extra), "--junit '%s'", junit);
		rc = gate(&out, "label:same", extra);
	}
	print_message("%s", out);
	if (rc != 1)
		fail_msg("rig gate exited %d, expected 1:\n%s", rc, out);
	assert_non_null(strstr(out, "wasi-test-board: c/fd_write: passed on the baseline, now "
				    "fail: exit code 1, expected 0"));
	assert_int_equal(rigtest_sh(&parsed, "python3 '%s' '%s' 2>&1", checker, junit), 0);
	assert_non_null(strstr(parsed, "failure rig.conformance.wasi-test-board "
				       "wasi-test-board: c/fd_write\n"));
	free(parsed);
	free(out);
	/* and --no-conformance leaves it out */
	assert_int_equal(gate(&out, "label:same", "--no-conformance"), 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_same_build_twice_passes),
	    cmocka_unit_test(a_slower_build_is_a_regression_named_in_junit),
	    cmocka_unit_test(a_junit_consumer_reads_the_file),
	    cmocka_unit_test(the_noise_band_of_the_baseline_history_is_used),
	    cmocka_unit_test(three_samples_cannot_decide),
	    cmocka_unit_test(the_docs_show_the_tested_policy),
	    cmocka_unit_test(bad_input_is_exit_3_with_the_place),
	    cmocka_unit_test(a_quarantined_board_cannot_decide),
	    cmocka_unit_test(a_conformance_test_that_now_fails_is_a_regression),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
