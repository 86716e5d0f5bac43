/*
 * The hosted port of rig's MCU firmware (fw_hosted.h): port.h and the
 * firmware services of fw.h over a file descriptor and the host's clocks.
 * Ticks are nanoseconds of CLOCK_MONOTONIC since this process "reset"
 * (port_cpu_hz 1e9); the stack high-water mark is measured by painting the
 * stack below main's frame, as startup.c does on a Cortex-M; the heap is
 * malloc's arena (mallinfo2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fw.h"
#include "fw_hosted.h"
#include "port.h"

#define PAINT_BYTES (64 * 1024)

const char port_name[] = "hosted";
const uint32_t port_cpu_hz = 1000000000u;

static int uart_fd = -1;   /* read side (a tty, or a bulk OUT endpoint) */
static int tx_fd = -1;	   /* write side: the same tty, or a bulk IN endpoint */
static unsigned tx_packet; /* > 0: no write is a whole number of these */
static unsigned char inbuf[4096];
static size_t in_off, in_len;
static uint64_t reset_ns;
static enum rig_fw_hosted_fault fw_fault;
static int fw_after, commands;
static char outbuf[512];
static size_t outlen;
static uintptr_t paint_lo, paint_hi;
static size_t heap_peak;

/* RIG_FW_TRACE set: every read and write of the line goes to stderr */
static int trace;

static void trace_io(const char *what, const void *b, ssize_t n)
{
	if (trace)
		fprintf(stderr, "fw %d %s %zd: %.*s\n", (int)getpid(), what, n, n > 0 ? (int)n : 0,
			(const char *)b);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void port_init(void) {}

static void flush_out(void)
{
	size_t off = 0;

	while (off < outlen) {
		size_t n = outlen - off;
		ssize_t w;

		/* a bulk transfer ends with a short packet: a line that is a
		 * whole number of packets goes out as n - 1 bytes, then 1 */
		if (tx_packet && n % tx_packet == 0)
			n--;
		w = write(tx_fd, outbuf + off, n);
		trace_io("wrote", outbuf + off, w);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(0); /* the line is gone: so is the power */
		off += (size_t)w;
	}
	outlen = 0;
}

void port_uart_putc(char c)
{
	/* one write per line, as a UART FIFO drained by the host would look
	 * to the reader, without a syscall per byte */
	outbuf[outlen++] = c;
	if (c == '\n' || outlen == sizeof(outbuf))
		flush_out();
}

static void hang(void)
{
	/* a hung MCU: alive, silent, deaf, until its power goes (the line
	 * hangs up, which only a read notices, so poll for it) */
	for (;;) {
		struct pollfd p = {.fd = uart_fd, .events = POLLIN};

		if (poll(&p, 1, 200) > 0 && (p.revents & (POLLHUP | POLLERR)))
			_exit(0);
		if (p.revents & POLLIN) {
			if (read(uart_fd, inbuf, sizeof(inbuf)) <= 0)
				_exit(0);
		}
	}
}

int port_uart_getc(void)
{
	unsigned char c;

	if (in_off == in_len) {
		struct pollfd p = {.fd = uart_fd, .events = POLLIN};
		ssize_t r;

		/* the core polls in a loop: wait here a little instead of
		 * spinning (a FunctionFS endpoint cannot be polled: poll says
		 * readable and the read blocks, which is the same wait) */
		if (poll(&p, 1, 50) <= 0)
			return -1;
		/* one read of a whole buffer: a bulk OUT read must take the
		 * host's transfer at once (a 1-byte read of it overflows) */
		r = read(uart_fd, inbuf, sizeof(inbuf));
		trace_io("read", inbuf, r);
		if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
			_exit(0); /* hang-up: the host side went away (power off) */
		if (r <= 0)
			return -1;
		in_off = 0;
		in_len = (size_t)r;
	}
	c = inbuf[in_off++];
	if (c == '\n' && fw_fault == RIG_FW_HANG_AFTER && ++commands > fw_after)
		hang();
	return c;
}

uint64_t rig_fw_ticks(void) { return mono_ns() - reset_ns; }

uint64_t rig_fw_ticks_to_ns(uint64_t ticks) { return ticks; }

/* Paints PAINT_BYTES of stack below the caller's frame. */
static __attribute__((noinline)) void paint_stack(void)
{
	volatile uint8_t area[PAINT_BYTES];

	for (size_t i = 0; i < sizeof(area); i += 4) {
		area[i] = 0x5C;
		area[i + 1] = 0xA5;
		area[i + 2] = 0xC3;
		area[i + 3] = 0x5A;
	}
	paint_lo = (uintptr_t)&area[0];
	paint_hi = (uintptr_t)&area[sizeof(area) - 1] + 1;
}

/* Reads dead stack below live frames: not an error here, so not checked. */
__attribute__((no_sanitize_address)) uint32_t rig_fw_stack_hwm(void)
{
	const volatile uint32_t *p = (const volatile uint32_t *)paint_lo;

	while ((uintptr_t)p < paint_hi && *p == RIG_FW_PAINT)
		p++;
	return (uint32_t)(paint_hi - (uintptr_t)p);
}

uint32_t rig_fw_stack_size(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > UINT32_MAX)
		return 0;
	return (uint32_t)rl.rlim_cur;
}

uint32_t rig_fw_heap_hwm(void)
{
	struct mallinfo2 mi = mallinfo2();

	if (mi.arena > heap_peak)
		heap_peak = mi.arena;
	return heap_peak > UINT32_MAX ? UINT32_MAX : (uint32_t)heap_peak;
}

uint32_t rig_fw_heap_size(void) { return 0; /* no fixed heap: malloc grows it */ }

void rig_fw_semihost_exit(int code) { _exit(code); }

int rig_fw_hosted_run(int fd, enum rig_fw_hosted_fault fault, int after)
{
	struct termios t;

	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return rig_fw_hosted_run_pipe(fd, fd, 0, fault, after);
}

int rig_fw_hosted_run_pipe(int rx_fd, int wr_fd, unsigned packet, enum rig_fw_hosted_fault fault,
			   int after)
{
	uart_fd = rx_fd;
	tx_fd = wr_fd;
	trace = getenv("RIG_FW_TRACE") != NULL;
	tx_packet = packet;
	in_off = in_len = 0;
	fw_fault = fault;
	fw_after = after;
	commands = 0;
	reset_ns = mono_ns();
	paint_stack();
	if (fault == RIG_FW_HANG_AFTER && after < 0)
		hang(); /* hung from reset: not even a ready line */
	rig_fw_main();	/* returns only through _exit (hang-up) */
	return 0;
}
