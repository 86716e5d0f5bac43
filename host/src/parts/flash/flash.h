/*
 * Flash parts: how an artifact gets onto a target (labgrid's
 * BootstrapProtocol.load). Kinds (one file each):
 *
 *   none         nothing to put anywhere: the runner uses the file where
 *                it is (host processes, WASI modules) (flash.c)
 *   command      a program from the board file with {elf} {bin} {port}
 *                words, e.g. picotool or st-flash (flash_command.c)
 *   qemu-kernel  the image becomes the emulator's -kernel (needs power
 *                qemu) (flash_qemu_kernel.c)
 *   agent-put    uploaded through rig-agent (needs runner agent)
 *                (flash_agent_put.c)
 *   picoboot     the RP2040/RP2350 boot ROM over USB (flash_picoboot.c)
 *   dfu          USB DFU 1.1 / STM32 DfuSe (flash_dfu.c)
 *   uf2          a UF2 copied onto the board's boot drive (flash_uf2.c)
 */
#ifndef RIG_FLASH_H
#define RIG_FLASH_H

#include "artifact.h"
#include "part.h"
#include "util.h"

struct rig_board;

struct rig_flash_ops {
	const char *kind; /* the `flash: {kind: ...}` value */

	/* Reads sec (see part.h) into the board's flash.priv. Required. */
	int (*configure)(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err);

	/* Checks, once every part is configured, that the parts it needs are
	 * there (qemu-kernel needs power qemu). RIG_ERR_PARSE naming the board
	 * file. Optional. */
	int (*check)(struct rig_board *b, struct rig_error *err);

	/* Puts the artifact on the target. Called before its first sample and
	 * again when a reset needs it (touch1200); the part may skip work when
	 * the same content is already there. May block up to its own timeout.
	 * RIG_ERR_SKIPPED when the tool is absent. Optional (NULL: nothing). */
	int (*load)(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);

	/* Adds facts. Optional. */
	int (*facts)(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err);

	/* Frees flash.priv. Optional. */
	void (*destroy)(struct rig_board *b);
};

const struct rig_flash_ops *rig_flash_find(const char *kind);
const char *rig_flash_kinds(void);

extern const struct rig_flash_ops rig_flash_none_ops;
extern const struct rig_flash_ops rig_flash_command_ops;
extern const struct rig_flash_ops rig_flash_qemu_kernel_ops;
extern const struct rig_flash_ops rig_flash_agent_put_ops;
extern const struct rig_flash_ops rig_flash_picoboot_ops;
extern const struct rig_flash_ops rig_flash_dfu_ops;
extern const struct rig_flash_ops rig_flash_uf2_ops;

#endif
