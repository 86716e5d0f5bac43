/*
 * TI Stellaris LM3S6965 evaluation board, as QEMU's lm3s6965evb emulates it
 * (also TinyGo's cortex-m-qemu target). Console: UART0, a PL011-like UART.
 * Register offsets: LM3S6965 data sheet, section 13.6 (UART register map)
 * and 6.4 (system control, RCGC1).
 */
#include "port.h"

#define SYSCTL_RCGC1 (*(volatile uint32_t *)0x400FE104u)
#define RCGC1_UART0 (1u << 0)

#define UART0_BASE 0x4000C000u
#define UART_DR (*(volatile uint32_t *)(UART0_BASE + 0x000))
#define UART_FR (*(volatile uint32_t *)(UART0_BASE + 0x018))
#define UART_IBRD (*(volatile uint32_t *)(UART0_BASE + 0x024))
#define UART_FBRD (*(volatile uint32_t *)(UART0_BASE + 0x028))
#define UART_LCRH (*(volatile uint32_t *)(UART0_BASE + 0x02C))
#define UART_CTL (*(volatile uint32_t *)(UART0_BASE + 0x030))
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define LCRH_WLEN8 (3u << 5)
#define LCRH_FEN (1u << 4)
#define CTL_UARTEN (1u << 0)
#define CTL_TXE (1u << 8)
#define CTL_RXE (1u << 9)

const char port_name[] = "lm3s6965evb";
/* The reset clock as QEMU models it (RCC reset value: 12 MHz crystal,
 * PLL bypassed, no divider): measured in docs/mcu.md. */
const uint32_t port_cpu_hz = 12000000u;

void port_init(void)
{
	/* QEMU drops UART0 output until its clock gate is on, as silicon would. */
	SYSCTL_RCGC1 |= RCGC1_UART0;
	(void)SYSCTL_RCGC1; /* a few cycles before touching the UART */
	UART_CTL = 0;
	/* 115200 baud from 12 MHz: 12e6 / (16 * 115200) = 6.5104 -> 6 + 33/64 */
	UART_IBRD = 6;
	UART_FBRD = 33;
	UART_LCRH = LCRH_WLEN8 | LCRH_FEN;
	UART_CTL = CTL_UARTEN | CTL_TXE | CTL_RXE;
}

void port_uart_putc(char c)
{
	while (UART_FR & FR_TXFF)
		;
	UART_DR = (uint8_t)c;
}

int port_uart_getc(void)
{
	if (UART_FR & FR_RXFE)
		return -1;
	return (int)(UART_DR & 0xffu);
}
