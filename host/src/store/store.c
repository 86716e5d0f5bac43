/* The SQLite results store: see store.h. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct rig_store {
	sqlite3 *db;
	char path[1024];
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS envs("
    "  id INTEGER PRIMARY KEY, created INTEGER NOT NULL, hash TEXT UNIQUE);"
    "CREATE TABLE IF NOT EXISTS env_facts("
    "  env_id INTEGER NOT NULL REFERENCES envs(id), key TEXT NOT NULL, value TEXT,"
    "  PRIMARY KEY(env_id, key));"
    "CREATE TABLE IF NOT EXISTS builds("
    "  id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL, build_key TEXT NOT NULL, toolchain TEXT NOT NULL,"
    "  profile TEXT NOT NULL, workload TEXT NOT NULL, lang TEXT,"
    "  target_os TEXT, target_arch TEXT, target_variant TEXT,"
    "  tc_version TEXT, command TEXT, env TEXT, build_ns INTEGER, path TEXT,"
    "  file_bytes INTEGER, text_bytes INTEGER, data_bytes INTEGER, bss_bytes INTEGER,"
    "  alloc_bytes INTEGER, elf_machine INTEGER, extra_name TEXT, extra_bytes INTEGER,"
    "  UNIQUE(sha256, profile, workload, target_os, target_arch, target_variant));"
    "CREATE TABLE IF NOT EXISTS runs("
    "  id INTEGER PRIMARY KEY, started INTEGER NOT NULL, board TEXT NOT NULL,"
    "  build_id INTEGER NOT NULL REFERENCES builds(id), workload TEXT NOT NULL,"
    "  iterations INTEGER NOT NULL, env_id INTEGER REFERENCES envs(id),"
    "  n_planned INTEGER NOT NULL, warmup INTEGER NOT NULL, emulated INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS runs_key ON runs(board, build_id, workload, iterations);"
    "CREATE TABLE IF NOT EXISTS samples("
    "  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
    "  idx INTEGER NOT NULL, taken INTEGER NOT NULL, ok INTEGER NOT NULL,"
    "  exit_status INTEGER, fail_reason TEXT, stderr_tail TEXT, log_path TEXT,"
    "  noise_lines INTEGER, corrupt_lines INTEGER, cut_lines INTEGER, retries INTEGER,"
    "  UNIQUE(run_id, idx));"
    "CREATE TABLE IF NOT EXISTS metrics("
    "  sample_id INTEGER NOT NULL REFERENCES samples(id), name TEXT NOT NULL,"
    "  value REAL NOT NULL, unit TEXT, PRIMARY KEY(sample_id, name));"
    "CREATE TABLE IF NOT EXISTS skips("
    "  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, board TEXT, toolchain TEXT,"
    "  profile TEXT, workload TEXT, reason TEXT);"
    "INSERT OR IGNORE INTO meta VALUES('schema', '1');";

static int db_fail(struct rig_store *s, struct rig_error *err, const char *what)
{
	return rig_fail(err, RIG_ERR_STORE, "%s: %s: %s (%s)", s->path, what, sqlite3_errmsg(s->db),
			sqlite3_errstr(sqlite3_extended_errcode(s->db)));
}

int rig_store_open(const char *path, struct rig_store **out, struct rig_error *err)
{
	struct rig_store *s = rig_xcalloc(1, sizeof(*s));
	char *msg = NULL;

	snprintf(s->path, sizeof(s->path), "%s", path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		int rc = rig_fail(err, RIG_ERR_STORE, "%s: cannot open the store: %s", path,
				  s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		free(s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = rig_fail(err, RIG_ERR_STORE, "%s: cannot create the schema: %s", path,
				  msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(s->db);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void rig_store_close(struct rig_store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

struct sqlite3 *rig_store_db(struct rig_store *s) { return s->db; }

static int prepare(struct rig_store *s, const char *sql, sqlite3_stmt **st, struct rig_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(s, err, "prepare");
	return 0;
}

static int exec(struct rig_store *s, const char *sql, struct rig_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, sql);
	return 0;
}

int rig_store_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
		      struct rig_error *err)
{
	struct rig_buf b = {0};
	char hash[65];
	sqlite3_stmt *st = NULL;
	int rc;

	/* Identical environments share a row. */
	for (size_t i = 0; i < env->n; i++)
		rig_buf_appendf(&b, "%s=%s\n", env->v[i].key, env->v[i].value);
	rig_sha256_hex(b.data ? b.data : "", b.len, hash);
	rig_buf_free(&b);
	if ((rc = prepare(s, "SELECT id FROM envs WHERE hash = ?", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = prepare(s, "INSERT INTO envs(created, hash) VALUES(?, ?)", &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(s, err, "insert env");
		goto fail;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	if ((rc = prepare(s, "INSERT OR REPLACE INTO env_facts VALUES(?, ?, ?)", &st, err)))
		goto fail;
	for (size_t i = 0; i < env->n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, env->v[i].key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, env->v[i].value, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_fail(s, err, "insert env fact");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return exec(s, "COMMIT", err);
fail:
	sqlite3_finalize(st);
	exec(s, "ROLLBACK", NULL);
	return rc;
}

int rig_store_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
			struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(s,
			  "SELECT id FROM builds WHERE sha256=? AND profile=? AND workload=? AND "
			  "target_os=? AND target_arch=? AND target_variant=?",
			  &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, a->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, a->profile, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, a->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, a->target.os, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, a->target.arch, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, a->target.variant, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if ((rc = prepare(s,
			  "INSERT INTO builds(created, sha256, build_key, toolchain, profile, "
			  "workload, lang, target_os, target_arch, target_variant, tc_version, "
			  "command, env, build_ns, path, file_bytes, text_bytes, data_bytes, "
			  "bss_bytes, alloc_bytes, elf_machine, extra_name, extra_bytes) "
			  "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, a->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, a->key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, a->toolchain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, a->profile, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, a->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, a->lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, a->target.os, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, a->target.arch, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, a->target.variant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, a->tc_version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 12, a->command, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, a->env, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 14, a->build_ns);
	sqlite3_bind_text(st, 15, a->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 16, a->sizes.file_bytes);
	sqlite3_bind_int64(st, 17, a->sizes.text_bytes);
	sqlite3_bind_int64(st, 18, a->sizes.data_bytes);
	sqlite3_bind_int64(st, 19, a->sizes.bss_bytes);
	sqlite3_bind_int64(st, 20, a->sizes.alloc_bytes);
	sqlite3_bind_int(st, 21, a->sizes.elf_machine);
	sqlite3_bind_text(st, 22, a->sizes.extra_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 23, a->sizes.extra_bytes);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(s, err, "insert build");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int rig_store_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
			int n_planned, int warmup, int emulated, int resume, int64_t *run_id,
			int *have, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*have = 0;
	if (resume) {
		if ((rc = prepare(s,
				  "SELECT r.id, (SELECT count(*) FROM samples WHERE run_id = r.id) "
				  "FROM runs r WHERE board=? AND build_id=? AND workload=? AND "
				  "iterations=? ORDER BY r.id DESC LIMIT 1",
				  &st, err)))
			return rc;
		sqlite3_bind_text(st, 1, key->board, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, key->build_id);
		sqlite3_bind_text(st, 3, key->workload, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, key->iterations);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 1) < n_planned) {
			*run_id = sqlite3_column_int64(st, 0);
			*have = sqlite3_column_int(st, 1);
			sqlite3_finalize(st);
			/* the plan may have grown */
			if ((rc = prepare(
				 s, "UPDATE runs SET n_planned = max(n_planned, ?) WHERE id = ?",
				 &st, err)))
				return rc;
			sqlite3_bind_int(st, 1, n_planned);
			sqlite3_bind_int64(st, 2, *run_id);
			sqlite3_step(st);
			sqlite3_finalize(st);
			return 0;
		}
		sqlite3_finalize(st);
	}
	if ((rc =
		 prepare(s,
			 "INSERT INTO runs(started, board, build_id, workload, iterations, env_id, "
			 "n_planned, warmup, emulated) VALUES(?,?,?,?,?,?,?,?,?)",
			 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, key->board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, key->build_id);
	sqlite3_bind_text(st, 4, key->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, key->iterations);
	if (env_id > 0)
		sqlite3_bind_int64(st, 6, env_id);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int(st, 7, n_planned);
	sqlite3_bind_int(st, 8, warmup);
	sqlite3_bind_int(st, 9, emulated);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(s, err, "insert run");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*run_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int rig_store_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			 struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t sid;
	int rc;

	if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = prepare(s,
			  "INSERT INTO samples(run_id, idx, taken, ok, exit_status, "
			  "fail_reason, stderr_tail, log_path, noise_lines, corrupt_lines, "
			  "cut_lines, retries) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
			  &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, idx);
	sqlite3_bind_int64(st, 3, rig_wall_s());
	sqlite3_bind_int(st, 4, smp->ok);
	sqlite3_bind_int(st, 5, smp->exit_status);
	sqlite3_bind_text(st, 6, smp->fail_reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, smp->stderr_tail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, smp->log_path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)smp->noise_lines);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)smp->corrupt_lines);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)smp->cut_lines);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)smp->retries);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(s, err, "insert sample");
		goto fail;
	}
	sqlite3_finalize(st);
	sid = sqlite3_last_insert_rowid(s->db);
	if ((rc = prepare(s, "INSERT OR REPLACE INTO metrics VALUES(?,?,?,?)", &st, err)))
		goto fail;
	for (size_t i = 0; i < smp->n_metrics; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, smp->metrics[i].name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 3, smp->metrics[i].value);
		sqlite3_bind_text(st, 4, smp->metrics[i].unit, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_fail(s, err, "insert metric");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return exec(s, "COMMIT", err);
fail:
	sqlite3_finalize(st);
	exec(s, "ROLLBACK", NULL);
	return rc;
}

int rig_store_add_skip(struct rig_store *s, const char *board, const char *toolchain,
		       const char *profile, const char *workload, const char *reason,
		       struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(s,
			  "INSERT INTO skips(at, board, toolchain, profile, workload, reason) "
			  "VALUES(?,?,?,?,?,?)",
			  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, toolchain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, profile, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, reason, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, err, "insert skip");
	sqlite3_finalize(st);
	return rc;
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

int rig_store_each_series(struct rig_store *s, const char *board_filter,
			  const char *workload_filter, rig_series_cb cb, void *ctx,
			  struct rig_error *err)
{
	/* The newest run per (board, profile, workload, target), then its
	 * metrics over ok samples. */
	static const char sql[] =
	    "WITH latest AS ("
	    "  SELECT max(r.id) AS id FROM runs r JOIN builds b ON b.id = r.build_id"
	    "  WHERE (?1 IS NULL OR r.board = ?1) AND (?2 IS NULL OR r.workload = ?2)"
	    "  GROUP BY r.board, b.profile, r.workload, b.target_os, b.target_arch,"
	    "           b.target_variant)"
	    "SELECT r.id, r.board, b.toolchain, b.profile, r.workload,"
	    "  b.target_os || '/' || b.target_arch ||"
	    "    CASE WHEN b.target_variant <> '' THEN '/' || b.target_variant ELSE '' END,"
	    "  r.emulated, r.iterations, r.started,"
	    "  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 1),"
	    "  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 0),"
	    "  b.file_bytes, b.text_bytes, b.data_bytes, b.bss_bytes, b.alloc_bytes,"
	    "  b.elf_machine, b.extra_name, b.extra_bytes, b.sha256, b.tc_version,"
	    "  m.name, m.unit,"
	    "  (SELECT group_concat(key, ',') FROM env_facts WHERE env_id = r.env_id"
	    "     AND key IN ('hot', 'throttled') AND value = 'yes')"
	    " FROM latest JOIN runs r ON r.id = latest.id JOIN builds b ON b.id = r.build_id"
	    " LEFT JOIN (SELECT DISTINCT s.run_id, mm.name, mm.unit FROM metrics mm"
	    "            JOIN samples s ON s.id = mm.sample_id WHERE s.ok = 1) m"
	    "   ON m.run_id = r.id"
	    " ORDER BY r.board, r.workload, b.profile, m.name";
	sqlite3_stmt *st = NULL, *vals = NULL;
	int rc, step;

	if ((rc = prepare(s, sql, &st, err)))
		return rc;
	if ((rc = prepare(s,
			  "SELECT mm.value FROM metrics mm JOIN samples s ON s.id = mm.sample_id "
			  "WHERE s.run_id = ? AND s.ok = 1 AND mm.name = ? ORDER BY s.idx",
			  &vals, err))) {
		sqlite3_finalize(st);
		return rc;
	}
	if (board_filter)
		sqlite3_bind_text(st, 1, board_filter, -1, SQLITE_TRANSIENT);
	if (workload_filter)
		sqlite3_bind_text(st, 2, workload_filter, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_series sr;
		size_t cap = 0;

		memset(&sr, 0, sizeof(sr));
		sr.run_id = sqlite3_column_int64(st, 0);
		col_text(st, 1, sr.board, sizeof(sr.board));
		col_text(st, 2, sr.toolchain, sizeof(sr.toolchain));
		col_text(st, 3, sr.profile, sizeof(sr.profile));
		col_text(st, 4, sr.workload, sizeof(sr.workload));
		col_text(st, 5, sr.target, sizeof(sr.target));
		sr.emulated = sqlite3_column_int(st, 6);
		sr.iterations = sqlite3_column_int64(st, 7);
		sr.started = sqlite3_column_int64(st, 8);
		sr.n_ok = sqlite3_column_int(st, 9);
		sr.n_failed = sqlite3_column_int(st, 10);
		sr.sizes.file_bytes = sqlite3_column_int64(st, 11);
		sr.sizes.text_bytes = sqlite3_column_int64(st, 12);
		sr.sizes.data_bytes = sqlite3_column_int64(st, 13);
		sr.sizes.bss_bytes = sqlite3_column_int64(st, 14);
		sr.sizes.alloc_bytes = sqlite3_column_int64(st, 15);
		sr.sizes.elf_machine = sqlite3_column_int(st, 16);
		col_text(st, 17, sr.sizes.extra_name, sizeof(sr.sizes.extra_name));
		sr.sizes.extra_bytes = sqlite3_column_int64(st, 18);
		col_text(st, 19, sr.sha256, sizeof(sr.sha256));
		col_text(st, 20, sr.tc_version, sizeof(sr.tc_version));
		col_text(st, 21, sr.metric, sizeof(sr.metric));
		col_text(st, 22, sr.unit, sizeof(sr.unit));
		col_text(st, 23, sr.flags, sizeof(sr.flags));
		if (sr.metric[0]) {
			sqlite3_reset(vals);
			sqlite3_bind_int64(vals, 1, sr.run_id);
			sqlite3_bind_text(vals, 2, sr.metric, -1, SQLITE_TRANSIENT);
			while (sqlite3_step(vals) == SQLITE_ROW) {
				if (sr.n_values == cap) {
					cap = cap ? cap * 2 : 16;
					sr.values = rig_xrealloc(sr.values, cap * sizeof(double));
				}
				sr.values[sr.n_values++] = sqlite3_column_double(vals, 0);
			}
		}
		rc = cb(ctx, &sr);
		free(sr.values);
		if (rc)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(s, err, "query results");
	sqlite3_finalize(st);
	sqlite3_finalize(vals);
	return rc;
}

int rig_store_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
			struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	if ((rc = prepare(
		 s,
		 "SELECT board, toolchain, profile, workload, reason FROM skips WHERE id IN"
		 " (SELECT max(id) FROM skips WHERE at >= ? GROUP BY board, profile, workload)"
		 " ORDER BY board, workload, profile",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, since);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_skip sk;
		col_text(st, 0, sk.board, sizeof(sk.board));
		col_text(st, 1, sk.toolchain, sizeof(sk.toolchain));
		col_text(st, 2, sk.profile, sizeof(sk.profile));
		col_text(st, 3, sk.workload, sizeof(sk.workload));
		col_text(st, 4, sk.reason, sizeof(sk.reason));
		if ((rc = cb(ctx, &sk)))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(s, err, "query skips");
	sqlite3_finalize(st);
	return rc;
}
