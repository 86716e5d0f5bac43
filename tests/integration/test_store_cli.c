/* The store's contract through the real binary (issue 9 items 7 and 9 and
 * the store items): a changed plan starts a new run, two benches on one
 * store never mix their samples or print SQLite's words, results filters
 * and --baseline name what is stored, a read-only store can be read, a
 * newer schema is refused. Builds the C hello workload (gcc). */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char rig[1024];

static int setup(void **state)
{
	if (!rigtest_rig())
		return -1;
	snprintf(rig, sizeof(rig), "%s", rigtest_rig());
	return 0;
}

static const char *state_dir(const char *name)
{
	static char st[4][1200];
	static int k;

	k = (k + 1) % 4;
	snprintf(st[k], sizeof(st[k]), "%s/%s", rigtest_tmpdir(), name);
	return st[k];
}

/* rig --state-dir st ARGS; exit status, output (owned) in *out. */
static int rig_in(const char *st, char **out, const char *args)
{
	return rigtest_sh(out, "'%s' --state-dir '%s' %s 2>&1", rig, st, args);
}

static void bench_once(const char *st, const char *args)
{
	char *out = NULL;
	char full[512];

	snprintf(full, sizeof(full), "bench -b host -w hello -p c -q %s", args);
	if (rig_in(st, &out, full) != 0)
		fail_msg("rig %s: %s", full, out);
	free(out);
}

/* Item 7: a complete -n 1 run was resumed by a bench with -n 3. */
static void changed_plan_starts_a_new_run(void **state)
{
	const char *st = state_dir("plan");

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	bench_once(st, "-n 1 --warmup 0");
	bench_once(st, "-n 3 --warmup 1");
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from runs"), 2);
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from samples where run_id = "
						 "(select min(id) from runs)"),
			 1);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select n_planned from runs where id = (select min(id) from "
				    "runs)"),
	    1);
	assert_int_equal(rigtest_sqlite_long(st, "select count(*) from samples where run_id = "
						 "(select max(id) from runs)"),
			 3);
}

/* Item 9: two identical benches at once. Each either completes or refuses
 * the run the other is measuring, saying so; no run gets more samples than
 * planned and no message is SQLite's. */
static void two_benches_on_one_store_do_not_mix(void **state)
{
	const char *st = state_dir("two");
	char *out = NULL;
	int refused = 0;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	bench_once(st, "-n 1 --warmup 0"); /* the build is cached: both start together */
	rigtest_sh(NULL,
		   "cd '%s' && for i in 1 2; do ('%s' --state-dir '%s' bench -b host -w hello "
		   "-p c -q -n 40 --warmup 0 > out$i 2>&1; echo $? > rc$i) & done; wait",
		   rigtest_tmpdir(), rig, st);
	for (int i = 1; i <= 2; i++) {
		char *rc = NULL;
		assert_int_equal(rigtest_sh(&out, "cat '%s/out%d'", rigtest_tmpdir(), i), 0);
		assert_int_equal(rigtest_sh(&rc, "cat '%s/rc%d'", rigtest_tmpdir(), i), 0);
		if (strstr(out, "UNIQUE") || strstr(out, "constraint") || strstr(out, "locked"))
			fail_msg("bench %d printed SQLite's words: %s", i, out);
		if (atoi(rc) != 0) {
			if (!strstr(out, "is being measured by another rig bench"))
				fail_msg("bench %d failed (%s) without saying why: %s", i, rc, out);
			refused++;
		}
		free(out);
		free(rc);
	}
	assert_true(refused <= 1);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from runs r where (select count(*) from "
				    "samples s where s.run_id = r.id) > r.n_planned"),
	    0);
	assert_int_equal(
	    rigtest_sqlite_long(st, "select count(*) from runs where owner is not null"), 0);
}

static void results_filters_name_what_is_stored(void **state)
{
	const char *st = state_dir("filters");
	char *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	bench_once(st, "-n 2 --warmup 0");
	assert_int_equal(rig_in(st, &out, "results -b nosuch"), 2);
	assert_non_null(strstr(out, "option --boards: no board named \"nosuch\"; known: host"));
	assert_null(strstr(out, "no results stored yet"));
	free(out);
	assert_int_equal(rig_in(st, &out, "results -w nosuch"), 2);
	assert_non_null(strstr(out, "no workload named \"nosuch\"; known: hello"));
	free(out);
	assert_int_equal(rig_in(st, &out, "results --baseline nosuch"), 2);
	assert_non_null(strstr(out, "option --baseline: no profile with results named \"nosuch\""));
	free(out);
	assert_int_equal(rig_in(st, &out, "results -b host,"), 2);
	assert_non_null(strstr(out, "item 2 is empty"));
	free(out);
	assert_int_equal(rig_in(st, &out, "results -b host -w hello --baseline c"), 0);
	assert_non_null(strstr(out, "hello"));
	free(out);
}

/* The store items: a read-only store directory failed with "cannot create
 * the schema". Run as user nobody when this is root (root ignores modes). */
static void results_read_a_read_only_store(void **state)
{
	const char *st = state_dir("ro");
	char *out = NULL, db[1300];
	const char *as =
	    geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
	int rc;

	RIGTEST_REQUIRE_CMD("gcc");
	if (geteuid() == 0)
		RIGTEST_REQUIRE_CMD("setpriv");
	bench_once(st, "-n 2 --warmup 0");
	snprintf(db, sizeof(db), "%s/rig.db", st);
	assert_int_equal(chmod(rigtest_tmpdir(), 0755), 0);
	assert_int_equal(
	    rigtest_sh(NULL, "chmod -R a+rX '%s' && chmod 444 '%s' && chmod 555 '%s'", st, db, st),
	    0);
	rc = rigtest_sh(&out, "%s'%s' --state-dir '%s' results -f csv 2>&1", as, rig, st);
	if (rc != 0 || !strstr(out, "hello"))
		fail_msg("results on a read-only store (%d): %s", rc, out);
	free(out);
	rc = rigtest_sh(&out, "%s'%s' --state-dir '%s' bench -b host -w hello -p c -n 1 -q 2>&1",
			as, rig, st);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, "read-only") || strstr(out, "cannot create the schema"))
		fail_msg("bench on a read-only store: %s", out);
	free(out);
	rigtest_sh(NULL, "chmod 755 '%s' && chmod 644 '%s'", st, db);
}

/* The store items: schema version 99 was used without a check. */
static void newer_schema_is_refused(void **state)
{
	const char *st = state_dir("v99");
	char *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	bench_once(st, "-n 1 --warmup 0");
	assert_int_equal(rigtest_sh(NULL,
				    "sqlite3 '%s/rig.db' \"update meta set value = '99' where key "
				    "= 'schema'\"",
				    st),
			 0);
	assert_int_equal(rig_in(st, &out, "results"), 1);
	assert_non_null(strstr(out, "schema version 99, newer than this rig's"));
	free(out);
	assert_int_equal(rig_in(st, &out, "bench -b host -w hello -p c -n 1 -q"), 1);
	assert_non_null(strstr(out, "schema version 99"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(changed_plan_starts_a_new_run),
	    cmocka_unit_test(two_benches_on_one_store_do_not_mix),
	    cmocka_unit_test(results_filters_name_what_is_stored),
	    cmocka_unit_test(results_read_a_read_only_store),
	    cmocka_unit_test(newer_schema_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
