/*
 * The board-to-board table (docs/farm.md): for every row whose run's
 * samples were taken by more than one board (rig bench --ab across boards
 * of one model, or samples retried on another board), each board's n and
 * median wall time, how far it is from the run's median, and the spread:
 * (largest - smallest board median) / run median, with the Mann-Whitney p
 * of the two extreme boards, so a board that is slower than its twins is
 * seen rather than folded into the run's noise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "results.h"
#include "store_runs.h"
#include "table.h"

/* One board's values in a run. */
struct by_board {
	const char *board;
	double *v;
	size_t n;
	struct rig_summary s;
};

/* Splits (boards[i], v[i]) by board, in first-seen order; returns the count. */
static size_t split(const struct rig_strv *boards, const double *v, size_t n, struct by_board *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < k && strcmp(out[j].board, boards->v[i]))
			j++;
		if (j == k) {
			out[k].board = boards->v[i];
			out[k].v = rig_xcalloc(n, sizeof(double));
			out[k++].n = 0;
		}
		out[j].v[out[j].n++] = v[i];
	}
	return k;
}

static void add_row(struct rig_table *t, const struct rig_row *r, const struct by_board *b,
		    double run_median)
{
	char med[RIG_FMT_CAP], n[16], vs[32];

	snprintf(n, sizeof(n), "%zu", b->n);
	rig_fmt_duration_ns(med, sizeof(med), b->s.median);
	snprintf(vs, sizeof(vs), "%+.1f%%", (b->s.median / run_median - 1) * 100);
	const char *cells[] = {r->board, r->workload, r->profile, b->board, n, med, vs};
	rig_table_add_row(t, cells, RIG_ARRAY_SIZE(cells));
}

/* The rows of one result row; 1 when it has more than one board. */
static int row_boards(struct rig_store *store, const struct rig_row *r, struct rig_table *t)
{
	struct rig_strv boards = {0};
	struct rig_error e = {0};
	struct rig_summary all;
	struct by_board *bb;
	double *v = NULL, lo = INFINITY, hi = -INFINITY;
	size_t n = 0, k, ilo = 0, ihi = 0;
	char spread[96], p[32];

	if (rig_store_run_board_values(store, r->run_id, "wall_ns", &boards, &v, &n, &e) || !n ||
	    rig_stats_summary(v, n, &all)) {
		rig_strv_free(&boards);
		free(v);
		return 0;
	}
	bb = rig_xcalloc(n, sizeof(*bb));
	k = split(&boards, v, n, bb);
	for (size_t i = 0; k > 1 && i < k; i++) {
		rig_stats_summary(bb[i].v, bb[i].n, &bb[i].s);
		add_row(t, r, &bb[i], all.median);
		if (bb[i].s.median < lo)
			lo = bb[i].s.median, ilo = i;
		if (bb[i].s.median > hi)
			hi = bb[i].s.median, ihi = i;
	}
	if (k > 1) {
		snprintf(p, sizeof(p), "p=%.3g",
			 rig_stats_mannwhitney_p(bb[ilo].v, bb[ilo].n, bb[ihi].v, bb[ihi].n));
		snprintf(spread, sizeof(spread), "%.1f%% (%s vs %s, %s)",
			 (hi - lo) / all.median * 100, bb[ihi].board, bb[ilo].board, p);
		char nn[16], med[RIG_FMT_CAP];
		snprintf(nn, sizeof(nn), "%zu", n);
		rig_fmt_duration_ns(med, sizeof(med), all.median);
		const char *cells[] = {r->board, r->workload, r->profile, "spread",
				       nn,	 med,	      spread};
		rig_table_add_row(t, cells, RIG_ARRAY_SIZE(cells));
	}
	for (size_t i = 0; i < k; i++)
		free(bb[i].v);
	free(bb);
	rig_strv_free(&boards);
	free(v);
	return k > 1;
}

void rig_results_json_boards(struct rig_store *store, const struct rig_row *r, struct rig_buf *b)
{
	struct rig_strv boards = {0};
	struct rig_error e = {0};
	struct by_board *bb;
	double *v = NULL;
	size_t n = 0, k;

	if (rig_store_run_board_values(store, r->run_id, "wall_ns", &boards, &v, &n, &e) || !n) {
		rig_strv_free(&boards);
		free(v);
		return;
	}
	bb = rig_xcalloc(n, sizeof(*bb));
	k = split(&boards, v, n, bb);
	rig_buf_appendf(b, ",\"sample_boards\":[");
	for (size_t i = 0; i < k; i++) {
		rig_stats_summary(bb[i].v, bb[i].n, &bb[i].s);
		rig_buf_appendf(b, "%s{\"board\":", i ? "," : "");
		rig_json_string(b, bb[i].board);
		rig_buf_appendf(b, ",\"n\":%zu,\"median_wall_ns\":", bb[i].n);
		rig_json_number(b, bb[i].s.median);
		rig_buf_appendf(b, "}");
		free(bb[i].v);
	}
	rig_buf_appendf(b, "]");
	free(bb);
	rig_strv_free(&boards);
	free(v);
}

void rig_results_print_boards(struct rig_store *store, const struct rig_results *res, FILE *f,
			      int is_tty)
{
	static const char *const cols[] = {"RUN", "WORKLOAD",	 "PROFILE", "SAMPLE BOARD",
					   "N",	  "MEDIAN WALL", "vs RUN"};
	struct rig_table *t = rig_table_new();
	struct rig_buf out = {0};
	int any = 0;

	for (size_t c = 0; c < RIG_ARRAY_SIZE(cols); c++)
		rig_table_add_column(t, cols[c],
				     c == 4 || c == 5 ? RIG_ALIGN_RIGHT : RIG_ALIGN_LEFT);
	for (size_t i = 0; i < res->n; i++) {
		size_t before = rig_table_rows(t);
		if (any && before)
			rig_table_add_separator(t);
		any |= row_boards(store, &res->rows[i], t);
	}
	if (any) {
		fprintf(f, "\nby board (runs whose samples several boards took):\n");
		rig_table_render(t, is_tty ? RIG_TABLE_ALIGNED : RIG_TABLE_TSV, &out);
		if (out.data)
			fputs(out.data, f);
		if (is_tty)
			fprintf(f,
				"\nMEDIAN WALL: each board's median wall time in the run; vs RUN: "
				"against the run's median; spread: (largest - smallest board "
				"median) / run median, p of the two boards' samples "
				"(Mann-Whitney).\n");
	}
	rig_buf_free(&out);
	rig_table_free(t);
}
