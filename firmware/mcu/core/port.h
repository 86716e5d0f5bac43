/*
 * What a machine port provides: one small file per part (ports/NAME.c) plus
 * its memory map (ports/NAME.ld). Everything else in the firmware is the
 * same on every Cortex-M. A port for a real part (RP2040, nRF52, STM32)
 * sets up its clock tree and one UART here and nothing more.
 */
#ifndef RIG_FW_PORT_H
#define RIG_FW_PORT_H

#include <stdint.h>

/* Human-readable machine name, printed in error lines. */
extern const char port_name[];

/* Frequency of the clock SysTick counts with CLKSOURCE = processor clock:
 * the core clock after port_init(). */
extern const uint32_t port_cpu_hz;

/* Clocks, pins, the console UART at the port's default rate, 8N1. Called
 * once from reset, interrupts off, before .data is used for anything
 * but itself. */
void port_init(void);

/* Sends one byte, waiting while the transmit FIFO is full. */
void port_uart_putc(char c);

/* One received byte (0..255), or -1 when none is waiting. Never blocks. */
int port_uart_getc(void);

#endif
