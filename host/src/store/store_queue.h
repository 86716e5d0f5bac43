/*
 * The job queue in the store (schema 4, table jobs): `rig submit` adds one
 * job per board, `rig worker` on each host takes jobs for its boards, runs
 * them and marks them done or failed (docs/farm.md). Only SQL lives here;
 * the worker loop is host/src/farm/worker.c.
 *
 * A job is queued -> running -> done | failed. A take is exclusive: on
 * PostgreSQL it is `SELECT ... FOR UPDATE SKIP LOCKED` inside the UPDATE
 * that claims the row, so two workers never take one job and never wait for
 * each other; on SQLite the same UPDATE runs under the write lock. A running
 * job carries its worker's heartbeat (wall-clock ms); a job whose heartbeat
 * is older than the dead-worker limit is queued again (or failed once it
 * was taken max_attempts times), so a killed worker's job runs elsewhere.
 * A worker whose job was requeued can no longer finish it (job_finish
 * names the worker), so a job is counted once.
 */
#ifndef RIG_STORE_QUEUE_H
#define RIG_STORE_QUEUE_H

#include <stdint.h>

#include "error.h"
#include "util.h"

struct rig_store;

struct rig_job {
	int64_t id;
	char board[64];	 /* the board the job runs on */
	char args[2048]; /* the rig bench arguments after --boards BOARD, one per line */
	char state[12];	 /* queued, running, done, failed */
	char worker[160];
	int attempts; /* how many times it was taken */
	char result[512];
};

/* Queues job (board and args; the rest is ignored); its id in *id. */
int rig_store_job_submit(struct rig_store *s, const struct rig_job *job, int64_t *id,
			 struct rig_error *err);

/* Takes the oldest queued job for one of boards (NULL or empty: any board)
 * for worker: 1 and *job, 0 when none is queued. Does not wait for jobs
 * other workers are taking. left_before_ms 0: any queued job of those
 * boards; otherwise only one another worker left: taken before and queued
 * again (its worker stopped heartbeating, or the store was away), or
 * queued before left_before_ms and taken by nobody since (a standby
 * worker's take of boards whose own worker is gone). */
int rig_store_job_take(struct rig_store *s, const char *worker, const struct rig_strv *boards,
		       int64_t now_ms, int64_t left_before_ms, struct rig_job *job,
		       struct rig_error *err);

/* Moves the heartbeat of job id to now_ms while worker runs it:
 * RIG_ERR_FENCED when it was queued again (the worker should stop it). */
int rig_store_job_heartbeat(struct rig_store *s, int64_t id, const char *worker, int64_t now_ms,
			    struct rig_error *err);

/* Marks job id done (ok 1), failed (ok 0) or queued again for any worker
 * (ok -1: it could not run for a passing reason, the store away) with
 * result, only while worker still runs it: RIG_ERR_FENCED when it was
 * requeued (another worker may run it). */
int rig_store_job_finish(struct rig_store *s, int64_t id, const char *worker, int ok,
			 const char *result, struct rig_error *err);

/* Queues again every running job whose heartbeat is older than now_ms -
 * dead_after_ms; one taken max_attempts times already is failed instead.
 * Returns how many jobs it changed (>= 0). */
int rig_store_job_requeue_dead(struct rig_store *s, int64_t now_ms, int64_t dead_after_ms,
			       int max_attempts, struct rig_error *err);

struct rig_job_counts {
	long long queued, running, done, failed;
};
int rig_store_job_counts(struct rig_store *s, struct rig_job_counts *c, struct rig_error *err);

#endif
