/* The store's contract on both backends: the same tests through the public
 * interface against a SQLite file and against a real PostgreSQL server
 * started for the test (tests/helpers/pgserver.c; skipped with the reason
 * when its binaries are absent). Schema version, samples read back as
 * written, a run's plan, one bench per run, duplicate samples, leases and
 * fencing, and the job queue: several worker processes run every job
 * exactly once, and a killed worker's job is queued again and run by
 * another. PostgreSQL only: a restarted server is reconnected to. */
#include "rigtest.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef RIG_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "log.h"
#include "hist.h"
#include "load_report.h"
#include "pgserver.h"
#include "results.h"
#include "store.h"
#include "store_health.h"
#include "store_lease.h"
#include "store_queue.h"
#include "store_runs.h"
#include "worker.h"

static struct rigtest_pg pg;
static int use_pg;
static char pg_skip[600];

/* A fresh store for one test: a new file, or a new database. */
static const char *store_url(const char *name)
{
	static char url[8][1200];
	static int k;

	k = (k + 1) % 8;
	if (!use_pg) {
		snprintf(url[k], sizeof(url[k]), "%s/%s.db", rigtest_tmpdir(), name);
		return url[k];
	}
	if (rigtest_pg_newdb(&pg, name, url[k], sizeof(url[k])) != 0)
		fail_msg("cannot create database %s", name);
	return url[k];
}

#define NEED_BACKEND()                                                                             \
	do {                                                                                       \
		if (use_pg && !pg.running) {                                                       \
			print_message("[  SKIPPED ] %s\n", pg_skip);                               \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* Runs sql on the store with the backend's own library. */
static void raw_sql(const char *url, const char *sql)
{
	if (!use_pg) {
		sqlite3 *db;
		char *msg = NULL;

		assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("%s: %s", sql, msg);
		sqlite3_close(db);
		return;
	}
#ifdef RIG_HAVE_LIBPQ
	PGconn *c = PQconnectdb(url);
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
#endif
}

static struct rig_store *open_store(const char *url)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};

	if (rig_store_open(url, &s, &err))
		fail_msg("%s", err.msg);
	return s;
}

static void assert_msg_has(const struct rig_error *err, const char *part)
{
	if (!strstr(err->msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, part);
}

static int64_t add_build(struct rig_store *s)
{
	struct rig_artifact a;
	struct rig_error err = {0};
	int64_t id, again;

	memset(&a, 0, sizeof(a));
	strcpy(a.sha256, "cd34");
	strcpy(a.toolchain, "gc");
	strcpy(a.profile, "gc");
	strcpy(a.workload, "hello");
	strcpy(a.target.os, "linux");
	strcpy(a.target.arch, "x86_64");
	a.sizes.file_bytes = 1234567;
	if (rig_store_add_build(s, &a, &id, &err) || rig_store_add_build(s, &a, &again, &err))
		fail_msg("%s", err.msg);
	assert_true(id == again);
	return id;
}

static int add_sample(struct rig_store *s, int64_t run, int idx, double v, struct rig_error *err)
{
	struct rig_sample smp = {.ok = 1};
	int rc;

	rig_sample_set(&smp, "startup_ns", v, "ns");
	rig_sample_set(&smp, "ops_per_s", v / 3, "1/s");
	rc = rig_store_add_sample(s, run, idx, &smp, err);
	rig_sample_free(&smp);
	return rc;
}

static void new_store_has_this_version_and_refuses_newer(void **state)
{
	const char *url;
	struct rig_store *s;
	struct rig_error err = {0};

	NEED_BACKEND();
	url = store_url("version");
	s = open_store(url);
	assert_true(rig_store_schema_version() >= 4);
	assert_string_equal(rig_store_backend(s), use_pg ? "PostgreSQL" : "SQLite");
	rig_store_close(s);
	assert_int_equal(rig_store_open_read(url, &s, &err), 0);
	rig_store_close(s);
	raw_sql(url, use_pg ? "UPDATE meta SET value = '99' WHERE key = 'schema'"
			    : "PRAGMA user_version = 99");
	assert_int_equal(rig_store_open(url, &s, &err), RIG_ERR_STORE);
	assert_msg_has(&err, "schema version 99, newer than this rig's");
}

struct collect {
	int n;
	double values[16];
	size_t n_values;
	char metric[48];
};

static int collect_series(void *ctx, const struct rig_series *sr)
{
	struct collect *c = ctx;

	if (strcmp(sr->metric, "startup_ns") == 0) {
		c->n_values = sr->n_values;
		memcpy(c->values, sr->values, sr->n_values * sizeof(double));
		assert_int_equal(sr->sizes.file_bytes, 1234567);
		assert_string_equal(sr->target, "linux/x86_64");
	}
	c->n++;
	return 0;
}

static void samples_read_back_as_written(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello", .iterations = 1};
	struct rig_kvlist env = {0}, facts = {0};
	struct collect c = {0};
	struct rig_run_info *runs = NULL;
	size_t n_runs = 0, n_vals = 0;
	double *vals = NULL;
	int64_t env_id, env2, run;
	int have;

	NEED_BACKEND();
	s = open_store(store_url("roundtrip"));
	rig_kv_set(&env, "rig.label", "it's \"quoted\"; DROP TABLE runs;--");
	rig_kv_set(&env, "hot", "yes");
	assert_int_equal(rig_store_add_env(s, &env, &env_id, &err), 0);
	assert_int_equal(rig_store_add_env(s, &env, &env2, &err), 0);
	assert_true(env_id == env2);
	key.build_id = add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, env_id, 3, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, 0.1, &err), 0);
	assert_int_equal(add_sample(s, run, 1, 1e300, &err), 0);
	assert_int_equal(add_sample(s, run, 2, 12345678901.25, &err), 0);
	assert_int_equal(rig_store_end_run(s, run, &err), 0);
	assert_int_equal(rig_store_each_series(s, NULL, NULL, collect_series, &c, &err), 0);
	assert_int_equal(c.n, 2); /* two metrics */
	assert_int_equal(c.n_values, 3);
	assert_true(c.values[0] == 0.1 && c.values[1] == 1e300 && c.values[2] == 12345678901.25);
	assert_int_equal(rig_store_list_runs(s, &runs, &n_runs, &err), 0);
	assert_int_equal(n_runs, 1);
	assert_string_equal(runs[0].label, "it's \"quoted\"; DROP TABLE runs;--");
	assert_string_equal(runs[0].flags, "hot");
	assert_int_equal(runs[0].n_ok, 3);
	free(runs);
	assert_int_equal(rig_store_run_values(s, run, "ops_per_s", &vals, &n_vals, &err), 0);
	assert_int_equal(n_vals, 3);
	free(vals);
	assert_int_equal(rig_store_env_facts(s, env_id, &facts, &err), 0);
	assert_int_equal(facts.n, 2);
	rig_kv_free(&facts);
	rig_kv_free(&env);
	rig_store_close(s);
}

static void complete_run_is_never_resumed_by_another_plan(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello", .iterations = 1};
	int64_t run, run2;
	int have;

	NEED_BACKEND();
	s = open_store(store_url("plan"));
	key.build_id = add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 1, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, 1, &err), 0);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 10, 1, 0, 1, &run2, &have, &err), 0);
	assert_true(run2 != run);
	assert_int_equal(have, 0);
	rig_store_close(s);
}

/* A sample of a service under load: qps and its latency histogram (n
 * values of v_ns, then one of tail_ns when tail_ns > 0). */
static int add_load_sample(struct rig_store *s, int64_t run, int idx, int n, int64_t v_ns,
			   int64_t tail_ns, struct rig_error *err)
{
	struct rig_sample smp = {.ok = 1};
	struct rig_hist *h = rig_hist_new();
	struct rig_buf b = {0};
	int rc;

	rig_hist_record_n(h, v_ns, (uint64_t)n);
	if (tail_ns)
		rig_hist_record(h, tail_ns);
	rig_hist_encode(h, &b);
	rig_sample_set(&smp, "qps", 1000, "req/s");
	rig_sample_set(&smp, "p50_us", (double)rig_hist_percentile(h, 50) / 1e3, "us");
	assert_int_equal(rig_sample_set_hist(&smp, RIG_LOAD_HIST, b.data, b.len), 0);
	rc = rig_store_add_sample(s, run, idx, &smp, err);
	rig_sample_free(&smp);
	rig_buf_free(&b);
	rig_hist_free(h);
	return rc;
}

/* Two --load specs of one cell are two runs (an unfinished run of one is
 * not resumed by the other) and two rows; a row's percentiles are those of
 * its samples' histograms merged: p50 over {99 x 1 ms, 100 ms} and
 * {100 x 50 ms} is 50 ms, where the median of the samples' p50s is 25.5 ms. */
static void load_specs_are_two_runs_and_histograms_merge(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key a = {
	    .board = "host", .workload = "hello", .iterations = 1, .load = "closed:c=1"};
	struct rig_run_key b = a;
	struct rig_results_opts o = {0};
	struct rig_results res = {0};
	int64_t run, run2, run3;
	int have, rows = 0;

	NEED_BACKEND();
	s = open_store(store_url("loadspec"));
	a.build_id = b.build_id = add_build(s);
	b.load = "rate:r=10";
	assert_int_equal(rig_store_begin_run(s, &a, 0, 3, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_load_sample(s, run, 0, 99, 1000000, 100000000, &err), 0);
	assert_int_equal(add_load_sample(s, run, 1, 100, 50000000, 0, &err), 0);
	assert_int_equal(rig_store_end_run(s, run, &err), 0);
	assert_int_equal(rig_store_begin_run(s, &b, 0, 3, 0, 0, 1, &run2, &have, &err), 0);
	assert_true(run2 != run);
	assert_int_equal(have, 0);
	assert_int_equal(add_load_sample(s, run2, 0, 10, 2000000, 0, &err), 0);
	assert_int_equal(rig_store_end_run(s, run2, &err), 0);
	assert_int_equal(rig_store_begin_run(s, &a, 0, 3, 0, 0, 1, &run3, &have, &err), 0);
	assert_true(run3 == run);
	assert_int_equal(have, 2);
	assert_int_equal(rig_store_end_run(s, run3, &err), 0);
	if (rig_results_load(s, &o, &res, &err))
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < res.n; i++) {
		const struct rig_row *r = &res.rows[i];
		if (strcmp(r->load, "closed:c=1") == 0) {
			assert_int_equal(r->merged_n, 2);
			assert_true(r->merged_us[0] > 49950 && r->merged_us[0] < 50050);
			assert_true(r->merged_us[3] > 99900 && r->merged_us[3] < 100100);
			rows++;
		} else if (strcmp(r->load, "rate:r=10") == 0) {
			assert_int_equal(r->merged_n, 1);
			assert_true(r->merged_us[1] > 1998 && r->merged_us[1] < 2002);
			rows++;
		}
	}
	assert_int_equal(rows, 2);
	rig_results_free(&res);
	rig_store_close(s);
}

/* A child claims a run and holds it until the parent closes hold. */
static void second_bench_refuses_a_run_being_measured(void **state)
{
	const char *url;
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int ready[2], hold[2], st, have;
	int64_t run = 0, mine;
	pid_t pid;

	NEED_BACKEND();
	url = store_url("two");
	s = open_store(url);
	key.build_id = add_build(s);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	if ((pid = fork()) == 0) {
		struct rig_store *c = NULL;
		char ch;

		close(hold[1]);
		close(ready[0]);
		if (rig_store_open(url, &c, &err) ||
		    rig_store_begin_run(c, &key, 0, 5, 0, 0, 1, &run, &have, &err) ||
		    add_sample(c, run, 0, 1, &err) || write(ready[1], &run, sizeof(run)) < 0)
			_exit(1);
		(void)!read(hold[0], &ch, 1);
		rig_store_close(c);
		_exit(0);
	}
	close(hold[0]);
	assert_int_equal(read(ready[0], &run, sizeof(run)), sizeof(run));
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &mine, &have, &err),
			 RIG_ERR_STORE);
	assert_msg_has(&err, "is being measured by another rig bench");
	close(hold[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &mine, &have, &err), 0);
	assert_true(mine == run);
	assert_int_equal(have, 1);
	close(ready[0]);
	close(ready[1]);
	rig_store_close(s);
}

static void duplicate_sample_is_refused_in_rigs_words(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run;
	int have;

	NEED_BACKEND();
	s = open_store(store_url("dup"));
	key.build_id = add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, 1, &err), 0);
	assert_int_equal(add_sample(s, run, 0, 1, &err), RIG_ERR_STORE);
	assert_msg_has(&err, "stored already: another bench is writing the same run");
	assert_null(strstr(err.msg, "UNIQUE"));
	assert_null(strstr(err.msg, "duplicate key"));
	rig_store_close(s);
}

static void takeover_after_expiry_fences_the_old_holder(void **state)
{
	const char *url;
	struct rig_store *a, *b;
	struct rig_error err = {0};
	struct rig_lease_row holder, row;
	struct rig_sample smp = {.ok = 1};
	struct rig_run_key key = {.board = "pi1", .workload = "hello"};
	int64_t ta, tb, run, now = rig_wall_ms();
	int have;
	char what[600];

	NEED_BACKEND();
	url = store_url("lease");
	a = open_store(url);
	b = open_store(url);
	key.build_id = add_build(a);
	assert_int_equal(rig_store_begin_run(a, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(rig_store_lease_take(a, "pi1", "hostA:1:1", now, 1000, &ta, NULL, &err),
			 0);
	assert_int_equal(
	    rig_store_lease_take(b, "pi1", "otherhost:2:2", now, 1000, &tb, &holder, &err),
	    RIG_ERR_BUSY);
	assert_string_equal(holder.owner, "hostA:1:1");
	assert_int_equal(rig_store_lease_renew(a, "pi1", ta, now + 500, 1000, &err), 0);
	rig_sample_set(&smp, "startup_ns", 5, "ns");
	assert_int_equal(rig_store_add_sample_fenced(a, run, 0, &smp, "pi1", ta, now + 600, &err),
			 0);
	/* a's lease runs out at now + 1500: b takes over */
	assert_int_equal(
	    rig_store_lease_take(b, "pi1", "otherhost:2:2", now + 1600, 1000, &tb, NULL, &err), 0);
	assert_true(tb == ta + 1);
	assert_int_equal(rig_store_add_sample_fenced(a, run, 1, &smp, "pi1", ta, now + 1700, &err),
			 RIG_ERR_FENCED);
	assert_msg_has(&err, "another holder's");
	assert_int_equal(rig_store_lease_renew(a, "pi1", ta, now + 1700, 1000, &err),
			 RIG_ERR_FENCED);
	assert_int_equal(rig_store_lease_force(a, "pi1", "admin", what, sizeof(what), &err), 0);
	assert_non_null(strstr(what, "otherhost:2:2"));
	assert_int_equal(rig_store_lease_get(a, "pi1", &row, &err), 1);
	assert_true(row.token == tb + 1 && row.owner[0] == '\0');
	assert_int_equal(rig_store_lease_renew(b, "pi1", tb, now + 1800, 1000, &err),
			 RIG_ERR_FENCED);
	rig_sample_free(&smp);
	rig_store_close(a);
	rig_store_close(b);
}

static int count_events(void *ctx, const struct rig_farm_event *ev)
{
	(*(int *)ctx)++;
	return 0;
}

static void quarantine_and_health_are_kept_with_the_log(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_board_state bs;
	struct rig_strv boards = {0};
	int failures = 0, n = 0;

	NEED_BACKEND();
	s = open_store(store_url("health"));
	assert_int_equal(rig_store_board_failure(s, "pi2", "w", "lost link", &failures, &err), 0);
	assert_int_equal(rig_store_board_failure(s, "pi2", "w", "timeout", &failures, &err), 0);
	assert_int_equal(failures, 2);
	assert_int_equal(rig_store_board_quarantine(s, "pi2", "w", "hot", "soc 86 C", &err), 0);
	assert_int_equal(rig_store_board_state(s, "pi2", &bs, &err), 0);
	assert_string_equal(bs.state, "quarantined");
	assert_string_equal(bs.evidence, "soc 86 C");
	assert_int_equal(rig_store_board_health(s, "pi2", 1, "pass 1.2k ops/s", &err), 0);
	assert_int_equal(rig_store_board_state(s, "pi2", &bs, &err), 0);
	assert_string_equal(bs.state, "ok");
	assert_int_equal(bs.failures, 0);
	assert_int_equal(rig_store_farm_boards(s, &boards, &err), 0);
	assert_int_equal(boards.n, 1);
	assert_int_equal(rig_store_farm_events(s, "pi2", 0, count_events, &n, &err), 0);
	assert_int_equal(n, 4); /* infra x2, quarantine, unquarantine */
	n = 0;
	assert_int_equal(rig_store_farm_events(s, NULL, 2, count_events, &n, &err), 0);
	assert_int_equal(n, 2);
	rig_strv_free(&boards);
	rig_store_close(s);
}

/* Health checks (store_health.h) and the board of each sample
 * (rig_store_run_board_values): a run "model:pi" whose samples two boards
 * took under their own leases, and an unfenced sample that is the run's
 * board's. */
static void health_checks_and_sample_boards_read_back(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_health_row r = {0}, got[3];
	struct rig_run_key key = {.board = "model:pi", .workload = "hello"};
	struct rig_sample smp = {.ok = 1};
	struct rig_strv boards = {0};
	int64_t run, t1, t2, now = rig_wall_ms();
	double *v = NULL;
	size_t nv = 0;
	int have, n = 0;

	NEED_BACKEND();
	s = open_store(store_url("healthrows"));
	snprintf(r.board, sizeof(r.board), "pi-1");
	snprintf(r.metric, sizeof(r.metric), "cpu_ns");
	snprintf(r.governor, sizeof(r.governor), "ondemand");
	for (int i = 0; i < 3; i++) {
		r.at_ms = now + i;
		r.pass = i != 2;
		r.figure = 1e6 * (i + 1);
		r.band_lo = 0.5e6;
		r.band_hi = 2.25e6;
		snprintf(r.evidence, sizeof(r.evidence), "%s", i == 2 ? "soc_temp_c=95.0" : "");
		assert_int_equal(rig_store_health_add(s, &r, &err), 0);
	}
	assert_int_equal(rig_store_health_history(s, "pi-1", 1, got, 3, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true(got[0].figure == 2e6 && got[0].band_hi == 2.25e6);
	assert_string_equal(got[0].governor, "ondemand");
	assert_int_equal(rig_store_health_history(s, "pi-1", 0, got, 1, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].pass, 0);
	assert_string_equal(got[0].evidence, "soc_temp_c=95.0");

	key.build_id = add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 3, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(rig_store_lease_take(s, "pi-1", "h:1:1", now, 60000, &t1, NULL, &err), 0);
	assert_int_equal(rig_store_lease_take(s, "pi-2", "h:1:1", now, 60000, &t2, NULL, &err), 0);
	rig_sample_set(&smp, "wall_ns", 10, "ns");
	assert_int_equal(rig_store_add_sample_fenced(s, run, 0, &smp, "pi-1", t1, now, &err), 0);
	rig_sample_set(&smp, "wall_ns", 20, "ns");
	assert_int_equal(rig_store_add_sample_fenced(s, run, 1, &smp, "pi-2", t2, now, &err), 0);
	rig_sample_set(&smp, "wall_ns", 30, "ns");
	assert_int_equal(rig_store_add_sample(s, run, 2, &smp, &err), 0);
	assert_int_equal(rig_store_run_board_values(s, run, "wall_ns", &boards, &v, &nv, &err), 0);
	assert_int_equal(nv, 3);
	assert_string_equal(boards.v[0], "pi-1");
	assert_string_equal(boards.v[1], "pi-2");
	assert_string_equal(boards.v[2], "model:pi");
	assert_true(v[0] == 10 && v[1] == 20 && v[2] == 30);
	free(v);
	rig_strv_free(&boards);
	rig_sample_free(&smp);
	rig_store_close(s);
}

/* The queue's runner: appends "id pid" to the file in ctx, then sleeps
 * for the milliseconds in the job's args. */
static int record_job(void *ctx, const struct rig_job *job)
{
	char line[64];
	int fd = open(ctx, O_WRONLY | O_APPEND | O_CREAT, 0644);
	long ms = atol(job->args);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	int n;

	if (fd < 0)
		return 1;
	n = snprintf(line, sizeof(line), "%lld %ld\n", (long long)job->id, (long)getpid());
	if (write(fd, line, (size_t)n) != n)
		return 1;
	close(fd);
	nanosleep(&ts, NULL);
	return 0;
}

static pid_t spawn_worker(const char *url, const char *name, const char *log,
			  long long dead_after_ms, int exit_when_idle)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct rig_worker_cfg cfg = {
		    .store = url,
		    .name = name,
		    .run = record_job,
		    .run_ctx = (void *)log,
		    .heartbeat_ms = 100,
		    .dead_after_ms = dead_after_ms,
		    .poll_ms = 50,
		    .exit_when_idle = exit_when_idle,
		};
		struct rig_error err = {0};

		rig_log_set_level(RIG_LOG_WARN); /* no line per job */
		_exit(rig_worker_loop(&cfg, &err) ? 1 : 0);
	}
	return pid;
}

/* How many lines of the log name job id. */
static int runs_of(const char *log, long long id, int *lines)
{
	FILE *f = fopen(log, "r");
	long long j;
	long p;
	int n = 0;

	*lines = 0;
	if (!f)
		return 0;
	while (fscanf(f, "%lld %ld", &j, &p) == 2) {
		(*lines)++;
		n += j == id;
	}
	fclose(f);
	return n;
}

static void submit(struct rig_store *s, int n, const char *board, const char *ms, int64_t *first)
{
	struct rig_error err = {0};

	for (int i = 0; i < n; i++) {
		struct rig_job job = {0};
		int64_t id;

		snprintf(job.board, sizeof(job.board), "%s", board);
		snprintf(job.args, sizeof(job.args), "%s", ms);
		assert_int_equal(rig_store_job_submit(s, &job, &id, &err), 0);
		if (i == 0 && first)
			*first = id;
	}
}

static void three_workers_run_every_job_once(void **state)
{
	const char *url;
	char log[1200];
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_job_counts c;
	pid_t w[3];
	int64_t first = 0;
	int lines;

	NEED_BACKEND();
	url = store_url("queue");
	snprintf(log, sizeof(log), "%s/queue-%d.log", rigtest_tmpdir(), use_pg);
	s = open_store(url);
	submit(s, 60, "pi1", "5", &first);
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "w%d", i);
		w[i] = spawn_worker(url, name, log, 30000, 1);
	}
	for (int i = 0; i < 3; i++) {
		int st;
		assert_int_equal(waitpid(w[i], &st, 0), w[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	for (long long id = first; id < first + 60; id++)
		if (runs_of(log, id, &lines) != 1)
			fail_msg("job %lld ran %d times", id, runs_of(log, id, &lines));
	assert_int_equal(lines, 60);
	assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
	assert_true(c.done == 60 && c.queued == 0 && c.running == 0 && c.failed == 0);
	rig_store_close(s);
}

static void killed_workers_job_is_run_by_another(void **state)
{
	const char *url;
	char log[1200];
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_job_counts c = {0};
	int64_t id;
	pid_t a, b;
	int st, lines;

	NEED_BACKEND();
	url = store_url("killed");
	snprintf(log, sizeof(log), "%s/killed-%d.log", rigtest_tmpdir(), use_pg);
	s = open_store(url);
	submit(s, 1, "pi1", "60000", &id); /* a minute: it is killed first */
	a = spawn_worker(url, "doomed", log, 30000, 0);
	for (int i = 0; i < 200 && runs_of(log, id, &lines) == 0; i++)
		usleep(20000);
	assert_int_equal(runs_of(log, id, &lines), 1);
	assert_int_equal(kill(a, SIGKILL), 0);
	assert_int_equal(waitpid(a, &st, 0), a);
	/* the runner died with its worker (PR_SET_PDEATHSIG) */
	assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
	assert_int_equal(c.running, 1);
	/* the job's last args are changed to run quickly the second time */
	raw_sql(url, "UPDATE jobs SET args = '1'");
	b = spawn_worker(url, "survivor", log, 500, 1);
	/* exit_when_idle: b waits while the job runs under a's stale heartbeat */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
		if (c.done == 1)
			break;
		usleep(50000);
		if (i % 10 == 9 && waitpid(b, &st, WNOHANG) == b)
			b = spawn_worker(url, "survivor", log, 500, 1);
	}
	waitpid(b, &st, 0);
	assert_int_equal(c.done, 1);
	assert_int_equal(runs_of(log, id, &lines), 2); /* started by a, run to the end by b */
	/* the dead worker's late word is refused */
	assert_int_equal(rig_store_job_finish(s, id, "doomed", 1, "late", &err), RIG_ERR_FENCED);
	rig_store_close(s);
}

/* A standby worker takes only jobs another worker left (requeued, or queued
 * longer than it waits); a job handed back (ok -1) is queued for anyone. */
static void standby_takes_only_left_jobs(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_strv boards = {0};
	struct rig_job job;
	struct rig_job_counts c;
	int64_t id, now = rig_wall_ms();

	NEED_BACKEND();
	s = open_store(store_url("standby"));
	rig_strv_push(&boards, "r1");
	submit(s, 1, "r1", "x", &id);
	assert_int_equal(rig_store_job_take(s, "b", &boards, now, now - 60000, &job, &err), 0);
	assert_int_equal(rig_store_job_take(s, "b", &boards, now, now + 1000, &job, &err), 1);
	assert_true(job.id == id && job.attempts == 1);
	assert_int_equal(rig_store_job_finish(s, id, "b", -1, "store away", &err), 0);
	assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
	assert_true(c.queued == 1 && c.running == 0);
	/* taken before: left, whatever its age */
	assert_int_equal(rig_store_job_take(s, "a", &boards, now, now - 60000, &job, &err), 1);
	assert_true(job.id == id && job.attempts == 2);
	assert_int_equal(rig_store_job_finish(s, id, "b", 1, "late", &err), RIG_ERR_FENCED);
	rig_strv_free(&boards);
	rig_store_close(s);
}

/* Under the board's current lease a bench takes up a run another, still
 * running, bench left: that bench is fenced off the board. A fenced sample
 * sent again under the same token (its COMMIT's answer lost) is stored once
 * on PostgreSQL; under another token it is a duplicate. */
static void lease_holder_resumes_a_fenced_benchs_run(void **state)
{
	struct rig_store *a, *b;
	struct rig_error err = {0};
	struct rig_sample smp = {.ok = 1};
	struct rig_run_key key = {.board = "pi2", .workload = "hello"};
	int64_t run, again, ta, tb, now = rig_wall_ms();
	int have;
	const char *url;

	NEED_BACKEND();
	url = store_url("resume");
	a = open_store(url);
	b = open_store(url);
	key.build_id = add_build(a);
	assert_int_equal(
	    rig_store_lease_take(a, "pi2", rig_store_owner(a), now, 60000, &ta, NULL, &err), 0);
	assert_int_equal(rig_store_begin_run(a, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	rig_sample_set(&smp, "startup_ns", 5, "ns");
	assert_int_equal(rig_store_add_sample_fenced(a, run, 0, &smp, "pi2", ta, now, &err), 0);
	if (use_pg) /* its own write sent again */
		assert_int_equal(rig_store_add_sample_fenced(a, run, 0, &smp, "pi2", ta, now, &err),
				 0);
	/* b's owner is a's (one process): a's claim on the run is made another's */
	raw_sql(url, "UPDATE runs SET owner = 'otherhost:9:9'");
	assert_int_equal(rig_store_lease_force(b, "pi2", "admin", NULL, 0, &err), 0);
	assert_int_equal(rig_store_begin_run(b, &key, 0, 5, 0, 0, 1, &again, &have, &err),
			 RIG_ERR_STORE);
	assert_msg_has(&err, "is being measured by another rig bench");
	assert_int_equal(
	    rig_store_lease_take(b, "pi2", rig_store_owner(b), now, 60000, &tb, NULL, &err), 0);
	assert_int_equal(rig_store_begin_run(b, &key, 0, 5, 0, 0, 1, &again, &have, &err), 0);
	assert_true(again == run && have == 1);
	assert_int_equal(rig_store_add_sample_fenced(b, run, 0, &smp, "pi2", tb, now, &err),
			 RIG_ERR_STORE);
	assert_msg_has(&err, "stored already");
	assert_int_equal(rig_store_add_sample_fenced(a, run, 1, &smp, "pi2", ta, now, &err),
			 RIG_ERR_FENCED);
	rig_sample_free(&smp);
	rig_store_close(a);
	rig_store_close(b);
}

static void restarted_server_is_reconnected_to(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run;
	int have;

	NEED_BACKEND();
	if (!use_pg) {
		print_message("[  SKIPPED ] a server restart is PostgreSQL's case only\n");
		skip();
	}
	s = open_store(store_url("restart"));
	key.build_id = add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(add_sample(s, run, 0, 1, &err), 0);
	assert_int_equal(rigtest_pg_restart(&pg), 0);
	/* the sample's BEGIN finds the connection gone and is sent again */
	if (add_sample(s, run, 1, 2, &err))
		fail_msg("after a restart: %s", err.msg);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(have, 2);
	rig_store_close(s);
}

static int sqlite_setup(void **state)
{
	use_pg = 0;
	return 0;
}

static int pg_setup(void **state)
{
	use_pg = 1;
	if (rigtest_pg_start(&pg, pg_skip, sizeof(pg_skip)) != 0)
		print_message("[  SKIPPED ] PostgreSQL: %s\n", pg_skip);
	return 0;
}

static int pg_teardown(void **state)
{
	rigtest_pg_stop(&pg);
	return 0;
}

#define CONTRACT                                                                                   \
	cmocka_unit_test(new_store_has_this_version_and_refuses_newer),                            \
	    cmocka_unit_test(samples_read_back_as_written),                                        \
	    cmocka_unit_test(complete_run_is_never_resumed_by_another_plan),                       \
	    cmocka_unit_test(load_specs_are_two_runs_and_histograms_merge),                        \
	    cmocka_unit_test(second_bench_refuses_a_run_being_measured),                           \
	    cmocka_unit_test(duplicate_sample_is_refused_in_rigs_words),                           \
	    cmocka_unit_test(takeover_after_expiry_fences_the_old_holder),                         \
	    cmocka_unit_test(quarantine_and_health_are_kept_with_the_log),                         \
	    cmocka_unit_test(health_checks_and_sample_boards_read_back),                           \
	    cmocka_unit_test(three_workers_run_every_job_once),                                    \
	    cmocka_unit_test(killed_workers_job_is_run_by_another),                                \
	    cmocka_unit_test(standby_takes_only_left_jobs),                                        \
	    cmocka_unit_test(lease_holder_resumes_a_fenced_benchs_run),                            \
	    cmocka_unit_test(restarted_server_is_reconnected_to)

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {CONTRACT};
	const struct CMUnitTest pg_tests[] = {CONTRACT};
	int rc;

	rc = cmocka_run_group_tests_name("sqlite", sqlite_tests, sqlite_setup, NULL);
	rc |= cmocka_run_group_tests_name("postgresql", pg_tests, pg_setup, pg_teardown);
	return rc;
}
