/*
 * The one-file HTML report (rig report -o FILE): the store's newest run of
 * every cell with its statistics, as tables and SVG charts drawn by rig
 * (svg.h), for a lab engineer's morning look, on a desktop or a phone. No
 * script, no stylesheet or font fetched: the file renders offline. See
 * docs/report.md for what each part shows.
 */
#ifndef RIG_REPORT_HTML_H
#define RIG_REPORT_HTML_H

#include <stdint.h>

#include "error.h"
#include "store.h"
#include "util.h"

struct rig_report_opts {
	const struct rig_strv *boards, *workloads, *profiles; /* NULL or empty: all */
	const char *baseline; /* profile the ratios are to (NULL: none) */
	const char *title;    /* NULL: "rig report" */
	size_t last;	      /* history: the newest N runs per cell (0: all) */
	int64_t now;	      /* when the report is written, unix seconds (0: not shown) */
};

/* What a report held, for the command's summary line. */
struct rig_report_counts {
	size_t cells, charts, history_lines, change_points, skipped;
};

/* Appends the whole document to out. Returns 0, or the store's error. */
int rig_report_html(struct rig_store *store, const struct rig_report_opts *o, struct rig_buf *out,
		    struct rig_report_counts *counts, struct rig_error *err);

#endif
