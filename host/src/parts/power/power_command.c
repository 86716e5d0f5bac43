/*
 * Power part command: any program per action — a PDU's or a relay board's
 * CLI, `uhubctl`, `st-flash reset`. Each is an argv list run without a
 * shell; {port} is the link's address.
 *
 *   power:
 *     kind: command
 *     on:    [pdu, on, "3"]       # optional
 *     off:   [pdu, off, "3"]      # optional
 *     reset: [st-flash, reset]    # optional; without it: off, settle, on
 *     settle: 1s                  # between off and on
 *     timeout: 30s                # per command
 *
 * The legacy serial-board spelling `reset: {method: command, command:
 * [...]}` is the same part with `command` as its reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "log.h"

struct cmd_priv {
	struct rig_strv on, off, reset;
	long long settle_ms, timeout_ms;
};

static int cmd_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	static const char *const keys[] = {"method", "on",     "off",	  "reset",
					   "command", "settle", "timeout", "pulse", NULL};
	struct cmd_priv *cp = rig_xcalloc(1, sizeof(*cp));
	int rc;

	b->power.priv = cp;
	cp->settle_ms = 1000;
	cp->timeout_ms = 30000;
	if (sec && ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
		    (rc = rig_cfg_strv(cfg, sec, "on", 0, &cp->on, err)) ||
		    (rc = rig_cfg_strv(cfg, sec, "off", 0, &cp->off, err)) ||
		    (rc = rig_cfg_strv(cfg, sec, "reset", 0, &cp->reset, err)) ||
		    (rc = rig_cfg_strv(cfg, sec, "command", 0, &cp->reset, err)) ||
		    (rc = rig_cfg_duration_ms(cfg, sec, "settle", 0, 1000, 600000, &cp->settle_ms,
					      err)) ||
		    (rc = rig_cfg_duration_ms(cfg, sec, "timeout", 0, 30000, 600000,
					      &cp->timeout_ms, err))))
		return rc;
	if (!cp->reset.n && !(cp->on.n && cp->off.n))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: power command needs reset.command (e.g. [st-flash, reset]), "
				"or both on and off",
				b->file, sec ? rig_cfg_line(sec) : 0);
	return 0;
}

/* Runs one of the commands; RIG_ERR_SKIPPED when its program is absent. */
static int run_cmd(struct rig_board *b, const struct rig_strv *tpl, const char *what,
		   struct rig_error *err)
{
	struct cmd_priv *cp = b->power.priv;
	struct rig_strv av = {0};
	struct rig_proc_result res = {0};
	char where[256];
	int rc;

	RIG_LINK(b)->describe(b, where, sizeof(where));
	for (size_t i = 0; i < tpl->n; i++)
		rig_strv_push(&av, strcmp(tpl->v[i], "{port}") == 0 ? where : tpl->v[i]);
	rc = rig_run_capture(av.v, NULL, NULL, (int)cp->timeout_ms, &res, err);
	if (rc == RIG_ERR_NOT_FOUND)
		rc = rig_fail(err, RIG_ERR_SKIPPED, "board %s: %s tool %s is not installed",
			      b->name, what, av.v[0]);
	else if (rc == 0 && !(res.exited && res.status == 0))
		rc = rig_fail(err, RIG_ERR_IO, "board %s: %s command %s failed (%s %d): %.300s",
			      b->name, what, av.v[0], res.timed_out ? "timed out," : "status",
			      res.status, res.out.data ? res.out.data : "");
	rig_proc_result_free(&res);
	rig_strv_free(&av);
	return rc;
}

static int cmd_on(struct rig_board *b, struct rig_error *err)
{
	struct cmd_priv *cp = b->power.priv;

	return cp->on.n ? run_cmd(b, &cp->on, "power on", err) : 0;
}

static void cmd_off(struct rig_board *b)
{
	struct cmd_priv *cp = b->power.priv;
	struct rig_error e = {0};

	if (cp->off.n && run_cmd(b, &cp->off, "power off", &e))
		rig_warn("%s", e.msg);
}

static int cycle(struct rig_board *b, struct rig_error *err)
{
	struct cmd_priv *cp = b->power.priv;
	int rc;

	if ((rc = run_cmd(b, &cp->off, "power off", err)))
		return rc;
	nanosleep(&(struct timespec){.tv_sec = cp->settle_ms / 1000,
				     .tv_nsec = (cp->settle_ms % 1000) * 1000000L},
		  NULL);
	return run_cmd(b, &cp->on, "power on", err);
}

static int cmd_reset(struct rig_board *b, int64_t *t0_ns, struct rig_error *err)
{
	struct cmd_priv *cp = b->power.priv;
	int rc;

	if (RIG_LINK(b) != &rig_link_none_ops && !b->console &&
	    (rc = rig_board_console_open(b, b->ready_timeout_ms, err)))
		return rc;
	if (b->lines_ready) {
		rig_lines_drain(&b->lines);
		rig_lines_cut(&b->lines);
	}
	if (cp->reset.n) {
		if (b->lines_ready)
			rig_lines_mark(&b->lines, "reset (command %s)", cp->reset.v[0]);
		*t0_ns = rig_now_ns(); /* includes the tool's own start-up */
		return run_cmd(b, &cp->reset, "reset", err);
	}
	if (b->lines_ready)
		rig_lines_mark(&b->lines, "reset (power cycle: %s, %s)", cp->off.v[0],
			       cp->on.v[0]);
	if ((rc = run_cmd(b, &cp->off, "power off", err)))
		return rc;
	nanosleep(&(struct timespec){.tv_sec = cp->settle_ms / 1000,
				     .tv_nsec = (cp->settle_ms % 1000) * 1000000L},
		  NULL);
	*t0_ns = rig_now_ns(); /* power on */
	return run_cmd(b, &cp->on, "power on", err);
}

static int cmd_recover(struct rig_board *b, struct rig_error *err)
{
	struct cmd_priv *cp = b->power.priv;
	int rc;

	if (cp->on.n && cp->off.n && (rc = cycle(b, err)))
		return rc;
	if (RIG_LINK(b) == &rig_link_none_ops)
		return 0;
	return rig_board_console_open(b, b->ready_timeout_ms, err);
}

static int cmd_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct cmd_priv *cp = b->power.priv;

	rig_kv_setf(facts, "board.reset", "command %s",
		    cp->reset.n ? cp->reset.v[0] : cp->off.v[0]);
	return 0;
}

static void cmd_destroy(struct rig_board *b)
{
	struct cmd_priv *cp = b->power.priv;

	if (!cp)
		return;
	rig_strv_free(&cp->on);
	rig_strv_free(&cp->off);
	rig_strv_free(&cp->reset);
	free(cp);
	b->power.priv = NULL;
}

const struct rig_power_ops rig_power_command_ops = {
    .kind = "command",
    .configure = cmd_configure,
    .on = cmd_on,
    .off = cmd_off,
    .reset = cmd_reset,
    .recover = cmd_recover,
    .facts = cmd_facts,
    .destroy = cmd_destroy,
};
