/*
 * The serial board: a real microcontroller on a USB-serial (or native)
 * port. Flash = a command template from the board file; reset = a DTR or
 * RTS pulse, or the 1200-baud touch that drops TinyGo/Arduino boards into
 * their boot loader (followed by the flash command, which boots the image);
 * the console is the same port through libserialport. A sample is
 * mcu_run.c's reset / ready / command / results / done, as on QEMU.
 *
 *   serial: {port: usb:2e8a:000a[:SERIAL] | /dev/ttyACM0, baud: 115200}
 *   reset:  {method: dtr | rts | touch1200 | command | none, pulse: 50ms,
 *            settle: 2s, command: [st-flash, reset]}
 *   flash:  {command: [picotool, load, -x, "{elf}"], timeout: 60s}
 *           words: {elf} the image, {bin} a raw binary made from it with
 *           arm-none-eabi-objcopy, {port} the resolved port path
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "log.h"
#include "mcu_run.h"
#include "serial_lines.h"
#include "transport_serial.h"

enum { RESET_DTR, RESET_RTS, RESET_TOUCH1200, RESET_COMMAND, RESET_NONE };

struct sboard {
	char port[256];
	long long baud;
	int reset;
	long long pulse_ms, settle_ms, flash_timeout_ms;
	struct rig_strv flash;
	struct rig_strv reset_cmd;
	/* state */
	struct rig_transport *t;
	struct rig_lines lines;
	int lines_ready;
	char image[PATH_MAX];
	char bin[PATH_MAX + 8];
};

static void sleep_ms(long long ms)
{
	nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L}, NULL);
}

static int serial_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	static const char *const skeys[] = {"port", "baud", NULL};
	static const char *const rkeys[] = {"method", "pulse", "settle", "command", NULL};
	static const char *const fkeys[] = {"command", "timeout", NULL};
	static const char *const methods[] = {"dtr", "rts", "touch1200", "command", "none", NULL};
	struct rig_cfg_node *s = rig_cfg_get(cfg, NULL, "serial");
	struct rig_cfg_node *r = rig_cfg_get(cfg, NULL, "reset");
	struct rig_cfg_node *f = rig_cfg_get(cfg, NULL, "flash");
	struct sboard *sb;
	struct rig_serial_sel sel;
	struct rig_error e = {0};
	int rc;

	if (!s)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'serial' is required for kind serial (serial: {port: "
				"usb:VID:PID})",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	sb = rig_xcalloc(1, sizeof(*sb));
	b->priv = sb;
	if ((rc = rig_cfg_known_keys(cfg, s, skeys, err)) ||
	    (rc = rig_cfg_str(cfg, s, "port", 1, NULL, sb->port, sizeof(sb->port), err)) ||
	    (rc = rig_cfg_int(cfg, s, "baud", 0, 115200, 300, 4000000, &sb->baud, err)))
		return rc;
	if (rig_serial_sel_parse(sb->port, &sel, &e))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field 'serial.port': %s", b->file,
				rig_cfg_line(rig_cfg_get(cfg, s, "port")), e.msg);
	if (r && (rc = rig_cfg_known_keys(cfg, r, rkeys, err)))
		return rc;
	if ((rc = rig_cfg_enum(cfg, r, "method", 0, methods, RESET_DTR, &sb->reset, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, r, "pulse", 0, 50, 10000, &sb->pulse_ms, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, r, "settle", 0, 2000, 60000, &sb->settle_ms, err)) ||
	    (r && (rc = rig_cfg_strv(cfg, r, "command", 0, &sb->reset_cmd, err))))
		return rc;
	if (sb->reset == RESET_COMMAND && !sb->reset_cmd.n)
		return rig_fail(
		    err, RIG_ERR_PARSE,
		    "%s:%d: reset method command needs reset.command (e.g. [st-flash, reset])",
		    b->file, rig_cfg_line(r));
	if (f && ((rc = rig_cfg_known_keys(cfg, f, fkeys, err)) ||
		  (rc = rig_cfg_strv(cfg, f, "command", 0, &sb->flash, err)) ||
		  (rc = rig_cfg_duration_ms(cfg, f, "timeout", 0, 60000, 600000,
					    &sb->flash_timeout_ms, err))))
		return rc;
	if (sb->reset == RESET_TOUCH1200 && !sb->flash.n)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: reset method touch1200 leaves the board in its boot "
				"loader: it needs flash.command to boot the image again",
				b->file, rig_cfg_line(r));
	return 0;
}

static void serial_destroy(struct rig_board *b)
{
	struct sboard *sb = b->priv;

	if (!sb)
		return;
	rig_strv_free(&sb->flash);
	rig_strv_free(&sb->reset_cmd);
	free(sb);
	b->priv = NULL;
}

/* Opens the port, retrying until timeout_ms (USB ports vanish while a board
 * reboots). Not connected at all: RIG_ERR_SKIPPED with the reason. */
static int open_port(struct rig_board *b, long long timeout_ms, struct rig_error *err)
{
	struct sboard *sb = b->priv;
	int64_t deadline = rig_now_ns() + timeout_ms * 1000000;
	int rc;

	rig_transport_close(sb->t);
	sb->t = NULL;
	for (;;) {
		rc = rig_transport_serial_open(sb->port, (int)sb->baud, &sb->t, err);
		if (rc != RIG_ERR_NOT_FOUND || rig_now_ns() >= deadline)
			break;
		sleep_ms(100);
	}
	if (rc == RIG_ERR_NOT_FOUND) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return rig_fail(err, RIG_ERR_SKIPPED, "board %s is not connected: %s", b->name,
				why);
	}
	if (rc)
		return rc;
	if (!sb->lines_ready) {
		rig_lines_init(&sb->lines, sb->t);
		sb->lines_ready = 1;
	}
	sb->lines.t = sb->t;
	return 0;
}

static int serial_open(struct rig_board *b, struct rig_error *err) { return open_port(b, 0, err); }

static void serial_close(struct rig_board *b)
{
	struct sboard *sb = b->priv;

	if (!sb)
		return;
	if (sb->lines_ready)
		rig_lines_free(&sb->lines);
	sb->lines_ready = 0;
	rig_transport_close(sb->t);
	sb->t = NULL;
}

/* The 1200-baud touch: open at 1200 baud, drop DTR, close. CDC-ACM boot
 * loaders (Arduino, TinyGo's) take it as "enter the boot loader". */
static int touch1200(struct rig_board *b, struct rig_error *err)
{
	struct sboard *sb = b->priv;
	struct rig_transport *t = NULL;
	int rc;

	rig_transport_close(sb->t);
	sb->t = NULL;
	sb->lines.t = NULL;
	if ((rc = rig_transport_serial_open(sb->port, 1200, &t, err)))
		return rc;
	if (t->ops->set_lines)
		t->ops->set_lines(t, 0, -1, NULL);
	rig_transport_close(t);
	sleep_ms(sb->settle_ms);
	return 0;
}

static int make_bin(struct sboard *sb, struct rig_error *err)
{
	struct rig_proc_result res = {0};
	char *argv[] = {"arm-none-eabi-objcopy", "-O", "binary", sb->image, sb->bin, NULL};
	int rc;

	snprintf(sb->bin, sizeof(sb->bin), "%s.bin", sb->image);
	rc = rig_run_capture(argv, NULL, NULL, 30000, &res, err);
	if (rc == 0 && !(res.exited && res.status == 0))
		rc = rig_fail(err, RIG_ERR_BUILD, "arm-none-eabi-objcopy -O binary %s: %s",
			      sb->image, res.out.data ? res.out.data : "failed");
	rig_proc_result_free(&res);
	return rc;
}

/* Runs a command template from the board file (flash or reset). */
static int run_template(struct rig_board *b, const struct rig_strv *tpl, const char *what,
			struct rig_error *err)
{
	struct sboard *sb = b->priv;
	struct rig_strv av = {0};
	struct rig_proc_result res = {0};
	int rc = 0;

	if (!tpl->n)
		return 0;
	for (size_t i = 0; i < tpl->n && !rc; i++) {
		const char *w = tpl->v[i];

		if (strcmp(w, "{elf}") == 0)
			rig_strv_push(&av, sb->image);
		else if (strcmp(w, "{bin}") == 0 && (rc = make_bin(sb, err)) == 0)
			rig_strv_push(&av, sb->bin);
		else if (strcmp(w, "{port}") == 0)
			rig_strv_push(&av, sb->t ? sb->t->name : sb->port);
		else if (strcmp(w, "{bin}") != 0)
			rig_strv_push(&av, w);
	}
	if (!rc)
		rc = rig_run_capture(av.v, NULL, NULL, (int)sb->flash_timeout_ms, &res, err);
	if (rc == RIG_ERR_NOT_FOUND)
		rc = rig_fail(err, RIG_ERR_SKIPPED, "board %s: %s tool %s is not installed",
			      b->name, what, av.v[0]);
	else if (rc == 0 && !(res.exited && res.status == 0))
		rc = rig_fail(err, RIG_ERR_IO, "board %s: %s of %s failed (%s %d): %.300s", b->name,
			      what, sb->image, res.timed_out ? "timed out," : "status", res.status,
			      res.out.data ? res.out.data : "");
	rig_proc_result_free(&res);
	rig_strv_free(&av);
	return rc;
}

static int run_flash(struct rig_board *b, struct rig_error *err)
{
	struct sboard *sb = b->priv;

	return run_template(b, &sb->flash, "flash", err);
}

static int serial_prepare(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct sboard *sb = b->priv;
	int rc;

	snprintf(sb->image, sizeof(sb->image), "%s", a->path);
	if (sb->reset == RESET_TOUCH1200 && (rc = touch1200(b, err)))
		return rc;
	if ((rc = run_flash(b, err)))
		return rc;
	return open_port(b, b->ready_timeout_ms, err);
}

static int ctl_reset(void *ctx, int64_t *t0_ns, struct rig_error *err)
{
	struct rig_board *b = ctx;
	struct sboard *sb = b->priv;
	int rc;

	if (sb->t) {
		rig_lines_drain(&sb->lines);
		rig_lines_cut(&sb->lines);
	}
	switch (sb->reset) {
	case RESET_DTR:
	case RESET_RTS:
		if (!sb->t && (rc = open_port(b, b->ready_timeout_ms, err)))
			return rc;
		rig_lines_mark(&sb->lines, "reset (%s pulse, %lld ms)",
			       sb->reset == RESET_DTR ? "DTR" : "RTS", sb->pulse_ms);
		rc = sb->reset == RESET_DTR ? sb->t->ops->set_lines(sb->t, 1, -1, err)
					    : sb->t->ops->set_lines(sb->t, -1, 1, err);
		if (rc)
			return rc;
		sleep_ms(sb->pulse_ms);
		*t0_ns = rig_now_ns(); /* the board starts when the line is released */
		return sb->reset == RESET_DTR ? sb->t->ops->set_lines(sb->t, 0, -1, err)
					      : sb->t->ops->set_lines(sb->t, -1, 0, err);
	case RESET_TOUCH1200:
		if ((rc = touch1200(b, err)) || (rc = run_flash(b, err)))
			return rc;
		*t0_ns = rig_now_ns(); /* from the end of flashing: includes USB re-enumeration */
		rc = open_port(b, b->ready_timeout_ms, err);
		if (rc == 0)
			rig_lines_mark(&sb->lines, "reset (1200-baud touch, re-flash)");
		return rc == RIG_ERR_SKIPPED ? RIG_ERR_IO : rc;
	case RESET_COMMAND:
		if (!sb->t && (rc = open_port(b, b->ready_timeout_ms, err)))
			return rc;
		rig_lines_mark(&sb->lines, "reset (command %s)", sb->reset_cmd.v[0]);
		*t0_ns = rig_now_ns(); /* includes the tool's own start-up */
		return run_template(b, &sb->reset_cmd, "reset", err);
	default:
		/* no reset line: reopening the port is all there is (USB CDC
		 * firmware that prints ready when the host connects) */
		*t0_ns = rig_now_ns();
		rc = open_port(b, b->ready_timeout_ms, err);
		if (rc == 0)
			rig_lines_mark(&sb->lines, "port reopened (no reset method)");
		return rc == RIG_ERR_SKIPPED ? RIG_ERR_IO : rc;
	}
}

static int ctl_recover(void *ctx, struct rig_error *err)
{
	struct rig_board *b = ctx;

	return open_port(b, b->ready_timeout_ms, err);
}

static int serial_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		      struct rig_error *err)
{
	struct sboard *sb = b->priv;
	struct rig_mcu_ctl ctl = {
	    .reset = ctl_reset, .recover = ctl_recover, .ctx = b, .lines = &sb->lines};
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

	if (!sb->lines_ready)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not open", b->name);
	return rig_mcu_sample(&ctl, &p, out, err);
}

static int serial_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct sboard *sb = b->priv;
	static const char *const names[] = {"dtr", "rts", "touch1200", "command", "none"};

	rig_kv_set(facts, "board.kind", "serial");
	rig_kv_set(facts, "board.port", sb->t ? sb->t->name : sb->port);
	rig_kv_setf(facts, "board.baud", "%lld", sb->baud);
	rig_kv_set(facts, "board.reset", names[sb->reset]);
	return 0;
}

const struct rig_board_ops rig_board_serial_ops = {
    .kind = "serial",
    .configure = serial_configure,
    .open = serial_open,
    .close = serial_close,
    .facts = serial_facts,
    .prepare = serial_prepare,
    .run = serial_run,
    .destroy = serial_destroy,
};
