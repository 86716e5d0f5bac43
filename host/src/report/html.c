/* HTML escaping for the report, see html.h. */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "format.h"

static const char *html_escape(unsigned char c, char tmp[8])
{
	(void)tmp;
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		/* NUL cannot occur; other controls are not allowed in HTML text */
		return c >= 0x20 || c == '\t' || c == '\n' ? NULL : "";
	}
}

void rig_html_text(struct rig_buf *b, const char *s)
{
	rig_buf_escaped(b, s, html_escape, "\xEF\xBF\xBD");
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
