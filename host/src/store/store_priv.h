/*
 * What the store's files share and nothing else sees: the handle and the
 * small SQLite helpers. store.c opens, migrates and closes; store_write.c
 * adds environments, builds, runs and samples; store_read.c reads them back.
 */
#ifndef RIG_STORE_PRIV_H
#define RIG_STORE_PRIV_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sample.h"

struct rig_store {
	sqlite3 *db;
	char path[1024];
	char owner[160]; /* this process, as runs.owner names it */
};

/* Fails err with what the SQLite error on s means for a person ("the store
 * is busy", "read-only here", ...), naming the file and what was being done;
 * returns the error code. */
int store_db_fail(struct rig_store *s, struct rig_error *err, const char *what);

/* sqlite3_prepare_v2 on s, failing err with store_db_fail. */
int store_prepare(struct rig_store *s, const char *sql, sqlite3_stmt **st, struct rig_error *err);

/* sqlite3_exec of sql (no rows wanted), failing err with store_db_fail. */
int store_exec(struct rig_store *s, const char *sql, struct rig_error *err);

/* Column i of the current row as text into out ("" for NULL), truncated to cap. */
void store_col_text(sqlite3_stmt *st, int i, char *out, size_t cap);

/* Inserts a sample and its metrics inside the caller's transaction; token
 * (> 0) is the lease it was written under, else NULL. */
int store_insert_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			int64_t token, struct rig_error *err);

#endif
