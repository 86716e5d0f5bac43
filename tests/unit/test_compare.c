/* rig compare and history: statistics against SciPy reference values
 * (tests/tools/gen_compare_ref.py), selectors and comparisons over a real
 * SQLite store, change points on series with known shifts. */
#include "rigtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_ref.h"
#include "hist.h"
#include "history.h"
#include "load_report.h"
#include "provenance.h"
#include "stats.h"
#include "store.h"

static void assert_close(double got, double want, double rel, const char *what)
{
	if (!(fabs(got - want) <= rel * fmax(fabs(want), 1e-300)))
		fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static void mannwhitney_p_matches_scipy(void **state)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(compare_refs); i++) {
		const struct compare_ref *r = &compare_refs[i];
		double p = rig_stats_mannwhitney_p(r->a, r->na, r->b, r->nb);
		assert_close(p, r->p, 1e-9, r->name);
	}
}

static void ratio_ci_matches_reference(void **state)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(compare_refs); i++) {
		const struct compare_ref *r = &compare_refs[i];
		double lo, hi;
		int rc = rig_stats_ratio_ci(r->a, r->na, r->b, r->nb, 0.95, &lo, &hi);
		if (!r->has_ci) {
			assert_int_equal(rc, -1);
			assert_true(isinf(hi));
			continue;
		}
		assert_int_equal(rc, 0);
		assert_close(lo, r->ci_lo, 1e-12, r->name);
		assert_close(hi, r->ci_hi, 1e-12, r->name);
	}
}

static void ratio_ci_excludes_one_when_the_test_rejects(void **state)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(compare_refs); i++) {
		const struct compare_ref *r = &compare_refs[i];
		double lo, hi;
		if (rig_stats_ratio_ci(r->a, r->na, r->b, r->nb, 0.95, &lo, &hi))
			continue;
		/* exact cases (no ties): interval and test agree */
		if (r->na * r->nb <= 400)
			assert_int_equal(lo > 1.0 || hi < 1.0, r->p < 0.05);
	}
}

/* A store with benches written through the store's own API. */
static struct rig_store *st;

static void add_bench(const char *label, const char *commit, const char *bench, const char *profile,
		      const double *v, size_t n, long long file_bytes)
{
	struct rig_kvlist env = {0};
	struct rig_artifact a;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello", .iterations = 1};
	int64_t env_id, run_id;
	int have;

	rig_kv_set(&env, "rig.label", label);
	rig_kv_set(&env, "rig.commit", commit);
	rig_kv_set(&env, "bench.id", bench);
	assert_int_equal(rig_store_add_env(st, &env, &env_id, &err), 0);
	rig_kv_free(&env);
	memset(&a, 0, sizeof(a));
	snprintf(a.sha256, sizeof(a.sha256), "%s-%lld", profile, file_bytes);
	strcpy(a.toolchain, "c");
	snprintf(a.profile, sizeof(a.profile), "%s", profile);
	strcpy(a.workload, "hello");
	strcpy(a.target.os, "linux");
	strcpy(a.target.arch, "x86_64");
	a.sizes.file_bytes = file_bytes;
	assert_int_equal(rig_store_add_build(st, &a, &key.build_id, &err), 0);
	assert_int_equal(
	    rig_store_begin_run(st, &key, env_id, (int)n, 0, 0, 0, &run_id, &have, &err), 0);
	for (size_t i = 0; i < n; i++) {
		struct rig_sample s = {.ok = 1};
		rig_sample_set(&s, "startup_ns", v[i], "ns");
		assert_int_equal(rig_store_add_sample(st, run_id, (int)i, &s, &err), 0);
		rig_sample_free(&s);
	}
}

static int store_setup(void **state)
{
	struct rig_error err = {0};
	char path[1100];
	const struct compare_ref *r = &compare_refs[3]; /* n10_shift20 */

	snprintf(path, sizeof(path), "%s/cmp-%d.db", rigtest_tmpdir(), rand());
	if (rig_store_open(path, &st, &err))
		return -1;
	/* bench 1, main: c and c-slow; bench 2, pr: c 20% slower, c-slow the same,
	 * a third profile with n = 3 on both sides */
	add_bench("main", "aaaa1111bbbb", "b1", "c", r->a, r->na, 1000);
	add_bench("main", "aaaa1111bbbb", "b1", "tiny", r->a, 3, 500);
	add_bench("pr", "cccc2222dddd", "b2", "c", r->b, r->nb, 1100);
	add_bench("pr", "cccc2222dddd", "b2", "tiny", r->b, 3, 500);
	return 0;
}

static int store_teardown(void **state)
{
	rig_store_close(st);
	return 0;
}

static int select_side(const struct rig_runs *runs, const char *sel, struct rig_side *side)
{
	unsigned char *keep = rig_xcalloc(runs->n + 1, 1);
	struct rig_error err = {0};
	int rc = rig_runs_select(runs, sel, NULL, keep, side->what, sizeof(side->what), &err);
	if (rc > 0)
		assert_int_equal(rig_side_load(st, runs, keep, side, &err), 0);
	free(keep);
	return rc;
}

static void selectors_pick_labels_commits_runs_and_latest(void **state)
{
	static const struct {
		const char *sel;
		int runs;	   /* how many runs it picks, or an error code */
		const char *label; /* of the first cell */
	} cases[] = {
	    {"latest", 2, "pr"},
	    {"latest~1", 2, "main"},
	    {"main", 2, "main"},
	    {"label:pr", 2, "pr"},
	    {"commit:aaaa", 2, "main"},
	    {"cccc2222", 2, "pr"},
	    {"run:1", 2, "main"},
	    {"3", 2, "pr"},
	    {"bench:b2", 2, "pr"},
	    {"nosuch", RIG_ERR_NOT_FOUND, NULL},
	    {"latest~2", RIG_ERR_NOT_FOUND, NULL},
	    {"latest~x", RIG_ERR_INVALID, NULL},
	    {"run:99", RIG_ERR_NOT_FOUND, NULL},
	};
	struct rig_runs runs = {0};
	struct rig_error err = {0};

	assert_int_equal(rig_runs_load(st, &runs, &err), 0);
	assert_int_equal(runs.n, 4);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(cases); i++) {
		struct rig_side side = {0};
		int rc = select_side(&runs, cases[i].sel, &side);
		if (rc != cases[i].runs)
			fail_msg("selector %s: got %d, want %d", cases[i].sel, rc, cases[i].runs);
		if (cases[i].label) {
			assert_int_equal(side.n, 2);
			assert_string_equal(side.cells[0].run.label, cases[i].label);
		}
		rig_side_free(&side);
	}
	rig_runs_free(&runs);
}

static const struct rig_cmp_row *row(const struct rig_cmp *c, const char *profile,
				     const char *metric)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].profile, profile) == 0 &&
		    strcmp(c->rows[i].metric, metric) == 0)
			return &c->rows[i];
	fail_msg("no row %s %s", profile, metric);
	return NULL;
}

static void compare_reports_change_ci_p_exact_sizes_and_small_n(void **state)
{
	const struct compare_ref *r = &compare_refs[3];
	struct rig_runs runs = {0};
	struct rig_side a = {0}, b = {0};
	struct rig_cmp c;
	struct rig_error err = {0};
	const struct rig_cmp_row *x;

	assert_int_equal(rig_runs_load(st, &runs, &err), 0);
	assert_int_equal(select_side(&runs, "main", &a), 2);
	assert_int_equal(select_side(&runs, "pr", &b), 2);
	rig_compare(&a, &b, 0.05, NULL, &c);
	x = row(&c, "c", "startup_ns");
	assert_close(x->a.median, r->median_a, 1e-15, "median a");
	assert_close(x->b.median, r->median_b, 1e-15, "median b");
	assert_close(x->change, r->median_b / r->median_a - 1, 1e-12, "change");
	assert_close(x->p, r->p, 1e-9, "p");
	assert_true(x->significant);
	assert_false(x->n_too_small);
	assert_close(x->ci_lo, r->ci_lo - 1, 1e-12, "ci lo");
	assert_close(x->ci_hi, r->ci_hi - 1, 1e-12, "ci hi");
	/* sizes: exact, 1000 -> 1100 is +10% with no test */
	x = row(&c, "c", "file_bytes");
	assert_true(x->exact);
	assert_true(x->significant);
	assert_close(x->change, 0.10, 1e-12, "size change");
	x = row(&c, "tiny", "file_bytes");
	assert_true(x->exact);
	assert_false(x->significant);
	/* n = 3 against 3: min p = 0.1, nothing can be significant */
	x = row(&c, "tiny", "startup_ns");
	assert_true(x->n_too_small);
	assert_false(x->significant);
	assert_false(x->has_ci);
	/* the geometric mean over both cells */
	for (size_t i = 0; i < c.n_geo; i++) {
		if (strcmp(c.geo[i].metric, "startup_ns"))
			continue;
		double ga = sqrt(r->median_a * row(&c, "tiny", "startup_ns")->a.median);
		double gb = sqrt(r->median_b * row(&c, "tiny", "startup_ns")->b.median);
		assert_int_equal(c.geo[i].n_cells, 2);
		assert_close(c.geo[i].change, gb / ga - 1, 1e-12, "geomean");
	}
	rig_compare_free(&c);
	rig_side_free(&a);
	rig_side_free(&b);
	rig_runs_free(&runs);
}

static void compare_formats_are_well_formed(void **state)
{
	static const char *const fmts[] = {"table", "json", "csv", "benchfmt"};
	struct rig_runs runs = {0};
	struct rig_side a = {0}, b = {0};
	struct rig_cmp c;
	struct rig_error err = {0};

	assert_int_equal(rig_runs_load(st, &runs, &err), 0);
	select_side(&runs, "main", &a);
	select_side(&runs, "pr", &b);
	rig_compare(&a, &b, 0.05, NULL, &c);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(fmts); i++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		assert_int_equal(rig_compare_print(&c, &a, &b, fmts[i], 1, f, &err), 0);
		fclose(f);
		if (strcmp(fmts[i], "json") == 0)
			assert_non_null(strstr(text, "\"metric\":\"startup_ns\""));
		if (strcmp(fmts[i], "csv") == 0)
			assert_non_null(strstr(text, "board,workload,profile,target,metric"));
		if (strcmp(fmts[i], "benchfmt") == 0) {
			assert_non_null(strstr(text, "side: A\n"));
			assert_non_null(strstr(text, "side: B\n"));
			assert_non_null(strstr(text, "BenchmarkHello/board=host/profile=c-1"));
		}
		if (strcmp(fmts[i], "table") == 0) {
			assert_non_null(strstr(text, "geomean"));
			assert_non_null(strstr(text, "n too small"));
		}
		free(text);
	}
	assert_int_equal(rig_compare_print(&c, &a, &b, "yaml", 0, stdout, &err), RIG_ERR_INVALID);
	rig_compare_free(&c);
	rig_side_free(&a);
	rig_side_free(&b);
	rig_runs_free(&runs);
}

static void changepoint_finds_a_step(void **state)
{
	double x[12];
	size_t idx[4];
	for (int i = 0; i < 12; i++)
		x[i] = (i < 7 ? 100.0 : 110.0) + ((i * 7) % 5) * 0.3;
	assert_int_equal(rig_stats_changepoints(x, 12, 0.05, 199, 2, idx, NULL, 4), 1);
	assert_int_equal(idx[0], 7);
}

static void changepoint_ignores_noise_and_constants(void **state)
{
	double x[16], c[16];
	size_t idx[4];
	uint64_t s = 12345;
	for (int i = 0; i < 16; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = 100.0 + (double)(s >> 40) / (double)(1ULL << 24);
		c[i] = 5.0;
	}
	assert_int_equal(rig_stats_changepoints(x, 16, 0.05, 199, 2, idx, NULL, 4), 0);
	assert_int_equal(rig_stats_changepoints(c, 16, 0.05, 199, 2, idx, NULL, 4), 0);
}

/* A slow drift: +1% per commit over ten commits. Neighbours never differ by
 * more than their noise, but the series has a change point. */
static void changepoint_finds_a_slow_drift(void **state)
{
	double x[20];
	size_t idx[4];
	for (int i = 0; i < 20; i++)
		x[i] = 100.0 * (1.0 + 0.01 * (i < 5    ? 0
					      : i < 15 ? i - 5
						       : 10)) +
		       (((i * 3) % 4) - 1.5) * 0.8;
	assert_true(rig_stats_changepoints(x, 20, 0.05, 199, 2, idx, NULL, 4) >= 1);
	assert_true(idx[0] >= 5 && idx[0] <= 15);
}

/* Outside a git tree (or without git) the label and commit are "unknown";
 * --label wins over git describe; every bench gets its own id. */
static void provenance_without_git_is_unknown(void **state)
{
	struct rig_provenance a, b;
	struct rig_kvlist facts = {0};

	rig_provenance_collect(rigtest_tmpdir(), NULL, &a);
	assert_string_equal(a.label, "unknown");
	assert_string_equal(a.commit, "unknown");
	rig_provenance_collect(rigtest_tmpdir(), "main", &b);
	assert_string_equal(b.label, "main");
	assert_string_not_equal(a.bench_id, b.bench_id);
	rig_provenance_facts(&b, &facts);
	assert_string_equal(rig_kv_get(&facts, "rig.label"), "main");
	assert_non_null(rig_kv_get(&facts, "bench.id"));
	rig_kv_free(&facts);
}

static void provenance_of_a_git_tree_has_its_commit(void **state)
{
	struct rig_provenance p;
	char *out = NULL;

	RIGTEST_REQUIRE_CMD("git");
	if (rigtest_sh(&out, "git -C '%s' rev-parse HEAD 2>/dev/null", rigtest_source_dir())) {
		free(out);
		print_message("[  SKIPPED ] the source tree is not a git work tree\n");
		skip();
	}
	rig_provenance_collect(rigtest_source_dir(), NULL, &p);
	assert_int_equal(strncmp(p.commit, out, 40), 0);
	assert_string_not_equal(p.label, "unknown");
	free(out);
}

/* One service run under load spec `load` whose two samples' histograms
 * hold n values of v_ns each. */
static void add_load_run(struct rig_store *s, const char *bench, const char *load, int64_t v_ns)
{
	struct rig_kvlist env = {0};
	struct rig_artifact a;
	struct rig_error err = {0};
	struct rig_run_key key = {
	    .board = "host", .workload = "service", .iterations = 1, .load = load};
	int64_t env_id, run_id;
	int have;

	rig_kv_set(&env, "rig.label", bench);
	rig_kv_set(&env, "bench.id", bench);
	assert_int_equal(rig_store_add_env(s, &env, &env_id, &err), 0);
	rig_kv_free(&env);
	memset(&a, 0, sizeof(a));
	strcpy(a.sha256, "svc");
	strcpy(a.toolchain, "gc");
	strcpy(a.profile, "gc");
	strcpy(a.workload, "service");
	strcpy(a.target.os, "linux");
	strcpy(a.target.arch, "x86_64");
	assert_int_equal(rig_store_add_build(s, &a, &key.build_id, &err), 0);
	assert_int_equal(rig_store_begin_run(s, &key, env_id, 2, 0, 0, 0, &run_id, &have, &err), 0);
	for (int i = 0; i < 2; i++) {
		struct rig_sample smp = {.ok = 1};
		struct rig_hist *h = rig_hist_new();
		struct rig_buf b = {0};
		rig_hist_record_n(h, v_ns * (i + 1), 100);
		rig_hist_encode(h, &b);
		rig_sample_set(&smp, "qps", 1000, "req/s");
		assert_int_equal(rig_sample_set_hist(&smp, RIG_LOAD_HIST, b.data, b.len), 0);
		assert_int_equal(rig_store_add_sample(s, run_id, i, &smp, &err), 0);
		rig_sample_free(&smp);
		rig_buf_free(&b);
		rig_hist_free(h);
	}
}

/* Cells under load pair by spec, and each gets its merged percentiles:
 * one figure per side, the change shown, no test. */
static void compare_pairs_load_specs_and_shows_merged_percentiles(void **state)
{
	struct rig_store *s = NULL, *keep_st = st;
	struct rig_error err = {0};
	struct rig_runs runs = {0};
	struct rig_side a = {0}, b = {0};
	struct rig_cmp c;
	char path[1100];
	int found = 0;

	snprintf(path, sizeof(path), "%s/cmp-load-%d.db", rigtest_tmpdir(), rand());
	assert_int_equal(rig_store_open(path, &s, &err), 0);
	add_load_run(s, "b1", "closed:c=1", 1000000);
	add_load_run(s, "b2", "closed:c=1", 2000000);
	add_load_run(s, "b2", "rate:r=10", 9000000);
	st = s;
	assert_int_equal(rig_runs_load(s, &runs, &err), 0);
	select_side(&runs, "label:b1", &a);
	select_side(&runs, "label:b2", &b);
	assert_int_equal(b.n, 2); /* one cell per spec */
	rig_compare(&a, &b, 0.05, NULL, &c);
	for (size_t i = 0; i < c.n; i++) {
		const struct rig_cmp_row *r = &c.rows[i];
		if (strcmp(r->metric, "p99_merged_us") != 0)
			continue;
		found++;
		if (r->in_a) {
			/* a: 100 x 1 ms + 100 x 2 ms; b: 100 x 2 ms + 100 x 4 ms */
			assert_true(r->merged && r->in_b && !r->significant);
			assert_close(r->a.median, 2000, 2e-3, "a p99 merged");
			assert_close(r->b.median, 4000, 2e-3, "b p99 merged");
			assert_close(r->change, 1.0, 5e-3, "change");
		} else {
			assert_close(r->b.median, 18000, 2e-3, "rate spec only in b");
		}
	}
	assert_int_equal(found, 2);
	rig_compare_free(&c);
	rig_side_free(&a);
	rig_side_free(&b);
	rig_runs_free(&runs);
	rig_store_close(s);
	st = keep_st;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(mannwhitney_p_matches_scipy),
	    cmocka_unit_test(ratio_ci_matches_reference),
	    cmocka_unit_test(ratio_ci_excludes_one_when_the_test_rejects),
	    cmocka_unit_test(selectors_pick_labels_commits_runs_and_latest),
	    cmocka_unit_test(compare_reports_change_ci_p_exact_sizes_and_small_n),
	    cmocka_unit_test(compare_formats_are_well_formed),
	    cmocka_unit_test(compare_pairs_load_specs_and_shows_merged_percentiles),
	    cmocka_unit_test(changepoint_finds_a_step),
	    cmocka_unit_test(changepoint_ignores_noise_and_constants),
	    cmocka_unit_test(changepoint_finds_a_slow_drift),
	    cmocka_unit_test(provenance_without_git_is_unknown),
	    cmocka_unit_test(provenance_of_a_git_tree_has_its_commit),
	};
	return cmocka_run_group_tests(tests, store_setup, store_teardown);
}
