/*
 * An ordered list of owned key/value strings (environment records, facts,
 * build variables). Keys are unique: setting an existing key replaces its
 * value in place, so the order is that of first insertion. Lookups are
 * linear: the lists are small. Zero-initialise; growing aborts when memory
 * runs out (see xalloc.h).
 */
#ifndef RIG_KVLIST_H
#define RIG_KVLIST_H

#include <stddef.h>

struct rig_kv {
	char *key, *value;
};
struct rig_kvlist {
	struct rig_kv *v;
	size_t n, cap;
};

/* Sets key to a copy of value (replacing an existing value). */
void rig_kv_set(struct rig_kvlist *l, const char *key, const char *value);
/* Sets key to formatted text. */
void rig_kv_setf(struct rig_kvlist *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value of key, owned by the list (valid until it is set again or the
 * list is freed), or NULL when the key is absent. */
const char *rig_kv_get(const struct rig_kvlist *l, const char *key);
/* Frees every entry and zeroes l. */
void rig_kv_free(struct rig_kvlist *l);

#endif
