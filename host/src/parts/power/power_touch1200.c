/*
 * Power part touch1200: open the serial port at 1200 baud and drop DTR.
 * CDC-ACM boot loaders (Arduino's, TinyGo's, the RP2040 with TinyGo's USB
 * stack) take it as "reboot into the boot loader", so this part needs a
 * flash part that boots the image again: a reset is touch, re-flash,
 * reopen the console (startup then includes USB re-enumeration).
 *
 *   power: {kind: touch1200, settle: 2s}   # the wait after the touch
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "transport_serial.h"

struct touch_priv {
	long long settle_ms;
};

static int touch_configure(struct rig_board *b, const struct rig_cfg *cfg,
			   struct rig_cfg_node *sec, struct rig_error *err)
{
	static const char *const keys[] = {"method", "pulse", "settle", "command", NULL};
	struct touch_priv *tp = rig_xcalloc(1, sizeof(*tp));
	int rc;

	b->power.priv = tp;
	tp->settle_ms = 2000;
	if (!sec)
		return 0;
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "settle", 0, 2000, 60000, &tp->settle_ms, err)))
		return rc;
	return 0;
}

static int touch_check(struct rig_board *b, struct rig_error *err)
{
	if (RIG_FLASH(b) == &rig_flash_none_ops)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: reset method touch1200 leaves the board in its boot "
				"loader: it needs flash.command to boot the image again",
				b->file, b->power.line);
	return 0;
}

static int touch(struct rig_board *b, struct rig_error *err)
{
	struct touch_priv *tp = b->power.priv;
	struct rig_transport *t = NULL;
	char sel[256];
	int baud, rc;

	if (!RIG_LINK(b)->serial_port || RIG_LINK(b)->serial_port(b, sel, sizeof(sel), &baud))
		return rig_fail(err, RIG_ERR_NOT_SUPPORTED,
				"board %s: power touch1200 needs link serial, got link %s",
				b->name, RIG_LINK(b)->kind);
	rig_board_console_close(b);
	if ((rc = rig_transport_serial_open(sel, 1200, &t, err)))
		return rc;
	if (t->ops->set_lines)
		t->ops->set_lines(t, 0, -1, NULL);
	rig_transport_close(t);
	nanosleep(&(struct timespec){.tv_sec = tp->settle_ms / 1000,
				     .tv_nsec = (tp->settle_ms % 1000) * 1000000L},
		  NULL);
	return 0;
}

static int touch_to_loader(struct rig_board *b, struct rig_error *err) { return touch(b, err); }

static int touch_reset(struct rig_board *b, int64_t *t0_ns, struct rig_error *err)
{
	int rc;

	if (b->lines_ready) {
		rig_lines_drain(&b->lines);
		rig_lines_cut(&b->lines);
	}
	if ((rc = touch(b, err)) || (rc = rig_board_reload(b, err)))
		return rc;
	*t0_ns = rig_now_ns(); /* from the end of flashing: includes USB re-enumeration */
	rc = rig_board_console_open(b, b->ready_timeout_ms, err);
	if (rc == 0)
		rig_lines_mark(&b->lines, "reset (1200-baud touch, re-flash)");
	return rc == RIG_ERR_SKIPPED ? RIG_ERR_IO : rc;
}

static int touch_recover(struct rig_board *b, struct rig_error *err)
{
	return rig_board_console_open(b, b->ready_timeout_ms, err);
}

static int touch_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	rig_kv_set(facts, "board.reset", "touch1200");
	return 0;
}

static void touch_destroy(struct rig_board *b)
{
	free(b->power.priv);
	b->power.priv = NULL;
}

const struct rig_power_ops rig_power_touch1200_ops = {
    .kind = "touch1200",
    .configure = touch_configure,
    .check = touch_check,
    .to_loader = touch_to_loader,
    .reset = touch_reset,
    .recover = touch_recover,
    .facts = touch_facts,
    .destroy = touch_destroy,
};
