/* rig gate on latency percentiles under load: judged on the samples'
 * histograms merged, not on their own percentiles averaged. A real SQLite
 * store holds both sides; the case is built so that the mean (and the
 * median) of the samples' P99s improves while the merged P99 is 5x worse:
 * one long sample with a heavy tail beside four short clean ones. */
#include "rigtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "hist.h"
#include "load_report.h"
#include "merged.h"
#include "policy.h"
#include "store.h"

/* One sample's latencies: n_fast at fast_ns and n_slow at slow_ns. */
struct shape {
	uint64_t n_fast, n_slow;
	int64_t fast_ns, slow_ns;
};

/* A run of the http workload under `load`, label `label`, one sample per
 * shape, each with its histogram and its own p99_us as rig bench stores
 * them. Returns the mean of the samples' P99s in µs. */
static double add_run(struct rig_store *s, const char *label, const struct shape *sh, int n)
{
	struct rig_kvlist env = {0};
	struct rig_artifact a;
	struct rig_error err = {0};
	struct rig_run_key key = {
	    .board = "host", .workload = "http", .iterations = 1, .load = "rate:r=1000,d=5s"};
	int64_t env_id, run_id;
	int have;
	double sum = 0;

	rig_kv_set(&env, "rig.label", label);
	rig_kv_set(&env, "bench.id", label);
	assert_int_equal(rig_store_add_env(s, &env, &env_id, &err), 0);
	rig_kv_free(&env);
	memset(&a, 0, sizeof(a));
	strcpy(a.sha256, "http-gc");
	strcpy(a.toolchain, "gc");
	strcpy(a.profile, "gc");
	strcpy(a.workload, "http");
	strcpy(a.target.os, "linux");
	strcpy(a.target.arch, "x86_64");
	assert_int_equal(rig_store_add_build(s, &a, &key.build_id, &err), 0);
	assert_int_equal(rig_store_begin_run(s, &key, env_id, n, 0, 0, 0, &run_id, &have, &err), 0);
	for (int i = 0; i < n; i++) {
		struct rig_sample smp = {.ok = 1};
		struct rig_hist *h = rig_hist_new();
		struct rig_buf b = {0};
		double p99;
		rig_hist_record_n(h, sh[i].fast_ns, sh[i].n_fast);
		if (sh[i].n_slow)
			rig_hist_record_n(h, sh[i].slow_ns, sh[i].n_slow);
		p99 = (double)rig_hist_percentile(h, 99) / 1e3;
		sum += p99;
		rig_hist_encode(h, &b);
		rig_sample_set(&smp, "qps", 1000, "req/s");
		rig_sample_set(&smp, "p99_us", p99, "us");
		assert_int_equal(rig_sample_set_hist(&smp, RIG_LOAD_HIST, b.data, b.len), 0);
		assert_int_equal(rig_store_add_sample(s, run_id, i, &smp, &err), 0);
		rig_sample_free(&smp);
		rig_buf_free(&b);
		rig_hist_free(h);
	}
	return sum / n;
}

static const char policy_text[] = "min_n: 5\n"
				  "rules:\n"
				  "  - name: tail\n"
				  "    metric: p99_us\n"
				  "    threshold: 10%\n";

static void gate(struct rig_store *s, struct rig_gate_report *out)
{
	struct rig_gate_policy p;
	struct rig_error err = {0};

	assert_int_equal(
	    rig_gate_policy_parse("policy.yaml", policy_text, strlen(policy_text), &p, &err), 0);
	assert_int_equal(rig_gate_run(s, &p, "label:cur", "label:base", out, &err), 0);
	rig_gate_policy_free(&p);
}

static const struct rig_gate_case *tail_case(const struct rig_gate_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->cases[i].rule, "tail") == 0)
			return &r->cases[i];
	fail_msg("no case of rule tail among %zu", r->n);
	return NULL;
}

static struct rig_store *new_store(const char *what)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	char path[1100];

	snprintf(path, sizeof(path), "%s/gate-merged-%s-%d.db", rigtest_tmpdir(), what, rand());
	assert_int_equal(rig_store_open(path, &s, &err), 0);
	return s;
}

/* baseline: five samples of 1000 responses, 2 % of them at 21 ms (each
 * P99 21 ms, merged 21 ms). current: four clean samples of 1000 at 1 ms
 * and one of 100 000 with 5 % at 100 ms. The samples' P99s average 20.8 ms
 * (better than 21: averaging passes, and Mann-Whitney on them sees the
 * current side better); merged, 5000 of 104 000 responses took 100 ms, so
 * the P99 is 100 ms: +376 %, a regression. */
static void a_tail_hidden_by_averaging_fails_on_merged_histograms(void **state)
{
	struct rig_store *s = new_store("hidden");
	struct rig_gate_report r = {0};
	const struct rig_gate_case *c;
	struct shape base[5], cur[5];
	double mean_base, mean_cur;

	for (int i = 0; i < 5; i++) {
		base[i] = (struct shape){980, 20, 1000000, 21000000};
		cur[i] = (struct shape){1000, 0, 1000000, 0};
	}
	cur[0] = (struct shape){95000, 5000, 1000000, 100000000};
	mean_base = add_run(s, "base", base, 5);
	mean_cur = add_run(s, "cur", cur, 5);
	/* the averaged figure would pass: it got better */
	assert_true(mean_cur < mean_base);
	gate(s, &r);
	c = tail_case(&r);
	if (c->verdict != RIG_GATE_REGRESSION)
		fail_msg("verdict %s: %s (%s)", rig_gate_verdict_name(c->verdict), c->reason,
			 c->detail);
	assert_non_null(strstr(c->reason, "merged histograms"));
	assert_true(fabs(c->change - (100.0 / 21.0 - 1.0)) < 0.01);
	assert_int_equal(rig_gate_exit_code(&r), 1);
	rig_gate_report_free(&r);
	rig_store_close(s);
}

/* The other way round: one sample's P99 jumps (a short sample with a
 * heavy tail) so the samples' mean P99 is 5x worse, but it holds 1 % of
 * the responses: merged, the P99 is unchanged and the gate passes. */
static void a_short_noisy_sample_does_not_fail_the_merged_p99(void **state)
{
	struct rig_store *s = new_store("short");
	struct rig_gate_report r = {0};
	const struct rig_gate_case *c;
	struct shape base[5], cur[5];
	double mean_base, mean_cur;

	for (int i = 0; i < 5; i++) {
		base[i] = (struct shape){99500, 500, 1000000, 5000000};
		cur[i] = base[i];
	}
	cur[0] = (struct shape){900, 100, 1000000, 100000000}; /* 1000 responses, 10 % slow */
	mean_base = add_run(s, "base", base, 5);
	mean_cur = add_run(s, "cur", cur, 5);
	assert_true(mean_cur > mean_base * 1.1); /* averaging would fail */
	gate(s, &r);
	c = tail_case(&r);
	if (c->verdict != RIG_GATE_PASS)
		fail_msg("verdict %s: %s (%s)", rig_gate_verdict_name(c->verdict), c->reason,
			 c->detail);
	assert_non_null(strstr(c->reason, "merged histograms"));
	rig_gate_report_free(&r);
	rig_store_close(s);
}

static void metric_names_map_to_percentiles(void **state)
{
	double p = 0;

	assert_true(rig_gate_merged_pct("p99_us", &p) && p == 99);
	assert_true(rig_gate_merged_pct("p999_merged_us", &p) && p == 99.9);
	assert_true(rig_gate_merged_pct("p9999_us", &p) && p == 99.99);
	assert_true(rig_gate_merged_pct("max_us", &p) && p == 100);
	assert_false(rig_gate_merged_pct("p99_unc_us", &p));
	assert_false(rig_gate_merged_pct("qps", &p));
	assert_false(rig_gate_merged_pct("p99", &p));
}

static void too_few_samples_or_an_unusable_board_cannot_decide(void **state)
{
	struct rig_gate_rule rule = {.min_n = 5};
	struct rig_gate_merged_side a = {.us = 100, .samples = 5}, b = {.us = 1000, .samples = 3};
	struct rig_gate_case c = {0};

	assert_int_equal(rig_gate_amount_parse("2ms", &rule.threshold), 0);
	rig_gate_judge_merged(&rule, "p99_us", &a, &b, NULL, &c);
	assert_int_equal(c.verdict, RIG_GATE_UNKNOWN);
	b.samples = 5;
	rig_gate_judge_merged(&rule, "p99_us", &a, &b, "board x is quarantined", &c);
	assert_int_equal(c.verdict, RIG_GATE_UNKNOWN);
	/* +900 µs is within 2ms; +2.1 ms is not */
	rig_gate_judge_merged(&rule, "p99_us", &a, &b, NULL, &c);
	assert_int_equal(c.verdict, RIG_GATE_PASS);
	b.us = 2200;
	rig_gate_judge_merged(&rule, "p99_us", &a, &b, NULL, &c);
	assert_int_equal(c.verdict, RIG_GATE_REGRESSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_tail_hidden_by_averaging_fails_on_merged_histograms),
	    cmocka_unit_test(a_short_noisy_sample_does_not_fail_the_merged_p99),
	    cmocka_unit_test(metric_names_map_to_percentiles),
	    cmocka_unit_test(too_few_samples_or_an_unusable_board_cannot_decide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
