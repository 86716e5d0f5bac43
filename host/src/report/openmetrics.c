/* Results as OpenMetrics text, see openmetrics.h. */
#include "openmetrics.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/* Suffixes the text format gives meaning to (OpenMetrics 1.0, "Suffixes"). */
static const char *const reserved_suffix[] = {"_total",	 "_created", "_count", "_sum",
					      "_bucket", "_gcount",  "_gsum",  "_info"};

/* Escapes for a label value or a HELP text (the spec's escaped-string:
 * \\, \n and \" are the only escapes). */
static const char *om_escape(unsigned char c, char tmp[8])
{
	(void)tmp;
	return c == '\\' ? "\\\\" : c == '"' ? "\\\"" : c == '\n' ? "\\n" : NULL;
}

static void om_escaped(struct rig_buf *b, const char *s)
{
	rig_buf_escaped(b, s ? s : "", om_escape, "\xEF\xBF\xBD"); /* U+FFFD */
}

void rig_om_label_value(struct rig_buf *b, const char *s)
{
	rig_buf_append(b, "\"", 1);
	om_escaped(b, s);
	rig_buf_append(b, "\"", 1);
}

/* Lowercase [a-z0-9_] of s into out, runs of other bytes as one '_',
 * without leading or trailing '_'. */
static void om_word(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < cap; p++) {
		if (isalnum(*p) && *p < 0x80)
			out[n++] = (char)tolower(*p);
		else if (n && out[n - 1] != '_')
			out[n++] = '_';
	}
	while (n && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

/* The OpenMetrics base unit of a rig unit and the factor to it. */
static void om_unit_of(const char *unit, char *om, size_t cap, struct rig_om_scale *sc)
{
	/* dividing by 1e9 gives 0.00123 for 1230000 ns; multiplying by 1e-9
	 * gives 0.0012300000000000002 */
	static const struct {
		const char *rig, *om;
		struct rig_om_scale sc;
	} map[] = {
	    {"ns", "seconds", {1, 1e9}},	{"us", "seconds", {1, 1e6}},
	    {"\xC2\xB5s", "seconds", {1, 1e6}}, {"ms", "seconds", {1, 1e3}},
	    {"s", "seconds", {1, 1}},		{"B", "bytes", {1, 1}},
	    {"bytes", "bytes", {1, 1}},		{"KiB", "bytes", {1024, 1}},
	    {"MiB", "bytes", {1048576, 1}},	{"%", "percent", {1, 1}},
	    {"ratio", "ratio", {1, 1}},
	};
	size_t len = strlen(unit ? unit : "");

	sc->mul = sc->div = 1;
	om[0] = '\0';
	if (!len)
		return;
	for (size_t i = 0; i < RIG_ARRAY_SIZE(map); i++) {
		if (strcmp(unit, map[i].rig) == 0) {
			snprintf(om, cap, "%s", map[i].om);
			*sc = map[i].sc;
			return;
		}
	}
	if (len > 2 && strcmp(unit + len - 2, "/s") == 0) {
		char per[24], w[24];
		snprintf(per, sizeof(per), "%.*s", (int)(len - 2), unit);
		om_word(per, w, sizeof(w));
		if (w[0])
			snprintf(om, cap, "%s_per_second", w);
		return;
	}
	om_word(unit, om, cap);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(reserved_suffix); i++)
		if (strcmp(om, reserved_suffix[i] + 1) == 0)
			om[0] = '\0'; /* "count" as a unit would read as a suffix */
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Removes a trailing "_<w>" from s (case-insensitive). */
static void strip_suffix(char *s, const char *w)
{
	size_t a = strlen(s), b = strlen(w);

	if (b && a > b + 1 && s[a - b - 1] == '_' && strcasecmp(s + a - b, w) == 0)
		s[a - b - 1] = '\0';
}

/* "rig_<metric without its unit>" and the unit: the common part of every
 * family made from one rig metric. */
static void om_stem(const char *name, const char *unit, char *stem, size_t cap, char *om_unit,
		    size_t ucap, struct rig_om_scale *sc)
{
	char w[64], u[32];

	om_unit_of(unit, om_unit, ucap, sc);
	/* rig_overhead_ns is rig_overhead_seconds, not rig_rig_overhead_seconds */
	om_word(strncmp(name, "rig_", 4) == 0 ? name + 4 : name, w, sizeof(w));
	om_word(unit ? unit : "", u, sizeof(u));
	strip_suffix(w, u);
	strip_suffix(w, om_unit);
	snprintf(stem, cap, "rig_%s", w[0] ? w : "metric");
}

/* stem + middle + "_" + unit; "_value" when that would end in a reserved
 * suffix. Returns 0, or -1 when cap is too small. */
static int om_compose(char *out, size_t cap, const char *stem, const char *middle,
		      const char *om_unit)
{
	int n = snprintf(out, cap, "%s%s%s%s", stem, middle, om_unit[0] ? "_" : "", om_unit);

	if (n < 0 || (size_t)n >= cap)
		return -1;
	for (size_t i = 0; i < RIG_ARRAY_SIZE(reserved_suffix); i++) {
		if (ends_with(out, reserved_suffix[i])) {
			if ((size_t)n + 6 >= cap)
				return -1;
			strcat(out, "_value");
			break;
		}
	}
	return 0;
}

double rig_om_scaled(const struct rig_om_scale *sc, double v) { return v * sc->mul / sc->div; }

int rig_om_family(const char *name, const char *unit, char *out, size_t cap, char *om_unit,
		  size_t ucap, struct rig_om_scale *sc)
{
	char stem[96];

	om_stem(name, unit, stem, sizeof(stem), om_unit, ucap, sc);
	return om_compose(out, cap, stem, "", om_unit);
}

/* One family being assembled: its samples, and the label sets it has (a
 * label set may appear once per family). */
struct family {
	char name[128], type[12], unit[32];
	char help[256];
	struct rig_buf body;
	struct rig_strv keys;
};

struct writer {
	const struct rig_om_opts *o;
	struct family *f;
	size_t n;
	size_t dropped;
};

static struct family *family_get(struct writer *w, const char *name, const char *type,
				 const char *unit, const char *help)
{
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->f[i].name, name) == 0) {
			/* a rig metric that maps onto another kind of family */
			if (strcmp(w->f[i].type, type) || strcmp(w->f[i].unit, unit))
				return NULL;
			return &w->f[i];
		}
	}
	w->f = rig_xrealloc(w->f, (w->n + 1) * sizeof(*w->f));
	struct family *f = &w->f[w->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->type, sizeof(f->type), "%s", type);
	snprintf(f->unit, sizeof(f->unit), "%s", unit);
	snprintf(f->help, sizeof(f->help), "%s", help);
	return f;
}

/* The labels of a row, without braces: board="..",workload="..",... */
static void row_labels(struct rig_buf *b, const struct rig_row *r)
{
	const char *const keys[] = {"board", "workload", "profile", "toolchain", "target"};
	const char *const vals[] = {r->board, r->workload, r->profile, r->toolchain, r->target};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(keys); i++) {
		rig_buf_appendf(b, "%s%s=", i ? "," : "", keys[i]);
		rig_om_label_value(b, vals[i]);
	}
}

/* Adds "<sample>{labels} value [ts]" to f unless f has those labels. */
static void add_sample(struct writer *w, struct family *f, const char *sample_suffix,
		       const char *labels, double v, const struct rig_row *r)
{
	char num[RIG_FMT_CAP];

	if (!isfinite(v))
		return;
	if (!f || rig_strv_has(&f->keys, labels)) {
		w->dropped++;
		return;
	}
	rig_strv_push(&f->keys, labels);
	rig_buf_appendf(&f->body, "%s%s{%s} %s", f->name, sample_suffix, labels,
			rig_fmt_number(num, sizeof(num), v));
	if (w->o && w->o->timestamps && r->started > 0)
		rig_buf_appendf(&f->body, " %lld", (long long)r->started);
	rig_buf_append(&f->body, "\n", 1);
}

/* The median, CI and (when there is a baseline) ratio families of one
 * metric of one row. */
static void add_stat(struct writer *w, const struct rig_row *r, const char *labels,
		     const char *metric, const struct rig_stat *st)
{
	static const struct {
		const char *middle, *what;
	} parts[] = {
	    {"", "Median"},
	    {"_ci_low", "Low end of the 95% CI of the median"},
	    {"_ci_high", "High end of the 95% CI of the median"},
	};
	char stem[96], unit[32], name[128], help[256];
	struct rig_om_scale sc;
	double v[3];

	if (!st->present)
		return;
	om_stem(metric, st->unit, stem, sizeof(stem), unit, sizeof(unit), &sc);
	v[0] = rig_om_scaled(&sc, st->s.median);
	v[1] = rig_om_scaled(&sc, st->s.ci_lo);
	v[2] = rig_om_scaled(&sc, st->s.ci_hi);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(parts); i++) {
		if (om_compose(name, sizeof(name), stem, parts[i].middle, unit))
			continue;
		snprintf(help, sizeof(help),
			 "%s of rig metric %s (%s) over the ok samples of the newest run",
			 parts[i].what, metric, st->unit[0] ? st->unit : "no unit");
		add_sample(w, family_get(w, name, "gauge", unit, help), "", labels, v[i], r);
	}
	if (st->has_ratio && om_compose(name, sizeof(name), stem, "_baseline", "ratio") == 0) {
		snprintf(help, sizeof(help),
			 "Median of rig metric %s divided by the baseline profile's median on the "
			 "same board and workload",
			 metric);
		add_sample(w, family_get(w, name, "gauge", "ratio", help), "", labels, st->ratio,
			   r);
	}
}

static const char *const row_metric[RIG_M_COUNT] = {"startup_ns", "wall_ns", "ram_bytes",
						    "throughput", "boot_ns"};

static void add_row(struct writer *w, const struct rig_row *r)
{
	struct rig_buf lb = {0}, ext = {0};
	const struct {
		const char *name;
		int64_t v;
	} sizes[] = {{"rig_file_bytes", r->sizes.file_bytes},
		     {"rig_text_bytes", r->sizes.text_bytes},
		     {"rig_data_bytes", r->sizes.data_bytes},
		     {"rig_bss_bytes", r->sizes.bss_bytes}};

	/* rig's own families first: a workload metric that maps onto one of
	 * their names is the one dropped */
	row_labels(&lb, r);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(sizes); i++) {
		char help[96];
		if (sizes[i].v <= 0)
			continue;
		snprintf(help, sizeof(help), "Size of the built artifact (%s section or file)",
			 sizes[i].name + 4);
		add_sample(w, family_get(w, sizes[i].name, "gauge", "bytes", help), "", lb.data,
			   (double)sizes[i].v, r);
	}
	for (int ok = 1; ok >= 0; ok--) {
		struct rig_buf l2 = {0};
		rig_buf_appendf(&l2, "%s,outcome=\"%s\"", lb.data, ok ? "ok" : "failed");
		add_sample(w, family_get(w, "rig_samples", "counter", "", ""), "_total", l2.data,
			   ok ? r->n_ok : r->n_failed, r);
		rig_buf_free(&l2);
	}
	rig_buf_appendf(&ext, "%s,toolchain_version=", lb.data);
	rig_om_label_value(&ext, r->tc_version);
	rig_buf_appendf(&ext, ",sha256=");
	rig_om_label_value(&ext, r->sha256);
	add_sample(w, family_get(w, "rig_build", "info", "", ""), "_info", ext.data, 1, r);
	for (int m = 0; m < RIG_M_COUNT; m++)
		add_stat(w, r, lb.data, row_metric[m], &r->m[m]);
	for (size_t k = 0; k < r->n_extra; k++)
		add_stat(w, r, lb.data, r->extra_names[k], &r->extra[k]);
	rig_buf_free(&ext);
	rig_buf_free(&lb);
}

size_t rig_openmetrics_write(const struct rig_results *res, const struct rig_om_opts *o,
			     struct rig_buf *b)
{
	struct writer w = {.o = o};

	/* registered up front so no workload metric takes their names */
	family_get(&w, "rig_samples", "counter", "", "Samples taken in the newest run, by outcome");
	family_get(&w, "rig_build", "info", "",
		   "The toolchain version and artifact sha256 of a cell");
	for (size_t i = 0; i < res->n; i++)
		add_row(&w, &res->rows[i]);
	for (size_t i = 0; i < w.n; i++) {
		struct family *f = &w.f[i];
		if (f->body.len) {
			rig_buf_appendf(b, "# TYPE %s %s\n", f->name, f->type);
			if (f->unit[0])
				rig_buf_appendf(b, "# UNIT %s %s\n", f->name, f->unit);
			rig_buf_appendf(b, "# HELP %s ", f->name);
			om_escaped(b, f->help);
			rig_buf_append(b, "\n", 1);
			rig_buf_append(b, f->body.data, f->body.len);
		}
		rig_buf_free(&f->body);
		rig_strv_free(&f->keys);
	}
	free(w.f);
	rig_buf_appendf(b, "# EOF\n");
	return w.dropped;
}
