/*
 * What the agent runner lends its neighbours: the flash part agent-put
 * uploads through the runner's session.
 */
#ifndef RIG_RUNNER_AGENT_H
#define RIG_RUNNER_AGENT_H

#include <stddef.h>

#include "agent_client.h"
#include "artifact.h"

struct rig_board;

/* The board's authenticated agent session while open, else NULL. */
struct rig_agent *rig_runner_agent_session(struct rig_board *b);
/* Counts the board's opens: what was uploaded before may be gone. */
unsigned rig_runner_agent_generation(struct rig_board *b);
/* The name an artifact gets in the agent's work directory: the content
 * hash first (names are cut at 64 characters and the part that makes them
 * unique must survive the cut), then profile and workload; only
 * [A-Za-z0-9._-], never starting with a dot. */
void rig_agent_remote_name(const struct rig_artifact *a, char *out, size_t cap);

#endif
