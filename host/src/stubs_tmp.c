/* TEMPORARY: placeholders removed as each module lands. */
#include "cli.h"
#include "store.h"
#include "toolchain.h"

#define STUB(n) int n(int argc, char **argv, struct rig_ctx *ctx) { return 2; }
STUB(cmd_doctor) STUB(cmd_build) STUB(cmd_run) STUB(cmd_bench) STUB(cmd_results)
STUB(cmd_export) STUB(cmd_boards)
