/*
 * What a bench measured, for the environment record of its runs: the label
 * (a branch name or "main" given by --label, else `git describe` of the
 * source tree), the commit and branch of that tree, and an id that groups
 * the runs of one bench invocation. Git is optional: without it, or outside
 * a work tree, the values are "unknown".
 */
#ifndef RIG_PROVENANCE_H
#define RIG_PROVENANCE_H

#include "util.h"

struct rig_provenance {
	char label[128];   /* --label, else `git describe --always --dirty`, else "unknown" */
	char commit[48];   /* `git rev-parse HEAD` (40 hex), else "unknown" */
	char branch[128];  /* `git rev-parse --abbrev-ref HEAD`, else "unknown" */
	char source[1024]; /* the tree the commit is of */
	char bench_id[48]; /* unique per bench invocation: "<unix s>-<pid>-<ns>" */
};

/* Fills p for the tree at source_dir; label NULL or "" means "from git".
 * Runs git (blocks, at most 5 s per call); never fails. */
void rig_provenance_collect(const char *source_dir, const char *label, struct rig_provenance *p);

/* Adds rig.label, rig.commit, rig.branch, rig.source and bench.id to facts. */
void rig_provenance_facts(const struct rig_provenance *p, struct rig_kvlist *facts);

#endif
