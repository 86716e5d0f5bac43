/* The store's contract on both backends (storefx.h: a SQLite file and a
 * real PostgreSQL server): schema version, samples read back as written, a
 * run's plan, load specs and their histograms, one bench per run,
 * duplicate samples; PostgreSQL only: a restarted server is reconnected
 * to. */
#include "storefx.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"
#include "load_report.h"
#include "log.h"
#include "results.h"
#include "store_health.h"
#include "store_lease.h"
#include "store_queue.h"
#include "store_runs.h"
#include "worker.h"

static void new_store_has_this_version_and_refuses_newer(void **state)
{
	const char *url;
	struct rig_store *s;
	struct rig_error err = {0};

	STOREFX_NEED_BACKEND();
	url = storefx_url("version");
	s = storefx_open(url);
	assert_true(rig_store_schema_version() >= 4);
	assert_string_equal(rig_store_backend(s), storefx_use_pg ? "PostgreSQL" : "SQLite");
	rig_store_close(s);
	assert_int_equal(rig_store_open_read(url, &s, &err), 0);
	rig_store_close(s);
	storefx_sql(url, storefx_use_pg ? "UPDATE meta SET value = '99' WHERE key = 'schema'"
					: "PRAGMA user_version = 99");
	assert_int_equal(rig_store_open(url, &s, &err), RIG_ERR_STORE);
	rigtest_assert_err_has(&err, "schema version 99, newer than this rig's");
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

	STOREFX_NEED_BACKEND();
	s = storefx_open(storefx_url("roundtrip"));
	rig_kv_set(&env, "rig.label", "it's \"quoted\"; DROP TABLE runs;--");
	rig_kv_set(&env, "hot", "yes");
	assert_int_equal(rig_store_add_env(s, &env, &env_id, &err), 0);
	assert_int_equal(rig_store_add_env(s, &env, &env2, &err), 0);
	assert_true(env_id == env2);
	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, env_id, 3, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(storefx_add_sample(s, run, 0, 0.1, &err), 0);
	assert_int_equal(storefx_add_sample(s, run, 1, 1e300, &err), 0);
	assert_int_equal(storefx_add_sample(s, run, 2, 12345678901.25, &err), 0);
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

	STOREFX_NEED_BACKEND();
	s = storefx_open(storefx_url("plan"));
	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 1, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(storefx_add_sample(s, run, 0, 1, &err), 0);
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

	STOREFX_NEED_BACKEND();
	s = storefx_open(storefx_url("loadspec"));
	a.build_id = b.build_id = storefx_add_build(s);
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

	STOREFX_NEED_BACKEND();
	url = storefx_url("two");
	s = storefx_open(url);
	key.build_id = storefx_add_build(s);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	if ((pid = fork()) == 0) {
		struct rig_store *c = NULL;
		char ch;

		close(hold[1]);
		close(ready[0]);
		if (rig_store_open(url, &c, &err) ||
		    rig_store_begin_run(c, &key, 0, 5, 0, 0, 1, &run, &have, &err) ||
		    storefx_add_sample(c, run, 0, 1, &err) ||
		    write(ready[1], &run, sizeof(run)) < 0)
			_exit(1);
		(void)!read(hold[0], &ch, 1);
		rig_store_close(c);
		_exit(0);
	}
	close(hold[0]);
	assert_int_equal(read(ready[0], &run, sizeof(run)), sizeof(run));
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &mine, &have, &err),
			 RIG_ERR_STORE);
	rigtest_assert_err_has(&err, "is being measured by another rig bench");
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

	STOREFX_NEED_BACKEND();
	s = storefx_open(storefx_url("dup"));
	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(storefx_add_sample(s, run, 0, 1, &err), 0);
	assert_int_equal(storefx_add_sample(s, run, 0, 1, &err), RIG_ERR_STORE);
	rigtest_assert_err_has(&err, "stored already: another bench is writing the same run");
	assert_null(strstr(err.msg, "UNIQUE"));
	assert_null(strstr(err.msg, "duplicate key"));
	rig_store_close(s);
}

static void restarted_server_is_reconnected_to(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run;
	int have;

	STOREFX_NEED_BACKEND();
	if (!storefx_use_pg) {
		print_message("[  SKIPPED ] a server restart is PostgreSQL's case only\n");
		skip();
	}
	s = storefx_open(storefx_url("restart"));
	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(storefx_add_sample(s, run, 0, 1, &err), 0);
	assert_int_equal(rigtest_pg_restart(&storefx_pg), 0);
	/* the sample's BEGIN finds the connection gone and is sent again */
	if (storefx_add_sample(s, run, 1, 2, &err))
		fail_msg("after a restart: %s", err.msg);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(have, 2);
	rig_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(new_store_has_this_version_and_refuses_newer),
	    cmocka_unit_test(samples_read_back_as_written),
	    cmocka_unit_test(complete_run_is_never_resumed_by_another_plan),
	    cmocka_unit_test(load_specs_are_two_runs_and_histograms_merge),
	    cmocka_unit_test(second_bench_refuses_a_run_being_measured),
	    cmocka_unit_test(duplicate_sample_is_refused_in_rigs_words),
	    cmocka_unit_test(restarted_server_is_reconnected_to),
	};

	return storefx_run_both(tests, sizeof(tests) / sizeof(tests[0]));
}
