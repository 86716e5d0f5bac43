/*
 * Fuzz target: the report's escaping and charts (html.h, svg.h). The input
 * is NUL-separated labels followed by raw doubles; they feed a bar chart, a
 * strip plot and a history line. Whatever they hold (markup, bad UTF-8,
 * NaN, infinities, huge or negative values), the output must be valid
 * UTF-8, every '<' must open one of the elements the charts draw (so no
 * label becomes markup), and no coordinate may read nan or inf.
 * Seeds: tests/fuzz/corpus/html/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "html.h"
#include "svg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* Every coordinate attribute holds only a number, every path only path
 * commands and numbers. Tags are parsed attribute by attribute (values are
 * escaped, so a '"' ends one), so a label that says nan or x="1" is text. */
static void check_coordinates(const char *s)
{
	static const char *const coords[] = {"x",  "y",	 "x1", "y1",	"x2",	  "y2",
					     "cx", "cy", "r",  "width", "height", "d"};

	for (const char *p = s; (p = strchr(p, '<'));) {
		p++;
		while (*p && *p != ' ' && *p != '>')
			p++;
		while (*p == ' ') {
			const char *name = ++p, *v;
			size_t len;
			int is_coord = 0;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			       (*p >= '0' && *p <= '9') || *p == '-')
				p++;
			len = (size_t)(p - name);
			if (strncmp(p, "=\"", 2) != 0)
				break; /* "/>" or ">" */
			for (size_t i = 0; i < sizeof(coords) / sizeof(coords[0]); i++)
				is_coord |=
				    strlen(coords[i]) == len && strncmp(name, coords[i], len) == 0;
			for (v = p + 2; *v && *v != '"'; v++)
				if (is_coord)
					check(strchr("0123456789.-+MLHVZ ", *v) != NULL);
			check(*v == '"');
			p = v + 1;
		}
	}
}

static void check_markup(const struct rig_buf *b)
{
	static const char *const tags[] = {"svg ",     "/svg>", "title>", "/title>", "text ",
					   "/text>",   "line ", "rect ",  "path ",   "circle ",
					   "/circle>", "g ",	"g>",	  "/g>"};
	const char *p = b->data;

	for (const unsigned char *u = (const unsigned char *)p; *u;) {
		size_t n = rig_utf8_len(u);
		check(n > 0);
		u += n;
	}
	for (; (p = strchr(p, '<')); p++) {
		int ok = 0;
		for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]) && !ok; i++)
			ok = strncmp(p + 1, tags[i], strlen(tags[i])) == 0;
		check(ok);
	}
	check_coordinates(b->data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *label[4] = {"", "", "", ""};
	double v[16];
	size_t nl = 0, at = 0, nv;
	char *s;
	struct rig_buf b = {0};

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	while (nl < 4 && at < size && memchr(s + at, 0, size - at)) {
		label[nl++] = s + at;
		at += strlen(s + at) + 1;
	}
	nv = (size - at) / 8;
	if (nv > 16)
		nv = 16;
	memcpy(v, data + at, nv * 8);
	if (nv >= 3) {
		struct rig_svg_bar bars[4];
		struct rig_svg_strip_row rows[2] = {{label[0], v, nv}, {label[1], v + 1, nv - 1}};
		struct rig_svg_hpoint pts[5];
		size_t nb = 0, np = 0;

		for (size_t i = 0; i + 2 < nv && nb < 4; i += 3, nb++)
			bars[nb] = (struct rig_svg_bar){label[nb], v[i], v[i + 1],
							v[i + 2],  1,	 nb ? "worse" : NULL};
		for (size_t i = 0; i + 2 < nv && np < 5; i += 3, np++)
			pts[np] = (struct rig_svg_hpoint){v[i],		 v[i + 1], v[i + 2],
							  (int)(np & 1), v[i],	   label[np % 4]};
		rig_svg_bars(&b, label[2], label[3], bars, nb);
		rig_svg_strip(&b, label[3], "ns", rows, 2);
		rig_svg_history(&b, label[0], "ops/s", pts, np);
	}
	rig_html_text(&b, label[0]);
	rig_html_textf(&b, "%s%s", label[1], label[2]);
	if (b.data)
		check_markup(&b);
	rig_buf_free(&b);
	free(s);
	return 0;
}
