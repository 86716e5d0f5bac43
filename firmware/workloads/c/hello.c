/* hello: the startup measure. Prints ready and done 0, nothing else. */
#include "rig_wl_table.h"

int rig_wl_hello(const struct rig_wl_io *io, long long iterations)
{
	(void)io;
	(void)iterations;
	return 0;
}

#ifndef RIG_WL_BARE
int main(int argc, char **argv)
{
	return rig_wl_main(argc, argv, rig_wl_hello, RIG_WL_HELLO_ITERS);
}
#endif
