/* Placeholder for the agent board backend: replaced by its real implementation. */
#include "board.h"

static int agent_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	return 0;
}

static int agent_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "board kind 'agent' is not implemented yet");
}

const struct rig_board_ops rig_board_agent_ops = {
	.kind = "agent",
	.configure = agent_configure,
	.run = agent_run,
};
