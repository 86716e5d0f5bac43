/*
 * Fuzz target for the report-line parser and line assembly.
 *
 * Input: byte 0 chooses how the rest is split into feeds (and whether the
 * stream ends at EOF or is cut); bytes 1.. are the stream. Invariants:
 * - the same stream fed whole and fed in chunks gives the same events;
 * - every callback's text is NUL-terminated and at most RIG_REPORT_MAX_LINE;
 * - the parser's counters add up to the number of callbacks;
 * - every accepted line re-formats, through the writers, to the same bytes
 *   (the protocol part of the line: from its last "@rig " to the end,
 *   without a trailing '\r').
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_report: %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct events {
	unsigned long n;
	uint32_t digest; /* CRC over every (verdict, text) in order */
};

static void check_reformat(const struct rig_report_line *l, const char *text, size_t len)
{
	char buf[RIG_REPORT_MAX_LINE + 2];
	const char *p = NULL;
	size_t n = 0, want;

	switch (l->kind) {
	case RIG_REPORT_READY:
		n = rig_report_format_ready(buf, sizeof(buf));
		break;
	case RIG_REPORT_DONE:
		n = rig_report_format_done(buf, sizeof(buf), l->status);
		break;
	case RIG_REPORT_RESULT:
		n = rig_report_format_result(buf, sizeof(buf), l->name, l->value, l->unit);
		break;
	}
	CHECK(n > 0);
	if (len && text[len - 1] == '\r')
		len--;
	for (size_t i = len; i-- > 0;)
		if (i + 5 <= len && memcmp(text + i, RIG_REPORT_PREFIX, 5) == 0) {
			p = text + i;
			break;
		}
	CHECK(p != NULL);
	want = len - (size_t)(p - text);
	CHECK(n == want + 1);
	CHECK(memcmp(buf, p, want) == 0);
	CHECK(buf[want] == '\n');
}

static void on_event(void *ctx, enum rig_report_verdict v, const struct rig_report_line *line,
		     const char *text, size_t len)
{
	struct events *e = ctx;
	unsigned char vb = (unsigned char)v;

	CHECK(len <= RIG_REPORT_MAX_LINE);
	CHECK(text[len] == '\0');
	CHECK((line != NULL) == (v == RIG_REPORT_LINE));
	if (line)
		check_reformat(line, text, len);
	e->n++;
	e->digest = rig_crc32(e->digest, &vb, 1);
	e->digest = rig_crc32(e->digest, text, len);
}

static unsigned long total(const struct rig_report_parser *p)
{
	return p->lines + p->noise + p->corrupt + p->overlong_lines + p->cut;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_report_parser whole, split;
	struct events a = {0}, b = {0};
	struct rig_report_line l;
	const char *s;
	uint32_t x;
	int at_eof;

	if (size < 1)
		return 0;
	x = data[0] | 0x100u; /* never zero, for the xorshift */
	at_eof = data[0] & 1;
	s = (const char *)data + 1;
	size--;

	rig_report_parser_init(&whole, on_event, &a);
	rig_report_parser_feed(&whole, s, size);
	rig_report_parser_cut(&whole, at_eof);

	rig_report_parser_init(&split, on_event, &b);
	for (size_t at = 0; at < size;) {
		size_t k;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		k = x % 24; /* zero-length feeds included */
		if (k > size - at)
			k = size - at;
		rig_report_parser_feed(&split, s + at, k);
		at += k;
	}
	rig_report_parser_cut(&split, at_eof);

	CHECK(a.n == b.n);
	CHECK(a.digest == b.digest);
	CHECK(total(&whole) == a.n);
	CHECK(total(&split) == b.n);
	CHECK(whole.lines == split.lines && whole.corrupt == split.corrupt &&
	      whole.noise == split.noise && whole.overlong_lines == split.overlong_lines &&
	      whole.cut == split.cut);
	CHECK(whole.len == 0 && whole.overlong == 0);

	/* The line parser on its own, over the raw input of any length. */
	if (rig_report_parse_line(s, size, &l) == RIG_REPORT_LINE)
		check_reformat(&l, s, size);
	return 0;
}
