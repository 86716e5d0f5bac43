/*
 * Board parts. A board is a target plus four parts, one per role, each
 * chosen by `kind:` from that role's table (labgrid's drivers bound by
 * role; libusb's backend tables):
 *
 *   power   parts/power/power.h    switch on, off, reset, recover
 *   flash   parts/flash/flash.h    put an artifact onto the target
 *   link    parts/link/link.h      open a byte stream to the target
 *   runner  runners/runner.h       what one sample is on the target
 *
 * Every role has a "none" part that does nothing or says "not supported".
 * A part keeps its state in its struct rig_part's priv; parts of one board
 * meet only through the board (boards/board.h: the console stream, the
 * loaded artifact) and through the few calls a role documents for its
 * neighbours (the power part's console or network endpoint).
 *
 * Contract shared by every part's configure(): sec is the part's mapping in
 * the board file (its `kind:` key included) or NULL when the board file has
 * none; it reads its own fields with base/config.h so errors name
 * file:line:field, allocates its priv, and touches no hardware.
 */
#ifndef RIG_PART_H
#define RIG_PART_H

#include "config.h"
#include "error.h"

struct rig_board;

/* One chosen part: its ops table (the role's type), its state, and the
 * board-file line it came from (0: from the board kind's preset). */
struct rig_part {
	const void *ops;
	void *priv;
	int line;
};

/* rig_cfg_known_keys for a part section: `kind` plus keys. sec NULL: 0. */
int rig_part_known_keys(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			const char *const *keys, struct rig_error *err);

/* Note: base/config.h getters read the file's root for a NULL node, so a
 * part must not call them with sec == NULL (use its defaults instead). */

#endif
