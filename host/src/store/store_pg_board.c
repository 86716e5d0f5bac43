/* Board states and the farm log read back, on PostgreSQL (store_lease.h):
 * the SQLite backend's rules in PostgreSQL's dialect. */
#ifdef RIG_HAVE_LIBPQ
#include "store_pg_priv.h"

#include <stdio.h>
#include <string.h>

int pg_board_state(struct rig_store *s, const char *board, struct rig_board_state *bs,
		   struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	memset(bs, 0, sizeof(*bs));
	snprintf(bs->state, sizeof(bs->state), "ok");
	pgp_text(&p, board);
	if ((rc = pg_run(s,
			 "SELECT state, coalesce(reason, ''), coalesce(evidence, ''),"
			 " coalesce(since, 0), failures, coalesce(last_health, 0),"
			 " coalesce(health, '') FROM board_state WHERE board = $1",
			 &p, &res, "read a board's state", err)))
		return rc;
	if (PQntuples(res) > 0) {
		pg_text(res, 0, 0, bs->state, sizeof(bs->state));
		pg_text(res, 0, 1, bs->reason, sizeof(bs->reason));
		pg_text(res, 0, 2, bs->evidence, sizeof(bs->evidence));
		bs->since = pg_int(res, 0, 3);
		bs->failures = (int)pg_int(res, 0, 4);
		bs->last_health = pg_int(res, 0, 5);
		pg_text(res, 0, 6, bs->health, sizeof(bs->health));
	}
	PQclear(res);
	return 0;
}

static int ensure_row(struct rig_store *s, const char *board, struct rig_error *err)
{
	struct pg_params p = {0};

	pgp_text(&p, board);
	pgp_int(&p, rig_wall_s());
	return pg_run(s,
		      "INSERT INTO board_state(board, since) VALUES($1, $2) ON CONFLICT (board) DO "
		      "NOTHING",
		      &p, NULL, "add a board's state", err);
}

/* One statement on board's row with p ($1 the board). */
static int on_row(struct rig_store *s, const char *sql, const struct pg_params *p,
		  struct rig_error *err)
{
	return pg_run(s, sql, p, NULL, "update a board's state", err);
}

int pg_board_failure(struct rig_store *s, const char *board, const char *who, const char *reason,
		     int *failures, struct rig_error *err)
{
	struct pg_params p = {0};
	struct rig_board_state bs;
	int rc;

	pgp_text(&p, board);
	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = ensure_row(s, board, err)) ||
	    (rc = on_row(s, "UPDATE board_state SET failures = failures + 1 WHERE board = $1", &p,
			 err)) ||
	    (rc = pg_farm_log(s, board, who, "infra", 0, reason, err)) ||
	    (rc = pg_board_state(s, board, &bs, err)))
		return pg_rollback(s, rc);
	if (failures)
		*failures = bs.failures;
	return pg_commit(s, err);
}

int pg_board_ok(struct rig_store *s, const char *board, struct rig_error *err)
{
	struct pg_params p = {0};

	pgp_text(&p, board);
	return on_row(s, "UPDATE board_state SET failures = 0 WHERE board = $1 AND failures <> 0",
		      &p, err);
}

int pg_board_quarantine(struct rig_store *s, const char *board, const char *who, const char *reason,
			const char *evidence, struct rig_error *err)
{
	struct pg_params p = {0};
	char detail[800];
	int rc;

	snprintf(detail, sizeof(detail), "%s; evidence: %s", reason, evidence ? evidence : "none");
	pgp_text(&p, board);
	pgp_text(&p, reason);
	pgp_text(&p, evidence);
	pgp_int(&p, rig_wall_s());
	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = ensure_row(s, board, err)) ||
	    (rc = on_row(s,
			 "UPDATE board_state SET state = 'quarantined', reason = $2, evidence = $3,"
			 " since = $4 WHERE board = $1",
			 &p, err)) ||
	    (rc = pg_farm_log(s, board, who, "quarantine", 0, detail, err)))
		return pg_rollback(s, rc);
	return pg_commit(s, err);
}

int pg_board_health(struct rig_store *s, const char *board, int pass, const char *result,
		    struct rig_error *err)
{
	struct pg_params p = {0};
	struct rig_board_state bs;
	int rc;

	pgp_text(&p, board);
	pgp_text(&p, result);
	pgp_int(&p, rig_wall_s());
	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = ensure_row(s, board, err)) || (rc = pg_board_state(s, board, &bs, err)) ||
	    (rc = on_row(s, "UPDATE board_state SET health = $2, last_health = $3 WHERE board = $1",
			 &p, err)))
		return pg_rollback(s, rc);
	if (pass && strcmp(bs.state, "quarantined") == 0) {
		struct pg_params q = {0};

		pgp_text(&q, board);
		pgp_int(&q, rig_wall_s());
		if ((rc = on_row(
			 s,
			 "UPDATE board_state SET state = 'ok', reason = NULL, evidence = NULL,"
			 " failures = 0, since = $2 WHERE board = $1",
			 &q, err)) ||
		    (rc = pg_farm_log(s, board, s->owner, "unquarantine", 0, result, err)))
			return pg_rollback(s, rc);
	}
	return pg_commit(s, err);
}

int pg_farm_events(struct rig_store *s, const char *board, int limit, rig_farm_event_cb cb,
		   void *ctx, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc = 0;

	pgp_text(&p, board);
	if (limit > 0)
		pgp_int(&p, limit);
	else
		pgp_text(&p, NULL); /* LIMIT NULL: all */
	if ((rc =
		 pg_run(s,
			"SELECT * FROM (SELECT id, at_ms, coalesce(token, 0), coalesce(board, ''),"
			" coalesce(who, ''), event, coalesce(detail, '') FROM farm_log"
			" WHERE $1::text IS NULL OR board = $1 ORDER BY id DESC LIMIT $2::bigint) t"
			" ORDER BY id",
			&p, &res, "read the farm log", err)))
		return rc;
	for (int i = 0; i < PQntuples(res) && !rc; i++) {
		struct rig_farm_event ev = {0};

		ev.id = pg_int(res, i, 0);
		ev.at_ms = pg_int(res, i, 1);
		ev.token = pg_int(res, i, 2);
		pg_text(res, i, 3, ev.board, sizeof(ev.board));
		pg_text(res, i, 4, ev.who, sizeof(ev.who));
		pg_text(res, i, 5, ev.event, sizeof(ev.event));
		pg_text(res, i, 6, ev.detail, sizeof(ev.detail));
		rc = cb(ctx, &ev);
	}
	PQclear(res);
	return rc;
}
#endif
