/* SVG charts for the report, see svg.h. */
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "html.h"
#include "stats.h"

#define W 640.0
#define LABEL_W 150.0 /* bars and strips: the label column */
#define VALUE_W 80.0  /* bars: the value text after the longest bar */
#define ROW_H 24.0
#define TOP 30.0
#define AXIS_H 24.0

struct scale {
	double lo, hi, x0, x1;
};

/* Where v falls between lo and hi, as 0..1, kept within -1..2 so a value
 * far off the axis (or NaN, as 0) still gives a coordinate SVG can read. */
static double frac(double v, double lo, double hi)
{
	double t = (v - lo) / (hi - lo);

	if (!isfinite(t))
		return t > 0 ? 2 : t < 0 ? -1 : 0;
	return fmin(2, fmax(-1, t));
}

static double sx(const struct scale *s, double v)
{
	return s->x0 + frac(v, s->lo, s->hi) * (s->x1 - s->x0);
}

/* A step of 1, 2 or 5 times a power of ten giving about 4 intervals. */
static double nice_step(double range)
{
	double raw = range / 4, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* Makes [lo, hi] a finite range wide enough to divide by and to step
 * through: no values (infinities from the min/max loops) give 0..1, equal
 * ones a band of 5% around them. */
static void settle(double *lo, double *hi)
{
	if (isnan(*lo) || isnan(*hi) || *hi < *lo) {
		*lo = 0;
		*hi = 1;
	}
	*lo = fmax(*lo, -1e300);
	*hi = fmin(*hi, 1e300);
	if (*hi - *lo <= fmax(fabs(*lo), fabs(*hi)) * 1e-9) {
		double pad = *lo != 0 ? fabs(*lo) * 0.05 : 1;
		*lo -= pad;
		*hi += pad;
	}
}

/* At most this many grid lines, whatever the arithmetic does. */
#define MAX_TICKS 12

static void open_svg(struct rig_buf *b, const char *kind, const char *title, double h, size_t n)
{
	rig_buf_appendf(b,
			"<svg class=\"chart %s\" data-chart=\"%s\" data-n=\"%zu\" "
			"viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
			kind, kind, n, W, h);
	rig_html_text(b, title);
	rig_buf_appendf(b, "\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
	rig_html_text(b, title);
	rig_buf_appendf(b, "</title><text class=\"ctitle\" x=\"4\" y=\"16\">");
	rig_html_text(b, title);
	rig_buf_appendf(b, "</text>\n");
}

/* Vertical grid lines and their values along the bottom. */
static void x_axis(struct rig_buf *b, const struct scale *s, const char *unit, double y0, double y1)
{
	double step = nice_step(s->hi - s->lo), first = ceil(s->lo / step) * step;

	for (int k = 0; k < MAX_TICKS && isfinite(step) && step > 0; k++) {
		char v[RIG_FMT_CAP];
		double t = first + k * step, x = sx(s, t);
		if (t > s->hi + step * 1e-9)
			break;
		rig_buf_appendf(
		    b,
		    "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
		    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		    x, y0, x, y1, x, y1 + 14);
		rig_html_text(b, rig_fmt_value(v, sizeof(v), fabs(t) < step * 1e-9 ? 0 : t, unit));
		rig_buf_appendf(b, "</text>\n");
	}
}

void rig_svg_bars(struct rig_buf *b, const char *title, const char *unit,
		  const struct rig_svg_bar *bars, size_t n)
{
	struct scale s = {0, 0, LABEL_W, W - VALUE_W};
	double h = TOP + ROW_H * (double)n + AXIS_H;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		double top = bars[i].has_ci ? fmax(bars[i].hi, bars[i].value) : bars[i].value;
		double bot = bars[i].has_ci ? fmin(bars[i].lo, bars[i].value) : bars[i].value;
		if (isfinite(top) && top > s.hi)
			s.hi = top;
		if (isfinite(bot) && bot < s.lo)
			s.lo = bot;
	}
	s.hi *= 1.05;
	settle(&s.lo, &s.hi);
	open_svg(b, "bars", title, h, n);
	x_axis(b, &s, unit, TOP - 4, TOP + ROW_H * (double)n);
	for (size_t i = 0; i < n; i++) {
		const struct rig_svg_bar *r = &bars[i];
		double y = TOP + ROW_H * (double)i, x0 = sx(&s, 0), x = sx(&s, r->value);
		char v[RIG_FMT_CAP];

		if (!isfinite(r->value))
			x = x0; /* no bar; the value reads "-" */

		rig_buf_appendf(b, "<g class=\"bar %s\"><title>", r->cls ? r->cls : "");
		rig_html_text(b, r->label);
		rig_buf_appendf(b, ": ");
		rig_html_text(b, rig_fmt_value(v, sizeof(v), r->value, unit));
		rig_buf_appendf(b,
				"</title><text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"end\">",
				LABEL_W - 6, y + 15);
		rig_html_text(b, r->label);
		rig_buf_appendf(b,
				"</text><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\"/>",
				fmin(x0, x), y + 4, fabs(x - x0));
		if (r->has_ci && isfinite(r->lo) && isfinite(r->hi))
			rig_buf_appendf(
			    b,
			    "<path class=\"ci\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f "
			    "%.1fV%.1f\"/>",
			    sx(&s, r->lo), y + 11, sx(&s, r->hi), sx(&s, r->lo), y + 6, y + 16,
			    sx(&s, r->hi), y + 6, y + 16);
		rig_buf_appendf(b, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">",
				fmax(x, r->has_ci ? sx(&s, r->hi) : x) + 4, y + 15);
		rig_html_text(b, v);
		rig_buf_appendf(b, "</text></g>\n");
	}
	rig_buf_appendf(b, "</svg>\n");
}

void rig_svg_strip(struct rig_buf *b, const char *title, const char *unit,
		   const struct rig_svg_strip_row *rows, size_t n)
{
	struct scale s = {INFINITY, -INFINITY, LABEL_W, W - 90};
	double h = TOP + ROW_H * (double)n + AXIS_H;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < rows[i].n; k++) {
			if (!isfinite(rows[i].v[k]))
				continue;
			s.lo = fmin(s.lo, rows[i].v[k]);
			s.hi = fmax(s.hi, rows[i].v[k]);
		}
	settle(&s.lo, &s.hi);
	{
		double pad = (s.hi - s.lo) * 0.05;
		s.lo -= pad;
		s.hi += pad;
	}
	open_svg(b, "strip", title, h, n);
	x_axis(b, &s, unit, TOP - 4, TOP + ROW_H * (double)n);
	for (size_t i = 0; i < n; i++) {
		const struct rig_svg_strip_row *r = &rows[i];
		double y = TOP + ROW_H * (double)i + 12;
		struct rig_summary sum;
		unsigned char *out;
		double *fv = rig_xcalloc(r->n + 1, sizeof(double));
		size_t n_out, nf = 0;

		for (size_t k = 0; k < r->n; k++) /* a NaN has no place on the axis */
			if (isfinite(r->v[k]))
				fv[nf++] = r->v[k];

		rig_buf_appendf(b,
				"<g class=\"row\" data-samples=\"%zu\"><text class=\"label\" "
				"x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
				r->n, LABEL_W - 6, y + 4);
		rig_html_text(b, r->label);
		rig_buf_appendf(b, "</text>");
		if (!nf || rig_stats_summary(fv, nf, &sum)) {
			rig_buf_appendf(b, "</g>\n");
			free(fv);
			continue;
		}
		out = rig_xcalloc(nf, 1);
		n_out = rig_stats_outliers(fv, nf, out);
		rig_buf_appendf(
		    b,
		    "<line class=\"range\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
		    "<rect class=\"ci\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\"/>"
		    "<line class=\"median\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		    sx(&s, sum.min), y, sx(&s, sum.max), y, sx(&s, sum.ci_lo), y - 6,
		    fabs(sx(&s, sum.ci_hi) - sx(&s, sum.ci_lo)), sx(&s, sum.median), y - 8,
		    sx(&s, sum.median), y + 8);
		for (size_t k = 0; k < nf; k++) {
			/* a fixed jitter so equal values stay visible, the same every run */
			double dy = (double)((int)(k * 7 % 11) - 5);
			char v[RIG_FMT_CAP];
			rig_buf_appendf(b,
					"<circle class=\"pt%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\">",
					out[k] ? " outlier" : "", sx(&s, fv[k]), y + dy,
					out[k] ? "3.5" : "2.2");
			rig_buf_appendf(b, "<title>");
			rig_html_text(b, rig_fmt_value(v, sizeof(v), fv[k], unit));
			rig_buf_appendf(b, "%s</title></circle>", out[k] ? " (outlier)" : "");
		}
		rig_buf_appendf(b, "<text class=\"note\" x=\"%.1f\" y=\"%.1f\">n=%zu", s.x1 + 8,
				y + 4, r->n);
		if (n_out)
			rig_buf_appendf(b, ", %zu out", n_out);
		rig_buf_appendf(b, "</text></g>\n");
		free(out);
		free(fv);
	}
	rig_buf_appendf(b, "</svg>\n");
}

void rig_svg_history(struct rig_buf *b, const char *title, const char *unit,
		     const struct rig_svg_hpoint *pts, size_t n)
{
	const double h = 230, y0 = TOP + 6, y1 = h - 40, x0 = 70, x1 = W - 16;
	double lo = INFINITY, hi = -INFINITY, step;
	size_t n_cp = 0, nf = 0;
	struct rig_svg_hpoint *fp = rig_xcalloc(n + 1, sizeof(*fp));

	/* a run without a finite median is not drawn; a missing CI is the median */
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(pts[i].median))
			continue;
		fp[nf] = pts[i];
		if (!isfinite(fp[nf].lo))
			fp[nf].lo = fp[nf].median;
		if (!isfinite(fp[nf].hi))
			fp[nf].hi = fp[nf].median;
		nf++;
	}
	pts = fp;
	n = nf;
	if (!n) {
		free(fp);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		lo = fmin(lo, fmin(pts[i].lo, pts[i].median));
		hi = fmax(hi, fmax(pts[i].hi, pts[i].median));
		n_cp += pts[i].change_point != 0;
	}
	settle(&lo, &hi);
	step = nice_step(hi - lo);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;
#define X(i) (n > 1 ? x0 + (x1 - x0) * (double)(i) / (double)(n - 1) : (x0 + x1) / 2)
#define Y(v) (y1 - frac((v), lo, hi) * (y1 - y0))
	open_svg(b, "history", title, h, n);
	rig_buf_appendf(b, "<g class=\"axis\" data-change-points=\"%zu\">", n_cp);
	for (int k = 0; k < MAX_TICKS && isfinite(step) && step > 0; k++) {
		char v[RIG_FMT_CAP];
		double t = lo + k * step;
		if (t > hi + step * 1e-9)
			break;
		rig_buf_appendf(
		    b,
		    "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
		    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
		    x0, Y(t), x1, Y(t), x0 - 4, Y(t) + 4);
		rig_html_text(b, rig_fmt_value(v, sizeof(v), fabs(t) < step * 1e-9 ? 0 : t, unit));
		rig_buf_appendf(b, "</text>");
	}
	rig_buf_appendf(b, "</g>\n<path class=\"band\" d=\"");
	for (size_t i = 0; i < n; i++)
		rig_buf_appendf(b, "%s%.1f %.1f", i ? "L" : "M", X(i), Y(pts[i].hi));
	for (size_t i = n; i-- > 0;)
		rig_buf_appendf(b, "L%.1f %.1f", X(i), Y(pts[i].lo));
	rig_buf_appendf(b, "Z\"/>\n<path class=\"line\" d=\"");
	for (size_t i = 0; i < n; i++)
		rig_buf_appendf(b, "%s%.1f %.1f", i ? "L" : "M", X(i), Y(pts[i].median));
	rig_buf_appendf(b, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		char v[RIG_FMT_CAP];
		if (pts[i].change_point) {
			double x = n > 1 && i ? (X(i) + X(i - 1)) / 2 : X(i);
			rig_buf_appendf(b,
					"<g class=\"cp\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
					"y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\">",
					x, y0 - 4, x, y1, x + 3, y0 + 6);
			if (isfinite(pts[i].shift))
				rig_buf_appendf(b, "%+.1f%%", pts[i].shift * 100);
			else
				rig_buf_appendf(b, "change");
			rig_buf_appendf(b, "</text></g>\n");
		}
		rig_buf_appendf(b, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.8\"><title>",
				X(i), Y(pts[i].median));
		rig_html_text(b, pts[i].label);
		rig_buf_appendf(b, ": ");
		rig_html_text(b, rig_fmt_value(v, sizeof(v), pts[i].median, unit));
		rig_buf_appendf(b, "</title></circle>\n");
	}
	/* run labels: the first, the last, and where segments start */
	for (size_t i = 0; i < n; i++) {
		if (i && i + 1 < n && !pts[i].change_point)
			continue;
		rig_buf_appendf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
				X(i), y1 + 16,
				n == 1	     ? "middle"
				: i == 0     ? "start"
				: i + 1 == n ? "end"
					     : "middle");
		rig_html_text(b, pts[i].label);
		rig_buf_appendf(b, "</text>\n");
	}
#undef X
#undef Y
	rig_buf_appendf(b, "</svg>\n");
	free(fp);
}

void rig_svg_spectrum(struct rig_buf *b, const char *title, const char *unit,
		      const char *const *xlabels, size_t nx, const struct rig_svg_series *series,
		      size_t ns)
{
	const double h = 230, y0 = TOP + 6, y1 = h - 40, x0 = 70, x1 = W - 110;
	double lo = INFINITY, hi = -INFINITY;
	int logy = 1;

	if (!nx || !ns)
		return;
	for (size_t i = 0; i < ns; i++)
		for (size_t k = 0; k < nx; k++) {
			double v = series[i].v[k];
			if (!isfinite(v))
				continue;
			lo = fmin(lo, v);
			hi = fmax(hi, v);
			logy &= v > 0;
		}
	if (logy && lo <= hi) {
		lo = pow(10, floor(log10(lo)));
		hi = pow(10, ceil(log10(hi)));
		if (hi <= lo)
			hi = lo * 10;
	}
	if (!logy || !(lo > 0) || !isfinite(hi)) {
		logy = 0;
		settle(&lo, &hi);
	}
#define X(k) (nx > 1 ? x0 + (x1 - x0) * (double)(k) / (double)(nx - 1) : (x0 + x1) / 2)
#define Y(v) (y1 - (logy ? frac(log10(v), log10(lo), log10(hi)) : frac((v), lo, hi)) * (y1 - y0))
	open_svg(b, "spectrum", title, h, ns);
	if (logy) {
		int k = 0;
		for (double t = lo; t <= hi * 1.0001 && t > 0 && k < 40; t *= 10, k++) {
			char v[RIG_FMT_CAP];
			rig_buf_appendf(b,
					"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
					"y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
					"text-anchor=\"end\">",
					x0, Y(t), x1, Y(t), x0 - 4, Y(t) + 4);
			rig_html_text(b, rig_fmt_value(v, sizeof(v), t, unit));
			rig_buf_appendf(b, "</text>\n");
		}
	} else {
		double step = nice_step(hi - lo), first = ceil(lo / step) * step;
		for (int k = 0; k < MAX_TICKS && isfinite(step) && step > 0; k++) {
			char v[RIG_FMT_CAP];
			double t = first + k * step;
			if (t > hi + step * 1e-9)
				break;
			rig_buf_appendf(b,
					"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
					"y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
					"text-anchor=\"end\">",
					x0, Y(t), x1, Y(t), x0 - 4, Y(t) + 4);
			rig_html_text(b, rig_fmt_value(v, sizeof(v), t, unit));
			rig_buf_appendf(b, "</text>\n");
		}
	}
	for (size_t k = 0; k < nx; k++) {
		rig_buf_appendf(b,
				"<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\">",
				X(k), y1 + 16);
		rig_html_text(b, xlabels[k]);
		rig_buf_appendf(b, "</text>\n");
	}
	for (size_t i = 0; i < ns; i++) {
		size_t drawn = 0, last = 0;
		rig_buf_appendf(b, "<g class=\"series s%zu\"><path class=\"line\" d=\"", i % 6);
		for (size_t k = 0; k < nx; k++) {
			double v = series[i].v[k];
			if (!isfinite(v) || (logy && v <= 0))
				continue;
			rig_buf_appendf(b, "%s%.1f %.1f", drawn ? "L" : "M", X(k), Y(v));
			drawn++;
			last = k;
		}
		rig_buf_appendf(b, "\"/>");
		for (size_t k = 0; k < nx; k++) {
			double v = series[i].v[k];
			char t[RIG_FMT_CAP];
			if (!isfinite(v) || (logy && v <= 0))
				continue;
			rig_buf_appendf(
			    b, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>",
			    X(k), Y(v));
			rig_html_text(b, series[i].label);
			rig_buf_appendf(b, " ");
			rig_html_text(b, xlabels[k]);
			rig_buf_appendf(b, ": ");
			rig_html_text(b, rig_fmt_value(t, sizeof(t), v, unit));
			rig_buf_appendf(b, "</title></circle>");
		}
		if (drawn) {
			rig_buf_appendf(b, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">",
					X(last) + 6, Y(series[i].v[last]) + 4);
			rig_html_text(b, series[i].label);
			rig_buf_appendf(b, "</text>");
		}
		rig_buf_appendf(b, "</g>\n");
	}
#undef X
#undef Y
	rig_buf_appendf(b, "</svg>\n");
}
