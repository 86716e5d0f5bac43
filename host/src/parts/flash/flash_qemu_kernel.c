/*
 * Flash part qemu-kernel: the image becomes the emulator's -kernel. The
 * power part qemu boots it in a fresh emulator, paused, unless the same
 * content is already running (docs/mcu.md).
 *
 *   flash: {kind: qemu-kernel}
 */
#include "board.h"

static int qk_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			struct rig_error *err)
{
	return rig_part_known_keys(cfg, sec, NULL, err);
}

static int qk_check(struct rig_board *b, struct rig_error *err)
{
	if (RIG_POWER(b) != &rig_power_qemu_ops)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: flash qemu-kernel needs power qemu (the emulator it loads "
				"the image into), got power %s",
				b->file, b->flash.line, RIG_POWER(b)->kind);
	return 0;
}

static int qk_load(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	return rig_power_qemu_boot(b, a->path, a->sha256, err);
}

const struct rig_flash_ops rig_flash_qemu_kernel_ops = {
    .kind = "qemu-kernel",
    .configure = qk_configure,
    .check = qk_check,
    .load = qk_load,
};
