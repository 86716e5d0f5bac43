/* Writing to a PostgreSQL store: environments, builds, runs, samples and
 * skips, with the SQLite backend's contract (store.h). A "look up, else
 * insert" is serialised by an advisory lock, as BEGIN IMMEDIATE does on
 * SQLite, so two benches starting together share one row. */
#ifdef RIG_HAVE_LIBPQ
#include "store_pg_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pg_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
	       struct rig_error *err)
{
	struct rig_buf b = {0};
	struct pg_params p = {0};
	PGresult *res;
	char hash[65];
	int rc;

	for (size_t i = 0; i < env->n; i++)
		rig_buf_appendf(&b, "%s=%s\n", env->v[i].key, env->v[i].value);
	rig_sha256_hex(b.data ? b.data : "", b.len, hash);
	rig_buf_free(&b);
	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = pg_lock(s, "rig.envs", err)))
		return pg_rollback(s, rc);
	pgp_text(&p, hash);
	if ((rc = pg_run(s, "SELECT id FROM envs WHERE hash = $1", &p, &res, "find env", err)))
		return pg_rollback(s, rc);
	if (PQntuples(res) > 0) {
		*id = pg_int(res, 0, 0);
		PQclear(res);
		return pg_commit(s, err);
	}
	PQclear(res);
	p.n = 0;
	pgp_int(&p, rig_wall_s());
	pgp_text(&p, hash);
	if ((rc = pg_run(s, "INSERT INTO envs(created, hash) VALUES($1, $2) RETURNING id", &p, &res,
			 "insert env", err)))
		return pg_rollback(s, rc);
	*id = pg_int(res, 0, 0);
	PQclear(res);
	for (size_t i = 0; i < env->n; i++) {
		p.n = 0;
		pgp_int(&p, *id);
		pgp_text(&p, env->v[i].key);
		pgp_text(&p, env->v[i].value);
		if ((rc = pg_run(
			 s,
			 "INSERT INTO env_facts VALUES($1, $2, $3) ON CONFLICT (env_id, key) "
			 "DO UPDATE SET value = excluded.value",
			 &p, NULL, "insert env fact", err)))
			return pg_rollback(s, rc);
	}
	return pg_commit(s, err);
}

int pg_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
		 struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = pg_lock(s, "rig.builds", err)))
		return pg_rollback(s, rc);
	pgp_text(&p, a->sha256);
	pgp_text(&p, a->profile);
	pgp_text(&p, a->workload);
	pgp_text(&p, a->target.os);
	pgp_text(&p, a->target.arch);
	pgp_text(&p, a->target.variant);
	if ((rc = pg_run(s,
			 "SELECT id FROM builds WHERE sha256=$1 AND profile=$2 AND workload=$3 AND "
			 "target_os=$4 AND target_arch=$5 AND target_variant=$6",
			 &p, &res, "find build", err)))
		return pg_rollback(s, rc);
	if (PQntuples(res) > 0) {
		*id = pg_int(res, 0, 0);
		PQclear(res);
		return pg_commit(s, err);
	}
	PQclear(res);
	p.n = 0;
	pgp_int(&p, rig_wall_s());
	pgp_text(&p, a->sha256);
	pgp_text(&p, a->key);
	pgp_text(&p, a->toolchain);
	pgp_text(&p, a->profile);
	pgp_text(&p, a->workload);
	pgp_text(&p, a->lang);
	pgp_text(&p, a->target.os);
	pgp_text(&p, a->target.arch);
	pgp_text(&p, a->target.variant);
	pgp_text(&p, a->tc_version);
	pgp_text(&p, a->command);
	pgp_text(&p, a->env);
	pgp_int(&p, a->build_ns);
	pgp_text(&p, a->path);
	pgp_int(&p, a->sizes.file_bytes);
	pgp_int(&p, a->sizes.text_bytes);
	pgp_int(&p, a->sizes.data_bytes);
	pgp_int(&p, a->sizes.bss_bytes);
	pgp_int(&p, a->sizes.alloc_bytes);
	pgp_int(&p, a->sizes.elf_machine);
	pgp_text(&p, a->sizes.extra_name);
	pgp_int(&p, a->sizes.extra_bytes);
	if ((rc = pg_run(s,
			 "INSERT INTO builds(created, sha256, build_key, toolchain, profile, "
			 "workload, lang, target_os, target_arch, target_variant, tc_version, "
			 "command, env, build_ns, path, file_bytes, text_bytes, data_bytes, "
			 "bss_bytes, alloc_bytes, elf_machine, extra_name, extra_bytes) "
			 "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,"
			 "$19,$20,$21,$22,$23) RETURNING id",
			 &p, &res, "insert build", err)))
		return pg_rollback(s, rc);
	*id = pg_int(res, 0, 0);
	PQclear(res);
	return pg_commit(s, err);
}

struct run_row {
	int64_t id;
	int n_planned, warmup, have;
	long long timeout_ms;
	char owner[160];
};

static int newest_run(struct rig_store *s, const struct rig_run_key *key, struct run_row *r,
		      struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, found;

	pgp_text(&p, key->board);
	pgp_int(&p, key->build_id);
	pgp_text(&p, key->workload);
	pgp_int(&p, key->iterations);
	pgp_text(&p, key->load);
	if ((rc = pg_run(s,
			 "SELECT r.id, r.n_planned, r.warmup, coalesce(r.timeout_ms, -1), r.owner,"
			 " (SELECT count(*) FROM samples WHERE run_id = r.id)"
			 " FROM runs r WHERE board=$1 AND build_id=$2 AND workload=$3 AND "
			 "iterations=$4 AND load IS NOT DISTINCT FROM $5::text "
			 "ORDER BY r.id DESC LIMIT 1",
			 &p, &res, "find the run", err)))
		return rc;
	found = PQntuples(res) > 0;
	if (found) {
		r->id = pg_int(res, 0, 0);
		r->n_planned = (int)pg_int(res, 0, 1);
		r->warmup = (int)pg_int(res, 0, 2);
		r->timeout_ms = pg_int(res, 0, 3);
		pg_text(res, 0, 4, r->owner, sizeof(r->owner));
		r->have = (int)pg_int(res, 0, 5);
	}
	PQclear(res);
	return found;
}

static int insert_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
		      int n_planned, int warmup, int emulated, int64_t *run_id,
		      struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	pgp_int(&p, rig_wall_s());
	pgp_text(&p, key->board);
	pgp_int(&p, key->build_id);
	pgp_text(&p, key->workload);
	pgp_int(&p, key->iterations);
	if (env_id > 0)
		pgp_int(&p, env_id);
	else
		pgp_text(&p, NULL);
	pgp_int(&p, n_planned);
	pgp_int(&p, warmup);
	pgp_int(&p, emulated);
	pgp_int(&p, key->timeout_ms);
	pgp_text(&p, s->owner);
	pgp_text(&p, key->load);
	if ((rc = pg_run(s,
			 "INSERT INTO runs(started, board, build_id, workload, iterations, env_id, "
			 "n_planned, warmup, emulated, timeout_ms, owner, load) "
			 "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
			 &p, &res, "insert run", err)))
		return rc;
	*run_id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* 1 when this process holds board's current, unexpired lease: whoever
 * measured a run of the board before is fenced off it (its writes are
 * refused), however alive it looks (stopped, on another host). */
static int lease_mine(struct rig_store *s, const char *board, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, mine;

	pgp_text(&p, board);
	pgp_text(&p, s->owner);
	pgp_int(&p, rig_wall_ms());
	if ((rc = pg_run(
		 s, "SELECT 1 FROM leases WHERE board = $1 AND owner = $2 AND expires_ms >= $3", &p,
		 &res, "read the board's lease", err)))
		return rc;
	mine = PQntuples(res) > 0;
	PQclear(res);
	return mine;
}

int pg_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id, int n_planned,
		 int warmup, int emulated, int resume, int64_t *run_id, int *have,
		 struct rig_error *err)
{
	struct run_row r = {0};
	struct pg_params p = {0};
	int found, rc;

	*have = 0;
	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = pg_lock(s, "rig.runs", err)))
		return pg_rollback(s, rc);
	if ((found = newest_run(s, key, &r, err)) < 0)
		return pg_rollback(s, found);
	if (found && r.have < r.n_planned && strcmp(r.owner, s->owner) != 0 &&
	    rig_store_owner_alive(r.owner) && (rc = lease_mine(s, key->board, err)) <= 0)
		return pg_rollback(
		    s,
		    rc < 0
			? rc
			: rig_fail(
			      err, RIG_ERR_STORE,
			      "%s: run %lld (%s, %s) is being measured by another rig bench "
			      "(%s); not measuring it twice at once: wait for that bench, or use "
			      "another --db",
			      s->path, (long long)r.id, key->board, key->workload, r.owner));
	if (found && resume && r.have < r.n_planned && r.n_planned == n_planned &&
	    r.warmup == warmup && r.timeout_ms == key->timeout_ms) {
		*run_id = r.id;
		*have = r.have;
		pgp_text(&p, s->owner);
		pgp_int(&p, r.id);
		rc = pg_run(s, "UPDATE runs SET owner = $1 WHERE id = $2", &p, NULL,
			    "claim the run", err);
	} else {
		rc = insert_run(s, key, env_id, n_planned, warmup, emulated, run_id, err);
	}
	if (rc)
		return pg_rollback(s, rc);
	return pg_commit(s, err);
}

int pg_end_run(struct rig_store *s, int64_t run_id, struct rig_error *err)
{
	struct pg_params p = {0};

	pgp_int(&p, run_id);
	pgp_text(&p, s->owner);
	return pg_run(s, "UPDATE runs SET owner = NULL WHERE id = $1 AND owner = $2", &p, NULL,
		      "release the run", err);
}

/* Checks inside the caller's transaction that (board, token) is still the
 * board's current, unexpired lease at now_ms; the row stays locked until
 * COMMIT, so a takeover waits for the sample. */
static int check_fence(struct rig_store *s, int64_t run_id, int idx, const char *board,
		       int64_t token, int64_t now_ms, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, found;
	int64_t cur = 0, expires = 0;
	int held = 0;

	pgp_text(&p, board);
	if ((rc = pg_run(s,
			 "SELECT token, owner IS NOT NULL, expires_ms FROM leases WHERE board = $1 "
			 "FOR UPDATE",
			 &p, &res, "check the lease", err)))
		return rc;
	found = PQntuples(res) > 0;
	if (found) {
		cur = pg_int(res, 0, 0);
		held = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
		expires = pg_int(res, 0, 2);
	}
	PQclear(res);
	if (found && cur == token && held && expires >= now_ms)
		return 0;
	return rig_fail(err, RIG_ERR_FENCED,
			"sample %d of run %lld on board %s refused: written under lease token "
			"%lld, but the board's lease is %s (token %lld)",
			idx + 1, (long long)run_id, board, (long long)token,
			!found	       ? "gone"
			: cur != token ? "another holder's"
			: !held	       ? "released"
				       : "expired",
			(long long)cur);
}

/* The metrics of sample sid, up to 60 per statement (4 parameters each). */
static int insert_metrics(struct rig_store *s, int64_t sid, const struct rig_sample *smp,
			  struct rig_error *err)
{
	for (size_t at = 0; at < smp->n_metrics; at += 60) {
		struct pg_params p = {0};
		struct rig_buf sql = {0};
		size_t end = at + 60 < smp->n_metrics ? at + 60 : smp->n_metrics;
		int rc;

		rig_buf_appendf(&sql, "INSERT INTO metrics VALUES");
		pgp_int(&p, sid);
		for (size_t i = at; i < end; i++) {
			rig_buf_appendf(&sql, "%s($1,$%d,$%d,$%d)", i > at ? "," : "", p.n + 1,
					p.n + 2, p.n + 3);
			pgp_text(&p, smp->metrics[i].name);
			pgp_real(&p, smp->metrics[i].value);
			pgp_text(&p, smp->metrics[i].unit);
		}
		rig_buf_appendf(&sql, " ON CONFLICT (sample_id, name) DO UPDATE SET value = "
				      "excluded.value, unit = excluded.unit");
		rc = pg_run(s, sql.data, &p, NULL, "insert metrics", err);
		rig_buf_free(&sql);
		if (rc)
			return rc;
	}
	return 0;
}

/* Sample idx of run_id is there already: 0 when it was written under token
 * (this writer's own, its COMMIT's answer lost), else the duplicate error. */
static int stored_already(struct rig_store *s, int64_t run_id, int idx, int64_t token,
			  struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, same;

	pgp_int(&p, run_id);
	pgp_int(&p, idx);
	if ((rc = pg_run(s, "SELECT lease_token FROM samples WHERE run_id = $1 AND idx = $2", &p,
			 &res, "read a stored sample", err)))
		return rc;
	same = PQntuples(res) > 0 && pg_int(res, 0, 0) == token;
	PQclear(res);
	if (same)
		return 0;
	return rig_fail(err, RIG_ERR_STORE,
			"%s: insert sample: that row is stored already: another bench is "
			"writing the same run at once (run %lld, sample %d)",
			s->path, (long long)run_id, idx + 1);
}

/* The sample's histograms, as hex text (store_hex.c). */
static int insert_hists(struct rig_store *s, int64_t sid, const struct rig_sample *smp,
			struct rig_error *err)
{
	for (size_t i = 0; i < smp->n_hists; i++) {
		struct pg_params p = {0};
		struct rig_buf hex = {0};
		int rc;

		store_hex_encode(smp->hists[i].data, smp->hists[i].len, &hex);
		pgp_int(&p, sid);
		pgp_text(&p, smp->hists[i].name);
		pgp_text(&p, hex.data ? hex.data : "");
		rc = pg_run(
		    s,
		    "INSERT INTO sample_hists VALUES($1,$2,$3) ON CONFLICT (sample_id, name) "
		    "DO UPDATE SET data = excluded.data",
		    &p, NULL, "insert histogram", err);
		rig_buf_free(&hex);
		if (rc)
			return rc;
	}
	return 0;
}

/* One sample's rows inside the caller's transaction: 0 when stored (or
 * there already under token), else the error. */
static int insert_one(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
		      const char *board, int64_t token, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int64_t sid;
	int rc;

	pgp_int(&p, run_id);
	pgp_int(&p, idx);
	pgp_int(&p, rig_wall_s());
	pgp_int(&p, smp->ok);
	pgp_int(&p, smp->exit_status);
	pgp_text(&p, smp->fail_reason);
	pgp_text(&p, smp->stderr_tail);
	pgp_text(&p, smp->log_path);
	pgp_int(&p, (int64_t)smp->noise_lines);
	pgp_int(&p, (int64_t)smp->corrupt_lines);
	pgp_int(&p, (int64_t)smp->cut_lines);
	pgp_int(&p, (int64_t)smp->retries);
	if (token > 0)
		pgp_int(&p, token);
	else
		pgp_text(&p, NULL);
	pgp_text(&p, board);
	/* A fenced write whose COMMIT was lost with the connection is sent
	 * again: the row already there under the same token is that sample. */
	if ((rc = pg_run(s,
			 token > 0
			     ? "INSERT INTO samples(run_id, idx, taken, ok, exit_status, fail_reason, "
			       "stderr_tail, log_path, noise_lines, corrupt_lines, cut_lines, retries, "
			       "lease_token, board) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,"
			       "coalesce($14::text, (SELECT board FROM runs WHERE id = $1))) "
			       "ON CONFLICT (run_id, idx) DO NOTHING RETURNING id"
			     : "INSERT INTO samples(run_id, idx, taken, ok, exit_status, fail_reason, "
			       "stderr_tail, log_path, noise_lines, corrupt_lines, cut_lines, retries, "
			       "lease_token, board) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,"
			       "coalesce($14::text, (SELECT board FROM runs WHERE id = $1))) "
			       "RETURNING id",
			 &p, &res, "insert sample", err)))
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return stored_already(s, run_id, idx, token, err);
	}
	sid = pg_int(res, 0, 0);
	PQclear(res);
	if ((rc = insert_metrics(s, sid, smp, err)))
		return rc;
	return insert_hists(s, sid, smp, err);
}

int pg_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
		  const char *board, int64_t token, int64_t now_ms, struct rig_error *err)
{
	int rc;

	if ((rc = pg_begin(s, err)))
		return rc;
	if ((token > 0 && (rc = check_fence(s, run_id, idx, board, token, now_ms, err))) ||
	    (rc = insert_one(s, run_id, idx, smp, board, token, err)))
		return pg_rollback(s, rc);
	return pg_commit(s, err);
}

/* Several samples, one fence check and one COMMIT: a farm controller's
 * disk flushes once per batch, not once per sample. */
int pg_add_samples(struct rig_store *s, int64_t run_id, int first_idx, size_t n,
		   const struct rig_sample *smp, const char *board, int64_t token, int64_t now_ms,
		   struct rig_error *err)
{
	int rc;

	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = check_fence(s, run_id, first_idx, board, token, now_ms, err)))
		return pg_rollback(s, rc);
	for (size_t i = 0; i < n; i++)
		if ((rc = insert_one(s, run_id, first_idx + (int)i, &smp[i], board, token, err)))
			return pg_rollback(s, rc);
	return pg_commit(s, err);
}

int pg_add_skip(struct rig_store *s, const char *board, const char *toolchain, const char *profile,
		const char *workload, const char *reason, struct rig_error *err)
{
	struct pg_params p = {0};

	pgp_int(&p, rig_wall_s());
	pgp_text(&p, board);
	pgp_text(&p, toolchain);
	pgp_text(&p, profile);
	pgp_text(&p, workload);
	pgp_text(&p, reason);
	return pg_run(s,
		      "INSERT INTO skips(at, board, toolchain, profile, workload, reason) "
		      "VALUES($1,$2,$3,$4,$5,$6)",
		      &p, NULL, "insert skip", err);
}
#endif
