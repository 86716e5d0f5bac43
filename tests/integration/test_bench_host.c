/* `rig bench` end to end on the host board, through the real binary:
 * real compilers, real processes, the SQLite store. */
#include "rigtest.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char rig[1024];

static int setup(void **state)
{
	if (!rigtest_rig())
		return -1;
	snprintf(rig, sizeof(rig), "%s", rigtest_rig());
	return 0;
}

static void bench_host_stores_samples_and_prints_results(void **state)
{
	char st[1100], *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("go");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(st, sizeof(st), "%s/e2e", rigtest_tmpdir());
	assert_int_equal(rigtest_sh(&out,
				    "'%s' --state-dir '%s' bench --boards host -w hello -p c,gc "
				    "-n 4 --warmup 1 --format json 2>&1",
				    rig, st),
			 0);
	assert_non_null(strstr(out, "\"profile\":\"gc\""));
	assert_non_null(strstr(out, "\"startup_ns\""));
	assert_non_null(strstr(out, "\"peak_rss_kib\""));
	free(out);
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from samples where ok = 1"), 8);
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from runs"), 2);
	/* startup is below wall time, both positive */
	assert_int_equal(
	    rigtest_sqlite_long(st,
				"select count(*) from metrics a join metrics b on "
				"a.sample_id = b.sample_id where a.name = 'startup_ns' and "
				"b.name = 'wall_ns' and a.value > 0 and a.value <= b.value * 1.05"),
	    8);
	/* the environment record says what machine this was */
	assert_true(rigtest_sqlite_long(
			st, "select count(*) from env_facts where key = 'host.cpu_model'") >= 1);
	assert_true(rigtest_sqlite_long(
			st, "select count(*) from env_facts where key = 'toolchain.gc'") >= 1);
	/* the same command again completes nothing: all runs are complete, so
	 * new runs start (resume only completes unfinished ones) */
	assert_int_equal(rigtest_sh(NULL,
				    "'%s' --state-dir '%s' bench --boards host -w hello "
				    "-p c -n 2 -q 2>/dev/null",
				    rig, st),
			 0);
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from runs"), 3);
}

/* A board given as a file is shown in the table by its name (the results
 * are stored under it); before, the table said "no stored results match". */
static void board_given_as_a_file_is_shown_by_name(void **state)
{
	char st[1100], *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	snprintf(st, sizeof(st), "%s/byfile", rigtest_tmpdir());
	assert_int_equal(rigtest_sh(NULL,
				    "mkdir -p '%s' && sed 's/^name:.*//' '%s/boards/host.yaml' "
				    ">'%s/mine.yaml' && echo 'name: mine' >>'%s/mine.yaml'",
				    st, rigtest_source_dir(), st, st),
			 0);
	if (rigtest_sh(
		&out, "'%s' --state-dir '%s' bench --boards '%s/mine.yaml' -w hello -p c -n 2 2>&1",
		rig, st, st) != 0)
		fail_msg("%s", out);
	if (!strstr(out, "\nmine\thello\tc\t2\t") && !strstr(out, "\nmine  "))
		fail_msg("no row for board mine in:\n%s", out);
	assert_null(strstr(out, "no stored results match"));
	free(out);
}

static void benchfmt_export_has_one_line_per_sample(void **state)
{
	char st[1100], *out = NULL;
	int lines = 0;

	RIGTEST_REQUIRE_CMD("gcc");
	snprintf(st, sizeof(st), "%s/bf", rigtest_tmpdir());
	assert_int_equal(rigtest_sh(NULL,
				    "'%s' --state-dir '%s' bench --boards host -w hello -p c "
				    "-n 3 -q 2>/dev/null",
				    rig, st),
			 0);
	assert_int_equal(
	    rigtest_sh(&out, "'%s' --state-dir '%s' export --format benchfmt", rig, st), 0);
	for (char *p = out; (p = strstr(p, "\nBenchmarkHello/board=host/profile=c")); p++)
		lines++;
	assert_int_equal(lines, 3);
	assert_non_null(strstr(out, "startup-sec"));
	free(out);
	/* a board that reported itself hot is flagged in the results */
	assert_int_equal(rigtest_sh(NULL,
				    "sqlite3 '%s/rig.db' \"insert into env_facts "
				    "select env_id, 'hot', 'yes' from runs\"",
				    st),
			 0);
	assert_int_equal(rigtest_sh(&out, "'%s' --state-dir '%s' results -f json", rig, st), 0);
	assert_non_null(strstr(out, "\"board_flags\":\"hot\""));
	free(out);
}

/* A crashing sample is stored as failed with its stderr tail; a hanging one
 * times out; one with no ready line fails; one reporting an impossible
 * figure (2e13 ops/s) fails with the reason and its figure reaches no
 * table; the bench goes on to the end. */
static void misbehaving_programs_fail_their_samples_only(void **state)
{
	char st[1100], *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(st, sizeof(st), "%s/bad", rigtest_tmpdir());
	rigtest_sh(
	    &out,
	    "'%s' --state-dir '%s' --toolchains-file '%s/tests/data/misbehave-toolchains.yaml' "
	    "bench --boards host -w hello -p crash,hang,noready,stalled,c -n 2 --warmup 0 "
	    "--timeout 400ms -q 2>&1",
	    rig, st, rigtest_source_dir());
	free(out);
	assert_int_equal(rigtest_sqlite_long(
			     st, "select count(*) from samples s join runs r on r.id = s.run_id "
				 "join builds b on b.id = r.build_id where b.profile = 'stalled' "
				 "and s.ok = 0 and s.fail_reason like 'impossible figure: "
				 "throughput = 2e+13 ops/s is above%'"),
			 2);
	/* rig results shows the cell as failed, without the figure */
	rigtest_sh(&out,
		   "'%s' --state-dir '%s' --toolchains-file "
		   "'%s/tests/data/misbehave-toolchains.yaml' results -p stalled 2>&1",
		   rig, st, rigtest_source_dir());
	assert_non_null(strstr(out, "stalled"));
	assert_null(strstr(out, "20.0T"));
	assert_null(strstr(out, "2e+13"));
	free(out);
	assert_int_equal(rigtest_sqlite_long(
			     st,
			     "select count(*) from samples s join runs r on r.id = s.run_id "
			     "join builds b on b.id = r.build_id where b.profile = 'crash' "
			     "and s.ok = 0 and s.fail_reason like '%signal 11%' and "
			     "s.stderr_tail like '%about to crash%' and s.log_path like '%.log'"),
			 2);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from samples s join runs r on r.id = s.run_id "
				    "join builds b on b.id = r.build_id where b.profile = 'hang' "
				    "and s.ok = 0 and s.fail_reason like 'timed out%'"),
	    2);
	assert_int_equal(rigtest_sqlite_long(
			     st, "select count(*) from samples s join runs r on r.id = s.run_id "
				 "join builds b on b.id = r.build_id where b.profile = 'noready' "
				 "and s.ok = 0 and s.fail_reason like 'no ready line%'"),
			 2);
	/* and the good profile after them was measured */
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from samples s join runs r on r.id = s.run_id "
				    "join builds b on b.id = r.build_id where b.profile = 'c' "
				    "and s.ok = 1"),
	    2);
}

/* kill -9 in the middle of a bench keeps every finished sample; the same
 * command again takes only the missing ones, in the same run. */
static void killed_bench_resumes_with_only_missing_samples(void **state)
{
	char st[1100], cmd[4096];
	long before, after, runs;
	pid_t pid;
	int status;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(st, sizeof(st), "%s/kill", rigtest_tmpdir());
	snprintf(cmd, sizeof(cmd),
		 "exec '%s' --state-dir '%s' bench --boards host -w cpu -p c -n 40 --warmup 0 "
		 "-i 300 -q 2>/dev/null >/dev/null",
		 rig, st);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	/* wait until a few samples are stored, then kill -9 */
	for (int i = 0; i < 600; i++) {
		usleep(50000);
		if (access(st, F_OK) == 0 &&
		    rigtest_sh(NULL,
			       "test \"$(sqlite3 '%s/rig.db' 'select count(*) from samples' "
			       "2>/dev/null)\" -ge 5",
			       st) == 0)
			break;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	before = rigtest_sqlite_long(st, "select count(*) from samples");
	assert_true(before >= 5);
	if (before >= 40)
		skip(); /* the machine finished before the kill: nothing to resume */
	assert_int_equal(rigtest_sh(NULL, "%s", cmd + 5), 0);
	after = rigtest_sqlite_long(st, "select count(*) from samples");
	runs = rigtest_sqlite_long(st, "select count(*) from runs");
	assert_int_equal(after, 40);
	assert_int_equal(runs, 1);
	assert_int_equal(rigtest_sqlite_long(st, "select count(distinct idx) from samples"), 40);
}

/* Two host boards of one model with a health check every 1 ms: one check
 * at the lease and one before the second cell (the schedule), each stored
 * with its figure; with --ab --jobs 2 each cell is one run "model:twin"
 * whose samples both boards took, and rig results shows the spread. */
static void health_checks_on_a_schedule_and_ab_across_twins(void **state)
{
	char st[1100], *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(st, sizeof(st), "%s/twins", rigtest_tmpdir());
	for (int i = 1; i <= 2; i++)
		assert_int_equal(
		    rigtest_sh(NULL,
			       "mkdir -p '%s/boards' && printf 'name: twin%d\nkind: host\n"
			       "target: {os: linux, arch: x86_64}\ntags: {model: twin}\n"
			       "health: {samples: 2, iterations: 200, every: 1ms}\n' "
			       ">'%s/boards/twin%d.yaml'",
			       st, i, st, i),
		    0);
	if (rigtest_sh(&out,
		       "'%s' --state-dir '%s' --boards-dir '%s/boards' bench -b twin1,twin2 "
		       "-w hello,cpu -p c -n 6 -i 100 --warmup 0 --ab --jobs 2 2>&1",
		       rig, st, st) != 0)
		fail_msg("%s", out);
	/* per board: the lease's check and the one before its second cell */
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from health_checks where pass = 1 and "
				    "metric = 'cpu_ns' and figure > 0"),
	    4);
	assert_int_equal(rigtest_sqlite_long(st, "select count(distinct board) from health_checks"),
			 2);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from farm_log where event = 'health'"), 4);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from runs where board = 'model:twin'"), 2);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from samples s join runs r on r.id = s.run_id "
				    "where r.board = 'model:twin'"),
	    12);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from (select run_id from samples group by "
				    "run_id having count(distinct board) = 2)"),
	    2);
	if (!strstr(out, "by board") || !strstr(out, "spread"))
		fail_msg("no board-to-board table in:\n%s", out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bench_host_stores_samples_and_prints_results),
	    cmocka_unit_test(benchfmt_export_has_one_line_per_sample),
	    cmocka_unit_test(board_given_as_a_file_is_shown_by_name),
	    cmocka_unit_test(misbehaving_programs_fail_their_samples_only),
	    cmocka_unit_test(killed_bench_resumes_with_only_missing_samples),
	    cmocka_unit_test(health_checks_on_a_schedule_and_ab_across_twins),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
