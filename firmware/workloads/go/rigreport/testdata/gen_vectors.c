/*
 * Prints test vectors for the Go rigreport package from the C writers in
 * firmware/protocol/rig_report.c, one case per line, tab-separated:
 *
 *     ready                              <line>
 *     done    STATUS                     <line>
 *     result  NAME VALUE UNIT            <line or "-" when rejected>
 *     i64     NAME VALUE UNIT            <line or "-">
 *     ratio   NAME NUM DEN DECIMALS UNIT <line or "-">
 *     rate    OPS ELAPSED_NS             <value text>
 *
 * (the line without its '\n'). Build and run:
 *     cc -I../../../../protocol -I../../../c gen_vectors.c ../../../c/rig_wl.c \
 *        ../../../../protocol/rig_report.c -o gen && ./gen > vectors.tsv
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "rig_report.h"
#include "rig_wl.h"

static void put(size_t n, const char *buf)
{
	if (n == 0)
		printf("-\n");
	else
		printf("%.*s\n", (int)(n - 1), buf);
}

int main(void)
{
	static const int statuses[] = {0, 1, -1, 42, 255, -128, INT_MAX, INT_MIN};
	static const struct {
		const char *name, *value, *unit;
	} results[] = {
	    {"throughput", "1234.567", "ops/s"},
	    {"check", "3735928559", "count"},
	    {"x.y-z_0", "-0.5", "B/op"},
	    {"p", "100", "%"},
	    {"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "-1234567890123456789012345678901",
	     "uuuuuuuuuuuuuuuu"},
	    {"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "1", "u"},
	    {"a", "1", "uuuuuuuuuuuuuuuuu"},
	    {"a b", "1", "u"},
	    {"a", "1.", "u"},
	    {"a", ".5", "u"},
	    {"a", "1e3", "u"},
	    {"a", "+1", "u"},
	    {"a", "", "u"},
	    {"", "1", "u"},
	    {"a", "1", ""},
	    {"a", "1", "u@"},
	};
	static const int64_t ints[] = {0, 1, -1, 1000000007, INT64_MAX, INT64_MIN};
	static const struct {
		uint64_t num, den;
		unsigned decimals;
	} ratios[] = {
	    {1, 3, 3},
	    {2, 3, 3},
	    {10, 4, 0},
	    {10, 4, 1},
	    {7, 1, 2},
	    {1, 1000000000, 9},
	    {0, 5, 9},
	    {UINT64_MAX, 1, 0},
	    {UINT64_MAX, 1, 9},
	    {UINT64_MAX - 1, UINT64_MAX, 9},
	    {UINT64_MAX / 2, UINT64_MAX, 3},
	    {UINT64_MAX / 3, UINT64_MAX / 2 + 7, 4},
	    {123456789, 987, 5},
	    {1, 0, 3},
	    {1, 1, 10},
	};
	static const uint64_t rates[][2] = {
	    {1, 1000000000},
	    {100000, 250000000},
	    {3, 7},
	    {0, 5},
	    {5, 0},
	    {UINT64_MAX, 3000000000ULL},
	    {UINT64_MAX / 1000000000 + 1, 10},
	};
	char buf[RIG_REPORT_MAX_LINE + 2];
	char v[RIG_REPORT_MAX_VALUE + 1];

	printf("ready\t");
	put(rig_report_format_ready(buf, sizeof(buf)), buf);
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		printf("done\t%d\t", statuses[i]);
		put(rig_report_format_done(buf, sizeof(buf), statuses[i]), buf);
	}
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		printf("result\t%s\t%s\t%s\t", results[i].name, results[i].value, results[i].unit);
		put(rig_report_format_result(buf, sizeof(buf), results[i].name, results[i].value,
					     results[i].unit),
		    buf);
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		printf("i64\tv\t%" PRId64 "\tns\t", ints[i]);
		put(rig_report_format_result_i64(buf, sizeof(buf), "v", ints[i], "ns"), buf);
	}
	for (size_t i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		printf("ratio\tr\t%" PRIu64 "\t%" PRIu64 "\t%u\tx\t", ratios[i].num, ratios[i].den,
		       ratios[i].decimals);
		put(rig_report_format_result_ratio(buf, sizeof(buf), "r", ratios[i].num,
						   ratios[i].den, ratios[i].decimals, "x"),
		    buf);
	}
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		rig_wl_rate_text(v, sizeof(v), rates[i][0], rates[i][1]);
		printf("rate\t%" PRIu64 "\t%" PRIu64 "\t%s\n", rates[i][0], rates[i][1], v);
	}
	return 0;
}
