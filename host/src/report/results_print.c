/* Printing results: table for people, json/csv/benchfmt for machines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "mcu_ram.h"
#include "openmetrics.h"
#include "results.h"
#include "table.h"

void rig_results_stat_text(char *out, size_t cap, const struct rig_stat *st, const char *unit)
{
	char med[RIG_FMT_CAP], lo[RIG_FMT_CAP], hi[RIG_FMT_CAP];

	if (!st->present) {
		snprintf(out, cap, "-");
		return;
	}
	rig_fmt_value(med, sizeof(med), st->s.median, unit);
	if (st->s.n < 2) {
		snprintf(out, cap, "%s", med);
		return;
	}
	rig_fmt_value(lo, sizeof(lo), st->s.ci_lo, unit);
	rig_fmt_value(hi, sizeof(hi), st->s.ci_hi, unit);
	snprintf(out, cap, "%s [%s, %s]", med, lo, hi);
}

/* "1.23x" / "~" (not significant) / "" (no baseline) */
static void cell_ratio(char *out, size_t cap, const struct rig_row *r, const struct rig_stat *st)
{
	if (!st->has_ratio || r->is_baseline) {
		snprintf(out, cap, "%s", r->is_baseline && st->present ? "base" : "");
		return;
	}
	rig_fmt_ratio(out, cap, st->ratio, st->significant);
}

void rig_results_note(char *out, size_t cap, const struct rig_row *r)
{
	size_t n = 0;

	out[0] = '\0';
#define ADD(...) (n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__))
	if (r->emulated)
		ADD("emulated");
	if (r->flags[0])
		ADD("%sboard %s", n ? ", " : "", r->flags);
	if (r->n_failed)
		ADD("%s%d failed", n ? ", " : "", r->n_failed);
	if (r->m[RIG_M_STARTUP].present && r->m[RIG_M_STARTUP].s.n_outliers)
		ADD("%s%zu outlier%s", n ? ", " : "", r->m[RIG_M_STARTUP].s.n_outliers,
		    r->m[RIG_M_STARTUP].s.n_outliers == 1 ? "" : "s");
	if (r->m[RIG_M_STARTUP].has_ratio && r->m[RIG_M_STARTUP].n_too_small && !r->is_baseline)
		ADD("%sn too small for p<0.05", n ? ", " : "");
	if (strncmp(r->target, "none/", 5) == 0) {
		/* microcontrollers: where PEAK RAM comes from */
		const struct rig_stat *st = NULL, *hp = NULL, *in = NULL, *gs = NULL;
		char a[RIG_FMT_CAP], b[RIG_FMT_CAP], c[RIG_FMT_CAP];
		for (size_t k = 0; k < r->n_extra; k++) {
			if (strcmp(r->extra_names[k], "stack_hwm_bytes") == 0)
				st = &r->extra[k];
			if (strcmp(r->extra_names[k], "heap_hwm_bytes") == 0)
				hp = &r->extra[k];
			if (strcmp(r->extra_names[k], "stack_in_static_bytes") == 0)
				in = &r->extra[k];
			if (strcmp(r->extra_names[k], "goroutine_stack_hwm_bytes") == 0)
				gs = &r->extra[k];
		}
		/* a stack section in .bss (TinyGo) is shown as the stack */
		rig_fmt_bytes(a, sizeof(a),
			      rig_mcu_static_bytes(r->sizes.data_bytes + r->sizes.bss_bytes,
						   in && in->present ? in->s.median : 0));
		rig_fmt_bytes(b, sizeof(b), st && st->present ? st->s.median : 0);
		rig_fmt_bytes(c, sizeof(c), hp && hp->present ? hp->s.median : 0);
		ADD("%sstatic %s + stack %s + heap %s", n ? ", " : "", a, b, c);
		/* TinyGo: the main goroutine's stack, a block of that heap */
		if (gs && gs->present) {
			rig_fmt_bytes(a, sizeof(a), gs->s.median);
			ADD(" (main goroutine's stack %s of it)", a);
		}
	}
	for (size_t k = 0; k < r->n_extra; k++) {
		/* WASI: what the module costs above the runtime's empty-module floor */
		if (strcmp(r->extra_names[k], "startup_above_floor_ns") == 0 &&
		    r->extra[k].present) {
			const struct rig_summary *d = &r->extra[k].s;
			char fl[RIG_FMT_CAP];
			/* The CI of the median difference holding zero means the
			 * module cannot be told from the empty one: a figure such
			 * as "-15 ms above floor" is noise, not a cost. */
			if (d->ci_lo <= 0 && d->ci_hi >= 0) {
				ADD("%sstartup within noise of the floor", n ? ", " : "");
			} else if (d->median < 0) {
				rig_fmt_duration_ns(fl, sizeof(fl), -d->median);
				ADD("%sstartup below floor by %s", n ? ", " : "", fl);
			} else {
				rig_fmt_duration_ns(fl, sizeof(fl), d->median);
				ADD("%sstartup above floor %s", n ? ", " : "", fl);
			}
		}
	}
	if (strncmp(r->target, "wasip1/", 7) == 0) {
		/* module size by section: code, data, the rest (types, imports,
		 * custom sections such as name and producers) */
		char c[RIG_FMT_CAP], d[RIG_FMT_CAP], o[RIG_FMT_CAP];
		rig_fmt_bytes(c, sizeof(c), (double)r->sizes.text_bytes);
		rig_fmt_bytes(d, sizeof(d), (double)r->sizes.data_bytes);
		rig_fmt_bytes(
		    o, sizeof(o),
		    (double)(r->sizes.file_bytes - r->sizes.text_bytes - r->sizes.data_bytes));
		ADD("%scode %s + data %s + other %s", n ? ", " : "", c, d, o);
	}
	if (r->has_native) {
		char a[RIG_FMT_CAP], b[RIG_FMT_CAP];
		const struct rig_stat *su = &r->native[RIG_M_STARTUP], *op = &r->native[RIG_M_OPS];
		if (su->has_ratio) {
			rig_fmt_ratio(a, sizeof(a), su->ratio, su->significant);
			ADD("%sstartup vs native %s", n ? ", " : "", a);
		}
		if (op->has_ratio) {
			rig_fmt_ratio(b, sizeof(b), op->ratio, op->significant);
			ADD("%sops/s vs native %s", n ? ", " : "", b);
		}
	}
	if (r->sizes.extra_bytes) {
		char sz[RIG_FMT_CAP];
		rig_fmt_bytes(sz, sizeof(sz), (double)r->sizes.extra_bytes);
		ADD("%s+%s %s", n ? ", " : "", sz, r->sizes.extra_name);
	}
#undef ADD
}

static int print_table(const struct rig_results *res, FILE *f, int is_tty)
{
	static const struct {
		const char *name;
		enum rig_align align;
	} cols[] = {
	    {"BOARD", RIG_ALIGN_LEFT},	   {"WORKLOAD", RIG_ALIGN_LEFT},
	    {"PROFILE", RIG_ALIGN_LEFT},   {"N", RIG_ALIGN_RIGHT},
	    {"STARTUP", RIG_ALIGN_RIGHT},  {"vs base", RIG_ALIGN_RIGHT},
	    {"PEAK RAM", RIG_ALIGN_RIGHT}, {"FILE/FLASH", RIG_ALIGN_RIGHT},
	    {"TEXT", RIG_ALIGN_RIGHT},	   {"vs base", RIG_ALIGN_RIGHT},
	    {"OPS/S", RIG_ALIGN_RIGHT},	   {"vs base", RIG_ALIGN_RIGHT},
	    {"NOTE", RIG_ALIGN_LEFT},
	};
	struct rig_table *t = rig_table_new();
	struct rig_buf out = {0};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(cols); i++)
		rig_table_add_column(t, cols[i].name, cols[i].align);
	for (size_t i = 0; i < res->n; i++) {
		const struct rig_row *r = &res->rows[i];
		char n[16], startup[96], sr[RIG_FMT_CAP], ram[RIG_FMT_CAP], file[RIG_FMT_CAP],
		    text[RIG_FMT_CAP], zr[RIG_FMT_CAP], ops[96], opr[RIG_FMT_CAP], nt[320];

		if (i && strcmp(r->board, res->rows[i - 1].board))
			rig_table_add_separator(t);
		snprintf(n, sizeof(n), "%d", r->n_ok);
		rig_results_stat_text(startup, sizeof(startup), &r->m[RIG_M_STARTUP], "ns");
		cell_ratio(sr, sizeof(sr), r, &r->m[RIG_M_STARTUP]);
		if (r->m[RIG_M_RAM].present)
			rig_fmt_bytes(ram, sizeof(ram), r->m[RIG_M_RAM].s.median);
		else
			snprintf(ram, sizeof(ram), "-");
		/* bare metal: what goes into flash (text + data), not the ELF file */
		rig_fmt_bytes(file, sizeof(file),
			      strncmp(r->target, "none/", 5) == 0 ? (double)r->flash_bytes
								  : (double)r->sizes.file_bytes);
		rig_fmt_bytes(text, sizeof(text), (double)r->sizes.text_bytes);
		if (r->has_base && !r->is_baseline && r->size_ratio > 0)
			rig_fmt_ratio(zr, sizeof(zr), r->size_ratio, 1);
		else
			snprintf(zr, sizeof(zr), "%s", r->is_baseline ? "base" : "");
		rig_results_stat_text(ops, sizeof(ops), &r->m[RIG_M_OPS], "ops/s");
		cell_ratio(opr, sizeof(opr), r, &r->m[RIG_M_OPS]);
		rig_results_note(nt, sizeof(nt), r);
		const char *cells[] = {r->board, r->workload, r->profile, n,   startup, sr, ram,
				       file,	 text,	      zr,	  ops, opr,	nt};
		rig_table_add_row(t, cells, RIG_ARRAY_SIZE(cells));
	}
	rig_table_render(t, is_tty ? RIG_TABLE_ALIGNED : RIG_TABLE_TSV, &out);
	if (out.data)
		fputs(out.data, f);
	rig_buf_free(&out);
	rig_table_free(t);
	if (is_tty && res->n)
		fprintf(f,
			"\nmedian [95%% CI of the median]; vs base = ratio of medians to the "
			"baseline profile on the same board and workload (Mann-Whitney U, ~ = not "
			"significant at 0.05); sizes are exact. FILE/FLASH is the file size, or "
			"text + data "
			"for bare-metal images; PEAK RAM is peak RSS, or static + stack + heap "
			"high-water on microcontrollers.\n");
	return 0;
}

static void json_stat(struct rig_buf *b, const char *name, const struct rig_stat *st)
{
	rig_json_string(b, name);
	rig_buf_appendf(b, ":{\"unit\":");
	rig_json_string(b, st->unit);
	rig_buf_appendf(b, ",\"n\":%zu,\"median\":", st->s.n);
	rig_json_number(b, st->s.median);
	rig_buf_appendf(b, ",\"min\":");
	rig_json_number(b, st->s.min);
	rig_buf_appendf(b, ",\"max\":");
	rig_json_number(b, st->s.max);
	rig_buf_appendf(b, ",\"mad\":");
	rig_json_number(b, st->s.mad);
	rig_buf_appendf(b, ",\"ci_lo\":");
	rig_json_number(b, st->s.ci_lo);
	rig_buf_appendf(b, ",\"ci_hi\":");
	rig_json_number(b, st->s.ci_hi);
	rig_buf_appendf(b, ",\"ci_level\":");
	rig_json_number(b, st->s.ci_level);
	rig_buf_appendf(b, ",\"outliers\":%zu", st->s.n_outliers);
	if (st->has_ratio) {
		rig_buf_appendf(b, ",\"ratio\":");
		rig_json_number(b, st->ratio);
		rig_buf_appendf(b, ",\"p\":");
		rig_json_number(b, st->p);
		rig_buf_appendf(b, ",\"significant\":%s,\"n_too_small\":%s",
				st->significant ? "true" : "false",
				st->n_too_small ? "true" : "false");
	}
	rig_buf_appendf(b, ",\"values\":[");
	for (size_t i = 0; i < st->n; i++) {
		if (i)
			rig_buf_append(b, ",", 1);
		rig_json_number(b, st->values[i]);
	}
	rig_buf_appendf(b, "]}");
}

static const char *const row_metric_names[RIG_M_COUNT] = {"startup_ns", "wall_ns", "ram_bytes",
							  "throughput", "boot_ns"};

static void json_str_field(struct rig_buf *b, const char *key, const char *v)
{
	rig_buf_appendf(b, "\"%s\":", key);
	rig_json_string(b, v);
	rig_buf_append(b, ",", 1);
}

static int print_json(struct rig_store *store, const struct rig_results *res, FILE *f)
{
	struct rig_buf b = {0};

	rig_buf_appendf(&b, "[\n");
	for (size_t i = 0; i < res->n; i++) {
		const struct rig_row *r = &res->rows[i];
		int first = 1;

		rig_buf_append(&b, "{", 1);
		json_str_field(&b, "board", r->board);
		json_str_field(&b, "workload", r->workload);
		json_str_field(&b, "profile", r->profile);
		json_str_field(&b, "toolchain", r->toolchain);
		json_str_field(&b, "toolchain_version", r->tc_version);
		json_str_field(&b, "target", r->target);
		json_str_field(&b, "sha256", r->sha256);
		json_str_field(&b, "board_flags", r->flags);
		if (r->load[0]) {
			/* a run under load: its spec and its merged latency */
			json_str_field(&b, "load", r->load);
			if (r->merged_n)
				rig_buf_appendf(
				    &b,
				    "\"latency_merged\":{\"samples\":%d,\"p50_us\":%.3f,"
				    "\"p99_us\":%.3f,\"p999_us\":%.3f,\"max_us\":%.3f},",
				    r->merged_n, r->merged_us[0], r->merged_us[1], r->merged_us[2],
				    r->merged_us[3]);
		}
		rig_buf_appendf(&b,
				"\"emulated\":%s,\"n_ok\":%d,\"n_failed\":%d,\"iterations\":%lld,"
				"\"sizes\":{\"file\":%lld,\"text\":%lld,\"data\":%lld,\"bss\":%lld,"
				"\"alloc\":%lld,\"runtime_lib_bytes\":%lld,\"runtime_lib\":",
				r->emulated ? "true" : "false", r->n_ok, r->n_failed, r->iterations,
				(long long)r->sizes.file_bytes, (long long)r->sizes.text_bytes,
				(long long)r->sizes.data_bytes, (long long)r->sizes.bss_bytes,
				(long long)r->sizes.alloc_bytes, (long long)r->sizes.extra_bytes);
		rig_json_string(&b, r->sizes.extra_name);
		rig_buf_appendf(&b, "},\"metrics\":{");
		for (int m = 0; m < RIG_M_COUNT; m++) {
			if (!r->m[m].present)
				continue;
			if (!first)
				rig_buf_append(&b, ",", 1);
			json_stat(&b, row_metric_names[m], &r->m[m]);
			first = 0;
		}
		for (size_t k = 0; k < r->n_extra; k++) {
			if (!r->extra[k].present)
				continue;
			if (!first)
				rig_buf_append(&b, ",", 1);
			json_stat(&b, r->extra_names[k], &r->extra[k]);
			first = 0;
		}
		rig_buf_appendf(&b, "}");
		if (r->has_native) {
			int f2 = 1;
			rig_buf_appendf(&b, ",\"vs_native\":{");
			for (int m = 0; m < RIG_M_COUNT; m++) {
				if (!r->native[m].has_ratio)
					continue;
				rig_buf_appendf(&b, "%s\"%s\":{\"ratio\":", f2 ? "" : ",",
						row_metric_names[m]);
				rig_json_number(&b, r->native[m].ratio);
				rig_buf_appendf(&b, ",\"p\":");
				rig_json_number(&b, r->native[m].p);
				rig_buf_appendf(&b, "}");
				f2 = 0;
			}
			rig_buf_appendf(&b, "}");
		}
		rig_results_json_boards(store, r, &b);
		rig_buf_appendf(&b, "}%s\n", i + 1 < res->n ? "," : "");
	}
	rig_buf_appendf(&b, "]\n");
	fputs(b.data, f);
	rig_buf_free(&b);
	return 0;
}

static void csv_stat(struct rig_buf *b, const struct rig_row *r, const char *name,
		     const struct rig_stat *st)
{
	char n[24], num[7][RIG_FMT_CAP], em[4];

	if (!st->present)
		return;
	snprintf(n, sizeof(n), "%zu", st->s.n);
	snprintf(em, sizeof(em), "%d", r->emulated);
	rig_fmt_number(num[0], RIG_FMT_CAP, st->s.median);
	rig_fmt_number(num[1], RIG_FMT_CAP, st->s.ci_lo);
	rig_fmt_number(num[2], RIG_FMT_CAP, st->s.ci_hi);
	rig_fmt_number(num[3], RIG_FMT_CAP, st->s.min);
	rig_fmt_number(num[4], RIG_FMT_CAP, st->s.max);
	rig_fmt_number(num[5], RIG_FMT_CAP, st->s.mad);
	if (st->has_ratio) {
		rig_fmt_number(num[6], RIG_FMT_CAP, st->ratio);
	} else {
		num[6][0] = '\0';
	}
	char p[RIG_FMT_CAP] = "";
	if (st->has_ratio)
		rig_fmt_number(p, sizeof(p), st->p);
	const char *fields[] = {r->board, r->workload, r->profile, r->target, em,     name,
				n,	  num[0],      num[1],	   num[2],    num[3], num[4],
				num[5],	  st->unit,    num[6],	   p};
	rig_csv_row(b, fields, RIG_ARRAY_SIZE(fields));
}

static int print_csv(const struct rig_results *res, FILE *f)
{
	static const char *const head[] = {
	    "board",  "workload", "profile", "target", "emulated",
	    "metric", "n",	  "median",  "ci_lo",  "ci_hi",
	    "min",    "max",	  "mad",     "unit",   "ratio_to_baseline",
	    "p"};
	struct rig_buf b = {0};

	rig_csv_row(&b, head, RIG_ARRAY_SIZE(head));
	for (size_t i = 0; i < res->n; i++) {
		const struct rig_row *r = &res->rows[i];
		for (int m = 0; m < RIG_M_COUNT; m++)
			csv_stat(&b, r, row_metric_names[m], &r->m[m]);
		for (size_t k = 0; k < r->n_extra; k++)
			csv_stat(&b, r, r->extra_names[k], &r->extra[k]);
	}
	fputs(b.data, f);
	rig_buf_free(&b);
	return 0;
}

/* One benchmark line per sample, so benchstat computes its own statistics:
 * Benchmark<Workload>/board=B/profile=P-1  1  <startup> sec/op ... */
static int print_benchfmt(const struct rig_results *res, FILE *f, struct rig_error *err)
{
	struct rig_buf b = {0};
	int rc = 0;

	rig_benchfmt_config(&b, "tool", "rig " RIG_VERSION, NULL);
	for (size_t i = 0; i < res->n && !rc; i++) {
		const struct rig_row *r = &res->rows[i];
		const struct rig_stat *series[] = {&r->m[RIG_M_STARTUP], &r->m[RIG_M_WALL],
						   &r->m[RIG_M_RAM], &r->m[RIG_M_OPS]};
		const char *units[] = {"ns", "ns", "B", "ops/s"};
		const char *names[] = {"startup_ns", "wall_ns", "peak_ram_bytes", "throughput"};
		struct rig_benchfmt_part parts[] = {{"board", r->board}, {"profile", r->profile}};
		char base[40], name[256];
		size_t n = 0;

		snprintf(base, sizeof(base), "%c%s",
			 r->workload[0] >= 'a' && r->workload[0] <= 'z' ? r->workload[0] - 'a' + 'A'
									: r->workload[0],
			 r->workload + 1);
		for (char *c = base; *c; c++)
			if (*c == '-')
				*c = '_';
		if ((rc = rig_benchfmt_name(name, sizeof(name), base, parts, 2, 1, err)))
			break;
		for (size_t k = 0; k < RIG_ARRAY_SIZE(series); k++)
			if (series[k]->n > n)
				n = series[k]->n;
		for (size_t s = 0; s < n && !rc; s++) {
			struct rig_benchfmt_value v[5];
			char ustore[5][48];
			size_t nv = 0;
			for (size_t k = 0; k < RIG_ARRAY_SIZE(series); k++) {
				if (s >= series[k]->n)
					continue;
				if (rig_benchfmt_metric(names[k], units[k], series[k]->values[s],
							ustore[nv], sizeof(ustore[nv]),
							&v[nv].value, NULL) == 0) {
					v[nv].unit = ustore[nv];
					nv++;
				}
			}
			v[nv].value = (double)r->sizes.file_bytes;
			v[nv].unit = "file-B";
			nv++;
			rc = rig_benchfmt_result(&b, name, r->iterations > 0 ? r->iterations : 1, v,
						 nv, err);
		}
	}
	if (b.data)
		fputs(b.data, f);
	rig_buf_free(&b);
	return rc;
}

static int print_openmetrics(const struct rig_results *res, const struct rig_results_opts *o,
			     FILE *f)
{
	struct rig_buf b = {0};
	struct rig_om_opts oo = {.timestamps = o->timestamps};
	size_t dropped = rig_openmetrics_write(res, &oo, &b);

	fputs(b.data, f);
	rig_buf_free(&b);
	if (dropped)
		fprintf(stderr,
			"rig: %zu sample%s left out of the OpenMetrics text: two metrics of one "
			"cell map to the same name\n",
			dropped, dropped == 1 ? "" : "s");
	return 0;
}

/* Skips are grouped by board and reason: "tinygo not found" once per board,
 * with the profiles and workloads it kept from running. */
struct skip_group {
	char board[64];
	char reason[512];
	struct rig_strv profiles, workloads;
};

struct skip_ctx {
	const struct rig_results_opts *o;
	const struct rig_results *res;
	struct skip_group *g;
	size_t n;
};

static int on_skip(void *ctx, const struct rig_skip *sk)
{
	struct skip_ctx *sc = ctx;
	struct skip_group *g = NULL;
	int rlen = (int)strcspn(sk->reason, "\n");

	if (!rig_results_filter_has(sc->o->boards, sk->board) ||
	    !rig_results_filter_has(sc->o->workloads, sk->workload) ||
	    !rig_results_filter_has(sc->o->profiles, sk->profile))
		return 0;
	/* a combination measured since it was skipped is not skipped */
	for (size_t i = 0; i < sc->res->n; i++)
		if (strcmp(sc->res->rows[i].board, sk->board) == 0 &&
		    strcmp(sc->res->rows[i].workload, sk->workload) == 0 &&
		    strcmp(sc->res->rows[i].profile, sk->profile) == 0)
			return 0;
	for (size_t i = 0; i < sc->n && !g; i++)
		if (strcmp(sc->g[i].board, sk->board) == 0 &&
		    strncmp(sc->g[i].reason, sk->reason, (size_t)rlen) == 0 &&
		    sc->g[i].reason[rlen] == '\0')
			g = &sc->g[i];
	if (!g) {
		sc->g = rig_xrealloc(sc->g, (sc->n + 1) * sizeof(*sc->g));
		g = &sc->g[sc->n++];
		memset(g, 0, sizeof(*g));
		snprintf(g->board, sizeof(g->board), "%s", sk->board);
		snprintf(g->reason, sizeof(g->reason), "%.*s", rlen, sk->reason);
	}
	if (!rig_strv_has(&g->profiles, sk->profile))
		rig_strv_push(&g->profiles, sk->profile);
	if (!rig_strv_has(&g->workloads, sk->workload))
		rig_strv_push(&g->workloads, sk->workload);
	return 0;
}

static void print_skips(struct skip_ctx *sc, FILE *f)
{
	for (size_t i = 0; i < sc->n; i++) {
		struct skip_group *g = &sc->g[i];

		if (!i)
			fprintf(f, "\nskipped:\n");
		fprintf(f, "  %s:", g->board);
		for (size_t k = 0; k < g->profiles.n; k++)
			fprintf(f, "%s%s", k ? "," : " ", g->profiles.v[k]);
		fprintf(f, " x");
		for (size_t k = 0; k < g->workloads.n; k++)
			fprintf(f, "%s%s", k ? "," : " ", g->workloads.v[k]);
		fprintf(f, ": %s\n", g->reason);
		rig_strv_free(&g->profiles);
		rig_strv_free(&g->workloads);
	}
	free(sc->g);
}

int rig_results_print(struct rig_store *store, const struct rig_results_opts *o, FILE *f,
		      struct rig_error *err)
{
	struct rig_results res;
	const char *fmt = o->format ? o->format : "table";
	int rc;

	if (strcmp(fmt, "table") && strcmp(fmt, "json") && strcmp(fmt, "csv") &&
	    strcmp(fmt, "benchfmt") && strcmp(fmt, "openmetrics"))
		return rig_fail(err, RIG_ERR_INVALID,
				"--format: expected table, json, csv, benchfmt or openmetrics, got "
				"\"%s\"",
				fmt);
	if ((rc = rig_results_load(store, o, &res, err)))
		return rc;
	if (strcmp(fmt, "json") == 0)
		rc = print_json(store, &res, f);
	else if (strcmp(fmt, "csv") == 0)
		rc = print_csv(&res, f);
	else if (strcmp(fmt, "benchfmt") == 0)
		rc = print_benchfmt(&res, f, err);
	else if (strcmp(fmt, "openmetrics") == 0)
		rc = print_openmetrics(&res, o, f);
	else {
		rc = print_table(&res, f, o->is_tty);
		rig_results_print_load(&res, f, o->is_tty);
		rig_results_print_boards(store, &res, f, o->is_tty);
		if (!res.n && ((o->boards && o->boards->n) || (o->workloads && o->workloads->n) ||
			       (o->profiles && o->profiles->n)))
			fprintf(stderr, "rig: no stored results match these filters together\n");
		else if (!res.n)
			fprintf(stderr, "rig: no results stored yet (run rig bench)\n");
		if (o->skips_since) {
			struct skip_ctx sc = {.o = o, .res = &res};
			rc = rig_store_each_skip(store, o->skips_since, on_skip, &sc, err);
			print_skips(&sc, f);
		}
	}
	rig_results_free(&res);
	return rc;
}
