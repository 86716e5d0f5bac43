#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void rig_buf_append(struct rig_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = rig_xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void rig_buf_appendf(struct rig_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	rig_buf_append(b, p, (size_t)n);
	free(p);
}

void rig_buf_free(struct rig_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void rig_strv_push(struct rig_strv *sv, const char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = rig_xrealloc(sv->v, sv->cap * sizeof(char *));
	}
	sv->v[sv->n++] = rig_xstrdup(s);
	sv->v[sv->n] = NULL;
}

void rig_strv_pushf(struct rig_strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	rig_strv_push(sv, p);
	free(p);
}

void rig_strv_free(struct rig_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

int rig_strv_has(const struct rig_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

/* Words made only of these need no quotes in sh. */
static int sh_plain(const char *s)
{
	if (*s == '\0')
		return 0;
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./=:,+@%",
			    *p))
			return 0;
	return 1;
}

char *rig_strv_join_quoted(const struct rig_strv *sv)
{
	struct rig_buf b = {0};

	for (size_t i = 0; i < sv->n; i++) {
		const char *s = sv->v[i];

		if (i)
			rig_buf_append(&b, " ", 1);
		if (sh_plain(s)) {
			rig_buf_append(&b, s, strlen(s));
			continue;
		}
		rig_buf_append(&b, "'", 1);
		for (const char *p = s; *p; p++) {
			if (*p == '\'')
				rig_buf_append(&b, "'\\''", 4);
			else
				rig_buf_append(&b, p, 1);
		}
		rig_buf_append(&b, "'", 1);
	}
	if (!b.data)
		return rig_xstrdup("");
	return b.data;
}
