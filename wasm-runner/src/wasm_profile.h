/*
 * Runtime profiles: what a WebAssembly runtime (as deployed on some device)
 * provides, read from YAML (boards/wasm-profiles/NAME.yaml), and the check
 * of a module against one:
 *
 *   name: wamr-small
 *   description: WAMR interpreter on a 512 KiB microcontroller
 *   runtime: wamr
 *   imports:                      # module -> functions it provides
 *     wasi_snapshot_preview1: [args_get, fd_write, proc_exit]
 *     wasi_unstable: all          # every function of that WASI version
 *   features: [mutable-globals, sign-ext]
 *   memory:
 *     max_bytes: 262144           # linear-memory budget (initial size must fit)
 *     require_max: true           # the module must declare a maximum within budget
 *
 * `all` stands for the whole function list of wasi_snapshot_preview1,
 * wasi_unstable or gojs as rig knows them (wasm_profile.c).
 */
#ifndef RIG_WASM_PROFILE_H
#define RIG_WASM_PROFILE_H

#include <limits.h>
#include <stdint.h>

#include "error.h"
#include "util.h"
#include "wasm_module.h"

struct rig_wasm_profile_imports {
	char module[64];
	struct rig_strv fields; /* the functions provided */
};

struct rig_wasm_profile {
	char name[64];
	char file[PATH_MAX];
	char description[160];
	char runtime[32];
	struct rig_wasm_profile_imports *imports;
	size_t n_imports;
	unsigned features;	  /* enum rig_wasm_feature bits supported */
	int64_t memory_max_bytes; /* -1: no budget */
	int memory_require_max;
};

/* Resolves NAME to boards_dir/wasm-profiles/NAME.yaml (a value with '/' or
 * ending in .yaml is a path) and loads it. RIG_ERR_NOT_FOUND names the
 * file; RIG_ERR_PARSE names file:line:field. */
int rig_wasm_profile_load(const char *name_or_path, const char *boards_dir,
			  struct rig_wasm_profile **out, struct rig_error *err);
/* The same from YAML text (tests, fuzzing); name is used in messages. */
int rig_wasm_profile_load_string(const char *name, const char *text, size_t len,
				 struct rig_wasm_profile **out, struct rig_error *err);
void rig_wasm_profile_free(struct rig_wasm_profile *p);

/* The function list rig knows for a WASI/gojs import module, NULL-terminated,
 * or NULL for an unknown module. */
const char *const *rig_wasm_known_imports(const char *module);

/* Outcome of checking a module against a profile. Every string owned. */
struct rig_wasm_check {
	struct rig_strv
	    missing_imports; /* "wasi_snapshot_preview1.sock_accept (func (i32) -> (i32))" */
	struct rig_strv unsupported_features; /* "simd" */
	struct rig_strv memory_problems; /* "initial memory 2.0 MiB exceeds the 256 KiB budget" */
	struct rig_strv notes;		 /* not failures: "memory may grow past the budget" */
	uint64_t initial_memory_bytes, max_memory_bytes; /* of memory 0; max 0 = none */
	int memory_fits;				 /* 1 when memory_problems is empty */
	size_t problems;				 /* total of the three lists */
};

/* Checks m against p. Never fails (a module that parsed can be checked);
 * the result goes into *out (free with rig_wasm_check_free). */
void rig_wasm_check(const struct rig_wasm_module *m, const struct rig_wasm_profile *p,
		    struct rig_wasm_check *out);
void rig_wasm_check_free(struct rig_wasm_check *c);
/* A one-line summary of the problems ("missing wasi_snapshot_preview1.x; no simd"),
 * into buf; returns buf. */
char *rig_wasm_check_summary(const struct rig_wasm_check *c, char *buf, size_t cap);

#endif
