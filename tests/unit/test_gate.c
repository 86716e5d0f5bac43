/* The gate's decisions (gate.h: rig_gate_judge over real rig_compare rows
 * of made-up samples) and its outputs (JUnit parses, Markdown keeps its
 * bound). */
#include "rigtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"

/* One cell host/cpu/c with one metric. */
static void side(struct rig_side *s, const char *metric, const char *unit, const double *v,
		 size_t n, int exact)
{
	memset(s, 0, sizeof(*s));
	s->cells = rig_xcalloc(1, sizeof(*s->cells));
	s->n = 1;
	snprintf(s->cells[0].run.board, sizeof(s->cells[0].run.board), "host");
	snprintf(s->cells[0].run.workload, sizeof(s->cells[0].run.workload), "cpu");
	snprintf(s->cells[0].run.profile, sizeof(s->cells[0].run.profile), "c");
	s->cells[0].m = rig_xcalloc(1, sizeof(*s->cells[0].m));
	s->cells[0].n_m = 1;
	struct rig_cell_metric *m = &s->cells[0].m[0];
	snprintf(m->name, sizeof(m->name), "%s", metric);
	snprintf(m->unit, sizeof(m->unit), "%s", unit);
	m->v = rig_xcalloc(n + 1, sizeof(double));
	memcpy(m->v, v, n * sizeof(double));
	m->n = n;
	m->exact = exact;
	m->higher = rig_metric_higher_is_better(metric, unit);
}

static struct rig_gate_rule rule(const char *threshold)
{
	struct rig_gate_rule r = {.alpha = 0.05, .min_n = 5, .noise = 1};

	snprintf(r.name, sizeof(r.name), "r");
	snprintf(r.metric, sizeof(r.metric), "*");
	if (threshold && rig_gate_amount_parse(threshold, &r.threshold))
		fail_msg("bad threshold %s", threshold);
	return r;
}

/* Judges a (baseline) against b (current) under r. */
static enum rig_gate_verdict judge(const struct rig_gate_rule *r, const char *metric,
				   const char *unit, const double *a, size_t na, const double *b,
				   size_t nb, const struct rig_gate_noise *noise,
				   struct rig_gate_case *out)
{
	struct rig_side sa, sb;
	struct rig_cmp cmp;

	side(&sa, metric, unit, a, na, 0);
	side(&sb, metric, unit, b, nb, 0);
	rig_compare(&sa, &sb, 0.05, NULL, &cmp);
	assert_int_equal(cmp.n, 1);
	rig_gate_judge(r, &cmp.rows[0], noise, NULL, out);
	rig_compare_free(&cmp);
	rig_side_free(&sa);
	rig_side_free(&sb);
	return out->verdict;
}

static const double base[] = {100, 101, 99, 100.5, 99.5, 100.2};
static const double slow[] = {120, 121, 119, 120.5, 119.5, 120.2}; /* +20% */
static const double same[] = {100.1, 100.9, 99.2, 100.4, 99.6, 100.3};

static void a_significant_slowdown_beyond_the_threshold_is_a_regression(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_gate_case c;

	(void)state;
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, NULL, &c),
			 RIG_GATE_REGRESSION);
	assert_non_null(strstr(c.reason, "wall_ns worse by +19.98% (p=0.00216 < 0.05), threshold 5%"));
	assert_non_null(strstr(c.detail, "baseline median"));
	assert_string_equal(c.suite, "host");
	assert_string_equal(c.classname, "rig.host.cpu.c");
}

static void the_same_samples_pass(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_gate_case c;

	(void)state;
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, same, 6, NULL, &c), RIG_GATE_PASS);
	assert_non_null(strstr(c.reason, "no significant change"));
}

static void a_slowdown_within_the_threshold_passes(void **state)
{
	struct rig_gate_rule r = rule("25%");
	struct rig_gate_case c;

	(void)state;
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, NULL, &c), RIG_GATE_PASS);
	assert_non_null(strstr(c.reason, "within threshold 25%"));
	r = rule("19ns");
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, NULL, &c),
			 RIG_GATE_REGRESSION);
	r = rule("21ns");
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, NULL, &c), RIG_GATE_PASS);
}

static void direction_decides_what_is_worse(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_gate_case c;

	(void)state;
	/* throughput going up is better by default */
	assert_int_equal(judge(&r, "throughput", "ops/s", base, 6, slow, 6, NULL, &c),
			 RIG_GATE_PASS);
	assert_non_null(strstr(c.reason, "better"));
	assert_int_equal(judge(&r, "throughput", "ops/s", slow, 6, base, 6, NULL, &c),
			 RIG_GATE_REGRESSION);
	/* and the rule can say otherwise */
	r.dir = RIG_GATE_DIR_LOWER;
	assert_int_equal(judge(&r, "throughput", "ops/s", base, 6, slow, 6, NULL, &c),
			 RIG_GATE_REGRESSION);
}

static void three_samples_cannot_decide(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_gate_case c;

	(void)state;
	r.min_n = 1;
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 3, slow, 3, NULL, &c), RIG_GATE_UNKNOWN);
	assert_non_null(strstr(c.reason, "smallest possible p is 0.1"));
	r.min_n = 5;
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 4, slow, 4, NULL, &c), RIG_GATE_UNKNOWN);
	assert_non_null(strstr(c.reason, "min_n=5"));
}

static void min_effect_needs_the_ci_to_clear_it(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_gate_case c;

	(void)state;
	rig_gate_amount_parse("30%", &r.min_effect);
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, NULL, &c), RIG_GATE_PASS);
	assert_non_null(strstr(c.reason, "min_effect 30%"));
	rig_gate_amount_parse("10%", &r.min_effect);
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, NULL, &c),
			 RIG_GATE_REGRESSION);
}

static void a_change_inside_the_noise_band_passes(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_gate_noise wide = {.runs = 4, .lo = 95, .hi = 125};
	struct rig_gate_noise narrow = {.runs = 4, .lo = 98, .hi = 103};
	struct rig_gate_case c;

	(void)state;
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, &wide, &c), RIG_GATE_PASS);
	assert_non_null(strstr(c.reason, "run-to-run spread over 4 runs"));
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, &narrow, &c),
			 RIG_GATE_REGRESSION);
	r.noise = 0;
	assert_int_equal(judge(&r, "wall_ns", "ns", base, 6, slow, 6, &wide, &c),
			 RIG_GATE_REGRESSION);
}

static void exact_metrics_need_no_samples(void **state)
{
	struct rig_gate_rule r = rule("1%");
	struct rig_side sa, sb;
	struct rig_cmp cmp;
	struct rig_gate_case c;
	double a = 10000, b = 10200, e = 10050;

	(void)state;
	side(&sa, "file_bytes", "bytes", &a, 1, 1);
	side(&sb, "file_bytes", "bytes", &b, 1, 1);
	rig_compare(&sa, &sb, 0.05, NULL, &cmp);
	rig_gate_judge(&r, &cmp.rows[0], NULL, NULL, &c);
	assert_int_equal(c.verdict, RIG_GATE_REGRESSION);
	assert_non_null(strstr(c.reason, "exact"));
	rig_compare_free(&cmp);
	rig_side_free(&sb);
	side(&sb, "file_bytes", "bytes", &e, 1, 1);
	rig_compare(&sa, &sb, 0.05, NULL, &cmp);
	rig_gate_judge(&r, &cmp.rows[0], NULL, NULL, &c);
	assert_int_equal(c.verdict, RIG_GATE_PASS);
	/* a time threshold does not fit a size */
	r = rule("2ms");
	rig_gate_judge(&r, &cmp.rows[0], NULL, NULL, &c);
	assert_int_equal(c.verdict, RIG_GATE_UNKNOWN);
	assert_non_null(strstr(c.reason, "\"bytes\""));
	rig_compare_free(&cmp);
	rig_side_free(&sa);
	rig_side_free(&sb);
}

static void a_missing_cell_follows_the_rule(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_side sa, sb = {0};
	struct rig_cmp cmp;
	struct rig_gate_case c;
	static const enum rig_gate_verdict want[] = {RIG_GATE_UNKNOWN, RIG_GATE_REGRESSION,
						     RIG_GATE_SKIPPED};

	(void)state;
	side(&sa, "wall_ns", "ns", base, 6, 0);
	rig_compare(&sa, &sb, 0.05, NULL, &cmp);
	for (int m = 0; m < 3; m++) {
		r.missing = (enum rig_gate_missing)m;
		rig_gate_judge(&r, &cmp.rows[0], NULL, NULL, &c);
		assert_int_equal(c.verdict, want[m]);
		assert_non_null(strstr(c.reason, "not in the current runs"));
	}
	rig_compare_free(&cmp);
	/* new in the current runs: skipped whatever missing says */
	rig_compare(&sb, &sa, 0.05, NULL, &cmp);
	rig_gate_judge(&r, &cmp.rows[0], NULL, NULL, &c);
	assert_int_equal(c.verdict, RIG_GATE_SKIPPED);
	rig_compare_free(&cmp);
	rig_side_free(&sa);
}

static void an_unusable_board_cannot_decide(void **state)
{
	struct rig_gate_rule r = rule("5%");
	struct rig_side sa, sb;
	struct rig_cmp cmp;
	struct rig_gate_case c;

	(void)state;
	side(&sa, "wall_ns", "ns", base, 6, 0);
	side(&sb, "wall_ns", "ns", slow, 6, 0);
	rig_compare(&sa, &sb, 0.05, NULL, &cmp);
	rig_gate_judge(&r, &cmp.rows[0], NULL, "board host is quarantined (hot)", &c);
	assert_int_equal(c.verdict, RIG_GATE_UNKNOWN);
	assert_non_null(strstr(c.reason, "quarantined"));
	rig_compare_free(&cmp);
	rig_side_free(&sa);
	rig_side_free(&sb);
}

static void exit_codes_rank_regression_over_unknown(void **state)
{
	struct rig_gate_report r = {0};
	struct rig_gate_case c = {0};

	(void)state;
	assert_int_equal(rig_gate_exit_code(&r), 0);
	c.verdict = RIG_GATE_PASS;
	rig_gate_add(&r, &c);
	c.verdict = RIG_GATE_SKIPPED;
	rig_gate_add(&r, &c);
	assert_int_equal(rig_gate_exit_code(&r), 0);
	c.verdict = RIG_GATE_UNKNOWN;
	rig_gate_add(&r, &c);
	assert_int_equal(rig_gate_exit_code(&r), 2);
	c.verdict = RIG_GATE_REGRESSION;
	rig_gate_add(&r, &c);
	assert_int_equal(rig_gate_exit_code(&r), 1);
	rig_gate_report_free(&r);
}

/* A report with awkward text in every field. */
static void fill_report(struct rig_gate_report *r, size_t n)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->policy, sizeof(r->policy), "gate.yaml");
	snprintf(r->baseline, sizeof(r->baseline), "label <main> & \"x\"");
	snprintf(r->current, sizeof(r->current), "latest | y");
	for (size_t i = 0; i < n; i++) {
		struct rig_gate_case c = {0};
		snprintf(c.suite, sizeof(c.suite), i % 2 ? "host" : "pico<1>");
		snprintf(c.name, sizeof(c.name), "cpu/c wall_ns [r%zu] \x01", i);
		snprintf(c.classname, sizeof(c.classname), "rig.host.cpu.c");
		snprintf(c.reason, sizeof(c.reason), "worse by 20%% | </failure> ]]>");
		snprintf(c.detail, sizeof(c.detail), "a & b");
		c.verdict = (enum rig_gate_verdict)(i % 4);
		c.change = 0.2;
		rig_gate_add(r, &c);
	}
	r->props = rig_xcalloc(1, sizeof(*r->props));
	r->n_props = 1;
	snprintf(r->props[0].suite, sizeof(r->props[0].suite), "host");
	rig_kv_set(&r->props[0].kv, "host.cpu", "AMD \"EPYC\" <x>");
}

static void junit_parses_and_counts(void **state)
{
	struct rig_gate_report r;
	struct rig_buf b = {0};
	char *out = NULL;
	const char *path;

	(void)state;
	RIGTEST_REQUIRE_CMD("python3");
	fill_report(&r, 8);
	rig_gate_junit(&r, &b);
	path = rigtest_write(rigtest_tmpdir(), "junit.xml", b.data);
	if (rigtest_sh(
		&out,
		"python3 -c \"import xml.etree.ElementTree as E,sys; t=E.parse(sys.argv[1]);"
		"r=t.getroot(); print(r.get('tests'), r.get('failures'), r.get('skipped'),"
		" len(r.findall('testsuite')), len(r.findall('.//failure')),"
		" len(r.findall('.//skipped')),"
		" r.find('testsuite/properties/property[@name=\\\"host.cpu\\\"]') is not None)\" "
		"'%s'",
		path) != 0)
		fail_msg("the JUnit file does not parse: %s\n%s", out, b.data);
	assert_string_equal(out, "8 2 4 2 2 4 True\n");
	free(out);
	rig_buf_free(&b);
	rig_gate_report_free(&r);
}

static void markdown_stays_under_its_bound(void **state)
{
	struct rig_gate_report r;
	struct rig_buf b = {0};

	(void)state;
	fill_report(&r, 2000);
	rig_gate_markdown(&r, 16384, &b);
	assert_true(b.len <= 16384);
	assert_non_null(strstr(b.data, "## rig gate: FAIL"));
	assert_non_null(strstr(b.data, "rows left out"));
	assert_non_null(strstr(b.data, "\\|"));
	assert_null(strstr(b.data, "</failure>"));
	rig_buf_free(&b);
	rig_gate_markdown(&r, 1 << 20, &b);
	assert_null(strstr(b.data, "rows left out"));
	rig_buf_free(&b);
	rig_gate_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_significant_slowdown_beyond_the_threshold_is_a_regression),
	    cmocka_unit_test(the_same_samples_pass),
	    cmocka_unit_test(a_slowdown_within_the_threshold_passes),
	    cmocka_unit_test(direction_decides_what_is_worse),
	    cmocka_unit_test(three_samples_cannot_decide),
	    cmocka_unit_test(min_effect_needs_the_ci_to_clear_it),
	    cmocka_unit_test(a_change_inside_the_noise_band_passes),
	    cmocka_unit_test(exact_metrics_need_no_samples),
	    cmocka_unit_test(a_missing_cell_follows_the_rule),
	    cmocka_unit_test(an_unusable_board_cannot_decide),
	    cmocka_unit_test(exit_codes_rank_regression_over_unknown),
	    cmocka_unit_test(junit_parses_and_counts),
	    cmocka_unit_test(markdown_stays_under_its_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
