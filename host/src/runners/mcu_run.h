/*
 * One sample on a microcontroller reached over a console (an emulator's
 * serial socket or pty, a USB-serial port): reset, wait for the ready line,
 * send the workload command, collect result lines until done, and turn the
 * firmware's own numbers into metrics. The mcu runner (runner_mcu.c)
 * drives it for every board with a console; what differs (how to reset,
 * how to bring a dead board back) comes in as callbacks from the board's
 * power part.
 */
#ifndef RIG_MCU_RUN_H
#define RIG_MCU_RUN_H

#include <stdint.h>

#include "artifact.h"
#include "board.h"
#include "error.h"
#include "sample.h"
#include "serial_lines.h"

struct rig_mcu_ctl {
	/* Starts the target from reset (QMP system_reset, `cont` of a fresh
	 * emulator, a DTR pulse). Sets *t0_ns to rig_now_ns() just before the
	 * reset was issued: startup is measured from there. The implementation
	 * calls rig_lines_cut() on the stream first (a line being printed is
	 * cut by the reset). Returns 0; RIG_ERR_IO when the target is gone and
	 * recover() may help; another negative code when the board is
	 * unusable. Required. */
	int (*reset)(void *ctx, int64_t *t0_ns, struct rig_error *err);
	/* Brings the target back after its stream ended (restart the
	 * emulator). 0, or < 0 when it cannot be (the bench stops the board).
	 * Optional (NULL: a dead stream is final). */
	int (*recover)(void *ctx, struct rig_error *err);
	void *ctx;
	struct rig_lines *lines; /* the console; its transport may be swapped by recover() */
};

struct rig_mcu_params {
	const struct rig_artifact *art;
	const char *workload;
	long long iterations;	    /* 0: the firmware's default for the workload */
	int command;		    /* 1: the image waits for "run NAME N" after ready
				     * (rig's C firmware); 0: it runs one workload by
				     * itself (a TinyGo image) */
	long long ready_timeout_ms; /* reset to ready */
	long long retries;	    /* resets after a missing ready line */
	long long timeout_ms;	    /* ready to done */
	const char *log_path;	    /* this sample's console log, or NULL */
	/* A request-latency sample (rig bench --load): once the firmware is
	 * ready, serve(serve_ctx, console) runs the load instead of the
	 * workload command; then "run boot" collects the firmware's own
	 * figures (stack and heap high-water after the load) and its done
	 * line. NULL: an ordinary sample. Needs command = 1. */
	void (*serve)(void *ctx, struct rig_lines *lines);
	void *serve_ctx;
};

/*
 * Takes one sample. Fills s (ok, or failed with the reason and the console
 * tail) and returns 0 whenever a sample was taken; < 0 only when the board
 * is unusable (reset or recover failed for good). Counts noise, corrupt
 * (and overlong) and cut lines and retries into s. Metrics: startup_ns,
 * wall_ns, every result line (NAME/UNIT), boot_ns from the firmware's
 * boot_ticks and tick_hz, static_ram_bytes (.data + .bss), flash_bytes
 * (text + data), ram_bytes (static + stack and heap high-water).
 * Blocks up to (retries + 1) * ready_timeout_ms + timeout_ms.
 */
int rig_mcu_sample(const struct rig_mcu_ctl *ctl, const struct rig_mcu_params *p,
		   struct rig_sample *s, struct rig_error *err);

/* The command line a sample sends: "run NAME N", or "run NAME" for
 * iterations 0. */
void rig_mcu_command(char *buf, size_t cap, const char *workload, long long iterations);


#endif
