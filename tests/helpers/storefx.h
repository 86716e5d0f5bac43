/* The store tests' fixture: the same cmocka tests run against a SQLite
 * file and against a real PostgreSQL server started for the test
 * (pgserver.c; the PostgreSQL group is skipped with the reason when its
 * binaries are absent). Used by tests/unit/test_backends_*.c. */
#ifndef STOREFX_H
#define STOREFX_H

#include "rigtest.h"

#include <stdint.h>

#include "error.h"
#include "pgserver.h"
#include "store.h"

extern struct rigtest_pg storefx_pg;
/* 1 in the PostgreSQL group, 0 in the SQLite group. */
extern int storefx_use_pg;
/* Why the PostgreSQL group is skipped, when it is. */
extern char storefx_pg_skip[600];

/* Inside a test: skip it when this group's backend is not there. */
#define STOREFX_NEED_BACKEND()                                                                     \
	do {                                                                                       \
		if (storefx_use_pg && !storefx_pg.running) {                                       \
			print_message("[  SKIPPED ] %s\n", storefx_pg_skip);                       \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* A fresh store for one test: a new SQLite file, or a new database on the
 * server (rotating static buffers of 8). */
const char *storefx_url(const char *name);
/* Runs sql on the store with the backend's own library; fails the test on
 * an error. */
void storefx_sql(const char *url, const char *sql);
/* rig_store_open, failing the test on an error. */
struct rig_store *storefx_open(const char *url);
/* Stores one gc hello build (twice: the same id) and returns its id. */
int64_t storefx_add_build(struct rig_store *s);
/* Stores an ok sample with startup_ns = v and ops_per_s = v / 3. */
int storefx_add_sample(struct rig_store *s, int64_t run, int idx, double v, struct rig_error *err);
/* Runs tests[0..n) once on SQLite (group "sqlite") and once on PostgreSQL
 * (group "postgresql"); returns non-zero when any failed. */
int storefx_run_both(const struct CMUnitTest *tests, size_t n);

#endif
