/*
 * HTML text for the report (report_html.h): every string that comes from
 * the store, a board file or the environment goes through these, so a
 * board named "<script>" is text, never markup. Valid in element content
 * and in double- or single-quoted attribute values, of HTML and of SVG
 * inside HTML. Pure functions appending to a struct rig_buf (util.h).
 */
#ifndef RIG_HTML_H
#define RIG_HTML_H

#include "util.h"

/* Appends s with & < > " ' written as entities, control bytes other than
 * tab and newline dropped, and bytes that are not valid UTF-8 replaced by
 * U+FFFD. NULL appends nothing. */
void rig_html_text(struct rig_buf *b, const char *s);

/* Appends formatted text, escaped as rig_html_text does. */
void rig_html_textf(struct rig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends "<tag class="cls">escaped text</tag>" (no class attribute when
 * cls is NULL). tag and cls are rig's own words, not escaped. */
void rig_html_elem(struct rig_buf *b, const char *tag, const char *cls, const char *text);

#endif
