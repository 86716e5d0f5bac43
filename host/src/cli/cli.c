#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "select.h"
#include "store.h"
#include "toolchain.h"

void rig_split_list(const char *s, struct rig_strv *sv)
{
	/* Empty items are kept ("" is one, "," two) so the command can refuse
	 * them instead of running its defaults. */
	do {
		size_t n = strcspn(s ? s : "", ",");
		char *w = rig_xasprintf("%.*s", (int)n, s ? s : "");
		rig_strv_push(sv, w);
		free(w);
		s = s ? s + n : NULL;
		if (s && *s == ',')
			s++;
		else
			s = NULL;
	} while (s);
}

int rig_ctx_boards(const struct rig_ctx *ctx, struct rig_strv *out)
{
	return rig_boards_in_dir(ctx->boards_dir, out);
}

int rig_ctx_check_boards(const struct rig_ctx *ctx, const char *option,
			 const struct rig_strv *items, struct rig_error *err)
{
	struct rig_strv known = {0};
	char where[80];
	int rc;

	snprintf(where, sizeof(where), "option %s", option);
	if ((rc = rig_names_check_list(option, "board", items, 0, NULL, err)))
		return rc;
	rig_ctx_boards(ctx, &known);
	for (size_t i = 0; i < items->n && !rc; i++) {
		const char *it = items->v[i];
		/* a board file by path: its name: field is checked when it loads */
		if (strchr(it, '/') || strstr(it, ".yaml"))
			continue;
		if (!(rc = rig_name_check(where, "board", it, err)))
			rc = rig_names_known(where, "board", it, &known, err);
	}
	rig_strv_free(&known);
	return rc;
}

static const struct rig_opt *find_long(const struct rig_opt *opts, const char *name, size_t n)
{
	for (; opts->type != RIG_OPT_END; opts++)
		if (strlen(opts->long_name) == n && strncmp(opts->long_name, name, n) == 0)
			return opts;
	return NULL;
}

static const struct rig_opt *find_short(const struct rig_opt *opts, char c)
{
	for (; opts->type != RIG_OPT_END; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

static int set_value(const struct rig_opt *o, const char *arg, struct rig_error *err)
{
	long long v;

	switch (o->type) {
	case RIG_OPT_FLAG:
		*(int *)o->value = 1;
		return 0;
	case RIG_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case RIG_OPT_COUNT:
		if (rig_parse_count(arg, o->min, o->max, &v))
			return rig_fail(
			    err, RIG_ERR_INVALID,
			    "option --%s: expected a whole number from %lld to %lld, got \"%s\"",
			    o->long_name, o->min, o->max, arg);
		*(long long *)o->value = v;
		return 0;
	case RIG_OPT_DURATION:
		if (rig_parse_duration_ms(arg, &v))
			return rig_fail(
			    err, RIG_ERR_INVALID,
			    "option --%s: expected a duration such as 500ms, 2s or 1m, got \"%s\"",
			    o->long_name, arg);
		*(long long *)o->value = v;
		return 0;
	case RIG_OPT_LIST:
		rig_split_list(arg, (struct rig_strv *)o->value);
		return 0;
	default:
		return RIG_ERR_INVALID;
	}
}

int rig_parse_options(int argc, char **argv, const struct rig_opt *opts, const char *usage,
		      struct rig_strv *rest, struct rig_error *err)
{
	int only_args = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct rig_opt *o;
		const char *val = NULL;
		int rc;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			rig_strv_push(rest, a);
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			rig_print_options(stdout, usage, opts);
			return 1;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = find_long(opts, a + 2, n);
			if (!o)
				return rig_fail(err, RIG_ERR_INVALID,
						"unknown option '%.*s' (see --help)", (int)n + 2,
						a);
			if (eq)
				val = eq + 1;
		} else {
			o = find_short(opts, a[1]);
			if (!o)
				return rig_fail(err, RIG_ERR_INVALID,
						"unknown option '-%c' (see --help)", a[1]);
			if (a[2])
				val = a + 2;
		}
		if (o->type == RIG_OPT_FLAG) {
			if (val)
				return rig_fail(err, RIG_ERR_INVALID, "option --%s takes no value",
						o->long_name);
		} else if (!val) {
			if (i + 1 >= argc)
				return rig_fail(err, RIG_ERR_INVALID,
						"option --%s needs a value (%s)", o->long_name,
						o->argh ? o->argh : "VALUE");
			val = argv[++i];
		}
		if ((rc = set_value(o, val, err)))
			return rc;
	}
	return 0;
}

void rig_print_options(FILE *f, const char *usage, const struct rig_opt *opts)
{
	fprintf(f, "usage: %s\n\n", usage);
	for (; opts->type != RIG_OPT_END; opts++) {
		char left[64], shortpart[8] = "    ";
		const char *argh = opts->type == RIG_OPT_FLAG ? ""
				   : opts->argh		      ? opts->argh
							      : "VALUE";

		if (opts->short_name)
			snprintf(shortpart, sizeof(shortpart), "-%c, ", opts->short_name);
		snprintf(left, sizeof(left), "%s--%s%s%s", shortpart, opts->long_name,
			 *argh ? " " : "", argh);
		fprintf(f, "  %-30s %s\n", left, opts->help);
	}
}

const char *rig_ctx_db_file(const struct rig_ctx *ctx, char *buf, size_t cap)
{
	if (ctx->db_path)
		return ctx->db_path;
	snprintf(buf, cap, "%s/rig.db", ctx->state_dir);
	return buf;
}

int rig_ctx_open_store(struct rig_ctx *ctx, struct rig_store **out, struct rig_error *err)
{
	char path[1200];
	int rc;

	if (ctx->db_path)
		return rig_store_open(ctx->db_path, out, err);
	if ((rc = rig_mkdirs(ctx->state_dir, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/rig.db", ctx->state_dir);
	return rig_store_open(path, out, err);
}

int rig_ctx_open_store_read(struct rig_ctx *ctx, struct rig_store **out, struct rig_error *err)
{
	char path[1200];

	if (ctx->db_path)
		return rig_store_open_read(ctx->db_path, out, err);
	snprintf(path, sizeof(path), "%s/rig.db", ctx->state_dir);
	return rig_store_open_read(path, out, err);
}

int rig_ctx_load_toolchains(struct rig_ctx *ctx, struct rig_toolchains **out, struct rig_error *err)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/host/toolchains.yaml", ctx->source_dir);
	return rig_toolchains_load(path, (const char *const *)ctx->toolchain_files.v, out, err);
}
