/* Board tags and --boards selectors: see select.h. */
#include "select.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tag word (a plain tag, or either side of KEY:VALUE) is at most this
 * long, so a selector naming it fits any buffer that holds a tag. */
#define TAG_WORD_MAX 63

static int plain_ok(const char *s)
{
	return s[0] && strlen(s) <= TAG_WORD_MAX && !strpbrk(s, ":, \t");
}

int rig_board_tags_read(const struct rig_cfg *cfg, struct rig_strv *out, struct rig_error *err)
{
	struct rig_cfg_node *t = rig_cfg_get(cfg, NULL, "tags");
	struct rig_strv plain = {0};
	int rc;

	if (!t)
		return 0;
	if (rig_cfg_is_map(t)) {
		for (size_t i = 0; i < rig_cfg_map_len(t); i++) {
			struct rig_cfg_node *v = NULL;
			const char *k = rig_cfg_map_key(t, i, &v);
			char val[128];

			if (!k)
				continue;
			if (!plain_ok(k))
				return rig_fail(err, RIG_ERR_PARSE,
						"%s:%d: field 'tags': key \"%s\" must be one word "
						"(at most 63 characters) without ':' or ','",
						rig_cfg_path(cfg), rig_cfg_line(t), k);
			if ((rc = rig_cfg_str(cfg, t, k, 1, NULL, val, sizeof(val), err)))
				return rc;
			if (!plain_ok(val))
				return rig_fail(err, RIG_ERR_PARSE,
						"%s:%d: field 'tags.%s': value \"%s\" must be one "
						"word (at most 63 characters) without ':' or ','",
						rig_cfg_path(cfg), rig_cfg_line(v), k, val);
			rig_strv_pushf(out, "%s:%s", k, val);
		}
		return 0;
	}
	if ((rc = rig_cfg_strv(cfg, NULL, "tags", 0, &plain, err))) {
		rig_strv_free(&plain); /* what was read before the bad item */
		return rc;
	}
	for (size_t i = 0; i < plain.n && !rc; i++) {
		if (!plain_ok(plain.v[i]))
			rc = rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%d: field 'tags': \"%s\" must be one word (at most 63 "
			    "characters) without ':' or ',' (use a mapping for key: value tags)",
			    rig_cfg_path(cfg), rig_cfg_line(t), plain.v[i]);
		else
			rig_strv_push(out, plain.v[i]);
	}
	rig_strv_free(&plain);
	return rc;
}

int rig_board_tags_match(const struct rig_strv *tags, const char *selector)
{
	const char *colon = strchr(selector, ':');

	if (!colon)
		return 0;
	if (strncmp(selector, "tag:", 4) == 0) {
		const char *v = selector + 4;
		for (size_t i = 0; i < tags->n; i++) {
			const char *c = strchr(tags->v[i], ':');
			if (strcmp(c ? c + 1 : tags->v[i], v) == 0)
				return 1;
		}
		return 0;
	}
	return rig_strv_has(tags, selector);
}

int rig_boards_is_selector(const char *item)
{
	return strchr(item, ':') && !strchr(item, '/') && !strstr(item, ".yaml");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rig_boards_in_dir(const char *dir, struct rig_strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0)
			rig_strv_pushf(out, "%.*s", (int)(l - 5), e->d_name);
	}
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), cmp_str);
	return (int)out->n;
}

int rig_boards_select(const char *option, const struct rig_strv *items, const char *boards_dir,
		      struct rig_strv *out, struct rig_error *err)
{
	struct rig_strv sel = {0}, names = {0}, seen_tags = {0};
	int rc = 0;

	for (size_t i = 0; i < items->n; i++) {
		const char *it = items->v[i];
		if (!rig_boards_is_selector(it)) {
			/* as given: an empty or repeated name is the caller's
			 * error to report (names.h), not one to hide here */
			rig_strv_push(out, it);
			continue;
		}
		if (!it[strcspn(it, ":") + 1] || it[0] == ':') {
			rc = rig_fail(err, RIG_ERR_INVALID,
				      "%s: selector \"%s\": expected KEY:VALUE, e.g. tag:pi4 or "
				      "site:lab2",
				      option, it);
			goto out;
		}
		rig_strv_push(&sel, it);
	}
	if (!sel.n)
		goto out;
	rig_boards_in_dir(boards_dir, &names);
	{
		size_t found = 0, *hits = rig_xcalloc(sel.n, sizeof(*hits));
		for (size_t b = 0; b < names.n && !rc; b++) {
			char path[1400];
			struct rig_cfg *cfg = NULL;
			struct rig_strv tags = {0};
			int all = 1;

			snprintf(path, sizeof(path), "%s/%s.yaml", boards_dir, names.v[b]);
			if ((rc = rig_cfg_load(path, &cfg, err)) ||
			    (rc = rig_board_tags_read(cfg, &tags, err))) {
				rig_cfg_free(cfg);
				rig_strv_free(&tags);
				break;
			}
			for (size_t t = 0; t < tags.n; t++)
				if (!rig_strv_has(&seen_tags, tags.v[t]))
					rig_strv_push(&seen_tags, tags.v[t]);
			for (size_t s = 0; s < sel.n; s++) {
				int m = rig_board_tags_match(&tags, sel.v[s]);
				hits[s] += (size_t)m;
				all = all && m;
			}
			if (all) {
				found++;
				if (!rig_strv_has(out, names.v[b]))
					rig_strv_push(out, names.v[b]);
			}
			rig_cfg_free(cfg);
			rig_strv_free(&tags);
		}
		if (!rc && !found) {
			const char *bad = NULL;
			char *want = rig_strv_join_quoted(&sel);
			char *have = rig_strv_join_quoted(&seen_tags);
			for (size_t s = 0; s < sel.n && !bad; s++)
				if (!hits[s])
					bad = sel.v[s];
			if (bad)
				rc = rig_fail(err, RIG_ERR_NOT_FOUND,
					      "%s: selector \"%s\" matches no board in %s (tags "
					      "there: %s)",
					      option, bad, boards_dir, seen_tags.n ? have : "none");
			else
				rc = rig_fail(err, RIG_ERR_NOT_FOUND,
					      "%s: no board in %s matches all of %s together",
					      option, boards_dir, want);
			free(want);
			free(have);
		}
		free(hits);
	}
out:
	rig_strv_free(&sel);
	rig_strv_free(&names);
	rig_strv_free(&seen_tags);
	return rc;
}
