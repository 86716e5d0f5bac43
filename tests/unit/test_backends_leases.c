/* Leases, fencing, quarantine and health checks on both backends
 * (storefx.h): a lease taken over after expiry fences the old holder, the
 * farm log keeps quarantine and health, the lease holder resumes a fenced
 * bench's run. */
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

	STOREFX_NEED_BACKEND();
	url = storefx_url("lease");
	a = storefx_open(url);
	b = storefx_open(url);
	key.build_id = storefx_add_build(a);
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
	rigtest_assert_err_has(&err, "another holder's");
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

	STOREFX_NEED_BACKEND();
	s = storefx_open(storefx_url("health"));
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

	STOREFX_NEED_BACKEND();
	s = storefx_open(storefx_url("healthrows"));
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

	key.build_id = storefx_add_build(s);
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

	STOREFX_NEED_BACKEND();
	url = storefx_url("resume");
	a = storefx_open(url);
	b = storefx_open(url);
	key.build_id = storefx_add_build(a);
	assert_int_equal(
	    rig_store_lease_take(a, "pi2", rig_store_owner(a), now, 60000, &ta, NULL, &err), 0);
	assert_int_equal(rig_store_begin_run(a, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	rig_sample_set(&smp, "startup_ns", 5, "ns");
	assert_int_equal(rig_store_add_sample_fenced(a, run, 0, &smp, "pi2", ta, now, &err), 0);
	if (storefx_use_pg) /* its own write sent again */
		assert_int_equal(rig_store_add_sample_fenced(a, run, 0, &smp, "pi2", ta, now, &err),
				 0);
	/* b's owner is a's (one process): a's claim on the run is made another's */
	storefx_sql(url, "UPDATE runs SET owner = 'otherhost:9:9'");
	assert_int_equal(rig_store_lease_force(b, "pi2", "admin", NULL, 0, &err), 0);
	assert_int_equal(rig_store_begin_run(b, &key, 0, 5, 0, 0, 1, &again, &have, &err),
			 RIG_ERR_STORE);
	rigtest_assert_err_has(&err, "is being measured by another rig bench");
	assert_int_equal(
	    rig_store_lease_take(b, "pi2", rig_store_owner(b), now, 60000, &tb, NULL, &err), 0);
	assert_int_equal(rig_store_begin_run(b, &key, 0, 5, 0, 0, 1, &again, &have, &err), 0);
	assert_true(again == run && have == 1);
	assert_int_equal(rig_store_add_sample_fenced(b, run, 0, &smp, "pi2", tb, now, &err),
			 RIG_ERR_STORE);
	rigtest_assert_err_has(&err, "stored already");
	assert_int_equal(rig_store_add_sample_fenced(a, run, 1, &smp, "pi2", ta, now, &err),
			 RIG_ERR_FENCED);
	rig_sample_free(&smp);
	rig_store_close(a);
	rig_store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(takeover_after_expiry_fences_the_old_holder),
	    cmocka_unit_test(quarantine_and_health_are_kept_with_the_log),
	    cmocka_unit_test(health_checks_and_sample_boards_read_back),
	    cmocka_unit_test(lease_holder_resumes_a_fenced_benchs_run),
	};

	return storefx_run_both(tests, sizeof(tests) / sizeof(tests[0]));
}
