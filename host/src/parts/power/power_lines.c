/*
 * Power parts dtr and rts: reset by pulsing a control line of the board's
 * serial console (an Arduino-style auto-reset circuit, an ST-LINK's NRST
 * wired to DTR). The line is held for `pulse`, and the target starts when
 * it is released.
 *
 *   power: {kind: dtr, pulse: 50ms}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"

struct lines_priv {
	int rts; /* 0: DTR */
	long long pulse_ms;
};

static int configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
		     int rts, struct rig_error *err)
{
	static const char *const keys[] = {"method", "pulse", "settle", "command", NULL};
	struct lines_priv *lp = rig_xcalloc(1, sizeof(*lp));
	long long settle;
	int rc;

	b->power.priv = lp;
	lp->rts = rts;
	lp->pulse_ms = 50;
	if (!sec)
		return 0;
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "pulse", 0, 50, 10000, &lp->pulse_ms, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "settle", 0, 0, 60000, &settle, err)))
		return rc;
	return 0;
}

static int dtr_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	return configure(b, cfg, sec, 0, err);
}

static int rts_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	return configure(b, cfg, sec, 1, err);
}

static int set_line(struct rig_board *b, int on, struct rig_error *err)
{
	struct lines_priv *lp = b->power.priv;
	struct rig_transport *t = b->console;

	if (!t->ops->set_lines)
		return rig_fail(err, RIG_ERR_NOT_SUPPORTED,
				"board %s: %s cannot drive %s (power %s needs a serial port)",
				b->name, t->name, lp->rts ? "RTS" : "DTR", lp->rts ? "rts" : "dtr");
	return lp->rts ? t->ops->set_lines(t, -1, on, err) : t->ops->set_lines(t, on, -1, err);
}

static int lines_reset(struct rig_board *b, int64_t *t0_ns, struct rig_error *err)
{
	struct lines_priv *lp = b->power.priv;
	int rc;

	if (!b->console && (rc = rig_board_console_open(b, b->ready_timeout_ms, err)))
		return rc;
	rig_lines_drain(&b->lines);
	rig_lines_cut(&b->lines);
	rig_lines_mark(&b->lines, "reset (%s pulse, %lld ms)", lp->rts ? "RTS" : "DTR",
		       lp->pulse_ms);
	if ((rc = set_line(b, 1, err)))
		return rc;
	nanosleep(&(struct timespec){.tv_sec = lp->pulse_ms / 1000,
				     .tv_nsec = (lp->pulse_ms % 1000) * 1000000L},
		  NULL);
	*t0_ns = rig_now_ns(); /* the board starts when the line is released */
	return set_line(b, 0, err);
}

static int lines_recover(struct rig_board *b, struct rig_error *err)
{
	return rig_board_console_open(b, b->ready_timeout_ms, err);
}

static int lines_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct lines_priv *lp = b->power.priv;

	rig_kv_set(facts, "board.reset", lp->rts ? "rts" : "dtr");
	return 0;
}

static void lines_destroy(struct rig_board *b)
{
	free(b->power.priv);
	b->power.priv = NULL;
}

const struct rig_power_ops rig_power_dtr_ops = {
    .kind = "dtr",
    .configure = dtr_configure,
    .reset = lines_reset,
    .recover = lines_recover,
    .facts = lines_facts,
    .destroy = lines_destroy,
};

const struct rig_power_ops rig_power_rts_ops = {
    .kind = "rts",
    .configure = rts_configure,
    .reset = lines_reset,
    .recover = lines_recover,
    .facts = lines_facts,
    .destroy = lines_destroy,
};
