/* Placeholder for the wasi board backend: replaced by its real implementation. */
#include "board.h"

static int wasi_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	return 0;
}

static int wasi_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "board kind 'wasi' is not implemented yet");
}

const struct rig_board_ops rig_board_wasi_ops = {
	.kind = "wasi",
	.configure = wasi_configure,
	.run = wasi_run,
};
