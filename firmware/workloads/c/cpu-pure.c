/*
 * cpu-pure: the twin of the Go cpu-pure workload (SHA-256 in plain Go). The
 * same portable C as cpu.c; its default iteration count is cpu-pure's.
 */
#include "rig_wl_table.h"
#include "sha256_impl.h"

int rig_wl_cpu_pure(const struct rig_wl_io *io, long long iterations)
{
	return sha256_chain_workload(io, iterations);
}

#ifndef RIG_WL_BARE
int main(int argc, char **argv)
{
	return rig_wl_main(argc, argv, rig_wl_cpu_pure, RIG_WL_CPU_PURE_ITERS);
}
#endif
