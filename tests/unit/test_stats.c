/* Statistics: summaries, the median's confidence interval, outliers and the
 * Mann-Whitney U test, against values from SciPy/NumPy (stats_ref.h, made by
 * tests/tools/gen_stats_ref.py) and against hand-checked small cases. */
#include "rigtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_ref.h"

#define N_SUMMARIES (sizeof(stats_ref_summaries) / sizeof(stats_ref_summaries[0]))
#define N_MWUS (sizeof(stats_ref_mwus) / sizeof(stats_ref_mwus[0]))

/* Fails when actual is not within rel (relative) of expected. */
static void check_close(const char *what, const char *name, double actual, double expected,
			double rel)
{
	double tol = rel * fmax(fabs(expected), 1e-300);

	if (!(fabs(actual - expected) <= tol))
		fail_msg("%s of case %s: got %.17g, SciPy/NumPy says %.17g", what, name, actual,
			 expected);
}

/* Order statistics and medians are computed from the same doubles: exact. */
static void check_exact(const char *what, const char *name, double actual, double expected)
{
	if (actual != expected)
		fail_msg("%s of case %s: got %.17g, NumPy says %.17g", what, name, actual,
			 expected);
}

static struct rig_summary summarise(const struct stats_ref_summary *c)
{
	struct rig_summary s;

	assert_int_equal(rig_stats_summary(c->x, c->n, &s), 0);
	assert_int_equal(s.n, c->n);
	return s;
}

static void median_matches_numpy(void **state)
{
	for (size_t i = 0; i < N_SUMMARIES; i++) {
		const struct stats_ref_summary *c = &stats_ref_summaries[i];
		struct rig_summary s = summarise(c);

		check_exact("median", c->name, s.median, c->median);
	}
}

static void min_max_and_mean_match_numpy(void **state)
{
	for (size_t i = 0; i < N_SUMMARIES; i++) {
		const struct stats_ref_summary *c = &stats_ref_summaries[i];
		struct rig_summary s = summarise(c);

		check_exact("min", c->name, s.min, c->min);
		check_exact("max", c->name, s.max, c->max);
		check_close("mean", c->name, s.mean, c->mean, 1e-12);
	}
}

static void mad_matches_numpy(void **state)
{
	for (size_t i = 0; i < N_SUMMARIES; i++) {
		const struct stats_ref_summary *c = &stats_ref_summaries[i];
		struct rig_summary s = summarise(c);

		check_exact("MAD", c->name, s.mad, c->mad);
	}
}

static void median_ci_matches_binomial_order_statistics(void **state)
{
	for (size_t i = 0; i < N_SUMMARIES; i++) {
		const struct stats_ref_summary *c = &stats_ref_summaries[i];
		struct rig_summary s = summarise(c);

		check_exact("CI low", c->name, s.ci_lo, c->ci_lo);
		check_exact("CI high", c->name, s.ci_hi, c->ci_hi);
		check_close("CI level", c->name, s.ci_level, c->ci_level, 1e-9);
	}
}

static void outlier_count_matches_numpy(void **state)
{
	for (size_t i = 0; i < N_SUMMARIES; i++) {
		const struct stats_ref_summary *c = &stats_ref_summaries[i];
		struct rig_summary s = summarise(c);
		unsigned char *flags = calloc(c->n, 1);

		assert_non_null(flags);
		if (s.n_outliers != c->outliers)
			fail_msg("outliers of case %s: got %zu, NumPy says %zu", c->name,
				 s.n_outliers, c->outliers);
		assert_int_equal(rig_stats_outliers(c->x, c->n, flags), c->outliers);
		free(flags);
	}
}

static void summary_of_nothing_fails(void **state)
{
	struct rig_summary s;
	double x = 1.0;

	assert_int_equal(rig_stats_summary(&x, 0, &s), -1);
}

static void summary_leaves_input_unsorted(void **state)
{
	double x[] = {3.0, 1.0, 2.0};
	struct rig_summary s;

	assert_int_equal(rig_stats_summary(x, 3, &s), 0);
	assert_true(x[0] == 3.0 && x[1] == 1.0 && x[2] == 2.0);
}

static void ci_below_six_samples_is_min_max_with_its_coverage(void **state)
{
	double x[] = {5.0, 1.0, 4.0, 2.0, 3.0};
	struct rig_summary s;

	assert_int_equal(rig_stats_summary(x, 5, &s), 0);
	assert_true(s.ci_lo == 1.0 && s.ci_hi == 5.0);
	assert_true(s.ci_level < 0.95);
	check_close("CI level", "n=5", s.ci_level, 1.0 - 2.0 / 32.0, 1e-12);
}

static void ci_from_six_samples_reaches_95_percent(void **state)
{
	double x[] = {6.0, 1.0, 5.0, 2.0, 4.0, 3.0};
	struct rig_summary s;

	assert_int_equal(rig_stats_summary(x, 6, &s), 0);
	assert_true(s.ci_level >= 0.95);
	check_close("CI level", "n=6", s.ci_level, 1.0 - 2.0 / 64.0, 1e-12);
}

static void ci_of_large_sample_is_narrow_and_holds_the_median(void **state)
{
	enum { N = 100001 };
	double *x = malloc(N * sizeof(*x));
	struct rig_summary s;

	assert_non_null(x);
	for (size_t i = 0; i < N; i++)
		x[i] = (double)((i * 7919) % N); /* a permutation of 0..N-1 */
	assert_int_equal(rig_stats_summary(x, N, &s), 0);
	assert_true(s.median == (N - 1) / 2);
	assert_true(s.ci_lo < s.median && s.median < s.ci_hi);
	/* about 1.96 sqrt(n)/2 = 310 ranks either side */
	assert_true(s.ci_hi - s.ci_lo > 550 && s.ci_hi - s.ci_lo < 700);
	assert_true(s.ci_level >= 0.95 && s.ci_level < 0.951);
	free(x);
}

static void equal_values_have_no_outliers(void **state)
{
	double x[] = {4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 100.0};
	unsigned char flags[8];

	/* MAD is 0: the modified z-score is undefined, so nothing is flagged */
	assert_int_equal(rig_stats_outliers(x, 8, flags), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(flags[i], 0);
}

static void far_value_is_flagged_as_outlier(void **state)
{
	double x[] = {10.0, 11.0, 9.0, 10.5, 9.5, 10.0, 30.0};
	unsigned char flags[7];

	assert_int_equal(rig_stats_outliers(x, 7, flags), 1);
	assert_int_equal(flags[6], 1);
	assert_int_equal(flags[0], 0);
}

static void mannwhitney_matches_scipy(void **state)
{
	for (size_t i = 0; i < N_MWUS; i++) {
		const struct stats_ref_mwu *c = &stats_ref_mwus[i];

		check_close("MWU p", c->name, rig_stats_mannwhitney_p(c->a, c->na, c->b, c->nb),
			    c->p, 1e-9);
	}
}

static void mannwhitney_is_symmetric_in_its_samples(void **state)
{
	for (size_t i = 0; i < N_MWUS; i++) {
		const struct stats_ref_mwu *c = &stats_ref_mwus[i];

		check_close("MWU p swapped", c->name,
			    rig_stats_mannwhitney_p(c->b, c->nb, c->a, c->na), c->p, 1e-9);
	}
}

static void mannwhitney_full_separation_of_five_gives_min_p(void **state)
{
	double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};

	check_close("MWU p", "5v5", rig_stats_mannwhitney_p(a, 5, b, 5), 2.0 / 252.0, 1e-12);
}

static void mannwhitney_of_empty_sample_is_one(void **state)
{
	double a[] = {1.0};

	assert_true(rig_stats_mannwhitney_p(a, 1, a, 0) == 1.0);
	assert_true(rig_stats_mannwhitney_p(a, 0, a, 1) == 1.0);
}

static void mannwhitney_of_identical_constant_samples_is_one(void **state)
{
	double a[] = {3, 3, 3, 3};

	assert_true(rig_stats_mannwhitney_p(a, 4, a, 4) == 1.0);
}

static void min_p_matches_scipy_comb(void **state)
{
	for (size_t i = 0; i < N_MWUS; i++) {
		const struct stats_ref_mwu *c = &stats_ref_mwus[i];

		check_close("min p", c->name, rig_stats_min_p(c->na, c->nb), c->min_p, 1e-9);
	}
}

static void min_p_is_capped_at_one(void **state)
{
	assert_true(rig_stats_min_p(1, 1) == 1.0); /* 2 / C(2,1) = 1 */
	assert_true(rig_stats_min_p(0, 5) == 1.0);
	check_close("min p", "1v2", rig_stats_min_p(1, 2), 2.0 / 3.0, 1e-12);
}

static void min_p_says_three_per_side_cannot_reach_5_percent(void **state)
{
	/* 2 / C(6,3) = 0.1: too few samples for any significant difference */
	check_close("min p", "3v3", rig_stats_min_p(3, 3), 0.1, 1e-12);
	assert_true(rig_stats_min_p(4, 4) < 0.05); /* 2 / 70 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(median_matches_numpy),
	    cmocka_unit_test(min_max_and_mean_match_numpy),
	    cmocka_unit_test(mad_matches_numpy),
	    cmocka_unit_test(median_ci_matches_binomial_order_statistics),
	    cmocka_unit_test(outlier_count_matches_numpy),
	    cmocka_unit_test(summary_of_nothing_fails),
	    cmocka_unit_test(summary_leaves_input_unsorted),
	    cmocka_unit_test(ci_below_six_samples_is_min_max_with_its_coverage),
	    cmocka_unit_test(ci_from_six_samples_reaches_95_percent),
	    cmocka_unit_test(ci_of_large_sample_is_narrow_and_holds_the_median),
	    cmocka_unit_test(equal_values_have_no_outliers),
	    cmocka_unit_test(far_value_is_flagged_as_outlier),
	    cmocka_unit_test(mannwhitney_matches_scipy),
	    cmocka_unit_test(mannwhitney_is_symmetric_in_its_samples),
	    cmocka_unit_test(mannwhitney_full_separation_of_five_gives_min_p),
	    cmocka_unit_test(mannwhitney_of_empty_sample_is_one),
	    cmocka_unit_test(mannwhitney_of_identical_constant_samples_is_one),
	    cmocka_unit_test(min_p_matches_scipy_comb),
	    cmocka_unit_test(min_p_is_capped_at_one),
	    cmocka_unit_test(min_p_says_three_per_side_cannot_reach_5_percent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
