/*
 * Power part qemu: a Cortex-M machine emulated by QEMU. Booting an image
 * (the qemu-kernel flash part calls rig_power_qemu_boot) starts the
 * emulator paused, so nothing printed is lost; the first reset is `cont`,
 * later ones QMP system_reset; an emulator that died is started again.
 * Its first UART, a unix socket QEMU serves (or a pty), is the console the
 * `emulator` link lends to the runner. See docs/mcu.md.
 *
 * Board file section (`power: {kind: qemu, ...}`, or the qemu board's
 * `qemu:`):
 *
 *   qemu:
 *     machine: lm3s6965evb        # required: -M
 *     binary: qemu-system-arm     # default
 *     cpu: cortex-m3              # optional: -cpu
 *     icount: 0                   # -icount shift=N (default 0); off: host-speed SysTick
 *     console: socket             # socket (default) | pty
 *     semihosting: true           # -semihosting; close() ends QEMU with "exit 0"
 *     args: [...]                 # more arguments, appended
 *     start_timeout: 5s
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "log.h"
#include "qemu.h"

enum { CONSOLE_SOCKET, CONSOLE_PTY };

struct qboard {
	/* from the board file */
	char machine[64];
	char binary[128];
	char cpu[64];
	int icount; /* -1: off */
	int console;
	int semihosting;
	long long start_timeout_ms;
	struct rig_strv args;
	/* state */
	char sockdir[64]; /* short: unix socket paths are limited to 108 bytes */
	char image[PATH_MAX];
	char image_sha[65]; /* same content under another path: no restart */
	char console_log[PATH_MAX + 32];
	char qemu_log[PATH_MAX + 32];
	struct rig_qemu *q;
	int fresh; /* started paused: the next reset is `cont` */
	int starts;
};

static struct qboard *qb(struct rig_board *b) { return b->power.priv; }

static int qemu_configure(struct rig_board *b, const struct rig_cfg *cfg,
			  struct rig_cfg_node *sec, struct rig_error *err)
{
	static const char *const keys[] = {"machine", "binary",	       "cpu",
					   "icount",  "console",       "semihosting",
					   "args",    "start_timeout", NULL};
	static const char *const consoles[] = {"socket", "pty", NULL};
	struct qboard *q;
	char icount[16];
	int rc;

	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'qemu' is required for kind qemu (at least qemu: "
				"{machine: lm3s6965evb})",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	q = rig_xcalloc(1, sizeof(*q));
	b->power.priv = q;
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "machine", 1, NULL, q->machine, sizeof(q->machine), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "binary", 0, "qemu-system-arm", q->binary,
			      sizeof(q->binary), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "cpu", 0, "", q->cpu, sizeof(q->cpu), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "icount", 0, "0", icount, sizeof(icount), err)) ||
	    (rc = rig_cfg_enum(cfg, sec, "console", 0, consoles, CONSOLE_SOCKET, &q->console,
			       err)) ||
	    (rc = rig_cfg_bool(cfg, sec, "semihosting", 0, 1, &q->semihosting, err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "args", 0, &q->args, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "start_timeout", 0, 5000, 600000,
				      &q->start_timeout_ms, err)))
		return rc;
	if (strcmp(icount, "off") == 0) {
		q->icount = -1;
	} else {
		long long v;

		if (rig_parse_count(icount, 0, 10, &v))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field 'qemu.icount': expected off or a shift from "
					"0 to 10, got \"%s\"",
					b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "icount")),
					icount);
		q->icount = (int)v;
	}
	return 0;
}

static void qemu_destroy(struct rig_board *b)
{
	struct qboard *q = qb(b);

	if (!q)
		return;
	rig_strv_free(&q->args);
	free(q);
	b->power.priv = NULL;
}

static int qemu_open(struct rig_board *b, struct rig_error *err)
{
	struct qboard *q = qb(b);
	char path[PATH_MAX];

	if (!rig_which(q->binary, path, sizeof(path)))
		return rig_fail(err, RIG_ERR_SKIPPED,
				"%s is not installed (apt-get install qemu-system-arm)", q->binary);
	if (!q->sockdir[0]) {
		snprintf(q->sockdir, sizeof(q->sockdir), "/tmp/rig-qemu-XXXXXX");
		if (!mkdtemp(q->sockdir)) {
			q->sockdir[0] = '\0';
			return rig_fail(err, RIG_ERR_IO, "mkdtemp /tmp/rig-qemu-XXXXXX: %s",
					strerror(errno));
		}
	}
	return 0;
}

static void stop_emulator(struct rig_board *b)
{
	struct qboard *q = qb(b);

	if (!q->q)
		return;
	rig_board_console_close(b); /* a view of the emulator's console */
	rig_qemu_stop(q->q, 3000, NULL);
	rig_qemu_free(q->q);
	q->q = NULL;
}

static int start_emulator(struct rig_board *b, struct rig_error *err)
{
	struct qboard *q = qb(b);
	struct rig_strv av = {0};
	struct rig_qemu_config cfg = {0};
	int rc;

	stop_emulator(b);
	rig_strv_push(&av, q->binary);
	rig_strv_push(&av, "-M");
	rig_strv_push(&av, q->machine);
	if (q->cpu[0]) {
		rig_strv_push(&av, "-cpu");
		rig_strv_push(&av, q->cpu);
	}
	rig_strv_push(&av, "-kernel");
	rig_strv_push(&av, q->image);
	rig_strv_push(&av, "-display");
	rig_strv_push(&av, "none");
	rig_strv_push(&av, "-monitor");
	rig_strv_push(&av, "none");
	if (q->icount >= 0) {
		rig_strv_push(&av, "-icount");
		rig_strv_pushf(&av, "shift=%d", q->icount);
	}
	if (q->semihosting)
		rig_strv_push(&av, "-semihosting");
	for (size_t i = 0; i < q->args.n; i++)
		rig_strv_push(&av, q->args.v[i]);
	cfg.argv = &av;
	cfg.dir = q->sockdir;
	cfg.console = q->console == CONSOLE_PTY ? RIG_QEMU_CONSOLE_PTY : RIG_QEMU_CONSOLE_SOCKET;
	cfg.paused = 1;
	cfg.timeout_ms = (int)q->start_timeout_ms;
	if (b->workdir[0]) {
		/* QEMU's own copy of everything the guest printed, emulator
		 * lifetime long, beside the per-sample logs. */
		snprintf(q->console_log, sizeof(q->console_log), "%s/console-%d.log", b->workdir,
			 q->starts);
		cfg.console_logfile = q->console_log;
		snprintf(q->qemu_log, sizeof(q->qemu_log), "%s/qemu-%d.log", b->workdir, q->starts);
		cfg.log_path = q->qemu_log;
	}
	rc = rig_qemu_start(&cfg, &q->q, err);
	rig_strv_free(&av);
	if (rc)
		return rc;
	q->starts++;
	q->fresh = 1;
	if ((rc = rig_board_console_open(b, 0, err)))
		return rc;
	b->lines.pace_us = 100; /* see serial_lines.h: QEMU UART input */
	return 0;
}

int rig_power_qemu_boot(struct rig_board *b, const char *image, const char *sha256,
			struct rig_error *err)
{
	struct qboard *q = qb(b);

	if (RIG_POWER(b) != &rig_power_qemu_ops)
		return rig_fail(err, RIG_ERR_INVALID, "board %s: power %s cannot boot a kernel",
				b->name, RIG_POWER(b)->kind);
	if (!q->sockdir[0]) {
		int rc = qemu_open(b, err);
		if (rc)
			return rc;
	}
	if (q->q && rig_qemu_alive(q->q, NULL) &&
	    (sha256[0] ? strcmp(q->image_sha, sha256) == 0 : strcmp(q->image, image) == 0))
		return 0;
	snprintf(q->image, sizeof(q->image), "%s", image);
	snprintf(q->image_sha, sizeof(q->image_sha), "%s", sha256);
	return start_emulator(b, err);
}

static int qemu_reset(struct rig_board *b, int64_t *t0_ns, struct rig_error *err)
{
	struct qboard *q = qb(b);
	int rc, status = -1;

	if (q->q && !rig_qemu_alive(q->q, &status) && status == 0) {
		/* The image ended the emulator itself with status 0 (a TinyGo
		 * program's semihosting exit after its done line): not a death,
		 * just start it again. */
		rig_lines_drain(&b->lines);
		if ((rc = start_emulator(b, err)))
			return rc;
	}
	if (!q->q || !rig_qemu_alive(q->q, NULL))
		return rig_fail(err, RIG_ERR_IO, "QEMU is not running");
	rig_lines_drain(&b->lines);
	rig_lines_cut(&b->lines);
	if (q->fresh) {
		rig_lines_mark(&b->lines, "start (QMP cont) of %s", q->image);
		*t0_ns = rig_now_ns();
		rc = rig_qemu_cont(q->q, err);
		q->fresh = 0;
	} else {
		rig_lines_mark(&b->lines, "reset (QMP system_reset)");
		*t0_ns = rig_now_ns();
		rc = rig_qemu_system_reset(q->q, err);
	}
	if (rc == RIG_ERR_IO || rc == RIG_ERR_TIMEOUT)
		return RIG_ERR_IO; /* the monitor is gone: QEMU died */
	return rc;
}

static int qemu_recover(struct rig_board *b, struct rig_error *err)
{
	struct qboard *q = qb(b);
	int status = -1;
	char tail[300] = "";

	if (q->q) {
		/* its monitor or console closed: give the exit a moment to land */
		rig_qemu_wait(q->q, 500, &status, NULL);
		rig_qemu_log_tail(q->q, tail, sizeof(tail));
	}
	rig_warn("board %s: QEMU ended (status %d%s%s): restarting it", b->name, status,
		 tail[0] ? ", " : "", tail);
	return start_emulator(b, err);
}

static struct rig_transport *qemu_console(struct rig_board *b)
{
	struct qboard *q = qb(b);

	return q && q->q ? rig_qemu_console(q->q) : NULL;
}

static int qemu_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct qboard *q = qb(b);
	struct rig_proc_result res = {0};
	char *argv[] = {q->binary, "--version", NULL};

	rig_kv_set(facts, "board.machine", q->machine);
	rig_kv_set(facts, "board.emulated",
		   "yes: instruction-level emulation, speeds are not silicon's");
	if (q->icount >= 0)
		rig_kv_setf(facts, "board.icount",
			    "shift=%d (virtual time: 2^%d ns per instruction)", q->icount,
			    q->icount);
	else
		rig_kv_set(facts, "board.icount", "off (SysTick follows the host clock)");
	if (rig_run_capture(argv, NULL, NULL, 5000, &res, NULL) == 0 && res.out.data) {
		rig_kv_setf(facts, "board.qemu", "%.*s", (int)strcspn(res.out.data, "\n"),
			    res.out.data);
	}
	rig_proc_result_free(&res);
	return 0;
}

static void qemu_off(struct rig_board *b)
{
	struct qboard *q = qb(b);

	if (!q)
		return;
	if (q->q && q->semihosting && rig_qemu_alive(q->q, NULL) && !q->fresh && b->lines_ready &&
	    b->lines.t) {
		/* Let the firmware end the emulator (semihosting SYS_EXIT_EXTENDED);
		 * a TinyGo image ignores the command and is stopped below. */
		struct rig_error e = {0};
		int status = -1;

		if (rig_lines_send(&b->lines, "exit 0", 500, &e) == 0 &&
		    rig_qemu_wait(q->q, 1000, &status, &e) == 0)
			rig_dbg("board %s: QEMU exited with %d (semihosting)", b->name, status);
	}
	stop_emulator(b);
	q->image[0] = q->image_sha[0] = '\0';
	if (q->sockdir[0]) {
		char log[sizeof(q->sockdir) + 16];

		snprintf(log, sizeof(log), "%s/qemu.log", q->sockdir);
		unlink(log);
		rmdir(q->sockdir);
		q->sockdir[0] = '\0';
	}
}

const struct rig_power_ops rig_power_qemu_ops = {
    .kind = "qemu",
    .configure = qemu_configure,
    .on = qemu_open,
    .off = qemu_off,
    .reset = qemu_reset,
    .recover = qemu_recover,
    .console = qemu_console,
    .facts = qemu_facts,
    .destroy = qemu_destroy,
};
