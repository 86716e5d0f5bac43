/* The store tests' fixture (storefx.h). */
#include "storefx.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#ifdef RIG_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "results.h"

struct rigtest_pg storefx_pg;
int storefx_use_pg;
char storefx_pg_skip[600];

/* A fresh store for one test: a new file, or a new database. */
const char *storefx_url(const char *name)
{
	static char url[8][1200];
	static int k;

	k = (k + 1) % 8;
	if (!storefx_use_pg) {
		snprintf(url[k], sizeof(url[k]), "%s/%s.db", rigtest_tmpdir(), name);
		return url[k];
	}
	if (rigtest_pg_newdb(&storefx_pg, name, url[k], sizeof(url[k])) != 0)
		fail_msg("cannot create database %s", name);
	return url[k];
}

/* Runs sql on the store with the backend's own library. */
void storefx_sql(const char *url, const char *sql)
{
	if (!storefx_use_pg) {
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

struct rig_store *storefx_open(const char *url)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};

	if (rig_store_open(url, &s, &err))
		fail_msg("%s", err.msg);
	return s;
}

int64_t storefx_add_build(struct rig_store *s)
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

int storefx_add_sample(struct rig_store *s, int64_t run, int idx, double v, struct rig_error *err)
{
	struct rig_sample smp = {.ok = 1};
	int rc;

	rig_sample_set(&smp, "startup_ns", v, "ns");
	rig_sample_set(&smp, "ops_per_s", v / 3, "1/s");
	rc = rig_store_add_sample(s, run, idx, &smp, err);
	rig_sample_free(&smp);
	return rc;
}

static int sqlite_setup(void **state)
{
	storefx_use_pg = 0;
	return 0;
}

static int pg_setup(void **state)
{
	storefx_use_pg = 1;
	if (rigtest_pg_start(&storefx_pg, storefx_pg_skip, sizeof(storefx_pg_skip)) != 0)
		print_message("[  SKIPPED ] PostgreSQL: %s\n", storefx_pg_skip);
	return 0;
}

static int pg_teardown(void **state)
{
	rigtest_pg_stop(&storefx_pg);
	return 0;
}

int storefx_run_both(const struct CMUnitTest *tests, size_t n)
{
	int rc;

	rc = _cmocka_run_group_tests("sqlite", tests, n, sqlite_setup, NULL);
	rc |= _cmocka_run_group_tests("postgresql", tests, n, pg_setup, pg_teardown);
	return rc;
}
