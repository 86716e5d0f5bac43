/*
 * RAM of a microcontroller image, one formula for every place that shows
 * it (the sample, a stored cell, the results table): what the image
 * reserves (static .data + .bss from the ELF) plus what it used (stack and
 * heap high-water from the image's own result lines), less the stack that
 * static RAM already holds. TinyGo's system stack is a NOBITS `.stack`
 * section, so `size` counts it in .bss; its image reports that section's
 * size as stack_in_static_bytes and the stack is counted once, as stack.
 */
#ifndef RIG_MCU_RAM_H
#define RIG_MCU_RAM_H

#include <stdint.h>

/* static_bytes - stack_in_static_bytes + stack_hwm_bytes + heap_hwm_bytes,
 * in bytes. stack_in_static_bytes is 0 for an image without a stack section
 * in .bss (rig's C firmware). Pure; never fails. */
double rig_mcu_ram_bytes(int64_t static_bytes, double stack_hwm_bytes, double heap_hwm_bytes,
			 double stack_in_static_bytes);

/* The static RAM shown beside it: static_bytes - stack_in_static_bytes. */
double rig_mcu_static_bytes(int64_t static_bytes, double stack_in_static_bytes);

#endif
