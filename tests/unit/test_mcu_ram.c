/* RAM of a microcontroller image: static + stack + heap high-water, with
 * TinyGo's .stack section (in .bss, reported as stack_in_static_bytes)
 * counted once. One sample is taken through rig_mcu_sample over a real byte
 * stream (a socketpair on the fd transport) from a "board" that prints
 * what TinyGo's cortex-m-qemu image prints. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcu_ram.h"
#include "mcu_run.h"
#include "serial_lines.h"
#include "transport.h"
#include "util.h"

/* TinyGo 0.33 cpu on lm3s6965evb (arm-none-eabi-size -A: .data 4, .bss 88,
 * .stack 4096 NOBITS; its image: stack 36 B, heap 17.8 KiB) */
#define TG_DATA 4
#define TG_BSS (88 + 4096)
#define TG_STACK_SECTION 4096
#define TG_STACK_HWM 36
#define TG_HEAP_HWM 18227

struct board {
	struct rig_transport *t;
	int peer;
	struct rig_lines l;
	const char *const *lines; /* what the image prints after a reset */
};

static void say(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* The board's reset: the image starts and prints all of its lines. */
static int board_reset(void *ctx, int64_t *t0_ns, struct rig_error *err)
{
	struct board *b = ctx;

	(void)err;
	rig_lines_cut(&b->l);
	*t0_ns = rig_now_ns();
	for (size_t i = 0; b->lines[i]; i++)
		say(b->peer, b->lines[i]);
	return 0;
}

static const char *result(const char *name, int64_t v)
{
	static char buf[8][RIG_REPORT_MAX_LINE + 2];
	static int k;
	char *p = buf[k++ % 8];

	rig_report_format_result_i64(p, RIG_REPORT_MAX_LINE + 2, name, v, "B");
	return p;
}

static void sample_from(const char *const *lines, int64_t data, int64_t bss, struct rig_sample *s)
{
	static char ready[RIG_REPORT_MAX_LINE + 2], done[RIG_REPORT_MAX_LINE + 2];
	struct board b = {.lines = lines};
	struct rig_artifact art = {0};
	struct rig_error err = {0};
	int sv[2];

	rig_report_format_ready(ready, sizeof(ready));
	rig_report_format_done(done, sizeof(done), 0);
	assert_string_equal(lines[0], "ready");
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(rig_transport_fd_open(sv[0], "socketpair", &b.t, &err), 0);
	b.peer = sv[1];
	rig_lines_init(&b.l, b.t);

	/* "ready" and "done" in the table stand for the formatted lines */
	const char *real[16];
	size_t n = 0;
	for (size_t i = 0; lines[i] && n < 15; i++)
		real[n++] = strcmp(lines[i], "ready") == 0  ? ready
			    : strcmp(lines[i], "done") == 0 ? done
							    : lines[i];
	real[n] = NULL;
	b.lines = real;

	art.sizes.elf_machine = 40; /* EM_ARM */
	art.sizes.data_bytes = data;
	art.sizes.bss_bytes = bss;
	art.sizes.text_bytes = 15000;
	struct rig_mcu_ctl ctl = {.reset = board_reset, .ctx = &b, .lines = &b.l};
	struct rig_mcu_params p = {.art = &art,
				   .workload = "cpu",
				   .command = 0,
				   .ready_timeout_ms = 2000,
				   .timeout_ms = 2000};
	memset(s, 0, sizeof(*s));
	assert_int_equal(rig_mcu_sample(&ctl, &p, s, &err), 0);
	if (!s->ok)
		fail_msg("sample failed: %s", s->fail_reason);
	rig_lines_free(&b.l);
	rig_transport_close(b.t);
	close(b.peer);
}

static double metric(const struct rig_sample *s, const char *name)
{
	double v = -1;

	if (!rig_sample_get(s, name, &v))
		fail_msg("no metric %s", name);
	return v;
}

static void tinygo_stack_section_is_counted_once_as_stack(void **state)
{
	const char *const lines[] = {"ready",
				     result("stack_hwm_bytes", TG_STACK_HWM),
				     result("stack_in_static_bytes", TG_STACK_SECTION),
				     result("heap_hwm_bytes", TG_HEAP_HWM),
				     "done",
				     NULL};
	struct rig_sample s;

	(void)state;
	sample_from(lines, TG_DATA, TG_BSS, &s);
	/* static RAM as the ELF has it: the .stack section is in it */
	assert_int_equal((long)metric(&s, "static_ram_bytes"), TG_DATA + TG_BSS);
	/* 92 B static (without .stack) + 36 B stack + heap, not + 4096 */
	assert_int_equal((long)metric(&s, "ram_bytes"),
			 TG_DATA + TG_BSS - TG_STACK_SECTION + TG_STACK_HWM + TG_HEAP_HWM);
	assert_int_equal((long)metric(&s, "ram_bytes"), 92 + 36 + 18227);
	rig_sample_free(&s);
}

static void c_firmware_without_the_field_adds_static_stack_and_heap(void **state)
{
	/* rig's C firmware: its stack is not a section, nothing to subtract */
	const char *const lines[] = {"ready", result("stack_hwm_bytes", 1648),
				     result("heap_hwm_bytes", 0), "done", NULL};
	struct rig_sample s;

	(void)state;
	sample_from(lines, 112, 8212, &s);
	assert_int_equal((long)metric(&s, "ram_bytes"), 112 + 8212 + 1648);
	rig_sample_free(&s);
}

/* The table's "static" and RAM agree with the sample's figure. */
static void the_formula_shown_is_the_one_sampled(void **state)
{
	(void)state;
	assert_true(rig_mcu_static_bytes(TG_DATA + TG_BSS, TG_STACK_SECTION) == 92);
	assert_true(rig_mcu_ram_bytes(TG_DATA + TG_BSS, TG_STACK_HWM, TG_HEAP_HWM,
				      TG_STACK_SECTION) == 92 + 36 + 18227);
	assert_true(rig_mcu_ram_bytes(8324, 1648, 0, 0) == 8324 + 1648);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tinygo_stack_section_is_counted_once_as_stack),
	    cmocka_unit_test(c_firmware_without_the_field_adds_static_stack_and_heap),
	    cmocka_unit_test(the_formula_shown_is_the_one_sampled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
