/* OpenMetrics text (openmetrics.h): names with base units, escaped labels,
 * contiguous families with TYPE/UNIT/HELP, counters with _total, # EOF.
 * tests/tools/check_openmetrics.sh parses real exports with
 * prometheus_client. */
#include "rigtest.h"

#include <stdlib.h>
#include <string.h>

#include "openmetrics.h"

static void names_end_with_their_base_unit(void **state)
{
	static const struct {
		const char *name, *unit, *want, *want_unit;
		double mul, div;
	} cases[] = {
	    {"startup_ns", "ns", "rig_startup_seconds", "seconds", 1, 1e9},
	    {"peak_rss_kib", "KiB", "rig_peak_rss_bytes", "bytes", 1024, 1},
	    {"ram_bytes", "bytes", "rig_ram_bytes", "bytes", 1, 1},
	    {"stack_hwm_bytes", "B", "rig_stack_hwm_bytes", "bytes", 1, 1},
	    {"throughput", "ops/s", "rig_throughput_ops_per_second", "ops_per_second", 1, 1},
	    {"rig_overhead_ns", "ns", "rig_overhead_seconds", "seconds", 1, 1e9},
	    {"odd metric.2", "frames/s", "rig_odd_metric_2_frames_per_second", "frames_per_second",
	     1, 1},
	    {"check", "", "rig_check", "", 1, 1},
	    {"gc_count", "", "rig_gc_count_value", "", 1, 1},
	    {"allocs", "count", "rig_allocs", "", 1, 1},
	    {"", "", "rig_metric", "", 1, 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[128], unit[32];
		struct rig_om_scale sc;

		assert_int_equal(rig_om_family(cases[i].name, cases[i].unit, out, sizeof(out), unit,
					       sizeof(unit), &sc),
				 0);
		assert_string_equal(out, cases[i].want);
		assert_string_equal(unit, cases[i].want_unit);
		assert_true(sc.mul == cases[i].mul && sc.div == cases[i].div);
	}
}

static void label_values_are_escaped_and_valid_utf8(void **state)
{
	struct rig_buf b = {0};

	(void)state;
	rig_om_label_value(&b, "a\"b\\c\nd\xff\xc3\xa9");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\xEF\xBF\xBD\xc3\xa9\"");
	rig_buf_free(&b);
	rig_om_label_value(&b, NULL);
	assert_string_equal(b.data, "\"\"");
	rig_buf_free(&b);
}

/* One row with startup and a throughput that has a baseline ratio. */
static void one_row(struct rig_row *r, struct rig_results *res)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->board, sizeof(r->board), "host");
	snprintf(r->workload, sizeof(r->workload), "cpu");
	snprintf(r->profile, sizeof(r->profile), "gc");
	snprintf(r->toolchain, sizeof(r->toolchain), "gc");
	snprintf(r->target, sizeof(r->target), "linux/x86_64");
	snprintf(r->tc_version, sizeof(r->tc_version), "go \"1.23\"");
	r->n_ok = 5;
	r->n_failed = 1;
	r->started = 1700000000;
	r->sizes.file_bytes = 4096;
	r->m[RIG_M_STARTUP].present = 1;
	r->m[RIG_M_STARTUP].s.median = 1230000;
	r->m[RIG_M_STARTUP].s.ci_lo = 1200000;
	r->m[RIG_M_STARTUP].s.ci_hi = 1250000;
	snprintf(r->m[RIG_M_STARTUP].unit, sizeof(r->m[0].unit), "ns");
	r->m[RIG_M_OPS].present = 1;
	r->m[RIG_M_OPS].s.median = 5000;
	r->m[RIG_M_OPS].s.ci_lo = 4900;
	r->m[RIG_M_OPS].s.ci_hi = 5100;
	r->m[RIG_M_OPS].has_ratio = 1;
	r->m[RIG_M_OPS].ratio = 1.5;
	snprintf(r->m[RIG_M_OPS].unit, sizeof(r->m[0].unit), "ops/s");
	res->rows = r;
	res->n = 1;
}

static void a_row_gives_typed_families_and_ends_with_eof(void **state)
{
	struct rig_row r;
	struct rig_results res;
	struct rig_buf b = {0};
	const char *L = "{board=\"host\",workload=\"cpu\",profile=\"gc\",toolchain=\"gc\","
			"target=\"linux/x86_64\"";
	char want[512];

	(void)state;
	one_row(&r, &res);
	assert_int_equal(rig_openmetrics_write(&res, NULL, &b), 0);
	assert_non_null(strstr(b.data,
			       "# TYPE rig_startup_seconds gauge\n"
			       "# UNIT rig_startup_seconds seconds\n# HELP rig_startup_seconds "));
	snprintf(want, sizeof(want), "\nrig_startup_seconds%s} 0.00123\n", L);
	assert_non_null(strstr(b.data, want));
	snprintf(want, sizeof(want), "\nrig_throughput_baseline_ratio%s} 1.5\n", L);
	assert_non_null(strstr(b.data, want));
	assert_non_null(strstr(b.data, "# TYPE rig_samples counter\n"));
	snprintf(want, sizeof(want), "\nrig_samples_total%s,outcome=\"failed\"} 1\n", L);
	assert_non_null(strstr(b.data, want));
	assert_non_null(strstr(b.data, "# TYPE rig_build info\n"));
	assert_non_null(strstr(b.data, "toolchain_version=\"go \\\"1.23\\\"\""));
	assert_non_null(strstr(b.data, "# UNIT rig_file_bytes bytes\n"));
	assert_null(strstr(b.data, "rig_text_bytes")); /* 0: left out */
	assert_true(b.len >= 6 && strcmp(b.data + b.len - 6, "# EOF\n") == 0);
	rig_buf_free(&b);
}

static void timestamps_are_the_runs_start_in_seconds(void **state)
{
	struct rig_row r;
	struct rig_results res;
	struct rig_buf b = {0};
	struct rig_om_opts o = {.timestamps = 1};

	(void)state;
	one_row(&r, &res);
	rig_openmetrics_write(&res, &o, &b);
	assert_non_null(strstr(b.data, "} 0.00123 1700000000\n"));
	rig_buf_free(&b);
}

/* A workload metric "file_bytes" (B) maps onto the size family: the second
 * sample with the same labels is dropped, not written twice. */
static void a_clashing_metric_is_dropped_and_counted(void **state)
{
	static char names[2][48] = {"file_bytes", "samples"};
	struct rig_stat extra[2];
	struct rig_row r;
	struct rig_results res;
	struct rig_buf b = {0};
	const char *p;

	(void)state;
	one_row(&r, &res);
	memset(extra, 0, sizeof(extra));
	for (int i = 0; i < 2; i++) {
		extra[i].present = 1;
		extra[i].s.median = extra[i].s.ci_lo = extra[i].s.ci_hi = 7;
	}
	snprintf(extra[0].unit, sizeof(extra[0].unit), "B");
	r.extra = extra;
	r.extra_names = names;
	r.n_extra = 2;
	/* rig's size keeps rig_file_bytes; samples (no unit) would be a gauge
	 * named like the counter family */
	assert_int_equal(rig_openmetrics_write(&res, NULL, &b), 2);
	p = strstr(b.data, "\nrig_file_bytes{");
	assert_non_null(p);
	assert_non_null(strstr(p, "linux/x86_64\"} 4096\n"));
	assert_null(strstr(p + 1, "\nrig_file_bytes{"));
	assert_null(strstr(b.data, "# TYPE rig_samples gauge"));
	assert_non_null(strstr(b.data, "# TYPE rig_samples counter\n"));
	assert_non_null(strstr(b.data, "rig_file_ci_low_bytes{"));
	rig_buf_free(&b);
}

static void no_rows_is_just_eof(void **state)
{
	struct rig_results res = {0};
	struct rig_buf b = {0};

	(void)state;
	rig_openmetrics_write(&res, NULL, &b);
	assert_string_equal(b.data, "# EOF\n");
	rig_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_end_with_their_base_unit),
	    cmocka_unit_test(label_values_are_escaped_and_valid_utf8),
	    cmocka_unit_test(a_row_gives_typed_families_and_ends_with_eof),
	    cmocka_unit_test(timestamps_are_the_runs_start_in_seconds),
	    cmocka_unit_test(a_clashing_metric_is_dropped_and_counted),
	    cmocka_unit_test(no_rows_is_just_eof),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
