/* Toolchains and build profiles from YAML: see toolchain.h and
 * host/toolchains.yaml. */
#include "toolchain.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "elfsize.h"
#include "log.h"
#include "wasm_module.h"

#define MAX_OUTPUT_TAIL 1500

struct var {
	char *name;
	struct rig_strv words; /* one word for a scalar */
	int is_list;
};

struct vars {
	struct var *v;
	size_t n;
};

struct tc_target {
	char key[64]; /* os/arch or os/arch/variant */
	struct vars vars;
	struct rig_strv build; /* empty: the toolchain's */
	char dir[512];	       /* empty: the toolchain's */
};

struct toolchain {
	char name[32];
	char lang[8];
	char file[512];
	struct rig_strv version, build, env;
	char dir[512];
	char install[512];
	struct vars vars;
	struct tc_target *targets;
	size_t n_targets;
};

struct profile {
	char name[48];
	char toolchain[32];
	struct rig_strv flags, env;
	struct vars vars;
	char runtime_lib[64];
	int is_default, baseline;
};

struct detect_cache {
	char toolchain[32];
	char target_key[64];
	struct rig_tc_info info;
};

struct rig_toolchains {
	struct toolchain *tc;
	size_t n_tc;
	struct profile *p;
	size_t n_p;
	struct detect_cache *dc; /* version detection is run once per toolchain/target */
	size_t n_dc;
	char sources_hash[65]; /* of firmware/, computed on first build */
	char sources_root[1024];
};

static void vars_free(struct vars *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		rig_strv_free(&vs->v[i].words);
	}
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

static struct var *vars_find(const struct vars *vs, const char *name, size_t len)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strlen(vs->v[i].name) == len && strncmp(vs->v[i].name, name, len) == 0)
			return &vs->v[i];
	return NULL;
}

static struct var *vars_put(struct vars *vs, const char *name, int is_list)
{
	struct var *v = vars_find(vs, name, strlen(name));

	if (v) {
		rig_strv_free(&v->words);
	} else {
		vs->v = rig_xrealloc(vs->v, (vs->n + 1) * sizeof(*vs->v));
		v = &vs->v[vs->n++];
		memset(v, 0, sizeof(*v));
		v->name = rig_xstrdup(name);
	}
	v->is_list = is_list;
	return v;
}

static void vars_set(struct vars *vs, const char *name, const char *value)
{
	rig_strv_push(&vars_put(vs, name, 0)->words, value);
}

static void vars_set_list(struct vars *vs, const char *name, const struct rig_strv *words)
{
	struct var *v = vars_put(vs, name, 1);

	for (size_t i = 0; i < words->n; i++)
		rig_strv_push(&v->words, words->v[i]);
}

/* Later layers override earlier ones. */
static void vars_merge(struct vars *dst, const struct vars *src)
{
	for (size_t i = 0; i < src->n; i++) {
		vars_set_list(dst, src->v[i].name, &src->v[i].words);
		vars_find(dst, src->v[i].name, strlen(src->v[i].name))->is_list = src->v[i].is_list;
	}
}

/* Reads a `vars:`-style mapping of scalars or lists. */
static int load_vars(const struct rig_cfg *cfg, struct rig_cfg_node *map, struct vars *out,
		     const char *const *skip, struct rig_error *err)
{
	size_t n = rig_cfg_map_len(map);

	for (size_t i = 0; i < n; i++) {
		struct rig_cfg_node *val;
		const char *k = rig_cfg_map_key(map, i, &val);
		struct rig_strv words = {0};
		int skipped = 0, rc;

		for (size_t j = 0; skip && skip[j]; j++)
			if (k && strcmp(k, skip[j]) == 0)
				skipped = 1;
		if (!k || skipped)
			continue;
		if (!rig_cfg_is_seq(val) && !rig_cfg_is_scalar(val))
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%d: variable '%s': expected a string or a list of strings",
			    rig_cfg_path(cfg), rig_cfg_line(val ? val : map), k);
		if ((rc = rig_cfg_strv(cfg, map, k, 1, &words, err))) {
			rig_strv_free(&words);
			return rc;
		}
		vars_set_list(out, k, &words);
		vars_find(out, k, strlen(k))->is_list = rig_cfg_is_seq(val);
		rig_strv_free(&words);
	}
	return 0;
}

static const char *const tc_keys[] = {"lang", "version", "build",   "dir", "env",
				      "vars", "targets", "install", NULL};
static const char *const profile_keys[] = {"toolchain",	  "flags",   "env",	 "vars",
					   "runtime_lib", "default", "baseline", NULL};

static int load_toolchain(const struct rig_cfg *cfg, const char *name, struct rig_cfg_node *node,
			  struct toolchain *tc, struct rig_error *err)
{
	static const char *const langs[] = {"go", "c", NULL};
	struct rig_cfg_node *targets;
	int lang, rc;

	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "%s", name);
	snprintf(tc->file, sizeof(tc->file), "%s", rig_cfg_path(cfg));
	if ((rc = rig_cfg_known_keys(cfg, node, tc_keys, err)) ||
	    (rc = rig_cfg_enum(cfg, node, "lang", 1, langs, 0, &lang, err)) ||
	    (rc = rig_cfg_strv(cfg, node, "version", 1, &tc->version, err)) ||
	    (rc = rig_cfg_strv(cfg, node, "build", 1, &tc->build, err)) ||
	    (rc = rig_cfg_strv(cfg, node, "env", 0, &tc->env, err)) ||
	    (rc = rig_cfg_str(cfg, node, "dir", 0, "{root}", tc->dir, sizeof(tc->dir), err)) ||
	    (rc =
		 rig_cfg_str(cfg, node, "install", 0, "", tc->install, sizeof(tc->install), err)) ||
	    (rc = load_vars(cfg, rig_cfg_get(cfg, node, "vars"), &tc->vars, NULL, err)))
		return rc;
	snprintf(tc->lang, sizeof(tc->lang), "%s", langs[lang]);
	targets = rig_cfg_get(cfg, node, "targets");
	if (!targets || rig_cfg_map_len(targets) == 0)
		return rig_fail(
		    err, RIG_ERR_PARSE,
		    "%s:%d: toolchain '%s': field 'targets' is required (os/arch: {vars})",
		    rig_cfg_path(cfg), rig_cfg_line(node), name);
	tc->n_targets = rig_cfg_map_len(targets);
	tc->targets = rig_xcalloc(tc->n_targets, sizeof(*tc->targets));
	for (size_t i = 0; i < tc->n_targets; i++) {
		static const char *const skip[] = {"build", "dir", NULL};
		struct rig_cfg_node *tn;
		const char *key = rig_cfg_map_key(targets, i, &tn);
		struct tc_target *t = &tc->targets[i];

		if (!key || strlen(key) >= sizeof(t->key) || strchr(key, '/') == NULL)
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%d: toolchain '%s': target '%s' must be os/arch or os/arch/variant",
			    rig_cfg_path(cfg), rig_cfg_line(tn), name, key ? key : "?");
		snprintf(t->key, sizeof(t->key), "%s", key);
		if ((rc = load_vars(cfg, tn, &t->vars, skip, err)) ||
		    (rc = rig_cfg_strv(cfg, tn, "build", 0, &t->build, err)) ||
		    (rc = rig_cfg_str(cfg, tn, "dir", 0, "", t->dir, sizeof(t->dir), err)))
			return rc;
	}
	return 0;
}

static int load_profile(const struct rig_cfg *cfg, const char *name, struct rig_cfg_node *node,
			struct profile *p, struct rig_error *err)
{
	int rc;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if ((rc = rig_cfg_known_keys(cfg, node, profile_keys, err)) ||
	    (rc = rig_cfg_str(cfg, node, "toolchain", 1, NULL, p->toolchain, sizeof(p->toolchain),
			      err)) ||
	    (rc = rig_cfg_strv(cfg, node, "flags", 0, &p->flags, err)) ||
	    (rc = rig_cfg_strv(cfg, node, "env", 0, &p->env, err)) ||
	    (rc = rig_cfg_str(cfg, node, "runtime_lib", 0, "", p->runtime_lib,
			      sizeof(p->runtime_lib), err)) ||
	    (rc = rig_cfg_bool(cfg, node, "default", 0, 0, &p->is_default, err)) ||
	    (rc = rig_cfg_bool(cfg, node, "baseline", 0, 0, &p->baseline, err)) ||
	    (rc = load_vars(cfg, rig_cfg_get(cfg, node, "vars"), &p->vars, NULL, err)))
		return rc;
	return 0;
}

static struct toolchain *find_tc(const struct rig_toolchains *tcs, const char *name)
{
	for (size_t i = 0; i < tcs->n_tc; i++)
		if (strcmp(tcs->tc[i].name, name) == 0)
			return &tcs->tc[i];
	return NULL;
}

static struct profile *find_profile(const struct rig_toolchains *tcs, const char *name)
{
	for (size_t i = 0; i < tcs->n_p; i++)
		if (strcmp(tcs->p[i].name, name) == 0)
			return &tcs->p[i];
	return NULL;
}

static void toolchain_free(struct toolchain *tc)
{
	rig_strv_free(&tc->version);
	rig_strv_free(&tc->build);
	rig_strv_free(&tc->env);
	vars_free(&tc->vars);
	for (size_t i = 0; i < tc->n_targets; i++) {
		vars_free(&tc->targets[i].vars);
		rig_strv_free(&tc->targets[i].build);
	}
	free(tc->targets);
}

static void profile_free(struct profile *p)
{
	rig_strv_free(&p->flags);
	rig_strv_free(&p->env);
	vars_free(&p->vars);
}

static int load_file(struct rig_toolchains *tcs, const char *path, struct rig_error *err)
{
	static const char *const top[] = {"toolchains", "profiles", NULL};
	struct rig_cfg *cfg;
	struct rig_cfg_node *n;
	int rc;

	if ((rc = rig_cfg_load(path, &cfg, err)))
		return rc;
	if ((rc = rig_cfg_known_keys(cfg, NULL, top, err)))
		goto out;
	n = rig_cfg_get(cfg, NULL, "toolchains");
	for (size_t i = 0; i < rig_cfg_map_len(n); i++) {
		struct rig_cfg_node *tn;
		const char *name = rig_cfg_map_key(n, i, &tn);
		struct toolchain tc;

		if (!name || !tn || !rig_cfg_map_len(tn)) {
			rc = rig_fail(err, RIG_ERR_PARSE,
				      "%s:%d: toolchain '%s': expected a mapping of fields", path,
				      rig_cfg_line(tn ? tn : n), name ? name : "?");
			goto out;
		}
		if ((rc = load_toolchain(cfg, name, tn, &tc, err))) {
			toolchain_free(&tc);
			goto out;
		}
		if (find_tc(tcs, name)) { /* a later file replaces a toolchain */
			struct toolchain *old = find_tc(tcs, name);
			toolchain_free(old);
			*old = tc;
			continue;
		}
		tcs->tc = rig_xrealloc(tcs->tc, (tcs->n_tc + 1) * sizeof(*tcs->tc));
		tcs->tc[tcs->n_tc++] = tc;
	}
	n = rig_cfg_get(cfg, NULL, "profiles");
	for (size_t i = 0; i < rig_cfg_map_len(n); i++) {
		struct rig_cfg_node *pn;
		const char *name = rig_cfg_map_key(n, i, &pn);
		struct profile p;

		if (!name || !pn || !rig_cfg_map_len(pn)) {
			rc = rig_fail(err, RIG_ERR_PARSE,
				      "%s:%d: profile '%s': expected a mapping with 'toolchain'",
				      path, rig_cfg_line(pn ? pn : n), name ? name : "?");
			goto out;
		}
		if ((rc = load_profile(cfg, name, pn, &p, err))) {
			profile_free(&p);
			goto out;
		}
		if (!find_tc(tcs, p.toolchain)) {
			rc = rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%d: profile '%s': field 'toolchain': no toolchain named \"%s\"",
			    path, rig_cfg_line(rig_cfg_get(cfg, pn, "toolchain")), name,
			    p.toolchain);
			profile_free(&p);
			goto out;
		}
		if (find_profile(tcs, name)) {
			struct profile *old = find_profile(tcs, name);
			profile_free(old);
			*old = p;
			continue;
		}
		tcs->p = rig_xrealloc(tcs->p, (tcs->n_p + 1) * sizeof(*tcs->p));
		tcs->p[tcs->n_p++] = p;
	}
	rc = 0;
out:
	rig_cfg_free(cfg);
	return rc;
}

int rig_toolchains_load(const char *builtin_path, const char *const *extra_paths,
			struct rig_toolchains **out, struct rig_error *err)
{
	struct rig_toolchains *tcs = rig_xcalloc(1, sizeof(*tcs));
	int rc;

	if (builtin_path && (rc = load_file(tcs, builtin_path, err)))
		goto fail;
	for (size_t i = 0; extra_paths && extra_paths[i]; i++)
		if ((rc = load_file(tcs, extra_paths[i], err)))
			goto fail;
	*out = tcs;
	return 0;
fail:
	rig_toolchains_free(tcs);
	return rc;
}

void rig_toolchains_free(struct rig_toolchains *tcs)
{
	if (!tcs)
		return;
	for (size_t i = 0; i < tcs->n_tc; i++)
		toolchain_free(&tcs->tc[i]);
	for (size_t i = 0; i < tcs->n_p; i++)
		profile_free(&tcs->p[i]);
	free(tcs->tc);
	free(tcs->p);
	free(tcs->dc);
	free(tcs);
}

size_t rig_profile_count(const struct rig_toolchains *tcs) { return tcs->n_p; }

const char *rig_profile_name(const struct rig_toolchains *tcs, size_t i)
{
	return i < tcs->n_p ? tcs->p[i].name : NULL;
}

const char *rig_profile_toolchain(const struct rig_toolchains *tcs, const char *profile)
{
	struct profile *p = find_profile(tcs, profile);
	return p ? p->toolchain : NULL;
}

const char *rig_profile_lang(const struct rig_toolchains *tcs, const char *profile)
{
	struct profile *p = find_profile(tcs, profile);
	struct toolchain *tc = p ? find_tc(tcs, p->toolchain) : NULL;
	return tc ? tc->lang : NULL;
}

int rig_profile_is_default(const struct rig_toolchains *tcs, const char *profile)
{
	struct profile *p = find_profile(tcs, profile);
	return p ? p->is_default : 0;
}

const char *rig_profile_baseline(const struct rig_toolchains *tcs)
{
	for (size_t i = 0; i < tcs->n_p; i++)
		if (tcs->p[i].baseline)
			return tcs->p[i].name;
	return NULL;
}

size_t rig_profiles_select(const struct rig_toolchains *tcs, const char *word, struct rig_strv *out)
{
	size_t count = 0, defaults = 0;
	int is_tc = find_tc(tcs, word) != NULL;

	for (size_t i = 0; i < tcs->n_p; i++)
		if (is_tc && strcmp(tcs->p[i].toolchain, word) == 0 && tcs->p[i].is_default)
			defaults++;
	for (size_t i = 0; i < tcs->n_p; i++) {
		const struct profile *p = &tcs->p[i];
		int match;

		/* A toolchain name selects its default profiles (all of them
		 * when none is marked); anything else must name a profile. */
		if (is_tc)
			match = strcmp(p->toolchain, word) == 0 && (p->is_default || !defaults);
		else
			match = strcmp(p->name, word) == 0;
		if (!match)
			continue;
		if (!rig_strv_has(out, p->name))
			rig_strv_push(out, p->name);
		count++;
	}
	return count;
}

size_t rig_toolchain_count(const struct rig_toolchains *tcs) { return tcs->n_tc; }

const char *rig_toolchain_name(const struct rig_toolchains *tcs, size_t i)
{
	return i < tcs->n_tc ? tcs->tc[i].name : NULL;
}

static const struct tc_target *find_target(const struct toolchain *tc, const struct rig_target *t)
{
	char full[64], two[64];

	snprintf(full, sizeof(full), "%s/%s/%s", t->os, t->arch, t->variant);
	snprintf(two, sizeof(two), "%s/%s", t->os, t->arch);
	for (size_t i = 0; i < tc->n_targets; i++)
		if (t->variant[0] && strcmp(tc->targets[i].key, full) == 0)
			return &tc->targets[i];
	for (size_t i = 0; i < tc->n_targets; i++)
		if (strcmp(tc->targets[i].key, two) == 0)
			return &tc->targets[i];
	return NULL;
}

/* Expands {name} references in one word. A word that is exactly one list
 * variable becomes its words. Returns 0 or RIG_ERR_PARSE naming the variable. */
static int expand_word(const char *word, const struct vars *vs, struct rig_strv *out,
		       const char *where, struct rig_error *err)
{
	struct rig_buf b = {0};
	size_t wl = strlen(word);

	if (wl > 2 && word[0] == '{' && word[wl - 1] == '}' && !memchr(word + 1, '{', wl - 2)) {
		struct var *v = vars_find(vs, word + 1, wl - 2);
		if (v && v->is_list) {
			for (size_t i = 0; i < v->words.n; i++)
				rig_strv_push(out, v->words.v[i]);
			return 0;
		}
	}
	for (const char *p = word; *p;) {
		const char *close;
		struct var *v;

		if (*p != '{' || !(close = strchr(p, '}'))) {
			rig_buf_append(&b, p, 1);
			p++;
			continue;
		}
		v = vars_find(vs, p + 1, (size_t)(close - p - 1));
		if (!v) {
			int rc = rig_fail(err, RIG_ERR_PARSE,
					  "%s: unknown variable {%.*s} in \"%s\" (define it under "
					  "vars: or the target)",
					  where, (int)(close - p - 1), p + 1, word);
			rig_buf_free(&b);
			return rc;
		}
		for (size_t i = 0; i < v->words.n; i++) {
			if (i)
				rig_buf_append(&b, " ", 1);
			rig_buf_append(&b, v->words.v[i], strlen(v->words.v[i]));
		}
		p = close + 1;
	}
	rig_strv_push(out, b.data ? b.data : "");
	rig_buf_free(&b);
	return 0;
}

static int expand_all(const struct rig_strv *tpl, const struct vars *vs, struct rig_strv *out,
		      const char *where, struct rig_error *err)
{
	for (size_t i = 0; i < tpl->n; i++) {
		int rc = expand_word(tpl->v[i], vs, out, where, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The variables for building with profile p for target t. */
static void build_vars(const struct toolchain *tc, const struct tc_target *tt,
		       const struct profile *p, const struct rig_target *t, const char *root,
		       const char *workload, const char *out, struct vars *vs)
{
	vars_merge(vs, &tc->vars);
	vars_merge(vs, &tt->vars);
	if (p) {
		vars_merge(vs, &p->vars);
		if (p->flags.n)
			vars_set_list(vs, "flags", &p->flags);
	}
	vars_set(vs, "root", root ? root : ".");
	vars_set(vs, "workload", workload ? workload : "");
	vars_set(vs, "variant", t->variant);
	vars_set(vs, "os", t->os);
	vars_set(vs, "arch", t->arch);
	vars_set(vs, "out", out ? out : "{out}");
}

/* 1 when the build command or directory mentions word. */
static int template_uses(const struct toolchain *tc, const struct tc_target *tt, const char *word)
{
	const struct rig_strv *b = tt->build.n ? &tt->build : &tc->build;

	for (size_t i = 0; i < b->n; i++)
		if (strstr(b->v[i], word))
			return 1;
	return strstr(tt->dir[0] ? tt->dir : tc->dir, word) != NULL;
}

static void target_key(const struct rig_target *t, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s%s%s", t->os, t->arch, t->variant[0] ? "/" : "", t->variant);
}

int rig_toolchain_detect(const struct rig_toolchains *tcs_c, const char *toolchain,
			 const struct rig_target *t, struct rig_tc_info *info,
			 struct rig_error *err)
{
	struct rig_toolchains *tcs = (struct rig_toolchains *)tcs_c;
	const struct toolchain *tc = find_tc(tcs, toolchain);
	const struct tc_target *tt;
	struct vars vs = {0};
	struct rig_strv argv = {0};
	struct rig_proc_result res;
	struct rig_error e2 = {0};
	char key[64];
	int rc;

	memset(info, 0, sizeof(*info));
	if (!tc)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "no toolchain named '%s'", toolchain);
	target_key(t, key, sizeof(key));
	for (size_t i = 0; i < tcs->n_dc; i++) {
		if (strcmp(tcs->dc[i].toolchain, toolchain) == 0 &&
		    strcmp(tcs->dc[i].target_key, key) == 0) {
			*info = tcs->dc[i].info;
			return 0;
		}
	}
	tt = find_target(tc, t);
	if (!tt) {
		snprintf(info->reason, sizeof(info->reason), "%s cannot build for %s", toolchain,
			 key);
		goto done;
	}
	build_vars(tc, tt, NULL, t, tcs->sources_root, "", NULL, &vs);
	if ((rc = expand_all(&tc->version, &vs, &argv, tc->file, err))) {
		vars_free(&vs);
		rig_strv_free(&argv);
		return rc;
	}
	if (!argv.n || !rig_which(argv.v[0], info->path, sizeof(info->path))) {
		snprintf(info->reason, sizeof(info->reason), "%s not found on PATH; install: %s",
			 argv.n ? argv.v[0] : "(no command)", tc->install);
		goto done;
	}
	rc = rig_run_capture(argv.v, NULL, NULL, 20000, &res, &e2);
	if (rc) {
		snprintf(info->reason, sizeof(info->reason), "%s: %s", argv.v[0], e2.msg);
		goto done;
	}
	if (!res.exited || res.status != 0) {
		snprintf(info->reason, sizeof(info->reason), "`%s` failed (status %d): %.200s",
			 argv.v[0], res.status, res.out.data);
	} else {
		size_t n = strcspn(res.out.data, "\r\n");
		snprintf(info->version, sizeof(info->version), "%.*s", (int)n, res.out.data);
		info->present = 1;
	}
	rig_proc_result_free(&res);
done:
	vars_free(&vs);
	rig_strv_free(&argv);
	tcs->dc = rig_xrealloc(tcs->dc, (tcs->n_dc + 1) * sizeof(*tcs->dc));
	snprintf(tcs->dc[tcs->n_dc].toolchain, sizeof(tcs->dc[0].toolchain), "%s", toolchain);
	snprintf(tcs->dc[tcs->n_dc].target_key, sizeof(tcs->dc[0].target_key), "%s", key);
	tcs->dc[tcs->n_dc].info = *info;
	tcs->n_dc++;
	return 0;
}

struct name_list {
	char **v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hash_dir(struct rig_buf *acc, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct name_list names = {0};

	if (!d || depth > 8) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "build") == 0)
			continue;
		names.v = rig_xrealloc(names.v, (names.n + 1) * sizeof(char *));
		names.v[names.n++] = rig_xstrdup(e->d_name);
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *p = rig_xasprintf("%s/%s", dir, names.v[i]);
		struct stat st;

		if (lstat(p, &st) != 0) {
			/* vanished while we looked */
		} else if (S_ISDIR(st.st_mode)) {
			hash_dir(acc, p, depth + 1);
		} else if (S_ISREG(st.st_mode) && st.st_size < (64 << 20)) {
			char h[65];
			if (rig_sha256_file(p, h, NULL) == 0)
				rig_buf_appendf(acc, "%s %s\n", h, p);
		}
		free(p);
		free(names.v[i]);
	}
	free(names.v);
}

static void sources_hash(struct rig_toolchains *tcs, const char *root)
{
	struct rig_buf acc = {0};
	char *dir;

	if (tcs->sources_hash[0] && strcmp(tcs->sources_root, root) == 0)
		return;
	snprintf(tcs->sources_root, sizeof(tcs->sources_root), "%s", root);
	dir = rig_xasprintf("%s/firmware", root);
	hash_dir(&acc, dir, 0);
	free(dir);
	rig_sha256_hex(acc.data ? acc.data : "", acc.len, tcs->sources_hash);
	rig_buf_free(&acc);
}

static void output_tail(const struct rig_buf *b, char *out, size_t cap)
{
	const char *s = b->data ? b->data : "";
	size_t n = b->len;

	if (n > MAX_OUTPUT_TAIL)
		s += n - MAX_OUTPUT_TAIL, n = MAX_OUTPUT_TAIL;
	snprintf(out, cap, "%.*s", (int)n, s);
}

/* The size of a shared library the program needs at run time (libgo.so),
 * found with the compiler's -print-file-name. */
static void runtime_lib_size(const struct toolchain *tc, const struct vars *vs,
			     const struct profile *p, struct rig_sizes *sz)
{
	struct rig_strv argv = {0};
	struct rig_proc_result res;
	char *flag, real[4096];
	struct stat st;

	if (!p->runtime_lib[0] || expand_all(&tc->version, vs, &argv, tc->file, NULL) || !argv.n)
		goto out;
	flag = rig_xasprintf("-print-file-name=%s", p->runtime_lib);
	free(argv.v[1]);
	argv.v[1] = flag;
	argv.v[2] = NULL;
	for (size_t i = 2; i < argv.n; i++)
		free(argv.v[i]), argv.v[i] = NULL;
	argv.n = 2;
	if (rig_run_capture(argv.v, NULL, NULL, 10000, &res, NULL) == 0) {
		res.out.data[strcspn(res.out.data, "\r\n")] = '\0';
		if (res.exited && res.status == 0 && realpath(res.out.data, real) &&
		    stat(real, &st) == 0) {
			snprintf(sz->extra_name, sizeof(sz->extra_name), "%s", p->runtime_lib);
			sz->extra_bytes = st.st_size;
		}
		rig_proc_result_free(&res);
	}
out:
	rig_strv_free(&argv);
}

static void fill_sizes(struct rig_artifact *a)
{
	struct rig_error e = {0};
	struct stat st;

	if (rig_elf_sizes(a->path, &a->sizes, &e) == 0)
		return;
	memset(&a->sizes, 0, sizeof(a->sizes));
	if (stat(a->path, &st) == 0)
		a->sizes.file_bytes = st.st_size;
	if (strcmp(a->target.os, "wasip1") == 0)
		rig_wasm_sizes(a->path, &a->sizes, &e);
}

int rig_build(const struct rig_toolchains *tcs_c, const struct rig_build_req *req,
	      struct rig_artifact *out, struct rig_error *err)
{
	struct rig_toolchains *tcs = (struct rig_toolchains *)tcs_c;
	const struct profile *p = find_profile(tcs, req->profile);
	const struct toolchain *tc;
	const struct tc_target *tt;
	struct rig_tc_info info;
	struct vars vs = {0};
	struct rig_strv argv = {0}, env = {0}, envkeep = {0}, dirv = {0};
	struct rig_proc_result res;
	struct rig_buf keyin = {0};
	char *cmd = NULL, *envs = NULL, dir_s[1024], tmp[1200], tkey[64];
	const char *ext;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"no build profile named '%s' (see rig doctor)", req->profile);
	tc = find_tc(tcs, p->toolchain);
	snprintf(out->toolchain, sizeof(out->toolchain), "%s", tc->name);
	snprintf(out->profile, sizeof(out->profile), "%s", p->name);
	snprintf(out->workload, sizeof(out->workload), "%s", req->workload);
	snprintf(out->lang, sizeof(out->lang), "%s", tc->lang);
	out->target = *req->target;
	target_key(req->target, tkey, sizeof(tkey));
	sources_hash(tcs, req->source_root);
	tt = find_target(tc, req->target);
	if (!tt)
		return rig_fail(err, RIG_ERR_SKIPPED, "toolchain %s cannot build for %s", tc->name,
				tkey);
	if ((rc = rig_toolchain_detect(tcs, tc->name, req->target, &info, err)))
		return rc;
	if (!info.present)
		return rig_fail(err, RIG_ERR_SKIPPED, "%s", info.reason);
	snprintf(out->tc_version, sizeof(out->tc_version), "%s", info.version);

	build_vars(tc, tt, p, req->target, req->source_root, req->workload, NULL, &vs);
	if ((rc = expand_all(tt->build.n ? &tt->build : &tc->build, &vs, &argv, tc->file, err)) ||
	    (rc = expand_word(tt->dir[0] ? tt->dir : tc->dir, &vs, &dirv, tc->file, err)) ||
	    (rc = expand_all(&tc->env, &vs, &env, tc->file, err)) ||
	    (rc = expand_all(&p->env, &vs, &env, tc->file, err)))
		goto out;
	snprintf(dir_s, sizeof(dir_s), "%s", dirv.v[0]);
	for (size_t i = 0; i < env.n; i++) {
		const char *eq = strchr(env.v[i], '=');
		if (eq && eq[1] != '\0') /* "GOARM=" with nothing: leave it out */
			rig_strv_push(&envkeep, env.v[i]);
	}
	cmd = rig_strv_join_quoted(&argv);
	envs = rig_strv_join_quoted(&envkeep);
	/* The key: what was built, from what, by what, how. {out} stays a
	 * placeholder so the key does not depend on where it lands. */
	rig_buf_appendf(&keyin, "v1\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n", tcs->sources_hash, cmd, envs,
			dir_s, info.version, tkey, p->name);
	rig_sha256_hex(keyin.data, keyin.len, out->key);
	rig_buf_free(&keyin);

	ext = strcmp(req->target->os, "wasip1") == 0 ? ".wasm"
	      : strcmp(req->target->os, "none") == 0 ? ".elf"
						     : "";
	/* One image can serve every workload (bare-metal firmware takes the
	 * workload name over its console): then it is named for the profile. */
	snprintf(out->path, sizeof(out->path), "%s/%.16s/%s-%s%s", req->cache_dir, out->key,
		 template_uses(tc, tt, "{workload}") ? req->workload : "image", p->name, ext);
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", out->path, (int)getpid());
	/* now expand again with the real output path (the temporary one) */
	rig_strv_free(&argv);
	vars_set(&vs, "out", tmp);
	if ((rc = expand_all(tt->build.n ? &tt->build : &tc->build, &vs, &argv, tc->file, err)))
		goto out;
	free(cmd);
	vars_set(&vs, "out", out->path);
	{
		struct rig_strv shown = {0};
		expand_all(tt->build.n ? &tt->build : &tc->build, &vs, &shown, tc->file, NULL);
		cmd = rig_strv_join_quoted(&shown);
		rig_strv_free(&shown);
	}
	snprintf(out->command, sizeof(out->command), "%s", cmd);
	snprintf(out->env, sizeof(out->env), "%s", envs);

	if (rig_file_exists(out->path)) {
		out->cached = 1;
	} else {
		char *d =
		    rig_xasprintf("%.*s", (int)(strrchr(out->path, '/') - out->path), out->path);
		rc = rig_mkdirs(d, err);
		free(d);
		if (rc)
			goto out;
		rig_dbg("build: (cd %s && %s %s)", dir_s, envs, cmd);
		rc = rig_run_capture(argv.v, dir_s, envkeep.v, 600000, &res, err);
		if (rc == RIG_ERR_NOT_FOUND) {
			rc = rig_fail(err, RIG_ERR_SKIPPED, "%s", err ? err->msg : "not found");
			goto out;
		}
		if (rc)
			goto out;
		if (!res.exited || res.status != 0 || !rig_file_exists(tmp)) {
			char tail[MAX_OUTPUT_TAIL + 1];
			output_tail(&res.out, tail, sizeof(tail));
			rc = rig_fail(err, RIG_ERR_BUILD,
				      "%s %s for %s failed%s (status %d): %s\n%s", p->name,
				      req->workload, tkey, res.timed_out ? " (timed out)" : "",
				      res.status, cmd, tail);
			rig_proc_result_free(&res);
			unlink(tmp);
			goto out;
		}
		out->build_ns = res.wall_ns;
		rig_proc_result_free(&res);
		if (rename(tmp, out->path)) {
			rc = rig_fail(err, RIG_ERR_IO, "rename %s: %s", tmp, strerror(errno));
			goto out;
		}
	}
	if ((rc = rig_sha256_file(out->path, out->sha256, err)))
		goto out;
	fill_sizes(out);
	runtime_lib_size(tc, &vs, p, &out->sizes);
	rc = 0;
out:
	free(cmd);
	free(envs);
	vars_free(&vs);
	rig_strv_free(&argv);
	rig_strv_free(&env);
	rig_strv_free(&envkeep);
	rig_strv_free(&dirv);
	return rc;
}
