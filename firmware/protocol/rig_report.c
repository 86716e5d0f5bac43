/* rig report protocol: see rig_report.h and docs/protocol.md. */
#include "rig_report.h"

#include <limits.h>
#include <string.h>

uint32_t rig_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static int is_unit_char(char c) { return is_name_char(c) || c == '/' || c == '%'; }

/* a decimal number, as the writers print it: -?[0-9]+(\.[0-9]+)? */
static int valid_value(const char *s, size_t n)
{
	size_t i = 0, digits;

	if (n == 0 || n > RIG_REPORT_MAX_VALUE)
		return 0;
	if (s[i] == '-')
		i++;
	for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0)
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (digits == 0)
			return 0;
	}
	return i == n;
}

static int valid_token(const char *s, size_t n, size_t max, int (*ok)(char))
{
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!ok(s[i]))
			return 0;
	return 1;
}

/* Appends the "*crc\n" trailer to the body already in buf[0..len). */
static size_t finish(char *buf, size_t cap, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t crc;

	if (len + 10 > cap)
		return 0;
	crc = rig_crc32(0, buf, len);
	buf[len++] = '*';
	for (int i = 7; i >= 0; i--)
		buf[len++] = hex[(crc >> (4 * i)) & 0xf];
	buf[len++] = '\n';
	if (len < cap)
		buf[len] = '\0';
	return len;
}

static size_t append(char *buf, size_t cap, size_t len, const char *s, size_t n)
{
	if (len + n > cap)
		return (size_t)-1;
	memcpy(buf + len, s, n);
	return len + n;
}

static size_t append_u64(char *buf, size_t cap, size_t len, uint64_t v, unsigned min_digits)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < min_digits);
	if (len + n > cap)
		return (size_t)-1;
	while (n)
		buf[len++] = tmp[--n];
	return len;
}

size_t rig_report_format_ready(char *buf, size_t cap)
{
	static const char body[] = "@rig ready";

	if (cap < sizeof(body) - 1)
		return 0;
	memcpy(buf, body, sizeof(body) - 1);
	return finish(buf, cap, sizeof(body) - 1);
}

size_t rig_report_format_done(char *buf, size_t cap, int status)
{
	size_t len = append(buf, cap, 0, "@rig done ", 10);

	if (len == (size_t)-1)
		return 0;
	if (status < 0) {
		len = append(buf, cap, len, "-", 1);
		if (len == (size_t)-1)
			return 0;
	}
	len = append_u64(buf, cap, len,
			 status < 0 ? (uint64_t)(-(int64_t)status) : (uint64_t)status, 1);
	if (len == (size_t)-1)
		return 0;
	return finish(buf, cap, len);
}

size_t rig_report_format_result(char *buf, size_t cap, const char *name, const char *value,
				const char *unit)
{
	size_t nn = strlen(name), vn = strlen(value), un = strlen(unit), len;

	if (!valid_token(name, nn, RIG_REPORT_MAX_NAME, is_name_char) || !valid_value(value, vn) ||
	    !valid_token(unit, un, RIG_REPORT_MAX_UNIT, is_unit_char))
		return 0;
	len = append(buf, cap, 0, "@rig result ", 12);
	if (len != (size_t)-1)
		len = append(buf, cap, len, name, nn);
	if (len != (size_t)-1)
		len = append(buf, cap, len, " ", 1);
	if (len != (size_t)-1)
		len = append(buf, cap, len, value, vn);
	if (len != (size_t)-1)
		len = append(buf, cap, len, " ", 1);
	if (len != (size_t)-1)
		len = append(buf, cap, len, unit, un);
	if (len == (size_t)-1)
		return 0;
	return finish(buf, cap, len);
}

size_t rig_report_format_result_i64(char *buf, size_t cap, const char *name, int64_t value,
				    const char *unit)
{
	char v[RIG_REPORT_MAX_VALUE + 1];
	size_t len = 0;

	if (value < 0)
		v[len++] = '-';
	len = append_u64(v, sizeof(v) - 1, len,
			 value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value, 1);
	v[len] = '\0';
	return rig_report_format_result(buf, cap, name, v, unit);
}

size_t rig_report_format_result_ratio(char *buf, size_t cap, const char *name, uint64_t num,
				      uint64_t den, unsigned decimals, const char *unit)
{
	char v[RIG_REPORT_MAX_VALUE + 1];
	uint64_t rem;
	size_t len;

	if (den == 0 || decimals > 9)
		return 0;
	len = append_u64(v, sizeof(v) - 1, 0, num / den, 1);
	if (len == (size_t)-1)
		return 0;
	if (decimals)
		v[len++] = '.';
	/*
	 * Long division one digit at a time, truncating. rem < den; when rem * 10
	 * would overflow, it is built from ten additions reduced modulo den.
	 */
	rem = num % den;
	for (unsigned i = 0; i < decimals; i++) {
		uint64_t digit = 0;

		if (rem <= UINT64_MAX / 10) {
			digit = rem * 10 / den;
			rem = rem * 10 % den;
		} else {
			uint64_t r = 0;
			for (int k = 0; k < 10; k++) {
				/* r + rem >= den <=> rem >= den - r, without overflow */
				if (rem >= den - r) {
					r = rem - (den - r);
					digit++;
				} else {
					r += rem;
				}
			}
			rem = r;
		}
		v[len++] = (char)('0' + digit);
	}
	v[len] = '\0';
	return rig_report_format_result(buf, cap, name, v, unit);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* lowercase only: one spelling per line */
}

/*
 * Splits the next space-separated token from s[*pos..n). A space is consumed
 * only when another character follows it, so a trailing space is left in
 * place and makes the caller's end check fail.
 */
static int next_token(const char *s, size_t n, size_t *pos, const char **tok, size_t *tn)
{
	size_t i = *pos;

	if (i >= n)
		return 0;
	*tok = s + i;
	while (i < n && s[i] != ' ')
		i++;
	*tn = (size_t)(s + i - *tok);
	if (i + 1 < n)
		i++; /* the single separating space */
	*pos = i;
	return *tn > 0;
}

/* A done status as the writer prints it: -?(0|[1-9][0-9]*), within int. */
static int parse_status(const char *t, size_t n, int *out)
{
	long long v = 0;
	int neg = 0;

	if (n && t[0] == '-') {
		neg = 1;
		t++;
		n--;
	}
	if (n == 0 || n > 10 || (t[0] == '0' && (n > 1 || neg)))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		v = v * 10 + (t[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < INT_MIN || v > INT_MAX)
		return 0;
	*out = (int)v;
	return 1;
}

static int tokeq(const char *t, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(t, lit, n) == 0;
}

static void copy_tok(char *dst, const char *t, size_t n)
{
	memcpy(dst, t, n);
	dst[n] = '\0';
}

/*
 * The last "@rig " in the line: no field of a valid line contains '@', so a
 * valid protocol part can only start there, whatever noise (even a cut-off
 * earlier line) precedes it.
 */
static const char *find_prefix(const char *s, size_t n)
{
	static const size_t pn = sizeof(RIG_REPORT_PREFIX) - 1;

	for (size_t i = n; i-- > 0;)
		if (s[i] == '@' && i + pn <= n && memcmp(s + i, RIG_REPORT_PREFIX, pn) == 0)
			return s + i;
	return NULL;
}

enum rig_report_verdict rig_report_parse_line(const char *line, size_t len,
					      struct rig_report_line *out)
{
	const char *p, *tok;
	size_t n, pos, tn, body;
	uint32_t want = 0;

	if (len && line[len - 1] == '\r')
		len--;
	p = find_prefix(line, len);
	if (!p)
		return RIG_REPORT_NOISE;
	n = len - (size_t)(p - line);
	if (n > RIG_REPORT_MAX_LINE || n < 9 + sizeof(RIG_REPORT_PREFIX))
		return RIG_REPORT_CORRUPT;
	body = n - 9;
	if (p[body] != '*')
		return RIG_REPORT_CORRUPT;
	for (size_t i = 0; i < 8; i++) {
		int h = hexval(p[body + 1 + i]);
		if (h < 0)
			return RIG_REPORT_CORRUPT;
		want = (want << 4) | (uint32_t)h;
	}
	if (rig_crc32(0, p, body) != want)
		return RIG_REPORT_CORRUPT;

	memset(out, 0, sizeof(*out));
	pos = sizeof(RIG_REPORT_PREFIX) - 1;
	if (!next_token(p, body, &pos, &tok, &tn))
		return RIG_REPORT_CORRUPT;
	if (tokeq(tok, tn, "ready")) {
		out->kind = RIG_REPORT_READY;
	} else if (tokeq(tok, tn, "done")) {
		out->kind = RIG_REPORT_DONE;
		if (!next_token(p, body, &pos, &tok, &tn) || !parse_status(tok, tn, &out->status))
			return RIG_REPORT_CORRUPT;
	} else if (tokeq(tok, tn, "result")) {
		out->kind = RIG_REPORT_RESULT;
		if (!next_token(p, body, &pos, &tok, &tn) ||
		    !valid_token(tok, tn, RIG_REPORT_MAX_NAME, is_name_char))
			return RIG_REPORT_CORRUPT;
		copy_tok(out->name, tok, tn);
		if (!next_token(p, body, &pos, &tok, &tn) || !valid_value(tok, tn))
			return RIG_REPORT_CORRUPT;
		copy_tok(out->value, tok, tn);
		if (!next_token(p, body, &pos, &tok, &tn) ||
		    !valid_token(tok, tn, RIG_REPORT_MAX_UNIT, is_unit_char))
			return RIG_REPORT_CORRUPT;
		copy_tok(out->unit, tok, tn);
	} else {
		return RIG_REPORT_CORRUPT;
	}
	if (pos != body)
		return RIG_REPORT_CORRUPT; /* trailing fields */
	return RIG_REPORT_LINE;
}

void rig_report_parser_init(struct rig_report_parser *p, rig_report_cb cb, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->cb = cb;
	p->ctx = ctx;
}

static void emit(struct rig_report_parser *p)
{
	struct rig_report_line line;
	enum rig_report_verdict v = rig_report_parse_line(p->buf, p->len, &line);

	switch (v) {
	case RIG_REPORT_LINE:
		p->lines++;
		break;
	case RIG_REPORT_NOISE:
		p->noise++;
		break;
	default:
		p->corrupt++;
		break;
	}
	p->buf[p->len] = '\0';
	if (p->cb)
		p->cb(p->ctx, v, v == RIG_REPORT_LINE ? &line : NULL, p->buf, p->len);
	p->len = 0;
}

void rig_report_parser_feed(struct rig_report_parser *p, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\n') {
			if (p->overlong) {
				p->overlong = 0;
				p->len = 0;
				continue;
			}
			emit(p);
			continue;
		}
		if (p->overlong)
			continue;
		if (p->len == RIG_REPORT_MAX_LINE) {
			/* Keep the head for the log, report once, skip to '\n'. */
			p->buf[p->len] = '\0';
			p->overlong_lines++;
			if (p->cb)
				p->cb(p->ctx, RIG_REPORT_OVERLONG, NULL, p->buf, p->len);
			p->overlong = 1;
			p->len = 0;
			continue;
		}
		p->buf[p->len++] = c;
	}
}

void rig_report_parser_cut(struct rig_report_parser *p, int at_eof)
{
	if (p->overlong) {
		p->overlong = 0;
		p->len = 0;
		return;
	}
	if (p->len == 0)
		return;
	if (at_eof) {
		emit(p);
		return;
	}
	p->cut++;
	p->buf[p->len] = '\0';
	if (p->cb)
		p->cb(p->ctx, RIG_REPORT_CUT, NULL, p->buf, p->len);
	p->len = 0;
}
