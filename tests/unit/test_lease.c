/*
 * Leases on boards (host/src/store/store_lease.h, host/src/farm/lease.h):
 * one holder at a time across two store connections, takeover only after
 * the expiry or when the holder's process is gone, fencing tokens that
 * refuse a late holder's samples, a forced release that is logged, and the
 * health rules' verdict on a board's facts.
 */
#include "storefx.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health.h"
#include "lease.h"
#include "store.h"
#include "store_lease.h"

static const char *db_path(const char *name)
{
	static char path[4][1200];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", rigtest_tmpdir(), name);
	unlink(path[k]);
	return path[k];
}

/* A run on board "pi-1" to write samples into. */
static int64_t a_run(struct rig_store *s)
{
	struct rig_run_key key = {.board = "pi-1", .workload = "hello", .iterations = 1};
	struct rig_error err = {0};
	int64_t run;
	int have;

	key.build_id = storefx_add_build(s);
	if (rig_store_begin_run(s, &key, 0, 10, 0, 0, 1, &run, &have, &err))
		fail_msg("%s", err.msg);
	return run;
}

static int fenced_sample(struct rig_store *s, int64_t run, int idx, int64_t token, int64_t now,
			 struct rig_error *err)
{
	struct rig_sample smp = {.ok = 1};
	int rc;

	rig_sample_set(&smp, "startup_ns", 1000 + idx, "ns");
	rc = rig_store_add_sample_fenced(s, run, idx, &smp, "pi-1", token, now, err);
	rig_sample_free(&smp);
	return rc;
}

static void one_holder_until_expiry_then_fenced(void **state)
{
	const char *path = db_path("lease.db");
	struct rig_store *a = storefx_open(path), *b = storefx_open(path);
	struct rig_error err = {0};
	struct rig_lease_row holder, row;
	int64_t now = 1000000, ta = 0, tb = 0;
	int64_t run = a_run(a);

	(void)state;
	assert_int_equal(rig_store_lease_take(a, "pi-1", "hostA:1:1", now, 30000, &ta, NULL, &err),
			 0);
	/* the second worker is refused while the lease runs, and told by whom */
	assert_int_equal(
	    rig_store_lease_take(b, "pi-1", "hostB:2:2", now + 1000, 30000, &tb, &holder, &err),
	    RIG_ERR_BUSY);
	assert_string_equal(holder.owner, "hostA:1:1");
	/* a renewal keeps it: still refused after the first expiry would have passed */
	assert_int_equal(rig_store_lease_renew(a, "pi-1", ta, now + 20000, 30000, &err), 0);
	assert_int_equal(
	    rig_store_lease_take(b, "pi-1", "hostB:2:2", now + 40000, 30000, &tb, NULL, &err),
	    RIG_ERR_BUSY);
	assert_int_equal(fenced_sample(a, run, 0, ta, now + 40000, &err), 0);
	/* A stops renewing (hung, host died): after the expiry B takes the board */
	assert_int_equal(
	    rig_store_lease_take(b, "pi-1", "hostB:2:2", now + 60000, 30000, &tb, NULL, &err), 0);
	assert_true(tb > ta);
	/* A's late write and renewal are refused by the token; B's go in */
	memset(&err, 0, sizeof(err));
	assert_int_equal(fenced_sample(a, run, 1, ta, now + 61000, &err), RIG_ERR_FENCED);
	assert_int_equal(rig_store_lease_renew(a, "pi-1", ta, now + 61000, 30000, &err),
			 RIG_ERR_FENCED);
	assert_int_equal(fenced_sample(b, run, 1, tb, now + 61000, &err), 0);
	assert_int_equal(rig_store_lease_get(b, "pi-1", &row, &err), 1);
	assert_string_equal(row.owner, "hostB:2:2");
	assert_int_equal(row.token, tb);
	/* B's own token stops writing once its lease has expired */
	assert_int_equal(fenced_sample(b, run, 2, tb, now + 200000, &err), RIG_ERR_FENCED);
	rig_store_close(a);
	rig_store_close(b);
}

static int count_rows(struct rig_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	assert_int_equal(sqlite3_prepare_v2(rig_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A batch on SQLite is one transaction with one fence check: all its
 * samples and their metrics go in, or (refused) none; the statements the
 * store keeps prepared across calls bind each sample afresh. */
static void batch_all_or_none_on_sqlite(void **state)
{
	const char *path = db_path("batch.db");
	struct rig_store *s = storefx_open(path);
	struct rig_error err = {0};
	struct rig_sample smp[3];
	int64_t now = 7000000, tok = 0, run = a_run(s);

	(void)state;
	memset(smp, 0, sizeof(smp));
	for (int i = 0; i < 3; i++) {
		smp[i].ok = i != 1;
		rig_sample_set(&smp[i], "startup_ns", 100 + i, "ns");
		if (i == 2)
			rig_sample_set(&smp[i], "wall_ns", 5000, "ns");
	}
	assert_int_equal(rig_store_lease_take(s, "pi-1", "hostA:1:1", now, 30000, &tok, NULL, &err),
			 0);
	for (int k = 0; k < 20; k++)
		assert_int_equal(
		    rig_store_add_samples_fenced(s, run, 3 * k, 3, smp, "pi-1", tok, now + k, &err),
		    0);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM samples"), 60);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM samples WHERE ok = 0"), 20);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM metrics"), 80);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM metrics WHERE name = 'startup_ns' "
				       "AND value = 102"),
			 20);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM samples WHERE lease_token IS NOT "
				       "NULL AND board = 'pi-1'"),
			 60);
	/* expired: the whole batch is refused, nothing of it stored */
	memset(&err, 0, sizeof(err));
	assert_int_equal(
	    rig_store_add_samples_fenced(s, run, 60, 3, smp, "pi-1", tok, now + 60000, &err),
	    RIG_ERR_FENCED);
	assert_non_null(strstr(err.msg, "sample 61 of run"));
	assert_int_equal(count_rows(s, "SELECT count(*) FROM samples"), 60);
	/* and the kept statements still work after the refusal */
	assert_int_equal(rig_store_lease_renew(s, "pi-1", tok, now + 1000, 30000, &err), 0);
	assert_int_equal(
	    rig_store_add_samples_fenced(s, run, 60, 3, smp, "pi-1", tok, now + 2000, &err), 0);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM samples"), 63);
	for (int i = 0; i < 3; i++)
		rig_sample_free(&smp[i]);
	rig_store_close(s);
}

/* A lease whose owner is a process of this host that no longer runs is
 * taken over at once, before its expiry. */
static void dead_owner_is_taken_over(void **state)
{
	const char *path = db_path("dead.db");
	struct rig_store *s = storefx_open(path);
	struct rig_error err = {0};
	char host[128], dead[200];
	int64_t t1, t2, now = 5000000;

	(void)state;
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = 0;
	snprintf(dead, sizeof(dead), "%s:%d:1", host, 0x3ffffff0); /* no such pid */
	assert_int_equal(rig_store_lease_take(s, "pi-1", dead, now, 30000, &t1, NULL, &err), 0);
	assert_int_equal(
	    rig_store_lease_take(s, "pi-1", "other:9:9", now + 10, 30000, &t2, NULL, &err), 0);
	assert_true(t2 > t1);
	rig_store_close(s);
}

static int count_events(void *ctx, const struct rig_farm_event *ev)
{
	if (strcmp(ev->event, "force-release") == 0)
		++*(int *)ctx;
	return 0;
}

/* A human's forced release frees the board, bumps the token so the holder
 * cannot write, and is in the farm log. */
static void force_release_fences_and_is_logged(void **state)
{
	const char *path = db_path("force.db");
	struct rig_store *s = storefx_open(path);
	struct rig_error err = {0};
	char what[256] = "";
	int64_t t1, t2, now = rig_wall_ms();
	int64_t run = a_run(s);
	int forced = 0;

	(void)state;
	assert_int_equal(rig_store_lease_take(s, "pi-1", "w:1:1", now, 30000, &t1, NULL, &err), 0);
	assert_int_equal(rig_store_lease_force(s, "pi-1", "alice", what, sizeof(what), &err), 0);
	assert_int_equal(fenced_sample(s, run, 0, t1, now + 1, &err), RIG_ERR_FENCED);
	assert_int_equal(rig_store_farm_events(s, "pi-1", 0, count_events, &forced, &err), 0);
	assert_int_equal(forced, 1);
	assert_int_equal(rig_store_lease_take(s, "pi-1", "w:2:2", now + 2, 30000, &t2, NULL, &err),
			 0);
	assert_true(t2 > t1);
	rig_store_close(s);
}

/* The keeper: a second keeper on the same store waits, and gets the board
 * once the first gives it up. */
static void keepers_exclude_each_other(void **state)
{
	const char *path = db_path("keeper.db");
	struct rig_store *s = storefx_open(path);
	struct rig_leases *a = NULL, *b = NULL;
	struct rig_error err = {0};
	int64_t ta, tb;

	(void)state;
	rig_store_close(s);
	assert_int_equal(rig_leases_open(path, 3000, &a, &err), 0);
	assert_int_equal(rig_leases_open(path, 3000, &b, &err), 0);
	assert_int_equal(rig_leases_take(a, "pi-1", 0, NULL, &ta, &err), 0);
	assert_true(rig_leases_held(a, "pi-1"));
	assert_int_equal(rig_leases_take(b, "pi-1", 0, NULL, &tb, &err), RIG_ERR_BUSY);
	rig_leases_drop(a, "pi-1");
	assert_false(rig_leases_held(a, "pi-1"));
	assert_int_equal(rig_leases_take(b, "pi-1", 0, NULL, &tb, &err), 0);
	assert_true(tb > ta);
	rig_leases_close(a);
	rig_leases_close(b);
}

static void hot_or_throttled_board_is_quarantined(void **state)
{
	struct rig_kvlist f = {0};
	char reason[256], evidence[512];

	(void)state;
	/* bits 16..19 only say it happened since boot */
	rig_kv_set(&f, "board.throttled_bits", "0x50000");
	assert_int_equal(
	    rig_health_facts_verdict(&f, reason, sizeof(reason), evidence, sizeof(evidence)), 0);
	rig_kv_set(&f, "board.throttled_bits", "0x4");
	assert_int_equal(
	    rig_health_facts_verdict(&f, reason, sizeof(reason), evidence, sizeof(evidence)), 1);
	assert_non_null(strstr(evidence, "0x4"));
	rig_kv_set(&f, "board.throttled_bits", "0x0");
	rig_kv_set(&f, "hot", "yes");
	rig_kv_set(&f, "board.soc_temp_c", "86.0");
	assert_int_equal(
	    rig_health_facts_verdict(&f, reason, sizeof(reason), evidence, sizeof(evidence)), 1);
	assert_non_null(strstr(evidence, "soc_temp_c=86.0"));
	rig_kv_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_holder_until_expiry_then_fenced),
	    cmocka_unit_test(dead_owner_is_taken_over),
	    cmocka_unit_test(batch_all_or_none_on_sqlite),
	    cmocka_unit_test(force_release_fences_and_is_logged),
	    cmocka_unit_test(keepers_exclude_each_other),
	    cmocka_unit_test(hot_or_throttled_board_is_quarantined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
