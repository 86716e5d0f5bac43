/* Formatting: numbers with units, JSON, CSV and the Go benchmark format. */
#include "rigtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

typedef const char *(*fmt_fn)(char *, size_t, double);

struct fmt_case {
	double in;
	const char *want;
};

static void check_cases(const char *what, fmt_fn fn, const struct fmt_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char buf[RIG_FMT_CAP];

		if (strcmp(fn(buf, sizeof(buf), c[i].in), c[i].want))
			fail_msg("%s(%.17g) = \"%s\", want \"%s\"", what, c[i].in, buf, c[i].want);
	}
}

static void sig3_keeps_three_significant_digits(void **state)
{
	static const struct fmt_case c[] = {
	    {0, "0"},
	    {1, "1.00"},
	    {1.234, "1.23"},
	    {1.235001, "1.24"},
	    {9.996, "10.0"},
	    {99.96, "100"},
	    {123.4, "123"},
	    {12345, "12300"},
	    {0.01234, "0.0123"},
	    {-4.567, "-4.57"},
	    {1e-7, "1.00e-07"},
	    {NAN, "-"},
	    {1.234e15, "1.23e+15"},
	    {-1.7976931348623157e308, "-1.80e+308"},
	};

	check_cases("rig_fmt_sig3", rig_fmt_sig3, c, RIG_ARRAY_SIZE(c));
}

static void durations_pick_the_unit_after_rounding(void **state)
{
	static const struct fmt_case c[] = {
	    {0, "0 ns"},       {850, "850 ns"},	      {999.4, "999 ns"},     {999.6, "1.00 µs"},
	    {1234, "1.23 µs"}, {45600000, "45.6 ms"}, {1.2e9, "1.20 s"},     {1.234e12, "1230 s"},
	    {0.5, "0.500 ns"}, {-2500, "-2.50 µs"},   {999999999, "1.00 s"},
	};

	check_cases("rig_fmt_duration_ns", rig_fmt_duration_ns, c, RIG_ARRAY_SIZE(c));
}

static void bytes_use_binary_units(void **state)
{
	static const struct fmt_case c[] = {
	    {0, "0 B"},
	    {512, "512 B"},
	    {1023, "1023 B"},
	    {1024, "1.00 KiB"},
	    {1536, "1.50 KiB"},
	    {1023.9 * 1024, "1020 KiB"},
	    {12.3 * 1024 * 1024, "12.3 MiB"},
	    {3.0 * 1024 * 1024 * 1024, "3.00 GiB"},
	};

	check_cases("rig_fmt_bytes", rig_fmt_bytes, c, RIG_ARRAY_SIZE(c));
}

static void kib_is_bytes_times_1024(void **state)
{
	char buf[RIG_FMT_CAP];

	assert_string_equal(rig_fmt_kib(buf, sizeof(buf), 2048), "2.00 MiB");
	assert_string_equal(rig_fmt_kib(buf, sizeof(buf), 0.5), "512 B");
}

static void rates_use_si_multipliers(void **state)
{
	char buf[RIG_FMT_CAP];

	assert_string_equal(rig_fmt_rate(buf, sizeof(buf), 950, NULL), "950 ops/s");
	assert_string_equal(rig_fmt_rate(buf, sizeof(buf), 1234, NULL), "1.23k ops/s");
	assert_string_equal(rig_fmt_rate(buf, sizeof(buf), 4.56e6, NULL), "4.56M ops/s");
	assert_string_equal(rig_fmt_rate(buf, sizeof(buf), 999.7, "B/s"), "1.00k B/s");
}

static void ratio_says_tilde_when_not_significant(void **state)
{
	char buf[RIG_FMT_CAP];

	assert_string_equal(rig_fmt_ratio(buf, sizeof(buf), 1.234, 1), "1.23x");
	assert_string_equal(rig_fmt_ratio(buf, sizeof(buf), 0.87, 1), "0.870x");
	assert_string_equal(rig_fmt_ratio(buf, sizeof(buf), 1.5, 0), "~");
}

static void value_dispatches_on_unit(void **state)
{
	char buf[RIG_FMT_CAP];

	assert_string_equal(rig_fmt_value(buf, sizeof(buf), 1.5e6, "ns"), "1.50 ms");
	assert_string_equal(rig_fmt_value(buf, sizeof(buf), 250, "ms"), "250 ms");
	assert_string_equal(rig_fmt_value(buf, sizeof(buf), 2048, "B"), "2.00 KiB");
	assert_string_equal(rig_fmt_value(buf, sizeof(buf), 3000, "KiB"), "2.93 MiB");
	assert_string_equal(rig_fmt_value(buf, sizeof(buf), 2.5e4, "ops/s"), "25.0k ops/s");
	assert_string_equal(rig_fmt_value(buf, sizeof(buf), 42, "frames"), "42.0 frames");
	assert_string_equal(rig_fmt_value(buf, sizeof(buf), 42, ""), "42.0");
}

static void short_buffer_truncates_with_nul(void **state)
{
	char buf[4];

	rig_fmt_duration_ns(buf, sizeof(buf), 1234);
	assert_string_equal(buf, "1.2");
}

static void number_is_shortest_round_trip(void **state)
{
	static const double v[] = {
	    0.1, 1.0 / 3.0, 1e20, 1234, -0.0, 5e-324, 1.7976931348623157e308};
	char buf[RIG_FMT_CAP];

	assert_string_equal(rig_fmt_number(buf, sizeof(buf), 0.1), "0.1");
	assert_string_equal(rig_fmt_number(buf, sizeof(buf), 1234), "1234");
	assert_string_equal(rig_fmt_number(buf, sizeof(buf), INFINITY), "null");
	for (size_t i = 0; i < RIG_ARRAY_SIZE(v); i++)
		assert_true(strtod(rig_fmt_number(buf, sizeof(buf), v[i]), NULL) == v[i]);
}

static char *json(const char *s)
{
	struct rig_buf b = {0};

	rig_json_string(&b, s);
	return b.data;
}

static void json_escapes_quotes_backslashes_and_controls(void **state)
{
	char *s = json("a\"b\\c\n\t\x01\x1f");

	assert_string_equal(s, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\"");
	free(s);
}

static void json_keeps_valid_utf8(void **state)
{
	char *s = json("µs — ✓ \xf0\x9f\x98\x80");

	assert_string_equal(s, "\"µs — ✓ \xf0\x9f\x98\x80\"");
	free(s);
}

static void json_replaces_invalid_utf8(void **state)
{
	/* lone continuation, overlong '/', surrogate half, truncated sequence */
	char *s = json("a\x80"
		       "b\xc0\xaf"
		       "c\xed\xa0\x80"
		       "d\xe2\x82");

	assert_string_equal(s, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\"");
	free(s);
}

static void json_null_string_is_null(void **state)
{
	char *s = json(NULL);

	assert_string_equal(s, "null");
	free(s);
}

static void json_output_parses_with_python(void **state)
{
	struct rig_buf b = {0};
	char *out = NULL;
	const char *p;

	RIGTEST_REQUIRE_CMD("python3");
	rig_buf_append(&b, "[", 1);
	rig_json_string(&b, "tab\there \"q\" back\\ \x7f nul-ish \x02 \xff end");
	rig_buf_append(&b, ",", 1);
	rig_json_number(&b, 0.1);
	rig_buf_append(&b, ",", 1);
	rig_json_number(&b, NAN);
	rig_buf_append(&b, "]", 1);
	p = rigtest_write(rigtest_tmpdir(), "out.json", b.data);
	assert_int_equal(rigtest_sh(&out,
				    "python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); "
				    "print(ascii(v))' %s",
				    p),
			 0);
	assert_string_equal(out,
			    "['tab\\there \"q\" back\\\\ \\x7f nul-ish \\x02 \\ufffd end', 0.1, "
			    "None]\n");
	free(out);
	rig_buf_free(&b);
}

static char *csv(const char *s)
{
	struct rig_buf b = {0};

	rig_csv_field(&b, s);
	return b.data ? b.data : rig_xstrdup("");
}

static void csv_plain_field_is_unquoted(void **state)
{
	char *s = csv("gc-stripped");

	assert_string_equal(s, "gc-stripped");
	free(s);
}

static void csv_quotes_commas_quotes_and_line_breaks(void **state)
{
	const char *in[] = {"a,b", "say \"hi\"", "two\nlines", "cr\r", " lead", "trail "};
	const char *want[] = {"\"a,b\"",  "\"say \"\"hi\"\"\"", "\"two\nlines\"",
			      "\"cr\r\"", "\" lead\"",		"\"trail \""};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(in); i++) {
		char *s = csv(in[i]);

		assert_string_equal(s, want[i]);
		free(s);
	}
}

static void csv_row_ends_with_crlf_and_reads_back_in_python(void **state)
{
	const char *fields[] = {"board", "a,b", "q\"x", NULL, "multi\nline"};
	struct rig_buf b = {0};
	char *out = NULL;
	const char *p;

	rig_csv_row(&b, fields, RIG_ARRAY_SIZE(fields));
	assert_string_equal(b.data, "board,\"a,b\",\"q\"\"x\",,\"multi\nline\"\r\n");
	RIGTEST_REQUIRE_CMD("python3");
	p = rigtest_write(rigtest_tmpdir(), "row.csv", b.data);
	assert_int_equal(rigtest_sh(&out,
				    "python3 -c 'import csv,sys; "
				    "print(list(csv.reader(open(sys.argv[1], newline=\"\"))))' %s",
				    p),
			 0);
	assert_string_equal(out, "[['board', 'a,b', 'q\"x', '', 'multi\\nline']]\n");
	free(out);
	rig_buf_free(&b);
}

static void benchfmt_config_line(void **state)
{
	struct rig_buf b = {0};
	struct rig_error err = {0};

	assert_int_equal(rig_benchfmt_config(&b, "goos", "linux", &err), 0);
	assert_int_equal(rig_benchfmt_config(&b, "cpu-model", "AMD EPYC 7B13", &err), 0);
	assert_int_equal(rig_benchfmt_config(&b, "note", "", &err), 0);
	assert_string_equal(b.data, "goos: linux\ncpu-model: AMD EPYC 7B13\nnote:\n");
	rig_buf_free(&b);
}

static void benchfmt_config_rejects_bad_keys_and_values(void **state)
{
	const char *bad_keys[] = {"Goos", "go os", "goOS", "", "1abc", "a:b"};
	struct rig_buf b = {0};
	struct rig_error err = {0};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(bad_keys); i++)
		assert_int_equal(rig_benchfmt_config(&b, bad_keys[i], "x", &err), RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_config(&b, "cpu", "two\nlines", &err), RIG_ERR_INVALID);
	assert_null(b.data);
	assert_non_null(strstr(err.msg, "cpu"));
}

static void benchfmt_name_has_parts_and_procs(void **state)
{
	const struct rig_benchfmt_part parts[] = {
	    {"board", "host"}, {"workload", "hello"}, {"profile", "gc"}};
	char name[128];
	struct rig_error err = {0};

	assert_int_equal(rig_benchfmt_name(name, sizeof(name), "Startup", parts, 3, 1, &err), 0);
	assert_string_equal(name, "BenchmarkStartup/board=host/workload=hello/profile=gc-1");
}

static void benchfmt_name_sanitises_values(void **state)
{
	const struct rig_benchfmt_part parts[] = {
	    {"target", "linux/arm 64"}, {"profile", "gccgo-13"}, {"variant", ""}, {"x", "µ"}};
	char name[128];
	struct rig_error err = {0};

	assert_int_equal(rig_benchfmt_name(name, sizeof(name), "Size", parts, 4, 0, &err), 0);
	/* the procs suffix is always there, so "-13" stays part of the value */
	assert_string_equal(
	    name, "BenchmarkSize/target=linux_arm_64/profile=gccgo-13/variant=none/x=__-1");
}

static void benchfmt_name_rejects_bad_base_key_and_short_buffer(void **state)
{
	const struct rig_benchfmt_part bad_key[] = {{"a/b", "v"}};
	const struct rig_benchfmt_part ok[] = {{"board", "host"}};
	char name[128];
	struct rig_error err = {0};

	assert_int_equal(rig_benchfmt_name(name, sizeof(name), "startup", NULL, 0, 1, &err),
			 RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_name(name, sizeof(name), "Start up", NULL, 0, 1, &err),
			 RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_name(name, sizeof(name), "Startup", bad_key, 1, 1, &err),
			 RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_name(name, 10, "Startup", ok, 1, 1, &err), RIG_ERR_INVALID);
}

static void benchfmt_result_line(void **state)
{
	const struct rig_benchfmt_value v[] = {{0.00123, "sec/op"}, {2097152, "peak-rss-B"}};
	struct rig_buf b = {0};
	struct rig_error err = {0};

	assert_int_equal(rig_benchfmt_result(&b, "BenchmarkStartup/board=host-1", 1, v, 2, &err),
			 0);
	assert_string_equal(
	    b.data, "BenchmarkStartup/board=host-1\t1\t0.00123 sec/op\t2097152 peak-rss-B\n");
	rig_buf_free(&b);
}

static void benchfmt_result_rejects_bad_input(void **state)
{
	const struct rig_benchfmt_value ok[] = {{1, "sec/op"}};
	const struct rig_benchfmt_value nan[] = {{NAN, "sec/op"}};
	const struct rig_benchfmt_value spaced[] = {{1, "sec op"}};
	struct rig_buf b = {0};
	struct rig_error err = {0};

	assert_int_equal(rig_benchfmt_result(&b, "Startup-1", 1, ok, 1, &err), RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_result(&b, "Benchmark X-1", 1, ok, 1, &err), RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_result(&b, "BenchmarkX-1", 0, ok, 1, &err), RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_result(&b, "BenchmarkX-1", 1, ok, 0, &err), RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_result(&b, "BenchmarkX-1", 1, nan, 1, &err), RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_result(&b, "BenchmarkX-1", 1, spaced, 1, &err),
			 RIG_ERR_INVALID);
	assert_null(b.data);
}

static void benchfmt_unit_metadata_line(void **state)
{
	struct rig_buf b = {0};
	struct rig_error err = {0};

	assert_int_equal(rig_benchfmt_unit_meta(&b, "text-B", "assume", "exact", &err), 0);
	assert_int_equal(rig_benchfmt_unit_meta(&b, "text B", "assume", "exact", &err),
			 RIG_ERR_INVALID);
	assert_int_equal(rig_benchfmt_unit_meta(&b, "x", "a=b", "c", &err), RIG_ERR_INVALID);
	assert_string_equal(b.data, "Unit text-B assume=exact\n");
	rig_buf_free(&b);
}

struct metric_case {
	const char *name, *unit;
	double value;
	const char *want_unit;
	double want_value;
};

static void benchfmt_metric_maps_rig_units(void **state)
{
	static const struct metric_case c[] = {
	    {"startup_ns", "ns", 1.5e6, "startup-sec", 1.5e-3},
	    {"wall_ns", "ns", 2e9, "wall-sec", 2.0},
	    {"peak_rss_kib", "KiB", 2048, "peak-rss-B", 2097152},
	    {"text_bytes", "B", 1000, "text-B", 1000},
	    {"flash", "bytes", 12, "flash-B", 12},
	    {"fib", "ops/s", 3.5e6, "fib-ops/s", 3.5e6},
	    {"boot_ms", "ms", 250, "boot-sec", 0.25},
	    {"frames", "", 7, "frames", 7},
	    {"odd name", "µx", 1, "odd_name-__x", 1},
	};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(c); i++) {
		char unit[64];
		double v;
		struct rig_error err = {0};

		assert_int_equal(rig_benchfmt_metric(c[i].name, c[i].unit, c[i].value, unit,
						     sizeof(unit), &v, &err),
				 0);
		if (strcmp(unit, c[i].want_unit) || fabs(v - c[i].want_value) > 1e-12 * fabs(v))
			fail_msg("%s %s: got %s %g, want %s %g", c[i].name, c[i].unit, unit, v,
				 c[i].want_unit, c[i].want_value);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sig3_keeps_three_significant_digits),
	    cmocka_unit_test(durations_pick_the_unit_after_rounding),
	    cmocka_unit_test(bytes_use_binary_units),
	    cmocka_unit_test(kib_is_bytes_times_1024),
	    cmocka_unit_test(rates_use_si_multipliers),
	    cmocka_unit_test(ratio_says_tilde_when_not_significant),
	    cmocka_unit_test(value_dispatches_on_unit),
	    cmocka_unit_test(short_buffer_truncates_with_nul),
	    cmocka_unit_test(number_is_shortest_round_trip),
	    cmocka_unit_test(json_escapes_quotes_backslashes_and_controls),
	    cmocka_unit_test(json_keeps_valid_utf8),
	    cmocka_unit_test(json_replaces_invalid_utf8),
	    cmocka_unit_test(json_null_string_is_null),
	    cmocka_unit_test(json_output_parses_with_python),
	    cmocka_unit_test(csv_plain_field_is_unquoted),
	    cmocka_unit_test(csv_quotes_commas_quotes_and_line_breaks),
	    cmocka_unit_test(csv_row_ends_with_crlf_and_reads_back_in_python),
	    cmocka_unit_test(benchfmt_config_line),
	    cmocka_unit_test(benchfmt_config_rejects_bad_keys_and_values),
	    cmocka_unit_test(benchfmt_name_has_parts_and_procs),
	    cmocka_unit_test(benchfmt_name_sanitises_values),
	    cmocka_unit_test(benchfmt_name_rejects_bad_base_key_and_short_buffer),
	    cmocka_unit_test(benchfmt_result_line),
	    cmocka_unit_test(benchfmt_result_rejects_bad_input),
	    cmocka_unit_test(benchfmt_unit_metadata_line),
	    cmocka_unit_test(benchfmt_metric_maps_rig_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
