/* Expectations files of the WASI test suite: see wasi_expect.h. */
#include "wasi_expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum table { T_NONE, T_SUITE, T_TEST };

struct reader {
	const char *name;
	int line;
	enum table in;
	char suite[160];
	char note[320];
	struct rig_wasi_expect *out;
	struct rig_error *err;
};

static int fail(struct reader *r, const char *what)
{
	return rig_fail(r->err, RIG_ERR_PARSE, "%s:%d: %s", r->name, r->line, what);
}

/* A basic "..." string with TOML's short escapes, or a literal '...'. */
static int read_string(struct reader *r, const char **p, char *out, size_t cap)
{
	char q = **p;
	size_t n = 0;

	if (q != '"' && q != '\'')
		return fail(r, "expected a quoted string value");
	for ((*p)++; **p && **p != q; (*p)++) {
		char c = **p;
		if ((unsigned char)c < 0x20 && c != '\t')
			return fail(r, "control character inside a string");
		if (q == '"' && c == '\\') {
			(*p)++;
			switch (**p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case '"':
			case '\\':
				c = **p;
				break;
			default:
				return fail(r,
					    "unsupported escape in a string (\\n \\t \\\" \\\\)");
			}
		}
		if (n + 1 >= cap)
			return fail(r, "string too long");
		out[n++] = c;
	}
	if (**p != q)
		return fail(r, "unterminated string");
	(*p)++;
	out[n] = '\0';
	return 0;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int at_end(const char *p)
{
	p = skip_ws(p);
	return *p == '\0' || *p == '#';
}

static int key_value(struct reader *r, const char *p)
{
	char key[32], val[320];
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	struct rig_wasi_expect_entry *e;
	int rc;

	if (n == 0 || n >= sizeof(key))
		return fail(r, "expected KEY = VALUE, [[suite]] or [[suite.test]]");
	memcpy(key, p, n);
	key[n] = '\0';
	p = skip_ws(p + n);
	if (*p != '=')
		return fail(r, "expected '=' after the key");
	p = skip_ws(p + 1);
	if (r->in == T_NONE) {
		if (strcmp(key, "version") != 0)
			return fail(r, "only 'version' may come before the first [[suite]]");
		if (strncmp(p, "1", 1) != 0 || !at_end(p + 1))
			return fail(r, "field 'version': expected 1");
		return 0;
	}
	if ((rc = read_string(r, &p, val, sizeof(val))))
		return rc;
	if (!at_end(p))
		return fail(r, "unexpected text after the value");
	if (r->in == T_SUITE) {
		if (strcmp(key, "name") != 0)
			return fail(r, "a [[suite]] takes 'name' only");
		snprintf(r->suite, sizeof(r->suite), "%s", val);
		return 0;
	}
	e = &r->out->v[r->out->n - 1];
	if (strcmp(key, "name") == 0) {
		snprintf(e->test, sizeof(e->test), "%s", val);
	} else if (strcmp(key, "action") == 0) {
		if (strcmp(val, "skip") != 0)
			return fail(r, "field 'action': expected \"skip\"");
		snprintf(e->action, sizeof(e->action), "%s", val);
	} else if (strcmp(key, "expected") == 0) {
		if (strcmp(val, "fail") != 0 && strcmp(val, "pass") != 0)
			return fail(r, "field 'expected': expected \"fail\" or \"pass\"");
		snprintf(e->expected, sizeof(e->expected), "%s", val);
	} else {
		return fail(r, "a [[suite.test]] takes name, action and expected");
	}
	return 0;
}

/* The previous [[suite.test]] must have had a name. */
static int close_test(struct reader *r)
{
	if (r->in == T_TEST && !r->out->v[r->out->n - 1].test[0]) {
		r->line = r->out->v[r->out->n - 1].line;
		return fail(r, "[[suite.test]] without a name");
	}
	return 0;
}

static int line(struct reader *r, const char *p)
{
	int rc;

	p = skip_ws(p);
	if (*p == '#') {
		size_t n = strlen(r->note);
		p = skip_ws(p + 1);
		snprintf(r->note + n, sizeof(r->note) - n, "%s%s", n ? " " : "", p);
		return 0;
	}
	if (*p == '\0')
		return 0;
	if (*p == '[') {
		if ((rc = close_test(r)))
			return rc;
		if (strncmp(p, "[[suite]]", 9) == 0 && at_end(p + 9)) {
			r->in = T_SUITE;
			r->suite[0] = '\0';
		} else if (strncmp(p, "[[suite.test]]", 14) == 0 && at_end(p + 14)) {
			struct rig_wasi_expect_entry *e;
			if (r->in == T_NONE || !r->suite[0])
				return fail(r, "[[suite.test]] before a named [[suite]]");
			r->out->v = rig_xrealloc(r->out->v, (r->out->n + 1) * sizeof(*r->out->v));
			e = &r->out->v[r->out->n++];
			memset(e, 0, sizeof(*e));
			snprintf(e->suite, sizeof(e->suite), "%s", r->suite);
			snprintf(e->note, sizeof(e->note), "%s", r->note);
			e->line = r->line;
			r->in = T_TEST;
		} else {
			return fail(r, "expected [[suite]] or [[suite.test]]");
		}
		r->note[0] = '\0';
		return 0;
	}
	r->note[0] = '\0';
	return key_value(r, p);
}

int rig_wasi_expect_parse(const char *name, const char *text, size_t len,
			  struct rig_wasi_expect *out, struct rig_error *err)
{
	struct reader r = {.name = name, .out = out, .err = err};
	size_t pos = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->file, sizeof(out->file), "%s", name);
	while (pos < len && !rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t raw = nl ? (size_t)(nl - (text + pos)) : len - pos, n = raw;
		char buf[1024];

		r.line++;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n >= sizeof(buf))
			rc = fail(&r, "line too long");
		else if (memchr(text + pos, '\0', n))
			rc = fail(&r, "NUL byte in the file");
		else {
			memcpy(buf, text + pos, n);
			buf[n] = '\0';
			rc = line(&r, buf);
		}
		pos += raw + 1;
	}
	if (!rc)
		rc = close_test(&r);
	if (rc) {
		rig_wasi_expect_free(out);
		snprintf(out->file, sizeof(out->file), "%s", name);
	}
	return rc;
}

int rig_wasi_expect_load(const char *path, struct rig_wasi_expect *out, struct rig_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rig_file_exists(path))
		return rig_fail(err, RIG_ERR_NOT_FOUND, "%s: no expectations file", path);
	if ((rc = rig_read_file(path, &text, &len, err)))
		return rc;
	rc = rig_wasi_expect_parse(path, text, len, out, err);
	free(text);
	return rc;
}

const struct rig_wasi_expect_entry *rig_wasi_expect_find(const struct rig_wasi_expect *e,
							 const char *suite, const char *test)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (strcmp(e->v[i].suite, suite) == 0 && strcmp(e->v[i].test, test) == 0)
			return &e->v[i];
	return NULL;
}

void rig_wasi_expect_free(struct rig_wasi_expect *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}
