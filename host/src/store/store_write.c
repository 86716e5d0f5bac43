/* Writing to the store: environments, builds, runs and their plans, samples
 * and skips. See store.h. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_sqlite.h"

int sq_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
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
	/* looked up and added in one transaction: two benches share the row */
	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = store_prepare(s, "SELECT id FROM envs WHERE hash = ?", &st, err)))
		goto fail;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return store_exec(s, "COMMIT", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = store_prepare(s, "INSERT INTO envs(created, hash) VALUES(?, ?)", &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_db_fail(s, err, "insert env");
		goto fail;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	if ((rc = store_prepare(s, "INSERT OR REPLACE INTO env_facts VALUES(?, ?, ?)", &st, err)))
		goto fail;
	for (size_t i = 0; i < env->n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, env->v[i].key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, env->v[i].value, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_db_fail(s, err, "insert env fact");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return store_exec(s, "COMMIT", err);
fail:
	sqlite3_finalize(st);
	store_exec(s, "ROLLBACK", NULL);
	return rc;
}

static int add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
		     struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(
		 s,
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
	if ((rc = store_prepare(
		 s,
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
		rc = store_db_fail(s, err, "insert build");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int sq_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
		 struct rig_error *err)
{
	/* looked up and added in one transaction: two benches share the row */
	int rc = store_exec(s, "BEGIN IMMEDIATE", err);

	if (rc)
		return rc;
	if ((rc = add_build(s, a, id, err))) {
		store_exec(s, "ROLLBACK", NULL);
		return rc;
	}
	return store_exec(s, "COMMIT", err);
}

/* The newest run with key's identity: its id, plan, samples and owner.
 * 1 found, 0 none, <0 error. */
struct run_row {
	int64_t id;
	int n_planned, warmup, have;
	long long timeout_ms; /* -1: not recorded (a run from schema 1) */
	char owner[160];
};

static int newest_run(struct rig_store *s, const struct rig_run_key *key, struct run_row *r,
		      struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = store_prepare(
		 s,
		 "SELECT r.id, r.n_planned, r.warmup, coalesce(r.timeout_ms, -1), r.owner,"
		 " (SELECT count(*) FROM samples WHERE run_id = r.id)"
		 " FROM runs r WHERE board=? AND build_id=? AND workload=? AND "
		 "iterations=? AND load IS ? ORDER BY r.id DESC LIMIT 1",
		 &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, key->board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, key->build_id);
	sqlite3_bind_text(st, 3, key->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, key->iterations);
	if (key->load)
		sqlite3_bind_text(st, 5, key->load, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 5);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->n_planned = sqlite3_column_int(st, 1);
		r->warmup = sqlite3_column_int(st, 2);
		r->timeout_ms = sqlite3_column_int64(st, 3);
		store_col_text(st, 4, r->owner, sizeof(r->owner));
		r->have = sqlite3_column_int(st, 5);
	}
	rc = step == SQLITE_ROW	   ? 1
	     : step == SQLITE_DONE ? 0
				   : store_db_fail(s, err, "find the run");
	sqlite3_finalize(st);
	return rc;
}

static int insert_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
		      int n_planned, int warmup, int emulated, int64_t *run_id,
		      struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(
		 s,
		 "INSERT INTO runs(started, board, build_id, workload, iterations, env_id, "
		 "n_planned, warmup, emulated, timeout_ms, owner, load) "
		 "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
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
	sqlite3_bind_int64(st, 10, key->timeout_ms);
	sqlite3_bind_text(st, 11, s->owner, -1, SQLITE_TRANSIENT);
	if (key->load)
		sqlite3_bind_text(st, 12, key->load, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 12);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "insert run");
	sqlite3_finalize(st);
	if (!rc)
		*run_id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int set_owner(struct rig_store *s, int64_t run_id, const char *owner, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, "UPDATE runs SET owner = ? WHERE id = ?", &st, err)))
		return rc;
	if (owner)
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, run_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "claim the run");
	sqlite3_finalize(st);
	return rc;
}

/* The run found is taken up again: same plan, not complete, and its bench
 * is gone (or is this one). */
static int resumable(const struct run_row *r, const struct rig_run_key *key, int n_planned,
		     int warmup)
{
	return r->have < r->n_planned && r->n_planned == n_planned && r->warmup == warmup &&
	       r->timeout_ms == key->timeout_ms;
}

/* 1 when this process holds board's current, unexpired lease: whoever
 * measured a run of the board before is fenced off it. */
static int lease_mine(struct rig_store *s, const char *board, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(
		 s, "SELECT 1 FROM leases WHERE board = ? AND owner = ? AND expires_ms >= ?", &st,
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, s->owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, rig_wall_ms());
	rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : store_db_fail(s, err, "read a lease");
	sqlite3_finalize(st);
	return rc;
}

int sq_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id, int n_planned,
		 int warmup, int emulated, int resume, int64_t *run_id, int *have,
		 struct rig_error *err)
{
	struct run_row r = {0};
	int found, rc;

	*have = 0;
	/* One transaction: two benches starting together see each other's run. */
	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((found = newest_run(s, key, &r, err)) < 0) {
		rc = found;
		goto fail;
	}
	if (found && r.have < r.n_planned && strcmp(r.owner, s->owner) != 0 &&
	    rig_store_owner_alive(r.owner) && (rc = lease_mine(s, key->board, err)) <= 0) {
		if (rc < 0)
			goto fail;
		rc = rig_fail(err, RIG_ERR_STORE,
			      "%s: run %lld (%s, %s) is being measured by another rig bench "
			      "(%s); not measuring it twice at once: wait for that bench, or use "
			      "another --db",
			      s->path, (long long)r.id, key->board, key->workload, r.owner);
		goto fail;
	}
	if (found && resume && resumable(&r, key, n_planned, warmup)) {
		*run_id = r.id;
		*have = r.have;
		rc = set_owner(s, r.id, s->owner, err);
	} else {
		rc = insert_run(s, key, env_id, n_planned, warmup, emulated, run_id, err);
	}
	if (rc)
		goto fail;
	return store_exec(s, "COMMIT", err);
fail:
	store_exec(s, "ROLLBACK", NULL);
	return rc;
}

int sq_end_run(struct rig_store *s, int64_t run_id, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, "UPDATE runs SET owner = NULL WHERE id = ? AND owner = ?", &st,
				err)))
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, s->owner, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "release the run");
	sqlite3_finalize(st);
	return rc;
}

/* The sample's histograms, as hex text (store_hex.c). */
static int insert_hists(struct rig_store *s, int64_t sid, const struct rig_sample *smp,
			struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!smp->n_hists)
		return 0;
	if ((rc = store_prepare_kept(s, "INSERT OR REPLACE INTO sample_hists VALUES(?,?,?)", &st,
				     err)))
		return rc;
	for (size_t i = 0; i < smp->n_hists; i++) {
		struct rig_buf hex = {0};
		store_hex_encode(smp->hists[i].data, smp->hists[i].len, &hex);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, smp->hists[i].name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, hex.data ? hex.data : "", -1, SQLITE_TRANSIENT);
		rc =
		    sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "insert histogram");
		rig_buf_free(&hex);
		if (rc) {
			store_kept_done(s, st);
			return rc;
		}
	}
	store_kept_done(s, st);
	return 0;
}

int store_insert_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			const char *board, int64_t token, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t sid;
	int rc;

	if ((rc = store_prepare_kept(
		 s,
		 "INSERT INTO samples(run_id, idx, taken, ok, exit_status, "
		 "fail_reason, stderr_tail, log_path, noise_lines, corrupt_lines, "
		 "cut_lines, retries, lease_token, board) VALUES(?1,?2,?3,?4,?5,?6,?7,"
		 "?8,?9,?10,?11,?12,?13,"
		 "coalesce(?14, (SELECT board FROM runs WHERE id = ?1)))",
		 &st, err)))
		return rc;
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
	if (token > 0)
		sqlite3_bind_int64(st, 13, token);
	else
		sqlite3_bind_null(st, 13);
	if (board)
		sqlite3_bind_text(st, 14, board, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 14);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_db_fail(s, err, "insert sample");
		store_kept_done(s, st);
		return rc;
	}
	store_kept_done(s, st);
	sid = sqlite3_last_insert_rowid(s->db);
	if ((rc =
		 store_prepare_kept(s, "INSERT OR REPLACE INTO metrics VALUES(?,?,?,?)", &st, err)))
		return rc;
	for (size_t i = 0; i < smp->n_metrics; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, smp->metrics[i].name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 3, smp->metrics[i].value);
		sqlite3_bind_text(st, 4, smp->metrics[i].unit, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_db_fail(s, err, "insert metric");
			store_kept_done(s, st);
			return rc;
		}
	}
	store_kept_done(s, st);
	return insert_hists(s, sid, smp, err);
}

int sq_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
		  struct rig_error *err)
{
	int rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = store_insert_sample(s, run_id, idx, smp, NULL, 0, err))) {
		store_exec(s, "ROLLBACK", NULL);
		return rc;
	}
	return store_exec(s, "COMMIT", err);
}

int sq_add_skip(struct rig_store *s, const char *board, const char *toolchain, const char *profile,
		const char *workload, const char *reason, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc =
		 store_prepare(s,
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
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "insert skip");
	sqlite3_finalize(st);
	return rc;
}
