/*
 * A model of ST's DfuSe boot loader (the STM32 system memory boot loader,
 * 0483:df11, AN3156): the device side of dfu_proto.h over an STM32F401
 * memory map, one call per host control request. The unit tests call it
 * through an in-process I/O table; the FunctionFS device of the USB test
 * bed calls it from its ep0 loop, and dfu-util cross-checks it there.
 * Like the real boot loader: a command or block is executed by the
 * GETSTATUS that follows it (dfuDNBUSY, then dfuDNLOAD-IDLE), writes need
 * erased sectors, and after "leave" the device is gone before the next
 * GETSTATUS completes.
 */
#ifndef RIG_DFUSE_MODEL_H
#define RIG_DFUSE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "dfu_proto.h"
#include "model_fault.h"

/* STM32F401RE: 512 KiB in sectors of 16, 16, 16, 16, 64, 128, 128, 128 KiB. */
#define RIG_DFUM_LAYOUT "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg"
#define RIG_DFUM_BASE 0x08000000u
#define RIG_DFUM_SIZE (512u * 1024)
#define RIG_DFUM_XFER                                                                              \
	2048 /* the STM32 boot loader's wTransferSize; func.transfer_size may be set lower (<=     \
		this) after init */
#define RIG_DFUM_POLL_MS 1 /* bwPollTimeout reported while busy */

struct rig_dfum {
	uint8_t *flash;
	struct rig_dfuse_layout layout;
	struct rig_dfu_func func;
	uint8_t state, status;
	uint32_t ptr; /* the address pointer */
	uint8_t buf[RIG_DFUM_XFER];
	size_t buf_len;
	uint16_t block;
	int fault;	      /* enum rig_model_fault */
	uint32_t fault_after; /* bytes downloaded before it strikes */
	uint32_t written;
	int left, gone, hung;
	unsigned erases;
};

void rig_dfum_init(struct rig_dfum *m);
void rig_dfum_free(struct rig_dfum *m);
/* One class request (dfu_proto.h numbers): the bytes moved, or RIG_MODEL_*. */
int rig_dfum_control(struct rig_dfum *m, int in, uint8_t request, uint16_t value, uint8_t *data,
		     uint16_t len);

#endif
