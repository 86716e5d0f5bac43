/*
 * Cells: one (board, workload, profile) measured in one run, with every
 * metric of its ok samples, and the sizes of its build as exact metrics.
 * A side of a comparison is the newest run of every cell among the runs a
 * selector picks:
 *
 *   latest        the newest bench (the runs of one `rig bench` invocation)
 *   latest~N      the Nth bench before it
 *   run:ID, ID    the bench that run ID belongs to
 *   bench:ID      the bench with that id (bench.id of its environment)
 *   commit:HEX    runs of commits starting with HEX (4-40 hex digits);
 *                 a bare HEX of 7+ digits that is no label means the same
 *   label:NAME    runs labelled NAME (--label, or git describe); a bare
 *                 NAME means the same
 */
#ifndef RIG_CELLS_H
#define RIG_CELLS_H

#include <stddef.h>

#include "error.h"
#include "store_runs.h"

struct rig_cell_metric {
	char name[48], unit[24];
	double *v; /* owned, n values in sample order */
	size_t n;
	int exact;  /* deterministic (sizes): compared exactly, no test */
	int higher; /* higher is better (throughput, ops/s) */
	int merged; /* one figure of the run's samples' latency histograms merged
		       (p50_merged_us ...): compared without a test */
};

struct rig_cell {
	struct rig_run_info run; /* board, workload, profile, label, commit... */
	struct rig_cell_metric *m;
	size_t n_m;
};

struct rig_side {
	char what[160]; /* how it was chosen, for people: "label main (bench ...)" */
	struct rig_cell *cells;
	size_t n;
};

/* The runs of the store, oldest first, loaded once per command. */
struct rig_runs {
	struct rig_run_info *v;
	size_t n;
};
int rig_runs_load(struct rig_store *s, struct rig_runs *out, struct rig_error *err);
void rig_runs_free(struct rig_runs *r);

/* Sets keep[i] = 1 for the runs sel picks (and 0 for the others), after
 * dropping the runs in exclude (NULL: none). Returns the number kept, or
 * RIG_ERR_NOT_FOUND ("no runs match ...") / RIG_ERR_INVALID (bad selector). */
int rig_runs_select(const struct rig_runs *runs, const char *sel, const unsigned char *exclude,
		    unsigned char *keep, char *what, size_t what_cap, struct rig_error *err);

/* The newest kept run per (board, workload, profile, target, load spec), loaded as
 * cells with their metrics. Cells are sorted by board, workload, profile. */
int rig_side_load(struct rig_store *s, const struct rig_runs *runs, const unsigned char *keep,
		  struct rig_side *out, struct rig_error *err);
void rig_side_free(struct rig_side *side);

/* A cell's metric by name (NULL when absent). */
struct rig_hist;
/* Merges into h the latency histogram (RIG_LOAD_HIST) every ok sample of
 * run_id stored: how many there were (0: none), or a negative rig_err code
 * (RIG_ERR_NOT_SUPPORTED from a store that keeps no histograms). */
int rig_run_latency_merge(struct rig_store *s, int64_t run_id, struct rig_hist *h,
			  struct rig_error *err);

const struct rig_cell_metric *rig_cell_metric(const struct rig_cell *c, const char *name);

/* Loads one run's metrics into a cell (as rig_side_load does for each); a
 * run under load also gets p50/p99/p999_merged_us from its samples'
 * histograms merged (rig_store_run_hists), when stored. */
int rig_cell_load(struct rig_store *s, const struct rig_run_info *run, struct rig_cell *out,
		  struct rig_error *err);
void rig_cell_free(struct rig_cell *c);

/* "board/workload/profile" into buf, "@SPEC" after it for a run under load. */
const char *rig_cell_name(const struct rig_cell *c, char *buf, size_t cap);

/* 1 when higher values of metric name are better (throughput, ops/s, */
/* anything with a unit ending in "/s"). */
int rig_metric_higher_is_better(const char *name, const char *unit);

#endif
