/* Gate policy files (policy.h): what a good file gives, and bad files get
 * an error naming the file, the line, the field and the value. */
#include "rigtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static int parse(const char *text, struct rig_gate_policy *p, struct rig_error *err)
{
	return rig_gate_policy_parse("gate.yaml", text, strlen(text), p, err);
}

/* Parses text, expects RIG_ERR_PARSE and every part in the message. */
static void refused(const char *text, const char *const *parts)
{
	struct rig_gate_policy p;
	struct rig_error err = {0};

	if (parse(text, &p, &err) != RIG_ERR_PARSE)
		fail_msg("accepted: %s", text);
	for (; *parts; parts++)
		if (!strstr(err.msg, *parts))
			fail_msg("message \"%s\" lacks \"%s\"", err.msg, *parts);
}

static void a_full_policy_gives_every_field(void **state)
{
	struct rig_gate_policy p;
	struct rig_error err = {0};
	const char *text = "version: 1\n"
			   "baseline: main\n"
			   "alpha: 0.01\n"
			   "min_n: 6\n"
			   "missing: fail\n"
			   "noise_runs: 4\n"
			   "conformance: false\n"
			   "rules:\n"
			   "  - name: startup\n"
			   "    metric: startup_ns\n"
			   "    cells: [host/*, 'pico/cpu/*']\n"
			   "    direction: lower\n"
			   "    threshold: 5%\n"
			   "    min_effect: 1.5%\n"
			   "  - metric: file_bytes\n"
			   "    threshold: 4KiB\n"
			   "    alpha: 0.05\n"
			   "    min_n: 2\n"
			   "    missing: ignore\n"
			   "    noise: false\n";

	(void)state;
	assert_int_equal(parse(text, &p, &err), 0);
	assert_string_equal(p.baseline, "main");
	assert_true(fabs(p.alpha - 0.01) < 1e-12);
	assert_int_equal(p.min_n, 6);
	assert_int_equal(p.missing, RIG_GATE_MISSING_FAIL);
	assert_int_equal(p.noise_runs, 4);
	assert_int_equal(p.conformance, 0);
	assert_int_equal(p.n_rules, 2);
	const struct rig_gate_rule *a = &p.rules[0], *b = &p.rules[1];
	assert_string_equal(a->name, "startup");
	assert_int_equal(a->line, 9);
	assert_int_equal(a->cells.n, 2);
	assert_string_equal(a->cells.v[1], "pico/cpu/*");
	assert_int_equal(a->dir, RIG_GATE_DIR_LOWER);
	assert_int_equal(a->threshold.kind, RIG_GATE_AMOUNT_FRACTION);
	assert_true(fabs(a->threshold.value - 0.05) < 1e-12);
	assert_true(fabs(a->min_effect.value - 0.015) < 1e-12);
	/* inherited from the top */
	assert_true(fabs(a->alpha - 0.01) < 1e-12);
	assert_int_equal(a->min_n, 6);
	assert_int_equal(a->missing, RIG_GATE_MISSING_FAIL);
	assert_int_equal(a->noise, 1);
	/* its own */
	assert_string_equal(b->name, "file_bytes");
	assert_int_equal(b->dir, RIG_GATE_DIR_AUTO);
	assert_int_equal(b->threshold.kind, RIG_GATE_AMOUNT_BYTES);
	assert_true(b->threshold.value == 4096.0);
	assert_int_equal(b->min_effect.kind, RIG_GATE_AMOUNT_NONE);
	assert_true(fabs(b->alpha - 0.05) < 1e-12);
	assert_int_equal(b->min_n, 2);
	assert_int_equal(b->missing, RIG_GATE_MISSING_IGNORE);
	assert_int_equal(b->noise, 0);
	rig_gate_policy_free(&p);
}

static void defaults_apply_when_absent(void **state)
{
	struct rig_gate_policy p;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(parse("rules:\n  - metric: wall_ns\n", &p, &err), 0);
	assert_string_equal(p.baseline, "");
	assert_true(fabs(p.alpha - 0.05) < 1e-12);
	assert_int_equal(p.min_n, 5);
	assert_int_equal(p.missing, RIG_GATE_MISSING_UNKNOWN);
	assert_int_equal(p.noise_runs, 10);
	assert_int_equal(p.conformance, 1);
	assert_int_equal(p.rules[0].threshold.kind, RIG_GATE_AMOUNT_NONE);
	assert_int_equal(p.rules[0].cells.n, 0);
	rig_gate_policy_free(&p);
}

static void amounts_parse_with_units(void **state)
{
	static const struct {
		const char *s;
		enum rig_gate_amount_kind kind;
		double v;
	} ok[] = {
	    {"5%", RIG_GATE_AMOUNT_FRACTION, 0.05}, {"0.5%", RIG_GATE_AMOUNT_FRACTION, 0.005},
	    {"2ms", RIG_GATE_AMOUNT_NS, 2e6},	    {"500us", RIG_GATE_AMOUNT_NS, 5e5},
	    {"1s", RIG_GATE_AMOUNT_NS, 1e9},	    {"64KiB", RIG_GATE_AMOUNT_BYTES, 65536},
	    {"1MB", RIG_GATE_AMOUNT_BYTES, 1e6},    {"1000", RIG_GATE_AMOUNT_NUMBER, 1000},
	};
	static const char *const bad[] = {"",	 "-5%",	 "5 %",	  "1e3",  "inf", "nan", "0x10",
					  "5%%", "2 ms", "1.2.3", "5pct", ".",	 "%"};
	struct rig_gate_amount a;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(rig_gate_amount_parse(ok[i].s, &a), 0);
		assert_int_equal(a.kind, ok[i].kind);
		assert_true(fabs(a.value - ok[i].v) <= 1e-9 * ok[i].v);
		assert_string_equal(a.text, ok[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rig_gate_amount_parse(bad[i], &a) == 0)
			fail_msg("amount \"%s\" accepted", bad[i]);
}

static void bad_threshold_names_line_field_value(void **state)
{
	(void)state;
	refused("rules:\n  - metric: wall_ns\n    threshold: lots\n",
		(const char *[]){"gate.yaml:3:", "'threshold'", "\"lots\"", NULL});
}

static void bad_alpha_names_line_field_value(void **state)
{
	(void)state;
	refused("alpha: 0.9\nrules:\n  - metric: wall_ns\n",
		(const char *[]){"gate.yaml:1:", "'alpha'", "\"0.9\"", NULL});
	refused("rules:\n  - metric: wall_ns\n    alpha: -1\n",
		(const char *[]){"gate.yaml:3:", "'alpha'", "\"-1\"", NULL});
}

static void unknown_field_is_named(void **state)
{
	(void)state;
	refused("rules:\n  - metric: wall_ns\n    treshold: 5%\n",
		(const char *[]){"gate.yaml:3:", "unknown field 'treshold'", NULL});
	refused("rule:\n  - metric: wall_ns\n", (const char *[]){"gate.yaml:1:", "'rule'", NULL});
}

static void bad_words_list_the_choices(void **state)
{
	(void)state;
	refused("rules:\n  - metric: wall_ns\n    direction: up\n",
		(const char *[]){"gate.yaml:3:", "'direction'", "lower, higher", "\"up\"", NULL});
	refused("missing: maybe\nrules:\n  - metric: wall_ns\n",
		(const char *[]){"gate.yaml:1:", "'missing'", "\"maybe\"", NULL});
}

static void a_rule_needs_a_metric(void **state)
{
	(void)state;
	refused("rules:\n  - threshold: 5%\n", (const char *[]){"gate.yaml:2:", "'metric'", NULL});
	refused("rules:\n  - wall_ns\n", (const char *[]){"gate.yaml:2:", "rules item 1", NULL});
	refused("rules: wall_ns\n", (const char *[]){"gate.yaml:1:", "'rules'", NULL});
	refused("conformance: false\n", (const char *[]){"gate.yaml:1:", "'rules'", NULL});
}

static void bad_globs_and_names_are_refused(void **state)
{
	(void)state;
	refused("rules:\n  - metric: wall_ns\n    cells: ['host/$(rm)']\n",
		(const char *[]){"gate.yaml:3:", "'cells'", "host/$(rm)", NULL});
	refused("rules:\n  - metric: 'wall ns'\n",
		(const char *[]){"gate.yaml:2:", "'metric'", "\"wall ns\"", NULL});
	refused("rules:\n  - metric: a\n    name: x\n  - metric: b\n    name: x\n",
		(const char *[]){"gate.yaml:4:", "'name'", "\"x\"", "line 2", NULL});
	refused("rules:\n  - metric: a\n    min_n: 0\n",
		(const char *[]){"gate.yaml:3:", "'min_n'", "\"0\"", NULL});
}

static void yaml_errors_name_the_file(void **state)
{
	(void)state;
	refused("rules: [unclosed\n", (const char *[]){"gate.yaml:", NULL});
	refused("- a\n- b\n", (const char *[]){"gate.yaml:1:", "mapping", NULL});
}

static void a_missing_file_is_not_found(void **state)
{
	struct rig_gate_policy p;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(rig_gate_policy_load("/nonexistent/gate.yaml", &p, &err),
			 RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/gate.yaml"));
}

static void rules_match_cells_and_metrics_by_glob(void **state)
{
	struct rig_gate_policy p;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(parse("rules:\n  - metric: '*_ns'\n    cells: [host/cpu/*, '*/gc']\n"
			       "  - metric: throughput\n",
			       &p, &err),
			 0);
	assert_true(rig_gate_rule_matches(&p.rules[0], "host", "cpu", "c", "wall_ns"));
	assert_true(rig_gate_rule_matches(&p.rules[0], "pico", "fib", "gc", "startup_ns"));
	assert_false(rig_gate_rule_matches(&p.rules[0], "pico", "fib", "c", "startup_ns"));
	assert_false(rig_gate_rule_matches(&p.rules[0], "host", "cpu", "c", "throughput"));
	assert_true(rig_gate_rule_matches(&p.rules[1], "any", "w", "p", "throughput"));
	rig_gate_policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_full_policy_gives_every_field),
	    cmocka_unit_test(defaults_apply_when_absent),
	    cmocka_unit_test(amounts_parse_with_units),
	    cmocka_unit_test(bad_threshold_names_line_field_value),
	    cmocka_unit_test(bad_alpha_names_line_field_value),
	    cmocka_unit_test(unknown_field_is_named),
	    cmocka_unit_test(bad_words_list_the_choices),
	    cmocka_unit_test(a_rule_needs_a_metric),
	    cmocka_unit_test(bad_globs_and_names_are_refused),
	    cmocka_unit_test(yaml_errors_name_the_file),
	    cmocka_unit_test(a_missing_file_is_not_found),
	    cmocka_unit_test(rules_match_cells_and_metrics_by_glob),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
