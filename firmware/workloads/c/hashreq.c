/*
 * hashreq: the request/response workload of rig's MCU firmware — the work
 * behind the console command "hash SEQ N" (firmware/protocol/rig_hashreq.h),
 * driven by `rig bench --load` on an MCU board to measure round-trip
 * request latency at a fixed rate (docs/load.md, "MCU boards"). Not a
 * program: it serves requests on the firmware's console, so the bench
 * runs it only on boards whose runner speaks that console (mcu).
 *
 * rig:console-service
 */
#include "rig_hashreq.h"
#include "sha256_impl.h"

int rig_wl_hashreq_answer(const struct rig_wl_io *io, uint32_t seq, uint32_t n)
{
	static unsigned char buf[RIG_HASHREQ_MAX_BYTES];
	unsigned char d[SHA256_SIZE];
	char name[16];

	(void)sha256_chain_workload; /* the header's other user is cpu.c */
	if (n > RIG_HASHREQ_MAX_BYTES)
		return 2;
	rig_hashreq_fill(buf, seq, n);
	sha256(buf, n, d);
	rig_hashreq_name(name, sizeof(name), seq);
	return rig_wl_result_u64(io, name,
				 ((uint32_t)d[0] << 24) | ((uint32_t)d[1] << 16) |
				     ((uint32_t)d[2] << 8) | d[3],
				 "count")
		   ? 2
		   : 0;
}
