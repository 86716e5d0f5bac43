/* HTML escaping for the report, see html.h. */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "format.h"

void rig_html_text(struct rig_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	while (*p) {
		size_t n = rig_utf8_len(p);

		if (n == 0) {
			rig_buf_append(b, "\xEF\xBF\xBD", 3);
			p++;
			continue;
		}
		if (n > 1) {
			rig_buf_append(b, p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '&':
			rig_buf_append(b, "&amp;", 5);
			break;
		case '<':
			rig_buf_append(b, "&lt;", 4);
			break;
		case '>':
			rig_buf_append(b, "&gt;", 4);
			break;
		case '"':
			rig_buf_append(b, "&quot;", 6);
			break;
		case '\'':
			rig_buf_append(b, "&#39;", 5);
			break;
		default:
			/* NUL cannot occur; other controls are not allowed in HTML text */
			if (*p >= 0x20 || *p == '\t' || *p == '\n')
				rig_buf_append(b, p, 1);
		}
		p++;
	}
}

void rig_html_textf(struct rig_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256], *s = small;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		s = rig_xcalloc((size_t)n + 1, 1);
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	rig_html_text(b, s);
	if (s != small)
		free(s);
}

void rig_html_elem(struct rig_buf *b, const char *tag, const char *cls, const char *text)
{
	if (cls)
		rig_buf_appendf(b, "<%s class=\"%s\">", tag, cls);
	else
		rig_buf_appendf(b, "<%s>", tag);
	rig_html_text(b, text);
	rig_buf_appendf(b, "</%s>", tag);
}
