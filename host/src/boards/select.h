/*
 * Board tags and `--boards` selection (docs/farm.md). A board file may say
 *
 *   tags: {model: pi4, site: lab2, owner: ci}     (kept as "model:pi4", ...)
 *   tags: [pi4, lab2]                             (plain tags)
 *
 * A --boards item is a board name or file, or a selector KEY:VALUE:
 * `tag:V` matches a board with the plain tag V or any tag whose value is V;
 * `model:pi4` matches the tag model: pi4. The boards selected are the named
 * ones plus the boards of boards_dir matching every selector (selectors are
 * and-ed: `model:pi4,site:lab2` is the Pi 4s of lab2), sorted, each once.
 */
#ifndef RIG_SELECT_H
#define RIG_SELECT_H

#include "config.h"
#include "error.h"
#include "util.h"

/* Reads the `tags:` field of a board file (absent: none) into out as
 * "key:value" or plain items. RIG_ERR_PARSE naming file:line:field:value
 * for a tag that is not a scalar, is longer than 63 characters (a plain
 * tag, or a key or a value), or has a ':' or ',' in a plain tag. */
int rig_board_tags_read(const struct rig_cfg *cfg, struct rig_strv *out, struct rig_error *err);

/* 1 when tags match the selector "KEY:VALUE" (see above). */
int rig_board_tags_match(const struct rig_strv *tags, const char *selector);

/* Appends the board names of dir (its files NAME.yaml), sorted; returns
 * how many (0 also when dir cannot be read). */
int rig_boards_in_dir(const char *dir, struct rig_strv *out);

/* 1 when a --boards item is a selector (KEY:VALUE, not a path). */
int rig_boards_is_selector(const char *item);

/* Expands items (option names the flag, for messages) into board names or
 * files appended to out. A selector matching no board is RIG_ERR_NOT_FOUND
 * naming it and the tags there are; a board file that does not parse is
 * its RIG_ERR_PARSE. Name items are passed through unchecked. */
int rig_boards_select(const char *option, const struct rig_strv *items, const char *boards_dir,
		      struct rig_strv *out, struct rig_error *err);

#endif
