/*
 * A rig-agent (the x86_64 build) on loopback for tests: a fresh work
 * directory and key under the test's temporary directory, the agent on a
 * free port. Used by unit/agent, unit/agent_run and unit/agent_upload.
 */
#ifndef RIG_TEST_AGENTFX_H
#define RIG_TEST_AGENTFX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "agent_client.h"

struct agentfx {
	char dir[512], work[600], keyfile[600], addr[64], log[600];
	uint8_t key[RIG_FRAME_KEY_MAX];
	size_t key_len;
	pid_t pid;
};

/* Starts the agent; 0, or -1 with the reason on stderr (not built, no port). */
int agentfx_start(struct agentfx *fx);
/* Stops it (SIGTERM, reaped). */
void agentfx_stop(struct agentfx *fx);
/* An authenticated session, or NULL with err set. */
struct rig_agent *agentfx_connect(const struct agentfx *fx, struct rig_error *err);
/* The contents of a work-directory file (malloc'd, NUL-terminated), or NULL;
 * *len its size when len is not NULL. */
char *agentfx_read(const struct agentfx *fx, const char *name, size_t *len);
/* One agent for a cmocka test group: group setup and teardown start and
 * stop agentfx_shared; agentfx_connect_ok opens a session to it or fails
 * the test with the reason. */
extern struct agentfx agentfx_shared;
int agentfx_group_setup(void **state);
int agentfx_group_teardown(void **state);
struct rig_agent *agentfx_connect_ok(void);
/* Temporary upload files (.put-*) left in the work directory. */
int agentfx_tmp_files(const struct agentfx *fx);

#endif
