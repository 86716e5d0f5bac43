/*
 * Private to host/src/toolchain: the loaded toolchains and profiles, shared
 * by the four files that split the work along its seams:
 *   toolchain.c          loading the YAML (fields, checks) and the queries
 *   toolchain_template.c variables and {word} expansion of command templates
 *   toolchain_cache.c    what makes a build's cache key (sources hash, key
 *                        text) and the per-toolchain version detection cache
 *   toolchain_build.c    detecting a toolchain and running a build
 *   toolchain_go.c       choosing the Go a toolchain runs itself (go:)
 */
#ifndef RIG_TOOLCHAIN_INTERNAL_H
#define RIG_TOOLCHAIN_INTERNAL_H

#include "toolchain.h"

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
	char key[64];	/* os/arch or os/arch/variant */
	char skip[256]; /* non-empty: rows for this target are skipped, with this reason */
	struct vars vars;
	struct rig_strv build; /* empty: the toolchain's */
	char dir[512];	       /* empty: the toolchain's */
};

/* A Go the toolchain runs itself (TinyGo calls `go env` and accepts only
 * some versions): the one chosen is put first on the toolchain's PATH. */
struct tc_go_need {
	int set;		  /* 0: the toolchain has no go: field */
	int min_minor, max_minor; /* accepted Go 1.min .. 1.max */
	char range[32];		  /* "1.19 to 1.23", for messages */
	struct rig_strv search;	  /* directories (glob patterns, ~/ = $HOME) holding `go` */
	char install[256];	  /* what to install when none is in range */
};

/* The outcome of tc_go_pick, computed once per toolchain. */
struct tc_go_pick {
	int done;	  /* 1 once picked */
	int found;	  /* 1: dir holds a Go in range */
	char dir[512];	  /* its bin directory, put first on PATH */
	char version[32]; /* "go1.23.5" */
	char why[768];	  /* which Go and why, or why none */
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
	struct tc_go_need go;
	struct tc_go_pick go_pick;
};

struct profile {
	char name[48];
	char toolchain[32];
	struct rig_strv flags, env;
	struct vars vars;
	char runtime_lib[64];
	int is_default, baseline;
	/* targets this profile does not build for: skip_keys[i] ("os/arch" or
	 * "os/arch/variant", a key covering its variants) with skip_reasons[i] */
	struct rig_strv skip_keys, skip_reasons;
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

/* toolchain.c: lookups by name; NULL when absent. */
struct toolchain *tc_find(const struct rig_toolchains *tcs, const char *name);
struct profile *tc_find_profile(const struct rig_toolchains *tcs, const char *name);
/* Why profile p does not build for target key tkey ("none/thumb/lm3s6965evb"),
 * or NULL when it does. */
const char *tc_profile_skip(const struct profile *p, const char *tkey);

/* toolchain_template.c: variables. tc_vars_free leaves *vs empty. */
void tc_vars_free(struct vars *vs);
/* The variable named by the first len bytes of name, or NULL. */
struct var *tc_vars_find(const struct vars *vs, const char *name, size_t len);
/* Sets a scalar (one word) / a list; replaces an existing variable. */
void tc_vars_set(struct vars *vs, const char *name, const char *value);
void tc_vars_set_list(struct vars *vs, const char *name, const struct rig_strv *words);
/* Copies every variable of src into dst: later layers override earlier ones. */
void tc_vars_merge(struct vars *dst, const struct vars *src);

/* The toolchain's entry for a target (os/arch/variant first, then
 * os/arch), or NULL when it cannot build for it. */
const struct tc_target *tc_find_target(const struct toolchain *tc, const struct rig_target *t);
/* Expands {name} references in one word, appending to out. A word that is
 * exactly one list variable becomes its words. Returns 0 or RIG_ERR_PARSE
 * naming the variable and `where` (the toolchain file). */
int tc_expand_word(const char *word, const struct vars *vs, struct rig_strv *out, const char *where,
		   struct rig_error *err);
/* tc_expand_word for every word of tpl. */
int tc_expand_all(const struct rig_strv *tpl, const struct vars *vs, struct rig_strv *out,
		  const char *where, struct rig_error *err);
/* The variables for building with profile p (may be NULL) for target t. */
void tc_build_vars(const struct toolchain *tc, const struct tc_target *tt, const struct profile *p,
		   const struct rig_target *t, const char *root, const char *workload,
		   const char *out, struct vars *vs);
/* 1 when the build command or directory mentions word. */
int tc_template_uses(const struct toolchain *tc, const struct tc_target *tt, const char *word);
/* "os/arch" or "os/arch/variant". */
void tc_target_key(const struct rig_target *t, char *buf, size_t cap);

/* toolchain_cache.c: the hash of firmware/ under root, kept in tcs (computed
 * once per root). */
void tc_sources_hash(struct rig_toolchains *tcs, const char *root);
/* The cache key (hex sha256 into key[65]) of a build: what was built, from
 * what, by what, how. */
void tc_cache_key(const struct rig_toolchains *tcs, const char *cmd, const char *envs,
		  const char *dir, const char *version, const char *target_key, const char *profile,
		  char key[65]);
/* A version detection already run for toolchain/target: 1 and *info filled,
 * else 0. */
int tc_detect_cached(const struct rig_toolchains *tcs, const char *toolchain,
		     const char *target_key, struct rig_tc_info *info);
/* Remembers a detection result (tcs is the cache's owner). */
void tc_detect_remember(struct rig_toolchains *tcs, const char *toolchain, const char *target_key,
			const struct rig_tc_info *info);

/* toolchain_go.c: reads the go: field (min, max, search, install) of a
 * toolchain. 0 or RIG_ERR_PARSE naming file, line and value. */
struct rig_cfg;
struct rig_cfg_node;
int tc_go_load(const struct rig_cfg *cfg, struct rig_cfg_node *node, struct tc_go_need *need,
	       struct rig_error *err);
void tc_go_free(struct tc_go_need *need);
/* Chooses the Go for tc (no-op without go:): the go on PATH when it is in
 * range, else the newest in range among the search directories. Runs each
 * candidate's `go env GOVERSION` (blocks, ~10 ms each) once per toolchain;
 * the result stays in tc->go_pick. */
void tc_go_pick(struct toolchain *tc);

#endif
