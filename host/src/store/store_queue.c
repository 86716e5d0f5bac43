/* The job queue on SQLite: see store_queue.h. The take is one UPDATE ...
 * RETURNING under BEGIN IMMEDIATE, so two workers on one file serialise on
 * the write lock and never take one job twice. */
#include "store_queue.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

int sq_job_submit(struct rig_store *s, const struct rig_job *job, int64_t *id,
		  struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO jobs(created_ms, board, args) VALUES(?,?,?)", &st,
				err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_ms());
	sqlite3_bind_text(st, 2, job->board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, job->args, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "queue a job");
	sqlite3_finalize(st);
	if (!rc)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* The boards as one tab-separated text for instr() (names hold no tab). */
static char *board_set(const struct rig_strv *boards)
{
	struct rig_buf b = {0};

	rig_buf_appendf(&b, "\t");
	for (size_t i = 0; boards && i < boards->n; i++)
		rig_buf_appendf(&b, "%s\t", boards->v[i]);
	return b.data;
}

int sq_job_take(struct rig_store *s, const char *worker, const struct rig_strv *boards,
		int64_t now_ms, int64_t left_before_ms, struct rig_job *job, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	char *set = board_set(boards);
	int rc, step;

	memset(job, 0, sizeof(*job));
	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err))) {
		free(set);
		return rc;
	}
	if ((rc = store_prepare(
		 s,
		 "UPDATE jobs SET state = 'running', worker = ?1, started_ms = ?2,"
		 " heartbeat_ms = ?2, attempts = attempts + 1 WHERE id = (SELECT id FROM jobs"
		 " WHERE state = 'queued' AND (?3 = '\t' OR instr(?3, char(9) || board || char(9)))"
		 " AND (?4 = 0 OR attempts > 0 OR created_ms < ?4)"
		 " ORDER BY id LIMIT 1) RETURNING id, board, args, attempts",
		 &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, worker, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_text(st, 3, set, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, left_before_ms);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		job->id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, job->board, sizeof(job->board));
		store_col_text(st, 2, job->args, sizeof(job->args));
		job->attempts = sqlite3_column_int(st, 3);
		snprintf(job->state, sizeof(job->state), "running");
		snprintf(job->worker, sizeof(job->worker), "%s", worker);
		step = sqlite3_step(st);
		rc = 1;
	}
	if (step != SQLITE_DONE)
		rc = store_db_fail(s, err, "take a job");
out:
	sqlite3_finalize(st);
	free(set);
	if (rc < 0) {
		store_exec(s, "ROLLBACK", NULL);
		return rc;
	}
	{
		int c = store_exec(s, "COMMIT", err);
		return c ? c : rc;
	}
}

/* One UPDATE with its parameters bound by the caller; *changes the rows. */
static int update(struct rig_store *s, sqlite3_stmt *st, const char *what, int *changes,
		  struct rig_error *err)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, what);

	sqlite3_finalize(st);
	if (!rc && changes)
		*changes = sqlite3_changes(s->db);
	return rc;
}

int sq_job_heartbeat(struct rig_store *s, int64_t id, const char *worker, int64_t now_ms,
		     struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	int changes = 0;

	if ((rc = store_prepare(
		 s,
		 "UPDATE jobs SET heartbeat_ms = ? WHERE id = ? AND state = 'running' "
		 "AND worker = ?",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, worker, -1, SQLITE_TRANSIENT);
	if ((rc = update(s, st, "heartbeat", &changes, err)))
		return rc;
	if (!changes)
		return rig_fail(err, RIG_ERR_FENCED,
				"%s: job %lld is no longer run by %s: it was queued again", s->path,
				(long long)id, worker);
	return 0;
}

int sq_job_finish(struct rig_store *s, int64_t id, const char *worker, int ok, const char *result,
		  struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, changes = 0;

	if ((rc = store_prepare(s,
				"UPDATE jobs SET state = ?1, result = ?2, finished_ms = ?3,"
				" worker = CASE WHEN ?1 = 'queued' THEN NULL ELSE worker END"
				" WHERE id = ?4 AND state = 'running' AND worker = ?5",
				&st, err)))
		return rc;
	sqlite3_bind_text(st, 1, ok > 0 ? "done" : ok < 0 ? "queued" : "failed", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, result ? result : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, rig_wall_ms());
	sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_text(st, 5, worker, -1, SQLITE_TRANSIENT);
	if ((rc = update(s, st, "finish a job", &changes, err)))
		return rc;
	if (!changes)
		return rig_fail(err, RIG_ERR_FENCED,
				"%s: job %lld is no longer run by %s: it was queued again after "
				"its heartbeat stopped",
				s->path, (long long)id, worker);
	return 0;
}

int sq_job_requeue_dead(struct rig_store *s, int64_t now_ms, int64_t dead_after_ms,
			int max_attempts, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, changes = 0;

	if ((rc = store_prepare(
		 s,
		 "UPDATE jobs SET state = CASE WHEN attempts >= ?2 THEN 'failed' ELSE 'queued' END,"
		 " result = CASE WHEN attempts >= ?2 THEN 'worker ' || worker || ' stopped "
		 "heartbeating, ' || attempts || ' attempts' ELSE result END,"
		 " worker = CASE WHEN attempts >= ?2 THEN worker ELSE NULL END"
		 " WHERE state = 'running' AND heartbeat_ms < ?1",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, now_ms - dead_after_ms);
	sqlite3_bind_int(st, 2, max_attempts);
	if ((rc = update(s, st, "requeue jobs of dead workers", &changes, err)))
		return rc;
	return changes;
}

int sq_job_counts(struct rig_store *s, struct rig_job_counts *c, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	memset(c, 0, sizeof(*c));
	if ((rc = store_prepare(s, "SELECT state, count(*) FROM jobs GROUP BY state", &st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(st, 0);
		long long n = sqlite3_column_int64(st, 1);

		if (!state)
			continue;
		if (strcmp(state, "queued") == 0)
			c->queued = n;
		else if (strcmp(state, "running") == 0)
			c->running = n;
		else if (strcmp(state, "done") == 0)
			c->done = n;
		else if (strcmp(state, "failed") == 0)
			c->failed = n;
	}
	rc = step == SQLITE_DONE ? 0 : store_db_fail(s, err, "count jobs");
	sqlite3_finalize(st);
	return rc;
}
