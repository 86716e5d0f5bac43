/* The table of power parts, and the null part. */
#include "power.h"

#include <string.h>

static int none_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  struct rig_error *err)
{
	/* `method:` is the legacy spelling of kind in a serial board's reset: */
	static const char *const keys[] = {"method", NULL};

	return rig_part_known_keys(cfg, sec, keys, err);
}

/* Nothing to switch: the board is always on, and a reset is whatever the
 * runner can do without one (reopen the console, a fresh agent session). */
const struct rig_power_ops rig_power_none_ops = {
    .kind = "none",
    .configure = none_configure,
};

static const struct rig_power_ops *const parts[] = {
    &rig_power_none_ops,    &rig_power_qemu_ops,	 &rig_power_qemu_vm_ops,
    &rig_power_dtr_ops,	    &rig_power_rts_ops,		 &rig_power_touch1200_ops,
    &rig_power_command_ops, &rig_power_usb_hub_port_ops,
};

const struct rig_power_ops *rig_power_find(const char *kind)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(parts); i++)
		if (strcmp(parts[i]->kind, kind) == 0)
			return parts[i];
	return NULL;
}

const char *rig_power_kinds(void)
{
	return "none, qemu, qemu-vm, dtr, rts, touch1200, command, usb-hub-port";
}
