/* YAML configuration through libfyaml: see config.h. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rig_cfg {
	char *path;
	struct fy_document *doc;
};

/*
 * YAML is UTF-8 here; libfyaml 0.7 loops forever on some invalid UTF-8 in a
 * directive (found by fuzz_board: "%\xafo\f["), so text is checked first and
 * the first bad byte is reported with its line and column.
 */
static int check_utf8(const char *name, const unsigned char *s, size_t len, struct rig_error *err)
{
	size_t line = 1, col = 1;

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80		? 1
			   : (c & 0xe0) == 0xc0 ? 2
			   : (c & 0xf0) == 0xe0 ? 3
			   : (c & 0xf8) == 0xf0 ? 4
						: 0;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
		int ok = n > 0 && i + n <= len;

		for (size_t k = 1; ok && k < n; k++) {
			ok = (s[i + k] & 0xc0) == 0x80;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* no overlong forms, no surrogates, nothing past U+10FFFF */
		if (ok &&
		    ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		     cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			ok = 0;
		if (!ok)
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%zu:%zu: not UTF-8 (byte 0x%02x); YAML files must be UTF-8", name,
			    line, col, c);
		if (c == '\n')
			line++, col = 1;
		else
			col++;
		i += n;
	}
	return 0;
}

/*
 * Explicit keys ("? key") are not needed by any rig file, and libfyaml 0.7
 * crashes on some of them (fuzz_board: "? ::\n?  ::\n e? e:\t? :" writes
 * through a NULL pointer in fy_indent_vacuum_internal), so they are refused
 * before parsing. Quoted text and comments are skipped.
 */
static int check_no_explicit_keys(const char *name, const char *s, size_t len,
				  struct rig_error *err)
{
	size_t line = 1, col = 0;
	char quote = 0, prev = '\n'; /* last non-blank character outside quotes */
	int comment = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		col++;
		if (c == '\n') {
			/* a quoted scalar may go on over lines; a comment may not */
			line++, col = 0, comment = 0, prev = '\n';
			continue;
		}
		if (comment)
			continue;
		if (quote) {
			if (c == quote)
				quote = 0;
			else if (c == '\\' && quote == '"' && i + 1 < len)
				i++, col++;
			continue;
		}
		if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
			comment = 1;
			continue;
		}
		if ((c == '\'' || c == '"') && strchr("\n-{[,:?", prev)) {
			quote = c;
			continue;
		}
		if (c == '?' && strchr("\n-{[,?", prev) &&
		    (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\n' ||
		     s[i + 1] == '\r'))
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%zu:%zu: explicit keys ('? ') are not supported in rig's "
			    "files; write key: value",
			    name, line, col);
		if (c != ' ' && c != '\t' && c != '\r')
			prev = c;
	}
	return 0;
}

static int load(const char *name, const char *text, size_t len, struct rig_cfg **out,
		struct rig_error *err)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parse_cfg pcfg = {0};
	struct fy_document *doc;
	struct fy_diag_error *de;
	void *it = NULL;
	char *copy;
	int rc = 0;

	if ((rc = check_utf8(name, (const unsigned char *)text, len, err)) ||
	    (rc = check_no_explicit_keys(name, text, len, err)))
		return rc;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	dcfg.colorize = false;
	diag = fy_diag_create(&dcfg);
	if (!diag)
		return rig_fail(err, RIG_ERR_NO_MEM, "%s: cannot create YAML diagnostics", name);
	fy_diag_set_collect_errors(diag, true);
	pcfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_PARSE;
	pcfg.diag = diag;
	/* the document owns (and frees) its copy of the text */
	copy = rig_xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	doc = fy_document_build_from_malloc_string(&pcfg, copy, len);
	if (!doc) {
		de = fy_diag_errors_iterate(diag, &it);
		if (de)
			rc = rig_fail(err, RIG_ERR_PARSE, "%s:%d:%d: YAML: %s", name, de->line + 1,
				      de->column + 1, de->msg);
		else
			rc = rig_fail(err, RIG_ERR_PARSE, "%s: not valid YAML", name);
		fy_diag_destroy(diag);
		return rc;
	}
	fy_diag_destroy(diag);
	if (!fy_document_root(doc) || !fy_node_is_mapping(fy_document_root(doc))) {
		fy_document_destroy(doc);
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:1: expected a mapping (key: value) at the top", name);
	}
	*out = rig_xcalloc(1, sizeof(**out));
	(*out)->path = rig_xstrdup(name);
	(*out)->doc = doc;
	return 0;
}

int rig_cfg_load(const char *path, struct rig_cfg **out, struct rig_error *err)
{
	char *text;
	size_t len;
	int rc;

	if ((rc = rig_read_file(path, &text, &len, err)))
		return rc;
	rc = load(path, text, len, out, err);
	free(text);
	return rc;
}

int rig_cfg_load_string(const char *name, const char *text, size_t len, struct rig_cfg **out,
			struct rig_error *err)
{
	return load(name, text, len, out, err);
}

void rig_cfg_free(struct rig_cfg *cfg)
{
	if (!cfg)
		return;
	fy_document_destroy(cfg->doc);
	free(cfg->path);
	free(cfg);
}

const char *rig_cfg_path(const struct rig_cfg *cfg) { return cfg->path; }

struct rig_cfg_node *rig_cfg_root(const struct rig_cfg *cfg)
{
	return (struct rig_cfg_node *)fy_document_root(cfg->doc);
}

struct rig_cfg_node *rig_cfg_get(const struct rig_cfg *cfg, struct rig_cfg_node *from,
				 const char *path)
{
	struct fy_node *n = from ? (struct fy_node *)from : fy_document_root(cfg->doc);

	if (!n || !fy_node_is_mapping(n))
		return NULL;
	/* Walk plain "a/b" paths ourselves: fy_node_by_path() treats some
	 * characters as path syntax, and keys here are plain words. */
	while (*path && n) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		struct fy_node *next = NULL;
		void *it = NULL;
		struct fy_node_pair *pair;

		if (!fy_node_is_mapping(n))
			return NULL;
		while ((pair = fy_node_mapping_iterate(n, &it))) {
			size_t kl;
			const char *k = fy_node_get_scalar(fy_node_pair_key(pair), &kl);
			if (k && kl == len && memcmp(k, path, len) == 0) {
				next = fy_node_pair_value(pair);
				if (!next)
					return NULL;
				break;
			}
		}
		n = next;
		path += len;
		if (*path == '/')
			path++;
	}
	return (struct rig_cfg_node *)n;
}

int rig_cfg_line(struct rig_cfg_node *node)
{
	struct fy_node *n = (struct fy_node *)node;
	struct fy_token *t;
	const struct fy_mark *m;

	if (!n)
		return 0;
	if (fy_node_is_scalar(n)) {
		t = fy_node_get_scalar_token(n);
		m = t ? fy_token_start_mark(t) : NULL;
		return m ? m->line + 1 : 0;
	}
	if (fy_node_is_mapping(n)) {
		struct fy_node_pair *p = fy_node_mapping_get_by_index(n, 0);
		return p ? rig_cfg_line((struct rig_cfg_node *)fy_node_pair_key(p)) : 0;
	}
	if (fy_node_is_sequence(n))
		return rig_cfg_line((struct rig_cfg_node *)fy_node_sequence_get_by_index(n, 0));
	return 0;
}

int rig_cfg_is_seq(struct rig_cfg_node *n) { return n && fy_node_is_sequence((struct fy_node *)n); }

int rig_cfg_is_map(struct rig_cfg_node *n) { return n && fy_node_is_mapping((struct fy_node *)n); }

int rig_cfg_is_scalar(struct rig_cfg_node *n)
{
	return n && fy_node_is_scalar((struct fy_node *)n);
}

size_t rig_cfg_seq_len(struct rig_cfg_node *n)
{
	if (!n || !fy_node_is_sequence((struct fy_node *)n))
		return 0;
	return (size_t)fy_node_sequence_item_count((struct fy_node *)n);
}

struct rig_cfg_node *rig_cfg_seq_at(struct rig_cfg_node *n, size_t i)
{
	if (!n || !fy_node_is_sequence((struct fy_node *)n))
		return NULL;
	return (struct rig_cfg_node *)fy_node_sequence_get_by_index((struct fy_node *)n, (int)i);
}

size_t rig_cfg_map_len(struct rig_cfg_node *n)
{
	if (!n || !fy_node_is_mapping((struct fy_node *)n))
		return 0;
	return (size_t)fy_node_mapping_item_count((struct fy_node *)n);
}

const char *rig_cfg_map_key(struct rig_cfg_node *n, size_t i, struct rig_cfg_node **value)
{
	struct fy_node_pair *p;

	if (!n || !fy_node_is_mapping((struct fy_node *)n))
		return NULL;
	p = fy_node_mapping_get_by_index((struct fy_node *)n, (int)i);
	if (!p)
		return NULL;
	if (value)
		*value = (struct rig_cfg_node *)fy_node_pair_value(p);
	return fy_node_get_scalar0(fy_node_pair_key(p));
}

/* The line to blame for `key` under `from`: the key's value, else the parent. */
static int blame_line(const struct rig_cfg *cfg, struct rig_cfg_node *from, struct rig_cfg_node *n)
{
	int line = rig_cfg_line(n);

	if (!line)
		line = rig_cfg_line(from ? from : rig_cfg_root(cfg));
	return line ? line : 1;
}

static int missing(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		   const char *what, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field '%s' is required (%s)", cfg->path,
			blame_line(cfg, from, NULL), key, what);
}

/* Gets the scalar text of key; 1 found, 0 absent, <0 error (not a scalar). */
static int scalar(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		  struct rig_cfg_node **node, const char **text, size_t *len, const char *what,
		  struct rig_error *err)
{
	struct rig_cfg_node *n = rig_cfg_get(cfg, from, key);

	*node = n;
	if (!n)
		return 0;
	if (!fy_node_is_scalar((struct fy_node *)n))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field '%s': expected %s, got a %s",
				cfg->path, blame_line(cfg, from, n), key, what,
				fy_node_is_mapping((struct fy_node *)n) ? "mapping" : "list");
	*text = fy_node_get_scalar((struct fy_node *)n, len);
	if (!*text) {
		*text = "";
		*len = 0;
	}
	return 1;
}

int rig_cfg_str(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key, int required,
		const char *def, char *out, size_t cap, struct rig_error *err)
{
	struct rig_cfg_node *n;
	const char *t = NULL;
	size_t len = 0;
	int rc = scalar(cfg, from, key, &n, &t, &len, "a string", err);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (required)
			return missing(cfg, from, key, "a string", err);
		snprintf(out, cap, "%s", def ? def : "");
		return 0;
	}
	if (len >= cap)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field '%s': value is %zu characters, at most %zu allowed",
				cfg->path, blame_line(cfg, from, n), key, len, cap - 1);
	if (memchr(t, '\0', len))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field '%s': value contains a NUL byte",
				cfg->path, blame_line(cfg, from, n), key);
	memcpy(out, t, len);
	out[len] = '\0';
	return 0;
}

int rig_cfg_int(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key, int required,
		long long def, long long min, long long max, long long *out, struct rig_error *err)
{
	struct rig_cfg_node *n;
	const char *t = NULL;
	size_t len = 0;
	char buf[64];
	long long v;
	int rc = scalar(cfg, from, key, &n, &t, &len, "a number", err);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (required)
			return missing(cfg, from, key, "a number", err);
		*out = def;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(len < 63 ? len : 63), t);
	if (len >= sizeof(buf) || rig_parse_count(buf, min, max, &v))
		return rig_fail(
		    err, RIG_ERR_PARSE,
		    "%s:%d: field '%s': expected a whole number from %lld to %lld, got \"%.*s\"",
		    cfg->path, blame_line(cfg, from, n), key, min, max, (int)(len > 60 ? 60 : len),
		    t);
	*out = v;
	return 0;
}

int rig_cfg_bool(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 int required, int def, int *out, struct rig_error *err)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	struct rig_cfg_node *n;
	const char *t = NULL;
	size_t len = 0;
	int rc = scalar(cfg, from, key, &n, &t, &len, "true or false", err);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (required)
			return missing(cfg, from, key, "true or false", err);
		*out = def;
		return 0;
	}
	for (size_t i = 0; i < RIG_ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == len && strncasecmp(t, yes[i], len) == 0) {
			*out = 1;
			return 0;
		}
		if (strlen(no[i]) == len && strncasecmp(t, no[i], len) == 0) {
			*out = 0;
			return 0;
		}
	}
	return rig_fail(err, RIG_ERR_PARSE,
			"%s:%d: field '%s': expected true or false, got \"%.*s\"", cfg->path,
			blame_line(cfg, from, n), key, (int)(len > 60 ? 60 : len), t);
}

int rig_cfg_duration_ms(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
			int required, long long def, long long max, long long *out,
			struct rig_error *err)
{
	struct rig_cfg_node *n;
	const char *t = NULL;
	size_t len = 0;
	char buf[64];
	long long v;
	int rc = scalar(cfg, from, key, &n, &t, &len, "a duration", err);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (required)
			return missing(cfg, from, key, "a duration such as 500ms or 2s", err);
		*out = def;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(len < 63 ? len : 63), t);
	if (len >= sizeof(buf) || rig_parse_duration_ms(buf, &v) || v > max)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field '%s': expected a duration up to %lld ms (e.g. 500ms, "
				"2s), got \"%.*s\"",
				cfg->path, blame_line(cfg, from, n), key, max,
				(int)(len > 60 ? 60 : len), t);
	*out = v;
	return 0;
}

int rig_cfg_strv(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 int required, struct rig_strv *out, struct rig_error *err)
{
	struct rig_cfg_node *n = rig_cfg_get(cfg, from, key);
	size_t count;

	if (!n) {
		if (required)
			return missing(cfg, from, key, "a list of strings", err);
		return 0;
	}
	if (fy_node_is_scalar((struct fy_node *)n)) {
		rig_strv_push(out, fy_node_get_scalar0((struct fy_node *)n));
		return 0;
	}
	if (!fy_node_is_sequence((struct fy_node *)n))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field '%s': expected a list of strings",
				cfg->path, blame_line(cfg, from, n), key);
	count = rig_cfg_seq_len(n);
	for (size_t i = 0; i < count; i++) {
		struct fy_node *it = (struct fy_node *)rig_cfg_seq_at(n, i);
		if (!it || !fy_node_is_scalar(it))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field '%s' item %zu: expected a string", cfg->path,
					blame_line(cfg, from, (struct rig_cfg_node *)it), key,
					i + 1);
		rig_strv_push(out, fy_node_get_scalar0(it));
	}
	return 0;
}

int rig_cfg_enum(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 int required, const char *const *choices, int def, int *out, struct rig_error *err)
{
	struct rig_cfg_node *n;
	const char *t = NULL;
	size_t len = 0;
	struct rig_buf all = {0};
	int rc = scalar(cfg, from, key, &n, &t, &len, "a word", err);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (required)
			return missing(cfg, from, key, "one of the listed words", err);
		*out = def;
		return 0;
	}
	for (int i = 0; choices[i]; i++) {
		if (strlen(choices[i]) == len && memcmp(choices[i], t, len) == 0) {
			rig_buf_free(&all);
			*out = i;
			return 0;
		}
		rig_buf_appendf(&all, "%s%s", i ? ", " : "", choices[i]);
	}
	rc = rig_fail(err, RIG_ERR_PARSE, "%s:%d: field '%s': expected one of %s, got \"%.*s\"",
		      cfg->path, blame_line(cfg, from, n), key, all.data ? all.data : "",
		      (int)(len > 60 ? 60 : len), t);
	rig_buf_free(&all);
	return rc;
}

int rig_cfg_known_keys(const struct rig_cfg *cfg, struct rig_cfg_node *from,
		       const char *const *known, struct rig_error *err)
{
	struct rig_cfg_node *n = from ? from : rig_cfg_root(cfg);
	size_t count = rig_cfg_map_len(n);

	for (size_t i = 0; i < count; i++) {
		struct fy_node_pair *p = fy_node_mapping_get_by_index((struct fy_node *)n, (int)i);
		const char *k = fy_node_get_scalar0(fy_node_pair_key(p));
		int ok = 0;

		for (size_t j = 0; known[j] && k; j++)
			if (strcmp(known[j], k) == 0)
				ok = 1;
		if (!ok)
			return rig_fail(err, RIG_ERR_PARSE, "%s:%d: unknown field '%s'", cfg->path,
					rig_cfg_line((struct rig_cfg_node *)fy_node_pair_key(p)),
					k ? k : "(not a string)");
	}
	return 0;
}
