/* Leases and the farm log on PostgreSQL (store_lease.h). A take or a
 * forced release of a board is serialised by an advisory lock on the
 * board's name, and a fenced sample locks the lease row (store_pg_write.c),
 * so a takeover and a late write never interleave. */
#ifdef RIG_HAVE_LIBPQ
#include "store_pg_priv.h"

#include <stdio.h>
#include <string.h>

int pg_farm_log(struct rig_store *s, const char *board, const char *who, const char *event,
		int64_t token, const char *detail, struct rig_error *err)
{
	struct pg_params p = {0};

	pgp_int(&p, rig_wall_ms());
	pgp_text(&p, board);
	pgp_text(&p, who);
	pgp_text(&p, event);
	if (token > 0)
		pgp_int(&p, token);
	else
		pgp_text(&p, NULL);
	pgp_text(&p, detail);
	return pg_run(s,
		      "INSERT INTO farm_log(at_ms, board, who, event, token, detail) "
		      "VALUES($1,$2,$3,$4,$5,$6)",
		      &p, NULL, "write the farm log", err);
}

int pg_lease_get(struct rig_store *s, const char *board, struct rig_lease_row *row,
		 struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, found;

	memset(row, 0, sizeof(*row));
	pgp_text(&p, board);
	if ((rc = pg_run(s,
			 "SELECT board, coalesce(owner, ''), token, coalesce(acquired_ms, 0),"
			 " expires_ms FROM leases WHERE board = $1",
			 &p, &res, "read a lease", err)))
		return rc;
	found = PQntuples(res) > 0;
	if (found) {
		pg_text(res, 0, 0, row->board, sizeof(row->board));
		pg_text(res, 0, 1, row->owner, sizeof(row->owner));
		row->token = pg_int(res, 0, 2);
		row->acquired_ms = pg_int(res, 0, 3);
		row->expires_ms = pg_int(res, 0, 4);
	}
	PQclear(res);
	return found;
}

static int board_lock(struct rig_store *s, const char *board, struct rig_error *err)
{
	char key[128];

	snprintf(key, sizeof(key), "rig.lease:%s", board);
	return pg_lock(s, key, err);
}

int pg_lease_take(struct rig_store *s, const char *board, const char *owner, int64_t now_ms,
		  int64_t ttl_ms, int64_t *token, struct rig_lease_row *holder,
		  struct rig_error *err)
{
	struct rig_lease_row r;
	struct pg_params p = {0};
	const char *event = "take";
	char detail[300] = "";
	int found, rc;

	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = board_lock(s, board, err)))
		return pg_rollback(s, rc);
	if ((found = pg_lease_get(s, board, &r, err)) < 0)
		return pg_rollback(s, found);
	if (found && r.owner[0]) {
		int expired = r.expires_ms < now_ms;
		int dead = !expired && !rig_store_owner_alive(r.owner);

		if (!expired && !dead) {
			if (holder)
				*holder = r;
			return pg_rollback(s, rig_fail(err, RIG_ERR_BUSY,
						       "board %s is leased by %s for %lld ms more",
						       board, r.owner,
						       (long long)(r.expires_ms - now_ms)));
		}
		event = "takeover";
		snprintf(detail, sizeof(detail), "from %s (token %lld): %s", r.owner,
			 (long long)r.token,
			 expired ? "its lease expired" : "its process no longer runs");
	}
	*token = found ? r.token + 1 : 1;
	pgp_text(&p, board);
	pgp_text(&p, owner);
	pgp_int(&p, *token);
	pgp_int(&p, now_ms);
	pgp_int(&p, now_ms + ttl_ms);
	if ((rc = pg_run(
		 s,
		 "INSERT INTO leases(board, owner, token, acquired_ms, expires_ms) "
		 "VALUES($1,$2,$3,$4,$5) ON CONFLICT (board) DO UPDATE SET owner = "
		 "excluded.owner, token = excluded.token, acquired_ms = excluded.acquired_ms,"
		 " expires_ms = excluded.expires_ms",
		 &p, NULL, "take a lease", err)) ||
	    (rc = pg_farm_log(s, board, owner, event, *token, detail[0] ? detail : NULL, err)))
		return pg_rollback(s, rc);
	return pg_commit(s, err);
}

int pg_lease_renew(struct rig_store *s, const char *board, int64_t token, int64_t now_ms,
		   int64_t ttl_ms, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, changes;

	pgp_text(&p, board);
	pgp_int(&p, now_ms + ttl_ms);
	pgp_int(&p, token);
	if ((rc = pg_run(s,
			 "UPDATE leases SET expires_ms = greatest(expires_ms, $2) WHERE board = $1 "
			 "AND token = $3 AND owner IS NOT NULL",
			 &p, &res, "renew a lease", err)))
		return rc;
	changes = pg_changes(res);
	PQclear(res);
	if (!changes)
		return rig_fail(err, RIG_ERR_FENCED,
				"the lease on board %s (token %lld) is no longer this worker's: it "
				"was taken over or forced free",
				board, (long long)token);
	return 0;
}

int pg_lease_drop(struct rig_store *s, const char *board, int64_t token, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, changes;

	if ((rc = pg_begin(s, err)))
		return rc;
	pgp_text(&p, board);
	pgp_int(&p, token);
	if ((rc = pg_run(s,
			 "UPDATE leases SET owner = NULL, expires_ms = 0 WHERE board = $1 AND "
			 "token = $2 AND owner IS NOT NULL",
			 &p, &res, "release a lease", err)))
		return pg_rollback(s, rc);
	changes = pg_changes(res);
	PQclear(res);
	if (changes && (rc = pg_farm_log(s, board, s->owner, "release", token, NULL, err)))
		return pg_rollback(s, rc);
	return pg_commit(s, err);
}

int pg_lease_force(struct rig_store *s, const char *board, const char *who, char *what,
		   size_t what_cap, struct rig_error *err)
{
	struct rig_lease_row r;
	struct pg_params p = {0};
	char detail[600];
	int found, rc;

	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = board_lock(s, board, err)))
		return pg_rollback(s, rc);
	if ((found = pg_lease_get(s, board, &r, err)) < 0)
		return pg_rollback(s, found);
	if (found && r.owner[0])
		snprintf(detail, sizeof(detail), "lease held by %s (token %lld)", r.owner,
			 (long long)r.token);
	else
		snprintf(detail, sizeof(detail), "lease free");
	pgp_text(&p, board);
	/* the token moves on, so the holder's renewals and writes are refused */
	if (found &&
	    (rc = pg_run(s,
			 "UPDATE leases SET owner = NULL, expires_ms = 0, token = token + 1 "
			 "WHERE board = $1",
			 &p, NULL, "force a lease free", err)))
		return pg_rollback(s, rc);
	p.n = 0;
	pgp_text(&p, board);
	pgp_int(&p, rig_wall_s());
	if ((rc = pg_run(s,
			 "UPDATE board_state SET state = 'ok', failures = 0, reason = NULL, "
			 "evidence = NULL, since = $2 WHERE board = $1",
			 &p, NULL, "clear the board's state", err)) ||
	    (rc =
		 pg_farm_log(s, board, who, "force-release", found ? r.token + 1 : 0, detail, err)))
		return pg_rollback(s, rc);
	if (what)
		snprintf(what, what_cap, "%s", detail);
	return pg_commit(s, err);
}
#endif
