/* Placeholder for `rig wasm`: replaced by the wasm-runner work. */
#include "cli.h"

int cmd_wasm(int argc, char **argv, struct rig_ctx *ctx)
{
	return 2;
}
