/*
 * ST STM32F401RE (Nucleo-F401RE). Runs from the 16 MHz HSI the part starts
 * on (no PLL set-up: one fewer thing to differ between boards). Console:
 * USART2 on PA2/PA3 (AF7), wired to the ST-LINK virtual COM port.
 * Registers: RM0368 reference manual, sections 6.3 (RCC), 8.4 (GPIO),
 * 19.6 (USART).
 */
#include "port.h"

#define RCC_AHB1ENR (*(volatile uint32_t *)0x40023830u)
#define RCC_APB1ENR (*(volatile uint32_t *)0x40023840u)
#define GPIOA_MODER (*(volatile uint32_t *)0x40020000u)
#define GPIOA_AFRL (*(volatile uint32_t *)0x40020020u)
#define USART2_SR (*(volatile uint32_t *)0x40004400u)
#define USART2_DR (*(volatile uint32_t *)0x40004404u)
#define USART2_BRR (*(volatile uint32_t *)0x40004408u)
#define USART2_CR1 (*(volatile uint32_t *)0x4000440Cu)
#define SR_RXNE (1u << 5)
#define SR_TXE (1u << 7)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define CR1_UE (1u << 13)

const char port_name[] = "stm32f401re";
const uint32_t port_cpu_hz = 16000000u; /* HSI after reset */

void port_init(void)
{
	RCC_AHB1ENR |= 1u << 0;	 /* GPIOA */
	RCC_APB1ENR |= 1u << 17; /* USART2 */
	(void)RCC_APB1ENR;
	/* PA2 (TX), PA3 (RX): alternate function 7 */
	GPIOA_MODER = (GPIOA_MODER & ~(0xfu << 4)) | (0xau << 4);
	GPIOA_AFRL = (GPIOA_AFRL & ~(0xffu << 8)) | (0x77u << 8);
	/* 16 MHz / (16 * 115200) = 8.68: mantissa 8, fraction 11/16 */
	USART2_BRR = (8u << 4) | 11u;
	USART2_CR1 = CR1_UE | CR1_TE | CR1_RE;
}

void port_uart_putc(char c)
{
	while (!(USART2_SR & SR_TXE))
		;
	USART2_DR = (uint8_t)c;
}

int port_uart_getc(void)
{
	if (!(USART2_SR & SR_RXNE))
		return -1;
	return (int)(USART2_DR & 0xffu);
}
