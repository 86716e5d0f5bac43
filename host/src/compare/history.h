/*
 * History: one metric of one cell over every run that measured it, oldest
 * first, with the change points found in the per-run medians
 * (rig_stats_changepoints: E-Divisive means, see docs/gate.md).
 */
#ifndef RIG_HISTORY_H
#define RIG_HISTORY_H

#include <stdio.h>

#include "cells.h"
#include "stats.h"

struct rig_hist_filter {
	const char *board, *workload, *profile, *metric; /* NULL: any (metric: startup_ns) */
	const char *label;				 /* NULL: any */
	size_t last;					 /* 0: all runs, else the newest N */
};

struct rig_hist_point {
	struct rig_run_info run;
	struct rig_summary s;
	double *v; /* owned */
	size_t n;
	int change_point; /* a new segment starts here */
	double cp_p;	  /* its permutation p-value */
	double shift;	  /* at a change point: segment median after / before - 1 */
};

struct rig_hist_series {
	char board[64], workload[32], profile[48], target[64], metric[48], unit[24];
	struct rig_hist_point *pt;
	size_t n;
};

struct rig_history {
	struct rig_hist_series *s;
	size_t n;
};

/* Loads the series passing f (one per cell), change points included. */
int rig_history_load(struct rig_store *store, const struct rig_runs *runs,
		     const struct rig_hist_filter *f, struct rig_history *out,
		     struct rig_error *err);
void rig_history_free(struct rig_history *h);

/* Marks change points in the medians of s (alpha 0.05, 199 permutations). */
void rig_history_changepoints(struct rig_hist_series *s);

/* table (aligned when is_tty), json or csv. RIG_ERR_INVALID: unknown fmt. */
int rig_history_print(const struct rig_history *h, const char *fmt, int is_tty, FILE *f,
		      struct rig_error *err);

#endif
