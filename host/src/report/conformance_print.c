/* The conformance matrix: see conformance_print.h. */
#include "conformance_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "html.h"
#include "results.h"
#include "table.h"

struct collect {
	const struct rig_conf_print_opts *o;
	struct rig_conf_row *rows;
	size_t n;
	struct rig_strv boards;
};

static int on_row(void *ctx, const struct rig_conf_row *r)
{
	struct collect *c = ctx;

	if (!rig_results_filter_has(c->o->boards, r->board))
		return 0;
	c->rows = rig_xrealloc(c->rows, (c->n + 1) * sizeof(*c->rows));
	c->rows[c->n++] = *r;
	if (!rig_strv_has(&c->boards, r->board))
		rig_strv_push(&c->boards, r->board);
	return 0;
}

/* "WASI C tests [wasm32-wasip1]" -> "c"; other names as they are. */
static void short_suite(const char *name, char *out, size_t cap)
{
	const char *t = strstr(name, " tests");

	if (strncmp(name, "WASI ", 5) == 0 && t && t > name + 5) {
		size_t n = (size_t)(t - (name + 5)), k;
		snprintf(out, cap, "%.*s", (int)n, name + 5);
		for (k = 0; out[k]; k++)
			out[k] =
			    (char)(out[k] >= 'A' && out[k] <= 'Z' ? out[k] - 'A' + 'a' : out[k]);
		return;
	}
	snprintf(out, cap, "%s", name);
}

static int failed(const char *verdict)
{
	return strcmp(verdict, "fail") == 0 || strcmp(verdict, "timeout") == 0 ||
	       strcmp(verdict, "error") == 0;
}

static void cell(const struct rig_conf_row *r, char *out, size_t cap)
{
	const char *v = r->verdict;
	const char *shown = strcmp(v, "pass") == 0	? "pass"
			    : strcmp(v, "fail") == 0	? "FAIL"
			    : strcmp(v, "timeout") == 0 ? "T/O"
			    : strcmp(v, "skip") == 0	? "skip"
							: "ERR";
	snprintf(out, cap, "%s%s%s", shown, r->expectation[0] ? "*" : "",
		 failed(v) && strcmp(r->static_check, "ok") == 0 ? "!" : "");
}

static const struct rig_conf_row *find(const struct collect *c, size_t from, size_t to,
				       const char *board)
{
	for (size_t i = from; i < to; i++)
		if (strcmp(c->rows[i].board, board) == 0)
			return &c->rows[i];
	return NULL;
}

static int same_test(const struct rig_conf_row *a, const struct rig_conf_row *b)
{
	return strcmp(a->suite, b->suite) == 0 && strcmp(a->test, b->test) == 0;
}

static void print_matrix(const struct collect *c, FILE *f, size_t *hidden)
{
	struct rig_table *t = rig_table_new();
	const struct rig_conf_print_opts *o = c->o;
	struct rig_buf md = {0};

	rig_table_add_column(t, "SUITE", RIG_ALIGN_LEFT);
	rig_table_add_column(t, "TEST", RIG_ALIGN_LEFT);
	for (size_t b = 0; b < c->boards.n; b++)
		rig_table_add_column(t, c->boards.v[b], RIG_ALIGN_LEFT);
	if (o->markdown) {
		rig_buf_appendf(&md, "| suite | test |");
		for (size_t b = 0; b < c->boards.n; b++)
			rig_buf_appendf(&md, " %s |", c->boards.v[b]);
		rig_buf_appendf(&md, "\n|---|---|");
		for (size_t b = 0; b < c->boards.n; b++)
			rig_buf_appendf(&md, "---|");
		rig_buf_appendf(&md, "\n");
	}
	*hidden = 0;
	for (size_t i = 0; i < c->n;) {
		size_t j = i + 1;
		int all_pass = 1;
		char suite[64];

		while (j < c->n && same_test(&c->rows[i], &c->rows[j]))
			j++;
		for (size_t k = i; k < j; k++)
			all_pass &= strcmp(c->rows[k].verdict, "pass") == 0;
		all_pass &= (j - i) == c->boards.n;
		if (all_pass && !o->all_tests) {
			(*hidden)++;
			i = j;
			continue;
		}
		short_suite(c->rows[i].suite, suite, sizeof(suite));
		rig_table_begin_row(t);
		rig_table_cellf(t, "%s", suite);
		rig_table_cellf(t, "%s", c->rows[i].test);
		if (o->markdown)
			rig_buf_appendf(&md, "| %s | %s |", suite, c->rows[i].test);
		for (size_t b = 0; b < c->boards.n; b++) {
			const struct rig_conf_row *r = find(c, i, j, c->boards.v[b]);
			char cl[16] = "-";
			if (r)
				cell(r, cl, sizeof(cl));
			rig_table_cellf(t, "%s", cl);
			if (o->markdown)
				rig_buf_appendf(&md, " %s |", cl);
		}
		if (o->markdown)
			rig_buf_appendf(&md, "\n");
		i = j;
	}
	if (o->markdown)
		fputs(md.data ? md.data : "", f);
	else if (rig_table_rows(t))
		rig_table_write(t, f);
	rig_buf_free(&md);
	rig_table_free(t);
}

static void print_summary(const struct collect *c, FILE *f)
{
	struct rig_table *t = rig_table_new();
	static const char *const heads[] = {"BOARD", "RUNTIME", "PASS", "FAIL",	 "KNOWN",
					    "T/O",   "SKIP",	"ERR",	"TOTAL", "SUITE COMMIT"};

	for (size_t h = 0; h < RIG_ARRAY_SIZE(heads); h++)
		rig_table_add_column(t, heads[h],
				     h >= 2 && h <= 8 ? RIG_ALIGN_RIGHT : RIG_ALIGN_LEFT);
	for (size_t b = 0; b < c->boards.n; b++) {
		int pass = 0, fail = 0, known = 0, to = 0, skip = 0, errs = 0, total = 0;
		const struct rig_conf_row *any = NULL;
		struct rig_strv commits = {0};
		char *cm;

		for (size_t i = 0; i < c->n; i++) {
			const struct rig_conf_row *r = &c->rows[i];
			if (strcmp(r->board, c->boards.v[b]) != 0)
				continue;
			any = r;
			total++;
			pass += strcmp(r->verdict, "pass") == 0;
			fail += strcmp(r->verdict, "fail") == 0;
			to += strcmp(r->verdict, "timeout") == 0;
			skip += strcmp(r->verdict, "skip") == 0;
			errs += strcmp(r->verdict, "error") == 0;
			known += failed(r->verdict) && r->expectation[0];
			if (r->suite_commit[0] && !rig_strv_has(&commits, r->suite_commit))
				rig_strv_push(&commits, r->suite_commit);
		}
		cm = commits.n ? rig_strv_join_quoted(&commits) : NULL;
		rig_table_begin_row(t);
		rig_table_cellf(t, "%s", c->boards.v[b]);
		/* most versions name their runtime ("wasmtime 49.0.3"); Node's is "v20" */
		if (any && strncmp(any->runtime_version, any->runtime, strlen(any->runtime)) != 0)
			rig_table_cellf(t, "%s %s", any->runtime, any->runtime_version);
		else
			rig_table_cellf(t, "%s", any ? any->runtime_version : "");
		rig_table_cellf(t, "%d", pass);
		rig_table_cellf(t, "%d", fail);
		rig_table_cellf(t, "%d", known);
		rig_table_cellf(t, "%d", to);
		rig_table_cellf(t, "%d", skip);
		rig_table_cellf(t, "%d", errs);
		rig_table_cellf(t, "%d", total);
		rig_table_cellf(t, "%s", cm ? cm : "");
		free(cm);
		rig_strv_free(&commits);
	}
	rig_table_write(t, f);
	rig_table_free(t);
}

static void print_reasons(const struct collect *c, FILE *f)
{
	int first = 1;

	for (size_t i = 0; i < c->n; i++) {
		const struct rig_conf_row *r = &c->rows[i];
		char suite[64];
		if (strcmp(r->verdict, "pass") == 0)
			continue;
		if (first)
			fprintf(f, "\nwhy (newest verdict per board):\n");
		first = 0;
		short_suite(r->suite, suite, sizeof(suite));
		fprintf(f, "  %s %s/%s: %s: %s%s%s%s%s%s\n", r->board, suite, r->test, r->verdict,
			r->reason, r->first_diff[0] ? " [" : "", r->first_diff,
			r->first_diff[0] ? "]" : "",
			r->expectation[0] ? "; known to the runtime's expectations: " : "",
			r->expectation[0] ? r->expectation : "");
		if (r->expectation_note[0])
			fprintf(f, "      (%s)\n", r->expectation_note);
	}
}

int rig_conf_matrix_print(struct rig_store *s, const struct rig_conf_print_opts *o, FILE *f,
			  struct rig_error *err)
{
	struct collect c = {.o = o};
	size_t hidden = 0;
	int rc;

	if ((rc = rig_conf_each_latest(s, NULL, on_row, &c, err)))
		goto out;
	if (!c.n)
		goto out;
	fprintf(f, "\nWASI conformance (newest verdict per test and board; * known to the "
		   "runtime's expectations, ! the static check said it loads):\n");
	print_matrix(&c, f, &hidden);
	if (hidden)
		fprintf(f,
			"%s%zu test%s pass on every board shown (rig results --all-tests "
			"lists them)\n",
			hidden == c.n / (c.boards.n ? c.boards.n : 1) ? "" : "and ", hidden,
			hidden == 1 ? "" : "s");
	fprintf(f, "\n");
	print_summary(&c, f);
	if (o->reasons)
		print_reasons(&c, f);
	rc = (int)c.n;
out:
	free(c.rows);
	rig_strv_free(&c.boards);
	return rc;
}

int rig_conf_matrix_html(struct rig_store *s, const struct rig_conf_print_opts *o,
			 struct rig_buf *out)
{
	struct rig_error e = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n;

	if (!f)
		return 0;
	n = rig_conf_matrix_print(s, o, f, &e);
	fclose(f);
	if (n > 0) {
		rig_buf_appendf(out, "<h2 id=\"conformance\">WASI conformance</h2>\n"
				     "<div class=\"scroll\"><pre class=\"conf\">");
		rig_html_text(out, text);
		rig_buf_appendf(out, "</pre></div>\n");
	}
	free(text);
	return n > 0 ? n : 0;
}
