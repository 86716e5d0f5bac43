/*
 * `rig wasm`: inspect WebAssembly modules and check them against runtime
 * profiles.
 *
 *   rig wasm inspect MODULE [--functions N] [--format text|json]
 *   rig wasm sections MODULE [--format text|json]
 *   rig wasm check MODULE --profile P [--format text|json]
 *
 * Exit codes: 0 fine; 1 check found problems; 2 usage or unreadable /
 * malformed module (the message gives the byte offset).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conformance.h"
#include "store.h"
#include "wasm_module.h"
#include "wasm_profile.h"

#define WASM_PAGE 65536ull

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_strv(FILE *f, const struct rig_strv *sv)
{
	fputc('[', f);
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			fputc(',', f);
		json_str(f, sv->v[i]);
	}
	fputc(']', f);
}

/* Names for people: control characters shown as '?', the rest as is. */
static const char *printable(const char *s, char *buf, size_t cap)
{
	size_t i = 0;

	for (; s && *s && i + 1 < cap; s++)
		buf[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	buf[i] = '\0';
	return buf;
}

static int bad_format(const char *format)
{
	if (!format || strcmp(format, "text") == 0 || strcmp(format, "json") == 0)
		return 0;
	fprintf(stderr, "rig wasm: --format: expected text or json, got \"%s\"\n", format);
	return 1;
}

static int load_module(const char *path, struct rig_wasm_module **m)
{
	struct rig_error err = {0};

	if (rig_wasm_load(path, m, &err)) {
		fprintf(stderr, "rig wasm: %s\n", err.msg);
		return 2;
	}
	if ((*m)->warning[0])
		fprintf(stderr, "rig wasm: %s: warning: %s\n", path, (*m)->warning);
	return 0;
}

static void features_text(unsigned features, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned k = 0; rig_wasm_feature_name(k) && n < cap; k++)
		if (features & (1u << k))
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "",
					      rig_wasm_feature_name(k));
	if (!n)
		snprintf(buf, cap, "(none beyond the MVP)");
}

/* ---- sections ---- */

static void print_sections_text(const struct rig_wasm_module *m)
{
	char nb[64];

	printf("%-24s %10s %10s %10s %6s %8s\n", "SECTION", "START", "END", "SIZE", "%FILE",
	       "COUNT");
	for (size_t i = 0; i < m->n_sections; i++) {
		const struct rig_wasm_section *s = &m->sections[i];
		char cnt[24] = "";
		if (s->count >= 0)
			snprintf(cnt, sizeof(cnt), "%lld", (long long)s->count);
		printf("%-24s 0x%08llx 0x%08llx %10llu %5.1f%% %8s\n",
		       s->id == RIG_WASM_SEC_CUSTOM ? printable(s->name, nb, sizeof(nb)) : s->name,
		       (unsigned long long)s->payload_offset,
		       (unsigned long long)(s->payload_offset + s->size),
		       (unsigned long long)s->size,
		       m->file_bytes ? 100.0 * (double)s->size / (double)m->file_bytes : 0.0, cnt);
	}
}

static void print_sections_json(const struct rig_wasm_module *m)
{
	printf("[");
	for (size_t i = 0; i < m->n_sections; i++) {
		const struct rig_wasm_section *s = &m->sections[i];
		printf("%s{\"id\":%u,\"name\":", i ? "," : "", s->id);
		json_str(stdout, s->name);
		printf(
		    ",\"custom\":%s,\"offset\":%llu,\"start\":%llu,\"size\":%llu,\"count\":%lld}",
		    s->id == RIG_WASM_SEC_CUSTOM ? "true" : "false", (unsigned long long)s->offset,
		    (unsigned long long)s->payload_offset, (unsigned long long)s->size,
		    (long long)s->count);
	}
	printf("]");
}

static int wasm_sections(int argc, char **argv)
{
	const char *format = NULL;
	const struct rig_opt opts[] = {
	    {0, "format", RIG_OPT_STRING, &format, "FMT", "text (default) or json", 0, 0},
	    {0},
	};
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	struct rig_wasm_module *m;
	int rc = rig_parse_options(argc, argv, opts, "rig wasm sections MODULE [--format json]",
				   &rest, &err);

	if (rc == 1)
		return 0;
	if (rc || rest.n != 1 || bad_format(format)) {
		fprintf(stderr, "rig wasm sections: %s\n",
			rc ? err.msg : "expected one MODULE argument (see --help)");
		rig_strv_free(&rest);
		return 2;
	}
	rc = load_module(rest.v[0], &m);
	rig_strv_free(&rest);
	if (rc)
		return rc;
	if (format && strcmp(format, "json") == 0) {
		print_sections_json(m);
		printf("\n");
	} else {
		print_sections_text(m);
	}
	rig_wasm_free(m);
	return 0;
}

/* ---- inspect ---- */

/* Functions by body size, largest first. */
static int cmp_size_desc(const void *a, const void *b)
{
	const struct rig_wasm_func *fa = *(const struct rig_wasm_func *const *)a;
	const struct rig_wasm_func *fb = *(const struct rig_wasm_func *const *)b;
	return fa->body_size < fb->body_size ? 1 : fa->body_size > fb->body_size ? -1 : 0;
}

/* Go names are "path/to/pkg.Func" or "pkg.(*T).M": the package is what
 * precedes the first '.' after the last '/'. C names have no package. */
static void name_package(const char *name, char *out, size_t cap)
{
	const char *slash, *dot;

	if (!name) {
		snprintf(out, cap, "(unnamed)");
		return;
	}
	slash = strrchr(name, '/');
	dot = strchr(slash ? slash : name, '.');
	if (!dot || dot == name)
		snprintf(out, cap, "(no package)");
	else
		snprintf(out, cap, "%.*s", (int)(dot - name), name);
}

struct pkg_size {
	char name[128];
	uint64_t bytes;
	size_t funcs;
};

static int cmp_pkg_desc(const void *a, const void *b)
{
	const struct pkg_size *pa = a, *pb = b;
	return pa->bytes < pb->bytes ? 1 : pa->bytes > pb->bytes ? -1 : 0;
}

static struct pkg_size *package_sizes(const struct rig_wasm_module *m, size_t *n_out)
{
	struct pkg_size *p = NULL;
	size_t n = 0;

	for (size_t i = 0; i < m->n_funcs; i++) {
		char pkg[128];
		size_t k;

		name_package(m->funcs[i].name, pkg, sizeof(pkg));
		for (k = 0; k < n && strcmp(p[k].name, pkg) != 0; k++)
			;
		if (k == n) {
			p = rig_xrealloc(p, (n + 1) * sizeof(*p));
			memset(&p[n], 0, sizeof(*p));
			snprintf(p[n].name, sizeof(p[n].name), "%s", pkg);
			n++;
		}
		p[k].bytes += m->funcs[i].body_size;
		p[k].funcs++;
	}
	if (n)
		qsort(p, n, sizeof(*p), cmp_pkg_desc);
	*n_out = n;
	return p;
}

static const struct rig_wasm_func **sorted_funcs(const struct rig_wasm_module *m)
{
	const struct rig_wasm_func **v = rig_xcalloc(m->n_funcs + 1, sizeof(*v));

	for (size_t i = 0; i < m->n_funcs; i++)
		v[i] = &m->funcs[i];
	if (m->n_funcs)
		qsort(v, m->n_funcs, sizeof(*v), cmp_size_desc);
	return v;
}

static void print_inspect_text(const char *path, const struct rig_wasm_module *m, long long top)
{
	char buf[512], nb[256], nb2[256];
	const struct rig_wasm_func **sorted;
	struct pkg_size *pkgs;
	size_t n_pkgs;

	features_text(m->features, buf, sizeof(buf));
	printf("module    %s\n", path);
	printf("size      %llu bytes (code %llu, data %llu, custom %llu of which name %llu, DWARF "
	       "%llu)\n",
	       (unsigned long long)m->file_bytes, (unsigned long long)m->code_bytes,
	       (unsigned long long)m->data_bytes, (unsigned long long)m->custom_bytes,
	       (unsigned long long)m->name_bytes, (unsigned long long)m->debug_bytes);
	printf("features  %s\n", buf);
	if (m->module_name)
		printf("name      %s\n", printable(m->module_name, nb, sizeof(nb)));
	for (size_t i = 0; i < m->n_producers; i++)
		printf("producer  %s: %s %s\n", printable(m->producers[i].field, nb, sizeof(nb)),
		       printable(m->producers[i].name, nb2, sizeof(nb2)), m->producers[i].version);
	printf("\nsections\n");
	print_sections_text(m);

	printf("\nmemories\n");
	for (size_t i = 0; i < m->n_memories; i++) {
		const struct rig_wasm_limits *l = &m->memories[i].limits;
		printf("  memory %zu%s: initial %llu pages (%llu bytes)", i,
		       m->memories[i].imported ? " (imported)" : "", (unsigned long long)l->min,
		       (unsigned long long)(l->min * WASM_PAGE));
		if (l->has_max)
			printf(", maximum %llu pages (%llu bytes)", (unsigned long long)l->max,
			       (unsigned long long)(l->max * WASM_PAGE));
		else
			printf(", no maximum");
		printf("%s%s\n", l->shared ? ", shared" : "", l->is64 ? ", 64-bit" : "");
	}
	for (size_t i = 0; i < m->n_tables; i++)
		printf("  table %zu: %s, initial %llu%s\n", i,
		       rig_wasm_valtype_name(m->tables[i].reftype),
		       (unsigned long long)m->tables[i].limits.min,
		       m->tables[i].imported ? " (imported)" : "");

	printf("\nimports (%zu)\n", m->n_imports);
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct rig_wasm_import *im = &m->imports[i];
		char sig[256] = "";
		if (im->kind == RIG_WASM_EXT_FUNC)
			rig_wasm_format_type(&m->types[im->type_index], sig, sizeof(sig));
		printf("  %-6s %s.%s %s\n", rig_wasm_extern_name(im->kind),
		       printable(im->module, nb, sizeof(nb)), printable(im->name, nb2, sizeof(nb2)),
		       sig);
	}
	printf("\nexports (%zu)\n", m->n_exports);
	for (size_t i = 0; i < m->n_exports; i++) {
		const struct rig_wasm_export *e = &m->exports[i];
		char sig[256] = "";
		const struct rig_wasm_functype *t =
		    e->kind == RIG_WASM_EXT_FUNC ? rig_wasm_func_type(m, e->index) : NULL;
		if (t)
			rig_wasm_format_type(t, sig, sizeof(sig));
		printf("  %-6s %s %s\n", rig_wasm_extern_name(e->kind),
		       printable(e->name, nb, sizeof(nb)), sig);
	}
	if (m->has_start)
		printf("start     function %u\n", m->start_func);
	printf("\ndata      %zu segments, %llu bytes of initial contents; %zu element segments, "
	       "%zu globals\n",
	       m->n_data_segments, (unsigned long long)m->data_init_bytes, m->n_elem_segments,
	       m->n_globals + m->n_global_imports);

	printf("\nfunctions: %u imported, %zu defined, %llu instructions\n", m->n_func_imports,
	       m->n_funcs, (unsigned long long)m->n_instructions);
	pkgs = package_sizes(m, &n_pkgs);
	if (n_pkgs) {
		printf("\ncode by package (from the name section)\n");
		printf("  %10s %6s %6s  %s\n", "BYTES", "%CODE", "FUNCS", "PACKAGE");
		for (size_t i = 0; i < n_pkgs && (long long)i < top; i++)
			printf("  %10llu %5.1f%% %6zu  %s\n", (unsigned long long)pkgs[i].bytes,
			       m->code_bytes ? 100.0 * (double)pkgs[i].bytes / (double)m->code_bytes
					     : 0,
			       pkgs[i].funcs, printable(pkgs[i].name, nb, sizeof(nb)));
	}
	free(pkgs);
	sorted = sorted_funcs(m);
	if (m->n_funcs) {
		printf("\nlargest functions\n");
		printf("  %10s %6s  %s\n", "BYTES", "INDEX", "NAME");
	}
	for (size_t i = 0; i < m->n_funcs && (long long)i < top; i++)
		printf("  %10llu %6zu  %s\n", (unsigned long long)sorted[i]->body_size,
		       (size_t)(sorted[i] - m->funcs) + m->n_func_imports,
		       sorted[i]->name ? printable(sorted[i]->name, nb, sizeof(nb)) : "(no name)");
	free(sorted);
	if (m->warning[0])
		printf("\nwarning   %s\n", m->warning);
}

static void print_inspect_json(const char *path, const struct rig_wasm_module *m, long long top)
{
	const struct rig_wasm_func **sorted;
	struct pkg_size *pkgs;
	size_t n_pkgs;
	char sig[256];

	printf("{\"module\":");
	json_str(stdout, path);
	printf(",\"file_bytes\":%llu,\"code_bytes\":%llu,\"data_bytes\":%llu,\"custom_bytes\":%llu,"
	       "\"name_bytes\":%llu,\"debug_bytes\":%llu,\"instructions\":%llu,\"features\":[",
	       (unsigned long long)m->file_bytes, (unsigned long long)m->code_bytes,
	       (unsigned long long)m->data_bytes, (unsigned long long)m->custom_bytes,
	       (unsigned long long)m->name_bytes, (unsigned long long)m->debug_bytes,
	       (unsigned long long)m->n_instructions);
	for (unsigned k = 0, first = 1; rig_wasm_feature_name(k); k++)
		if (m->features & (1u << k)) {
			printf("%s", first ? "" : ",");
			json_str(stdout, rig_wasm_feature_name(k));
			first = 0;
		}
	printf("],\"sections\":");
	print_sections_json(m);
	printf(",\"memories\":[");
	for (size_t i = 0; i < m->n_memories; i++) {
		const struct rig_wasm_limits *l = &m->memories[i].limits;
		printf("%s{\"min_pages\":%llu,\"max_pages\":", i ? "," : "",
		       (unsigned long long)l->min);
		if (l->has_max)
			printf("%llu", (unsigned long long)l->max);
		else
			printf("null");
		printf(",\"shared\":%s,\"memory64\":%s,\"imported\":%s}",
		       l->shared ? "true" : "false", l->is64 ? "true" : "false",
		       m->memories[i].imported ? "true" : "false");
	}
	printf("],\"imports\":[");
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct rig_wasm_import *im = &m->imports[i];
		printf("%s{\"module\":", i ? "," : "");
		json_str(stdout, im->module);
		printf(",\"name\":");
		json_str(stdout, im->name);
		printf(",\"kind\":\"%s\"", rig_wasm_extern_name(im->kind));
		if (im->kind == RIG_WASM_EXT_FUNC) {
			printf(",\"type\":");
			json_str(stdout,
				 rig_wasm_format_type(&m->types[im->type_index], sig, sizeof(sig)));
		}
		printf("}");
	}
	printf("],\"exports\":[");
	for (size_t i = 0; i < m->n_exports; i++) {
		const struct rig_wasm_export *e = &m->exports[i];
		const struct rig_wasm_functype *t =
		    e->kind == RIG_WASM_EXT_FUNC ? rig_wasm_func_type(m, e->index) : NULL;
		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, e->name);
		printf(",\"kind\":\"%s\",\"index\":%u", rig_wasm_extern_name(e->kind), e->index);
		if (t) {
			printf(",\"type\":");
			json_str(stdout, rig_wasm_format_type(t, sig, sizeof(sig)));
		}
		printf("}");
	}
	printf("],\"producers\":[");
	for (size_t i = 0; i < m->n_producers; i++) {
		printf("%s{\"field\":", i ? "," : "");
		json_str(stdout, m->producers[i].field);
		printf(",\"name\":");
		json_str(stdout, m->producers[i].name);
		printf(",\"version\":");
		json_str(stdout, m->producers[i].version);
		printf("}");
	}
	printf("],\"func_imports\":%u,\"funcs\":%zu,\"packages\":[", m->n_func_imports, m->n_funcs);
	pkgs = package_sizes(m, &n_pkgs);
	for (size_t i = 0; i < n_pkgs; i++) {
		printf("%s{\"package\":", i ? "," : "");
		json_str(stdout, pkgs[i].name);
		printf(",\"bytes\":%llu,\"funcs\":%zu}", (unsigned long long)pkgs[i].bytes,
		       pkgs[i].funcs);
	}
	free(pkgs);
	printf("],\"largest_functions\":[");
	sorted = sorted_funcs(m);
	for (size_t i = 0; i < m->n_funcs && (long long)i < top; i++) {
		printf("%s{\"index\":%zu,\"bytes\":%llu,\"name\":", i ? "," : "",
		       (size_t)(sorted[i] - m->funcs) + m->n_func_imports,
		       (unsigned long long)sorted[i]->body_size);
		if (sorted[i]->name)
			json_str(stdout, sorted[i]->name);
		else
			printf("null");
		printf("}");
	}
	free(sorted);
	printf("],\"warning\":");
	json_str(stdout, m->warning);
	printf("}\n");
}

static int wasm_inspect(int argc, char **argv)
{
	const char *format = NULL;
	long long top = 20;
	const struct rig_opt opts[] = {
	    {'n', "functions", RIG_OPT_COUNT, &top, "N",
	     "list the N largest functions and packages (default 20)", 0, 1000000000},
	    {0, "format", RIG_OPT_STRING, &format, "FMT", "text (default) or json", 0, 0},
	    {0},
	};
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	struct rig_wasm_module *m;
	int rc = rig_parse_options(argc, argv, opts,
				   "rig wasm inspect MODULE [--functions N] [--format json]", &rest,
				   &err);

	if (rc == 1)
		return 0;
	if (rc || rest.n != 1 || bad_format(format)) {
		fprintf(stderr, "rig wasm inspect: %s\n",
			rc ? err.msg : "expected one MODULE argument (see --help)");
		rig_strv_free(&rest);
		return 2;
	}
	if ((rc = load_module(rest.v[0], &m))) {
		rig_strv_free(&rest);
		return rc;
	}
	if (format && strcmp(format, "json") == 0)
		print_inspect_json(rest.v[0], m, top);
	else
		print_inspect_text(rest.v[0], m, top);
	rig_wasm_free(m);
	rig_strv_free(&rest);
	return 0;
}

/* ---- check ---- */

static void print_check_text(const char *path, const struct rig_wasm_profile *p,
			     const struct rig_wasm_check *c)
{
	printf("module   %s\nprofile  %s (%s)%s%s\n", path, p->name, p->file,
	       p->description[0] ? ": " : "", p->description);
	for (size_t i = 0; i < c->missing_imports.n; i++)
		printf("missing import       %s\n", c->missing_imports.v[i]);
	for (size_t i = 0; i < c->unsupported_features.n; i++)
		printf("unsupported feature  %s\n", c->unsupported_features.v[i]);
	printf("memory   initial %llu bytes, maximum ",
	       (unsigned long long)c->initial_memory_bytes);
	if (c->max_memory_bytes)
		printf("%llu bytes", (unsigned long long)c->max_memory_bytes);
	else
		printf("none");
	if (p->memory_max_bytes >= 0)
		printf("; budget %lld bytes: %s\n", (long long)p->memory_max_bytes,
		       c->memory_fits ? "fits" : "DOES NOT FIT");
	else
		printf("; no budget in the profile\n");
	for (size_t i = 0; i < c->memory_problems.n; i++)
		printf("memory problem       %s\n", c->memory_problems.v[i]);
	for (size_t i = 0; i < c->notes.n; i++)
		printf("note                 %s\n", c->notes.v[i]);
	if (c->problems)
		printf("result   FAIL: %zu problem%s\n", c->problems, c->problems == 1 ? "" : "s");
	else
		printf("result   OK: the module should load on %s\n", p->name);
}

static void print_check_json(const char *path, const struct rig_wasm_profile *p,
			     const struct rig_wasm_check *c)
{
	printf("{\"module\":");
	json_str(stdout, path);
	printf(",\"profile\":");
	json_str(stdout, p->name);
	printf(",\"ok\":%s,\"problems\":%zu,\"missing_imports\":", c->problems ? "false" : "true",
	       c->problems);
	json_strv(stdout, &c->missing_imports);
	printf(",\"unsupported_features\":");
	json_strv(stdout, &c->unsupported_features);
	printf(",\"memory\":{\"initial_bytes\":%llu,\"max_bytes\":%llu,\"budget_bytes\":%lld,"
	       "\"fits\":%s,\"problems\":",
	       (unsigned long long)c->initial_memory_bytes, (unsigned long long)c->max_memory_bytes,
	       (long long)p->memory_max_bytes, c->memory_fits ? "true" : "false");
	json_strv(stdout, &c->memory_problems);
	printf("},\"notes\":");
	json_strv(stdout, &c->notes);
	printf("}\n");
}

/* ---- the dynamic verdicts beside the static one ---- */

struct conf_rows {
	int n, static_ok, failing;
};

static int print_conf_row(void *ctx, const struct rig_conf_row *r)
{
	struct conf_rows *cr = ctx;
	int failed = strcmp(r->verdict, "pass") != 0 && strcmp(r->verdict, "skip") != 0;

	if (!cr->n++)
		printf("\nruntimes (newest rig wasi-test verdict for this module, by SHA-256)\n");
	printf("  %-20s %-8s %s%s%.200s\n", r->board, r->verdict, r->runtime_version,
	       r->reason[0] ? ": " : "", r->reason);
	if (failed && cr->static_ok) {
		printf("  %-20s ^ the static check accepts the module but this runtime fails it\n",
		       "");
		cr->failing++;
	}
	return 0;
}

/* Shows what rig wasi-test stored for the module, when a store exists. */
static void print_conformance(struct rig_ctx *ctx, const char *module, int static_ok)
{
	struct rig_store *store = NULL;
	struct rig_error err = {0};
	struct conf_rows cr = {.static_ok = static_ok};
	char sha[65];

	if (rig_sha256_file(module, sha, &err) || rig_ctx_open_store_read(ctx, &store, &err))
		return;
	if (rig_conf_each_module(store, sha, print_conf_row, &cr, &err) < 0)
		fprintf(stderr, "rig wasm check: %s\n", err.msg);
	else if (!cr.n)
		printf("\nruntimes  no rig wasi-test verdict stored for this module (rig wasi-test "
		       "MODULE runs it on every WASI board)\n");
	rig_store_close(store);
}

static int wasm_check(int argc, char **argv, struct rig_ctx *ctx)
{
	const char *format = NULL, *profile = NULL;
	const struct rig_opt opts[] = {
	    {'p', "profile", RIG_OPT_STRING, &profile, "P",
	     "runtime profile: boards/wasm-profiles/P.yaml, or a path (required)", 0, 0},
	    {0, "format", RIG_OPT_STRING, &format, "FMT", "text (default) or json", 0, 0},
	    {0},
	};
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	struct rig_wasm_module *m = NULL;
	struct rig_wasm_profile *p = NULL;
	struct rig_wasm_check c;
	int rc = rig_parse_options(
	    argc, argv, opts, "rig wasm check MODULE --profile P [--format json]", &rest, &err);

	if (rc == 1)
		return 0;
	if (rc || rest.n != 1 || !profile || bad_format(format)) {
		fprintf(stderr, "rig wasm check: %s\n",
			rc	   ? err.msg
			: !profile ? "--profile P is required (see boards/wasm-profiles/)"
				   : "expected one MODULE argument (see --help)");
		rig_strv_free(&rest);
		return 2;
	}
	if (rig_wasm_profile_load(profile, ctx->boards_dir, &p, &err)) {
		fprintf(stderr, "rig wasm check: %s\n", err.msg);
		rig_strv_free(&rest);
		return 2;
	}
	if ((rc = load_module(rest.v[0], &m))) {
		rig_wasm_profile_free(p);
		rig_strv_free(&rest);
		return rc;
	}
	rig_wasm_check(m, p, &c);
	if (format && strcmp(format, "json") == 0)
		print_check_json(rest.v[0], p, &c);
	else {
		print_check_text(rest.v[0], p, &c);
		print_conformance(ctx, rest.v[0], c.problems == 0);
	}
	rc = c.problems ? 1 : 0;
	rig_wasm_check_free(&c);
	rig_wasm_free(m);
	rig_wasm_profile_free(p);
	rig_strv_free(&rest);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: rig wasm COMMAND MODULE [OPTIONS]\n\n"
	    "  inspect MODULE     sections, imports/exports with signatures, memory, features,\n"
	    "                     code size per package and function (name section)\n"
	    "  sections MODULE    section table (sizes as `wasm-objdump -h` gives them)\n"
	    "  check MODULE -p P  does the module load on runtime profile P? lists every\n"
	    "                     missing import, unsupported feature and memory problem;\n"
	    "                     exits 1 when there is any\n\n"
	    "`rig wasm COMMAND --help` shows a command's options; --format json for machines.\n");
}

int cmd_wasm(int argc, char **argv, struct rig_ctx *ctx)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "inspect") == 0)
		return wasm_inspect(argc - 1, argv + 1);
	if (strcmp(argv[1], "sections") == 0)
		return wasm_sections(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return wasm_check(argc - 1, argv + 1, ctx);
	fprintf(stderr, "rig wasm: unknown command '%s' (inspect, sections, check)\n", argv[1]);
	return 2;
}
