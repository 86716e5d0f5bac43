/*
 * The checks every YAML text passes before libfyaml sees it: see
 * rig_cfg_prescan() in config.h. One linear pass over the bytes (plus the
 * UTF-8 pass), so a hostile file costs time in proportion to its size, never
 * more: libfyaml's duplicate-key check is quadratic in the keys of a mapping
 * (10k keys 2 s, 40k keys > 60 s), so the count is capped here first.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/* The name of a C0 control byte for messages. */
static const char *control_name(unsigned c)
{
	static const char *const names[32] = {
	    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS",  "TAB", "LF",
	    "VT",  "FF",  "CR",	 "SO",	"SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
	    "SYN", "ETB", "CAN", "EM",	"SUB", "ESC", "FS",  "GS",  "RS",  "US"};
	return c < 32 ? names[c] : c == 0x7f ? "DEL" : "C1 control";
}

/*
 * YAML is UTF-8 here; libfyaml 0.7 loops forever on some invalid UTF-8 in a
 * directive (found by fuzz_board: "%\xafo\f["), so text is checked first and
 * the first bad byte is reported with its line and column. Control
 * characters other than tab, CR and LF are refused too: a NUL ends the text
 * for libfyaml (everything after it would be ignored silently), and ESC or
 * the C1 controls in a name would reach a terminal.
 */
static int check_utf8(const char *name, const unsigned char *s, size_t len, struct rig_error *err)
{
	size_t line = 1, col = 1;

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80		? 1
			   : (c & 0xe0) == 0xc0 ? 2
			   : (c & 0xf0) == 0xe0 ? 3
			   : (c & 0xf8) == 0xf0 ? 4
						: 0;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
		int ok = n > 0 && i + n <= len;

		for (size_t k = 1; ok && k < n; k++) {
			ok = (s[i + k] & 0xc0) == 0x80;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* no overlong forms, no surrogates, nothing past U+10FFFF */
		if (ok &&
		    ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		     cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			ok = 0;
		if (!ok)
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%zu:%zu: not UTF-8 (byte 0x%02x); YAML files must be UTF-8", name,
			    line, col, c);
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp <= 0x9f))
			return rig_fail(
			    err, RIG_ERR_PARSE,
			    "%s:%zu:%zu: control character U+%04X (%s) is not allowed in "
			    "rig's files%s",
			    name, line, col, (unsigned)cp, control_name(cp),
			    cp == 0 ? ": YAML would stop reading at it" : "");
		if (c == '\n')
			line++, col = 1;
		else
			col++;
		i += n;
	}
	return 0;
}

struct scan {
	const char *name;
	const char *s;
	size_t len, i;
	size_t line, col;
	size_t indent;	     /* leading spaces of the current line */
	int at_line_start;   /* only blanks so far on this line */
	char prev;	     /* last non-blank character outside quotes ('\n': none) */
	char quote;	     /* inside '...' or "..." */
	int comment;	     /* inside a # comment */
	int flow;	     /* depth of [ ] and { } */
	int block;	     /* a | or > scalar's text follows on the next lines */
	int in_block;	     /* inside that text */
	size_t block_indent; /* the indent of the line that started it */
	size_t nodes;	     /* keys and list items seen */
};

static int is_blank_or_end(const struct scan *sc, size_t at)
{
	return at >= sc->len || sc->s[at] == ' ' || sc->s[at] == '\t' || sc->s[at] == '\n' ||
	       sc->s[at] == '\r';
}

/* A token starts here: at the start of a line or after an indicator. */
static int at_token_start(const struct scan *sc) { return strchr("\n-{[,:?", sc->prev) != NULL; }

static int count_node(struct scan *sc, struct rig_error *err)
{
	if (++sc->nodes > RIG_CFG_MAX_NODES)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%zu: more than %d keys and list items: rig reads files up to "
				"that size (is this the right file?)",
				sc->name, sc->line, RIG_CFG_MAX_NODES);
	return 0;
}

/* A new line: leaves block scalar text once a line is not indented more. */
static void scan_newline(struct scan *sc)
{
	size_t j = sc->i + 1, ind = 0;

	sc->line++, sc->col = 0, sc->comment = 0, sc->prev = '\n', sc->at_line_start = 1;
	if (sc->block)
		sc->in_block = 1, sc->block = 0;
	while (j + ind < sc->len && sc->s[j + ind] == ' ')
		ind++;
	sc->indent = ind;
	if (sc->in_block && j + ind < sc->len && sc->s[j + ind] != '\n' && sc->s[j + ind] != '\r' &&
	    ind <= sc->block_indent)
		sc->in_block = 0;
}

static int scan_char(struct scan *sc, struct rig_error *err)
{
	char c = sc->s[sc->i];
	int rc, ind = 0; /* c acted as a YAML indicator */

	if (sc->quote) {
		if (c == sc->quote)
			sc->quote = 0;
		else if (c == '\\' && sc->quote == '"' && sc->i + 1 < sc->len)
			sc->i++, sc->col++;
		return 0;
	}
	if (c == '#' && (sc->i == 0 || strchr(" \t\n", sc->s[sc->i - 1]))) {
		sc->comment = 1;
		return 0;
	}
	if ((c == '\'' || c == '"') && at_token_start(sc)) {
		sc->quote = c;
		sc->prev = 'a'; /* a scalar */
		return 0;
	}
	/* '?' where a token starts is an explicit key ("? k") or a plain
	 * scalar that YAML parsers disagree on ("?x", '?"'); libfyaml 0.7.12
	 * crashes on some of them (fuzz corpus regress-libfyaml-segv-*), so
	 * both are refused here, before it sees them */
	if (c == '?' && at_token_start(sc))
		return rig_fail(err, RIG_ERR_PARSE,
				is_blank_or_end(sc, sc->i + 1)
				    ? "%s:%zu:%zu: explicit keys ('? ') are not supported in rig's "
				      "files; write key: value"
				    : "%s:%zu:%zu: text starting with '?' must be quoted in rig's "
				      "files",
				sc->name, sc->line, sc->col);
	if ((c == '&' || c == '*') && at_token_start(sc))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%zu:%zu: YAML %s ('%c') are not supported in rig's files; "
				"write the value out (or quote it if '%c' is part of the text)",
				sc->name, sc->line, sc->col, c == '&' ? "anchors" : "aliases", c,
				c);
	if ((c == '|' || c == '>') && strchr(":-", sc->prev) && !sc->flow) {
		sc->block = 1;
		sc->block_indent = sc->indent;
	}
	if (c == ':' && (is_blank_or_end(sc, sc->i + 1) ||
			 (sc->flow && sc->i + 1 < sc->len && strchr(",]}", sc->s[sc->i + 1])))) {
		ind = 1;
		if ((rc = count_node(sc, err)))
			return rc;
	} else if (c == '-' && sc->at_line_start && is_blank_or_end(sc, sc->i + 1)) {
		ind = 1;
		if ((rc = count_node(sc, err)))
			return rc;
	} else if ((c == '[' || c == '{') && (sc->flow || at_token_start(sc))) {
		ind = 1;
		if (++sc->flow > RIG_CFG_MAX_DEPTH)
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%zu:%zu: lists and mappings nested more than %d deep",
					sc->name, sc->line, sc->col, RIG_CFG_MAX_DEPTH);
		if ((rc = count_node(sc, err)))
			return rc;
	} else if ((c == ']' || c == '}') && sc->flow) {
		ind = 1;
		sc->flow--;
	} else if (c == ',' && sc->flow) {
		ind = 1;
		if ((rc = count_node(sc, err)))
			return rc;
	}
	if (c != ' ' && c != '\t' && c != '\r') {
		/* prev is an indicator only where c acted as one; inside a
		 * plain scalar ("k?\"", "a:b", "x-y") it is text, so what
		 * follows is not at a token start */
		sc->prev = ind ? c : 'a';
		if (c != '-')
			sc->at_line_start = 0;
	}
	return 0;
}

/* Explicit keys, anchors and aliases, too many nodes, too deep nesting.
 * Quoted text, comments and the text of | and > scalars are skipped. */
static int scan_structure(const char *name, const char *s, size_t len, struct rig_error *err)
{
	struct scan sc = {
	    .name = name, .s = s, .len = len, .line = 1, .prev = '\n', .at_line_start = 1};
	int rc;

	while (sc.i < len && s[sc.i] == ' ')
		sc.indent++, sc.i++;
	sc.col = sc.indent;
	for (; sc.i < len; sc.i++) {
		sc.col++;
		if (s[sc.i] == '\n') {
			/* a quoted scalar may go on over lines; a comment may not */
			scan_newline(&sc);
			continue;
		}
		if (sc.comment || sc.in_block)
			continue;
		if (sc.at_line_start && sc.col > RIG_CFG_MAX_INDENT)
			return rig_fail(err, RIG_ERR_PARSE, "%s:%zu: indented more than %d columns",
					name, sc.line, RIG_CFG_MAX_INDENT);
		if ((rc = scan_char(&sc, err)))
			return rc;
	}
	return 0;
}

int rig_cfg_prescan(const char *name, const char *text, size_t len, struct rig_error *err)
{
	int rc;

	if (len > RIG_CFG_MAX_BYTES)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s: %zu bytes; rig reads YAML files up to %d bytes (is this the "
				"right file?)",
				name, len, RIG_CFG_MAX_BYTES);
	if ((rc = check_utf8(name, (const unsigned char *)text, len, err)) ||
	    (rc = scan_structure(name, text, len, err)))
		return rc;
	return 0;
}
