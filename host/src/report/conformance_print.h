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

/*
 * The same matrix (with the reasons o asks for) as an HTML section
 * (<h2 id="conformance"> and a <pre> of the aligned text, escaped) appended
 * to out, for rig report. Appends nothing when no verdict is stored or the
 * store cannot give them (PostgreSQL keeps none): a report without the
 * matrix, not a failed report. Returns the number of verdicts shown.
 */
int rig_conf_matrix_html(struct rig_store *s, const struct rig_conf_print_opts *o,
			 struct rig_buf *out);

#endif
