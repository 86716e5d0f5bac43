/*
 * Growable strings and lists of strings: a byte buffer (output captured from
 * a process, text being assembled) and a NULL-terminated vector of owned
 * strings (argv, environment additions, names). Zero-initialise either one;
 * growing aborts when memory runs out (see xalloc.h).
 */
#ifndef RIG_STRBUF_H
#define RIG_STRBUF_H

#include <stddef.h>

/* A growable byte buffer. data is NULL until the first append, then always
 * NUL-terminated (the NUL is not counted in len). */
struct rig_buf {
	char *data;
	size_t len, cap;
};
/* Appends n bytes of p (which may contain NULs). */
void rig_buf_append(struct rig_buf *b, const void *p, size_t n);
/* Appends formatted text. */
void rig_buf_appendf(struct rig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees data and zeroes b, ready for reuse. */
void rig_buf_free(struct rig_buf *b);

/* A growable vector of owned strings; v[n] is NULL once anything was pushed,
 * so v can be passed as an argv. */
struct rig_strv {
	char **v;
	size_t n, cap;
};
/* Appends a copy of s. */
void rig_strv_push(struct rig_strv *sv, const char *s);
/* Appends formatted text. */
void rig_strv_pushf(struct rig_strv *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees every string and the vector and zeroes sv. */
void rig_strv_free(struct rig_strv *sv);
/* 1 when s is one of the strings in sv, else 0. */
int rig_strv_has(const struct rig_strv *sv, const char *s);
/* The strings joined by spaces, each quoted for sh when it needs it
 * ("a b 'c d'"), for logs and the build record. Returns an owned string
 * ("" for an empty vector). */
char *rig_strv_join_quoted(const struct rig_strv *sv);

#endif
