/*
 * rig report protocol: the text lines every workload prints on stdout or a
 * UART. Specified in docs/protocol.md. Portable C11, no heap, no stdio: the
 * bare-metal firmware links this file as it is, and so does the host.
 *
 * A line is
 *
 *     @rig <kind> [<field> ...]*<crc32 as 8 lowercase hex digits>\n
 *
 * where the CRC-32 (IEEE 802.3, as zlib and Go's hash/crc32) covers every
 * byte from '@' up to, not including, '*'. Kinds: ready, result, done.
 */
#ifndef RIG_REPORT_H
#define RIG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define RIG_REPORT_PREFIX "@rig "
#define RIG_REPORT_MAX_LINE 160 /* longest valid line, without '\n' */
#define RIG_REPORT_MAX_NAME 40
#define RIG_REPORT_MAX_VALUE 32
#define RIG_REPORT_MAX_UNIT 16

enum rig_report_kind {
	RIG_REPORT_READY = 1,  /* "@rig ready": the program is up; startup ends here */
	RIG_REPORT_RESULT = 2, /* "@rig result NAME VALUE UNIT" */
	RIG_REPORT_DONE = 3,   /* "@rig done STATUS": workload finished, status 0 = ok */
};

/* What rig_report_parse_line() made of one line. */
enum rig_report_verdict {
	RIG_REPORT_LINE = 0,	 /* a valid protocol line, in *out */
	RIG_REPORT_NOISE = 1,	 /* no "@rig " in it: program output, kept for the log */
	RIG_REPORT_CORRUPT = 2,	 /* "@rig " but a bad checksum or malformed fields */
	RIG_REPORT_OVERLONG = 3, /* longer than RIG_REPORT_MAX_LINE before its '\n' */
	RIG_REPORT_CUT = 4,	 /* a partial line discarded by rig_report_parser_cut() */
};

struct rig_report_line {
	enum rig_report_kind kind;
	char name[RIG_REPORT_MAX_NAME + 1];   /* result only */
	char value[RIG_REPORT_MAX_VALUE + 1]; /* result only, decimal text as sent */
	char unit[RIG_REPORT_MAX_UNIT + 1];   /* result only */
	int status;			      /* done only */
};

/* CRC-32/IEEE, bitwise (no table: small on a microcontroller). Start with 0. */
uint32_t rig_crc32(uint32_t crc, const void *data, size_t len);

/*
 * Writers. Each formats one complete line, '\n' included, into buf and
 * returns its length, or 0 when cap is too small or a field is invalid
 * (names: [A-Za-z0-9_.-], 1..40 chars; units: [A-Za-z0-9_./%-], 1..16).
 * buf is NUL-terminated when cap allows.
 */
size_t rig_report_format_ready(char *buf, size_t cap);
size_t rig_report_format_done(char *buf, size_t cap, int status);
size_t rig_report_format_result(char *buf, size_t cap, const char *name, const char *value,
				const char *unit);
/* value printed as a signed integer */
size_t rig_report_format_result_i64(char *buf, size_t cap, const char *name, int64_t value,
				    const char *unit);
/* value printed as num / den with `decimals` (0..9) digits after the point,
 * truncated, exact over the whole uint64_t range, no floats needed */
size_t rig_report_format_result_ratio(char *buf, size_t cap, const char *name, uint64_t num,
				      uint64_t den, unsigned decimals, const char *unit);

/*
 * Parses one line (without its '\n'; a trailing '\r' is ignored). The "@rig "
 * prefix may follow noise on the same line (output interleaved without a
 * newline); the protocol part runs from the last "@rig " to the end of the
 * line. Only the canonical spelling the writers produce is accepted (lowercase
 * CRC, single spaces, no leading zeros in a done status), so every accepted
 * line re-formats to the same bytes. *out is written only when the CRC matches.
 */
enum rig_report_verdict rig_report_parse_line(const char *line, size_t len,
					      struct rig_report_line *out);

/*
 * Line assembly over a byte stream that may arrive in any split. Push-based:
 * it never reads and so never blocks; the caller owns deadlines.
 */
typedef void (*rig_report_cb)(void *ctx, enum rig_report_verdict v,
			      const struct rig_report_line *line, const char *text, size_t len);

struct rig_report_parser {
	char buf[RIG_REPORT_MAX_LINE + 1];
	size_t len;
	int overlong; /* in a line that already overflowed; skip to '\n' */
	rig_report_cb cb;
	void *ctx;
	/* counters */
	unsigned long lines, noise, corrupt, overlong_lines, cut;
};

void rig_report_parser_init(struct rig_report_parser *p, rig_report_cb cb, void *ctx);
/* Feeds n bytes; calls cb once per completed line, in order. */
void rig_report_parser_feed(struct rig_report_parser *p, const char *data, size_t n);
/* The stream broke (board reset, EOF): a pending partial line is reported as
 * RIG_REPORT_CUT, except at EOF where a complete-looking last line without '\n'
 * is still parsed (pass at_eof = 1). */
void rig_report_parser_cut(struct rig_report_parser *p, int at_eof);

#endif
