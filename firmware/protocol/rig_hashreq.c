/* The firmware's hash request and its answer: see rig_hashreq.h. */
#include "rig_hashreq.h"

#include <string.h>

/* Decimal digits of v into p (no NUL); returns the count. */
static size_t put_u32(char *p, uint32_t v)
{
	char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

size_t rig_hashreq_format_request(char *buf, size_t cap, uint32_t seq, uint32_t n)
{
	size_t len = 0;

	/* "hash " + 10 + " " + 10 + "\n" */
	if (cap < 28 || n > RIG_HASHREQ_MAX_BYTES)
		return 0;
	memcpy(buf, "hash ", 5);
	len = 5;
	len += put_u32(buf + len, seq);
	buf[len++] = ' ';
	len += put_u32(buf + len, n);
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

void rig_hashreq_name(char *buf, size_t cap, uint32_t seq)
{
	size_t n;

	if (cap < 16) {
		if (cap)
			buf[0] = '\0';
		return;
	}
	memcpy(buf, "hash.", 5);
	n = 5 + put_u32(buf + 5, seq);
	buf[n] = '\0';
}

void rig_hashreq_fill(unsigned char *buf, uint32_t seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(131u * i + 7u + seq);
}

/* A decimal below 2^32 without leading zeros, the whole of s. */
static int get_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 10 || (s[0] == '0' && n > 1))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > 0xffffffffu)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

int rig_hashreq_parse_answer(const struct rig_report_line *l, uint32_t *seq, uint32_t *word)
{
	if (l->kind != RIG_REPORT_RESULT || strncmp(l->name, "hash.", 5) != 0 ||
	    strcmp(l->unit, "count") != 0)
		return 0;
	return get_u32(l->name + 5, seq) && get_u32(l->value, word);
}
