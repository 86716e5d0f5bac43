/*
 * Memory that cannot fail and formatting into owned or fixed buffers.
 * The x* functions abort when the allocator fails: they are for small
 * bookkeeping, where there is nothing sensible left to do on failure.
 */
#ifndef RIG_XALLOC_H
#define RIG_XALLOC_H

#include <stddef.h>

#include "error.h"

#define RIG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* malloc/calloc/realloc that abort on failure. A size of 0 allocates one byte,
 * so the result is never NULL. The caller frees with free(). */
void *rig_xmalloc(size_t n);
void *rig_xcalloc(size_t n, size_t size);
void *rig_xrealloc(void *p, size_t n);
/* strdup that aborts on failure; NULL is copied as "". Caller frees. */
char *rig_xstrdup(const char *s);
/* asprintf that aborts on failure. Caller frees. */
char *rig_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* snprintf into buf[cap] that reports truncation: 0 when the whole text fit,
 * RIG_ERR_INVALID when it did not (buf then holds the truncated text). */
int rig_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
