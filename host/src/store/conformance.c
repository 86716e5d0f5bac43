/* Conformance results in the store: see conformance.h. */
#include "conformance.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS conformance_runs("
    "  id INTEGER PRIMARY KEY, started INTEGER NOT NULL, finished INTEGER,"
    "  board TEXT NOT NULL, env_id INTEGER REFERENCES envs(id), runtime TEXT,"
    "  runtime_version TEXT, command TEXT);"
    "CREATE TABLE IF NOT EXISTS conformance_results("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES conformance_runs(id),"
    "  suite TEXT NOT NULL, suite_commit TEXT, test TEXT NOT NULL, module_sha256 TEXT,"
    "  verdict TEXT NOT NULL CHECK(verdict IN ('pass','fail','timeout','skip','error')),"
    "  reason TEXT, first_diff TEXT, expectation TEXT, expectation_note TEXT,"
    "  static_check TEXT, exit_status INTEGER, wall_ns INTEGER, argv TEXT,"
    "  stdout_head TEXT, stderr_head TEXT,"
    "  UNIQUE(run_id, suite, test));"
    "CREATE INDEX IF NOT EXISTS conformance_results_test"
    "  ON conformance_results(suite, test);"
    "CREATE INDEX IF NOT EXISTS conformance_results_sha"
    "  ON conformance_results(module_sha256);";

static int db_fail(sqlite3 *db, struct rig_error *err, const char *what)
{
	return rig_fail(err, RIG_ERR_STORE, "conformance results: %s: %s", what,
			sqlite3_errmsg(db));
}

/* Conformance results live in SQLite stores only, for now. */
static int pg_refused(struct rig_store *s, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED,
			"%s: conformance results are kept in SQLite stores only: use a --db "
			"file for rig wasi-test",
			rig_store_path(s));
}

static int ensure(struct rig_store *s, sqlite3 **db, struct rig_error *err)
{
	*db = rig_store_db(s);
	if (!*db)
		return pg_refused(s, err);
	if (sqlite3_exec(*db, schema, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(*db, err, "create tables");
	return 0;
}

/* Readers work on a read-only store too: no tables yet is no rows. */
static int have_tables(struct rig_store *s, sqlite3 **db)
{
	sqlite3_stmt *st;
	int n = 0;

	*db = rig_store_db(s);
	if (!*db)
		return 0;
	if (sqlite3_prepare_v2(
		*db,
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
		"('conformance_runs', 'conformance_results')",
		-1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n == 2;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

int rig_conf_begin(struct rig_store *s, const struct rig_conf_run *r, int64_t *run_id,
		   struct rig_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	if ((rc = ensure(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO conformance_runs(started, board, env_id, runtime, "
			       "runtime_version, command) VALUES(?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, rig_wall_s());
	bind_text(st, 2, r->board);
	if (r->env_id > 0)
		sqlite3_bind_int64(st, 3, r->env_id);
	else
		sqlite3_bind_null(st, 3);
	bind_text(st, 4, r->runtime);
	bind_text(st, 5, r->runtime_version);
	bind_text(st, 6, r->command);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, err, "insert run");
	sqlite3_finalize(st);
	if (!rc)
		*run_id = sqlite3_last_insert_rowid(db);
	return rc;
}

int rig_conf_finish(struct rig_store *s, int64_t run_id, struct rig_error *err)
{
	sqlite3 *db = rig_store_db(s);
	sqlite3_stmt *st;
	int rc;

	if (!db)
		return pg_refused(s, err);
	if (sqlite3_prepare_v2(db, "UPDATE conformance_runs SET finished = ? WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_int64(st, 2, run_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, err, "finish run");
	sqlite3_finalize(st);
	return rc;
}

int rig_conf_add(struct rig_store *s, const struct rig_conf_row *row, struct rig_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	if ((rc = ensure(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(
		db,
		"INSERT OR REPLACE INTO conformance_results(run_id, suite, suite_commit, test, "
		"module_sha256, verdict, reason, first_diff, expectation, expectation_note, "
		"static_check, exit_status, wall_ns, argv, stdout_head, stderr_head) "
		"VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		-1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, row->run_id);
	bind_text(st, 2, row->suite);
	bind_text(st, 3, row->suite_commit);
	bind_text(st, 4, row->test);
	bind_text(st, 5, row->module_sha256);
	bind_text(st, 6, row->verdict);
	bind_text(st, 7, row->reason);
	bind_text(st, 8, row->first_diff);
	bind_text(st, 9, row->expectation);
	bind_text(st, 10, row->expectation_note);
	bind_text(st, 11, row->static_check);
	sqlite3_bind_int(st, 12, row->exit_status);
	sqlite3_bind_int64(st, 13, row->wall_ns);
	bind_text(st, 14, row->argv);
	bind_text(st, 15, row->stdout_head);
	bind_text(st, 16, row->stderr_head);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, err, "insert verdict");
	sqlite3_finalize(st);
	return rc;
}

#define ROW_COLS                                                                                   \
	"c.run_id, r.started, r.board, r.runtime, r.runtime_version, c.suite, c.suite_commit,"     \
	" c.test, c.module_sha256, c.verdict, c.reason, c.first_diff, c.expectation,"              \
	" c.expectation_note, c.static_check, c.exit_status, c.wall_ns, c.argv, c.stdout_head,"    \
	" c.stderr_head"

static void col(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, int base, struct rig_conf_row *r)
{
	memset(r, 0, sizeof(*r));
	r->run_id = sqlite3_column_int64(st, base + 0);
	r->at = sqlite3_column_int64(st, base + 1);
	col(st, base + 2, r->board, sizeof(r->board));
	col(st, base + 3, r->runtime, sizeof(r->runtime));
	col(st, base + 4, r->runtime_version, sizeof(r->runtime_version));
	col(st, base + 5, r->suite, sizeof(r->suite));
	col(st, base + 6, r->suite_commit, sizeof(r->suite_commit));
	col(st, base + 7, r->test, sizeof(r->test));
	col(st, base + 8, r->module_sha256, sizeof(r->module_sha256));
	col(st, base + 9, r->verdict, sizeof(r->verdict));
	col(st, base + 10, r->reason, sizeof(r->reason));
	col(st, base + 11, r->first_diff, sizeof(r->first_diff));
	col(st, base + 12, r->expectation, sizeof(r->expectation));
	col(st, base + 13, r->expectation_note, sizeof(r->expectation_note));
	col(st, base + 14, r->static_check, sizeof(r->static_check));
	r->exit_status = sqlite3_column_int(st, base + 15);
	r->wall_ns = sqlite3_column_int64(st, base + 16);
	col(st, base + 17, r->argv, sizeof(r->argv));
	col(st, base + 18, r->stdout_head, sizeof(r->stdout_head));
	col(st, base + 19, r->stderr_head, sizeof(r->stderr_head));
}

static int each(struct rig_store *s, const char *sql, const char *a1, rig_conf_cb cb, void *ctx,
		struct rig_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc = 0, step;

	if (!have_tables(s, &db))
		return 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, "prepare");
	if (a1)
		sqlite3_bind_text(st, 1, a1, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_conf_row r;
		read_row(st, 0, &r);
		if ((rc = cb(ctx, &r)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, err, "query");
	sqlite3_finalize(st);
	return rc;
}

int rig_conf_each_latest(struct rig_store *s, const char *board, rig_conf_cb cb, void *ctx,
			 struct rig_error *err)
{
	return each(s,
		    "SELECT " ROW_COLS " FROM conformance_results c"
		    " JOIN conformance_runs r ON r.id = c.run_id"
		    " WHERE c.id IN (SELECT max(c2.id) FROM conformance_results c2"
		    "   JOIN conformance_runs r2 ON r2.id = c2.run_id"
		    "   WHERE ?1 IS NULL OR r2.board = ?1"
		    "   GROUP BY r2.board, c2.suite, c2.test)"
		    " ORDER BY c.suite, c.test, r.board",
		    board, cb, ctx, err);
}

int rig_conf_each_module(struct rig_store *s, const char *sha256, rig_conf_cb cb, void *ctx,
			 struct rig_error *err)
{
	return each(s,
		    "SELECT " ROW_COLS " FROM conformance_results c"
		    " JOIN conformance_runs r ON r.id = c.run_id"
		    " WHERE c.id IN (SELECT max(c2.id) FROM conformance_results c2"
		    "   JOIN conformance_runs r2 ON r2.id = c2.run_id"
		    "   WHERE c2.module_sha256 = ?1 GROUP BY r2.board)"
		    " ORDER BY r.board",
		    sha256, cb, ctx, err);
}

int rig_conf_regressions(struct rig_store *s, const char *board, int64_t baseline_at,
			 rig_conf_regression_cb cb, void *ctx, struct rig_error *err)
{
	/* now: the newest verdict per (board, suite, test); base: the newest
	 * before it (and at or before baseline_at when given) */
	static const char sql[] =
	    "WITH now AS (SELECT max(c.id) AS id, r.board AS board, c.suite AS suite,"
	    "    c.test AS test FROM conformance_results c"
	    "    JOIN conformance_runs r ON r.id = c.run_id"
	    "    WHERE ?1 IS NULL OR r.board = ?1 GROUP BY r.board, c.suite, c.test),"
	    " pairs AS (SELECT now.id AS now_id,"
	    "    (SELECT max(c.id) FROM conformance_results c"
	    "      JOIN conformance_runs r ON r.id = c.run_id"
	    "      WHERE r.board = now.board AND c.suite = now.suite AND c.test = now.test"
	    "        AND c.id < now.id AND (?2 = 0 OR r.started <= ?2)) AS base_id FROM now)"
	    "SELECT " ROW_COLS ", "
	    "  b.run_id, rb.started, rb.board, rb.runtime, rb.runtime_version, b.suite,"
	    "  b.suite_commit, b.test, b.module_sha256, b.verdict, b.reason, b.first_diff,"
	    "  b.expectation, b.expectation_note, b.static_check, b.exit_status, b.wall_ns,"
	    "  b.argv, b.stdout_head, b.stderr_head"
	    " FROM pairs JOIN conformance_results c ON c.id = pairs.now_id"
	    " JOIN conformance_runs r ON r.id = c.run_id"
	    " JOIN conformance_results b ON b.id = pairs.base_id"
	    " JOIN conformance_runs rb ON rb.id = b.run_id"
	    " WHERE b.verdict = 'pass' AND c.verdict IN ('fail', 'timeout', 'error')"
	    " ORDER BY r.board, c.suite, c.test";
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc = 0, step, n = 0;

	if (!have_tables(s, &db))
		return 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, "prepare");
	if (board)
		sqlite3_bind_text(st, 1, board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, baseline_at);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_conf_row now, base;
		read_row(st, 0, &now);
		read_row(st, 20, &base);
		n++;
		if (cb && (rc = cb(ctx, &now, &base)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, err, "query regressions");
	sqlite3_finalize(st);
	return rc ? rc : n;
}
