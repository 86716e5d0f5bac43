/*
 * Runners: what one sample is on a target. Kinds (one file each):
 *
 *   exec   a local process through rig-exec (runner_exec.c)
 *   mcu    rig's firmware line protocol over the board's console: reset,
 *          ready, command, results, done (runner_mcu.c over mcu_run.c)
 *   agent  the rig-agent protocol over the link (runner_agent.c)
 *   wasi   a WASI runtime's command line, run locally (runner_wasi.c)
 *   none   cannot run programs (runner.c)
 */
#ifndef RIG_RUNNER_H
#define RIG_RUNNER_H

#include "artifact.h"
#include "part.h"
#include "sample.h"
#include "util.h"

struct rig_board;
struct rig_run_req;

struct rig_runner_ops {
	const char *kind; /* the `runner: {kind: ...}` value */

	/* Which service samples run() takes (req->service), RIG_SERVICE_*
	 * bits (toolchain.h): NET, it starts the server with $RIG_LISTEN, runs
	 * the load once it is ready, stops it with SIGTERM; CONSOLE, it runs
	 * the console load (service->console) on the ready firmware. 0: the
	 * bench skips service samples on this runner with the reason. */
	int serves;

	/* For a service sample, after open(): the address the server is told
	 * to listen on ($RIG_LISTEN, as the target sees it) into listen, and
	 * the host:port the controller's load connects to into connect.
	 * RIG_ERR_SKIPPED with the reason when the board has no network path
	 * for a server. Optional: NULL means a free port on this machine's
	 * loopback for both (the server runs here). */
	int (*service_addr)(struct rig_board *b, char *listen, size_t lcap, char *connect,
			    size_t ccap, struct rig_error *err);

	/* Reads sec (see part.h) into the board's runner.priv. Required. */
	int (*configure)(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err);

	/* Checks, once every part is configured, that the parts it needs are
	 * there (mcu needs a link; agent a link that is not none). RIG_ERR_PARSE
	 * naming the board file. Optional. */
	int (*check)(struct rig_board *b, struct rig_error *err);

	/* Gets ready after power on: opens the console (mcu), connects and
	 * authenticates (agent), checks the runtime (wasi). May block up to
	 * the board's ready timeout. RIG_ERR_SKIPPED with a reason when
	 * something needed is absent. Optional. */
	int (*open)(struct rig_board *b, struct rig_error *err);

	/* Releases what open() took. Never fails. Optional. */
	void (*close)(struct rig_board *b);

	/* 0 when the artifact can run here, or RIG_ERR_SKIPPED with the
	 * reason. Optional (the board's target checks come first). */
	int (*supports)(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);

	/* After the flash part loaded the artifact: per-artifact work (an AOT
	 * compile). Optional. May block. */
	int (*prepare)(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);

	/* Takes one sample: fills *out (ok, or failed with a reason) and
	 * returns 0 whenever a sample was taken, failed ones too; < 0 only
	 * when the board is unusable (the bench stops the board). Blocks up
	 * to req->timeout_ms plus the board's retries. Required. */
	int (*run)(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		   struct rig_error *err);

	/* Starts a fresh session (agent: reconnect) when the power part has
	 * no reset. Optional. */
	int (*reset)(struct rig_board *b, struct rig_error *err);

	/* Adds facts about the target (model, kernel, temperature...).
	 * Optional. */
	int (*facts)(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err);

	/* Frees runner.priv. Optional. */
	void (*destroy)(struct rig_board *b);
};

const struct rig_runner_ops *rig_runner_find(const char *kind);
const char *rig_runner_kinds(void);

extern const struct rig_runner_ops rig_runner_none_ops;
extern const struct rig_runner_ops rig_runner_exec_ops;
extern const struct rig_runner_ops rig_runner_mcu_ops;
extern const struct rig_runner_ops rig_runner_agent_ops;
extern const struct rig_runner_ops rig_runner_wasi_ops;

#endif
