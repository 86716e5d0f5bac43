/*
 * Small helpers for the USB tests that run inside the test bed
 * (tests/usb/bed): where the build is, starting and stopping a device
 * model, running a command and keeping its output, and a CHECK that
 * counts failures instead of stopping (each test prints what it saw).
 */
#ifndef RIG_BEDTEST_H
#define RIG_BEDTEST_H

#include <stddef.h>
#include <sys/types.h>

extern int bed_failures;
extern const char *bed_src, *bed_bin;

#define CHECK(c, ...)                                                                              \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #c);                        \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			fflush(stdout);                                                            \
			bed_failures++;                                                            \
		}                                                                                  \
	} while (0)

/* 0 inside the bed (RIG_IN_USB_BED, RIG_SOURCE_DIR, RIG_BINARY_DIR set:
 * bed_src/bed_bin point at them), else prints why and returns 77. */
int bed_init(void);

/* Starts a model program ($RIG_BINARY_DIR/tests/usb/NAME) with args (NULL
 * terminated), its stdout and stderr into log; waits up to 10 s for a line
 * "ready" in log. Returns its pid, or -1 (printed) when it did not start. */
pid_t bed_model_start(const char *name, const char *log, const char *const *args);
/* SIGTERM (pid > 0), SIGKILL if it has not ended within 3 s, then removes
 * every gadget (gadget-reset.sh). */
void bed_model_stop(pid_t pid);

/* Runs sh -c cmd with stdout+stderr into out (NUL-terminated, cut at cap),
 * printing both. Returns the exit status (-1 when it could not run). */
int bed_sh(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes the formatted text to path. 0 or -1 (printed). */
int bed_write(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The hub and port number a device port path hangs from: "1-1" -> usb1 1,
 * "1-1.3" -> 1-1 3. 0 or -1. */
int bed_hub_of(const char *port, char *hub, size_t cap, int *n);

/* A toolchains file (rig --toolchains-file) with profile model-fw for
 * none/thumb/rp2040 whose "build" is TinyGo's pico image (the one the uf2
 * part flashes); the model's hosted firmware is what answers on the
 * console. 0 or -1. */
int bed_write_model_toolchain(const char *path);

/* The Raspberry Pi recipe for rig-agent in gadget mode (docs/agent.md) on
 * the UDC udc ("" = the first): configfs gadget NAME 1d6b:0104 serial
 * RIGAGENT0001 with one FunctionFS function, mounted at dir/ffs; rig-agent
 * --usb-ffs there (work dir dir/work, key dir/key, log dir/agent.log)
 * writes its descriptors; then the UDC is bound. Returns the agent's pid,
 * or -1 (printed). */
pid_t bed_agent_gadget_up(const char *name, const char *dir, const char *udc);
/* A FunctionFS gadget NAME vid:pid on udc with the function mounted at
 * mount; no program started, the UDC not bound. 0 or -1. */
int bed_ffs_gadget(const char *name, const char *vidpid, const char *serial, const char *mount);
/* Binds gadget NAME to udc ("" = the first UDC). 0 or -1. */
int bed_gadget_bind(const char *name, const char *udc);

struct rig_error;
/* One load of artifact through the flash part of the board file written
 * from yaml to path (board dir: path's folder). Returns the part's code;
 * err says why (bedflash.c). */
int bed_flash_load(const char *path, const char *yaml, const char *artifact, struct rig_error *err);

/* Seconds on CLOCK_MONOTONIC. */
double bed_now_s(void);

/* The file's bytes (malloc'd, *len) or NULL. */
unsigned char *bed_slurp(const char *path, size_t *len);

#endif
