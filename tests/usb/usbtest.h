/*
 * Helpers shared by the USB test bed's flash tests (header-only: each
 * test_*.c is its own program): CHECK, reading a file, starting a device
 * model program and waiting for its "ready" line, stopping it and
 * clearing the gadgets, loading an image through a board file's flash
 * part.
 */
#ifndef RIG_USBTEST_H
#define RIG_USBTEST_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "flash.h"

static int failures;
#define CHECK(c, ...)                                                                              \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #c);                        \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static const char *ut_src, *ut_bin;

/* 77 (skip) outside the bed; 0 with ut_src/ut_bin set inside. */
static inline int ut_init(void)
{
	ut_src = getenv("RIG_SOURCE_DIR");
	ut_bin = getenv("RIG_BINARY_DIR");
	if (!getenv("RIG_IN_USB_BED") || !ut_src || !ut_bin) {
		printf("not inside the USB test bed (tests/usb/bed/run.sh, RIG_SOURCE_DIR, "
		       "RIG_BINARY_DIR)\n");
		return 77;
	}
	return 0;
}

static inline uint8_t *ut_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(*len ? *len : 1);
	if (fread(b, 1, *len, f) != *len) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

static inline double ut_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs $RIG_BINARY_DIR/tests/usb/usbmodel_NAME with argv (NULL-ended) and
 * waits for its "ready" line: its pid, or -1. */
static inline pid_t ut_start_model(const char *name, const char *const *argv)
{
	char model[1024], line[64] = "";
	const char *args[32];
	int p[2], n = 0;
	pid_t pid;
	ssize_t r;

	snprintf(model, sizeof(model), "%s/tests/usb/usbmodel_%s", ut_bin, name);
	args[n++] = model;
	while (argv[n - 1] && n < 31)
		args[n] = argv[n - 1], n++;
	args[n] = NULL;
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execv(model, (char *const *)args);
		_exit(127);
	}
	close(p[1]);
	r = read(p[0], line, sizeof(line) - 1);
	close(p[0]);
	if (r <= 0 || strncmp(line, "ready", 5) != 0) {
		printf("FAIL: the model did not start (%s)\n", model);
		if (pid > 0)
			kill(pid, SIGKILL), waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static inline void ut_stop_model(pid_t pid)
{
	char cmd[1200];

	if (pid > 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 30 && waitpid(pid, NULL, WNOHANG) == 0; i++)
			usleep(100000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "bash %s/tests/usb/bed/gadget-reset.sh", ut_src);
	if (system(cmd) != 0)
		printf("gadget-reset failed\n");
}

/* One load of artifact through the flash part of the board file written
 * from yaml into dir; returns its code, err says why. */
static inline int ut_load(const char *dir, const char *yaml, const char *artifact,
			  struct rig_error *err)
{
	struct rig_board *b = NULL;
	struct rig_artifact a;
	char path[512];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/board.yaml", dir);
	f = fopen(path, "w");
	if (!f || fputs(yaml, f) < 0 || fclose(f))
		return rig_fail(err, RIG_ERR_IO, "%s: %s", path, strerror(errno));
	if ((rc = rig_board_load(path, dir, &b, err)))
		return rc;
	memset(&a, 0, sizeof(a));
	snprintf(a.path, sizeof(a.path), "%s", artifact);
	rc = RIG_FLASH(b)->load(b, &a, err);
	rig_board_free(b);
	return rc;
}

#endif
