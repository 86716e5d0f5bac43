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
#include <signal.h>
#include <stdatomic.h>

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
	volatile int rebooted;		/* the host's REBOOT was acknowledged */
	atomic_int quit;		/* rig_pbffs_stop asked the threads to end */
	atomic_int ctl_done, bulk_done; /* each thread sets its own as it ends */
};

/* Sent by rig_pbffs_stop to the threads to end a blocking FunctionFS read
 * or write (EINTR: its handler is installed without SA_RESTART). */
#define RIG_PBFFS_STOP_SIGNAL SIGUSR1

/* Writes the interface to functions/ffs.picoboot of gadget (before the
 * UDC is bound; the caller links it into its configuration) and starts the
 * threads. 0, or -1 with the reason on stderr. */
int rig_pbffs_start(struct rig_pbffs *p, const char *gadget, struct rig_pbm *m);

/* Stops serving: sets quit, interrupts the threads' blocking reads and
 * writes with RIG_PBFFS_STOP_SIGNAL until both have ended, joins them,
 * then closes the endpoint files and unmounts. Blocks until then (a
 * thread in the middle of a model call finishes it first). */
void rig_pbffs_stop(struct rig_pbffs *p);

#endif
