/*
 * Toolchains and build profiles. Every toolchain (gc, gccgo, C, TinyGo,
 * Gollvm, and custom ones) is described in YAML by the same fields: how to
 * print its version, the command that builds, the environment it needs, and
 * per-target variables. The built-in ones are host/toolchains.yaml; users add
 * theirs with --toolchains-file. A profile names a toolchain plus flags.
 *
 * Template words: {out} {src} {workload} {goos} {goarch} {goarm} {cc} {gccgo}
 * {triple} {tinygo_target} {flags} {cflags} {ldflags} {gccgoflags} {root}.
 * A word that is exactly "{flags}" (or cflags/ldflags) expands to zero or
 * more arguments.
 */
#ifndef RIG_TOOLCHAIN_H
#define RIG_TOOLCHAIN_H

#include "artifact.h"
#include "error.h"
#include "util.h"

struct rig_toolchains; /* the loaded set of toolchains and profiles */

struct rig_tc_info {
	int present;	   /* 1: found and answered its version command */
	char version[160]; /* first line of the version output, trimmed */
	char path[256];	   /* resolved compiler path */
	char reason[1024]; /* why not present: what is missing, what to install */
	char go_dir[512];  /* toolchains with go: the bin directory put first on PATH */
	char go_why[768];  /* which Go that is and why (or why none); empty without go: */
};

/* Loads the built-in file and then extra files (may be NULL). */
int rig_toolchains_load(const char *builtin_path, const char *const *extra_paths,
			struct rig_toolchains **out, struct rig_error *err);
/* The same from one text in memory (name is used in messages): fuzzing and
 * tests. */
int rig_toolchains_load_text(const char *name, const char *text, size_t len,
			     struct rig_toolchains **out, struct rig_error *err);
void rig_toolchains_free(struct rig_toolchains *tcs);

size_t rig_profile_count(const struct rig_toolchains *tcs);
const char *rig_profile_name(const struct rig_toolchains *tcs, size_t i);
/* The toolchain a profile uses ("gc" for "gc-stripped"). NULL if unknown. */
const char *rig_profile_toolchain(const struct rig_toolchains *tcs, const char *profile);
/* Profiles selected by word: a toolchain name selects its default profiles
 * ("gccgo" -> gccgo, gccgo-static); any other word must be a profile name.
 * Appends names not already in out; returns the number matched (0: unknown). */
size_t rig_profiles_select(const struct rig_toolchains *tcs, const char *word,
			   struct rig_strv *out);
/* The language ("go" or "c") a profile builds. */
const char *rig_profile_lang(const struct rig_toolchains *tcs, const char *profile);

/* 1 when the profile is part of the default matrix. */
int rig_profile_is_default(const struct rig_toolchains *tcs, const char *profile);
/* The profile other builds are compared with (baseline: true), or NULL. */
const char *rig_profile_baseline(const struct rig_toolchains *tcs);

/* The workloads the tree at source_root (NULL: rig_data_dir()) has sources for (Go:
 * firmware/workloads/go/NAME/main.go, C: firmware/workloads/c/NAME.c with a
 * main, or saying "rig:console-service"), sorted, without repeats, appended
 * to out. Returns how many. */
int rig_workloads_list(const char *source_root, struct rig_strv *out);

/* What kind of service workload name is (benched under --load only):
 * RIG_SERVICE_NET, a server that runs until SIGTERM (its Go main.go or C
 * file says "rig:service" in its first 4 KiB); RIG_SERVICE_CONSOLE,
 * requests on an MCU firmware's console (its C file says
 * "rig:console-service": hashreq); 0 otherwise, and when it has no
 * sources. */
#define RIG_SERVICE_NET 1
#define RIG_SERVICE_CONSOLE 2
int rig_workload_is_service(const char *source_root, const char *name);

size_t rig_toolchain_count(const struct rig_toolchains *tcs);
const char *rig_toolchain_name(const struct rig_toolchains *tcs, size_t i);

/* Runs the version command of a toolchain for a target. Blocks (a few ms to
 * seconds). Never fails hard: absence is info->present == 0 with a reason. */
int rig_toolchain_detect(const struct rig_toolchains *tcs, const char *toolchain,
			 const struct rig_target *t, struct rig_tc_info *info,
			 struct rig_error *err);

struct rig_build_req {
	const char *profile;
	const char *workload; /* hello, cpu, ... */
	const struct rig_target *target;
	const char *source_root; /* rig's data (firmware/ lives here); NULL: rig_data_dir() */
	const char *cache_dir;	 /* where artifacts are kept, by key */
};

/*
 * The workload must be a valid name (names.h): anything else is
 * RIG_ERR_INVALID before any path is made from it.
 * Builds (or finds in the cache, by content hash of sources, command,
 * environment and toolchain version) the workload for the target. Fills
 * *out including sizes and sha256. Returns 0; RIG_ERR_SKIPPED with a reason
 * when the toolchain is absent or cannot target this; RIG_ERR_BUILD with the
 * compiler's output tail when the build failed. Blocks.
 */
int rig_build(const struct rig_toolchains *tcs, const struct rig_build_req *req,
	      struct rig_artifact *out, struct rig_error *err);

#endif
