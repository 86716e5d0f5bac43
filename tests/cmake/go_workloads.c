/*
 * The workloads, built for real and run: Go with gc and gccgo (when
 * installed), their C twins with cc. Their output goes through
 * rig_report_parser like any board's, and the check results must agree
 * between compilers and languages. Registered by tests/cmake/go.cmake as
 * ctest "go/workloads"; the go binary comes from $RIG_GO.
 */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig_report.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Small counts (argv[1] text): the test checks agreement, not speed. */
#define CPU_N "3000"
#define ALLOC_N "50000"

enum build { GC, GCCGO, C, NBUILDS };
static const char *const build_names[NBUILDS] = {"gc", "gccgo", "c"};
static const char *const workloads[] = {"hello", "cpu", "cpu-pure", "alloc"};

struct run {
	int exit_status;
	unsigned long lines, noise, corrupt, overlong, cut;
	struct rig_report_line line[16];
	size_t n;
};

struct fixture {
	const char *go;
	const char *dir;
	int built[NBUILDS];
	char why[NBUILDS][256];
};

static struct fixture fx;

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *line,
		    const char *text, size_t len)
{
	struct run *r = ctx;

	if (v == RIG_REPORT_LINE && r->n < ARRAY_SIZE(r->line))
		r->line[r->n++] = *line;
}

static const char *bin(enum build b, const char *w)
{
	static char path[8][512];
	static int k;

	k = (k + 1) % 8;
	snprintf(path[k], sizeof(path[k]), "%s/%s-%s", fx.dir, build_names[b], w);
	return path[k];
}

static int build_all(enum build b)
{
	const char *src = rigtest_source_dir();
	char *out = NULL;
	int st = 0;

	for (size_t i = 0; i < ARRAY_SIZE(workloads) && st == 0; i++) {
		const char *w = workloads[i];

		free(out);
		out = NULL;
		if (b == C)
			st = rigtest_sh(
			    &out,
			    "cc -O2 -I%s/firmware/protocol -I%s/firmware/workloads/c -o %s "
			    "%s/firmware/workloads/c/%s.c %s/firmware/workloads/c/rig_wl.c "
			    "%s/firmware/protocol/rig_report.c -lm 2>&1",
			    src, src, bin(b, w), src, w, src, src);
		else
			st = rigtest_sh(&out,
					"cd %s/firmware/workloads/go/%s && GOTOOLCHAIN=local "
					"GOFLAGS=-mod=mod %s build %s -o %s . 2>&1",
					src, w, fx.go,
					b == GCCGO ? "-compiler=gccgo -gccgoflags=all=-O2" : "",
					bin(b, w));
		if (st != 0)
			snprintf(fx.why[b], sizeof(fx.why[b]), "%s build of %s failed: %s",
				 build_names[b], w, out);
	}
	free(out);
	return st == 0;
}

static int setup(void **state)
{
	fx.go = getenv("RIG_GO");
	fx.dir = rigtest_tmpdir();
	if (!rigtest_have("cc"))
		snprintf(fx.why[C], sizeof(fx.why[C]), "cc is not installed");
	else
		fx.built[C] = build_all(C);
	if (!fx.go || !*fx.go || strstr(fx.go, "NOTFOUND")) {
		snprintf(fx.why[GC], sizeof(fx.why[GC]), "no go toolchain (RIG_GO unset)");
		snprintf(fx.why[GCCGO], sizeof(fx.why[GCCGO]), "no go toolchain (RIG_GO unset)");
		return 0;
	}
	fx.built[GC] = build_all(GC);
	if (!rigtest_have("gccgo"))
		snprintf(fx.why[GCCGO], sizeof(fx.why[GCCGO]),
			 "gccgo is not installed (scripts/setup.sh)");
	else
		fx.built[GCCGO] = build_all(GCCGO);
	return 0;
}

/*
 * 1 when build b is there. A failed build fails the test; a missing tool
 * (gccgo, go) leaves that build out, saying so, and a test that is left
 * with nothing to compare is skipped by its caller (need()).
 */
static int have(enum build b)
{
	if (fx.built[b])
		return 1;
	if (strstr(fx.why[b], "failed")) {
		print_error("%s\n", fx.why[b]);
		fail();
	}
	print_message("[  PARTIAL ] without %s: %s\n", build_names[b], fx.why[b]);
	return 0;
}

/* Skips the test when build b, which it cannot do without, is missing. */
static void need(enum build b)
{
	if (!have(b))
		skip();
}

static void run(enum build b, const char *w, const char *args, struct run *r)
{
	struct rig_report_parser p;
	char *out = NULL;

	memset(r, 0, sizeof(*r));
	r->exit_status = rigtest_sh(&out, "%s %s", bin(b, w), args);
	rig_report_parser_init(&p, on_line, r);
	rig_report_parser_feed(&p, out, strlen(out));
	rig_report_parser_cut(&p, 1);
	r->lines = p.lines;
	r->noise = p.noise;
	r->corrupt = p.corrupt;
	r->overlong = p.overlong_lines;
	r->cut = p.cut;
	free(out);
}

static const struct rig_report_line *result(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->line[i].kind == RIG_REPORT_RESULT && strcmp(r->line[i].name, name) == 0)
			return &r->line[i];
	return NULL;
}

/* A clean run: ready first, done 0 last, nothing else on stdout, exit 0. */
static void assert_clean_run(const struct run *r)
{
	assert_int_equal(r->exit_status, 0);
	assert_int_equal(r->noise + r->corrupt + r->overlong + r->cut, 0);
	assert_true(r->n >= 2);
	assert_int_equal(r->line[0].kind, RIG_REPORT_READY);
	assert_int_equal(r->line[r->n - 1].kind, RIG_REPORT_DONE);
	assert_int_equal(r->line[r->n - 1].status, 0);
	for (size_t i = 1; i + 1 < r->n; i++)
		assert_int_equal(r->line[i].kind, RIG_REPORT_RESULT);
}

static void assert_result_unit(const struct run *r, const char *name, const char *unit)
{
	const struct rig_report_line *l = result(r, name);

	if (!l) {
		print_error("no result %s\n", name);
		fail();
	}
	assert_string_equal(l->unit, unit);
}

static void assert_same_check(const struct run *a, const struct run *b)
{
	const struct rig_report_line *x = result(a, "check"), *y = result(b, "check");

	assert_non_null(x);
	assert_non_null(y);
	assert_string_equal(x->value, y->value);
}

static void hello_prints_only_ready_and_done(void **state)
{
	for (int b = 0; b < NBUILDS; b++) {
		struct run r;

		if (!have(b))
			continue;
		run(b, "hello", "", &r);
		assert_clean_run(&r);
		assert_int_equal(r.n, 2);
	}
}

static void cpu_reports_throughput_elapsed_and_check(void **state)
{
	static const char *const ws[] = {"cpu", "cpu-pure"};

	for (int b = 0; b < NBUILDS; b++) {
		if (!have(b))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(ws); i++) {
			struct run r;

			run(b, ws[i], CPU_N, &r);
			assert_clean_run(&r);
			assert_int_equal(r.n, 5);
			assert_result_unit(&r, "throughput", "ops/s");
			assert_result_unit(&r, "elapsed_ns", "ns");
			assert_result_unit(&r, "check", "count");
		}
	}
}

static void cpu_check_agrees_between_gc_gccgo_and_c(void **state)
{
	struct run ref, r;
	static const char *const ws[] = {"cpu", "cpu-pure"};

	int compared = 0;

	need(C);
	run(C, "cpu", CPU_N, &ref);
	assert_clean_run(&ref);
	for (int b = GC; b <= GCCGO; b++) {
		if (!have(b))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(ws); i++) {
			run(b, ws[i], CPU_N, &r);
			assert_same_check(&ref, &r);
			compared++;
		}
	}
	run(C, "cpu-pure", CPU_N, &r);
	assert_same_check(&ref, &r);
	if (!compared)
		skip();
}

/*
 * The documented values (docs/protocol.md), which a Python model of the two
 * workloads (hashlib.sha256, a plain xorshift32) also gives: all builds
 * agreeing on a changed definition would still fail here.
 */
static void checks_match_the_documented_values(void **state)
{
	struct run r;

	need(C);
	run(C, "cpu", CPU_N, &r);
	assert_string_equal(result(&r, "check")->value, "11360539");
	run(C, "alloc", ALLOC_N, &r);
	assert_string_equal(result(&r, "check")->value, "1069218509");
}

/* The check is a function of N: a different N gives a different value. */
static void cpu_check_depends_on_the_iteration_count(void **state)
{
	struct run a, b;

	need(C);
	run(C, "cpu", "3000", &a);
	run(C, "cpu", "3001", &b);
	assert_string_not_equal(result(&a, "check")->value, result(&b, "check")->value);
}

static void alloc_check_agrees_between_gc_gccgo_and_c(void **state)
{
	struct run ref, r;

	int compared = 0;

	need(C);
	run(C, "alloc", ALLOC_N, &ref);
	assert_clean_run(&ref);
	assert_result_unit(&ref, "throughput", "ops/s");
	assert_result_unit(&ref, "elapsed_ns", "ns");
	assert_result_unit(&ref, "check", "count");
	for (int b = GC; b <= GCCGO; b++) {
		if (!have(b))
			continue;
		run(b, "alloc", ALLOC_N, &r);
		assert_clean_run(&r);
		assert_same_check(&ref, &r);
		compared++;
	}
	if (!compared)
		skip();
}

static void go_alloc_reports_gc_statistics(void **state)
{
	int ran = 0;

	for (int b = GC; b <= GCCGO; b++) {
		struct run r;

		if (!have(b))
			continue;
		ran++;
		run(b, "alloc", ALLOC_N, &r);
		assert_clean_run(&r);
		assert_result_unit(&r, "gc_count", "count");
		assert_result_unit(&r, "gc_pause_total_ns", "ns");
		assert_result_unit(&r, "gc_pause_max_ns", "ns");
		assert_result_unit(&r, "heap_sys_bytes", "bytes");
		/* 50000 trees of ~200 bytes each cannot fit without a collection */
		assert_true(strtoull(result(&r, "gc_count")->value, NULL, 10) > 0);
		assert_true(strtoull(result(&r, "heap_sys_bytes")->value, NULL, 10) > 0);
	}
	if (!ran)
		skip();
}

static void malformed_iteration_count_ends_with_done_2(void **state)
{
	for (int b = 0; b < NBUILDS; b++) {
		struct run r;

		if (!have(b))
			continue;
		run(b, "cpu", "12x 2>/dev/null", &r);
		assert_int_equal(r.exit_status, 2);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.line[0].kind, RIG_REPORT_READY);
		assert_int_equal(r.line[1].kind, RIG_REPORT_DONE);
		assert_int_equal(r.line[1].status, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hello_prints_only_ready_and_done),
	    cmocka_unit_test(cpu_reports_throughput_elapsed_and_check),
	    cmocka_unit_test(cpu_check_agrees_between_gc_gccgo_and_c),
	    cmocka_unit_test(cpu_check_depends_on_the_iteration_count),
	    cmocka_unit_test(checks_match_the_documented_values),
	    cmocka_unit_test(alloc_check_agrees_between_gc_gccgo_and_c),
	    cmocka_unit_test(go_alloc_reports_gc_statistics),
	    cmocka_unit_test(malformed_iteration_count_ends_with_done_2),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
