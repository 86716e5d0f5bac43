/* The latency histogram against exact percentiles of known samples: every
 * percentile within the 3-significant-digit promise (1/1024 relative), merging
 * equals recording everything in one, the encoding round-trips, and a bad
 * blob is refused with its offset. */
#include "rigtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The exact p-th percentile by the nearest-rank definition the histogram uses. */
static int64_t exact_pct(const int64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11;
}

static void check_against_exact(int64_t *v, size_t n)
{
	static const double pcts[] = {1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100};
	struct rig_hist *h = rig_hist_new();

	for (size_t i = 0; i < n; i++)
		rig_hist_record(h, v[i]);
	qsort(v, n, sizeof(*v), cmp_i64);
	assert_int_equal(rig_hist_count(h), n);
	assert_int_equal(rig_hist_min(h), v[0]);
	assert_int_equal(rig_hist_max(h), v[n - 1]);
	for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
		int64_t want = exact_pct(v, n, pcts[k]), got = rig_hist_percentile(h, pcts[k]);
		/* the reported value is the top of the exact value's slot */
		if (got < want || (double)(got - want) > (double)want / 1024.0 + 1)
			fail_msg("p%g: histogram %lld, exact %lld (allowed +%.1f)", pcts[k],
				 (long long)got, (long long)want, (double)want / 1024.0 + 1);
	}
	rig_hist_free(h);
}

static void percentiles_of_uniform_samples_within_three_digits(void **state)
{
	size_t n = 100000;
	int64_t *v = malloc(n * sizeof(*v));
	uint64_t s = 42;

	(void)state;
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)(lcg(&s) % 10000000); /* 0..10 ms in ns */
	check_against_exact(v, n);
	free(v);
}

static void percentiles_of_long_tailed_samples_within_three_digits(void **state)
{
	size_t n = 50000;
	int64_t *v = malloc(n * sizeof(*v));
	uint64_t s = 7;

	(void)state;
	/* log-uniform from 1 us to 100 s: every bucket of the range is used */
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)(1000.0 * pow(10.0, 8.0 * (double)(lcg(&s) % 1000000) / 1e6));
	check_against_exact(v, n);
	free(v);
}

static void small_values_are_exact(void **state)
{
	int64_t v[] = {5, 1, 3, 2, 4, 2047, 0};
	struct rig_hist *h = rig_hist_new();

	(void)state;
	for (size_t i = 0; i < 7; i++)
		rig_hist_record(h, v[i]);
	/* below 2048 ns every slot is one nanosecond wide */
	assert_int_equal(rig_hist_percentile(h, 50), 3);
	assert_int_equal(rig_hist_percentile(h, 100), 2047);
	assert_int_equal(rig_hist_percentile(h, 1), 0);
	rig_hist_free(h);
}

static void slots_are_never_wider_than_a_1024th(void **state)
{
	(void)state;
	for (int64_t v = 1; v < RIG_HIST_MAX_NS; v = v * 3 + 7) {
		int64_t lo, hi;
		rig_hist_slot(v, &lo, &hi);
		assert_true(lo <= v && v <= hi);
		assert_true((double)(hi - lo + 1) <= (double)lo / 1024.0 + 1);
	}
}

static void values_above_an_hour_are_clamped_and_counted(void **state)
{
	struct rig_hist *h = rig_hist_new();

	(void)state;
	rig_hist_record(h, RIG_HIST_MAX_NS * 5);
	rig_hist_record(h, -3);
	assert_int_equal(rig_hist_clamped(h), 1);
	assert_int_equal(rig_hist_max(h), RIG_HIST_MAX_NS);
	assert_int_equal(rig_hist_min(h), 0);
	rig_hist_free(h);
}

static void merged_histograms_equal_one_histogram_of_everything(void **state)
{
	struct rig_hist *a = rig_hist_new(), *b = rig_hist_new(), *all = rig_hist_new();
	uint64_t s = 99;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		int64_t v = (int64_t)(lcg(&s) % 50000000);
		rig_hist_record(i % 3 ? a : b, v);
		rig_hist_record(all, v);
	}
	rig_hist_merge(a, b);
	assert_int_equal(rig_hist_count(a), rig_hist_count(all));
	for (double p = 0.5; p <= 100; p += 0.5)
		assert_int_equal(rig_hist_percentile(a, p), rig_hist_percentile(all, p));
	assert_int_equal(rig_hist_max(a), rig_hist_max(all));
	rig_hist_free(a);
	rig_hist_free(b);
	rig_hist_free(all);
}

static void encoding_round_trips_and_decodes_additively(void **state)
{
	struct rig_hist *h = rig_hist_new(), *d = rig_hist_new();
	struct rig_buf b = {0};
	struct rig_error err = {0};
	uint64_t s = 5;

	(void)state;
	for (int i = 0; i < 5000; i++)
		rig_hist_record(h, (int64_t)(lcg(&s) % 3000000) + 20000);
	rig_hist_encode(h, &b);
	assert_true(b.len < 20000);
	assert_int_equal(rig_hist_decode(d, b.data, b.len, &err), 0);
	for (double p = 1; p <= 100; p += 1)
		assert_int_equal(rig_hist_percentile(d, p), rig_hist_percentile(h, p));
	assert_int_equal(rig_hist_min(d), rig_hist_min(h));
	/* decoding twice is merging two samples */
	assert_int_equal(rig_hist_decode(d, b.data, b.len, &err), 0);
	assert_int_equal(rig_hist_count(d), 2 * rig_hist_count(h));
	rig_buf_free(&b);
	rig_hist_free(h);
	rig_hist_free(d);
}

static void bad_encodings_are_refused(void **state)
{
	struct rig_hist *h = rig_hist_new();
	struct rig_error err = {0};
	struct rig_buf b = {0};

	(void)state;
	assert_int_equal(rig_hist_decode(h, "xx1", 3, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "magic"));
	rig_hist_record(h, 12345);
	rig_hist_encode(h, &b);
	/* cut short: the counter no longer adds up */
	assert_int_equal(rig_hist_decode(h, b.data, b.len - 1, &err), RIG_ERR_PARSE);
	/* the header's total says 1, change it to 2 */
	b.data[3] = 2;
	assert_int_equal(rig_hist_decode(h, b.data, b.len, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "add up"));
	assert_int_equal(rig_hist_count(h), 1); /* nothing was added */
	rig_buf_free(&b);
	rig_hist_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(percentiles_of_uniform_samples_within_three_digits),
	    cmocka_unit_test(percentiles_of_long_tailed_samples_within_three_digits),
	    cmocka_unit_test(small_values_are_exact),
	    cmocka_unit_test(slots_are_never_wider_than_a_1024th),
	    cmocka_unit_test(values_above_an_hour_are_clamped_and_counted),
	    cmocka_unit_test(merged_histograms_equal_one_histogram_of_everything),
	    cmocka_unit_test(encoding_round_trips_and_decodes_additively),
	    cmocka_unit_test(bad_encodings_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
