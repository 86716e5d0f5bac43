/* YAML configuration through libfyaml: see config.h. */
#include "config.h"
#include "fileio.h"
#include "names.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rig_cfg {
	char *path;
	struct fy_document *doc;
};

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

	if ((rc = rig_cfg_prescan(name, text, len, err)))
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

/* Reads a regular file of at most RIG_CFG_MAX_BYTES (a FIFO, a device or a
 * directory is refused before reading, a bigger file after one more byte). */
static int read_bounded(const char *path, char **out, size_t *len, struct rig_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return rig_fail(err, RIG_ERR_INVALID, "%s: not a regular file", path);
	}
	return rig_read_fd(fd, path, RIG_CFG_MAX_BYTES, out, len, err);
}

int rig_cfg_load(const char *path, struct rig_cfg **out, struct rig_error *err)
{
	char *text;
	size_t len;
	int rc;

	if ((rc = read_bounded(path, &text, &len, err)))
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

int rig_cfg_key_line(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key)
{
	struct fy_node *n = from ? (struct fy_node *)from : fy_document_root(cfg->doc);
	struct fy_node_pair *pair;
	void *it = NULL;

	if (!n || !fy_node_is_mapping(n))
		return 0;
	while ((pair = fy_node_mapping_iterate(n, &it))) {
		const char *k = fy_node_get_scalar0(fy_node_pair_key(pair));
		if (k && strcmp(k, key) == 0)
			return rig_cfg_line((struct rig_cfg_node *)fy_node_pair_key(pair));
	}
	return 0;
}

int rig_cfg_is_seq(struct rig_cfg_node *n) { return n && fy_node_is_sequence((struct fy_node *)n); }

int rig_cfg_is_map(struct rig_cfg_node *n) { return n && fy_node_is_mapping((struct fy_node *)n); }

int rig_cfg_is_scalar(struct rig_cfg_node *n)
{
	return n && fy_node_is_scalar((struct fy_node *)n);
}

const char *rig_cfg_scalar(struct rig_cfg_node *n, size_t *len)
{
	if (!rig_cfg_is_scalar(n))
		return NULL;
	return fy_node_get_scalar((struct fy_node *)n, len);
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

/* Aliases are refused before parsing (rig_cfg_prescan); this catches any
 * the scan cannot see, so an alias is never read as its name. */
static int alias_fail(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		      struct rig_cfg_node *n, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_PARSE,
			"%s:%d: field '%s': YAML aliases are not supported; write the value out",
			cfg->path, blame_line(cfg, from, n), key);
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
	if (fy_node_is_alias((struct fy_node *)n))
		return alias_fail(cfg, from, key, n, err);
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

int rig_cfg_name(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 const char *kind, const char *def, char *out, size_t cap, struct rig_error *err)
{
	char where[600];
	int rc = rig_cfg_str(cfg, from, key, 0, def, out, cap, err);

	if (rc)
		return rc;
	snprintf(where, sizeof(where), "%s:%d: field '%s'", cfg->path,
		 blame_line(cfg, from, rig_cfg_get(cfg, from, key)), key);
	return rig_name_check(where, kind, out, err) ? RIG_ERR_PARSE : 0;
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
	if (fy_node_is_alias((struct fy_node *)n))
		return alias_fail(cfg, from, key, n, err);
	if (fy_node_is_scalar((struct fy_node *)n)) {
		rig_strv_push(out, fy_node_get_scalar0((struct fy_node *)n));
		return 0;
	}
	if (!fy_node_is_sequence((struct fy_node *)n))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field '%s': expected a list of strings",
				cfg->path, blame_line(cfg, from, n), key);
	count = rig_cfg_seq_len(n);
	/* every item checked before any is appended: on error out is as it
	 * was, so a caller's list on its stack holds nothing to free */
	for (size_t i = 0; i < count; i++) {
		struct fy_node *it = (struct fy_node *)rig_cfg_seq_at(n, i);
		if (!it || !fy_node_is_scalar(it))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field '%s' item %zu: expected a string", cfg->path,
					blame_line(cfg, from, (struct rig_cfg_node *)it), key,
					i + 1);
	}
	for (size_t i = 0; i < count; i++)
		rig_strv_push(out, fy_node_get_scalar0((struct fy_node *)rig_cfg_seq_at(n, i)));
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
