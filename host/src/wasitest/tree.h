/* Directory trees for the conformance executor: a fresh, writable copy of
 * a test's fixture directory, and its removal afterwards. */
#ifndef RIG_WASITEST_TREE_H
#define RIG_WASITEST_TREE_H

#include "error.h"
#include "util.h"

/* Copies directory src to dst (which must not exist): files, directories
 * and symlinks (as links), every copy writable by its owner (the suite
 * ships read-only). Names ending in ".cleanup" (a test's leftovers) are
 * not copied. 0 or RIG_ERR_IO naming the path. */
int rig_tree_copy(const char *src, const char *dst, struct rig_error *err);

/* rm -rf path, making directories writable first (tests leave read-only
 * ones). Absent is fine. 0 or RIG_ERR_IO naming what could not go. */
int rig_tree_remove(const char *path, struct rig_error *err);

/* The names in directory dir (not "." and ".."), sorted, into out. */
int rig_tree_list(const char *dir, struct rig_strv *out, struct rig_error *err);

#endif
