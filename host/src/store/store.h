/*
 * The results store: SQLite (WAL) in .rig/rig.db of the project directory
 * unless --db names another file. Every sample is committed on its own, so a
 * bench that is interrupted (Ctrl-C, kill -9) keeps each finished sample, and
 * the same bench run again resumes its incomplete runs.
 */
#ifndef RIG_STORE_H
#define RIG_STORE_H

#include <stdint.h>

#include "artifact.h"
#include "error.h"
#include "sample.h"
#include "util.h"

struct rig_store;

int rig_store_open(const char *path, struct rig_store **out, struct rig_error *err);
void rig_store_close(struct rig_store *s);

/* Records an environment (host facts, board facts, tool versions); returns
 * its id in *id. */
int rig_store_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
		      struct rig_error *err);

/* Records a build, or finds the same one (by sha256 + profile + workload +
 * board target); id in *id. */
int rig_store_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
			struct rig_error *err);

/* What identifies one series of samples: the same bench run again finds it. */
struct rig_run_key {
	const char *board;
	int64_t build_id;
	const char *workload;
	long long iterations;
};

/*
 * Starts a run for key or resumes the newest one with the same key that has
 * fewer than n_planned samples (resume = 1). Sets *run_id and *have (samples
 * already stored: the caller takes only n_planned - have more).
 */
int rig_store_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
			int n_planned, int warmup, int emulated, int resume, int64_t *run_id,
			int *have, struct rig_error *err);

/* Stores one sample with its metrics in one transaction. */
int rig_store_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			 struct rig_error *err);

/* Records that a (board, toolchain profile, workload) combination was
 * skipped and why; shown in results beside measured rows. */
int rig_store_add_skip(struct rig_store *s, const char *board, const char *toolchain,
		       const char *profile, const char *workload, const char *reason,
		       struct rig_error *err);

/* One row of results: a run with its build, and every value of one metric. */
struct rig_series {
	int64_t run_id;
	char board[64], toolchain[32], profile[48], workload[32], target[64];
	int emulated;
	long long iterations;
	int64_t started;
	int n_ok, n_failed;
	struct rig_sizes sizes;
	char sha256[65];
	char tc_version[160];
	char metric[48], unit[24];
	char flags[32]; /* "hot", "throttled": board facts of the run's environment */
	double *values; /* n_ok values, in sample order; owned */
	size_t n_values;
};

/* Calls cb for every (latest run per board/profile/workload) x metric, in a
 * stable order. Filters may be NULL. */
typedef int (*rig_series_cb)(void *ctx, const struct rig_series *sr);
int rig_store_each_series(struct rig_store *s, const char *board_filter,
			  const char *workload_filter, rig_series_cb cb, void *ctx,
			  struct rig_error *err);

/* Skips recorded since `since` (unix seconds; 0: all), newest per combination. */
struct rig_skip {
	char board[64], toolchain[32], profile[48], workload[32], reason[512];
};
typedef int (*rig_skip_cb)(void *ctx, const struct rig_skip *sk);
int rig_store_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
			struct rig_error *err);

/* Raw access for tests and tools. */
struct sqlite3 *rig_store_db(struct rig_store *s);

#endif
