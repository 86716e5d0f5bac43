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

struct shared_cell;

/* One cell of one board: an artifact to measure. */
struct job {
	struct rig_board *board;
	struct rig_artifact art;
	int64_t build_id;
	char workload[32];
	char profile[48];
	int service;		    /* a server benched under --load (rig:service) */
	struct shared_cell *shared; /* --ab: the cell this board shares (NULL: its own) */
	int ab_taken;		    /* --ab: indices this board was handed (c->mu) */
	int ab_left;		    /* --ab: this board is out of the cell (c->mu) */
	int ab_ready;		    /* --ab: its board's lease is held: turns wait for it */
};

/* A cell shared by the boards of one model (--ab, ab.c): one run, each
 * sample index taken once by whichever board asks next. */
/* A sample index of a shared cell given back to the others. */
struct redo {
	int idx;
	const char *timed_out_on; /* the board it timed out on (the taker gives the verdict,
				     docs/farm.md), or NULL: that board failed */
};

struct shared_cell {
	struct job *lead; /* the first board's job: its plan and build name the run */
	char label[64];	  /* the run's board: "model:M" */
	pthread_mutex_t mu;
	pthread_cond_t cv; /* an index was taken or a board left */
	int begun;	   /* the run exists (run_id) */
	int64_t run_id;
	int next, n;	   /* the next index never handed out; planned samples */
	struct redo *redo; /* indices given back, taken first */
	size_t n_redo;
	int active;	      /* workers inside the cell now */
	int boards;	      /* boards sharing it */
	struct job **members; /* their jobs, boards of them */
	int gone;	      /* boards out of it: done, failed, quarantined */
	int turns;	      /* boards wait for each other's share (not when host-local
			       * boards outnumber --jobs: they could not all be in at once) */
};

/* Samples of a cell left by a board that failed for infrastructure reasons,
 * for another board of the same model. */
struct retry {
	struct job *job;       /* the cell, on the board that failed */
	int64_t run_id;	       /* its run (0: not begun yet) */
	int from_idx;	       /* the first sample not taken */
	int tries;	       /* boards that failed it so far */
	char failed_on[64];    /* the last board that failed it */
	char model[64];	       /* who may take it */
	char why[300];	       /* the infrastructure error */
	int fenced;	       /* the board's lease was lost: its new holder resumes the run,
				  so it is never queued as a job for another board */
	char timed_out_on[64]; /* non-empty: sample from_idx timed out on this board; the
				  board that takes the retry gives the verdict (docs/farm.md) */
	struct retry *next;
};

enum worker_state {
	W_WAIT_LEASE,
	W_WAIT_SLOT,
	W_OPEN,
	W_HEALTH,
	W_RUN,
	W_RETRY,
	W_IDLE,
	W_DONE,
	W_FAILED
};

struct bench;

/* One board's worker thread. */
struct worker {
	struct bench *bn;
	struct rig_board *b;
	size_t idx;	      /* b is bench.boards[idx] */
	struct rig_store *st; /* its own connection (bench's when no db_path) */
	char model[64];	      /* tag model:, else the board's name */
	int local;	      /* a host-local board: takes a --jobs slot */
	int busy;	      /* has (or may still make) retry work of its model */
	int64_t token;	      /* the lease's fencing token (0: no leases) */
	int64_t env_id;
	int64_t health_at_ms; /* the last health check (0: none yet) */
	int quarantined;      /* its health check put the board in quarantine */
	int fenced;	      /* a write was refused: the board's lease is another's */
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
	struct job *health; /* per board (as boards): its health workload; board NULL: none */
	struct shared_cell *cells; /* --ab */
	size_t n_cells;
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

/* A worker's samples taken and not yet stored (sample_batch.c): of one run,
 * indexes first .. first + n - 1. */
#define RIG_BENCH_BATCH 32
#define RIG_BENCH_BATCH_MS 1000
struct sample_batch {
	struct rig_sample *s;
	int cap, n, first;
	int lost_from; /* after a failed flush: the first sample not stored */
	int64_t run_id, since_ms, every_ms;
	double around_ns; /* rig's time around the programs of these samples */
};
/* cap 1 without a lease or for a shared (--ab) cell. */
void rig_bench_batch_init(struct sample_batch *sb, const struct worker *w, int shared);
/* Takes *s (cleared); writes the batch when it is full, old or not
 * contiguous with s. 0, or the store's error (RIG_ERR_FENCED: the lease was
 * lost; lost_from says from where nothing was stored). Blocks on writes. */
int rig_bench_batch_add(struct worker *w, struct sample_batch *sb, int64_t run_id, int idx,
			struct rig_sample *s, double around_ns, struct rig_error *err);
/* Writes what is kept (waiting for a store that went away, STORE_WAIT_MS)
 * and counts it in the summary; 0 or the error (into err, may be NULL),
 * lost_from set. */
int rig_bench_batch_flush(struct worker *w, struct sample_batch *sb, struct rig_error *err);
/* Frees samples still kept (not stored). */
void rig_bench_batch_free(struct sample_batch *sb);

/* Stores a skip of (board, profile, workload) with the reason. */
void rig_bench_skip(struct bench *bn, struct rig_store *st, const struct rig_board *b,
		    const char *profile, const char *workload, const char *reason);

/* 1 for a board that loads this machine's CPUs (host, QEMU, WASI,
 * composed): it takes a --jobs slot. Agent and serial boards do not. */
int rig_bench_board_local(const struct rig_board *b);

/* Who the farm log names: the lease keeper's owner, or this process. */
const char *rig_bench_owner(const struct bench *bn);

/* Sets a worker's state for the progress line. */
void rig_bench_worker_state(struct worker *w, enum worker_state s);

/* Health checks (health_run.c, docs/farm.md). Builds every board's health
 * workload (boards with `health:`); a board whose workload cannot be built
 * or run there gets no checks (warned). */
void rig_bench_health_build(struct bench *bn);
/* 1 when w's board has a health check and its last one is older than
 * `every` (or there was none). */
int rig_bench_health_due(const struct worker *w);
/* Runs the health check on w's open board and stores it (store_health.h);
 * 0 when it passed (a quarantined board is back to ok); RIG_ERR_SKIPPED
 * when it failed: the board is now quarantined with the evidence and
 * w->quarantined set, err says why; RIG_ERR_STORE or RIG_ERR_STORE_LOST
 * (the store's server away); any other code is the
 * board's (unusable during the check: infrastructure). Blocks for the
 * check's samples. */
int rig_bench_health_check(struct worker *w, struct rig_error *err);

/* A/B across identical boards (ab.c). Groups the jobs of boards of one
 * model (tag model:, same target, same artifact) into shared cells. */
void rig_bench_ab_group(struct bench *bn);
/* The next sample index of c for board job j (a given-back one first, not
 * one that timed out on j's own board while another board is in the
 * cell), or -1 when every index is handed out; *timed_out_on: the board
 * the index timed out on, else NULL. With c->turns a board that has taken
 * more than another board still in the cell waits for it to take one (or
 * leave), so each round every board takes one. Locks c->mu; may block
 * (0.1 s steps, ends on rig_bench_stop). */
int rig_bench_ab_next(struct shared_cell *c, struct job *j, const char **timed_out_on);
/* Gives index idx back: j's board failed before storing it, or (timed_out_on
 * non-NULL, a string that outlives the bench) the sample timed out there. */
void rig_bench_ab_give_back(struct shared_cell *c, struct job *j, int idx,
			    const char *timed_out_on);
/* 1 when a board other than j's is still in c (may take an index). */
int rig_bench_ab_others(struct shared_cell *c, const struct job *j);
/* j's board is out of its cell (done, failed, quarantined): the others no
 * longer wait for it. Idempotent. */
void rig_bench_ab_leave(struct job *j);
/* j's board holds its lease: from now on the others wait for its turns
 * (a board still waiting for another bench's lease is not waited for, so
 * two --ab benches over the same boards cannot hold each other up). */
void rig_bench_ab_ready(struct job *j);
/* After the workers: records what no board of a shared cell took as
 * skipped, and frees the cells. */
void rig_bench_ab_finish(struct bench *bn);

/* The run phase's shared steps (worker.c). 1 when every worker stops
 * (SIGINT/SIGTERM, or a worker's store error). */
int rig_bench_stopping(const struct bench *bn);
/* Cell j's plan: samples *n, warm-ups *warm and its run key, from the
 * board it belongs to (its lead's under --ab), also when another board
 * takes its samples. */
void rig_bench_plan(const struct bench *bn, const struct job *j, long long *n, long long *warm,
		    struct rig_run_key *key);
/* 1 when rc is the board's fault (infrastructure: unusable, lost link,
 * lost lease), not an interruption, a store error or a skip. */
int rig_bench_infra(int rc);
/* rig_bench_take_samples, rig_bench_timeout_judge: sample *next timed out
 * and another board of the model may take it (err says which sample, where
 * and after how long). */
#define RIG_BENCH_TIMED_OUT 1
/* rig_bench_timeout_judge: the timed-out index went back to its A/B cell. */
#define RIG_BENCH_GIVEN_BACK 2

/* Samples [from, n) of run_id for cell j, taken on w's open board and
 * stored (fenced) as they finish. *next: the first sample not stored.
 * timed_out_on: NULL, or the board on which sample `from` timed out: if it
 * times out here too it is stored failed (the workload's), if it finishes
 * here that board is charged an infrastructure error. may_retry: a sample
 * that times out here, when another board of the model can still take it,
 * ends the call with RIG_BENCH_TIMED_OUT instead of being stored failed.
 * Returns 0; RIG_BENCH_TIMED_OUT; RIG_ERR_SKIPPED (the board cannot run
 * it); RIG_ERR_INTERRUPTED; RIG_ERR_STORE; any other code is the board's
 * (infrastructure). Blocks for the samples. */
int rig_bench_take_samples(struct worker *w, struct job *j, int64_t run_id, int from,
			   const char *timed_out_on, int may_retry, int *next,
			   struct rig_error *err);
/* Timeouts (timeout.c). An infrastructure error of board (w's or, after
 * a timeout's verdict, another's): counted in the summary, the board's
 * failures in a row (the farm log's `infra`), quarantine after
 * RIG_HEALTH_MAX_FAILURES. */
void rig_bench_count_infra(struct worker *w, const char *board, const char *why);
/* Sample idx of cell j, just taken on w's board in wall_ns. verdict_on:
 * the board it timed out on before (NULL: none). Finished after a timeout
 * elsewhere: that board is charged, 0. Timed out after one elsewhere: its
 * reason says the workload's, *may_retry = 0, 0 (store it). Timed out
 * first and *may_retry with another board of the model left: logged
 * (farm log `timeout`) and RIG_BENCH_GIVEN_BACK (A/B: the index is back in
 * the cell; take the next) or RIG_BENCH_TIMED_OUT (err set: the caller
 * queues the rest of the cell); the sample is not to be stored. Else 0. */
int rig_bench_timeout_judge(struct worker *w, struct job *j, int idx, struct rig_sample *s,
			    double wall_ns, const char *verdict_on, int *may_retry,
			    struct rig_error *err);
/* --timed-out-on BOARD,PROFILE,WORKLOAD,ON: ON (where the sample timed
 * out) when the rest names cell j, else NULL. */
const char *rig_bench_timed_out_cell(const struct bench *bn, const struct job *j);

/* Retries (retry.c). Queues samples [from, n) of cell j (run_id 0: not
 * begun) for another board of w's model, tries boards failed it so far;
 * timed_out_on: NULL, or the board on which sample `from` timed out (the
 * taker gives the verdict). Wakes workers waiting in rig_bench_retry_next.
 * Locks bn->mu. */
void rig_bench_retry_queue(struct worker *w, struct job *j, int64_t run_id, int from, int tries,
			   const char *why, const char *timed_out_on);
/* 1 when another board of w's model may still take a retry in this bench
 * (not done, not failed, not quarantined). Locks bn->mu. */
int rig_bench_retry_possible(struct worker *w);
/* Takes the next retry w may do (its model, not failed on it, tries left):
 * 1 and *out (the caller frees it); 0 when there is none and no busy board
 * of the model can make one any more. Called with bn->mu held; blocks on
 * bn->cv (1 s steps, ends on rig_bench_stopping). */
int rig_bench_retry_next(struct worker *w, struct retry **out);
/* Takes r's samples on w's open board into r's run (begun here when the
 * failed board had not begun it), logged in the farm log as `retry`; an
 * infrastructure error here queues the rest again (tries + 1). Returns as
 * rig_bench_take_samples (RIG_ERR_SKIPPED is stored as a skip and
 * returned as 0). */
int rig_bench_retry_take(struct worker *w, struct retry *r, struct rig_error *err);
/* After the workers: stores what no board of the model could take as
 * skipped with the reason, and frees the queue. */
void rig_bench_retry_leftover(struct bench *bn);

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
