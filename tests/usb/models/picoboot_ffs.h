/*
 * The PICOBOOT boot ROM model (picoboot_model.h) served on FunctionFS in
 * the USB test bed: a vendor interface (class 0xFF) with one bulk OUT and
 * one bulk IN endpoint, as the RP2040 ROM has beside its mass-storage
 * interface. Two threads: ep0 (IF_RESET / CMD_STATUS) and the bulk
 * endpoints, each host transfer one model call under one lock. A command
 * the model refuses halts both endpoints, as the ROM does; the fault modes
 * of the model become a stall, no answer (timeout) or the device leaving
 * the bus (the gadget's UDC unbound through on_gone).
 */
#ifndef RIG_PICOBOOT_FFS_H
#define RIG_PICOBOOT_FFS_H

#include <pthread.h>

#include "ffs_dev.h"
#include "picoboot_model.h"

struct rig_pbffs {
	struct rig_ffs ffs;
	struct rig_pbm *m;
	pthread_mutex_t mu;
	pthread_t ctl, bulk;
	int running;
	/* Called from the bulk thread when the model leaves the bus
	 * (RIG_FAULT_DISCONNECT): unbinds the gadget. Optional. */
	void (*on_gone)(void *ctx);
	void *ctx;
	volatile int rebooted; /* the host's REBOOT was acknowledged */
};

/* Writes the interface to functions/ffs.picoboot of gadget (before the
 * UDC is bound; the caller links it into its configuration) and starts the
 * threads. 0, or -1 with the reason on stderr. */
int rig_pbffs_start(struct rig_pbffs *p, const char *gadget, struct rig_pbm *m);

/* Stops serving: closes the endpoint files and unmounts. The threads end
 * with the process (they may be blocked in FunctionFS reads). */
void rig_pbffs_stop(struct rig_pbffs *p);

#endif
