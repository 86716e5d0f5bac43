/*
 * A model of the RP2040 / RP2350 boot ROM's PICOBOOT interface: the
 * device side of picoboot_proto.h over a flash array, one call per host
 * transfer. The unit tests call it through an in-process I/O table; the
 * FunctionFS device in the USB test bed calls it from its endpoint loop.
 * Behaviour follows RP2040 DS 2.8.5: a bad command halts both endpoints
 * until IF_RESET, CMD_STATUS reports it; writes AND into flash (erase
 * first), erase sets 0xFF. The erase is lazy: a sector is marked and
 * filled with 0xFF when it is next read or partly programmed, and a sector
 * programmed whole is copied (a 16 MiB memset cost the bench more under
 * TCG than the erase command's transfer). Code that reads or writes
 * m->flash itself calls rig_pbm_sync first.
 */
#ifndef RIG_PICOBOOT_MODEL_H
#define RIG_PICOBOOT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "model_fault.h"
#include "picoboot_proto.h"

#define RIG_PBM_RAM_BASE 0x20000000u
#define RIG_PBM_RAM_SIZE (264u * 1024)

struct rig_pbm {
	uint8_t *flash;
	uint32_t flash_size;
	uint8_t *ram;
	int fault;	      /* enum rig_model_fault */
	uint32_t fault_after; /* bytes written before the fault strikes */
	/* protocol state */
	int phase; /* what the next host transfer must be */
	struct rig_picoboot_cmd cmd;
	uint32_t done; /* data bytes of cmd moved so far */
	int halted;
	struct rig_picoboot_status status;
	int exclusive;
	int rebooted; /* a REBOOT/REBOOT2 was acknowledged */
	int gone, hung;
	uint32_t written; /* WRITE data bytes taken, for fault_after */
	uint8_t *erased;  /* per flash sector: erased, not yet filled with 0xFF */
};

/* A fresh boot ROM with flash_size bytes of erased flash. */
void rig_pbm_init(struct rig_pbm *m, uint32_t flash_size);
void rig_pbm_free(struct rig_pbm *m);
/* Fills every erased sector with 0xFF: m->flash then holds the bytes a
 * READ would return. */
void rig_pbm_sync(struct rig_pbm *m);

/* 1 when the next host transfer must be OUT (command, OUT data, the
 * acknowledgement of IN data), 0 when IN. */
int rig_pbm_wants_out(const struct rig_pbm *m);
/* How many bytes the next OUT transfer carries: the 32-byte command, the
 * rest of the data phase (at most cap), or 0 for the acknowledgement. A
 * FunctionFS device reads exactly that much (ffs_dev.h). */
size_t rig_pbm_out_len(const struct rig_pbm *m, size_t cap);
/* The host sent n bytes on bulk OUT: n, or RIG_MODEL_*. */
int rig_pbm_bulk_out(struct rig_pbm *m, const uint8_t *data, size_t n);
/* The host reads up to cap bytes on bulk IN: the bytes, or RIG_MODEL_*. */
int rig_pbm_bulk_in(struct rig_pbm *m, uint8_t *data, size_t cap);

/* Without the copies, for the FunctionFS device: in the test bed the
 * device model and the host share the guest's one vCPU, so a copy a real
 * ROM makes on its own CPU would be charged to rig's throughput. Used only
 * when no fault is armed (fault modes go through the calls above).
 *
 * rig_pbm_out_direct: where the next OUT transfer of len bytes (at most
 * rig_pbm_out_len) may be read straight into the flash array: WRITE data
 * whose every sector is erased; NULL otherwise (read into a buffer and call
 * rig_pbm_bulk_out). After the read, rig_pbm_out_direct_done with the bytes
 * that arrived (n, or RIG_MODEL_STALL when more than the phase has left).
 * rig_pbm_bulk_in_ref: rig_pbm_bulk_in with *data pointing into the model's
 * memory instead of a copy (valid until the next call; NULL for the
 * zero-length acknowledgement). */
uint8_t *rig_pbm_out_direct(struct rig_pbm *m, size_t len);
int rig_pbm_out_direct_done(struct rig_pbm *m, size_t n);
int rig_pbm_bulk_in_ref(struct rig_pbm *m, const uint8_t **data, size_t cap);
/* Vendor interface requests IF_RESET / CMD_STATUS. */
int rig_pbm_control(struct rig_pbm *m, int in, uint8_t request, uint8_t *data, uint16_t len);

#endif
