/* One sample on a microcontroller over a console: see mcu_run.h. */
#include "mcu_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcu_ram.h"
#include "util.h"

void rig_mcu_command(char *buf, size_t cap, const char *workload, long long iterations)
{
	if (iterations > 0)
		snprintf(buf, cap, "run %s %lld", workload, iterations);
	else
		snprintf(buf, cap, "run %s", workload);
}

struct counts {
	unsigned long noise, corrupt, cut;
};

static struct counts counts_of(const struct rig_lines *l)
{
	return (struct counts){
	    .noise = l->parser.noise,
	    .corrupt = l->parser.corrupt + l->parser.overlong_lines,
	    .cut = l->parser.cut,
	};
}

static void fail_with_tail(struct rig_sample *s, const struct rig_lines *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_with_tail(struct rig_sample *s, const struct rig_lines *l, const char *fmt, ...)
{
	char tail[sizeof(s->stderr_tail)];
	va_list ap;

	s->ok = 0;
	va_start(ap, fmt);
	vsnprintf(s->fail_reason, sizeof(s->fail_reason), fmt, ap);
	va_end(ap);
	rig_lines_tail(l, tail, sizeof(tail));
	rig_sample_set_tail(s, tail, strlen(tail));
}

/* Static sizes from the ELF: what the image costs before it runs. */
static void static_metrics(const struct rig_artifact *art, struct rig_sample *s)
{
	if (!art || !art->sizes.elf_machine)
		return;
	rig_sample_set(s, "static_ram_bytes",
		       (double)(art->sizes.data_bytes + art->sizes.bss_bytes), "B");
	rig_sample_set(s, "flash_bytes", (double)(art->sizes.text_bytes + art->sizes.data_bytes),
		       "B");
}

/* Metrics derived from the firmware's own result lines. */
static void derived_metrics(struct rig_sample *s)
{
	double ticks, hz, st, stack = 0, heap = 0, reserved = 0;

	if (rig_sample_get(s, "boot_ticks", &ticks) && rig_sample_get(s, "tick_hz", &hz) && hz > 0)
		rig_sample_set(s, "boot_ns", ticks * 1e9 / hz, "ns");
	if (rig_sample_get(s, "static_ram_bytes", &st) &&
	    (rig_sample_get(s, "stack_hwm_bytes", &stack) |
	     rig_sample_get(s, "heap_hwm_bytes", &heap))) {
		/* TinyGo's stack is a .stack section, already in static RAM: its
		 * image says how much (stack_in_static_bytes), counted once. */
		rig_sample_get(s, "stack_in_static_bytes", &reserved);
		rig_sample_set(s, "ram_bytes",
			       rig_mcu_ram_bytes((int64_t)st, stack, heap, reserved), "B");
	}
}

/*
 * Resets until a ready line arrives. Returns 1 with *ready_ns and *t0_ns,
 * 0 when every attempt failed (s is failed), < 0 when the board is unusable.
 */
static int wait_ready(const struct rig_mcu_ctl *ctl, const struct rig_mcu_params *p,
		      struct rig_sample *s, int64_t *t0_ns, int64_t *ready_ns,
		      struct rig_error *err)
{
	struct rig_lines *l = ctl->lines;
	long long deaths = 0;

	for (long long attempt = 0; attempt <= p->retries; attempt++) {
		struct rig_error e = {0};
		int rc;

		if (attempt)
			s->retries++;
		rc = ctl->reset(ctl->ctx, t0_ns, &e);
		if (rc == RIG_ERR_IO && ctl->recover) {
			rig_lines_mark(l, "target gone at reset (%s): recovering", e.msg);
			deaths++;
			if ((rc = ctl->recover(ctl->ctx, err)))
				return rc;
			rc = ctl->reset(ctl->ctx, t0_ns, &e);
		}
		if (rc) {
			*err = e;
			return rc;
		}
		for (;;) {
			struct rig_lines_item it;

			rc = rig_lines_next(l, *t0_ns + p->ready_timeout_ms * 1000000, &it, &e);
			if (rc == 0 && it.line.kind == RIG_REPORT_READY) {
				*ready_ns = it.at_ns;
				if (deaths)
					rig_sample_set(s, "emulator_restarts", (double)deaths,
						       "count");
				return 1;
			}
			if (rc == 0)
				continue; /* a stale line from before the reset */
			break;
		}
		if (rc == RIG_ERR_TIMEOUT) {
			rig_lines_mark(l, "no ready line within %lld ms (attempt %lld of %lld)",
				       p->ready_timeout_ms, attempt + 1, p->retries + 1);
			continue;
		}
		/* the stream ended: the emulator died or the port went away */
		rig_lines_mark(l, "console closed while waiting for ready: %s", e.msg);
		deaths++;
		if (!ctl->recover) {
			*err = e;
			return rc;
		}
		if ((rc = ctl->recover(ctl->ctx, err)))
			return rc;
	}
	if (deaths)
		rig_sample_set(s, "emulator_restarts", (double)deaths, "count");
	fail_with_tail(s, l, "%sno ready line within %lld ms after %lld resets",
		       deaths ? "emulator died; " : "", p->ready_timeout_ms, p->retries + 1);
	return 0;
}

/* Reads result lines until done. Returns 0 (s filled, ok or failed). */
static int collect(const struct rig_mcu_ctl *ctl, const struct rig_mcu_params *p,
		   struct rig_sample *s, int64_t t0_ns, int64_t ready_ns, struct rig_error *err)
{
	struct rig_lines *l = ctl->lines;
	int64_t deadline = ready_ns + p->timeout_ms * 1000000;

	for (;;) {
		struct rig_lines_item it;
		struct rig_error e = {0};
		int rc = rig_lines_next(l, deadline, &it, &e);

		if (rc == RIG_ERR_TIMEOUT) {
			fail_with_tail(s, l, "no done line within %lld ms of ready", p->timeout_ms);
			return 0;
		}
		if (rc) {
			rig_lines_mark(l, "console closed during the run: %s", e.msg);
			fail_with_tail(s, l, "console closed during the run: %s", e.msg);
			/* bring it back for the next sample; a failure here is
			 * found again at the next reset */
			if (ctl->recover && ctl->recover(ctl->ctx, err) == 0)
				rig_sample_set(s, "emulator_restarts", 1, "count");
			return 0;
		}
		switch (it.line.kind) {
		case RIG_REPORT_RESULT:
			rig_sample_set(s, it.line.name, strtod(it.line.value, NULL), it.line.unit);
			break;
		case RIG_REPORT_READY:
			/* The board rebooted under the workload (fault, watchdog,
			 * brown-out): whatever it was printing was cut. */
			s->cut_lines++;
			fail_with_tail(s, l,
				       "board reset itself during the run (a second ready line)");
			return 0;
		case RIG_REPORT_DONE:
			rig_sample_set(s, "wall_ns", (double)(it.at_ns - t0_ns), "ns");
			if (it.line.status != 0) {
				s->exit_status = it.line.status;
				fail_with_tail(s, l, "workload finished with status %d",
					       it.line.status);
				return 0;
			}
			s->ok = 1;
			return 0;
		}
	}
}

int rig_mcu_sample(const struct rig_mcu_ctl *ctl, const struct rig_mcu_params *p,
		   struct rig_sample *s, struct rig_error *err)
{
	struct rig_lines *l = ctl->lines;
	struct counts before = counts_of(l), after;
	int64_t t0 = 0, ready = 0;
	char cmd[96];
	int rc;

	s->ok = 0;
	if (p->log_path) {
		if ((rc = rig_lines_log_to(l, p->log_path, err)))
			return rc;
		snprintf(s->log_path, sizeof(s->log_path), "%s", p->log_path);
	}
	rc = wait_ready(ctl, p, s, &t0, &ready, err);
	if (rc == 1) {
		rig_sample_set(s, "startup_ns", (double)(ready - t0), "ns");
		rc = 0;
		if (p->command) {
			struct rig_error e = {0};

			/* An empty line first. A USB CDC port's host tty echoes
			 * until it is set raw, and the echo of the ready line can
			 * stop part-way (no newline): the firmware would take our
			 * command as the rest of that echoed "@rig " line and
			 * ignore it. The newline ends the fragment; an empty line
			 * is no command. Seen in the USB bed (usb/bench_cdc). */
			if (rig_lines_send(l, "", 2000, &e))
				rig_lines_mark(l, "sending the empty line: %s", e.msg);
			if (p->serve) {
				/* the load on the console, then the firmware's own
				 * figures after it */
				p->serve(p->serve_ctx, l);
				rig_lines_mark(l, "load over; the firmware's figures");
				ready = rig_now_ns();
			}
			rig_mcu_command(cmd, sizeof(cmd), p->serve ? "boot" : p->workload,
					p->serve ? 0 : p->iterations);
			if (rig_lines_send(l, cmd, 2000, &e))
				fail_with_tail(s, l, "sending \"%s\": %s", cmd, e.msg);
			else
				collect(ctl, p, s, t0, ready, err);
		} else {
			collect(ctl, p, s, t0, ready, err);
		}
	}
	after = counts_of(l);
	s->noise_lines += after.noise - before.noise;
	s->corrupt_lines += after.corrupt - before.corrupt;
	s->cut_lines += after.cut - before.cut;
	if (rc == 0) {
		static_metrics(p->art, s);
		derived_metrics(s);
	}
	if (p->log_path)
		rig_lines_log_to(l, NULL, NULL);
	return rc < 0 ? rc : 0;
}
