/*
 * Every run in the store with what it measured (label, commit, bench id from
 * its environment record), for history, compare, gate and report. Reads
 * only; the store stays small enough (thousands of runs) to list whole.
 */
#ifndef RIG_STORE_RUNS_H
#define RIG_STORE_RUNS_H

#include <stdint.h>

#include "store.h"

struct rig_run_info {
	int64_t run_id, env_id, started;
	char board[64], toolchain[32], profile[48], workload[32], target[64];
	int emulated, n_ok, n_failed;
	long long iterations;
	struct rig_sizes sizes;
	char sha256[65], tc_version[160];
	char label[128], commit[48], branch[128];
	char bench_id[48]; /* "env<id>" for runs stored before bench ids existed */
	char flags[32];	   /* "hot", "throttled": the board said so during the run */
	char load[160];	   /* the --load spec of a service run ("" none): part of the cell */
};

/* All runs, oldest first, into *out (owned array, free()). Returns 0 or
 * RIG_ERR_STORE. */
int rig_store_list_runs(struct rig_store *s, struct rig_run_info **out, size_t *n,
			struct rig_error *err);

/* The metric names (and units) the ok samples of a run have, appended to
 * names / units (same order). */
int rig_store_run_metric_names(struct rig_store *s, int64_t run_id, struct rig_strv *names,
			       struct rig_strv *units, struct rig_error *err);

/* The values of one metric over the ok samples of a run, in sample order:
 * *v owned (NULL when none), *n their count. */
int rig_store_run_values(struct rig_store *s, int64_t run_id, const char *metric, double **v,
			 size_t *n, struct rig_error *err);

/* rig_store_run_values with the board that took each sample (samples.board:
 * --ab runs and retries have several): boards->v[i] took (*v)[i]; boards
 * appended to (the caller frees), *v owned. */
int rig_store_run_board_values(struct rig_store *s, int64_t run_id, const char *metric,
			       struct rig_strv *boards, double **v, size_t *n,
			       struct rig_error *err);

/* Calls cb with each ok sample's stored histogram `name` (the bytes
 * rig_sample_set_hist was given), in sample order. Returns how many, or an
 * error (a nonzero return of cb stops and is returned). */
typedef int (*rig_hist_blob_cb)(void *ctx, const void *data, size_t len);
int rig_store_run_hists(struct rig_store *s, int64_t run_id, const char *name, rig_hist_blob_cb cb,
			void *ctx, struct rig_error *err);

/* Every fact of an environment record, appended to out in key order. */
int rig_store_env_facts(struct rig_store *s, int64_t env_id, struct rig_kvlist *out,
			struct rig_error *err);

#endif
