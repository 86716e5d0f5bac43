/*
 * The C workload API (firmware/workloads/c/rig_wl.h) through a fake io: a
 * memory buffer for the UART and a scripted clock, as firmware would drive
 * it. Registered by tests/cmake/go.cmake as ctest "workloads/c-api".
 */
#include "rigtest.h"

#include <stdio.h>
#include <string.h>

#include "rig_report.h"
#include "rig_wl.h"
#include "rig_wl_table.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fake {
	char out[4096];
	size_t len;
	unsigned writes;
	int partial_write; /* a write that did not end in '\n' */
	uint64_t clock[8]; /* successive now_ns() values */
	unsigned ticks;
};

static void fake_write(void *ctx, const char *s, size_t n)
{
	struct fake *f = ctx;

	assert_true(f->len + n <= sizeof(f->out));
	memcpy(f->out + f->len, s, n);
	f->len += n;
	f->writes++;
	if (n == 0 || s[n - 1] != '\n')
		f->partial_write = 1;
}

static uint64_t fake_now(void *ctx)
{
	struct fake *f = ctx;

	assert_true(f->ticks < ARRAY_SIZE(f->clock));
	return f->clock[f->ticks++];
}

struct lines {
	struct rig_report_line l[16];
	size_t n;
	unsigned long bad;
};

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *line,
		    const char *text, size_t len)
{
	struct lines *ls = ctx;

	if (v != RIG_REPORT_LINE) {
		ls->bad++;
		return;
	}
	assert_true(ls->n < ARRAY_SIZE(ls->l));
	ls->l[ls->n++] = *line;
}

static void parse(const struct fake *f, struct lines *ls)
{
	struct rig_report_parser p;

	memset(ls, 0, sizeof(*ls));
	rig_report_parser_init(&p, on_line, ls);
	rig_report_parser_feed(&p, f->out, f->len);
	rig_report_parser_cut(&p, 0);
	assert_int_equal(ls->bad, 0);
}

static const char *value(const struct lines *ls, const char *name)
{
	for (size_t i = 0; i < ls->n; i++)
		if (ls->l[i].kind == RIG_REPORT_RESULT && strcmp(ls->l[i].name, name) == 0)
			return ls->l[i].value;
	fail_msg("no result %s", name);
	return NULL;
}

static void run_prints_ready_results_done_one_write_per_line(void **state)
{
	struct fake f = {.clock = {5, 5 + 1000000000}};
	const struct rig_wl_io io = {fake_write, fake_now, &f};
	struct lines ls;

	assert_int_equal(rig_wl_run(&io, rig_wl_cpu, 10), 0);
	parse(&f, &ls);
	assert_int_equal(ls.n, 5);
	assert_int_equal(f.writes, 5);
	assert_false(f.partial_write);
	assert_int_equal(ls.l[0].kind, RIG_REPORT_READY);
	assert_int_equal(ls.l[4].kind, RIG_REPORT_DONE);
	assert_int_equal(ls.l[4].status, 0);
	/* the scripted clock: 10 ops in exactly one second */
	assert_string_equal(value(&ls, "throughput"), "10.000");
	assert_string_equal(value(&ls, "elapsed_ns"), "1000000000");
}

static void run_passes_the_workload_status_to_done(void **state)
{
	struct fake f = {0};
	const struct rig_wl_io io = {fake_write, fake_now, &f};
	struct lines ls;

	assert_int_equal(rig_wl_run(&io, rig_wl_hello, 0), 0);
	parse(&f, &ls);
	assert_int_equal(ls.n, 2);
	assert_int_equal(ls.l[1].kind, RIG_REPORT_DONE);
	assert_int_equal(ls.l[1].status, 0);
	assert_int_equal(f.ticks, 0); /* hello reads no clock */
}

/* The documented check values (docs/protocol.md) at small N, through the
 * bare-metal build of the workloads. */
static void table_workloads_give_the_documented_checks(void **state)
{
	static const struct {
		const char *name;
		long long n;
		const char *check;
	} cases[] = {
	    {"cpu", 3000, "11360539"},
	    {"cpu-pure", 3000, "11360539"},
	    {"alloc", 50000, "1069218509"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fake f = {.clock = {0, 1}};
		const struct rig_wl_io io = {fake_write, fake_now, &f};
		const struct rig_wl_entry *e = rig_wl_find(cases[i].name);
		struct lines ls;

		assert_non_null(e);
		assert_int_equal(e->fn(&io, cases[i].n), 0);
		parse(&f, &ls);
		assert_string_equal(value(&ls, "check"), cases[i].check);
	}
}

static void table_lists_every_workload_once(void **state)
{
	static const char *const names[] = {"hello", "cpu", "cpu-pure", "alloc"};
	size_t n = 0;

	for (const struct rig_wl_entry *e = rig_wl_table; e->name; e++)
		n++;
	assert_int_equal(n, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct rig_wl_entry *e = rig_wl_find(names[i]);

		assert_non_null(e);
		assert_string_equal(e->name, names[i]);
		assert_true(e->default_iterations >= e->mcu_iterations);
	}
	assert_null(rig_wl_find("nope"));
	assert_null(rig_wl_find("cpu-"));
}

/* Every workload at its microcontroller count: runs, ends with done 0. */
static void table_workloads_run_at_mcu_iterations(void **state)
{
	for (const struct rig_wl_entry *e = rig_wl_table; e->name; e++) {
		struct fake f = {.clock = {0, 1000}};
		const struct rig_wl_io io = {fake_write, fake_now, &f};
		struct lines ls;

		assert_int_equal(rig_wl_run(&io, e->fn, e->mcu_iterations), 0);
		parse(&f, &ls);
		assert_int_equal(ls.l[ls.n - 1].kind, RIG_REPORT_DONE);
	}
}

static void rate_text_table(void **state)
{
	static const struct {
		uint64_t ops, ns;
		const char *text;
	} cases[] = {
	    {1, 1000000000, "1.000"},
	    {3, 7, "428571428.571"},
	    {0, 5, "0.000"},
	    {5, 0, "5000000000.000"}, /* a zero elapsed time counts as 1 ns */
	    {UINT64_MAX, 3000000000ULL, "6148914691236517205.000"},
	};
	char v[32];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(rig_wl_rate_text(v, sizeof(v), cases[i].ops, cases[i].ns),
				 strlen(cases[i].text));
		assert_string_equal(v, cases[i].text);
	}
	assert_int_equal(rig_wl_rate_text(v, 5, 1, 1000000000), 0); /* "1.000" needs 6 */
	assert_int_equal(rig_wl_rate_text(v, 6, 1, 1000000000), 5);
}

static void invalid_fields_write_nothing(void **state)
{
	struct fake f = {0};
	const struct rig_wl_io io = {fake_write, fake_now, &f};

	assert_int_equal(rig_wl_result(&io, "bad name", "1", "u"), -1);
	assert_int_equal(rig_wl_result(&io, "n", "1.", "u"), -1);
	assert_int_equal(rig_wl_result_i64(&io, "n", 1, "bad unit"), -1);
	assert_int_equal(rig_wl_result_ratio(&io, "n", 1, 0, 3, "u"), -1);
	assert_int_equal(f.writes, 0);
	assert_int_equal(rig_wl_result_u64(&io, "n", UINT64_MAX, "u"), 0);
	assert_int_equal(f.writes, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(run_prints_ready_results_done_one_write_per_line),
	    cmocka_unit_test(run_passes_the_workload_status_to_done),
	    cmocka_unit_test(table_workloads_give_the_documented_checks),
	    cmocka_unit_test(table_lists_every_workload_once),
	    cmocka_unit_test(table_workloads_run_at_mcu_iterations),
	    cmocka_unit_test(rate_text_table),
	    cmocka_unit_test(invalid_fields_write_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
