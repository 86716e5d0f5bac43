/* Facts about the machine rig runs on, for the environment record of every
 * run: CPU model, cores, governor, kernel, load average, memory, whether
 * debug info is installed (it changes gccgo's startup), virtualisation. */
#ifndef RIG_HOSTENV_H
#define RIG_HOSTENV_H

#include "util.h"

/* Adds "cpu_model", "cores", "governor", "kernel", "loadavg", "mem_total_kib",
 * "debug_info" (yes/no: /usr/lib/debug holds files), "hostname". Never fails:
 * what cannot be read is "unknown". */
void rig_hostenv_collect(struct rig_kvlist *facts, const char *prefix);

/* 1 when /usr/lib/debug holds debug info (libbacktrace in gccgo programs
 * reads it at the first sampled allocation: startup grows 20-40x). */
int rig_hostenv_has_debug_info(void);

#endif
