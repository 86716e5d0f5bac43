/*
 * Link part emulator: the power part's own console (QEMU's first UART,
 * which rig_qemu_start connected before the guest ran, so nothing printed
 * is lost). connect() returns a view: reads and writes go to the power
 * part's stream, close() frees only the view. The power part closes the
 * board's console before it stops the emulator, so a view never outlives
 * its stream.
 *
 *   link: {kind: emulator}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

static ssize_t view_read(struct rig_transport *t, void *buf, size_t n, int timeout_ms,
			 struct rig_error *err)
{
	struct rig_transport *u = t->priv;

	return u->ops->read(u, buf, n, timeout_ms, err);
}

static ssize_t view_write(struct rig_transport *t, const void *buf, size_t n, int timeout_ms,
			  struct rig_error *err)
{
	struct rig_transport *u = t->priv;

	return u->ops->write(u, buf, n, timeout_ms, err);
}

static int view_flush(struct rig_transport *t, struct rig_error *err)
{
	struct rig_transport *u = t->priv;

	return u->ops->flush_input ? u->ops->flush_input(u, err) : 0;
}

static void view_close(struct rig_transport *t) { free(t); }

static const struct rig_transport_ops view_ops = {
    .kind = "view",
    .read = view_read,
    .write = view_write,
    .flush_input = view_flush,
    .close = view_close,
};

static int emu_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	return rig_part_known_keys(cfg, sec, NULL, err);
}

static int emu_connect(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
		       struct rig_error *err)
{
	struct rig_transport *u = RIG_POWER(b)->console ? RIG_POWER(b)->console(b) : NULL;
	struct rig_transport *t;

	if (!u)
		return rig_fail(err, RIG_ERR_IO, "board %s: power %s has no console running",
				b->name, RIG_POWER(b)->kind);
	t = rig_xcalloc(1, sizeof(*t));
	t->ops = &view_ops;
	t->priv = u;
	snprintf(t->name, sizeof(t->name), "%s", u->name);
	*out = t;
	return 0;
}


static void emu_describe(struct rig_board *b, char *out, size_t cap)
{
	struct rig_transport *u = RIG_POWER(b)->console ? RIG_POWER(b)->console(b) : NULL;

	snprintf(out, cap, "%s", u ? u->name : "the emulator's console");
}

const struct rig_link_ops rig_link_emulator_ops = {
    .kind = "emulator",
    .configure = emu_configure,
    .connect = emu_connect,
    .describe = emu_describe,
};
