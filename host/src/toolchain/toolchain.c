/* Toolchains and build profiles from YAML: loading the files and the queries
 * on what was loaded. See toolchain.h and host/toolchains.yaml. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "names.h"
#include "toolchain_internal.h"

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
		tc_vars_set_list(out, k, &words);
		tc_vars_find(out, k, strlen(k))->is_list = rig_cfg_is_seq(val);
		rig_strv_free(&words);
	}
	return 0;
}

/*
 * A command (version:, build:): a YAML list of at least one word whose first
 * word (the program) is not empty. A plain string is refused, not split: it
 * would be run as one program named "go build".
 */
static int load_command(const struct rig_cfg *cfg, struct rig_cfg_node *node, const char *key,
			int required, const char *owner, struct rig_strv *out,
			struct rig_error *err)
{
	struct rig_cfg_node *n = rig_cfg_get(cfg, node, key);
	int line = rig_cfg_key_line(cfg, node, key);
	int rc;

	if (!n && !required)
		return 0;
	if (!line)
		line = rig_cfg_line(node);
	if (n && rig_cfg_is_scalar(n)) {
		struct rig_strv text = {0};
		char shown[96];

		rig_cfg_strv(cfg, node, key, 0, &text, NULL); /* the string, for the message */
		rc = rig_fail(err, RIG_ERR_PARSE,
			      "%s:%d: %s: field '%s': expected a list of words such as [go, build, "
			      "-o, \"{out}\"], got the string \"%s\"",
			      rig_cfg_path(cfg), line, owner, key,
			      rig_name_quote(text.n ? text.v[0] : "", shown, sizeof(shown)));
		rig_strv_free(&text);
		return rc;
	}
	if ((rc = rig_cfg_strv(cfg, node, key, required, out, err)))
		return rc;
	if (!out->n || !out->v[0][0])
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: %s: field '%s': %s; expected the program and its "
				"arguments, e.g. [go, version]",
				rig_cfg_path(cfg), line, owner, key,
				out->n ? "the program (first word) is empty" : "the list is empty");
	return 0;
}

/* A toolchain or profile name (the YAML key): a valid name that fits. */
static int check_key_name(const struct rig_cfg *cfg, struct rig_cfg_node *at, const char *kind,
			  const char *name, size_t cap, struct rig_error *err)
{
	char where[600];

	snprintf(where, sizeof(where), "%s:%d", rig_cfg_path(cfg), rig_cfg_line(at));
	if (name && strlen(name) >= cap)
		return rig_fail(err, RIG_ERR_PARSE, "%s: %s name \"%.40s...\" is longer than %zu",
				where, kind, name, cap - 1);
	return rig_name_check(where, kind, name, err) ? RIG_ERR_PARSE : 0;
}

static const char *const tc_keys[] = {"lang", "version", "build",   "dir", "env",
				      "vars", "targets", "install", "go",  NULL};
static const char *const profile_keys[] = {"toolchain", "flags",    "env",  "vars", "runtime_lib",
					   "default",	"baseline", "skip", NULL};

static int load_toolchain(const struct rig_cfg *cfg, const char *name, struct rig_cfg_node *node,
			  struct toolchain *tc, struct rig_error *err)
{
	static const char *const langs[] = {"go", "c", NULL};
	struct rig_cfg_node *targets;
	char owner[80];
	int lang, rc;

	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "%s", name);
	snprintf(tc->file, sizeof(tc->file), "%s", rig_cfg_path(cfg));
	snprintf(owner, sizeof(owner), "toolchain '%s'", name);
	if ((rc = rig_cfg_known_keys(cfg, node, tc_keys, err)) ||
	    (rc = rig_cfg_enum(cfg, node, "lang", 1, langs, 0, &lang, err)) ||
	    (rc = load_command(cfg, node, "version", 1, owner, &tc->version, err)) ||
	    (rc = load_command(cfg, node, "build", 1, owner, &tc->build, err)) ||
	    (rc = rig_cfg_strv(cfg, node, "env", 0, &tc->env, err)) ||
	    (rc = rig_cfg_str(cfg, node, "dir", 0, "{root}", tc->dir, sizeof(tc->dir), err)) ||
	    (rc =
		 rig_cfg_str(cfg, node, "install", 0, "", tc->install, sizeof(tc->install), err)) ||
	    (rc = load_vars(cfg, rig_cfg_get(cfg, node, "vars"), &tc->vars, NULL, err)) ||
	    (rc = tc_go_load(cfg, node, &tc->go, err)))
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
		static const char *const skip[] = {"build", "dir", "skip", NULL};
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
		    (rc = load_command(cfg, tn, "build", 0, owner, &t->build, err)) ||
		    (rc = rig_cfg_str(cfg, tn, "dir", 0, "", t->dir, sizeof(t->dir), err)) ||
		    (rc = rig_cfg_str(cfg, tn, "skip", 0, "", t->skip, sizeof(t->skip), err)))
			return rc;
	}
	return 0;
}

/* skip: {os/arch[/variant]: reason, ...} */
static int load_profile_skip(const struct rig_cfg *cfg, struct rig_cfg_node *node,
			     struct profile *p, struct rig_error *err)
{
	struct rig_cfg_node *m = rig_cfg_get(cfg, node, "skip");
	char reason[256];
	const char *text;
	size_t len;

	if (!m)
		return 0;
	if (!rig_cfg_is_map(m))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: profile '%s': field 'skip' must be a map of targets to "
				"reasons ({none/thumb: \"why\"})",
				rig_cfg_path(cfg), rig_cfg_line(m), p->name);
	for (size_t i = 0; i < rig_cfg_map_len(m); i++) {
		struct rig_cfg_node *v;
		const char *key = rig_cfg_map_key(m, i, &v);

		if (!key || !strchr(key, '/') || strlen(key) >= 64)
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: profile '%s': skip target '%.64s' must be os/arch "
					"or os/arch/variant",
					rig_cfg_path(cfg), rig_cfg_line(v ? v : m), p->name,
					key ? key : "?");
		text = rig_cfg_scalar(v, &len);
		if (!text)
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: profile '%s': skip target '%s': the reason must be "
					"a string",
					rig_cfg_path(cfg), rig_cfg_line(v ? v : m), p->name, key);
		snprintf(reason, sizeof(reason), "%.*s", (int)(len < 255 ? len : 255), text);
		if (!reason[0] || memchr(text, '\0', len))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: profile '%s': skip target '%s' needs a reason",
					rig_cfg_path(cfg), rig_cfg_line(v ? v : m), p->name, key);
		rig_strv_push(&p->skip_keys, key);
		rig_strv_push(&p->skip_reasons, reason);
	}
	return 0;
}

const char *tc_profile_skip(const struct profile *p, const char *tkey)
{
	for (size_t i = 0; i < p->skip_keys.n; i++) {
		size_t n = strlen(p->skip_keys.v[i]);

		if (strncmp(tkey, p->skip_keys.v[i], n) == 0 && (tkey[n] == '\0' || tkey[n] == '/'))
			return p->skip_reasons.v[i];
	}
	return NULL;
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
	    (rc = load_vars(cfg, rig_cfg_get(cfg, node, "vars"), &p->vars, NULL, err)) ||
	    (rc = load_profile_skip(cfg, node, p, err)))
		return rc;
	return 0;
}

struct toolchain *tc_find(const struct rig_toolchains *tcs, const char *name)
{
	for (size_t i = 0; i < tcs->n_tc; i++)
		if (strcmp(tcs->tc[i].name, name) == 0)
			return &tcs->tc[i];
	return NULL;
}

struct profile *tc_find_profile(const struct rig_toolchains *tcs, const char *name)
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
	tc_vars_free(&tc->vars);
	tc_go_free(&tc->go);
	for (size_t i = 0; i < tc->n_targets; i++) {
		tc_vars_free(&tc->targets[i].vars);
		rig_strv_free(&tc->targets[i].build);
	}
	free(tc->targets);
}

static void profile_free(struct profile *p)
{
	rig_strv_free(&p->flags);
	rig_strv_free(&p->env);
	rig_strv_free(&p->skip_keys);
	rig_strv_free(&p->skip_reasons);
	tc_vars_free(&p->vars);
}

/* Adds the toolchains and profiles of one parsed file (a later file
 * replaces what an earlier one named the same). Frees cfg. */
static int load_cfg(struct rig_toolchains *tcs, struct rig_cfg *cfg, struct rig_error *err)
{
	static const char *const top[] = {"toolchains", "profiles", NULL};
	const char *path = rig_cfg_path(cfg);
	struct rig_cfg_node *n;
	int rc;

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
		if ((rc = check_key_name(cfg, tn, "toolchain", name, sizeof(tc.name), err)))
			goto out;
		if ((rc = load_toolchain(cfg, name, tn, &tc, err))) {
			toolchain_free(&tc);
			goto out;
		}
		if (tc_find(tcs, name)) { /* a later file replaces a toolchain */
			struct toolchain *old = tc_find(tcs, name);
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
		if ((rc = check_key_name(cfg, pn, "profile", name, sizeof(p.name), err)))
			goto out;
		if ((rc = load_profile(cfg, name, pn, &p, err))) {
			profile_free(&p);
			goto out;
		}
		if (!tc_find(tcs, p.toolchain)) {
			rc = rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%d: profile '%s': field 'toolchain': no toolchain named \"%s\"",
			    path, rig_cfg_line(rig_cfg_get(cfg, pn, "toolchain")), name,
			    p.toolchain);
			profile_free(&p);
			goto out;
		}
		if (tc_find_profile(tcs, name)) {
			struct profile *old = tc_find_profile(tcs, name);
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

static int load_file(struct rig_toolchains *tcs, const char *path, struct rig_error *err)
{
	struct rig_cfg *cfg;
	int rc = rig_cfg_load(path, &cfg, err);

	return rc ? rc : load_cfg(tcs, cfg, err);
}

int rig_toolchains_load_text(const char *name, const char *text, size_t len,
			     struct rig_toolchains **out, struct rig_error *err)
{
	struct rig_toolchains *tcs = rig_xcalloc(1, sizeof(*tcs));
	struct rig_cfg *cfg;
	int rc;

	if ((rc = rig_cfg_load_string(name, text, len, &cfg, err)) ||
	    (rc = load_cfg(tcs, cfg, err))) {
		rig_toolchains_free(tcs);
		return rc;
	}
	*out = tcs;
	return 0;
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
	struct profile *p = tc_find_profile(tcs, profile);
	return p ? p->toolchain : NULL;
}

const char *rig_profile_lang(const struct rig_toolchains *tcs, const char *profile)
{
	struct profile *p = tc_find_profile(tcs, profile);
	struct toolchain *tc = p ? tc_find(tcs, p->toolchain) : NULL;
	return tc ? tc->lang : NULL;
}

int rig_profile_is_default(const struct rig_toolchains *tcs, const char *profile)
{
	struct profile *p = tc_find_profile(tcs, profile);
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
	int is_tc = tc_find(tcs, word) != NULL;

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
