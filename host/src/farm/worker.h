/*
 * `rig worker`: takes jobs from the store's queue (store_queue.h) for the
 * boards of this host, runs each in a child process, heartbeats while it
 * runs and marks it done or failed (docs/farm.md). Every pass first queues
 * again the jobs of workers that stopped heartbeating (any worker reaps any
 * other). The child dies with the worker (PR_SET_PDEATHSIG), so a killed
 * worker leaves nothing running and its job is requeued after
 * dead_after_ms. A store error (the database restarting) is logged and the
 * pass retried after poll_ms: the worker outlives the server; a bench that
 * exits RIG_EXIT_TRY_AGAIN (its store was away) is queued again, so it
 * resumes its runs on the next take. A store away longer than
 * store_lost_ms ends the loop with RIG_ERR_STORE_LOST (`rig worker` exits
 * RIG_EXIT_TRY_AGAIN, 75): every sample stored so far is kept, its job is
 * left running and requeued by another worker after dead_after_ms.
 *
 * Stopped (SIGTERM from systemd or its parent), the worker sends SIGTERM to
 * its bench, which stores the samples it finished, abandons the one it is
 * taking and releases its leases; a bench still running after
 * stop_grace_ms is killed (its leases then expire). A job so stopped that
 * did not finish is queued again (not failed), so another worker resumes
 * it from its stored samples.
 *
 * Standby boards are another worker's (another host's rack that this host
 * can reach too): their jobs are taken only once that worker left them,
 * requeued after its heartbeat stopped or queued longer than
 * dead_after_ms (rig_store_job_take's left_before_ms).
 */
#ifndef RIG_WORKER_H
#define RIG_WORKER_H

#include <signal.h>
#include <stdint.h>

#include "error.h"
#include "store_queue.h"
#include "util.h"

/* The exit status of a bench that could not reach its store (sysexits'
 * EX_TEMPFAIL): the worker queues the job again. */
#define RIG_EXIT_TRY_AGAIN 75

/* Runs one job in the child process; returns its exit status (0: done). */
typedef int (*rig_job_runner)(void *ctx, const struct rig_job *job);

struct rig_worker_cfg {
	const char *store;		 /* the store's file or URL (rig_store_open) */
	const char *name;		 /* this worker's id; NULL: rig_store_owner_id */
	const struct rig_strv *boards;	 /* jobs for these boards only (NULL/empty: any) */
	const struct rig_strv *standby;	 /* and these boards' jobs once left (may be NULL) */
	const struct rig_strv *rig_args; /* options before `bench`: --state-dir ... (may be NULL) */
	rig_job_runner run;		 /* NULL: rig_worker_run_bench with this cfg */
	void *run_ctx;
	long long heartbeat_ms;	 /* default 2000 */
	long long dead_after_ms; /* a running job whose heartbeat is older is requeued; 30000 */
	long long poll_ms;	 /* wait when the queue is empty; default 1000 */
	int max_attempts;	 /* takes before a job is failed; default 3 */
	long long store_lost_ms; /* give up when the store is away this long; default 600000 */
	long long stop_grace_ms; /* a stopped bench is killed after this; default 20000 */
	long long max_jobs;	 /* stop after this many (0: never) */
	int exit_when_idle;	 /* stop when no job is queued for these boards (with standby
				    boards: when none is queued or running at all) */
	const volatile sig_atomic_t *stop; /* stop when it becomes non-zero (may be NULL) */
};

/* The loop; returns 0 when stopped (stop, max_jobs, exit_when_idle), or a
 * negative error when the store cannot be opened at all, or
 * RIG_ERR_STORE_LOST when it could not be reached for store_lost_ms. Blocks. Jobs run
 * and their outcome are logged at info level. */
int rig_worker_loop(const struct rig_worker_cfg *cfg, struct rig_error *err);

/* The default runner: execs this rig (/proc/self/exe) as
 * `rig --db STORE RIG_ARGS... bench --boards BOARD ARGS...`, ARGS the job's
 * lines. ctx is the worker's const struct rig_worker_cfg. Never returns in
 * the child. */
int rig_worker_run_bench(void *ctx, const struct rig_job *job);

#endif
