/*
 * The workloads of firmware/workloads/c, for firmware that serves several
 * of them. Link rig_wl_table.c, rig_wl.c, hello.c, cpu.c, cpu-pure.c,
 * alloc.c and firmware/protocol/rig_report.c, all with -DRIG_WL_BARE (no
 * main(), no stdio), then for example:
 *
 *     const struct rig_wl_entry *w = rig_wl_find("cpu");
 *     if (w)
 *             rig_wl_run(&uart_io, w->fn, w->mcu_iterations);
 *
 * The iteration counts are shared with the Go workloads
 * (firmware/workloads/go/internal/wl): the same count gives the same
 * "check" result in Go and C.
 */
#ifndef RIG_WL_TABLE_H
#define RIG_WL_TABLE_H

#include "rig_wl.h"

/* Sized for 100-300 ms on an x86-64 server core (gc build). */
#define RIG_WL_HELLO_ITERS 0
#define RIG_WL_CPU_ITERS 100000
#define RIG_WL_CPU_PURE_ITERS 8000
#define RIG_WL_ALLOC_ITERS 200000
/*
 * Sized for 100-300 ms under QEMU (TCG runs at roughly host speed): an
 * armhf static build under qemu-arm took 222 ms for 1000 cpu ops and 157 ms
 * for 20000 alloc ops on an AMD EPYC host. A real 50 MHz Cortex-M3 is
 * roughly 50x slower. alloc's live set stays under 10 KiB.
 */
#define RIG_WL_HELLO_MCU_ITERS 0
#define RIG_WL_CPU_MCU_ITERS 1000
#define RIG_WL_CPU_PURE_MCU_ITERS 1000
#define RIG_WL_ALLOC_MCU_ITERS 20000

int rig_wl_hello(const struct rig_wl_io *io, long long iterations);
int rig_wl_cpu(const struct rig_wl_io *io, long long iterations);
int rig_wl_cpu_pure(const struct rig_wl_io *io, long long iterations);
int rig_wl_alloc(const struct rig_wl_io *io, long long iterations);

struct rig_wl_entry {
	const char *name; /* as in rig: "hello", "cpu", "cpu-pure", "alloc" */
	rig_wl_fn fn;
	long long default_iterations; /* hosts and Linux boards */
	long long mcu_iterations;     /* microcontrollers */
};

/* The table, terminated by an entry whose name is NULL. */
extern const struct rig_wl_entry rig_wl_table[];

/* The entry called name, or NULL. */
const struct rig_wl_entry *rig_wl_find(const char *name);

#endif
