/* The farm's tables: leases, board states, the farm log. See store_lease.h. */
#include "store_lease.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Runs one statement with up to 4 text and 2 integer parameters (in that
 * order of ?), no rows wanted; *changes (may be NULL) the rows it changed. */
static int run_sql(struct rig_store *s, const char *sql, const char *const texts[], size_t n_texts,
		   const int64_t ints[], size_t n_ints, int *changes, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, k = 1;

	if ((rc = store_prepare(s, sql, &st, err)))
		return rc;
	for (size_t i = 0; i < n_texts; i++)
		bind_text_or_null(st, k++, texts[i]);
	for (size_t i = 0; i < n_ints; i++)
		sqlite3_bind_int64(st, k++, ints[i]);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "update the farm tables");
	sqlite3_finalize(st);
	if (!rc && changes)
		*changes = sqlite3_changes(s->db);
	return rc;
}

int sq_farm_log(struct rig_store *s, const char *board, const char *who, const char *event,
		int64_t token, const char *detail, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s,
				"INSERT INTO farm_log(at_ms, board, who, event, token, detail) "
				"VALUES(?,?,?,?,?,?)",
				&st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_ms());
	bind_text_or_null(st, 2, board);
	bind_text_or_null(st, 3, who);
	sqlite3_bind_text(st, 4, event, -1, SQLITE_TRANSIENT);
	if (token > 0)
		sqlite3_bind_int64(st, 5, token);
	else
		sqlite3_bind_null(st, 5);
	bind_text_or_null(st, 6, detail);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "write the farm log");
	sqlite3_finalize(st);
	return rc;
}

int sq_lease_get(struct rig_store *s, const char *board, struct rig_lease_row *row,
		 struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	memset(row, 0, sizeof(*row));
	if ((rc = store_prepare_kept(
		 s,
		 "SELECT board, coalesce(owner, ''), token, coalesce(acquired_ms, 0),"
		 " expires_ms FROM leases WHERE board = ?",
		 &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, board, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		store_col_text(st, 0, row->board, sizeof(row->board));
		store_col_text(st, 1, row->owner, sizeof(row->owner));
		row->token = sqlite3_column_int64(st, 2);
		row->acquired_ms = sqlite3_column_int64(st, 3);
		row->expires_ms = sqlite3_column_int64(st, 4);
	}
	rc = step == SQLITE_ROW	   ? 1
	     : step == SQLITE_DONE ? 0
				   : store_db_fail(s, err, "read a lease");
	store_kept_done(s, st);
	return rc;
}

static int rollback(struct rig_store *s, int rc)
{
	store_exec(s, "ROLLBACK", NULL);
	return rc;
}

int sq_lease_take(struct rig_store *s, const char *board, const char *owner, int64_t now_ms,
		  int64_t ttl_ms, int64_t *token, struct rig_lease_row *holder,
		  struct rig_error *err)
{
	struct rig_lease_row r;
	const char *event = "take";
	char detail[300] = "";
	int found, rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((found = sq_lease_get(s, board, &r, err)) < 0)
		return rollback(s, found);
	if (found && r.owner[0]) {
		int expired = r.expires_ms < now_ms;
		int dead = !expired && !rig_store_owner_alive(r.owner);

		if (!expired && !dead) {
			if (holder)
				*holder = r;
			return rollback(s,
					rig_fail(err, RIG_ERR_BUSY,
						 "board %s is leased by %s for %lld ms more", board,
						 r.owner, (long long)(r.expires_ms - now_ms)));
		}
		event = "takeover";
		snprintf(detail, sizeof(detail), "from %s (token %lld): %s", r.owner,
			 (long long)r.token,
			 expired ? "its lease expired" : "its process no longer runs");
	}
	*token = found ? r.token + 1 : 1;
	{
		const char *texts[] = {board, owner};
		const int64_t ints[] = {*token, now_ms, now_ms + ttl_ms};

		if ((rc = run_sql(s,
				  "INSERT OR REPLACE INTO leases(board, owner, token, acquired_ms, "
				  "expires_ms) VALUES(?,?,?,?,?)",
				  texts, 2, ints, 3, NULL, err)))
			return rollback(s, rc);
	}
	if ((rc = sq_farm_log(s, board, owner, event, *token, detail[0] ? detail : NULL, err)))
		return rollback(s, rc);
	return store_exec(s, "COMMIT", err);
}

int sq_lease_renew(struct rig_store *s, const char *board, int64_t token, int64_t now_ms,
		   int64_t ttl_ms, struct rig_error *err)
{
	const char *texts[] = {board};
	const int64_t ints[] = {now_ms + ttl_ms, token};
	int changes = 0, rc;

	/* the expiry moves only while the token is current and held */
	if ((rc = run_sql(s,
			  "UPDATE leases SET expires_ms = max(expires_ms, ?2) WHERE board = ?1 AND "
			  "token = ?3 AND owner IS NOT NULL",
			  texts, 1, ints, 2, &changes, err)))
		return rc;
	if (!changes)
		return rig_fail(err, RIG_ERR_FENCED,
				"the lease on board %s (token %lld) is no longer this worker's: it "
				"was taken over or forced free",
				board, (long long)token);
	return 0;
}

int sq_lease_drop(struct rig_store *s, const char *board, int64_t token, struct rig_error *err)
{
	const char *texts[] = {board};
	const int64_t ints[] = {token};
	int changes = 0, rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = run_sql(s,
			  "UPDATE leases SET owner = NULL, expires_ms = 0 WHERE board = ? AND "
			  "token = ? AND owner IS NOT NULL",
			  texts, 1, ints, 1, &changes, err)))
		return rollback(s, rc);
	if (changes && (rc = sq_farm_log(s, board, s->owner, "release", token, NULL, err)))
		return rollback(s, rc);
	return store_exec(s, "COMMIT", err);
}

int sq_lease_force(struct rig_store *s, const char *board, const char *who, char *what,
		   size_t what_cap, struct rig_error *err)
{
	struct rig_lease_row r;
	struct rig_board_state bs;
	char detail[600];
	int found, rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((found = sq_lease_get(s, board, &r, err)) < 0)
		return rollback(s, found);
	if ((rc = sq_board_state(s, board, &bs, err)))
		return rollback(s, rc);
	if (found && r.owner[0])
		snprintf(detail, sizeof(detail), "lease held by %s (token %lld); ", r.owner,
			 (long long)r.token);
	else
		snprintf(detail, sizeof(detail), "lease free; ");
	snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "state %s%s%s%s",
		 bs.state, bs.reason[0] ? " (" : "", bs.reason, bs.reason[0] ? ")" : "");
	if (found) {
		/* the token moves on, so the holder's renewals and writes are refused */
		const char *texts[] = {board};
		if ((rc = run_sql(
			 s,
			 "UPDATE leases SET owner = NULL, expires_ms = 0, token = token + 1 "
			 "WHERE board = ?",
			 texts, 1, NULL, 0, NULL, err)))
			return rollback(s, rc);
	}
	{
		const char *texts[] = {board};
		const int64_t ints[] = {rig_wall_s()};
		if ((rc = run_sql(
			 s,
			 "UPDATE board_state SET state = 'ok', failures = 0, reason = NULL, "
			 "evidence = NULL, since = ?2 WHERE board = ?1",
			 texts, 1, ints, 1, NULL, err)))
			return rollback(s, rc);
	}
	if ((rc =
		 sq_farm_log(s, board, who, "force-release", found ? r.token + 1 : 0, detail, err)))
		return rollback(s, rc);
	if (what)
		snprintf(what, what_cap, "%s", detail);
	return store_exec(s, "COMMIT", err);
}

/* The fence: the board's lease is still (token) and unexpired at now_ms,
 * inside the caller's transaction. 0 or RIG_ERR_FENCED (rolled back). */
static int fence_check(struct rig_store *s, int64_t run_id, int idx, const char *board,
		       int64_t token, int64_t now_ms, struct rig_error *err)
{
	struct rig_lease_row r;
	int found;

	if ((found = sq_lease_get(s, board, &r, err)) < 0)
		return rollback(s, found);
	if (!found || r.token != token || !r.owner[0] || r.expires_ms < now_ms)
		return rollback(
		    s, rig_fail(err, RIG_ERR_FENCED,
				"sample %d of run %lld on board %s refused: written under lease "
				"token %lld, but the board's lease is %s (token %lld)",
				idx + 1, (long long)run_id, board, (long long)token,
				!found		   ? "gone"
				: r.token != token ? "another holder's"
				: !r.owner[0]	   ? "released"
						   : "expired",
				(long long)(found ? r.token : 0)));
	return 0;
}

int sq_add_sample_fenced(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			 const char *board, int64_t token, int64_t now_ms, struct rig_error *err)
{
	return sq_add_samples_fenced(s, run_id, idx, 1, smp, board, token, now_ms, err);
}

int sq_add_samples_fenced(struct rig_store *s, int64_t run_id, int first_idx, size_t n,
			  const struct rig_sample *smp, const char *board, int64_t token,
			  int64_t now_ms, struct rig_error *err)
{
	int rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = fence_check(s, run_id, first_idx, board, token, now_ms, err)))
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = store_insert_sample(s, run_id, first_idx + (int)i, &smp[i], board, token,
					      err)))
			return rollback(s, rc);
	return store_exec(s, "COMMIT", err);
}

int sq_board_state(struct rig_store *s, const char *board, struct rig_board_state *bs,
		   struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	memset(bs, 0, sizeof(*bs));
	snprintf(bs->state, sizeof(bs->state), "ok");
	if ((rc = store_prepare(s,
				"SELECT state, coalesce(reason, ''), coalesce(evidence, ''),"
				" coalesce(since, 0), failures, coalesce(last_health, 0),"
				" coalesce(health, '') FROM board_state WHERE board = ?",
				&st, err)))
		return rc;
	sqlite3_bind_text(st, 1, board, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		store_col_text(st, 0, bs->state, sizeof(bs->state));
		store_col_text(st, 1, bs->reason, sizeof(bs->reason));
		store_col_text(st, 2, bs->evidence, sizeof(bs->evidence));
		bs->since = sqlite3_column_int64(st, 3);
		bs->failures = sqlite3_column_int(st, 4);
		bs->last_health = sqlite3_column_int64(st, 5);
		store_col_text(st, 6, bs->health, sizeof(bs->health));
	}
	rc = step == SQLITE_ROW || step == SQLITE_DONE
		 ? 0
		 : store_db_fail(s, err, "read a board's state");
	sqlite3_finalize(st);
	return rc;
}

static int ensure_state_row(struct rig_store *s, const char *board, struct rig_error *err)
{
	const char *texts[] = {board};
	const int64_t ints[] = {rig_wall_s()};

	return run_sql(s, "INSERT OR IGNORE INTO board_state(board, since) VALUES(?, ?)", texts, 1,
		       ints, 1, NULL, err);
}

int sq_board_failure(struct rig_store *s, const char *board, const char *who, const char *reason,
		     int *failures, struct rig_error *err)
{
	const char *texts[] = {board};
	struct rig_board_state bs;
	int rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = ensure_state_row(s, board, err)) ||
	    (rc = run_sql(s, "UPDATE board_state SET failures = failures + 1 WHERE board = ?",
			  texts, 1, NULL, 0, NULL, err)) ||
	    (rc = sq_farm_log(s, board, who, "infra", 0, reason, err)) ||
	    (rc = sq_board_state(s, board, &bs, err)))
		return rollback(s, rc);
	if (failures)
		*failures = bs.failures;
	return store_exec(s, "COMMIT", err);
}

int sq_board_ok(struct rig_store *s, const char *board, struct rig_error *err)
{
	const char *texts[] = {board};

	return run_sql(s, "UPDATE board_state SET failures = 0 WHERE board = ? AND failures <> 0",
		       texts, 1, NULL, 0, NULL, err);
}

int sq_board_quarantine(struct rig_store *s, const char *board, const char *who, const char *reason,
			const char *evidence, struct rig_error *err)
{
	const char *texts[] = {reason, evidence, board};
	const int64_t ints[] = {rig_wall_s()};
	char detail[800];
	int rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	snprintf(detail, sizeof(detail), "%s; evidence: %s", reason, evidence ? evidence : "none");
	if ((rc = ensure_state_row(s, board, err)) ||
	    (rc =
		 run_sql(s,
			 "UPDATE board_state SET state = 'quarantined', reason = ?1, evidence = ?2,"
			 " since = ?4 WHERE board = ?3",
			 texts, 3, ints, 1, NULL, err)) ||
	    (rc = sq_farm_log(s, board, who, "quarantine", 0, detail, err)))
		return rollback(s, rc);
	return store_exec(s, "COMMIT", err);
}

int sq_board_health(struct rig_store *s, const char *board, int pass, const char *result,
		    struct rig_error *err)
{
	const char *texts[] = {result, board};
	const int64_t ints[] = {rig_wall_s()};
	struct rig_board_state bs;
	int rc;

	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = ensure_state_row(s, board, err)) || (rc = sq_board_state(s, board, &bs, err)) ||
	    (rc =
		 run_sql(s, "UPDATE board_state SET health = ?1, last_health = ?3 WHERE board = ?2",
			 texts, 2, ints, 1, NULL, err)))
		return rollback(s, rc);
	if (pass && strcmp(bs.state, "quarantined") == 0) {
		const char *t2[] = {board};
		if ((rc = run_sql(s,
				  "UPDATE board_state SET state = 'ok', reason = NULL, evidence = "
				  "NULL, failures = 0, since = ?2 WHERE board = ?1",
				  t2, 1, ints, 1, NULL, err)) ||
		    (rc = sq_farm_log(s, board, s->owner, "unquarantine", 0, result, err)))
			return rollback(s, rc);
	}
	return store_exec(s, "COMMIT", err);
}

int sq_farm_boards(struct rig_store *s, struct rig_strv *out, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = store_prepare(s,
				"SELECT board FROM leases UNION SELECT board FROM board_state "
				"ORDER BY 1",
				&st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		rig_strv_push(out, (const char *)sqlite3_column_text(st, 0));
	rc = step == SQLITE_DONE ? 0 : store_db_fail(s, err, "list the farm's boards");
	sqlite3_finalize(st);
	return rc;
}

int sq_farm_events(struct rig_store *s, const char *board, int limit, rig_farm_event_cb cb,
		   void *ctx, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	/* the newest `limit`, shown oldest first */
	if ((rc = store_prepare(
		 s,
		 "SELECT * FROM (SELECT id, at_ms, coalesce(token, 0), coalesce(board, ''),"
		 " coalesce(who, ''), event, coalesce(detail, '') FROM farm_log"
		 " WHERE ?1 IS NULL OR board = ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id",
		 &st, err)))
		return rc;
	bind_text_or_null(st, 1, board);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_farm_event ev = {0};

		ev.id = sqlite3_column_int64(st, 0);
		ev.at_ms = sqlite3_column_int64(st, 1);
		ev.token = sqlite3_column_int64(st, 2);
		store_col_text(st, 3, ev.board, sizeof(ev.board));
		store_col_text(st, 4, ev.who, sizeof(ev.who));
		store_col_text(st, 5, ev.event, sizeof(ev.event));
		store_col_text(st, 6, ev.detail, sizeof(ev.detail));
		if ((rc = cb(ctx, &ev)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = store_db_fail(s, err, "read the farm log");
	sqlite3_finalize(st);
	return rc;
}
