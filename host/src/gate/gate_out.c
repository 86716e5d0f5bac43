/* The gate's outputs: JUnit XML and a Markdown summary (gate.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gate.h"
#include "html.h"

/* XML text and attribute values: html.h escapes & < > " ' and drops the
 * control bytes XML 1.0 forbids, so its output is valid XML too. */
static void attr(struct rig_buf *b, const char *name, const char *v)
{
	rig_buf_appendf(b, " %s=\"", name);
	rig_html_text(b, v);
	rig_buf_append(b, "\"", 1);
}

static void property(struct rig_buf *b, const char *name, const char *value)
{
	rig_buf_appendf(b, "      <property");
	attr(b, "name", name);
	attr(b, "value", value);
	rig_buf_appendf(b, "/>\n");
}

struct counts {
	size_t tests, failures, skipped;
};

static struct counts count(const struct rig_gate_report *r, const char *suite)
{
	struct counts c = {0};

	for (size_t i = 0; i < r->n; i++) {
		if (suite && strcmp(r->cases[i].suite, suite))
			continue;
		c.tests++;
		c.failures += r->cases[i].verdict == RIG_GATE_REGRESSION;
		c.skipped += r->cases[i].verdict == RIG_GATE_UNKNOWN ||
			     r->cases[i].verdict == RIG_GATE_SKIPPED;
	}
	return c;
}

static void testcase(struct rig_buf *b, const struct rig_gate_case *c)
{
	rig_buf_appendf(b, "    <testcase");
	attr(b, "name", c->name);
	attr(b, "classname", c->classname);
	rig_buf_appendf(b, " time=\"0\">\n");
	if (c->verdict == RIG_GATE_REGRESSION) {
		rig_buf_appendf(b, "      <failure type=\"regression\"");
		attr(b, "message", c->reason);
		rig_buf_appendf(b, ">");
		rig_html_text(b, c->detail);
		rig_buf_appendf(b, "</failure>\n");
	} else if (c->verdict != RIG_GATE_PASS) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s: %s", rig_gate_verdict_name(c->verdict), c->reason);
		rig_buf_appendf(b, "      <skipped");
		attr(b, "message", msg);
		rig_buf_appendf(b, "/>\n");
	}
	rig_buf_appendf(b, "      <system-out>");
	rig_html_text(b, c->verdict == RIG_GATE_PASS ? c->reason : "");
	if (c->detail[0]) {
		if (c->verdict == RIG_GATE_PASS)
			rig_buf_appendf(b, "\n");
		rig_html_text(b, c->detail);
	}
	rig_buf_appendf(b, "</system-out>\n    </testcase>\n");
}

static const struct rig_gate_props *props_of(const struct rig_gate_report *r, const char *suite)
{
	for (size_t i = 0; i < r->n_props; i++)
		if (strcmp(r->props[i].suite, suite) == 0)
			return &r->props[i];
	return NULL;
}

void rig_gate_junit(const struct rig_gate_report *r, struct rig_buf *b)
{
	struct counts all = count(r, NULL);
	struct rig_strv suites = {0};
	char ts[32];
	time_t at = (time_t)r->at;
	struct tm tm;

	if (!gmtime_r(&at, &tm) || !strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(ts, sizeof(ts), "1970-01-01T00:00:00");
	for (size_t i = 0; i < r->n; i++)
		if (!rig_strv_has(&suites, r->cases[i].suite))
			rig_strv_push(&suites, r->cases[i].suite);
	rig_buf_appendf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(b, "name", "rig gate");
	rig_buf_appendf(
	    b, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"0\">\n",
	    all.tests, all.failures, all.skipped);
	for (size_t s = 0; s < suites.n; s++) {
		struct counts c = count(r, suites.v[s]);
		const struct rig_gate_props *pr = props_of(r, suites.v[s]);

		rig_buf_appendf(b, "  <testsuite");
		attr(b, "name", suites.v[s]);
		rig_buf_appendf(b,
				" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
				"time=\"0\" timestamp=\"%s\" hostname=\"localhost\" id=\"%zu\"",
				c.tests, c.failures, c.skipped, ts, s);
		attr(b, "package", "rig");
		rig_buf_appendf(b, ">\n    <properties>\n");
		property(b, "rig.policy", r->policy);
		property(b, "rig.baseline", r->baseline);
		property(b, "rig.current", r->current);
		for (size_t k = 0; pr && k < pr->kv.n; k++)
			property(b, pr->kv.v[k].key, pr->kv.v[k].value);
		rig_buf_appendf(b, "    </properties>\n");
		for (size_t i = 0; i < r->n; i++)
			if (strcmp(r->cases[i].suite, suites.v[s]) == 0)
				testcase(b, &r->cases[i]);
		rig_buf_appendf(b, "    <system-out></system-out>\n    <system-err></system-err>\n"
				   "  </testsuite>\n");
	}
	rig_buf_appendf(b, "</testsuites>\n");
	rig_strv_free(&suites);
}

/* Markdown table cell text: | and newlines would break the row, and the
 * summary is HTML-rendered, so markup is escaped too. */
static void md_cell(struct rig_buf *b, const char *s)
{
	struct rig_buf t = {0};

	rig_html_text(&t, s);
	for (size_t i = 0; i < t.len; i++) {
		char c = t.data[i];
		if (c == '|')
			rig_buf_append(b, "\\|", 2);
		else if (c == '\n' || c == '\r')
			rig_buf_append(b, " ", 1);
		else if (c == '`' || c == '*' || c == '_' || c == '[' || c == ']')
			rig_buf_appendf(b, "\\%c", c);
		else
			rig_buf_append(b, &c, 1);
	}
	rig_buf_free(&t);
}

static int md_row(struct rig_buf *b, const struct rig_gate_case *c, size_t max_bytes)
{
	struct rig_buf row = {0};
	char ch[32];

	if (c->change == c->change)
		snprintf(ch, sizeof(ch), "%+.2f%%", c->change * 100.0);
	else
		snprintf(ch, sizeof(ch), "-");
	rig_buf_appendf(&row, "| %s | ", rig_gate_verdict_name(c->verdict));
	md_cell(&row, c->suite);
	rig_buf_appendf(&row, " | ");
	md_cell(&row, c->name);
	rig_buf_appendf(&row, " | %s | ", ch);
	md_cell(&row, c->reason);
	rig_buf_appendf(&row, " |\n");
	/* room for the section lines after it (4 x ~160 bytes) and the note */
	if (b->len + row.len + 1024 > max_bytes) {
		rig_buf_free(&row);
		return 0;
	}
	rig_buf_append(b, row.data, row.len);
	rig_buf_free(&row);
	return 1;
}

void rig_gate_markdown(const struct rig_gate_report *r, size_t max_bytes, struct rig_buf *b)
{
	static const char *const verdict[] = {"PASS", "FAIL: regression", "UNDECIDED"};
	static const enum rig_gate_verdict order[] = {RIG_GATE_REGRESSION, RIG_GATE_UNKNOWN,
						      RIG_GATE_PASS, RIG_GATE_SKIPPED};
	size_t left_out = 0;
	int code = rig_gate_exit_code(r);

	rig_buf_appendf(b, "## rig gate: %s\n\n", verdict[code]);
	rig_buf_appendf(b, "%zu regression%s, %zu undecided, %zu passed, %zu skipped. Baseline: ",
			r->n_regression, r->n_regression == 1 ? "" : "s", r->n_unknown, r->n_pass,
			r->n_skipped);
	md_cell(b, r->baseline);
	rig_buf_appendf(b, "; current: ");
	md_cell(b, r->current);
	rig_buf_appendf(b, "; policy: ");
	md_cell(b, r->policy);
	rig_buf_appendf(b, ".\n\n");
	for (size_t o = 0; o < 4; o++) {
		size_t n = 0;
		for (size_t i = 0; i < r->n; i++)
			n += r->cases[i].verdict == order[o];
		if (!n)
			continue;
		if (order[o] == RIG_GATE_PASS || order[o] == RIG_GATE_SKIPPED)
			rig_buf_appendf(b, "<details><summary>%zu %s</summary>\n\n", n,
					order[o] == RIG_GATE_PASS ? "passed" : "skipped");
		rig_buf_appendf(b, "| verdict | board | case | change | why |\n"
				   "|---|---|---|---:|---|\n");
		for (size_t i = 0; i < r->n; i++)
			if (r->cases[i].verdict == order[o] && !md_row(b, &r->cases[i], max_bytes))
				left_out++;
		if (order[o] == RIG_GATE_PASS || order[o] == RIG_GATE_SKIPPED)
			rig_buf_appendf(b, "\n</details>\n");
		rig_buf_appendf(b, "\n");
	}
	if (left_out)
		rig_buf_appendf(b,
				"%zu rows left out to stay under %zu bytes (the JUnit file has "
				"every case).\n",
				left_out, max_bytes);
}
