/* The Prometheus text format parser (promtext.h) on a table of lines, and
 * the scraper's refusals against the test servers (not 200, not the
 * format); the scraper against a real Go collector is integration/bench_service. */
#include "rigtest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "promtext.h"
#include "scrape.h"
#include "testserver.h"

struct got {
	int n;
	char name[8][64], labels[8][128];
	double v[8];
};

static void on(void *ctx, const char *name, const char *labels, double v)
{
	struct got *g = ctx;

	if (g->n < 8) {
		snprintf(g->name[g->n], sizeof(g->name[0]), "%s", name);
		snprintf(g->labels[g->n], sizeof(g->labels[0]), "%s", labels);
		g->v[g->n] = v;
	}
	g->n++;
}

static void go_collector_lines_parse(void **state)
{
	static const char text[] = "# HELP go_gc_duration_seconds A summary.\n"
				   "# TYPE go_gc_duration_seconds summary\n"
				   "go_gc_duration_seconds{quantile=\"1\"} 0.002774237\n"
				   "\n"
				   "go_gc_duration_seconds_count 203\n"
				   "go_memstats_heap_alloc_bytes 3.413728e+06\n"
				   "x{a=\"q\\\"uo\\\\te\",b=\"\\n\",} +Inf 1700000000000\n"
				   "y NaN\n";
	struct got g = {0};
	int bad = 0;

	assert_int_equal(rig_prom_parse(text, strlen(text), on, &g, &bad), 5);
	assert_string_equal(g.name[0], "go_gc_duration_seconds");
	assert_string_equal(g.labels[0], "quantile=\"1\"");
	assert_true(g.v[0] == 0.002774237);
	assert_string_equal(g.name[1], "go_gc_duration_seconds_count");
	assert_string_equal(g.labels[1], "");
	assert_true(g.v[1] == 203);
	assert_true(g.v[2] == 3413728);
	assert_string_equal(g.labels[3], "a=\"q\\\"uo\\\\te\",b=\"\\n\",");
	assert_true(isinf(g.v[3]) && g.v[3] > 0);
	assert_true(isnan(g.v[4]));
}

static void bad_lines_are_named_by_number(void **state)
{
	static const struct {
		const char *text;
		int line;
	} cases[] = {
	    {"ok 1\nm{l=\"unclosed} 1\n", 2},
	    {"m 1 2 3\n", 1},
	    {"9bad 1\n", 1},
	    {"m 0x10\n", 1},
	    {"m{l=\"a\"b=\"c\"} 1\n", 1},
	    {"m{l=a} 1\n", 1},
	    {"m\n", 1},
	    {"a 1\nb 2\nc one\n", 3},
	    {"m{l=\"\\x\"} 1\n", 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct got g = {0};
		int bad = 0;
		if (rig_prom_parse(cases[i].text, strlen(cases[i].text), on, &g, &bad) != -1 ||
		    bad != cases[i].line)
			fail_msg("'%s': bad line %d, want %d", cases[i].text, bad, cases[i].line);
	}
}

static void scrape_refuses_what_is_not_go_metrics(void **state)
{
	struct testserver *ok = ts_start(TS_OK, 0, 0), *e500 = ts_start(TS_ERROR_500, 0, 0);
	struct rig_scrape_figs f = {0};

	assert_non_null(ok);
	assert_non_null(e500);
	assert_int_equal(rig_scrape_once("127.0.0.1", ts_port(e500), "/metrics", 1000, &f), -1);
	assert_non_null(strstr(f.why, "status 500"));
	/* "Hello, World!" is no sample line */
	assert_int_equal(rig_scrape_once("127.0.0.1", ts_port(ok), "/metrics", 1000, &f), -1);
	assert_non_null(strstr(f.why, "line 1"));
	assert_int_equal(f.scrapes, 0);
	ts_stop(ok);
	ts_stop(e500);
	assert_int_equal(rig_scrape_once("127.0.0.1", 1, "/metrics", 1000, &f), -1);
	assert_non_null(strstr(f.why, "connect"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(go_collector_lines_parse),
	    cmocka_unit_test(bad_lines_are_named_by_number),
	    cmocka_unit_test(scrape_refuses_what_is_not_go_metrics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
