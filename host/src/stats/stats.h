/*
 * Statistics over samples: robust summaries, outliers, and two-sample
 * comparison. Pure functions over arrays; no I/O, no allocation visible to
 * the caller.
 */
#ifndef RIG_STATS_H
#define RIG_STATS_H

#include <stddef.h>

struct rig_summary {
	size_t n;
	double median, min, max, mean;
	double mad;	     /* median absolute deviation, unscaled */
	double ci_lo, ci_hi; /* 95% distribution-free CI of the median (order
			      * statistics from the binomial); equal to min/max
			      * when n is too small for 95% (n < 6) */
	double ci_level;     /* achieved coverage, >= 0.95 when n >= 6 */
	size_t n_outliers;   /* modified z-score |0.6745 (x - median) / MAD| > 3.5 */
};

/* Summarises x[0..n). Returns 0, or -1 when n == 0 (or no scratch memory:
 * it sorts a copy). Does not modify x. Definitions and the SciPy/NumPy
 * references the tests check against: stats.c, tests/tools/gen_stats_ref.py. */
int rig_stats_summary(const double *x, size_t n, struct rig_summary *out);

/* Sets flags[i] = 1 for outliers by modified z-score (Iglewicz & Hoaglin),
 * 0 for the others; none when MAD is 0. Returns the count. */
size_t rig_stats_outliers(const double *x, size_t n, unsigned char *flags);

/* Two-sided Mann-Whitney U test p-value for samples a and b: exact (by
 * counting, no ties) when na*nb <= 400, normal approximation with tie and
 * continuity correction otherwise (as scipy.stats.mannwhitneyu with method
 * 'exact' / 'asymptotic'). Returns 1.0 when either is empty or every value is
 * equal, NaN when scratch memory cannot be had (NaN < 0.05 is false: "not
 * significant"). benchstat differs for small samples with ties: it uses an
 * exact tie-aware distribution there. */
double rig_stats_mannwhitney_p(const double *a, size_t na, const double *b, size_t nb);

/* The smallest two-sided p-value the test can give for sizes na, nb:
 * 2 / C(na+nb, na). When it is >= 0.05 no difference can be called
 * significant and reports must say n is too small. */
double rig_stats_min_p(size_t na, size_t nb);

#endif
