/* The report-line protocol: writers, parser, line assembly. */
#include "rigtest.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig_report.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Lines whose CRC was computed by Python's zlib.crc32, not by rig_crc32. */
static const char *const known_lines[] = {
    "@rig ready*cbcb3afa\n",
    "@rig done 0*049f6a42\n",
    "@rig done -1*e4663c7d\n",
    "@rig result throughput 1234.567 ops/s*4059387b\n",
    "@rig result check 3735928559 count*e0ba7202\n",
    "@rig result elapsed_ns -9223372036854775808 ns*ce55862b\n",
};

/* body + "*crc" (no newline) into buf; returns the length. */
static size_t seal(char *buf, size_t cap, const char *body)
{
	size_t n = strlen(body);
	int w;

	assert_true(n + 10 <= cap);
	memcpy(buf, body, n);
	w = snprintf(buf + n, cap - n, "*%08x", (unsigned)rig_crc32(0, body, n));
	assert_int_equal(w, 9);
	return n + 9;
}

static enum rig_report_verdict parse_str(const char *s, struct rig_report_line *l)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		n--;
	return rig_report_parse_line(s, n, l);
}

/* ---- CRC ---- */

static void crc32_matches_the_ieee_check_value(void **state)
{
	assert_int_equal(rig_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(rig_crc32(0, "", 0), 0);
	assert_int_equal(rig_crc32(0, "a", 1), 0xE8B7BE43u);
}

static void crc32_continues_across_calls(void **state)
{
	uint32_t c = rig_crc32(0, "1234", 4);

	assert_int_equal(rig_crc32(c, "56789", 5), 0xCBF43926u);
}

/* ---- writers ---- */

static void writers_produce_the_known_lines(void **state)
{
	char buf[RIG_REPORT_MAX_LINE + 2];
	size_t n;

	n = rig_report_format_ready(buf, sizeof(buf));
	assert_int_equal(n, strlen(known_lines[0]));
	assert_string_equal(buf, known_lines[0]);
	rig_report_format_done(buf, sizeof(buf), 0);
	assert_string_equal(buf, known_lines[1]);
	rig_report_format_done(buf, sizeof(buf), -1);
	assert_string_equal(buf, known_lines[2]);
	rig_report_format_result(buf, sizeof(buf), "throughput", "1234.567", "ops/s");
	assert_string_equal(buf, known_lines[3]);
	rig_report_format_result_i64(buf, sizeof(buf), "check", 3735928559LL, "count");
	assert_string_equal(buf, known_lines[4]);
	rig_report_format_result_i64(buf, sizeof(buf), "elapsed_ns", INT64_MIN, "ns");
	assert_string_equal(buf, known_lines[5]);
}

static void parser_accepts_the_known_lines(void **state)
{
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(known_lines); i++)
		assert_int_equal(parse_str(known_lines[i], &l), RIG_REPORT_LINE);
	parse_str(known_lines[3], &l);
	assert_int_equal(l.kind, RIG_REPORT_RESULT);
	assert_string_equal(l.name, "throughput");
	assert_string_equal(l.value, "1234.567");
	assert_string_equal(l.unit, "ops/s");
}

static void ready_line_round_trips(void **state)
{
	char buf[RIG_REPORT_MAX_LINE + 2];
	struct rig_report_line l;
	size_t n = rig_report_format_ready(buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(buf[n - 1], '\n');
	assert_int_equal(rig_report_parse_line(buf, n - 1, &l), RIG_REPORT_LINE);
	assert_int_equal(l.kind, RIG_REPORT_READY);
}

static void done_line_round_trips(void **state)
{
	static const int statuses[] = {0, 1, -1, 42, 255, 1000000000, INT_MAX, INT_MIN};
	char buf[RIG_REPORT_MAX_LINE + 2];
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		size_t n = rig_report_format_done(buf, sizeof(buf), statuses[i]);

		assert_true(n > 0);
		assert_int_equal(rig_report_parse_line(buf, n - 1, &l), RIG_REPORT_LINE);
		assert_int_equal(l.kind, RIG_REPORT_DONE);
		assert_int_equal(l.status, statuses[i]);
	}
}

static void result_line_round_trips(void **state)
{
	static const struct {
		const char *name, *value, *unit;
	} cases[] = {
	    {"throughput", "1.5", "ops/s"},
	    {"a", "0", "%"},
	    {"gc_pause_max_ns", "-12", "ns"},
	    {"x.y-z_0", "0.000", "B/op"},
	    /* the longest fields allowed */
	    {"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "-1234567890123456789012345678901",
	     "uuuuuuuuuuuuuuuu"},
	};
	char buf[RIG_REPORT_MAX_LINE + 2];
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = rig_report_format_result(buf, sizeof(buf), cases[i].name, cases[i].value,
						    cases[i].unit);

		assert_true(n > 0);
		assert_true(n - 1 <= RIG_REPORT_MAX_LINE);
		assert_int_equal(rig_report_parse_line(buf, n - 1, &l), RIG_REPORT_LINE);
		assert_int_equal(l.kind, RIG_REPORT_RESULT);
		assert_string_equal(l.name, cases[i].name);
		assert_string_equal(l.value, cases[i].value);
		assert_string_equal(l.unit, cases[i].unit);
	}
}

static void result_i64_round_trips(void **state)
{
	static const struct {
		int64_t v;
		const char *text;
	} cases[] = {
	    {0, "0"},
	    {-1, "-1"},
	    {123456789, "123456789"},
	    {INT64_MAX, "9223372036854775807"},
	    {INT64_MIN, "-9223372036854775808"},
	};
	char buf[RIG_REPORT_MAX_LINE + 2];
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = rig_report_format_result_i64(buf, sizeof(buf), "v", cases[i].v, "count");

		assert_true(n > 0);
		assert_int_equal(rig_report_parse_line(buf, n - 1, &l), RIG_REPORT_LINE);
		assert_string_equal(l.value, cases[i].text);
	}
}

static void result_ratio_prints_truncated_decimals(void **state)
{
	static const struct {
		uint64_t num, den;
		unsigned decimals;
		const char *text;
	} cases[] = {
	    {1, 3, 3, "0.333"},
	    {2, 3, 3, "0.666"}, /* truncated, not rounded */
	    {10, 4, 0, "2"},
	    {10, 4, 1, "2.5"},
	    {7, 1, 2, "7.00"},
	    {1, 1000000000, 9, "0.000000001"},
	    {0, 5, 9, "0.000000000"},
	    {UINT64_MAX, 1, 0, "18446744073709551615"},
	    {UINT64_MAX, 1, 9, "18446744073709551615.000000000"},
	    /* remainders whose tenfold overflows 64 bits */
	    {UINT64_MAX - 1, UINT64_MAX, 9, "0.999999999"},
	    {UINT64_MAX / 2, UINT64_MAX, 3, "0.499"},
	    {UINT64_MAX / 3, UINT64_MAX / 2 + 7, 4, "0.6666"},
	};
	char buf[RIG_REPORT_MAX_LINE + 2];
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = rig_report_format_result_ratio(buf, sizeof(buf), "r", cases[i].num,
							  cases[i].den, cases[i].decimals, "x");

		assert_true(n > 0);
		assert_int_equal(rig_report_parse_line(buf, n - 1, &l), RIG_REPORT_LINE);
		assert_string_equal(l.value, cases[i].text);
	}
}

static void result_ratio_rejects_zero_denominator_and_ten_decimals(void **state)
{
	char buf[RIG_REPORT_MAX_LINE + 2];

	assert_int_equal(rig_report_format_result_ratio(buf, sizeof(buf), "r", 1, 0, 3, "x"), 0);
	assert_int_equal(rig_report_format_result_ratio(buf, sizeof(buf), "r", 1, 1, 10, "x"), 0);
}

static void writers_reject_invalid_fields(void **state)
{
	static const struct {
		const char *name, *value, *unit;
	} cases[] = {
	    {"", "1", "u"},
	    {"a b", "1", "u"},
	    {"a@", "1", "u"},
	    {"a*", "1", "u"},
	    {"a/b", "1", "u"},					     /* '/' is for units only */
	    {"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "1", "u"}, /* 41 */
	    {"a", "", "u"},
	    {"a", "-", "u"},
	    {"a", "1.", "u"},
	    {"a", ".5", "u"},
	    {"a", "1e3", "u"},
	    {"a", "+1", "u"},
	    {"a", "1.2.3", "u"},
	    {"a", "123456789012345678901234567890123", "u"}, /* 33 */
	    {"a", "1", ""},
	    {"a", "1", "u u"},
	    {"a", "1", "uuuuuuuuuuuuuuuuu"}, /* 17 */
	};
	char buf[RIG_REPORT_MAX_LINE + 2];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(rig_report_format_result(buf, sizeof(buf), cases[i].name,
							  cases[i].value, cases[i].unit),
				 0);
}

/* Every capacity short of the line fails cleanly; the buffer is heap-allocated
 * at exactly that size so ASan sees any write past it. */
static void writers_fail_on_short_buffers(void **state)
{
	char full[RIG_REPORT_MAX_LINE + 2];
	size_t need = rig_report_format_result(full, sizeof(full), "throughput", "1.5", "ops/s");

	for (size_t cap = 0; cap < need; cap++) {
		char *b = malloc(cap ? cap : 1);

		assert_non_null(b);
		assert_int_equal(rig_report_format_result(b, cap, "throughput", "1.5", "ops/s"), 0);
		assert_int_equal(rig_report_format_ready(b, cap < 20 ? cap : 19), 0);
		assert_int_equal(rig_report_format_done(b, cap < 21 ? cap : 20, -7), 0);
		free(b);
	}
	/* exactly the line, without room for the NUL */
	{
		char *b = malloc(need);

		assert_int_equal(rig_report_format_result(b, need, "throughput", "1.5", "ops/s"),
				 need);
		assert_memory_equal(b, full, need);
		free(b);
	}
}

/* ---- parse_line ---- */

static void plain_output_is_noise(void **state)
{
	static const char *const lines[] = {
	    "", "hello world", "@rig", "@rigready*00000000", "rig ready", "@RIG ready*cbcb3afa"};
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		assert_int_equal(parse_str(lines[i], &l), RIG_REPORT_NOISE);
}

static void noise_before_prefix_on_the_same_line_is_skipped(void **state)
{
	struct rig_report_line l;

	assert_int_equal(parse_str("progress: 50%@rig done 0*049f6a42", &l), RIG_REPORT_LINE);
	assert_int_equal(l.kind, RIG_REPORT_DONE);
	assert_int_equal(l.status, 0);
}

static void a_cut_off_line_before_a_valid_one_is_skipped(void **state)
{
	struct rig_report_line l;

	assert_int_equal(parse_str("@rig resu@rig ready*cbcb3afa", &l), RIG_REPORT_LINE);
	assert_int_equal(l.kind, RIG_REPORT_READY);
}

static void trailing_cr_is_ignored(void **state)
{
	struct rig_report_line l;

	assert_int_equal(parse_str("@rig done -1*e4663c7d\r", &l), RIG_REPORT_LINE);
	assert_int_equal(l.status, -1);
	/* only one */
	assert_int_equal(parse_str("@rig done -1*e4663c7d\r\r", &l), RIG_REPORT_CORRUPT);
}

/*
 * Changing any one byte of a valid line to any other value never yields an
 * accepted line with different content (CRC-32 catches every burst of up to
 * 32 bits; field checks catch the rest).
 */
static void every_single_byte_change_is_rejected(void **state)
{
	for (size_t k = 0; k < ARRAY_SIZE(known_lines); k++) {
		char line[RIG_REPORT_MAX_LINE + 2];
		size_t n = strlen(known_lines[k]) - 1;
		struct rig_report_line orig, l;

		assert_int_equal(rig_report_parse_line(known_lines[k], n, &orig), RIG_REPORT_LINE);
		for (size_t i = 0; i < n; i++) {
			for (int x = 1; x < 256; x++) {
				enum rig_report_verdict v;

				memcpy(line, known_lines[k], n);
				line[i] = (char)(line[i] ^ x);
				v = rig_report_parse_line(line, n, &l);
				if (v == RIG_REPORT_LINE) {
					/* only a change the protocol ignores (none today) */
					print_error("line %zu byte %zu ^ 0x%02x accepted\n", k, i,
						    x);
					fail();
				}
				assert_true(v == RIG_REPORT_CORRUPT || v == RIG_REPORT_NOISE);
			}
		}
	}
}

static void malformed_fields_are_corrupt(void **state)
{
	static const char *const bodies[] = {
	    "@rig hello",
	    "@rig ready extra",
	    "@rig ready ",
	    "@rig  ready",
	    "@rig done",
	    "@rig done ",
	    "@rig done x",
	    "@rig done 1x",
	    "@rig done 007",
	    "@rig done -0",
	    "@rig done -",
	    "@rig done +1",
	    "@rig done 2147483648",
	    "@rig done -2147483649",
	    "@rig done 99999999999",
	    "@rig done 0 0",
	    "@rig result",
	    "@rig result a",
	    "@rig result a 1",
	    "@rig result a 1 u extra",
	    "@rig result a 1 u ",
	    "@rig result  a 1 u",
	    "@rig result a  1 u",
	    "@rig result a 1. u",
	    "@rig result a .1 u",
	    "@rig result a 1e9 u",
	    "@rig result a@b 1 u",
	    "@rig result a 1 u\tv",
	    "@rig result nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn 1 u",
	    "@rig result a 1 uuuuuuuuuuuuuuuuu",
	    "@rig result a 123456789012345678901234567890123 u",
	    "@rig ",
	};
	char line[RIG_REPORT_MAX_LINE + 2];
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(bodies); i++) {
		size_t n = seal(line, sizeof(line), bodies[i]);

		if (rig_report_parse_line(line, n, &l) != RIG_REPORT_CORRUPT) {
			print_error("accepted: %s\n", bodies[i]);
			fail();
		}
	}
}

static void malformed_trailers_are_corrupt(void **state)
{
	static const char *const lines[] = {
	    "@rig ready*CBCB3AFA", /* uppercase: not the writer's spelling */
	    "@rig ready*cbcb3af",  "@rig ready*cbcb3afa0", "@rig ready cbcb3afa",
	    "@rig ready*cbcb3afg", "@rig ready*",	   "@rig ready",
	    "@rig ready*cbcb3afb",
	};
	struct rig_report_line l;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		assert_int_equal(parse_str(lines[i], &l), RIG_REPORT_CORRUPT);
}

/* ---- line assembly ---- */

struct seen {
	enum rig_report_verdict v[64];
	char text[64][RIG_REPORT_MAX_LINE + 1];
	struct rig_report_line line[64];
	size_t n;
};

static void record(void *ctx, enum rig_report_verdict v, const struct rig_report_line *line,
		   const char *text, size_t len)
{
	struct seen *s = ctx;

	assert_true(s->n < ARRAY_SIZE(s->v));
	assert_true(len <= RIG_REPORT_MAX_LINE);
	assert_int_equal(text[len], '\0');
	assert_int_equal(line != NULL, v == RIG_REPORT_LINE);
	s->v[s->n] = v;
	memcpy(s->text[s->n], text, len + 1);
	if (line)
		s->line[s->n] = *line;
	s->n++;
}

static void assert_same_events(const struct seen *a, const struct seen *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->v[i], b->v[i]);
		assert_string_equal(a->text[i], b->text[i]);
		if (a->v[i] == RIG_REPORT_LINE)
			assert_memory_equal(&a->line[i], &b->line[i], sizeof(a->line[i]));
	}
}

static void assert_counts_add_up(const struct rig_report_parser *p, const struct seen *s)
{
	assert_int_equal(p->lines + p->noise + p->corrupt + p->overlong_lines + p->cut, s->n);
}

/* A stream as a workload might print it: noise, CRLF, noise before a line. */
static const char stream[] = "booting...\n"
			     "@rig ready*cbcb3afa\n"
			     "some log line\r\n"
			     "@rig result throughput 1234.567 ops/s*4059387b\r\n"
			     "@rig result check 3735928559 count*e0ba7202\n"
			     "\n"
			     "@rig result check 3735928559 count*e0ba7203\n"
			     "50%@rig done 0*049f6a42\n"
			     "bye\n";

static void feed_chunks(struct rig_report_parser *p, const char *s, size_t n, const size_t *cuts,
			size_t ncuts)
{
	size_t at = 0;

	for (size_t i = 0; i < ncuts && at < n; i++) {
		size_t k = cuts[i] < n - at ? cuts[i] : n - at;
		rig_report_parser_feed(p, s + at, k);
		at += k;
	}
	rig_report_parser_feed(p, s + at, n - at);
}

static void whole_stream_yields_each_line_in_order(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};

	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, stream, sizeof(stream) - 1);
	assert_int_equal(s.n, 9);
	assert_int_equal(p.lines, 4);
	assert_int_equal(p.noise, 4);
	assert_int_equal(p.corrupt, 1);
	assert_int_equal(s.v[1], RIG_REPORT_LINE);
	assert_int_equal(s.line[1].kind, RIG_REPORT_READY);
	assert_string_equal(s.line[3].name, "throughput");
	assert_string_equal(s.text[3], "@rig result throughput 1234.567 ops/s*4059387b\r");
	assert_int_equal(s.v[6], RIG_REPORT_CORRUPT);
	assert_int_equal(s.line[7].kind, RIG_REPORT_DONE);
	assert_counts_add_up(&p, &s);
}

static void one_byte_at_a_time_yields_the_same_lines(void **state)
{
	struct rig_report_parser p, q;
	struct seen whole = {0}, bytes = {0};

	rig_report_parser_init(&p, record, &whole);
	rig_report_parser_feed(&p, stream, sizeof(stream) - 1);
	rig_report_parser_init(&q, record, &bytes);
	for (size_t i = 0; i < sizeof(stream) - 1; i++)
		rig_report_parser_feed(&q, stream + i, 1);
	assert_same_events(&whole, &bytes);
}

static void random_chunks_yield_the_same_lines(void **state)
{
	struct rig_report_parser p;
	struct seen whole = {0};
	uint32_t x = 12345; /* xorshift: deterministic, so a failure reproduces */

	rig_report_parser_init(&p, record, &whole);
	rig_report_parser_feed(&p, stream, sizeof(stream) - 1);
	for (int round = 0; round < 200; round++) {
		struct rig_report_parser q;
		struct seen s = {0};
		size_t cuts[32];

		for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			cuts[i] = x % 40; /* zero-length feeds included */
		}
		rig_report_parser_init(&q, record, &s);
		feed_chunks(&q, stream, sizeof(stream) - 1, cuts, ARRAY_SIZE(cuts));
		assert_same_events(&whole, &s);
	}
}

static void overlong_line_is_reported_once_and_skipped(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};
	char junk[500];

	memset(junk, 'x', sizeof(junk));
	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, junk, sizeof(junk));
	rig_report_parser_feed(&p, "@rig ready*cbcb3afa\n", 20); /* same line: skipped */
	rig_report_parser_feed(&p, "@rig ready*cbcb3afa\n", 20);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0], RIG_REPORT_OVERLONG);
	assert_int_equal(strlen(s.text[0]), RIG_REPORT_MAX_LINE);
	assert_int_equal(s.v[1], RIG_REPORT_LINE);
	assert_int_equal(p.overlong_lines, 1);
	assert_int_equal(p.lines, 1);
	assert_counts_add_up(&p, &s);
}

/* Noise and a line together may fill RIG_REPORT_MAX_LINE, not one byte more. */
static void line_of_exactly_max_length_is_parsed(void **state)
{
	static const char tail[] = "@rig ready*cbcb3afa";
	char line[RIG_REPORT_MAX_LINE + 3];
	size_t pad = RIG_REPORT_MAX_LINE - (sizeof(tail) - 1);
	struct rig_report_parser p;
	struct seen s = {0};

	memset(line, '.', pad);
	memcpy(line + pad, tail, sizeof(tail) - 1);
	line[RIG_REPORT_MAX_LINE] = '\n';
	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, line, RIG_REPORT_MAX_LINE + 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0], RIG_REPORT_LINE);

	memset(line, '.', pad + 1);
	memcpy(line + pad + 1, tail, sizeof(tail) - 1);
	line[RIG_REPORT_MAX_LINE + 1] = '\n';
	rig_report_parser_feed(&p, line, RIG_REPORT_MAX_LINE + 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[1], RIG_REPORT_OVERLONG);
	assert_counts_add_up(&p, &s);
}

static void cut_mid_line_is_counted_as_cut(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};

	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, "@rig rea", 8);
	rig_report_parser_cut(&p, 0);
	/* the next line starts afresh, not glued to the cut part */
	rig_report_parser_feed(&p, "@rig ready*cbcb3afa\n", 20);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0], RIG_REPORT_CUT);
	assert_string_equal(s.text[0], "@rig rea");
	assert_int_equal(s.v[1], RIG_REPORT_LINE);
	assert_int_equal(p.cut, 1);
	assert_counts_add_up(&p, &s);
}

static void cut_of_a_complete_line_without_newline_is_still_cut(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};

	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, "@rig ready*cbcb3afa", 19);
	rig_report_parser_cut(&p, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0], RIG_REPORT_CUT);
}

static void cut_at_eof_parses_a_last_line_without_newline(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};

	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, "@rig done 0*049f6a42", 20);
	rig_report_parser_cut(&p, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0], RIG_REPORT_LINE);
	assert_int_equal(s.line[0].kind, RIG_REPORT_DONE);
	assert_int_equal(p.cut, 0);
}

static void cut_at_eof_of_a_partial_line_is_corrupt(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};

	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, "@rig done 0*049f", 16);
	rig_report_parser_cut(&p, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0], RIG_REPORT_CORRUPT);
	assert_int_equal(p.corrupt, 1);
}

static void cut_with_nothing_pending_reports_nothing(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};

	rig_report_parser_init(&p, record, &s);
	rig_report_parser_cut(&p, 0);
	rig_report_parser_cut(&p, 1);
	rig_report_parser_feed(&p, "@rig ready*cbcb3afa\n", 20);
	rig_report_parser_cut(&p, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(p.cut, 0);
}

static void cut_inside_an_overlong_line_resets_without_a_second_report(void **state)
{
	struct rig_report_parser p;
	struct seen s = {0};
	char junk[300];

	memset(junk, 'x', sizeof(junk));
	rig_report_parser_init(&p, record, &s);
	rig_report_parser_feed(&p, junk, sizeof(junk));
	rig_report_parser_cut(&p, 0);
	/* after the cut a new line begins: not skipped as the overlong tail */
	rig_report_parser_feed(&p, "@rig ready*cbcb3afa\n", 20);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0], RIG_REPORT_OVERLONG);
	assert_int_equal(s.v[1], RIG_REPORT_LINE);
	assert_counts_add_up(&p, &s);
}

static void parser_without_callback_still_counts(void **state)
{
	struct rig_report_parser p;

	rig_report_parser_init(&p, NULL, NULL);
	rig_report_parser_feed(&p, stream, sizeof(stream) - 1);
	rig_report_parser_feed(&p, "partial", 7);
	rig_report_parser_cut(&p, 0);
	assert_int_equal(p.lines, 4);
	assert_int_equal(p.noise, 4);
	assert_int_equal(p.corrupt, 1);
	assert_int_equal(p.cut, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(crc32_matches_the_ieee_check_value),
	    cmocka_unit_test(crc32_continues_across_calls),
	    cmocka_unit_test(writers_produce_the_known_lines),
	    cmocka_unit_test(parser_accepts_the_known_lines),
	    cmocka_unit_test(ready_line_round_trips),
	    cmocka_unit_test(done_line_round_trips),
	    cmocka_unit_test(result_line_round_trips),
	    cmocka_unit_test(result_i64_round_trips),
	    cmocka_unit_test(result_ratio_prints_truncated_decimals),
	    cmocka_unit_test(result_ratio_rejects_zero_denominator_and_ten_decimals),
	    cmocka_unit_test(writers_reject_invalid_fields),
	    cmocka_unit_test(writers_fail_on_short_buffers),
	    cmocka_unit_test(plain_output_is_noise),
	    cmocka_unit_test(noise_before_prefix_on_the_same_line_is_skipped),
	    cmocka_unit_test(a_cut_off_line_before_a_valid_one_is_skipped),
	    cmocka_unit_test(trailing_cr_is_ignored),
	    cmocka_unit_test(every_single_byte_change_is_rejected),
	    cmocka_unit_test(malformed_fields_are_corrupt),
	    cmocka_unit_test(malformed_trailers_are_corrupt),
	    cmocka_unit_test(whole_stream_yields_each_line_in_order),
	    cmocka_unit_test(one_byte_at_a_time_yields_the_same_lines),
	    cmocka_unit_test(random_chunks_yield_the_same_lines),
	    cmocka_unit_test(overlong_line_is_reported_once_and_skipped),
	    cmocka_unit_test(line_of_exactly_max_length_is_parsed),
	    cmocka_unit_test(cut_mid_line_is_counted_as_cut),
	    cmocka_unit_test(cut_of_a_complete_line_without_newline_is_still_cut),
	    cmocka_unit_test(cut_at_eof_parses_a_last_line_without_newline),
	    cmocka_unit_test(cut_at_eof_of_a_partial_line_is_corrupt),
	    cmocka_unit_test(cut_with_nothing_pending_reports_nothing),
	    cmocka_unit_test(cut_inside_an_overlong_line_resets_without_a_second_report),
	    cmocka_unit_test(parser_without_callback_still_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
