/*
 * Clocks. (Named clock.h, not time.h: every host folder is on the include
 * path, and a time.h here would shadow the C library's.)
 */
#ifndef RIG_CLOCK_H
#define RIG_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds: for durations, never for records. */
int64_t rig_now_ns(void);
/* Wall clock, seconds since the epoch: for records. */
int64_t rig_wall_s(void);
/* Wall clock in milliseconds: lease expiries, which several hosts compare. */
int64_t rig_wall_ms(void);

#endif
