/*
 * Where rig's own files are (not its state: the store, caches and build
 * outputs live in the state directory, ./.rig by default).
 *
 * Data: host/toolchains.yaml, boards/, the firmware/ sources (workloads are
 * compiled at bench time from them), wasm-runner/{node,floor}. The data
 * directory has the source tree's layout, so a template's {root} and a board
 * file's {source_dir} mean the same in both. The first of these that applies:
 *   1. $RIG_DATA_DIR (used as given);
 *   2. $RIG_SOURCE_DIR (a source tree: what the test environment sets);
 *   3. BIN/../share/rig when it holds host/toolchains.yaml, BIN being the
 *      directory of the running binary (/proc/self/exe): an installed rig,
 *      wherever its prefix was copied to;
 *   4. the source tree rig was built from, only when the running binary is
 *      inside that build's tree (RIG_BINARY_DIR) and the tree still exists.
 *
 * Helpers (rig-exec, the rig-agent builds): BIN/../lib/rig when it holds
 * rig-exec (installed), else the build tree's outputs when running from it.
 * `cmake --install build --prefix P` makes the P/bin, P/lib/rig and
 * P/share/rig this expects.
 *
 * Everything is resolved once, on the first call (thread-safe), from the
 * environment at that moment. Returned strings are static: never freed.
 */
#ifndef RIG_PATHS_H
#define RIG_PATHS_H

#include <stddef.h>

/* The data directory. Never NULL: when no rule applies it is where an
 * installed rig would have it (BIN/../share/rig), so messages name a real
 * expectation; rig_data_dir_origin() is NULL then. */
const char *rig_data_dir(void);
/* Which rule found the data directory: "RIG_DATA_DIR", "RIG_SOURCE_DIR",
 * "installed", "build tree", or NULL when none did. */
const char *rig_data_dir_origin(void);
/* One line saying where rig looked for its data, for the error that says it
 * is missing. */
const char *rig_data_dir_searched(void);

/* The installed helper directory (BIN/../lib/rig), or NULL when rig runs
 * from a build tree or no helpers are installed next to it. */
const char *rig_lib_dir(void);

/* The trampoline measured programs are exec'd from: $RIG_EXEC when set (it
 * must be executable), else the installed one, else the build tree's, else
 * rig-exec next to the binary. Returns 1 and the path in out[cap], or 0 when
 * none is executable. */
int rig_exec_path(char *out, size_t cap);

/* The rig-agent build for a board: suffix "" (this machine's arch),
 * "-aarch64" or "-armhf". Writes the path it would be at into out[cap]
 * (installed, else build tree) and returns 1 when a file is there, 0 when
 * not (out then names the expected place, for the message). */
int rig_agent_path(const char *suffix, char *out, size_t cap);

#endif
