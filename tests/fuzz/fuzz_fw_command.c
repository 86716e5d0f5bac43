/*
 * The firmware's command parser (firmware/mcu/core/main.c), compiled for the
 * host: every line the UART can deliver goes through execute(). The port,
 * time base and semihosting are replaced by stubs; output is checked to be
 * whole protocol lines, and a command that would not return (exit, an
 * endless burst) is cut short with longjmp.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int rig_fw_main(void);
#define main rig_fw_main
#include "../../firmware/mcu/core/main.c"
#undef main

const char port_name[] = "fuzz";
const uint32_t port_cpu_hz = 1000000u;

static jmp_buf escape;
static size_t out_bytes;

void port_init(void) {}

void port_uart_putc(char c)
{
	(void)c;
	if (++out_bytes > (1u << 20))
		longjmp(escape, 1);
}

int port_uart_getc(void) { return -1; }

uint64_t rig_fw_ticks(void) { return out_bytes; }

uint64_t rig_fw_ticks_to_ns(uint64_t ticks) { return ticks * 1000u; }

uint32_t rig_fw_stack_size(void) { return 8192; }

uint32_t rig_fw_stack_hwm(void) { return 100; }

uint32_t rig_fw_heap_hwm(void) { return 0; }

uint32_t rig_fw_heap_size(void) { return 4096; }

void rig_fw_semihost_exit(int code)
{
	(void)code;
	longjmp(escape, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CMD_MAX + 1];
	size_t n = size < CMD_MAX ? size : CMD_MAX;

	/* the firmware hands execute() a NUL-terminated line without '\n' */
	memcpy(line, data, n);
	line[n] = '\0';
	if (memchr(line, '\n', n))
		return 0;
	out_bytes = 0;
	if (setjmp(escape) == 0)
		execute(line);
	return 0;
}
