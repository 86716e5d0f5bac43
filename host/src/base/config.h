/*
 * YAML configuration files (boards, toolchains, WASI profiles) read with
 * libfyaml. Every accessor that fails names the file, the line, the field and
 * the value it saw, and what it expected:
 *
 *   boards/x.yaml:7: field 'timeout_ms': expected a number from 1 to 600000, got "fast"
 *
 * Keys are paths from the document root or from a node: "qemu/machine",
 * "serial/baud". A missing optional key yields the default.
 */
#ifndef RIG_CONFIG_H
#define RIG_CONFIG_H

#include "error.h"
#include "util.h"

struct rig_cfg;	     /* one loaded file; owns the document */
struct rig_cfg_node; /* a node inside it (borrowed from the document) */

/*
 * Input limits, checked on the text before any of it reaches libfyaml (whose
 * duplicate-key check is quadratic in the keys of one mapping). rig's own
 * files are far below them (host/toolchains.yaml: 6 KB, ~110 nodes).
 */
#define RIG_CFG_MAX_BYTES (1 << 20) /* bytes in one file */
#define RIG_CFG_MAX_NODES 2048	    /* keys plus list items in one file */
#define RIG_CFG_MAX_DEPTH 32	    /* nesting of [ ] and { } */
#define RIG_CFG_MAX_INDENT 200	    /* leading blanks (and "- ") on one line */

/*
 * The checks every text passes first, in one linear pass: the limits above;
 * UTF-8 only; no control characters but tab, CR and LF (a NUL would end the
 * text for libfyaml); no explicit keys ("? "); no anchors or aliases (&a, *a:
 * a value is written out where it is used). Returns 0 or RIG_ERR_PARSE with
 * "name:line[:column]: what". Quoted text, comments and | > scalars are
 * skipped by the structural checks.
 */
int rig_cfg_prescan(const char *name, const char *text, size_t len, struct rig_error *err);

/* Loads and parses path (a regular file, at most RIG_CFG_MAX_BYTES), after
 * rig_cfg_prescan(). The YAML parser's own error names line and column. */
int rig_cfg_load(const char *path, struct rig_cfg **out, struct rig_error *err);
/* The same, from memory; name is used in messages (fuzzing, tests). */
int rig_cfg_load_string(const char *name, const char *text, size_t len, struct rig_cfg **out,
			struct rig_error *err);
void rig_cfg_free(struct rig_cfg *cfg);
const char *rig_cfg_path(const struct rig_cfg *cfg);

/* The root node, and a child by path (NULL if absent). */
struct rig_cfg_node *rig_cfg_root(const struct rig_cfg *cfg);
struct rig_cfg_node *rig_cfg_get(const struct rig_cfg *cfg, struct rig_cfg_node *from,
				 const char *path);
/* 1-based line of a node (0 when unknown). */
int rig_cfg_line(struct rig_cfg_node *n);

/* 1-based line of the key `key` (one level, no '/') of the mapping at from
 * (NULL: the root); 0 when absent. The line to blame for an empty [] or {}
 * value, which has no line of its own. */
int rig_cfg_key_line(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key);

/* Node kinds (0 for NULL). */
int rig_cfg_is_seq(struct rig_cfg_node *n);
int rig_cfg_is_map(struct rig_cfg_node *n);
int rig_cfg_is_scalar(struct rig_cfg_node *n);
/* The text of a scalar node (not NUL-terminated: *len bytes, borrowed from
 * the document), or NULL when n is not a scalar. For values under keys that
 * contain '/', which rig_cfg_get() would take as a path. */
const char *rig_cfg_scalar(struct rig_cfg_node *n, size_t *len);

/* Sequences: count and item i (NULL when n is not a sequence / out of range). */
size_t rig_cfg_seq_len(struct rig_cfg_node *n);
struct rig_cfg_node *rig_cfg_seq_at(struct rig_cfg_node *n, size_t i);
/* Mappings: number of pairs, and key/value of pair i. */
size_t rig_cfg_map_len(struct rig_cfg_node *n);
const char *rig_cfg_map_key(struct rig_cfg_node *n, size_t i, struct rig_cfg_node **value);

/* Typed getters. `from` may be NULL for the root. Each returns 0, or
 * RIG_ERR_PARSE with the message described above. required=1 makes an absent
 * key an error ("field 'x' is required"). Strings are copied into out. */
int rig_cfg_str(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key, int required,
		const char *def, char *out, size_t cap, struct rig_error *err);
/* rig_cfg_str for a name (names.h): optional, def when absent, and the
 * value (or def) must be a valid name of the given kind ("board"). */
int rig_cfg_name(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 const char *kind, const char *def, char *out, size_t cap, struct rig_error *err);
int rig_cfg_int(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key, int required,
		long long def, long long min, long long max, long long *out, struct rig_error *err);
/* Accepts true/false/yes/no/on/off. */
int rig_cfg_bool(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 int required, int def, int *out, struct rig_error *err);
/* Durations with units: 500ms, 2s; a bare number is milliseconds. */
int rig_cfg_duration_ms(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
			int required, long long def, long long max, long long *out,
			struct rig_error *err);
/* A sequence of scalars (or one scalar) appended to out; on error out is
 * unchanged. */
int rig_cfg_strv(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 int required, struct rig_strv *out, struct rig_error *err);
/* A one-of choice: value must be one of the NULL-terminated choices; index in *out. */
int rig_cfg_enum(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		 int required, const char *const *choices, int def, int *out,
		 struct rig_error *err);
/* Rejects keys of the mapping at `from` that are not in the NULL-terminated
 * list `known`, naming the first unknown one (catches typos). */
int rig_cfg_known_keys(const struct rig_cfg *cfg, struct rig_cfg_node *from,
		       const char *const *known, struct rig_error *err);

#endif
