/*
 * A small table printer for results: columns with headers and alignment,
 * rows of string cells, optional separator rules between groups of rows.
 *
 * Two renderings:
 *   RIG_TABLE_ALIGNED  for people (a TTY): columns padded to their widest
 *                      cell, two spaces apart, a rule of '-' under the
 *                      header and at each separator; no trailing spaces.
 *                      Width counts UTF-8 code points, so "µs" is 2 wide.
 *   RIG_TABLE_TSV      for pipes and scripts: the header line, then one line
 *                      per row, cells separated by one tab; separators are
 *                      left out; tabs and line breaks inside a cell become
 *                      spaces so every row stays one line.
 * rig_table_write() picks ALIGNED for a terminal and TSV otherwise.
 *
 * No global state; a table is used by one thread at a time. Cells are copied.
 */
#ifndef RIG_TABLE_H
#define RIG_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

enum rig_align { RIG_ALIGN_LEFT, RIG_ALIGN_RIGHT };
enum rig_table_style { RIG_TABLE_ALIGNED, RIG_TABLE_TSV };

struct rig_table;

/* A new empty table (aborts on out-of-memory, like rig_xmalloc). */
struct rig_table *rig_table_new(void);
void rig_table_free(struct rig_table *t);

/* Adds a column; all columns must be added before the first row. Returns the
 * column index, or RIG_ERR_INVALID once rows exist. */
int rig_table_add_column(struct rig_table *t, const char *header, enum rig_align align);

/* Adds a row of n cells (copied; NULL is an empty cell). Fewer cells than
 * columns leave the rest empty; more is RIG_ERR_INVALID. Returns the row
 * index. */
int rig_table_add_row(struct rig_table *t, const char *const *cells, size_t n);

/* Starts an empty row to fill with rig_table_cellf(); returns its index. */
int rig_table_begin_row(struct rig_table *t);

/* Sets the next cell of the last row from a printf format. Returns the
 * column index, or RIG_ERR_INVALID when there is no row or it is full. */
int rig_table_cellf(struct rig_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds a separator rule before the next row (aligned style only). */
void rig_table_add_separator(struct rig_table *t);

/* Number of rows (separators not counted) and of columns. */
size_t rig_table_rows(const struct rig_table *t);
size_t rig_table_columns(const struct rig_table *t);

/* Appends the table to out in the given style. */
void rig_table_render(const struct rig_table *t, enum rig_table_style style, struct rig_buf *out);

/* Renders ALIGNED when f is a terminal, TSV otherwise, and writes it to f.
 * Returns 0 or RIG_ERR_IO. */
int rig_table_write(const struct rig_table *t, FILE *f);

#endif
