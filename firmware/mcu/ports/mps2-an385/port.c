/*
 * ARM MPS2 FPGA board with the AN385 image (Cortex-M3), as QEMU's mps2-an385
 * emulates it. Console: CMSDK APB UART0. Registers: ARM CoreLink SDK
 * (CMSDK) Technical Reference Manual, section 4.3 (APB UART).
 */
#include "port.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x000))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x004))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x008))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x010))
#define STATE_TXFULL (1u << 0)
#define STATE_RXFULL (1u << 1)
#define CTRL_TXEN (1u << 0)
#define CTRL_RXEN (1u << 1)

const char port_name[] = "mps2-an385";
/* AN385 runs the core at 25 MHz (AN385 application note, section 3.1). */
const uint32_t port_cpu_hz = 25000000u;

void port_init(void)
{
	/* 25 MHz / 115200 = 217. QEMU drops output when BAUDDIV < 16. */
	UART_BAUDDIV = 217;
	UART_CTRL = CTRL_TXEN | CTRL_RXEN;
}

void port_uart_putc(char c)
{
	while (UART_STATE & STATE_TXFULL)
		;
	UART_DATA = (uint8_t)c;
}

int port_uart_getc(void)
{
	if (!(UART_STATE & STATE_RXFULL))
		return -1;
	return (int)(UART_DATA & 0xffu);
}
