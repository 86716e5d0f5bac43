/* The Prometheus text format's sample lines: see promtext.h. */
#include "promtext.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

static int label_start(char c) { return name_start(c) && c != ':'; }

/* The label set from p (just after '{') to its '}' within [p, end): each
 * label a name, '=', a quoted value with \\ \" \n escapes; ',' between
 * (one trailing ',' allowed). Returns the position after '}', or NULL. */
static const char *labels_end(const char *p, const char *end)
{
	for (;;) {
		if (p < end && *p == '}')
			return p + 1;
		if (p >= end || !label_start(*p))
			return NULL;
		while (p < end && name_char(*p) && *p != ':')
			p++;
		if (p >= end || *p++ != '=' || p >= end || *p++ != '"')
			return NULL;
		while (p < end && *p != '"') {
			if (*p == '\\') {
				if (p + 1 >= end || (p[1] != '\\' && p[1] != '"' && p[1] != 'n'))
					return NULL;
				p++;
			}
			p++;
		}
		if (p >= end)
			return NULL;
		p++; /* the closing quote */
		if (p < end && *p == ',')
			p++;
		else if (p >= end || *p != '}')
			return NULL;
	}
}

/* A float as the format writes it (Go's strconv: 1.5e-05, +Inf, NaN). */
static int parse_value(const char *p, size_t n, double *v)
{
	char buf[64], *e;

	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (strcmp(buf, "+Inf") == 0 || strcmp(buf, "Inf") == 0) {
		*v = INFINITY;
		return 0;
	}
	if (strcmp(buf, "-Inf") == 0) {
		*v = -INFINITY;
		return 0;
	}
	if (strcmp(buf, "NaN") == 0) {
		*v = NAN;
		return 0;
	}
	/* strtod would also take hex, "inf", "nan(...)": only decimal here */
	if (strspn(buf, "0123456789+-.eE") != n)
		return -1;
	*v = strtod(buf, &e);
	return *e || e == buf ? -1 : 0;
}

/* One line without its '\n': 1 a sample, 0 a comment or empty, -1 bad. */
static int parse_line(const char *p, const char *end, rig_prom_fn fn, void *ctx)
{
	char name[RIG_PROM_MAX_NAME + 1], labels[RIG_PROM_MAX_LABELS + 1];
	const char *ns, *ls = NULL, *le = NULL, *vs;
	double v;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return 0;
	/* text: no NUL or other control bytes (a label value with a NUL
	 * would be cut short in the copy handed over) */
	for (const char *q = p; q < end; q++)
		if ((unsigned char)*q < ' ' && *q != '\t')
			return -1;
	if (!name_start(*p))
		return -1;
	ns = p;
	while (p < end && name_char(*p))
		p++;
	if ((size_t)(p - ns) > RIG_PROM_MAX_NAME)
		return -1;
	memcpy(name, ns, (size_t)(p - ns));
	name[p - ns] = '\0';
	if (p < end && *p == '{') {
		ls = p + 1;
		if (!(p = labels_end(ls, end)))
			return -1;
		le = p - 1;
		if ((size_t)(le - ls) > RIG_PROM_MAX_LABELS)
			return -1;
	}
	if (p >= end || (*p != ' ' && *p != '\t'))
		return -1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	vs = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	if (parse_value(vs, (size_t)(p - vs), &v))
		return -1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end) { /* a timestamp: an integer of milliseconds */
		const char *ts = p;
		if (*p == '-')
			p++;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == ts || (p == ts + 1 && *ts == '-'))
			return -1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end)
			return -1;
	}
	if (ls) {
		memcpy(labels, ls, (size_t)(le - ls));
		labels[le - ls] = '\0';
	} else {
		labels[0] = '\0';
	}
	fn(ctx, name, labels, v);
	return 1;
}

int rig_prom_parse(const char *text, size_t len, rig_prom_fn fn, void *ctx, int *bad_line)
{
	const char *p = text, *end = text + len;
	int n = 0, line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		int rc;

		line++;
		if (le > p && le[-1] == '\r')
			le--; /* tolerated, though the format says \n */
		rc = parse_line(p, le, fn, ctx);
		if (rc < 0) {
			if (bad_line)
				*bad_line = line;
			return -1;
		}
		n += rc;
		p = nl ? nl + 1 : end;
	}
	return n;
}
