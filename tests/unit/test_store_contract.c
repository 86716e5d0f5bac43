/* The store's contract (issue 9 items 7 and 9 and the store items): schema
 * versions and migrations, a run's plan fixed when it starts, one bench per
 * run with a clear refusal, read-only stores readable. Real SQLite files,
 * real processes. */
#include "storefx.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

static const char *db_path(const char *name)
{
	static char path[8][1200];
	static int k;

	k = (k + 1) % 8;
	snprintf(path[k], sizeof(path[k]), "%s/%s", rigtest_tmpdir(), name);
	return path[k];
}

static int add_sample(struct rig_store *s, int64_t run, int idx, struct rig_error *err)
{
	struct rig_sample smp = {.ok = 1};
	int rc;

	rig_sample_set(&smp, "startup_ns", 1000 + idx, "ns");
	rc = rig_store_add_sample(s, run, idx, &smp, err);
	rig_sample_free(&smp);
	return rc;
}

/* Runs sql on path with the sqlite3 library directly. */
static void sql(const char *path, const char *text)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg);
	sqlite3_close(db);
}

static long sql_long(struct rig_store *s, const char *text)
{
	sqlite3_stmt *st;
	long v = -1;

	assert_int_equal(sqlite3_prepare_v2(rig_store_db(s), text, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void new_store_has_the_current_version(void **state)
{
	struct rig_store *s = storefx_open(db_path("new.db"));

	assert_true(rig_store_schema_version() >= 2);
	assert_int_equal(sql_long(s, "PRAGMA user_version"), rig_store_schema_version());
	assert_int_equal(sql_long(s, "SELECT value FROM meta WHERE key = 'schema'"),
			 rig_store_schema_version());
	rig_store_close(s);
}

/* A store made before migrations (meta schema '1', user_version 0, no
 * timeout_ms/owner columns) is upgraded and keeps its rows. */
static void version_1_store_is_upgraded_in_place(void **state)
{
	const char *path = db_path("v1.db");
	struct rig_store *s;

	sql(path, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
		  "CREATE TABLE runs(id INTEGER PRIMARY KEY, started INTEGER NOT NULL,"
		  " board TEXT NOT NULL, build_id INTEGER NOT NULL, workload TEXT NOT NULL,"
		  " iterations INTEGER NOT NULL, env_id INTEGER, n_planned INTEGER NOT NULL,"
		  " warmup INTEGER NOT NULL, emulated INTEGER NOT NULL);"
		  "CREATE TABLE samples(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL,"
		  " idx INTEGER NOT NULL, taken INTEGER NOT NULL, ok INTEGER NOT NULL);"
		  "INSERT INTO runs VALUES(7, 1, 'host', 1, 'hello', 1, NULL, 3, 0, 0);"
		  "INSERT INTO samples VALUES(1, 7, 0, 1, 1);"
		  "INSERT INTO meta VALUES('schema', '1');");
	s = storefx_open(path);
	assert_int_equal(sql_long(s, "PRAGMA user_version"), rig_store_schema_version());
	assert_int_equal(sql_long(s, "SELECT count(*) FROM runs WHERE id = 7"), 1);
	assert_int_equal(sql_long(s, "SELECT count(*) FROM samples WHERE lease_token IS NULL"), 1);
	assert_int_equal(sql_long(s, "SELECT count(*) FROM runs WHERE owner IS NULL AND "
				     "timeout_ms IS NULL"),
			 1);
	rig_store_close(s);
	/* opening again runs nothing twice */
	s = storefx_open(path);
	rig_store_close(s);
}

/* The store item: schema version 99 was used without a check. */
static void newer_schema_is_refused_with_a_clear_message(void **state)
{
	static const char *const how[] = {"UPDATE meta SET value = '99' WHERE key = 'schema'",
					  "PRAGMA user_version = 99"};

	for (size_t i = 0; i < 2; i++) {
		char name[32];
		const char *path;
		struct rig_store *s;
		struct rig_error err = {0};

		snprintf(name, sizeof(name), "v99-%zu.db", i);
		path = db_path(name);
		rig_store_close(storefx_open(path));
		sql(path, how[i]);
		assert_int_equal(rig_store_open(path, &s, &err), RIG_ERR_STORE);
		rigtest_assert_err_has(&err, "schema version 99, newer than this rig's");
		rigtest_assert_err_has(&err, name);
		memset(&err, 0, sizeof(err));
		assert_int_equal(rig_store_open_read(path, &s, &err), RIG_ERR_STORE);
		rigtest_assert_err_has(&err, "schema version 99");
	}
}

/* Item 7: a run complete under its own plan (-n 1, 1 of 1) was "resumed"
 * by a bench with -n 10: its plan rewritten, 9 samples appended. */
static void complete_run_is_never_resumed_by_another_plan(void **state)
{
	struct rig_store *s = storefx_open(db_path("plan.db"));
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello", .iterations = 1};
	int64_t run, run2;
	int have;

	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 1, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, &err), 0);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 10, 1, 0, 1, &run2, &have, &err), 0);
	assert_true(run2 != run);
	assert_int_equal(have, 0);
	assert_int_equal(sql_long(s, "SELECT n_planned FROM runs WHERE id = (SELECT min(id) FROM "
				     "runs)"),
			 1);
	rig_store_close(s);
}

/* A changed plan starts a new run even when the old one is incomplete:
 * samples taken under two plans are never one series. */
static void incomplete_run_is_resumed_only_under_its_plan(void **state)
{
	struct rig_store *s = storefx_open(db_path("plan2.db"));
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello", .timeout_ms = 5000};
	int64_t run, other;
	int have;

	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 2, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, &err), 0);
	assert_int_equal(add_sample(s, run, 1, &err), 0);
	/* more samples, another warm-up, another timeout: each a new run */
	assert_int_equal(rig_store_begin_run(s, &key, 0, 6, 2, 0, 1, &other, &have, &err), 0);
	assert_true(other != run);
	assert_int_equal(have, 0);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 3, 0, 1, &other, &have, &err), 0);
	assert_true(other != run);
	key.timeout_ms = 1000;
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 2, 0, 1, &other, &have, &err), 0);
	assert_true(other != run);
	/* the newest run is the 1000 ms one (0 samples, same plan): resumed */
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 2, 0, 1, &run, &have, &err), 0);
	assert_true(run == other);
	assert_int_equal(have, 0);
	assert_int_equal(sql_long(s, "SELECT count(*) FROM runs WHERE n_planned <> 5 AND "
				     "n_planned <> 6"),
			 0);
	rig_store_close(s);
}

/* A child opens the store, claims a run and waits on a pipe; returns its
 * pid. With release = 1 it gives the run up first. */
static pid_t child_claims(const char *path, const struct rig_run_key *key, int release,
			  int *hold_fd, int64_t *run)
{
	int ready[2], hold[2];
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rig_store *s = NULL;
		struct rig_error err = {0};
		int64_t r = 0;
		int have;
		char c;

		close(ready[0]);
		close(hold[1]);
		if (rig_store_open(path, &s, &err) ||
		    rig_store_begin_run(s, key, 0, 5, 0, 0, 1, &r, &have, &err) ||
		    add_sample(s, r, have, &err) || (release && rig_store_end_run(s, r, &err)))
			_exit(1);
		if (write(ready[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		(void)!read(hold[0], &c, 1); /* until the parent closes it */
		rig_store_close(s);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	assert_int_equal(read(ready[0], run, sizeof(*run)), sizeof(*run));
	close(ready[0]);
	*hold_fd = hold[1];
	return pid;
}

static void wait_child(pid_t pid, int hold_fd)
{
	int st;

	close(hold_fd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Item 9: two identical benches on one store; the second aborted with the
 * raw "UNIQUE constraint failed: samples.run_id, samples.idx". Now it
 * refuses the run the first is measuring, naming it, and nothing is lost. */
static void second_bench_refuses_a_run_being_measured(void **state)
{
	const char *path = db_path("two.db");
	struct rig_store *s = storefx_open(path);
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run, mine;
	int have, hold;
	pid_t pid;

	key.build_id = storefx_add_build(s);
	pid = child_claims(path, &key, 0, &hold, &run);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &mine, &have, &err),
			 RIG_ERR_STORE);
	rigtest_assert_err_has(&err, "is being measured by another rig bench");
	rigtest_assert_err_has(&err, "two.db");
	assert_null(strstr(err.msg, "UNIQUE"));
	assert_null(strstr(err.msg, "constraint"));
	/* --no-resume does not write into it either */
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 0, &mine, &have, &err),
			 RIG_ERR_STORE);
	wait_child(pid, hold);
	/* its bench is gone: the run is resumed where it stopped */
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &mine, &have, &err), 0);
	assert_true(mine == run);
	assert_int_equal(have, 1);
	assert_int_equal(sql_long(s, "SELECT count(*) FROM samples"), 1);
	rig_store_close(s);
}

static void released_run_is_taken_up_while_its_bench_lives(void **state)
{
	const char *path = db_path("release.db");
	struct rig_store *s = storefx_open(path);
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run, mine;
	int have, hold;
	pid_t pid;

	key.build_id = storefx_add_build(s);
	pid = child_claims(path, &key, 1, &hold, &run);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &mine, &have, &err), 0);
	assert_true(mine == run);
	assert_int_equal(have, 1);
	wait_child(pid, hold);
	rig_store_close(s);
}

/* A sample index stored twice (what two writers of one run would do) is a
 * message about the run, not SQLite's words. */
static void duplicate_sample_message_is_not_sqlites(void **state)
{
	struct rig_store *s = storefx_open(db_path("dup.db"));
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run;
	int have;

	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, &err), 0);
	assert_int_equal(add_sample(s, run, 0, &err), RIG_ERR_STORE);
	rigtest_assert_err_has(&err, "stored already: another bench is writing the same run");
	assert_null(strstr(err.msg, "UNIQUE"));
	assert_int_equal(sql_long(s, "SELECT count(*) FROM samples"), 1);
	rig_store_close(s);
}

static void owners_are_checked_by_pid_and_start_time(void **state)
{
	char me[160], other[200], host[64] = "";

	rig_store_owner_id(me, sizeof(me));
	assert_true(rig_store_owner_alive(me));
	gethostname(host, sizeof(host) - 1);
	snprintf(other, sizeof(other), "%s:%ld:1", host, (long)getpid()); /* pid reused */
	assert_false(rig_store_owner_alive(other));
	snprintf(other, sizeof(other), "%s:999999999:1", host);
	assert_false(rig_store_owner_alive(other));
	assert_true(rig_store_owner_alive("another-machine.example:1:1"));
	assert_false(rig_store_owner_alive(""));
	assert_false(rig_store_owner_alive(NULL));
}

static int each_series_count(void *ctx, const struct rig_series *sr)
{
	(*(int *)ctx)++;
	return 0;
}

/* Runs fn(path) in a child that cannot write the store: as user nobody
 * when this is root (root ignores file modes), else with the modes alone.
 * Returns the child's exit status. */
static int as_reader(const char *dir, const char *path, int (*fn)(const char *))
{
	pid_t pid;
	int st;

	assert_int_equal(chmod(rigtest_tmpdir(), 0755), 0);
	assert_int_equal(chmod(path, 0444), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(77);
		_exit(fn(path));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	chmod(dir, 0755);
	chmod(path, 0644);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static int read_only_checks(const char *path)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	int n = 0;

	/* writing: the state said plainly */
	if (rig_store_open(path, &s, &err) != RIG_ERR_STORE || !strstr(err.msg, "read-only") ||
	    strstr(err.msg, "cannot create the schema")) {
		fprintf(stderr, "open for writing: %s\n", err.msg);
		return 1;
	}
	/* reading works */
	if (rig_store_open_read(path, &s, &err) ||
	    rig_store_each_series(s, NULL, NULL, each_series_count, &n, &err) || n != 1) {
		fprintf(stderr, "read: %s (%d series)\n", err.msg, n);
		return 2;
	}
	rig_store_close(s);
	return 0;
}

/* The store item: a read-only store directory failed with "cannot create
 * the schema"; results on a read-only store must work. */
static void read_only_store_can_be_read(void **state)
{
	char dir[1200], path[1300];
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run;
	int have, rc;

	snprintf(dir, sizeof(dir), "%s/ro", rigtest_tmpdir());
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/rig.db", dir);
	s = storefx_open(path);
	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 1, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, &err), 0);
	rig_store_close(s);
	rc = as_reader(dir, path, read_only_checks);
	if (rc == 77)
		skip();
	assert_int_equal(rc, 0);
}

static void missing_store_is_not_created_by_reading(void **state)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	const char *path = db_path("absent.db");

	assert_int_equal(rig_store_open_read(path, &s, &err), RIG_ERR_NOT_FOUND);
	rigtest_assert_err_has(&err, "no store here yet");
	assert_int_not_equal(access(path, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(new_store_has_the_current_version),
	    cmocka_unit_test(version_1_store_is_upgraded_in_place),
	    cmocka_unit_test(newer_schema_is_refused_with_a_clear_message),
	    cmocka_unit_test(complete_run_is_never_resumed_by_another_plan),
	    cmocka_unit_test(incomplete_run_is_resumed_only_under_its_plan),
	    cmocka_unit_test(second_bench_refuses_a_run_being_measured),
	    cmocka_unit_test(released_run_is_taken_up_while_its_bench_lives),
	    cmocka_unit_test(duplicate_sample_message_is_not_sqlites),
	    cmocka_unit_test(owners_are_checked_by_pid_and_start_time),
	    cmocka_unit_test(read_only_store_can_be_read),
	    cmocka_unit_test(missing_store_is_not_created_by_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
