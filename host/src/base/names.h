/*
 * Names that become paths, shell words or terminal text: boards, workloads,
 * build profiles, toolchains, labels. One rule for all of them, checked
 * where a name comes in (the command line, a board file, a toolchains file)
 * and again where it becomes a path (rig_build for workloads):
 *
 *   1 to RIG_NAME_MAX characters from A-Z a-z 0-9 . _ -, the first a letter
 *   or a digit.
 *
 * So a name is never empty, never "..", never has a '/', a blank, a quote,
 * a shell metacharacter or a control character, and never looks like an
 * option.
 */
#ifndef RIG_NAMES_H
#define RIG_NAMES_H

#include <stddef.h>

#include "error.h"
#include "util.h"

#define RIG_NAME_MAX 63

/* 1 when s follows the rule above. */
int rig_name_ok(const char *s);

/*
 * 0 when s is a valid name of the given kind ("board", "workload",
 * "profile", "toolchain", "label"), else RIG_ERR_INVALID with a message that
 * starts with `where` (may be NULL: none; e.g. "boards/x.yaml:3" or
 * "option --workloads") and shows the value with unprintable bytes escaped.
 */
int rig_name_check(const char *where, const char *kind, const char *s, struct rig_error *err);

/* s with bytes outside printable ASCII (and '"', '\') written as \xNN, cut
 * to fit cap: safe to print on a terminal. Returns out. */
char *rig_name_quote(const char *s, char *out, size_t cap);

/*
 * Checks one list of names taken from the command line (option names it in
 * messages, e.g. "--workloads"): not empty, no empty item, no item twice,
 * every item a valid name of kind (names = 0 skips that: board lists may name
 * files), and, when known is non-NULL, every item in known (the message lists
 * the known ones). Returns 0 or RIG_ERR_INVALID.
 */
int rig_names_check_list(const char *option, const char *kind, const struct rig_strv *items,
			 int names, const struct rig_strv *known, struct rig_error *err);

/* RIG_ERR_NOT_FOUND "no <kind> named "x" (where); known: a, b, c" when s is
 * not in known, else 0. `where` may be NULL. */
int rig_names_known(const char *where, const char *kind, const char *s,
		    const struct rig_strv *known, struct rig_error *err);

#endif
