/*
 * The bench: builds the matrix of workloads x profiles for each board, then
 * takes warm-up runs and samples on every board (one worker thread per
 * board, bench/worker.c), storing each sample as it is taken. Combinations that cannot run are
 * recorded as skipped with the reason; a failed sample is stored as failed and the bench goes on.
 */
#ifndef RIG_BENCH_H
#define RIG_BENCH_H

#include "error.h"
#include "load.h"
#include "provenance.h"
#include "store.h"
#include "toolchain.h"
#include "util.h"

struct rig_bench_opts {
	struct rig_strv boards;	   /* board names or files */
	struct rig_strv profiles;  /* profile names (already selected) */
	struct rig_strv workloads; /* hello, cpu, ... */
	long long samples;	   /* -1: each board's default */
	long long warmup;	   /* -1: each board's default */
	long long iterations;	   /* 0: the board's iterations map, else the workload's default */
	long long timeout_ms;	   /* 0: each board's timeout */
	int resume;		   /* 1: complete incomplete runs instead of starting new ones */
	int progress;		   /* print progress lines on stderr */
	int build_only;		   /* stop after building */
	const char *source_dir, *boards_dir, *state_dir;
	const struct rig_provenance *prov; /* label, commit, bench id; NULL: none recorded */
	/* The farm (docs/farm.md). With db_path every board gets a worker
	 * thread with its own store connection, taking the board's lease
	 * first; NULL: boards one after another on `store`, no leases. */
	const char *db_path;
	long long jobs;		  /* host-local boards open at once (>= 1) */
	long long lease_wait_ms;  /* how long to wait for a board leased by another */
	long long lease_ttl_ms;	  /* 0: RIG_LEASE_TTL_MS_DEFAULT */
	long long store_every_ms; /* a sample waits at most this long to be written
				     with the next ones (0: RIG_BENCH_BATCH_MS) */
	/* A/B across identical boards (needs db_path): the boards of one model
	 * (tag model:, same target) share each (profile, workload) cell: one
	 * run named "model:M", its samples taken by whichever of them is free
	 * next, each stored with its board (bench/ab.c). */
	int ab;
	/* A queue retry (docs/farm.md): these boards (also in `boards`) failed
	 * in an earlier job for infrastructure reasons and are not opened;
	 * their cells go to the other boards, which take nothing else, into
	 * the same runs (resumed from the stored samples). */
	struct rig_strv retry_of;
	/* --timed-out-on BOARD,PROFILE,WORKLOAD,ON (set in a queue retry): that
	 * cell of --retry-of board BOARD stopped at a sample that timed out on
	 * board ON; the first sample taken here gives the verdict
	 * (docs/farm.md). NULL: none. */
	const char *timed_out_on;
	/* Under `rig worker` (RIG_JOB_ARGS): the job's bench arguments. What
	 * no board of this bench could take after an infrastructure error is
	 * then queued as a job for another board of the model (`--retry-of`),
	 * instead of skipped. NULL: skipped. */
	const char *requeue_args;
	/* --load: service workloads (rig:service) run under this load, others
	 * are skipped; NULL: services are skipped. load_text is the spec as
	 * given (recorded in the environment); load_cpus the load threads'
	 * CPUs (NULL: the CPUs rig may use). */
	const struct rig_load_spec *load;
	const char *load_text;
	const int *load_cpus;
	size_t n_load_cpus;
};

struct rig_bench_summary {
	int built, cached, skipped, samples_ok, samples_failed, boards_failed;
	int infra_errors;    /* board failures (open, link, lease): not the workload's */
	int samples_retried; /* samples a board left, taken by another of its model */
	int quarantined;     /* boards a failed health check put in quarantine */
	/* rig's own time over the stored samples: around the program (the
	 * run's time minus the program's wall_ns) and writing them */
	int64_t around_ns, store_ns;
	int64_t started; /* unix seconds: results since then belong to this bench */
	int interrupted;
};

/* Runs the bench. Returns 0 when it ran to the end (even with skips and
 * failed samples), RIG_ERR_INTERRUPTED on SIGINT/SIGTERM (every finished
 * sample is stored), another code when it could not start (a bad board
 * file: nothing is measured then). */
int rig_bench_run(const struct rig_bench_opts *o, struct rig_store *store,
		  const struct rig_toolchains *tcs, struct rig_bench_summary *sum,
		  struct rig_error *err);

/* Asks a running bench to stop after the current sample (signal-safe). */
void rig_bench_interrupt(void);

#endif
