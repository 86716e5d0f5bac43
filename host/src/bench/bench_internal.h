/*
 * The bench's private state, shared by the build phase (bench.c), the
 * board workers (worker.c) and the progress line (progress.c). Everything a
 * worker thread changes that others read is under bench.mu.
 */
#ifndef RIG_BENCH_INTERNAL_H
#define RIG_BENCH_INTERNAL_H

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>

#include "artifact.h"
#include "bench.h"
#include "board.h"
#include "lease.h"
#include "store.h"

/* Tries of one cell's samples on other boards after infrastructure errors. */
#define RIG_BENCH_RETRY_MAX 2

/* One cell of one board: an artifact to measure. */
struct job {
	struct rig_board *board;
	struct rig_artifact art;
	int64_t build_id;
	char workload[32];
	char profile[48];
	int service; /* a server benched under --load (rig:service) */
};

/* Samples of a cell left by a board that failed for infrastructure reasons,
 * for another board of the same model. */
struct retry {
	struct job *job;    /* the cell, on the board that failed */
	int64_t run_id;	    /* its run (0: not begun yet) */
	int from_idx;	    /* the first sample not taken */
	int tries;	    /* boards that failed it so far */
	char failed_on[64]; /* the last board that failed it */
	char model[64];	    /* who may take it */
	char why[300];	    /* the infrastructure error */
	struct retry *next;
};

enum worker_state { W_WAIT_LEASE, W_WAIT_SLOT, W_OPEN, W_RUN, W_RETRY, W_IDLE, W_DONE, W_FAILED };

struct bench;

/* One board's worker thread. */
struct worker {
	struct bench *bn;
	struct rig_board *b;
	struct rig_store *st; /* its own connection (bench's when no db_path) */
	char model[64];	      /* tag model:, else the board's name */
	int local;	      /* a host-local board: takes a --jobs slot */
	int busy;	      /* has (or may still make) retry work of its model */
	int64_t token;	      /* the lease's fencing token (0: no leases) */
	int64_t env_id;
	enum worker_state state;
	int done, total; /* samples */
	pthread_t th;
};

struct bench {
	const struct rig_bench_opts *o;
	struct rig_store *store;
	const struct rig_toolchains *tcs;
	struct rig_bench_summary *sum;
	struct rig_board **boards;
	size_t n_boards;
	struct job *jobs;
	size_t n_jobs;
	int total_samples, done_samples;
	/* the run phase */
	pthread_mutex_t mu; /* sum, done_samples, retries, workers' state, progress */
	pthread_cond_t cv;  /* a retry was queued or a worker stopped being busy */
	sem_t slots;	    /* --jobs: host-local boards open at once */
	struct rig_leases *leases;
	struct worker *workers;
	struct retry *retries;
	int64_t last_progress_ns;
	int fatal_rc; /* the first store error of a worker: every worker stops */
	struct rig_error fatal_err;
};

/* Set by SIGINT/SIGTERM (bench.c). */
extern volatile sig_atomic_t rig_bench_stop;

/* Stores a skip of (board, profile, workload) with the reason. */
void rig_bench_skip(struct bench *bn, struct rig_store *st, const struct rig_board *b,
		    const char *profile, const char *workload, const char *reason);

/* The run phase: one worker per board, leases, --jobs, retries. Returns 0,
 * RIG_ERR_INTERRUPTED, or RIG_ERR_STORE (with err) when the store failed. */
int rig_bench_workers_run(struct bench *bn, struct rig_error *err);

/* Progress (progress.c): the build line, and the farm line redrawn at most
 * every 100 ms (force: now) from the workers' states. Both under bn->mu or
 * from the only thread. */
void rig_bench_progress(struct bench *bn, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rig_bench_progress_farm(struct bench *bn, int force);
void rig_bench_progress_end(struct bench *bn);

#endif
