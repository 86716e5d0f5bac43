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

/*
 * The change from a to b as a ratio b/a with a distribution-free confidence
 * interval (Hodges-Lehmann / Moses, on log values): the interval is
 * [D(k), D(na*nb + 1 - k)] of the sorted pairwise log ratios
 * D = log b[j] - log a[i], with k the largest rank such that
 * P(U <= k - 1) <= (1 - level) / 2 under the Mann-Whitney null (exact
 * counts when na*nb <= 400, the normal approximation otherwise). So the
 * interval excludes 1 exactly when the test at 1 - level rejects (without
 * ties). Sets *lo and *hi (ratios) and returns 0; returns -1 when a value
 * is not positive, or the sizes cannot reach the level (then *lo = 0, *hi =
 * INFINITY: "n too small").
 */
int rig_stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		       double *lo, double *hi);

/* Geometric mean of x[0..n) (all > 0); NaN when n == 0 or any x <= 0. */
double rig_stats_geomean(const double *x, size_t n);

/*
 * Change points of a series (E-Divisive means, Matteson & James 2014, with
 * exponent 1, as MongoDB's signal processing uses it): binary segmentation
 * on the energy-distance statistic
 *   Q(t) = nl nr / (nl + nr) * (2/(nl nr) sum|L-R| - mean pair |L-L| - mean pair |R-R|)
 * splitting the segment with the largest Q while a permutation test of that
 * segment (permutations shuffles, fixed seed: the answer is reproducible)
 * gives p < alpha. Segments keep at least min_size (>= 2) points. Writes the
 * indices where a new segment starts, ascending, into idx (at most max_out;
 * p-values in p when non-NULL) and returns how many; 0 when none, -1 on no
 * memory. O(n^2) memory and O(permutations * n^2) time per change point.
 */
int rig_stats_changepoints(const double *x, size_t n, double alpha, int permutations,
			   size_t min_size, size_t *idx, double *p, size_t max_out);

#endif
