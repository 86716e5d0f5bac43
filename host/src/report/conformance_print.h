/*
 * The conformance matrix: the newest verdict of every WASI test on every
 * board (tests x runtimes), with a summary per board and one line per test
 * that did not pass saying why. Cells:
 *   pass  FAIL  T/O (timeout)  skip  ERR (could not run)
 * with "*" when the runtime's own expectations file declares the test a
 * known failure (or skips it), and "!" when rig wasm check's static verdict
 * said the module loads on the board's profile but the runtime failed it.
 */
#ifndef RIG_CONFORMANCE_PRINT_H
#define RIG_CONFORMANCE_PRINT_H

#include <stdio.h>

#include "error.h"
#include "store.h"
#include "util.h"

struct rig_conf_print_opts {
	const struct rig_strv *boards; /* NULL or empty: all */
	int all_tests;		       /* 0: rows only for tests not passing everywhere */
	int reasons;		       /* list why each non-passing cell did not pass */
	int markdown;		       /* a Markdown table (docs/wasm.md) */
};

/* Prints the matrix to f; nothing when no conformance result is stored.
 * Returns the number of verdicts shown (>= 0) or a negative error. */
int rig_conf_matrix_print(struct rig_store *s, const struct rig_conf_print_opts *o, FILE *f,
			  struct rig_error *err);

#endif
