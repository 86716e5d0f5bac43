/* ARM semihosting (Arm "Semihosting for AArch32 and AArch64", v2.0): the
 * BKPT 0xAB call and SYS_EXIT_EXTENDED. */
#include "fw.h"

#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int semihost_call(int op, void *arg)
{
	register int r0 __asm("r0") = op;
	register void *r1 __asm("r1") = arg;

	__asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

void rig_fw_semihost_exit(int code)
{
	uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};

	semihost_call(SYS_EXIT_EXTENDED, block);
	for (;;)
		;
}
