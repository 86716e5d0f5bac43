/*
 * Flash part command: a program from the board file puts the image on the
 * target (picotool, st-flash, openocd, a vendor tool). Words in the argv:
 * {elf} the image, {bin} a raw binary made from it with
 * arm-none-eabi-objcopy, {port} the link's address.
 *
 *   flash: {kind: command, command: [picotool, load, -x, "{elf}"], timeout: 60s}
 *
 * (`kind:` may be left out in a serial board's `flash:` section.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

struct fcmd_priv {
	struct rig_strv command;
	long long timeout_ms;
	char image[PATH_MAX];
	char bin[PATH_MAX + 8];
};

static int fcmd_configure(struct rig_board *b, const struct rig_cfg *cfg,
			  struct rig_cfg_node *sec, struct rig_error *err)
{
	static const char *const keys[] = {"command", "timeout", NULL};
	struct fcmd_priv *fp = rig_xcalloc(1, sizeof(*fp));
	int rc;

	b->flash.priv = fp;
	fp->timeout_ms = 60000;
	if (sec && ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
		    (rc = rig_cfg_strv(cfg, sec, "command", 0, &fp->command, err)) ||
		    (rc = rig_cfg_duration_ms(cfg, sec, "timeout", 0, 60000, 600000,
					      &fp->timeout_ms, err))))
		return rc;
	return 0;
}

static int make_bin(struct fcmd_priv *fp, struct rig_error *err)
{
	struct rig_proc_result res = {0};
	char *argv[] = {"arm-none-eabi-objcopy", "-O", "binary", fp->image, fp->bin, NULL};
	int rc;

	snprintf(fp->bin, sizeof(fp->bin), "%s.bin", fp->image);
	rc = rig_run_capture(argv, NULL, NULL, 30000, &res, err);
	if (rc == 0 && !(res.exited && res.status == 0))
		rc = rig_fail(err, RIG_ERR_BUILD, "arm-none-eabi-objcopy -O binary %s: %s",
			      fp->image, res.out.data ? res.out.data : "failed");
	rig_proc_result_free(&res);
	return rc;
}

static int fcmd_load(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct fcmd_priv *fp = b->flash.priv;
	struct rig_strv av = {0};
	struct rig_proc_result res = {0};
	char where[256];
	int rc = 0;

	snprintf(fp->image, sizeof(fp->image), "%s", a->path);
	if (!fp->command.n)
		return 0;
	RIG_LINK(b)->describe(b, where, sizeof(where));
	for (size_t i = 0; i < fp->command.n && !rc; i++) {
		const char *w = fp->command.v[i];

		if (strcmp(w, "{elf}") == 0)
			rig_strv_push(&av, fp->image);
		else if (strcmp(w, "{bin}") == 0 && (rc = make_bin(fp, err)) == 0)
			rig_strv_push(&av, fp->bin);
		else if (strcmp(w, "{port}") == 0)
			rig_strv_push(&av, b->console ? b->console->name : where);
		else if (strcmp(w, "{bin}") != 0)
			rig_strv_push(&av, w);
	}
	if (!rc)
		rc = rig_run_capture(av.v, NULL, NULL, (int)fp->timeout_ms, &res, err);
	if (rc == RIG_ERR_NOT_FOUND)
		rc = rig_fail(err, RIG_ERR_SKIPPED, "board %s: flash tool %s is not installed",
			      b->name, av.v[0]);
	else if (rc == 0 && !(res.exited && res.status == 0))
		rc = rig_fail(err, RIG_ERR_IO, "board %s: flash of %s failed (%s %d): %.300s",
			      b->name, fp->image, res.timed_out ? "timed out," : "status",
			      res.status, res.out.data ? res.out.data : "");
	rig_proc_result_free(&res);
	rig_strv_free(&av);
	return rc;
}

static int fcmd_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct fcmd_priv *fp = b->flash.priv;

	if (fp->command.n)
		rig_kv_set(facts, "board.flash", fp->command.v[0]);
	return 0;
}

static void fcmd_destroy(struct rig_board *b)
{
	struct fcmd_priv *fp = b->flash.priv;

	if (!fp)
		return;
	rig_strv_free(&fp->command);
	free(fp);
	b->flash.priv = NULL;
}

const struct rig_flash_ops rig_flash_command_ops = {
    .kind = "command",
    .configure = fcmd_configure,
    .load = fcmd_load,
    .facts = fcmd_facts,
    .destroy = fcmd_destroy,
};
