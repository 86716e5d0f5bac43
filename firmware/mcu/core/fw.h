/* The firmware's own services, shared by the files in core/. */
#ifndef RIG_FW_H
#define RIG_FW_H

#include <stddef.h>
#include <stdint.h>

/* Stack paint pattern; the string form is for the reset assembly. */
#define RIG_FW_PAINT 0x5AC3A55Cu
#define RIG_FW_PAINT_STR "0x5AC3A55C"

/* Time base (timebase.c): SysTick at port_cpu_hz, extended to 64 bits. */
uint64_t rig_fw_ticks(void);
uint64_t rig_fw_ticks_to_ns(uint64_t ticks);

/* Stack (startup.c): size and deepest use since reset, in bytes. */
uint32_t rig_fw_stack_size(void);
uint32_t rig_fw_stack_hwm(void);

/* Heap (syscalls.c): bytes between heap start and the highest break. */
uint32_t rig_fw_heap_hwm(void);
uint32_t rig_fw_heap_size(void);

/* Console (main.c). */
void rig_fw_write(const char *s, size_t n);
void rig_fw_puts(const char *s);

/* A fault or exception: reports it on the console ("@rig done 70") and
 * stops. exception is the IPSR/ICSR vector number. */
void rig_fw_fault(int exception) __attribute__((noreturn));

/* Semihosting (semihost.c): SYS_EXIT_EXTENDED. Under QEMU with
 * -semihosting the emulator exits with code; without a debugger or
 * -semihosting the BKPT faults instead. */
void rig_fw_semihost_exit(int code) __attribute__((noreturn));

#endif
