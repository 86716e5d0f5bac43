/*
 * The known failures a runtime project declares for its own runs of the
 * suite: wasi-testsuite expectations/RUNTIME/linux.toml, e.g.
 *
 *   version = 1
 *   [[suite]]
 *   name = "WASI C tests [wasm32-wasip1]"
 *   # Wazero differs for this Preview 1 C test
 *   [[suite.test]]
 *   name = "pwrite-with-append"
 *   action = "skip"              # or: expected = "fail"
 *
 * The reader takes the subset of TOML these files use (comments, key =
 * "string" or integer, [[suite]] and [[suite.test]] tables) and refuses
 * anything else naming file:line. The comment lines just above a
 * [[suite.test]] become its note (they say why, often with an issue URL).
 */
#ifndef RIG_WASI_EXPECT_H
#define RIG_WASI_EXPECT_H

#include <limits.h>
#include <stddef.h>

#include "error.h"

struct rig_wasi_expect_entry {
	char suite[160]; /* the manifest's name: "WASI C tests [wasm32-wasip1]" */
	char test[128];
	char action[16];   /* "skip", or "" */
	char expected[16]; /* "fail", "pass", or "" */
	char note[320];	   /* the comments above it, joined */
	int line;
};

struct rig_wasi_expect {
	char file[PATH_MAX];
	struct rig_wasi_expect_entry *v;
	size_t n;
};

/* Parses text (len bytes); name in messages. 0, or RIG_ERR_PARSE naming
 * name:line and what was expected. *out is safe to free either way. */
int rig_wasi_expect_parse(const char *name, const char *text, size_t len,
			  struct rig_wasi_expect *out, struct rig_error *err);
/* Reads a file; RIG_ERR_NOT_FOUND when absent. */
int rig_wasi_expect_load(const char *path, struct rig_wasi_expect *out, struct rig_error *err);
/* The entry for suite/test, or NULL. */
const struct rig_wasi_expect_entry *rig_wasi_expect_find(const struct rig_wasi_expect *e,
							 const char *suite, const char *test);
void rig_wasi_expect_free(struct rig_wasi_expect *e);

#endif
