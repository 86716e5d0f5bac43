/*
 * Charts for the HTML report, drawn by rig as inline SVG (no script, no
 * library, nothing fetched: the report stays one file that renders
 * offline). Each chart is one <svg class="chart KIND"> with a viewBox, so
 * CSS width 100% scales it to a phone; colours come from CSS classes of
 * the page (report_html.c): bar and dot classes "base", "better", "worse",
 * "same". Every text drawn from data is escaped (html.h). Pure functions
 * appending to a struct rig_buf.
 */
#ifndef RIG_SVG_H
#define RIG_SVG_H

#include <stddef.h>

#include "util.h"

/* One bar: a median with its CI, and a class saying how it compares. */
struct rig_svg_bar {
	const char *label; /* profile name, drawn left of the bar */
	double value, lo, hi;
	int has_ci;
	const char *cls; /* "base", "better", "worse", "same" or NULL */
};

/* Horizontal bars from zero with CI whiskers and the value at the end,
 * formatted by unit (rig_fmt_value). Nothing when n is 0. */
void rig_svg_bars(struct rig_buf *b, const char *title, const char *unit,
		  const struct rig_svg_bar *bars, size_t n);

/* One row of a distribution plot: every sample of a cell. */
struct rig_svg_strip_row {
	const char *label;
	const double *v;
	size_t n;
};

/* Per row: every sample as a dot (outliers by modified z-score drawn as
 * class "outlier"), the min-max range as a line, the CI of the median as a
 * box and the median as a tick, on one shared axis. */
void rig_svg_strip(struct rig_buf *b, const char *title, const char *unit,
		   const struct rig_svg_strip_row *rows, size_t n);

/* One run in a history line. */
struct rig_svg_hpoint {
	double median, lo, hi;
	int change_point;  /* a new segment starts at this run */
	double shift;	   /* its segment median after / before - 1 */
	const char *label; /* run label or date, drawn under the axis */
};

/* Medians over runs as a line with the CI as a band, and a dashed line with
 * the shift in percent where a change point starts a segment. */
void rig_svg_history(struct rig_buf *b, const char *title, const char *unit,
		     const struct rig_svg_hpoint *pts, size_t n);

/* One line of a spectrum: a value per x category (NaN: none). */
struct rig_svg_series {
	const char *label;
	const double *v; /* nx values */
};

/* Lines over shared categories, e.g. latency at p50, p90, p99, p99.9,
 * p99.99 per profile: one line and a label per series (classes s0..s5 by
 * order), on a log axis when every value is positive, else linear. */
void rig_svg_spectrum(struct rig_buf *b, const char *title, const char *unit,
		      const char *const *xlabels, size_t nx, const struct rig_svg_series *series,
		      size_t ns);

#endif
