/*
 * A QEMU process and its QMP monitor. Used by the qemu board (Cortex-M
 * machines, console on a socket or pty) and by anything else that boots a
 * VM (the Pi agent's arm64 VM).
 *
 * rig_qemu_start() runs the emulator with the caller's argv plus what rig
 * needs to drive it: `-qmp unix:<dir>/qmp.sock,server=on,wait=off`, `-S`
 * when started paused, and the console chardev when one is asked for. The
 * emulator's own stdout/stderr go to cfg->log_path or <dir>/qemu.log
 * (rig_qemu_log_tail() reads it back when it dies). Everything blocks at most the timeouts given.
 * No global state: one process may drive several emulators.
 */
#ifndef RIG_QEMU_H
#define RIG_QEMU_H

#include <stddef.h>

#include "error.h"
#include "transport.h"
#include "util.h"

struct rig_qemu;

enum rig_qemu_console {
	RIG_QEMU_CONSOLE_NONE = 0, /* the caller's argv handles serial ports */
	/* First serial port on a unix socket QEMU serves and waits on
	 * (server=on,wait=on): nothing the guest prints is lost. */
	RIG_QEMU_CONSOLE_SOCKET = 1,
	/* First serial port on a pty (-serial pty), found through QMP
	 * query-chardev and opened raw. Starts paused so the first bytes are not
	 * lost (QEMU drops pty output nobody reads). */
	RIG_QEMU_CONSOLE_PTY = 2,
};

struct rig_qemu_config {
	/* The emulator and its arguments: {"qemu-system-arm", "-M", "lm3s6965evb",
	 * "-kernel", "fw.elf", "-nographic"...}. Copied. argv[0] is looked up on
	 * PATH. Do not pass -qmp, -S or (with a console mode) -serial. */
	const struct rig_strv *argv;
	const char *dir; /* existing directory for sockets and qemu.log */
	enum rig_qemu_console console;
	const char *console_logfile; /* QEMU itself copies all console output here
				      * (chardev logfile=), or NULL */
	const char *log_path;	     /* QEMU's own stdout/stderr; NULL: <dir>/qemu.log */
	int paused;		     /* start with -S; rig_qemu_cont() starts the CPU */
	int timeout_ms;		     /* for start-up: sockets to appear, QMP handshake */
};

/*
 * Starts QEMU and connects QMP (and the console). On success *out owns the
 * process. Returns RIG_ERR_NOT_FOUND when argv[0] is not installed,
 * RIG_ERR_CRASH when QEMU exits during start-up (message carries the tail
 * of its log: bad machine, missing kernel...), RIG_ERR_TIMEOUT, RIG_ERR_IO.
 * Blocks up to cfg->timeout_ms.
 */
int rig_qemu_start(const struct rig_qemu_config *cfg, struct rig_qemu **out, struct rig_error *err);

/* The console transport (borrowed; NULL without a console). Valid until
 * rig_qemu_free(). Console mode PTY: its name is the pty path. */
struct rig_transport *rig_qemu_console(struct rig_qemu *q);

/* The emulator's pid. */
int rig_qemu_pid(const struct rig_qemu *q);

/*
 * Runs one QMP command: `execute` with optional `arguments_json` (an object,
 * e.g. "{\"device\":\"serial0\"}", or NULL). The whole reply line goes into
 * *reply (owned, may be NULL to discard). Events arriving before the reply
 * are skipped. Returns 0, RIG_ERR_PROTOCOL when QEMU answered with an error
 * (its class and desc in err), RIG_ERR_TIMEOUT, RIG_ERR_IO when the monitor
 * closed (QEMU died).
 */
int rig_qemu_qmp(struct rig_qemu *q, const char *execute, const char *arguments_json, char **reply,
		 int timeout_ms, struct rig_error *err);

/* Shorthands: `cont` (start the CPUs of a paused VM), `system_reset`. */
int rig_qemu_cont(struct rig_qemu *q, struct rig_error *err);
int rig_qemu_system_reset(struct rig_qemu *q, struct rig_error *err);

/* 1 while the process runs; 0 once it has exited (status in *status when
 * non-NULL: exit code, or 128+signal). Never blocks. */
int rig_qemu_alive(struct rig_qemu *q, int *status);

/* Waits up to timeout_ms for QEMU to exit by itself (semihosting exit,
 * guest power-off). Returns 0 with *status, or RIG_ERR_TIMEOUT. */
int rig_qemu_wait(struct rig_qemu *q, int timeout_ms, int *status, struct rig_error *err);

/*
 * Stops QEMU cleanly: QMP `quit`, then SIGTERM, then SIGKILL, each given a
 * share of timeout_ms; reaps it and closes the sockets. Idempotent. *status
 * (when non-NULL) gets the exit status, -1 when it had to be killed.
 */
void rig_qemu_stop(struct rig_qemu *q, int timeout_ms, int *status);

/* Stops (if needed) and frees. NULL is fine. */
void rig_qemu_free(struct rig_qemu *q);

/* The last up to cap-1 bytes of QEMU's own stdout/stderr, NUL-terminated. */
void rig_qemu_log_tail(const struct rig_qemu *q, char *out, size_t cap);

/*
 * QMP reply parsing, exposed for tests and fuzzing. Classifies one line QEMU
 * sent: 1 a reply (`{"return"...`), 2 an error reply (`{"error"...`, with
 * "class: desc" copied into msg), 3 the greeting (`{"QMP"...`), 0 an event
 * or anything else.
 */
int rig_qmp_classify(const char *line, char *msg, size_t msg_cap);
/* In a query-chardev reply, the pty path of the chardev with the given
 * label (`"filename": "pty:/dev/pts/N"`). 0 with out set, or
 * RIG_ERR_NOT_FOUND. */
int rig_qmp_chardev_pty(const char *reply, const char *label, char *out, size_t cap);

#endif
