/*
 * cpu: SHA-256 over a 4 KiB buffer, N times, chained (sha256_impl.h). The
 * twin of the Go cpu workload, which uses crypto/sha256; C has no standard
 * SHA-256, so cpu and cpu-pure run the same portable code here.
 */
#include "rig_wl_table.h"
#include "sha256_impl.h"

int rig_wl_cpu(const struct rig_wl_io *io, long long iterations)
{
	return sha256_chain_workload(io, iterations);
}

#ifndef RIG_WL_BARE
int main(int argc, char **argv) { return rig_wl_main(argc, argv, rig_wl_cpu, RIG_WL_CPU_ITERS); }
#endif
