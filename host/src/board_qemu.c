/* Placeholder for the qemu board backend: replaced by its real implementation. */
#include "board.h"

static int qemu_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	return 0;
}

static int qemu_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "board kind 'qemu' is not implemented yet");
}

const struct rig_board_ops rig_board_qemu_ops = {
	.kind = "qemu",
	.configure = qemu_configure,
	.run = qemu_run,
};
