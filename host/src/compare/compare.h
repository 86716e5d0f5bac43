/*
 * Two sides compared cell by cell and metric by metric: medians with their
 * CIs, the change b/a - 1 with a distribution-free CI (rig_stats_ratio_ci),
 * the Mann-Whitney p, "~" when it is not below alpha, exact comparison for
 * deterministic metrics (sizes), a flag where the sample sizes cannot reach
 * alpha at all (benchstat's n=4 trap: min p = 2/C(8,4) = 0.029 < 0.05 but
 * n=3 gives 0.1), and a geometric mean per metric over the cells both sides
 * have.
 */
#ifndef RIG_COMPARE_H
#define RIG_COMPARE_H

#include <stdio.h>

#include "cells.h"
#include "stats.h"

struct rig_cmp_row {
	char board[64], workload[32], profile[48], target[64];
	char load[160]; /* the cell's --load spec ("" none): cells differ by it too */
	char metric[48], unit[24];
	int in_a, in_b; /* the metric is present on that side */
	int exact;	/* deterministic on both sides: no test, exact change */
	int higher;	/* higher is better */
	struct rig_summary a, b;
	const double *va, *vb; /* the samples (borrowed from the sides) */
	double change;	       /* b median / a median - 1; NaN when a median is 0 */
	double ci_lo, ci_hi;   /* CI of the change (level), -1/INFINITY unreachable */
	int has_ci;
	double p;	 /* Mann-Whitney two-sided; 0 or 1 for exact rows */
	int significant; /* p < alpha (exact rows: values differ) */
	int n_too_small; /* rig_stats_min_p(na, nb) >= alpha */
	int ties;	 /* equal values in a + b: p from the normal approximation */
	int merged;	 /* a percentile of each side's merged latency histogram: one
			    figure per side, the change shown, no test */
};

struct rig_cmp_geomean {
	char metric[48], unit[24];
	size_t n_cells;
	double a, b, change; /* geomeans of the medians; change b/a - 1 */
};

struct rig_cmp {
	char what_a[160], what_b[160];
	double alpha, level;
	struct rig_cmp_row *rows;
	size_t n;
	struct rig_cmp_geomean *geo;
	size_t n_geo;
};

/* Compares a with b at significance alpha (CIs at 1 - alpha). metrics:
 * only these (NULL or empty: all). Rows follow b's cells, then cells only
 * in a. Borrows the sides' values: free the comparison first. */
void rig_compare(const struct rig_side *a, const struct rig_side *b, double alpha,
		 const struct rig_strv *metrics, struct rig_cmp *out);
void rig_compare_free(struct rig_cmp *c);

/* A change as text: "+12.34%" (v a fraction), "-" for NaN, "+inf"/"-inf".
 * Returns buf. Shared by the comparison table and the gate's reasons. */
const char *rig_cmp_pct(char *buf, size_t cap, double v);

/* Prints in fmt: "table" (aligned when is_tty, else TSV), "json", "csv",
 * "benchfmt" (both sides' samples as Go benchmark lines, the side as the
 * configuration key "side": `benchstat -col side FILE` compares them).
 * Returns 0 or RIG_ERR_INVALID for an unknown format. */
int rig_compare_print(const struct rig_cmp *c, const struct rig_side *a, const struct rig_side *b,
		      const char *fmt, int is_tty, FILE *f, struct rig_error *err);

#endif
