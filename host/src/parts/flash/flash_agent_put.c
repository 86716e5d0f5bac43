/*
 * Flash part agent-put: the artifact is uploaded through rig-agent's
 * authenticated PUT (docs/agent.md) into the agent's work directory, once
 * per content and session. Needs runner agent, whose session it uses.
 *
 *   flash: {kind: agent-put}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "log.h"
#include "runner_agent.h"

#define MAX_UPLOADED 64

struct put_priv {
	char uploaded[MAX_UPLOADED][RIG_FRAME_MAX_NAME + 1]; /* names put this session */
	size_t n_uploaded;
	unsigned generation; /* of the agent session they were put in */
};

static int put_configure(struct rig_board *b, const struct rig_cfg *cfg,
			 struct rig_cfg_node *sec, struct rig_error *err)
{
	b->flash.priv = rig_xcalloc(1, sizeof(struct put_priv));
	return rig_part_known_keys(cfg, sec, NULL, err);
}

static int put_check(struct rig_board *b, struct rig_error *err)
{
	if (RIG_RUNNER(b) != &rig_runner_agent_ops)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: flash agent-put needs runner agent (it uploads through "
				"the agent's session), got runner %s",
				b->file, b->flash.line, RIG_RUNNER(b)->kind);
	return 0;
}

static int put_load(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct put_priv *pp = b->flash.priv;
	struct rig_agent *ag = rig_runner_agent_session(b);
	char name[RIG_FRAME_MAX_NAME + 1];
	struct rig_agent_upload *up;
	int64_t t0;
	int rc;

	if (!ag)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not open", b->name);
	if (pp->generation != rig_runner_agent_generation(b)) {
		/* the board was opened again: its agent may have restarted */
		pp->generation = rig_runner_agent_generation(b);
		pp->n_uploaded = 0;
	}
	rig_agent_remote_name(a, name, sizeof(name));
	for (size_t i = 0; i < pp->n_uploaded; i++)
		if (strcmp(pp->uploaded[i], name) == 0)
			return 0;
	t0 = rig_now_ns();
	/* boards deployed at once share one read and one hash of the artifact */
	if ((rc = rig_agent_upload_cached(a->path, &up, err)))
		return rc;
	rc = rig_agent_put_upload(ag, up, name, 0755, err);
	rig_agent_upload_release(up);
	if (rc)
		return rc;
	rig_info("board %s: uploaded %s as %s in %.1f ms", b->name, a->path, name,
		 (double)(rig_now_ns() - t0) / 1e6);
	if (pp->n_uploaded < MAX_UPLOADED)
		snprintf(pp->uploaded[pp->n_uploaded++], RIG_FRAME_MAX_NAME + 1, "%s", name);
	return 0;
}

static void put_destroy(struct rig_board *b)
{
	free(b->flash.priv);
	b->flash.priv = NULL;
}

const struct rig_flash_ops rig_flash_agent_put_ops = {
    .kind = "agent-put",
    .configure = put_configure,
    .check = put_check,
    .load = put_load,
    .destroy = put_destroy,
};
