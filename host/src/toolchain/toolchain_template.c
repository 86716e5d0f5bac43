/* Template variables and the expansion of command templates: see the list of
 * template words in toolchain.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "toolchain_internal.h"

void tc_vars_free(struct vars *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		rig_strv_free(&vs->v[i].words);
	}
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

struct var *tc_vars_find(const struct vars *vs, const char *name, size_t len)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strlen(vs->v[i].name) == len && strncmp(vs->v[i].name, name, len) == 0)
			return &vs->v[i];
	return NULL;
}

static struct var *vars_put(struct vars *vs, const char *name, int is_list)
{
	struct var *v = tc_vars_find(vs, name, strlen(name));

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

void tc_vars_set(struct vars *vs, const char *name, const char *value)
{
	rig_strv_push(&vars_put(vs, name, 0)->words, value);
}

void tc_vars_set_list(struct vars *vs, const char *name, const struct rig_strv *words)
{
	struct var *v = vars_put(vs, name, 1);

	for (size_t i = 0; i < words->n; i++)
		rig_strv_push(&v->words, words->v[i]);
}

/* Later layers override earlier ones. */
void tc_vars_merge(struct vars *dst, const struct vars *src)
{
	for (size_t i = 0; i < src->n; i++) {
		tc_vars_set_list(dst, src->v[i].name, &src->v[i].words);
		tc_vars_find(dst, src->v[i].name, strlen(src->v[i].name))->is_list =
		    src->v[i].is_list;
	}
}

const struct tc_target *tc_find_target(const struct toolchain *tc, const struct rig_target *t)
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
int tc_expand_word(const char *word, const struct vars *vs, struct rig_strv *out, const char *where,
		   struct rig_error *err)
{
	struct rig_buf b = {0};
	size_t wl = strlen(word);

	if (wl > 2 && word[0] == '{' && word[wl - 1] == '}' && !memchr(word + 1, '{', wl - 2)) {
		struct var *v = tc_vars_find(vs, word + 1, wl - 2);
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
		v = tc_vars_find(vs, p + 1, (size_t)(close - p - 1));
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

int tc_expand_all(const struct rig_strv *tpl, const struct vars *vs, struct rig_strv *out,
		  const char *where, struct rig_error *err)
{
	for (size_t i = 0; i < tpl->n; i++) {
		int rc = tc_expand_word(tpl->v[i], vs, out, where, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The variables for building with profile p for target t. */
void tc_build_vars(const struct toolchain *tc, const struct tc_target *tt, const struct profile *p,
		   const struct rig_target *t, const char *root, const char *workload,
		   const char *out, struct vars *vs)
{
	tc_vars_merge(vs, &tc->vars);
	tc_vars_merge(vs, &tt->vars);
	if (p) {
		tc_vars_merge(vs, &p->vars);
		if (p->flags.n)
			tc_vars_set_list(vs, "flags", &p->flags);
	}
	tc_vars_set(vs, "root", root && *root ? root : rig_data_dir());
	tc_vars_set(vs, "workload", workload ? workload : "");
	tc_vars_set(vs, "variant", t->variant);
	tc_vars_set(vs, "os", t->os);
	tc_vars_set(vs, "arch", t->arch);
	tc_vars_set(vs, "out", out ? out : "{out}");
}

/* 1 when the build command or directory mentions word. */
int tc_template_uses(const struct toolchain *tc, const struct tc_target *tt, const char *word)
{
	const struct rig_strv *b = tt->build.n ? &tt->build : &tc->build;

	for (size_t i = 0; i < b->n; i++)
		if (strstr(b->v[i], word))
			return 1;
	return strstr(tt->dir[0] ? tt->dir : tc->dir, word) != NULL;
}

void tc_target_key(const struct rig_target *t, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s%s%s", t->os, t->arch, t->variant[0] ? "/" : "", t->variant);
}