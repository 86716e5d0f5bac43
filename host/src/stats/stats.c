/*
 * Statistics over samples: see stats.h.
 *
 * Definitions follow the references the tests are checked against
 * (tests/tools/gen_stats_ref.py, SciPy/NumPy):
 *   median      middle order statistic; mean of the two middle ones for even n
 *   MAD         median of |x - median|, unscaled
 *   CI          [x(k), x(n-k+1)] (1-based order statistics) with the largest k
 *               whose coverage 1 - 2 P(B <= k-1), B ~ Binomial(n, 1/2), is at
 *               least 0.95; k = 1 (min/max) when no k reaches 0.95
 *   outliers    |0.6745 (x - median) / MAD| > 3.5 (Iglewicz & Hoaglin)
 *   Mann-Whitney as scipy.stats.mannwhitneyu(alternative='two-sided',
 *               use_continuity=True), method 'exact' or 'asymptotic' as
 *               chosen by rig_stats_mannwhitney_p below
 * Inputs are expected to be finite; NaN sorts last and poisons the results.
 */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Exact Mann-Whitney when there are no ties and na*nb is at most this: the
 * distribution then fits a small array on the stack, and every count is an
 * integer below C(40, 20) < 2^53, exact in a double. */
#define MWU_EXACT_MAX_CELLS 400

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	if (isnan(a) || isnan(b))
		return !!isnan(a) - !!isnan(b);
	return (a > b) - (a < b);
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

static double median_sorted(const double *s, size_t n)
{
	if (n % 2)
		return s[n / 2];
	return (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

/* MAD of x around med; scratch holds n doubles and is overwritten. */
static double mad_around(const double *x, size_t n, double med, double *scratch)
{
	for (size_t i = 0; i < n; i++)
		scratch[i] = fabs(x[i] - med);
	qsort(scratch, n, sizeof(*scratch), cmp_double);
	return median_sorted(scratch, n);
}

/*
 * The order-statistic index k (1-based) of the 95% CI of the median, and the
 * coverage it achieves. The binomial terms are built in log space so large n
 * does not underflow 0.5^n.
 */
static size_t median_ci_rank(size_t n, double *level)
{
	double lp = -(double)n * log(2.0); /* log P(B = 0) */
	double cdf = 0.0;		   /* P(B <= i) after step i */
	size_t k = 1;

	*level = 1.0 - 2.0 * exp(lp); /* [min, max], whatever it reaches */
	for (size_t i = 0; i + 1 <= (n + 1) / 2; i++) {
		double cov;

		cdf += exp(lp);
		cov = 1.0 - 2.0 * cdf; /* coverage of [x(i+1), x(n-i)] */
		if (cov < 0.95)
			break;
		k = i + 1;
		*level = cov;
		lp += log((double)(n - i)) - log((double)(i + 1));
	}
	return k;
}

static size_t count_outliers(const double *x, size_t n, double med, double mad,
			     unsigned char *flags)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		int out = mad > 0.0 && fabs(0.6745 * (x[i] - med) / mad) > 3.5;

		if (flags)
			flags[i] = (unsigned char)out;
		count += (size_t)out;
	}
	return count;
}

int rig_stats_summary(const double *x, size_t n, struct rig_summary *out)
{
	double *s, sum = 0.0;
	size_t k;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return -1;
	s = sorted_copy(x, n);
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = sum / (double)n;
	out->median = median_sorted(s, n);
	k = median_ci_rank(n, &out->ci_level);
	out->ci_lo = s[k - 1];
	out->ci_hi = s[n - k];
	out->mad = mad_around(x, n, out->median, s);
	out->n_outliers = count_outliers(x, n, out->median, out->mad, NULL);
	free(s);
	return 0;
}

size_t rig_stats_outliers(const double *x, size_t n, unsigned char *flags)
{
	double *s, med, mad;
	size_t count;

	if (n == 0)
		return 0;
	s = sorted_copy(x, n);
	if (!s) {
		memset(flags, 0, n);
		return 0;
	}
	med = median_sorted(s, n);
	mad = mad_around(x, n, med, s);
	count = count_outliers(x, n, med, mad, flags);
	free(s);
	return count;
}

struct tagged {
	double v;
	int from_a;
};

static int cmp_tagged(const void *pa, const void *pb)
{
	return cmp_double(&((const struct tagged *)pa)->v, &((const struct tagged *)pb)->v);
}

/*
 * Counts of U (pairs with a > b) over all C(m+n, m) orderings: the
 * coefficients of the Gaussian binomial [m+n choose m]_q =
 * prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Each step leaves a polynomial
 * with integer coefficients, so the doubles stay exact.
 */
static void mwu_counts(size_t m, size_t n, double *c)
{
	size_t top = m * n;

	memset(c, 0, (top + 1) * sizeof(*c));
	c[0] = 1.0;
	for (size_t i = 1; i <= m; i++) {
		for (size_t u = top; u >= n + i; u--)
			c[u] -= c[u - n - i];
		for (size_t u = i; u <= top; u++)
			c[u] += c[u - i];
	}
}

static double mwu_exact_p(double u1, size_t na, size_t nb)
{
	double c[MWU_EXACT_MAX_CELLS + 1], total = 0.0, lo = 0.0, hi = 0.0, p;
	size_t u = (size_t)u1;

	mwu_counts(na, nb, c);
	for (size_t i = 0; i <= na * nb; i++) {
		total += c[i];
		if (i <= u)
			lo += c[i];
		if (i >= u)
			hi += c[i];
	}
	p = 2.0 * fmin(lo, hi) / total;
	return p > 1.0 ? 1.0 : p;
}

static double mwu_normal_p(double u1, size_t na, size_t nb, double tie_term)
{
	double n = (double)(na + nb), nanb = (double)na * (double)nb;
	double mu = nanb / 2.0;
	double var = nanb / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
	double u = fmax(u1, nanb - u1) - 0.5; /* continuity correction */
	double p;

	if (!(var > 0.0))
		return 1.0;			    /* every value equal: no evidence of a shift */
	p = erfc((u - mu) / sqrt(var) / sqrt(2.0)); /* 2 * normal sf */
	return p > 1.0 ? 1.0 : p;
}

double rig_stats_mannwhitney_p(const double *a, size_t na, const double *b, size_t nb)
{
	size_t n = na + nb, i = 0;
	struct tagged *t;
	double rank_sum_a = 0.0, tie_term = 0.0, u1;

	if (na == 0 || nb == 0)
		return 1.0;
	t = malloc(n * sizeof(*t));
	if (!t)
		return NAN;
	for (size_t j = 0; j < na; j++)
		t[i++] = (struct tagged){a[j], 1};
	for (size_t j = 0; j < nb; j++)
		t[i++] = (struct tagged){b[j], 0};
	qsort(t, n, sizeof(*t), cmp_tagged);
	/* average ranks over runs of equal values */
	for (i = 0; i < n;) {
		size_t j = i, in_a = 0;
		double run, mid;

		while (j < n && t[j].v == t[i].v)
			in_a += (size_t)t[j++].from_a;
		run = (double)(j - i);
		mid = (double)(i + 1 + j) / 2.0;
		rank_sum_a += mid * (double)in_a;
		tie_term += run * run * run - run;
		i = j;
	}
	free(t);
	u1 = rank_sum_a - (double)na * (double)(na + 1) / 2.0;
	if (tie_term == 0.0 && na * nb <= MWU_EXACT_MAX_CELLS)
		return mwu_exact_p(u1, na, nb);
	return mwu_normal_p(u1, na, nb, tie_term);
}

double rig_stats_min_p(size_t na, size_t nb)
{
	/* log C(na+nb, na) as a sum, to stay finite for large samples */
	double log_c = 0.0;
	size_t k = na < nb ? na : nb, n = na + nb;

	for (size_t i = 1; i <= k; i++)
		log_c += log((double)(n - k + i)) - log((double)i);
	if (log_c <= log(2.0))
		return 1.0;
	return exp(log(2.0) - log_c);
}

/* z such that P(Z > z) = q, for 0 < q < 0.5, by bisection on erfc. */
static double normal_isf(double q)
{
	double lo = 0.0, hi = 40.0;
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2.0;
		if (0.5 * erfc(mid / sqrt(2.0)) > q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2.0;
}

/* The largest k with P(U <= k - 1) <= q under the null; 0 when none. */
static size_t mwu_lower_rank(size_t na, size_t nb, double q)
{
	size_t cells = na * nb, k = 0;

	if (cells <= MWU_EXACT_MAX_CELLS) {
		double c[MWU_EXACT_MAX_CELLS + 1], total = 0.0, cdf = 0.0;
		mwu_counts(na, nb, c);
		for (size_t i = 0; i <= cells; i++)
			total += c[i];
		/* k - 1 = u: P(U <= u) <= q */
		for (size_t u = 0; u <= cells; u++) {
			cdf += c[u];
			if (cdf / total > q)
				break;
			k = u + 1;
		}
		return k;
	}
	double mu = (double)cells / 2.0;
	double sd = sqrt((double)cells * (double)(na + nb + 1) / 12.0);
	double kk = floor(mu - normal_isf(q) * sd);
	return kk < 1.0 ? 0 : (size_t)kk;
}

int rig_stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		       double *lo, double *hi)
{
	size_t cells = na * nb, k, i = 0;
	double *d;

	*lo = 0.0;
	*hi = INFINITY;
	if (!na || !nb || !(level > 0.0 && level < 1.0))
		return -1;
	for (size_t j = 0; j < na; j++)
		if (!(a[j] > 0.0))
			return -1;
	for (size_t j = 0; j < nb; j++)
		if (!(b[j] > 0.0))
			return -1;
	k = mwu_lower_rank(na, nb, (1.0 - level) / 2.0);
	if (k == 0 || k > cells)
		return -1;
	d = malloc(cells * sizeof(*d));
	if (!d)
		return -1;
	for (size_t x = 0; x < na; x++)
		for (size_t y = 0; y < nb; y++)
			d[i++] = log(b[y]) - log(a[x]);
	qsort(d, cells, sizeof(*d), cmp_double);
	*lo = exp(d[k - 1]);
	*hi = exp(d[cells - k]);
	free(d);
	return 0;
}

double rig_stats_geomean(const double *x, size_t n)
{
	double s = 0.0;

	if (!n)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0.0))
			return NAN;
		s += log(x[i]);
	}
	return exp(s / (double)n);
}

/* 2-D prefix sums of |x[i] - x[j]| over one segment, (len+1)^2 entries. */
static void dist_prefix(const double *x, size_t len, double *P)
{
	size_t w = len + 1;

	memset(P, 0, w * w * sizeof(*P));
	for (size_t i = 0; i < len; i++)
		for (size_t j = 0; j < len; j++)
			P[(i + 1) * w + j + 1] = fabs(x[i] - x[j]) + P[i * w + j + 1] +
						 P[(i + 1) * w + j] - P[i * w + j];
}

static double rect(const double *P, size_t w, size_t i0, size_t i1, size_t j0, size_t j1)
{
	return P[i1 * w + j1] - P[i0 * w + j1] - P[i1 * w + j0] + P[i0 * w + j0];
}

/* The best split of x[0..len) and its Q; returns 0 when none fits. */
static size_t best_split(const double *x, size_t len, size_t min_size, double *P, double *q_out)
{
	size_t w = len + 1, best = 0;
	double bq = -1.0;

	*q_out = 0.0;
	if (len < 2 * min_size)
		return 0;
	dist_prefix(x, len, P);
	for (size_t t = min_size; t + min_size <= len; t++) {
		double nl = (double)t, nr = (double)(len - t);
		double cross = rect(P, w, 0, t, t, len);
		double wl = rect(P, w, 0, t, 0, t) / 2.0, wr = rect(P, w, t, len, t, len) / 2.0;
		double e = 2.0 * cross / (nl * nr) - wl / (nl * (nl - 1.0) / 2.0) -
			   wr / (nr * (nr - 1.0) / 2.0);
		double q = nl * nr / (nl + nr) * e;
		if (q > bq) {
			bq = q;
			best = t;
		}
	}
	*q_out = bq;
	return best;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int cmp_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return (a > b) - (a < b);
}

int rig_stats_changepoints(const double *x, size_t n, double alpha, int permutations,
			   size_t min_size, size_t *idx, double *pv, size_t max_out)
{
	size_t *bounds, nb = 2, found = 0;
	double *P, *tmp;
	uint64_t seed = 0x9E3779B97F4A7C15ULL;

	if (min_size < 2)
		min_size = 2;
	if (n < 2 * min_size || !max_out)
		return 0;
	bounds = malloc((max_out + 2) * sizeof(*bounds));
	P = malloc((n + 1) * (n + 1) * sizeof(*P));
	tmp = malloc(n * sizeof(*tmp));
	if (!bounds || !P || !tmp) {
		free(bounds);
		free(P);
		free(tmp);
		return -1;
	}
	bounds[0] = 0;
	bounds[1] = n;
	while (found < max_out) {
		size_t seg = 0, split = 0;
		double bq = 0.0;
		int ge = 0;

		/* the segment whose best split is strongest */
		for (size_t s = 0; s + 1 < nb; s++) {
			double q;
			size_t t =
			    best_split(x + bounds[s], bounds[s + 1] - bounds[s], min_size, P, &q);
			if (t && q > bq) {
				bq = q;
				seg = s;
				split = bounds[s] + t;
			}
		}
		if (!split || !(bq > 0.0))
			break;
		size_t off = bounds[seg], len = bounds[seg + 1] - off;
		memcpy(tmp, x + off, len * sizeof(*tmp));
		for (int r = 0; r < permutations; r++) {
			double q;
			for (size_t i = len - 1; i > 0; i--) {
				size_t j = (size_t)(xorshift(&seed) % (i + 1));
				double t = tmp[i];
				tmp[i] = tmp[j];
				tmp[j] = t;
			}
			best_split(tmp, len, min_size, P, &q);
			ge += q >= bq;
		}
		double p = (double)(ge + 1) / (double)(permutations + 1);
		if (!(p < alpha))
			break;
		if (pv)
			pv[found] = p;
		idx[found++] = split;
		/* insert split into bounds, keeping them sorted */
		bounds[nb++] = split;
		qsort(bounds, nb, sizeof(*bounds), cmp_size);
	}
	/* idx ascending, p-values with them */
	for (size_t i = 1; i < found; i++)
		for (size_t j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
			if (pv) {
				double tp = pv[j];
				pv[j] = pv[j - 1];
				pv[j - 1] = tp;
			}
		}
	free(bounds);
	free(P);
	free(tmp);
	return (int)found;
}
