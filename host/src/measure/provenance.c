/* Label, commit and bench id of a bench: see provenance.h. */
#include "provenance.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* First line of `git -C dir ARGS...`, or "" when git is absent, fails or
 * the tree is not a git work tree. */
static void git_line(const char *dir, const char *a1, const char *a2, const char *a3, char *out,
		     size_t cap)
{
	char *argv[] = {"git", "-C", (char *)dir, (char *)a1, (char *)a2, (char *)a3, NULL};
	char *env[] = {"GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", NULL};
	struct rig_proc_result res = {0};
	char path[1024];

	out[0] = '\0';
	if (!rig_which("git", path, sizeof(path)))
		return;
	if (rig_run_capture(argv, NULL, env, 5000, &res, NULL) == 0 && res.exited &&
	    res.status == 0 && res.out.data) {
		size_t n = strcspn(res.out.data, "\r\n");
		/* git writes warnings to stderr, merged here: a first line with
		 * spaces is not an answer */
		if (n && n < cap && !memchr(res.out.data, ' ', n))
			snprintf(out, cap, "%.*s", (int)n, res.out.data);
	}
	rig_proc_result_free(&res);
}

void rig_provenance_collect(const char *source_dir, const char *label, struct rig_provenance *p)
{
	const char *dir = source_dir && source_dir[0] ? source_dir : ".";
	char describe[128];

	memset(p, 0, sizeof(*p));
	snprintf(p->source, sizeof(p->source), "%s", dir);
	git_line(dir, "rev-parse", "HEAD", NULL, p->commit, sizeof(p->commit));
	git_line(dir, "rev-parse", "--abbrev-ref", "HEAD", p->branch, sizeof(p->branch));
	if (label && label[0]) {
		snprintf(p->label, sizeof(p->label), "%s", label);
	} else {
		git_line(dir, "describe", "--always", "--dirty", describe, sizeof(describe));
		snprintf(p->label, sizeof(p->label), "%s", describe[0] ? describe : "unknown");
	}
	if (!p->commit[0])
		snprintf(p->commit, sizeof(p->commit), "unknown");
	if (!p->branch[0])
		snprintf(p->branch, sizeof(p->branch), "unknown");
	snprintf(p->bench_id, sizeof(p->bench_id), "%lld-%d-%lld", (long long)rig_wall_s(),
		 (int)getpid(), (long long)(rig_now_ns() % 1000000000LL));
}

void rig_provenance_facts(const struct rig_provenance *p, struct rig_kvlist *facts)
{
	rig_kv_set(facts, "rig.label", p->label);
	rig_kv_set(facts, "rig.commit", p->commit);
	rig_kv_set(facts, "rig.branch", p->branch);
	rig_kv_set(facts, "rig.source", p->source);
	rig_kv_set(facts, "bench.id", p->bench_id);
}
