/*
 * Results: stored samples turned into rows of statistics, one row per
 * (board, workload, profile), compared with a baseline profile on the same
 * board and workload, and printed as a table (people) or json, csv,
 * benchfmt, openmetrics (machines).
 */
#ifndef RIG_RESULTS_H
#define RIG_RESULTS_H

#include <stdio.h>

#include "error.h"
#include "stats.h"
#include "store.h"
#include "util.h"

struct rig_results_opts {
	const struct rig_strv *boards;	  /* NULL or empty: all */
	const struct rig_strv *workloads; /* NULL or empty: all */
	const struct rig_strv *profiles;  /* NULL or empty: all */
	const char *baseline;		  /* profile to compare with, or NULL */
	const char *format;		  /* table (default), json, csv, benchfmt, openmetrics */
	int timestamps;			  /* openmetrics: samples carry their run's start */
	int is_tty;			  /* table: aligned with a rule line */
	int64_t skips_since;		  /* show skips recorded since (0: none) */
};

/* One summarised metric of a row. */
struct rig_stat {
	int present;
	struct rig_summary s;
	double *values;
	size_t n;
	char unit[24];
	/* against the baseline row, when there is one */
	int has_ratio;
	double ratio;	 /* median / baseline median */
	double p;	 /* Mann-Whitney two-sided p */
	int significant; /* p < 0.05 */
	int n_too_small; /* no p-value below 0.05 is possible at these n */
};

enum rig_row_metric {
	RIG_M_STARTUP, /* startup_ns */
	RIG_M_WALL,    /* wall_ns */
	RIG_M_RAM,     /* peak RAM in bytes: peak_rss_kib*1024, or MCU static+stack+heap */
	RIG_M_OPS,     /* throughput ops/s */
	RIG_M_BOOT,    /* boot_ns reported by firmware */
	RIG_M_COUNT
};

struct rig_row {
	int64_t run_id; /* the run the row summarises */
	char board[64], workload[32], profile[48], toolchain[32], target[64];
	char sha256[65], tc_version[160];
	int emulated, n_ok, n_failed;
	int64_t started; /* unix seconds the row's run started */
	char flags[32];	 /* "hot,throttled" when the board said so during the run */
	long long iterations;
	struct rig_sizes sizes;
	int64_t flash_bytes; /* text + data for bare-metal images */
	struct rig_stat m[RIG_M_COUNT];
	/* every other metric, for json/csv */
	struct rig_stat *extra;
	char (*extra_names)[48];
	size_t n_extra;
	int is_baseline;
	int has_base;	   /* a baseline row exists for board+workload */
	double size_ratio; /* file size / baseline file size (exact) */
	/* WASI rows: the same workload and profile on the native host board */
	int has_native;
	struct rig_stat native[RIG_M_COUNT]; /* ratio/p against the native row */
	/* services under load: the run's --load spec (part of the row's
	 * identity: two specs are two rows), and the latency percentiles of
	 * the samples' histograms merged (results_load.c) */
	char load[160];
	int merged_n;	     /* samples whose histograms were merged; 0: none stored */
	double merged_us[4]; /* p50, p99, p99.9, max of the merged histogram */
};

struct rig_results {
	struct rig_row *rows;
	size_t n;
};

/* The NOTE column of one row into out (cap bytes, always terminated):
 * emulated, failures, outliers, MCU RAM parts, WASI cost above the runtime's
 * floor ("within noise of the floor" when the CI of the difference holds
 * zero), size by section, ratios against the native row. */
void rig_results_note(char *out, size_t cap, const struct rig_row *r);

/* One metric as a cell: the median and its CI, "12.3 ms [12.1, 12.6]";
 * the median alone at n = 1; "-" when absent (results_print.c). */
void rig_results_stat_text(char *out, size_t cap, const struct rig_stat *st, const char *unit);

/* The table of rows benched under load (a qps metric), after the main table;
 * prints nothing when there are none (results_load.c). */
void rig_results_print_load(const struct rig_results *res, FILE *f, int is_tty);

/* The board-to-board table after the main one: every row whose run's
 * samples were taken by several boards (--ab, retries), each board's n and
 * median wall time, and the spread (results_boards.c); nothing when no
 * run has more than one board. Reads the store. */
void rig_results_print_boards(struct rig_store *store, const struct rig_results *res, FILE *f,
			      int is_tty);
/* For every row with a load spec, merges its samples' stored latency
 * histograms (rig_store_run_hists) into merged_us; rows of stores from
 * before histograms were kept get merged_n 0. Returns 0 or the store's
 * error (results_load.c). */
int rig_results_merge_latency(struct rig_store *store, struct rig_results *res,
			      struct rig_error *err);

/* Appends ,"sample_boards":[{"board":B,"n":N,"median_wall_ns":X},...] for
 * the row's run (the boards that took its samples, first-seen order) to b;
 * nothing when the run has no wall_ns samples (results_boards.c). */
void rig_results_json_boards(struct rig_store *store, const struct rig_row *r, struct rig_buf *b);

/* A filter list passes s when it is NULL, empty, or holds s. */
int rig_results_filter_has(const struct rig_strv *l, const char *s);

/* Loads the newest run of every (board, workload, profile) passing the
 * filters, summarises, and compares with the baseline. */
int rig_results_load(struct rig_store *store, const struct rig_results_opts *o,
		     struct rig_results *out, struct rig_error *err);
void rig_results_free(struct rig_results *r);

/* Loads and prints in o->format to f. */
int rig_results_print(struct rig_store *store, const struct rig_results_opts *o, FILE *f,
		      struct rig_error *err);

#endif
