/*
 * host/src/base/util/: the small shared utilities every stage may call, one
 * file per idea, each header usable alone:
 *   xalloc.h  allocation that cannot fail, checked snprintf
 *   strbuf.h  byte buffers and string vectors
 *   kvlist.h  ordered key/value lists
 *   clock.h   monotonic and wall clocks
 *   fileio.h  directories, whole files, SHA-256 of files
 *   proc.h    PATH lookup, running a program and capturing its output
 *   units.h   strict parsing of durations and counts
 * This umbrella includes them all, for files that use several.
 */
#ifndef RIG_UTIL_H
#define RIG_UTIL_H

/* what the single util.h used to bring in, for its callers */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xalloc.h"
#include "strbuf.h"
#include "kvlist.h"
#include "clock.h"
#include "fileio.h"
#include "proc.h"
#include "units.h"

#endif
