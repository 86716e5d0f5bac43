/*
 * Time base: SysTick counting down from 2^24-1 at the core clock, each wrap
 * counted by its interrupt (ARMv7-M ARM B3.3). Under QEMU the count follows
 * the host's clock unless QEMU runs with -icount (see docs/mcu.md).
 */
#include "fw.h"
#include "port.h"

#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define RELOAD 0x00FFFFFFu

static volatile uint32_t systick_wraps;

void SysTick_Handler(void);
void SysTick_Handler(void) { systick_wraps++; }

uint64_t rig_fw_ticks(void)
{
	uint32_t w, v;

	/* With interrupts off the wrap count cannot change under us; a wrap
	 * that happened but whose interrupt is still pending is added by
	 * hand, with the counter read again after it. */
	__asm volatile("cpsid i" ::: "memory");
	w = systick_wraps;
	v = SYST_CVR;
	if (SCB_ICSR & ICSR_PENDSTSET) {
		v = SYST_CVR;
		w++;
	}
	__asm volatile("cpsie i" ::: "memory");
	/* The reset code cleared the counter; it holds 0 until the first
	 * reload (one tick on silicon, longer in QEMU, whose timers advance
	 * between translated blocks). A 0 with no wrap pending is that state:
	 * no time has passed in this period yet. */
	if (v == 0)
		v = RELOAD;
	return ((uint64_t)w << 24) + (RELOAD - v);
}

uint64_t rig_fw_ticks_to_ns(uint64_t ticks)
{
	uint64_t hz = port_cpu_hz;

	/* split so ticks * 1e9 cannot overflow */
	return ticks / hz * 1000000000u + ticks % hz * 1000000000u / hz;
}
