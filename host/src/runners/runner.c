/* The table of runners, and the null runner. */
#include "runner.h"

#include <string.h>

#include "board.h"

static int none_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  struct rig_error *err)
{
	return rig_part_known_keys(cfg, sec, NULL, err);
}

static int none_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "board %s (kind null) cannot run programs",
			b->name);
}

/* Says "not supported" to every sample: a test double, and what a board
 * file with `kind: null` gets. */
const struct rig_runner_ops rig_runner_none_ops = {
    .kind = "none",
    .configure = none_configure,
    .run = none_run,
};

static const struct rig_runner_ops *const parts[] = {
    &rig_runner_none_ops,  &rig_runner_exec_ops, &rig_runner_mcu_ops,
    &rig_runner_agent_ops, &rig_runner_wasi_ops,
};

const struct rig_runner_ops *rig_runner_find(const char *kind)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(parts); i++)
		if (strcmp(parts[i]->kind, kind) == 0)
			return parts[i];
	return NULL;
}

const char *rig_runner_kinds(void) { return "none, exec, mcu, agent, wasi"; }
