/* The table of flash parts, and the null part. */
#include "flash.h"

#include <string.h>

static int none_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  struct rig_error *err)
{
	return rig_part_known_keys(cfg, sec, NULL, err);
}

/* Nothing to put anywhere: the runner uses the artifact where it is. */
const struct rig_flash_ops rig_flash_none_ops = {
    .kind = "none",
    .configure = none_configure,
};

static const struct rig_flash_ops *const parts[] = {
    &rig_flash_none_ops,      &rig_flash_command_ops,  &rig_flash_qemu_kernel_ops,
    &rig_flash_agent_put_ops, &rig_flash_picoboot_ops, &rig_flash_dfu_ops,
    &rig_flash_uf2_ops,
};

const struct rig_flash_ops *rig_flash_find(const char *kind)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(parts); i++)
		if (strcmp(parts[i]->kind, kind) == 0)
			return parts[i];
	return NULL;
}

const char *rig_flash_kinds(void) { return "none, command, qemu-kernel, agent-put, picoboot, dfu, uf2"; }
