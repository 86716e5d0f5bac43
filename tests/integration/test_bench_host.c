/* `rig bench` end to end on the host board, through the real binary:
 * real compilers, real processes, the SQLite store. */
#include "rigtest.h"

#include <dirent.h>
#include <fcntl.h>
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

/* The pid of a process whose environment holds var (as K=V), or 0. */
static pid_t find_by_env(const char *var)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	while (d && !found && (e = readdir(d))) {
		char path[300], env[8192];
		ssize_t n;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/environ", e->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		n = read(fd, env, sizeof(env) - 1);
		close(fd);
		for (ssize_t i = 0; i < n; i += (ssize_t)strlen(env + i) + 1) {
			env[n] = 0;
			if (strcmp(env + i, var) == 0) {
				found = (pid_t)atoi(e->d_name);
				break;
			}
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* A sample that timed out is judged on a twin (docs/farm.md): twin ta's
 * workload is stopped (SIGSTOP, as on a hung board) mid-sample; rig kills
 * it at the timeout and does not store it; tb takes it and the rest of the
 * cell and finishes them, so ta is charged one infrastructure error and
 * its run is complete with no failed sample. */
static void timed_out_sample_is_judged_on_a_twin(void **state)
{
	char st[1100], cmd[4096];
	pid_t pid, hung = 0;
	int status;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(st, sizeof(st), "%s/timeout", rigtest_tmpdir());
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    rigtest_sh(NULL,
			       "mkdir -p '%s/boards' && printf 'name: t%c\nkind: host\n"
			       "target: {os: linux, arch: x86_64}\ntags: {model: tw}\n"
			       "host: {env: [RIGTEST_TWIN=%c%d]}\n' >'%s/boards/t%c.yaml'",
			       st, "ab"[i], "ab"[i], (int)getpid(), st, "ab"[i]),
		    0);
	snprintf(cmd, sizeof(cmd),
		 "exec '%s' --state-dir '%s' --boards-dir '%s/boards' --db '%s/rig.db' bench "
		 "-b ta,tb -w cpu -p c -n 3 -i 20000 --warmup 0 --timeout 3s --jobs 2 "
		 ">'%s/out' 2>&1",
		 rig, st, st, st, st);
	assert_int_equal(rigtest_sh(NULL, "mkdir -p '%s'", st), 0);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	{
		char var[64];

		snprintf(var, sizeof(var), "RIGTEST_TWIN=a%d", (int)getpid());
		for (int i = 0; i < 6000 && !hung; i++) {
			if ((hung = find_by_env(var)) && kill(hung, SIGSTOP) != 0)
				hung = 0;
			if (!hung)
				usleep(2000);
		}
	}
	waitpid(pid, &status, 0);
	if (!hung)
		skip(); /* ta's samples never showed up: nothing was stopped */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(rigtest_sh(NULL, "grep -q ' 1 infrastructure errors' '%s/out'", st), 0);
	assert_int_equal(rigtest_sqlite_long(st,
					     "select count(*) from farm_log where board = 'ta' and "
					     "event = 'timeout'"),
			 1);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from farm_log where board = 'ta' and "
				    "event = 'infra' and detail like '%timed out on ta and took % "
				    "ms on tb%'"),
	    1);
	assert_int_equal(rigtest_sqlite_long(st,
					     "select count(*) from samples s join runs r on "
					     "r.id = s.run_id where r.board = 'ta' and s.ok = 1"),
			 3);
	assert_int_equal(rigtest_sqlite_long(st, "select count(distinct s.idx) from samples s join "
						 "runs r on r.id = s.run_id where r.board = 'ta'"),
			 3);
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from samples s join runs r on "
						 "r.id = s.run_id where r.board = 'ta' and "
						 "s.board = 'tb'"),
			 rigtest_sqlite_long(st,
					     "select 3 - count(*) from samples s join runs r on "
					     "r.id = s.run_id where r.board = 'ta' and "
					     "s.board = 'ta'"));
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from samples where ok = 0"), 0);
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
	    cmocka_unit_test(timed_out_sample_is_judged_on_a_twin),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
