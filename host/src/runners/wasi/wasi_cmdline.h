/*
 * A WASI board's command line for one module run with given arguments,
 * environment and preopened directories: what the conformance executor
 * (wasitest/) runs, so its rows and the bench's describe the same runtime
 * configuration. The runtime quirks (how each runtime preopens a directory
 * and passes env) live in runner_wasi.c's build_argv(), in one place.
 */
#ifndef RIG_WASI_CMDLINE_H
#define RIG_WASI_CMDLINE_H

#include <stddef.h>

#include "board.h"
#include "error.h"
#include "util.h"

/* A host directory preopened in the guest. */
struct rig_wasi_dir {
	const char *guest; /* absolute guest path, "/" for the suite's root */
	const char *host;  /* an existing host directory */
};

/* One run of a module. Nothing of the board's own env/preopen is added:
 * the guest sees exactly these. */
struct rig_wasi_call {
	const char *module; /* the .wasm as given (compiled ahead first when the board does) */
	char *const *args;  /* the module's argv[1..], n_args of them */
	size_t n_args;
	char *const *env; /* "K=V" (K non-empty, without '='), n_env of them */
	size_t n_env;
	const struct rig_wasi_dir *dirs;
	size_t n_dirs;
	/* host:port of a listening socket the runtime opens and passes to the
	 * module preopened (wazero: -listen), or NULL. Only for runtimes that
	 * can (wasi_serve.h). */
	const char *listen;
};

/* 1 when b runs programs with the WASI runner (kind wasi, or runner: wasi). */
int rig_wasi_is_board(const struct rig_board *b);

/*
 * Fills av (appending; free with rig_strv_free) with the command line that
 * runs call->module on board b. b must be open (ops->open succeeded). For a
 * precompiling board (wasmtime-aot, wamr) the module is compiled ahead first,
 * into the board's scratch directory, which may block for the compile (up
 * to 10 minutes); the compile of the same path is reused for the next call.
 * Returns 0; RIG_ERR_INVALID when b is not a WASI board or a call field
 * cannot be spelled for the runtime (env key with '=', a relative guest
 * path); RIG_ERR_SKIPPED with the compiler's output when the ahead-of-time
 * compile failed, or the module does not parse. Not thread-safe per board.
 */
int rig_wasi_cmdline(struct rig_board *b, const struct rig_wasi_call *call, struct rig_strv *av,
		     struct rig_error *err);

#endif
