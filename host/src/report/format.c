/* Formatting results: see format.h. */
#include "format.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* v rounded to 3 significant digits, through printf's correct rounding, and
 * its decimal exponent (v = m.mm * 10^exp). v must be finite and non-zero. */
static double round3(double v, int *exp10)
{
	char tmp[32];
	char *e;

	snprintf(tmp, sizeof(tmp), "%.2e", v);
	e = strchr(tmp, 'e');
	*exp10 = e ? atoi(e + 1) : 0;
	return strtod(tmp, NULL);
}

const char *rig_fmt_sig3(char *buf, size_t cap, double v)
{
	double r;
	int e;

	if (!cap)
		return buf;
	if (!isfinite(v)) {
		snprintf(buf, cap, "-");
		return buf;
	}
	if (v == 0.0) {
		snprintf(buf, cap, "0");
		return buf;
	}
	r = round3(v, &e);
	if (e < -4 || e >= 15)		       /* keeps every result well inside RIG_FMT_CAP */
		snprintf(buf, cap, "%.2e", v); /* v: r may have rounded past DBL_MAX */
	else if (e >= 2)
		snprintf(buf, cap, "%.0f", r);
	else
		snprintf(buf, cap, "%.*f", 2 - e, r);
	return buf;
}

struct scale {
	double factor;
	const char *name;
};

/* Formats v in the largest unit of scales (ascending) that the value,
 * rounded to 3 significant digits, reaches. */
static const char *fmt_scaled(char *buf, size_t cap, double v, const struct scale *sc, size_t n,
			      const char *sep, const char *suffix)
{
	char num[RIG_FMT_CAP];
	size_t i = 0;
	double r;
	int e;

	if (!isfinite(v) || v == 0.0) {
		snprintf(buf, cap, "%s%s%s%s", rig_fmt_sig3(num, sizeof(num), v), sep, sc[0].name,
			 suffix);
		return buf;
	}
	r = fabs(round3(v, &e));
	while (i + 1 < n && r >= sc[i + 1].factor)
		i++;
	snprintf(buf, cap, "%s%s%s%s", rig_fmt_sig3(num, sizeof(num), v / sc[i].factor), sep,
		 sc[i].name, suffix);
	return buf;
}

const char *rig_fmt_duration_ns(char *buf, size_t cap, double ns)
{
	static const struct scale sc[] = {{1.0, "ns"}, {1e3, "µs"}, {1e6, "ms"}, {1e9, "s"}};

	return fmt_scaled(buf, cap, ns, sc, RIG_ARRAY_SIZE(sc), " ", "");
}

const char *rig_fmt_bytes(char *buf, size_t cap, double bytes)
{
	static const struct scale sc[] = {{1.0, "B"},
					  {1024.0, "KiB"},
					  {1024.0 * 1024, "MiB"},
					  {1024.0 * 1024 * 1024, "GiB"},
					  {1024.0 * 1024 * 1024 * 1024, "TiB"}};
	char num[RIG_FMT_CAP];
	size_t i = 0;

	if (isfinite(bytes) && fabs(bytes) < 1024.0) {
		snprintf(buf, cap, "%.0f B", bytes);
		return buf;
	}
	if (!isfinite(bytes))
		return fmt_scaled(buf, cap, bytes, sc, 1, " ", "");
	/* by the exact value, so 1023.9 KiB stays in KiB ("1020 KiB") */
	while (i + 1 < RIG_ARRAY_SIZE(sc) && fabs(bytes) >= sc[i + 1].factor)
		i++;
	snprintf(buf, cap, "%s %s", rig_fmt_sig3(num, sizeof(num), bytes / sc[i].factor),
		 sc[i].name);
	return buf;
}

const char *rig_fmt_kib(char *buf, size_t cap, double kib)
{
	return rig_fmt_bytes(buf, cap, kib * 1024.0);
}

const char *rig_fmt_rate(char *buf, size_t cap, double per_s, const char *unit)
{
	static const struct scale sc[] = {
	    {1.0, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "G"}, {1e12, "T"}};
	char u[RIG_FMT_CAP];

	snprintf(u, sizeof(u), " %s", unit ? unit : "ops/s");
	return fmt_scaled(buf, cap, per_s, sc, RIG_ARRAY_SIZE(sc), "", u);
}

const char *rig_fmt_ratio(char *buf, size_t cap, double ratio, int significant)
{
	char num[RIG_FMT_CAP];

	if (!significant)
		snprintf(buf, cap, "~");
	else
		snprintf(buf, cap, "%sx", rig_fmt_sig3(num, sizeof(num), ratio));
	return buf;
}

const char *rig_fmt_value(char *buf, size_t cap, double v, const char *unit)
{
	size_t len = unit ? strlen(unit) : 0;
	char num[RIG_FMT_CAP];

	if (!len)
		return rig_fmt_sig3(buf, cap, v);
	if (!strcmp(unit, "ns"))
		return rig_fmt_duration_ns(buf, cap, v);
	if (!strcmp(unit, "us") || !strcmp(unit, "µs"))
		return rig_fmt_duration_ns(buf, cap, v * 1e3);
	if (!strcmp(unit, "ms"))
		return rig_fmt_duration_ns(buf, cap, v * 1e6);
	if (!strcmp(unit, "s"))
		return rig_fmt_duration_ns(buf, cap, v * 1e9);
	if (!strcmp(unit, "B") || !strcmp(unit, "bytes"))
		return rig_fmt_bytes(buf, cap, v);
	if (!strcmp(unit, "KiB"))
		return rig_fmt_kib(buf, cap, v);
	if (len > 2 && !strcmp(unit + len - 2, "/s"))
		return rig_fmt_rate(buf, cap, v, unit);
	snprintf(buf, cap, "%s %s", rig_fmt_sig3(num, sizeof(num), v), unit);
	return buf;
}

const char *rig_fmt_number(char *buf, size_t cap, double v)
{
	if (!isfinite(v)) {
		snprintf(buf, cap, "null");
		return buf;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, cap, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
size_t rig_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

void rig_buf_escaped(struct rig_buf *b, const char *s, rig_escape_fn *esc, const char *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[8];

	if (!s)
		return;
	while (*p) {
		size_t n = rig_utf8_len(p);
		const char *out;

		if (n == 0) {
			rig_buf_append(b, bad, strlen(bad));
			p++;
			continue;
		}
		if (n > 1) {
			rig_buf_append(b, p, n);
			p += n;
			continue;
		}
		out = esc(*p, tmp);
		if (out)
			rig_buf_append(b, out, strlen(out));
		else
			rig_buf_append(b, p, 1);
		p++;
	}
}

static const char *json_escape(unsigned char c, char tmp[8])
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		if (c >= 0x20)
			return NULL;
		snprintf(tmp, 8, "\\u%04x", c);
		return tmp;
	}
}

void rig_json_string(struct rig_buf *b, const char *s)
{
	if (!s) {
		rig_buf_append(b, "null", 4);
		return;
	}
	rig_buf_append(b, "\"", 1);
	rig_buf_escaped(b, s, json_escape, "\\ufffd");
	rig_buf_append(b, "\"", 1);
}

void rig_json_number(struct rig_buf *b, double v)
{
	char num[RIG_FMT_CAP];

	rig_fmt_number(num, sizeof(num), v);
	rig_buf_append(b, num, strlen(num));
}

void rig_csv_field(struct rig_buf *b, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (!len)
		return;
	if (!strpbrk(s, ",\"\r\n") && !isspace((unsigned char)s[0]) &&
	    !isspace((unsigned char)s[len - 1])) {
		rig_buf_append(b, s, len);
		return;
	}
	rig_buf_append(b, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		rig_buf_append(b, s, (size_t)(q - s) + 1);
		rig_buf_append(b, "\"", 1);
	}
	rig_buf_append(b, s, strlen(s));
	rig_buf_append(b, "\"", 1);
}

void rig_csv_row(struct rig_buf *b, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			rig_buf_append(b, ",", 1);
		rig_csv_field(b, fields[i]);
	}
	rig_buf_append(b, "\r\n", 2);
}

/* Printable ASCII other than space and the bytes in reject. */
static int is_token(const char *s, const char *reject)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || strchr(reject, *s))
			return 0;
	return 1;
}

int rig_benchfmt_config(struct rig_buf *b, const char *key, const char *value,
			struct rig_error *err)
{
	if (!key || !(*key >= 'a' && *key <= 'z') || !is_token(key, ":") ||
	    strpbrk(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		return rig_fail(err, RIG_ERR_INVALID,
				"benchfmt configuration key \"%s\": must start with a lowercase "
				"letter and hold no space, colon or uppercase letter",
				key ? key : "(null)");
	if (value && strpbrk(value, "\r\n"))
		return rig_fail(err, RIG_ERR_INVALID,
				"benchfmt configuration \"%s\": the value holds a line break", key);
	if (value && *value)
		rig_buf_appendf(b, "%s: %s\n", key, value);
	else
		rig_buf_appendf(b, "%s:\n", key);
	return 0;
}

int rig_benchfmt_name(char *buf, size_t cap, const char *base,
		      const struct rig_benchfmt_part *parts, size_t n_parts, int procs,
		      struct rig_error *err)
{
	struct rig_buf b = {0};
	int rc = 0;

	if (!is_token(base, "/=") || islower((unsigned char)base[0]))
		return rig_fail(err, RIG_ERR_INVALID,
				"benchmark base name \"%s\": must be printable ASCII without "
				"space, '/' or '=', not starting with a lowercase letter",
				base ? base : "(null)");
	rig_buf_appendf(&b, "Benchmark%s", base);
	for (size_t i = 0; i < n_parts; i++) {
		const char *v = parts[i].value;

		if (!is_token(parts[i].key, "/=")) {
			rc = rig_fail(err, RIG_ERR_INVALID,
				      "benchmark name part %zu: key \"%s\" must be printable "
				      "ASCII without space, '/' or '='",
				      i, parts[i].key ? parts[i].key : "(null)");
			goto out;
		}
		rig_buf_appendf(&b, "/%s=", parts[i].key);
		if (!v || !*v)
			v = "none";
		for (; *v; v++) {
			char c = *v;

			if (c <= ' ' || c > '~' || c == '/')
				c = '_';
			rig_buf_append(&b, &c, 1);
		}
	}
	rig_buf_appendf(&b, "-%d", procs < 1 ? 1 : procs);
	if (b.len >= cap)
		rc = rig_fail(err, RIG_ERR_INVALID, "benchmark name %s: longer than %zu bytes",
			      b.data, cap ? cap - 1 : 0);
	else
		memcpy(buf, b.data, b.len + 1);
out:
	rig_buf_free(&b);
	return rc;
}

int rig_benchfmt_result(struct rig_buf *b, const char *name, long long iters,
			const struct rig_benchfmt_value *v, size_t n, struct rig_error *err)
{
	char num[RIG_FMT_CAP];

	if (!is_token(name, "") || strncmp(name, "Benchmark", 9))
		return rig_fail(err, RIG_ERR_INVALID,
				"benchmark name \"%s\": must start with Benchmark and hold no "
				"space",
				name ? name : "(null)");
	if (iters < 1)
		return rig_fail(err, RIG_ERR_INVALID, "%s: iteration count %lld, expected >= 1",
				name, iters);
	if (n == 0)
		return rig_fail(err, RIG_ERR_INVALID, "%s: no measurements", name);
	for (size_t i = 0; i < n; i++) {
		if (!is_token(v[i].unit, ""))
			return rig_fail(
			    err, RIG_ERR_INVALID,
			    "%s: measurement %zu: unit \"%s\" is empty or holds a space", name, i,
			    v[i].unit ? v[i].unit : "(null)");
		if (!isfinite(v[i].value))
			return rig_fail(err, RIG_ERR_INVALID,
					"%s: %s is %g, expected a finite value", name, v[i].unit,
					v[i].value);
	}
	rig_buf_appendf(b, "%s\t%lld", name, iters);
	for (size_t i = 0; i < n; i++)
		rig_buf_appendf(b, "\t%s %s", rig_fmt_number(num, sizeof(num), v[i].value),
				v[i].unit);
	rig_buf_append(b, "\n", 1);
	return 0;
}

int rig_benchfmt_unit_meta(struct rig_buf *b, const char *unit, const char *key, const char *value,
			   struct rig_error *err)
{
	if (!is_token(unit, "") || !is_token(key, "=") || !is_token(value, ""))
		return rig_fail(err, RIG_ERR_INVALID,
				"benchfmt unit metadata \"%s %s=%s\": unit, key and value must be "
				"non-empty without spaces (and the key without '=')",
				unit ? unit : "(null)", key ? key : "(null)",
				value ? value : "(null)");
	rig_buf_appendf(b, "Unit %s %s=%s\n", unit, key, value);
	return 0;
}

/* 1 when name ends with "_" + suffix, ignoring case. */
static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s + 1 && name[n - s - 1] == '_' && !strcasecmp(name + n - s, suffix);
}

int rig_benchfmt_metric(const char *name, const char *unit, double value, char *out_unit,
			size_t cap, double *out_value, struct rig_error *err)
{
	const char *suffix, *strip[3] = {NULL, NULL, NULL};
	struct rig_buf b = {0};
	size_t base_len;
	int rc = 0;

	if (!name || !*name)
		return rig_fail(err, RIG_ERR_INVALID, "benchfmt metric: empty name");
	if (!unit)
		unit = "";
	*out_value = value;
	if (!strcmp(unit, "ns") || !strcmp(unit, "us") || !strcmp(unit, "µs") ||
	    !strcmp(unit, "ms") || !strcmp(unit, "s")) {
		suffix = "sec";
		*out_value = value / (unit[0] == 'n'   ? 1e9
				      : unit[0] == 'm' ? 1e3
				      : unit[0] == 's' ? 1.0
						       : 1e6);
		strip[0] = unit[0] == 'n'   ? "ns"
			   : unit[0] == 'm' ? "ms"
			   : unit[0] == 's' ? "s"
					    : "us";
	} else if (!strcmp(unit, "KiB")) {
		suffix = "B";
		*out_value = value * 1024.0;
		strip[0] = "kib";
	} else if (!strcmp(unit, "B") || !strcmp(unit, "bytes")) {
		suffix = "B";
		strip[0] = "bytes";
		strip[1] = "b";
	} else {
		suffix = unit;
		strip[0] = unit;
	}
	base_len = strlen(name);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(strip) && strip[i]; i++) {
		if (*strip[i] && has_suffix(name, strip[i])) {
			base_len -= strlen(strip[i]) + 1;
			break;
		}
	}
	for (size_t i = 0; i < base_len; i++)
		rig_buf_append(&b, name[i] == '_' ? "-" : &name[i], 1);
	if (*suffix) {
		rig_buf_append(&b, "-", 1);
		rig_buf_append(&b, suffix, strlen(suffix));
	}
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] <= ' ' || b.data[i] > '~')
			b.data[i] = '_';
	if (b.len >= cap)
		rc = rig_fail(err, RIG_ERR_INVALID, "benchfmt unit %s: longer than %zu bytes",
			      b.data, cap ? cap - 1 : 0);
	else
		memcpy(out_unit, b.data, b.len + 1);
	rig_buf_free(&b);
	return rc;
}
