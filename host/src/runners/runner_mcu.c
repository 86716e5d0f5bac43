/*
 * Runner mcu: a sample is rig's firmware line protocol over the board's
 * console (mcu_run.c): reset through the power part, wait for the ready
 * line, send "run NAME N" (C firmware) or let the image run its one
 * workload (a TinyGo image), collect result lines until done. Works with
 * any power part (a reset method or none: then the console is reopened)
 * and any link that gives a byte stream. Under --load (workload hashreq)
 * a sample is the request-latency load on the console instead
 * (load_console.h), then "run boot" for the firmware's own figures.
 *
 *   runner: {kind: mcu}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "mcu_run.h"
#include "toolchain.h"

static int mcu_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	return rig_part_known_keys(cfg, sec, NULL, err);
}

static int mcu_check(struct rig_board *b, struct rig_error *err)
{
	if (RIG_LINK(b) == &rig_link_none_ops)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s: runner mcu reads the firmware's report lines from a console: "
				"it needs a link (serial, pty, unix, tcp, emulator), got link none",
				b->file);
	return 0;
}

/* A console the power part provides (an emulator's UART) appears when it
 * boots the first image; any other is opened now, so an absent board is
 * skipped before anything is built for it. */
static int mcu_open(struct rig_board *b, struct rig_error *err)
{
	if (RIG_POWER(b)->console)
		return 0;
	return rig_board_console_open(b, 0, err);
}

static int ctl_reset(void *ctx, int64_t *t0_ns, struct rig_error *err)
{
	struct rig_board *b = ctx;
	int rc;

	if (RIG_POWER(b)->reset)
		rc = RIG_POWER(b)->reset(b, t0_ns, err);
	else {
		/* no reset line: reopening the port is all there is (USB CDC
		 * firmware that prints ready when the host connects) */
		if (b->console) {
			rig_lines_drain(&b->lines);
			rig_lines_cut(&b->lines);
		}
		*t0_ns = rig_now_ns();
		rc = rig_board_console_open(b, b->ready_timeout_ms, err);
		if (rc == 0)
			rig_lines_mark(&b->lines, "port reopened (no reset method)");
		if (rc == RIG_ERR_SKIPPED)
			rc = RIG_ERR_IO;
	}
	return rc;
}

static int ctl_recover(void *ctx, struct rig_error *err)
{
	struct rig_board *b = ctx;

	if (RIG_POWER(b)->recover)
		return RIG_POWER(b)->recover(b, err);
	return rig_board_console_open(b, b->ready_timeout_ms, err);
}

static int mcu_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		   struct rig_error *err)
{
	struct rig_mcu_ctl ctl = {
	    .reset = ctl_reset, .recover = ctl_recover, .ctx = b, .lines = &b->lines};
	struct rig_mcu_params p = {
	    .art = req->art,
	    .workload = req->workload,
	    .iterations = req->iterations,
	    .command = strcmp(req->art->lang, "go") != 0,
	    .ready_timeout_ms = b->ready_timeout_ms,
	    .retries = b->retries,
	    .timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : b->timeout_ms,
	    .log_path = req->log_path,
	};
	int rc;

	if (req->service) {
		if (!p.command || !req->service->console) {
			rig_sample_fail(out,
					"request latency needs rig's C firmware (its console "
					"takes \"hash SEQ N\"); a %s image runs one workload by "
					"itself",
					req->art->lang[0] ? req->art->lang : "Go");
			return 0;
		}
		p.serve = req->service->console;
		p.serve_ctx = req->service->exec.ctx;
	}
	/* the image this sample is for is the one on the board (a bench
	 * prepares each artifact once; `rig run` and tests may not) */
	if ((!b->has_loaded || strcmp(b->loaded.path, req->art->path) != 0 ||
	     strcmp(b->loaded.sha256, req->art->sha256) != 0) &&
	    RIG_FLASH(b)->load && (rc = rig_compose_prepare(b, req->art, err)))
		return rc;
	if (!b->lines_ready)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not open", b->name);
	return rig_mcu_sample(&ctl, &p, out, err);
}

const struct rig_runner_ops rig_runner_mcu_ops = {
    .kind = "mcu",
    .serves = RIG_SERVICE_CONSOLE,
    .configure = mcu_configure,
    .check = mcu_check,
    .open = mcu_open,
    .run = mcu_run,
};
