/*
 * `rig worker`: takes jobs from the store's queue (store_queue.h) for the
 * boards of this host, runs each in a child process, heartbeats while it
 * runs and marks it done or failed (docs/farm.md). Every pass first queues
 * again the jobs of workers that stopped heartbeating (any worker reaps any
 * other). The child dies with the worker (PR_SET_PDEATHSIG), so a killed
 * worker leaves nothing running and its job is requeued after
 * dead_after_ms. A store error (the database restarting) is logged and the
 * pass retried after poll_ms: the worker outlives the server.
 */
#ifndef RIG_WORKER_H
#define RIG_WORKER_H

#include <signal.h>
#include <stdint.h>

#include "error.h"
#include "store_queue.h"
#include "util.h"

/* Runs one job in the child process; returns its exit status (0: done). */
typedef int (*rig_job_runner)(void *ctx, const struct rig_job *job);

struct rig_worker_cfg {
	const char *store;	       /* the store's file or URL (rig_store_open) */
	const char *name;	       /* this worker's id; NULL: rig_store_owner_id */
	const struct rig_strv *boards; /* jobs for these boards only (NULL/empty: any) */
	rig_job_runner run;	       /* NULL: rig_worker_run_bench */
	void *run_ctx;
	long long heartbeat_ms;	 /* default 2000 */
	long long dead_after_ms; /* a running job whose heartbeat is older is requeued; 30000 */
	long long poll_ms;	 /* wait when the queue is empty; default 1000 */
	int max_attempts;	 /* takes before a job is failed; default 3 */
	long long max_jobs;	 /* stop after this many (0: never) */
	int exit_when_idle;	 /* stop when no job is queued for these boards */
	const volatile sig_atomic_t *stop; /* stop when it becomes non-zero (may be NULL) */
};

/* The loop; returns 0 when stopped (stop, max_jobs, exit_when_idle), or a
 * negative error when the store cannot be opened at all. Blocks. Jobs run
 * and their outcome are logged at info level. */
int rig_worker_loop(const struct rig_worker_cfg *cfg, struct rig_error *err);

/* The default runner: execs this rig (/proc/self/exe) as
 * `rig --db STORE bench --boards BOARD ARGS...`, ARGS the job's lines. The
 * store is taken from ctx (a const char *). Never returns in the child. */
int rig_worker_run_bench(void *ctx, const struct rig_job *job);

#endif
