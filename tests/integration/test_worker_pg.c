/* rig submit and two rig worker processes on a PostgreSQL store the test
 * starts (tests/helpers/pgserver.c): real benches of hello/c on the host
 * board, each job run once, every sample written under a lease token, and
 * rig results reading the rows back. Skipped with the reason when the
 * PostgreSQL binaries are absent. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef RIG_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "pgserver.h"

static long pg_long(const char *url, const char *sql)
{
	long v = -1;
#ifdef RIG_HAVE_LIBPQ
	PGconn *c = PQconnectdb(url);
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
#endif
	return v;
}

static void two_workers_run_submitted_benches_into_postgresql(void **state)
{
	struct rigtest_pg pg;
	char reason[600], rig[1200], *out = NULL;
	const char *dir = rigtest_tmpdir();
	int st;

	if (rigtest_pg_start(&pg, reason, sizeof(reason)) != 0) {
		print_message("[  SKIPPED ] %s\n", reason);
		skip();
	}
	snprintf(rig, sizeof(rig), "%s/host/rig", rigtest_binary_dir());
	setenv("RIG_STORE", pg.url, 1);
	assert_int_equal(rigtest_sh(&out, "cd %s && %s db migrate 2>&1", dir, rig), 0);
	assert_non_null(strstr(out, "PostgreSQL store, schema version"));
	free(out);
	/* the same board three times: three jobs, three runs of one cell */
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    rigtest_sh(NULL,
			       "cd %s && %s submit --boards host -- -w hello -t c -n 2 "
			       "--no-resume >/dev/null 2>&1",
			       dir, rig),
		    0);
	st = rigtest_sh(&out,
			"cd %s && (%s worker --name a --exit-when-idle --poll 100ms 2>&1 &"
			" %s worker --name b --exit-when-idle --poll 100ms 2>&1; wait)",
			dir, rig, rig);
	if (st != 0)
		fail_msg("workers: %s", out);
	free(out);
	assert_int_equal(pg_long(pg.url, "SELECT count(*) FROM jobs WHERE state = 'done'"), 3);
	assert_int_equal(pg_long(pg.url, "SELECT max(attempts) FROM jobs"), 1);
	assert_int_equal(pg_long(pg.url, "SELECT count(*) FROM runs"), 3);
	assert_int_equal(pg_long(pg.url, "SELECT count(*) FROM samples WHERE ok = 1"), 6);
	assert_int_equal(pg_long(pg.url, "SELECT count(*) FROM samples WHERE lease_token IS NULL"),
			 0);
	assert_int_equal(rigtest_sh(&out, "cd %s && %s results 2>&1", dir, rig), 0);
	assert_non_null(strstr(out, "hello"));
	free(out);
	unsetenv("RIG_STORE");
	rigtest_pg_stop(&pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_workers_run_submitted_benches_into_postgresql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
