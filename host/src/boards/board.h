/*
 * Boards: where an artifact runs. Each kind of board is a table of
 * operations chosen at run time from the board file's `kind:` field
 * (host, qemu, agent, wasi, null). A struct rig_board holds one board's
 * state; there is no global state, so one process may drive many boards.
 */
#ifndef RIG_BOARD_H
#define RIG_BOARD_H

#include <limits.h>

#include "artifact.h"
#include "config.h"
#include "error.h"
#include "sample.h"
#include "util.h"

struct rig_board;

/* One sample to take. */
struct rig_run_req {
	const struct rig_artifact *art;
	const char *workload; /* which workload (firmware images serve several) */
	long long iterations; /* workload size; 0 = the workload's default */
	long long timeout_ms; /* for this sample, from ready-wait to exit */
	const char *log_path; /* where to write the full console/stdout log, or NULL */
	int warmup;	      /* 1: a warm-up run, not stored */
};

struct rig_board_ops {
	const char *kind; /* the board file's `kind:` value */

	/* Reads the kind-specific fields of the board file into b->priv.
	 * Returns 0 or RIG_ERR_PARSE naming file:line:field. Required. Does not
	 * touch hardware. */
	int (*configure)(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err);

	/* Brings the board up: start the emulator, connect to the agent, open
	 * the port. May block up to the board's timeout. Optional (NULL: nothing
	 * to do). RIG_ERR_SKIPPED with a reason when a needed tool is absent. */
	int (*open)(struct rig_board *b, struct rig_error *err);

	/* Releases everything open() took; stops emulators. Optional. Never fails. */
	void (*close)(struct rig_board *b);

	/* Adds facts about the board (model, CPU, kernel, governor, temperature,
	 * throttling) to the environment record. Optional. */
	int (*facts)(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err);

	/* Says whether the artifact can run here: 0, or RIG_ERR_SKIPPED with the
	 * reason (wrong ELF machine, ISA the board lacks). Optional (NULL: the
	 * generic target check in board.c is enough). */
	int (*supports)(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);

	/* Puts the artifact on the board: flash, deploy, upload. Called once per
	 * artifact before its samples. Optional. May block. */
	int (*prepare)(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);

	/* Takes one sample. Fills *out (ok or failed with a reason) and returns
	 * 0 whenever a sample was taken, even a failed one; a negative code only
	 * when the board itself is unusable (the bench then stops this board).
	 * Blocks up to req->timeout_ms (plus the board's retries). Required. */
	int (*run)(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		   struct rig_error *err);

	/* Resets the target. Optional. */
	int (*reset)(struct rig_board *b, struct rig_error *err);

	/* Frees b->priv. Optional. */
	void (*destroy)(struct rig_board *b);
};

struct rig_board {
	const struct rig_board_ops *ops;
	char name[64];	     /* from the file name or `name:` */
	char file[PATH_MAX]; /* the board file */
	char description[160];
	struct rig_target target;
	int emulated;		      /* results are labelled emulated */
	long long timeout_ms;	      /* default per-sample timeout */
	long long ready_timeout_ms;   /* from start/reset to the ready line */
	long long retries;	      /* resets before a sample counts as failed */
	long long samples, warmup;    /* defaults for bench */
	char workdir[PATH_MAX];	      /* scratch and logs for this board */
	struct rig_strv toolchains;   /* toolchains that can build for it (empty: any) */
	struct rig_kvlist iterations; /* workload -> iteration count (`iterations:` map) */
	void *priv;		      /* the backend's state */
};

/* Loads a board file (boards/NAME.yaml, or a path), validates the common
 * fields and the backend's own. The board is not opened. */
int rig_board_load(const char *name_or_path, const char *boards_dir, struct rig_board **out,
		   struct rig_error *err);
void rig_board_free(struct rig_board *b);
/* Generic checks (target os/arch vs artifact, ELF machine) then ops->supports. */
int rig_board_supports(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);
/* The iteration count the board file gives for a workload, or 0. */
long long rig_board_iterations(const struct rig_board *b, const char *workload);
/* The backend for a kind, or NULL. */
const struct rig_board_ops *rig_board_ops_find(const char *kind);
/* e_machine expected for an arch (EM_X86_64...), 0 if not ELF. */
int rig_arch_elf_machine(const char *arch);

extern const struct rig_board_ops rig_board_host_ops;
extern const struct rig_board_ops rig_board_qemu_ops;
extern const struct rig_board_ops rig_board_agent_ops;
extern const struct rig_board_ops rig_board_wasi_ops;
extern const struct rig_board_ops rig_board_serial_ops;
extern const struct rig_board_ops rig_board_null_ops;

#endif
