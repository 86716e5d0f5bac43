/* The job queue on PostgreSQL (store_queue.h). A take claims the oldest
 * queued job of the worker's boards with SELECT ... FOR UPDATE SKIP LOCKED
 * inside the claiming UPDATE: two workers never take one job, and neither
 * waits for the row the other is taking. */
#ifdef RIG_HAVE_LIBPQ
#include "store_pg_priv.h"

#include <stdio.h>
#include <string.h>

int pg_job_submit(struct rig_store *s, const struct rig_job *job, int64_t *id,
		  struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	pgp_int(&p, rig_wall_ms());
	pgp_text(&p, job->board);
	pgp_text(&p, job->args);
	if ((rc = pg_run(s,
			 "INSERT INTO jobs(created_ms, board, args) VALUES($1,$2,$3) RETURNING id",
			 &p, &res, "queue a job", err)))
		return rc;
	*id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* boards as a text[] literal: {"a","b"} with " and \ escaped. */
static void array_literal(const struct rig_strv *boards, struct rig_buf *b)
{
	rig_buf_appendf(b, "{");
	for (size_t i = 0; boards && i < boards->n; i++) {
		rig_buf_appendf(b, "%s\"", i ? "," : "");
		for (const char *c = boards->v[i]; *c; c++)
			rig_buf_appendf(b, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
		rig_buf_appendf(b, "\"");
	}
	rig_buf_appendf(b, "}");
}

int pg_job_take(struct rig_store *s, const char *worker, const struct rig_strv *boards,
		int64_t now_ms, int64_t left_before_ms, struct rig_job *job, struct rig_error *err)
{
	struct pg_params p = {0};
	struct rig_buf arr = {0};
	PGresult *res;
	int rc, found;

	memset(job, 0, sizeof(*job));
	array_literal(boards, &arr);
	pgp_text(&p, worker);
	pgp_int(&p, now_ms);
	pgp_text(&p, arr.data);
	pgp_int(&p, left_before_ms);
	rc = pg_run(s,
		    "UPDATE jobs SET state = 'running', worker = $1, started_ms = $2,"
		    " heartbeat_ms = $2, attempts = attempts + 1"
		    " WHERE id = (SELECT id FROM jobs WHERE state = 'queued'"
		    "   AND (cardinality($3::text[]) = 0 OR board = ANY($3::text[]))"
		    "   AND ($4::bigint = 0 OR attempts > 0 OR created_ms < $4::bigint)"
		    "   ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
		    " RETURNING id, board, args, attempts",
		    &p, &res, "take a job", err);
	rig_buf_free(&arr);
	if (rc)
		return rc;
	found = PQntuples(res) > 0;
	if (found) {
		job->id = pg_int(res, 0, 0);
		pg_text(res, 0, 1, job->board, sizeof(job->board));
		pg_text(res, 0, 2, job->args, sizeof(job->args));
		job->attempts = (int)pg_int(res, 0, 3);
		snprintf(job->state, sizeof(job->state), "running");
		snprintf(job->worker, sizeof(job->worker), "%s", worker);
	}
	PQclear(res);
	return found;
}

int pg_job_heartbeat(struct rig_store *s, int64_t id, const char *worker, int64_t now_ms,
		     struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, changes;

	pgp_int(&p, now_ms);
	pgp_int(&p, id);
	pgp_text(&p, worker);
	if ((rc =
		 pg_run(s,
			"UPDATE jobs SET heartbeat_ms = $1 WHERE id = $2 AND state = 'running' AND "
			"worker = $3",
			&p, &res, "heartbeat", err)))
		return rc;
	changes = pg_changes(res);
	PQclear(res);
	if (!changes)
		return rig_fail(err, RIG_ERR_FENCED,
				"%s: job %lld is no longer run by %s: it was queued again", s->path,
				(long long)id, worker);
	return 0;
}

int pg_job_finish(struct rig_store *s, int64_t id, const char *worker, int ok, const char *result,
		  struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, changes;

	pgp_text(&p, ok > 0 ? "done" : ok < 0 ? "queued" : "failed");
	pgp_text(&p, result ? result : "");
	pgp_int(&p, rig_wall_ms());
	pgp_int(&p, id);
	pgp_text(&p, worker);
	if ((rc = pg_run(s,
			 "UPDATE jobs SET state = $1, result = $2, finished_ms = $3,"
			 " worker = CASE WHEN $1 = 'queued' THEN NULL ELSE worker END"
			 " WHERE id = $4 AND state = 'running' AND worker = $5",
			 &p, &res, "finish a job", err)))
		return rc;
	changes = pg_changes(res);
	PQclear(res);
	if (!changes)
		return rig_fail(err, RIG_ERR_FENCED,
				"%s: job %lld is no longer run by %s: it was queued again after "
				"its heartbeat stopped",
				s->path, (long long)id, worker);
	return 0;
}

int pg_job_requeue_dead(struct rig_store *s, int64_t now_ms, int64_t dead_after_ms,
			int max_attempts, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, changes;

	pgp_int(&p, now_ms - dead_after_ms);
	pgp_int(&p, max_attempts);
	/* SKIP LOCKED: a job a worker is finishing right now is left to it */
	if ((rc = pg_run(
		 s,
		 "UPDATE jobs SET state = CASE WHEN attempts >= $2 THEN 'failed' ELSE 'queued' END,"
		 " result = CASE WHEN attempts >= $2 THEN 'worker ' || worker || ' stopped "
		 "heartbeating, ' || attempts || ' attempts' ELSE result END,"
		 " worker = CASE WHEN attempts >= $2 THEN worker ELSE NULL END"
		 " WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND heartbeat_ms < $1"
		 " FOR UPDATE SKIP LOCKED)",
		 &p, &res, "requeue jobs of dead workers", err)))
		return rc;
	changes = pg_changes(res);
	PQclear(res);
	return changes;
}

int pg_job_counts(struct rig_store *s, struct rig_job_counts *c, struct rig_error *err)
{
	PGresult *res;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = pg_run(s, "SELECT state, count(*) FROM jobs GROUP BY state", NULL, &res,
			 "count jobs", err)))
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *state = PQgetvalue(res, i, 0);
		long long n = pg_int(res, i, 1);

		if (strcmp(state, "queued") == 0)
			c->queued = n;
		else if (strcmp(state, "running") == 0)
			c->running = n;
		else if (strcmp(state, "done") == 0)
			c->done = n;
		else if (strcmp(state, "failed") == 0)
			c->failed = n;
	}
	PQclear(res);
	return 0;
}
#endif
