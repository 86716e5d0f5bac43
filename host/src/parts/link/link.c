/* The table of link parts, and the null part. */
#include "link.h"

#include <stdio.h>
#include <string.h>

#include "board.h"

static int none_configure(struct rig_board *b, const struct rig_cfg *cfg,
			  struct rig_cfg_node *sec, struct rig_error *err)
{
	return rig_part_known_keys(cfg, sec, NULL, err);
}

static int none_connect(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
			struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "board %s has no link (link none)", b->name);
}

static void none_describe(struct rig_board *b, char *out, size_t cap) { snprintf(out, cap, "none"); }

/* No byte stream: the runner works without one (local processes). */
const struct rig_link_ops rig_link_none_ops = {
    .kind = "none",
    .configure = none_configure,
    .connect = none_connect,
    .describe = none_describe,
};

static const struct rig_link_ops *const parts[] = {
    &rig_link_none_ops, &rig_link_serial_ops, &rig_link_pty_ops,      &rig_link_fd_ops,
    &rig_link_unix_ops, &rig_link_tcp_ops,    &rig_link_emulator_ops, &rig_link_usb_bulk_ops,
};

const struct rig_link_ops *rig_link_find(const char *kind)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(parts); i++)
		if (strcmp(parts[i]->kind, kind) == 0)
			return parts[i];
	return NULL;
}

const char *rig_link_kinds(void) { return "none, serial, pty, fd, unix, tcp, emulator, usb-bulk"; }
