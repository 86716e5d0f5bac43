/*
 * Boards: where an artifact runs. A board is a target plus four parts —
 * power, flash, link, runner (parts/part.h) — named in its board file; the
 * board kinds (host, qemu, serial, agent, wasi, null) are presets of parts
 * (boards/presets.c) and `kind: parts` takes every part from the file. One
 * strategy drives every board through its parts (boards/compose.c):
 *
 *   open:    power on -> runner open (which opens the link it needs)
 *   prepare: runner supports -> flash load -> runner prepare
 *   sample:  runner run (the mcu runner resets through the power part)
 *   close:   runner close -> console closed -> power off
 *
 * struct rig_board_ops is that strategy's interface, kept as a table so a
 * caller (bench, `rig run`, tests) sees one shape. A struct rig_board holds
 * one board's state; there is no global state, so one process may drive
 * many boards.
 */
#ifndef RIG_BOARD_H
#define RIG_BOARD_H

#include <limits.h>

#include "artifact.h"
#include "config.h"
#include "error.h"
#include "flash.h"
#include "link.h"
#include "measure.h"
#include "power.h"
#include "runner.h"
#include "sample.h"
#include "serial_lines.h"
#include "util.h"

struct rig_board;

/* A server sample (rig bench --load): the server listens where it is told
 * ($RIG_LISTEN) and exec.during runs the load while it is ready; on an MCU
 * (runner mcu) console runs the requests on the ready firmware's console
 * instead. */
struct rig_run_service {
	const char *listen; /* host:port for the server's $RIG_LISTEN */
	struct rig_exec_service exec;
	/* Runs the load on the board's console, the firmware ready and
	 * waiting for commands; with exec.ctx. Blocks for the load. Set for
	 * RIG_SERVICE_CONSOLE samples. */
	void (*console)(void *ctx, struct rig_lines *lines);
};

/* One sample to take. */
struct rig_run_req {
	const struct rig_artifact *art;
	const char *workload; /* which workload (firmware images serve several) */
	long long iterations; /* workload size; 0 = the workload's default */
	long long timeout_ms; /* for this sample, from ready-wait to exit */
	const char *log_path; /* where to write the full console/stdout log, or NULL */
	int warmup;	      /* 1: a warm-up run, not stored */
	const struct rig_run_service *service; /* a server under load (runners with
						  .serves only), or NULL */
};

struct rig_board_ops {
	const char *kind; /* the board file's `kind:` value (a preset, or "parts") */

	/* Chooses and configures the four parts (the preset's, overridden by
	 * the file's power:/flash:/link:/runner: sections). Returns 0 or
	 * RIG_ERR_PARSE naming file:line:field. Required. Does not touch
	 * hardware. */
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

	/* Frees the parts' state. Optional. */
	void (*destroy)(struct rig_board *b);
};

/* The board file's `health:` section (docs/farm.md, farm/health.h): a short
 * known workload run as the board's health check. Absent: no checks. */
struct rig_health_cfg {
	int on;			 /* the section is there */
	char workload[32];	 /* `workload:` default cpu */
	char profile[48];	 /* `profile:` default c (the C baseline) */
	long long samples;	 /* `samples:` default 3 */
	long long iterations;	 /* `iterations:` 0: the board's iterations map */
	long long every_ms;	 /* `every:` re-check between cells after this; default 1h */
	long long tolerance_pct; /* `tolerance_pct:` band = reference x/÷ (1 + t/100); 50 */
	long long history;	 /* `history:` passing checks the reference comes from; 10 */
	long long min_history;	 /* `min_history:` checks before a band applies; 3 */
};

/* Reads the `health:` section of a board file into *h (h->on 0 when
 * absent). RIG_ERR_PARSE naming file:line, field and value. */
int rig_board_health_read(const struct rig_cfg *cfg, struct rig_health_cfg *h,
			  struct rig_error *err);

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
	long long ram_kib;	      /* `ram_kib:` the board's RAM, 0 = not given */
	char workdir[PATH_MAX];	      /* scratch and logs for this board */
	struct rig_strv toolchains;   /* toolchains that can build for it (empty: any) */
	struct rig_kvlist iterations; /* workload -> iteration count (`iterations:` map) */
	struct rig_strv tags;	      /* `tags:` as "key:value" or plain (select.h) */
	struct rig_health_cfg health; /* `health:` (docs/farm.md) */
	/* the parts (parts/part.h); ops are the role's table type */
	struct rig_part power, flash, link, runner;
	/* the console stream while open: opened from the link by the runner
	 * (rig_board_console_open), read as report lines by the mcu runner,
	 * driven by line-based power parts (dtr, touch1200) */
	struct rig_transport *console;
	struct rig_lines lines;
	int lines_ready;
	struct rig_artifact loaded; /* what the flash part put on it last */
	int has_loaded;
};

/* Expands a path from a board file: ~/..., {cache}/... (RIG_CACHE_DIR or
 * ~/.cache/rig), absolute, or relative to the board file's directory. */
void rig_board_expand_path(const char *in, const char *board_file, char *out, size_t cap);

/* The parts' ops, typed. */
#define RIG_POWER(b) ((const struct rig_power_ops *)(b)->power.ops)
#define RIG_FLASH(b) ((const struct rig_flash_ops *)(b)->flash.ops)
#define RIG_LINK(b) ((const struct rig_link_ops *)(b)->link.ops)
#define RIG_RUNNER(b) ((const struct rig_runner_ops *)(b)->runner.ops)

/* Opens (or reopens) the console from the link part, retrying up to
 * timeout_ms, and points b->lines at it. A device that is not there is
 * RIG_ERR_SKIPPED "board X is not connected: ...". */
int rig_board_console_open(struct rig_board *b, long long timeout_ms, struct rig_error *err);
/* Closes the console stream (b->lines stays, detached). */
void rig_board_console_close(struct rig_board *b);
/* Loads b->loaded again through the flash part (a touch1200 reset leaves
 * the board in its boot loader). 0 when nothing was loaded yet. */
int rig_board_reload(struct rig_board *b, struct rig_error *err);
/* Configures the four parts of b, each from a section of the file (NULL:
 * none) and a kind (the section's `kind:` wins over def_kind). Used by the
 * presets; lines are the file's, for messages. */
int rig_board_configure_parts(struct rig_board *b, const struct rig_cfg *cfg,
			      const char *const kinds[4], struct rig_cfg_node *const secs[4],
			      struct rig_error *err);
/* "power qemu, flash qemu-kernel, link emulator, runner mcu" */
void rig_board_describe_parts(const struct rig_board *b, char *out, size_t cap);

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

/* The presets (boards/presets.c): each is the composed strategy with the
 * preset's choice of parts. */
extern const struct rig_board_ops rig_board_host_ops;
extern const struct rig_board_ops rig_board_qemu_ops;
extern const struct rig_board_ops rig_board_agent_ops;
extern const struct rig_board_ops rig_board_wasi_ops;
extern const struct rig_board_ops rig_board_serial_ops;
extern const struct rig_board_ops rig_board_null_ops;
extern const struct rig_board_ops rig_board_parts_ops;

/* The strategy's members, for the presets' tables (boards/compose.c). */
int rig_compose_open(struct rig_board *b, struct rig_error *err);
void rig_compose_close(struct rig_board *b);
int rig_compose_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err);
int rig_compose_supports(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);
int rig_compose_prepare(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err);
int rig_compose_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err);
int rig_compose_reset(struct rig_board *b, struct rig_error *err);
void rig_compose_destroy(struct rig_board *b);

#endif
