/*
 * Power parts: how a target is switched on and off, reset, and brought
 * back when it stops answering. Kinds (one file each):
 *
 *   none        nothing to switch; reset = reopen the console (power.c)
 *   qemu        a Cortex-M machine under QEMU: start, QMP reset, restart
 *               (power_qemu.c); its UART is the console (link `emulator`)
 *   qemu-vm     a Linux VM (the emulated Pi) booted from a kernel and an
 *               initramfs, with a forwarded port (power_qemu_vm.c)
 *   dtr, rts    pulse a serial control line (power_lines.c)
 *   touch1200   open the port at 1200 baud: CDC-ACM boot loaders reboot
 *               into the boot loader; the flash part boots the image again
 *               (power_touch1200.c)
 *   command     any program per action, e.g. a PDU's CLI (power_command.c)
 *   usb-hub-port  the board's port on a USB hub, switched by the hub
 *               request or sysfs, checked (power_hubport.c)
 */
#ifndef RIG_POWER_H
#define RIG_POWER_H

#include <stdint.h>

#include "part.h"
#include "util.h"

struct rig_board;
struct rig_transport;

struct rig_power_ops {
	const char *kind; /* the `power: {kind: ...}` value */

	/* Reads sec (see part.h) into the board's power.priv. Required. */
	int (*configure)(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err);

	/* Checks, once every part is configured, that the parts it needs are
	 * there (touch1200 needs a flash part to boot the image again).
	 * RIG_ERR_PARSE naming the board file. Optional. */
	int (*check)(struct rig_board *b, struct rig_error *err);

	/* Switches the target on or makes the means to do so ready (a scratch
	 * directory, a booted VM). May block up to the board's ready timeout.
	 * RIG_ERR_SKIPPED with the reason when a needed tool is absent.
	 * Optional (NULL: nothing to do). */
	int (*on)(struct rig_board *b, struct rig_error *err);

	/* Switches off and releases what on() took. Never fails. Optional. */
	void (*off)(struct rig_board *b);

	/* Puts the target where the flash part can write to it (touch1200:
	 * its boot loader). May close the board's console; the strategy
	 * reopens it after the flash. Optional. */
	int (*to_loader)(struct rig_board *b, struct rig_error *err);

	/* Starts the target from reset. Sets *t0_ns to rig_now_ns() at the
	 * instant the target starts (startup is measured from there); cuts
	 * and marks the board's console lines (b->lines) when it has them.
	 * Returns 0; RIG_ERR_IO when the target is gone and recover() may
	 * help; another negative code when the board is unusable. May block
	 * (a re-flash after a touch). Optional (NULL: the board cannot be
	 * reset; the runner decides whether that matters). */
	int (*reset)(struct rig_board *b, int64_t *t0_ns, struct rig_error *err);

	/* Brings a target back after its console ended (restart the
	 * emulator, power-cycle, reopen a port that re-enumerated). 0 or < 0
	 * when it cannot be (the bench stops the board). Optional (NULL: a
	 * dead console is final). */
	int (*recover)(struct rig_board *b, struct rig_error *err);

	/* 1 while the target is running; 0 with the reason in why (an
	 * emulator that exited, with its last words) when it is not. Lets a
	 * runner stop retrying a dead board. Optional (NULL: unknown, 1). */
	int (*alive)(struct rig_board *b, char *why, size_t cap);

	/* A byte stream this part owns and the link may borrow (an emulator's
	 * UART), or NULL. Valid until the next on/recover/off. Optional. */
	struct rig_transport *(*console)(struct rig_board *b);

	/* An address this part provides for a link of kind link_kind (a VM's
	 * forwarded port "127.0.0.1:PORT" for tcp, its UART socket path for
	 * unix; "service": where the controller reaches a server listening on
	 * the guest's RIG_SERVICE_GUEST_PORT): fills addr and returns 0, or
	 * RIG_ERR_NOT_SUPPORTED. Valid after on(). Optional. */
	int (*endpoint)(struct rig_board *b, const char *link_kind, char *addr, size_t cap);

	/* Adds facts ("board.power", the emulator's version...). Optional. */
	int (*facts)(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err);

	/* Frees power.priv (after off). Optional. */
	void (*destroy)(struct rig_board *b);
};

/* The power part of a kind, or NULL. */
const struct rig_power_ops *rig_power_find(const char *kind);
/* "none, qemu, ..." for messages. */
const char *rig_power_kinds(void);

/* The qemu part's own calls, for the qemu-kernel flash part: boots image
 * (its sha256 may be "") in a fresh emulator, paused, unless that image is
 * already running. */
int rig_power_qemu_boot(struct rig_board *b, const char *image, const char *sha256,
			struct rig_error *err);

/* The qemu-vm part: forward the agent's port to loopback (tcp=1; port 0
 * picks a free one) or not (the UART only). For the agent preset. */
void rig_power_qemu_vm_forward(struct rig_board *b, int tcp, int port);
/* The guest port the emulated Pi forwards for a server under load
 * (endpoint "service"): a server there listens on 0.0.0.0:8080. */
#define RIG_SERVICE_GUEST_PORT 8080
/* A file beside the VM's image (its image builder writes agent.key there);
 * just name when the power part is not qemu-vm. */
void rig_power_qemu_vm_image_file(struct rig_board *b, const char *name, char *out, size_t cap);

extern const struct rig_power_ops rig_power_none_ops;
extern const struct rig_power_ops rig_power_qemu_ops;
extern const struct rig_power_ops rig_power_qemu_vm_ops;
extern const struct rig_power_ops rig_power_dtr_ops;
extern const struct rig_power_ops rig_power_rts_ops;
extern const struct rig_power_ops rig_power_touch1200_ops;
extern const struct rig_power_ops rig_power_command_ops;
extern const struct rig_power_ops rig_power_usb_hub_port_ops;

#endif
