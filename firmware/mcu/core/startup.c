/*
 * Vector table and reset for every Cortex-M port (ARMv7-M Architecture
 * Reference Manual B1.5: exception model; B3.3: SysTick).
 *
 * Reset order: start SysTick (so boot time counts from the first
 * instruction), paint the whole stack with a pattern (scanned later for the
 * high-water mark), then C: .data, .bss, the port's clocks and UART, main.
 */
#include <stdint.h>
#include <string.h>

#include "fw.h"
#include "port.h"

extern uint32_t __stack_top[], __stack_bottom[];
extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];

void Reset_Handler(void) __attribute__((naked, noreturn));
void rig_fw_reset_c(void) __attribute__((noreturn, used));
void SysTick_Handler(void);
void rig_fw_fault_handler(void);
int main(void);

/* Only the 16 system exceptions: the firmware polls its UART and uses no
 * device interrupt. */
__attribute__((section(".vectors"), used)) const void *const rig_fw_vectors[16] = {
    __stack_top,	  /* initial SP */
    Reset_Handler,	  /* reset */
    rig_fw_fault_handler, /* NMI */
    rig_fw_fault_handler, /* HardFault */
    rig_fw_fault_handler, /* MemManage */
    rig_fw_fault_handler, /* BusFault */
    rig_fw_fault_handler, /* UsageFault */
    0,
    0,
    0,
    0,
    rig_fw_fault_handler, /* SVCall */
    rig_fw_fault_handler, /* DebugMonitor */
    0,
    rig_fw_fault_handler, /* PendSV */
    SysTick_Handler,	  /* SysTick */
};

void Reset_Handler(void)
{
	/* Assembly: nothing may use the stack before it is painted. */
	__asm volatile("ldr r0, =0xE000E010\n" /* SYST_CSR */
		       "ldr r1, =0x00FFFFFF\n"
		       "str r1, [r0, #4]\n" /* SYST_RVR: full 24 bits */
		       "movs r1, #0\n"
		       "str r1, [r0, #8]\n" /* SYST_CVR: clear */
		       "movs r1, #7\n"
		       "str r1, [r0]\n" /* ENABLE | TICKINT | CLKSOURCE=core */
		       "ldr r0, =__stack_bottom\n"
		       "mov r1, sp\n"
		       "ldr r2, =" RIG_FW_PAINT_STR "\n"
		       "1: cmp r0, r1\n"
		       "bhs 2f\n"
		       "str r2, [r0], #4\n"
		       "b 1b\n"
		       "2: b rig_fw_reset_c\n"
		       ".ltorg\n");
}

void rig_fw_reset_c(void)
{
	size_t data = (size_t)((char *)__data_end - (char *)__data_start);
	size_t bss = (size_t)((char *)__bss_end - (char *)__bss_start);

	memcpy(__data_start, __data_load, data);
	memset(__bss_start, 0, bss);
	port_init();
	main();
	for (;;)
		;
}

uint32_t rig_fw_stack_size(void)
{
	return (uint32_t)((char *)__stack_top - (char *)__stack_bottom);
}

uint32_t rig_fw_stack_hwm(void)
{
	const uint32_t *p = __stack_bottom;

	/* The lowest word that no longer holds the paint is the deepest the
	 * stack went. */
	while (p < __stack_top && *p == RIG_FW_PAINT)
		p++;
	return (uint32_t)((const char *)__stack_top - (const char *)p);
}

void rig_fw_fault_handler(void)
{
	uint32_t icsr = *(volatile uint32_t *)0xE000ED04u;

	rig_fw_fault((int)(icsr & 0x1ffu));
}
