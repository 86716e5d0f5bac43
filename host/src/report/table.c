/* Aligned tables: see table.h. */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct column {
	char *header;
	enum rig_align align;
};

struct row {
	char **cells; /* one per column; NULL is empty */
	size_t filled;
	int separator_before;
};

struct rig_table {
	struct column *cols;
	size_t n_cols;
	struct row *rows;
	size_t n_rows, cap_rows;
	int pending_separator;
};

struct rig_table *rig_table_new(void) { return rig_xcalloc(1, sizeof(struct rig_table)); }

void rig_table_free(struct rig_table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++)
			free(t->rows[r].cells[c]);
		free(t->rows[r].cells);
	}
	for (size_t c = 0; c < t->n_cols; c++)
		free(t->cols[c].header);
	free(t->rows);
	free(t->cols);
	free(t);
}

int rig_table_add_column(struct rig_table *t, const char *header, enum rig_align align)
{
	if (t->n_rows)
		return RIG_ERR_INVALID;
	t->cols = rig_xrealloc(t->cols, (t->n_cols + 1) * sizeof(*t->cols));
	t->cols[t->n_cols].header = rig_xstrdup(header ? header : "");
	t->cols[t->n_cols].align = align;
	return (int)t->n_cols++;
}

int rig_table_begin_row(struct rig_table *t)
{
	struct row *r;

	if (t->n_rows == t->cap_rows) {
		t->cap_rows = t->cap_rows ? 2 * t->cap_rows : 16;
		t->rows = rig_xrealloc(t->rows, t->cap_rows * sizeof(*t->rows));
	}
	r = &t->rows[t->n_rows];
	r->cells = rig_xcalloc(t->n_cols ? t->n_cols : 1, sizeof(*r->cells));
	r->filled = 0;
	r->separator_before = t->pending_separator;
	t->pending_separator = 0;
	return (int)t->n_rows++;
}

int rig_table_add_row(struct rig_table *t, const char *const *cells, size_t n)
{
	int idx;

	if (n > t->n_cols)
		return RIG_ERR_INVALID;
	idx = rig_table_begin_row(t);
	for (size_t c = 0; c < n; c++)
		t->rows[idx].cells[c] = cells[c] ? rig_xstrdup(cells[c]) : NULL;
	t->rows[idx].filled = n;
	return idx;
}

int rig_table_cellf(struct rig_table *t, const char *fmt, ...)
{
	struct row *r;
	va_list ap;
	char *s;

	if (!t->n_rows)
		return RIG_ERR_INVALID;
	r = &t->rows[t->n_rows - 1];
	if (r->filled >= t->n_cols)
		return RIG_ERR_INVALID;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort(); /* out of memory, as rig_xmalloc */
	va_end(ap);
	r->cells[r->filled] = s;
	return (int)r->filled++;
}

void rig_table_add_separator(struct rig_table *t) { t->pending_separator = 1; }

size_t rig_table_rows(const struct rig_table *t) { return t->n_rows; }

size_t rig_table_columns(const struct rig_table *t) { return t->n_cols; }

/* Display width: UTF-8 code points (continuation bytes do not count). */
static size_t width_of(const char *s)
{
	size_t w = 0;

	for (; s && *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void pad(struct rig_buf *out, size_t n)
{
	static const char spaces[] = "                                ";

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		rig_buf_append(out, spaces, k);
		n -= k;
	}
}

/* One line of the aligned form: cells padded to widths, right-aligned
 * where the column says so; the last column is not padded on the right. */
static void aligned_line(const struct rig_table *t, const size_t *widths, char *const *cells,
			 struct rig_buf *out)
{
	size_t last = t->n_cols;

	/* trailing empty left-aligned cells would only add spaces */
	while (last > 0 && t->cols[last - 1].align == RIG_ALIGN_LEFT &&
	       width_of(cells[last - 1]) == 0)
		last--;
	for (size_t c = 0; c < last; c++) {
		const char *s = cells[c] ? cells[c] : "";
		size_t w = width_of(s);

		if (c)
			pad(out, 2);
		if (t->cols[c].align == RIG_ALIGN_RIGHT)
			pad(out, widths[c] - w);
		rig_buf_append(out, s, strlen(s));
		if (t->cols[c].align == RIG_ALIGN_LEFT && c + 1 < last)
			pad(out, widths[c] - w);
	}
	rig_buf_append(out, "\n", 1);
}

static void rule(const struct rig_table *t, const size_t *widths, struct rig_buf *out)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		if (c)
			pad(out, 2);
		for (size_t i = 0; i < widths[c]; i++)
			rig_buf_append(out, "-", 1);
	}
	rig_buf_append(out, "\n", 1);
}

static void render_aligned(const struct rig_table *t, struct rig_buf *out)
{
	size_t *widths = rig_xcalloc(t->n_cols ? t->n_cols : 1, sizeof(*widths));
	char **headers = rig_xcalloc(t->n_cols ? t->n_cols : 1, sizeof(*headers));

	for (size_t c = 0; c < t->n_cols; c++) {
		headers[c] = t->cols[c].header;
		widths[c] = width_of(headers[c]);
		for (size_t r = 0; r < t->n_rows; r++) {
			size_t w = width_of(t->rows[r].cells[c]);

			if (w > widths[c])
				widths[c] = w;
		}
	}
	aligned_line(t, widths, headers, out);
	rule(t, widths, out);
	for (size_t r = 0; r < t->n_rows; r++) {
		if (t->rows[r].separator_before && r > 0)
			rule(t, widths, out);
		aligned_line(t, widths, t->rows[r].cells, out);
	}
	free(headers);
	free(widths);
}

static void tsv_cell(const char *s, struct rig_buf *out)
{
	for (; s && *s; s++)
		rig_buf_append(out, (*s == '\t' || *s == '\n' || *s == '\r') ? " " : s, 1);
}

static void render_tsv(const struct rig_table *t, struct rig_buf *out)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		if (c)
			rig_buf_append(out, "\t", 1);
		tsv_cell(t->cols[c].header, out);
	}
	rig_buf_append(out, "\n", 1);
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			if (c)
				rig_buf_append(out, "\t", 1);
			tsv_cell(t->rows[r].cells[c], out);
		}
		rig_buf_append(out, "\n", 1);
	}
}

void rig_table_render(const struct rig_table *t, enum rig_table_style style, struct rig_buf *out)
{
	if (!t->n_cols)
		return;
	if (style == RIG_TABLE_TSV)
		render_tsv(t, out);
	else
		render_aligned(t, out);
}

int rig_table_write(const struct rig_table *t, FILE *f)
{
	struct rig_buf out = {0};
	int rc = 0;

	rig_table_render(t, isatty(fileno(f)) ? RIG_TABLE_ALIGNED : RIG_TABLE_TSV, &out);
	if (out.len && (fwrite(out.data, 1, out.len, f) != out.len || fflush(f)))
		rc = RIG_ERR_IO;
	rig_buf_free(&out);
	return rc;
}
