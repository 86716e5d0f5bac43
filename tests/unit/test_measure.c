/*
 * Measuring one local process (host/src/measure/measure.c through rig-exec):
 * deadlines run from the start of the sample, nothing the program starts
 * outlives it, output is bounded, a done line is the last line, and a
 * sample with 100k distinct results is fast. The programs are shell
 * scripts that print real report lines (CRCs from rig_report_format_*).
 */
#include "rigtest.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure.h"
#include "outcap.h"
#include "rig_report.h"
#include "util.h"

static char env_ready[200], env_done[200], env_result[200], env_mark[64];

static int setup(void **state)
{
	char line[RIG_REPORT_MAX_LINE + 2];

	rig_report_format_ready(line, sizeof(line));
	line[strcspn(line, "\n")] = 0;
	snprintf(env_ready, sizeof(env_ready), "READY=%s", line);
	rig_report_format_done(line, sizeof(line), 0);
	line[strcspn(line, "\n")] = 0;
	snprintf(env_done, sizeof(env_done), "DONE=%s", line);
	rig_report_format_result(line, sizeof(line), "answer", "42", "count");
	line[strcspn(line, "\n")] = 0;
	snprintf(env_result, sizeof(env_result), "RESULT=%s", line);
	snprintf(env_mark, sizeof(env_mark), "RIG_TEST_MARK=measure-%d", (int)getpid());
	return 0;
}

/* Runs `sh -c script` as a measured program; returns the call's duration. */
static int64_t run_sh(const char *script, long long timeout_ms, const char *log,
		      struct rig_sample *s)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
	char *env[] = {env_ready, env_done, env_result, env_mark, NULL};
	struct rig_exec_req req = {.argv = argv,
				   .env_add = env,
				   .cpu = -1,
				   .timeout_ms = timeout_ms,
				   .log_path = log,
				   .need_done = 1};
	struct rig_error err = {0};
	int64_t t0 = rig_now_ns();

	if (rig_measure_exec(&req, s, &err))
		fail_msg("rig_measure_exec: %s", err.msg);
	return rig_now_ns() - t0;
}

static int leftovers(void) { return rigtest_procs_with(env_mark, NULL, 0); }

static void timeout_is_measured_from_the_start(void **state)
{
	struct rig_sample s = {0};
	int64_t took = run_sh("echo \"$READY\"; exec sleep 30", 1000, NULL, &s);

	print_message("timeout 1000 ms: the sample ended after %.1f ms\n", took / 1e6);
	assert_false(s.ok);
	assert_non_null(strstr(s.fail_reason, "timed out after 1000 ms"));
	assert_true(took >= 1000000000LL - 100000000 && took <= 1000000000LL + 100000000);
	assert_int_equal(leftovers(), 0);
	rig_sample_free(&s);
}

/* Item 10: a ready line at 3 s with a 1 s timeout used to be stored ok. */
static void ready_line_after_the_deadline_fails(void **state)
{
	struct rig_sample s = {0};
	int64_t took = run_sh("sleep 3; echo \"$READY\"; echo \"$DONE\"", 1000, NULL, &s);

	assert_false(s.ok);
	assert_non_null(strstr(s.fail_reason, "timed out after 1000 ms (no ready line)"));
	assert_true(took <= 1100000000LL);
	rig_sample_free(&s);
}

/* Item 12: a child that detaches with setsid and holds stdout neither holds
 * the sample until the deadline nor survives it. */
static void setsid_child_holding_stdout_dies_with_the_sample(void **state)
{
	struct rig_sample s = {0};
	int64_t took;

	RIGTEST_REQUIRE_CMD("setsid");
	took = run_sh("setsid sleep 30 & echo \"$READY\"; echo \"$DONE\"; exit 0", 10000, NULL, &s);
	if (!s.ok)
		fail_msg("%s", s.fail_reason);
	assert_true(took < 2000000000LL);
	assert_int_equal(leftovers(), 0);
	assert_true(s.contain[0] != '\0');
	rig_sample_free(&s);
}

/* A double fork (the daemon's parent exits at once) is reparented to
 * rig-exec, the subreaper, and killed when the program exits. */
static void double_forked_daemon_is_killed(void **state)
{
	struct rig_sample s = {0};

	run_sh("(sh -c 'sleep 30' &) ; echo \"$READY\"; echo \"$DONE\"", 10000, NULL, &s);
	if (!s.ok)
		fail_msg("%s", s.fail_reason);
	assert_int_equal(leftovers(), 0);
	rig_sample_free(&s);
}

/* A replayed done line before the results: the sample fails, with why. */
static void done_before_the_results_fails(void **state)
{
	struct rig_sample s = {0};

	run_sh("echo \"$READY\"; echo \"$DONE\"; echo \"$RESULT\"; echo \"$DONE\"", 10000, NULL,
	       &s);
	assert_false(s.ok);
	assert_non_null(strstr(s.fail_reason, "after the done line"));
	rig_sample_free(&s);
	/* and the good order is fine */
	run_sh("echo \"$READY\"; echo \"$RESULT\"; echo \"$DONE\"", 10000, NULL, &s);
	if (!s.ok)
		fail_msg("%s", s.fail_reason);
	rig_sample_free(&s);
}

/* Item 11, per sample: the log file of a flooding program is capped and
 * says how much was dropped; the stderr tail is the end of stderr. */
static void flooded_log_is_capped_with_a_note(void **state)
{
	struct rig_sample s = {0};
	char log[600], *text = NULL;
	size_t len = 0;
	struct stat sb;

	snprintf(log, sizeof(log), "%s/flood.log", rigtest_tmpdir());
	/* 40 MB on stderr, then a last word, then a failure (logs are kept for
	 * failed samples only) */
	run_sh("echo \"$READY\"; head -c 40000000 /dev/zero | tr '\\0' x >&2; "
	       "echo last-word >&2; exit 3",
	       60000, log, &s);
	assert_false(s.ok);
	assert_non_null(strstr(s.stderr_tail, "last-word"));
	assert_int_equal(stat(log, &sb), 0);
	print_message("40 MB of output: log file %lld bytes\n", (long long)sb.st_size);
	assert_true(sb.st_size <= (off_t)RIG_OUTCAP_LOG_BYTES + 200);
	assert_int_equal(rig_read_file(log, &text, &len, NULL), 0);
	assert_non_null(strstr(text + len - 200, "bytes of output were dropped"));
	free(text);
	rig_sample_free(&s);
}

/* Good samples leave no log file, even when their output spilled to disk. */
static void good_sample_leaves_no_log(void **state)
{
	struct rig_sample s = {0};
	char log[600];

	snprintf(log, sizeof(log), "%s/good.log", rigtest_tmpdir());
	run_sh("echo \"$READY\"; head -c 3000000 /dev/zero; echo; echo \"$DONE\"", 60000, log, &s);
	if (!s.ok)
		fail_msg("%s", s.fail_reason);
	assert_int_not_equal(access(log, F_OK), 0);
	rig_sample_free(&s);
}

/* 100k distinct result names: every one is kept, and quickly (the metric
 * lookup was linear: 100k results took minutes). */
static void many_distinct_results_are_fast(void **state)
{
	struct rig_sample s = {0};
	char path[600], script[700], line[RIG_REPORT_MAX_LINE + 2], name[40];
	FILE *f;
	double v;
	int64_t took;

	snprintf(path, sizeof(path), "%s/results.txt", rigtest_tmpdir());
	f = fopen(path, "w");
	assert_non_null(f);
	rig_report_format_ready(line, sizeof(line));
	fputs(line, f);
	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		rig_report_format_result(line, sizeof(line), name, "7", "count");
		fputs(line, f);
	}
	rig_report_format_done(line, sizeof(line), 0);
	fputs(line, f);
	fclose(f);
	snprintf(script, sizeof(script), "cat '%s'", path);
	took = run_sh(script, 30000, NULL, &s);
	if (!s.ok)
		fail_msg("%s", s.fail_reason);
	print_message("100000 results: %.0f ms\n", took / 1e6);
	assert_true(rig_sample_get(&s, "r0", &v) && v == 7);
	assert_true(rig_sample_get(&s, "r99999", &v) && v == 7);
	assert_true(s.n_metrics >= 100000);
	rig_sample_free(&s);
}

/* Where the machine has a memory cgroup, its peak is a metric of its own,
 * next to wait4's; the leaves are removed afterwards. */
static void memory_cgroup_peak_cross_checks_wait4(void **state)
{
	struct rig_sample s = {0};
	double rss = 0, cg = 0;

	/* the shell holds 32 MB of text in a variable */
	run_sh("echo \"$READY\"; x=$(head -c 32000000 /dev/zero | tr '\\0' a); "
	       "echo \"$DONE\"",
	       60000, NULL, &s);
	if (!s.ok)
		fail_msg("%s", s.fail_reason);
	print_message("containment: %s\n", s.contain);
	if (!rig_sample_get(&s, "cgroup_peak_kib", &cg)) {
		assert_null(strstr(s.contain, "memory"));
		rig_sample_free(&s);
		print_message("[  SKIPPED ] no memory cgroup on this machine\n");
		skip();
	}
	assert_true(rig_sample_get(&s, "peak_rss_kib", &rss));
	print_message("peak_rss_kib %.0f, cgroup_peak_kib %.0f\n", rss, cg);
	/* both see the 32 MB the shell held */
	assert_true(rss >= 31000);
	assert_true(cg >= 31000);
	rig_sample_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timeout_is_measured_from_the_start),
	    cmocka_unit_test(ready_line_after_the_deadline_fails),
	    cmocka_unit_test(setsid_child_holding_stdout_dies_with_the_sample),
	    cmocka_unit_test(double_forked_daemon_is_killed),
	    cmocka_unit_test(done_before_the_results_fails),
	    cmocka_unit_test(flooded_log_is_capped_with_a_note),
	    cmocka_unit_test(good_sample_leaves_no_log),
	    cmocka_unit_test(many_distinct_results_are_fast),
	    cmocka_unit_test(memory_cgroup_peak_cross_checks_wait4),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
