/*
 * The one strategy every board follows, through its four parts only
 * (labgrid's strategy binding drivers by role): power on, open the runner,
 * put each artifact on with the flash part, take samples with the runner,
 * and undo it all in reverse. Also the console the parts share.
 */
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "log.h"

static const char *const role_names[4] = {"power", "flash", "link", "runner"};

int rig_board_console_open(struct rig_board *b, long long timeout_ms, struct rig_error *err)
{
	int rc;

	rig_board_console_close(b);
	rc = RIG_LINK(b)->connect(b, timeout_ms, &b->console, err);
	if (rc == RIG_ERR_NOT_FOUND) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err ? err->msg : "");
		return rig_fail(err, RIG_ERR_SKIPPED, "board %s is not connected: %s", b->name,
				why);
	}
	if (rc)
		return rc;
	if (!b->lines_ready) {
		rig_lines_init(&b->lines, b->console);
		b->lines_ready = 1;
	}
	b->lines.t = b->console;
	return 0;
}

void rig_board_console_close(struct rig_board *b)
{
	rig_transport_close(b->console);
	b->console = NULL;
	if (b->lines_ready)
		b->lines.t = NULL;
}

int rig_board_reload(struct rig_board *b, struct rig_error *err)
{
	if (!b->has_loaded || !RIG_FLASH(b)->load)
		return 0;
	return RIG_FLASH(b)->load(b, &b->loaded, err);
}

static int configure_one(struct rig_board *b, const struct rig_cfg *cfg, int role,
			 const char *def_kind, struct rig_cfg_node *sec, struct rig_error *err)
{
	char kind[32], def[32];
	const void *ops = NULL;
	const char *known = "";
	int rc;

	snprintf(def, sizeof(def), "%s", def_kind ? def_kind : "none");
	snprintf(kind, sizeof(kind), "%s", def);
	if (sec) {
		if (!rig_cfg_is_map(sec))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field '%s': expected a mapping with kind: ...",
					b->file, rig_cfg_line(sec), role_names[role]);
		if ((rc = rig_cfg_str(cfg, sec, "kind", 0, def, kind, sizeof(kind), err)))
			return rc;
	}
	switch (role) {
	case 0:
		ops = rig_power_find(kind);
		known = rig_power_kinds();
		break;
	case 1:
		ops = rig_flash_find(kind);
		known = rig_flash_kinds();
		break;
	case 2:
		ops = rig_link_find(kind);
		known = rig_link_kinds();
		break;
	default:
		ops = rig_runner_find(kind);
		known = rig_runner_kinds();
		break;
	}
	if (!ops)
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field '%s.kind': expected one of %s, got \"%s\"",
				b->file, sec ? rig_cfg_line(rig_cfg_get(cfg, sec, "kind")) : 0,
				role_names[role], known, kind);
	switch (role) {
	case 0:
		b->power.ops = ops;
		b->power.line = sec ? rig_cfg_line(sec) : 0;
		return RIG_POWER(b)->configure(b, cfg, sec, err);
	case 1:
		b->flash.ops = ops;
		b->flash.line = sec ? rig_cfg_line(sec) : 0;
		return RIG_FLASH(b)->configure(b, cfg, sec, err);
	case 2:
		b->link.ops = ops;
		b->link.line = sec ? rig_cfg_line(sec) : 0;
		return RIG_LINK(b)->configure(b, cfg, sec, err);
	default:
		b->runner.ops = ops;
		b->runner.line = sec ? rig_cfg_line(sec) : 0;
		return RIG_RUNNER(b)->configure(b, cfg, sec, err);
	}
}

int rig_board_configure_parts(struct rig_board *b, const struct rig_cfg *cfg,
			      const char *const kinds[4], struct rig_cfg_node *const secs[4],
			      struct rig_error *err)
{
	int rc;

	/* the null parts first, so destroy() is safe whatever fails below */
	b->power.ops = &rig_power_none_ops;
	b->flash.ops = &rig_flash_none_ops;
	b->link.ops = &rig_link_none_ops;
	b->runner.ops = &rig_runner_none_ops;
	for (int role = 0; role < 4; role++)
		if ((rc = configure_one(b, cfg, role, kinds[role], secs[role], err)))
			return rc;
	if (RIG_POWER(b)->check && (rc = RIG_POWER(b)->check(b, err)))
		return rc;
	if (RIG_FLASH(b)->check && (rc = RIG_FLASH(b)->check(b, err)))
		return rc;
	if (RIG_RUNNER(b)->check && (rc = RIG_RUNNER(b)->check(b, err)))
		return rc;
	return 0;
}

void rig_board_describe_parts(const struct rig_board *b, char *out, size_t cap)
{
	snprintf(out, cap, "power %s, flash %s, link %s, runner %s",
		 b->power.ops ? RIG_POWER(b)->kind : "-", b->flash.ops ? RIG_FLASH(b)->kind : "-",
		 b->link.ops ? RIG_LINK(b)->kind : "-", b->runner.ops ? RIG_RUNNER(b)->kind : "-");
}

int rig_compose_open(struct rig_board *b, struct rig_error *err)
{
	int rc;

	if (RIG_POWER(b)->on && (rc = RIG_POWER(b)->on(b, err)))
		goto fail;
	if (RIG_RUNNER(b)->open && (rc = RIG_RUNNER(b)->open(b, err)))
		goto fail;
	return 0;
fail:
	rig_compose_close(b);
	return rc;
}

void rig_compose_close(struct rig_board *b)
{
	if (!b->runner.ops)
		return;
	if (RIG_RUNNER(b)->close)
		RIG_RUNNER(b)->close(b);
	/* power off may still use the console (QEMU's semihosting exit) */
	if (RIG_POWER(b)->off)
		RIG_POWER(b)->off(b);
	rig_board_console_close(b);
	if (b->lines_ready) {
		rig_lines_free(&b->lines);
		b->lines_ready = 0;
	}
	b->has_loaded = 0;
}

int rig_compose_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	char parts[160], where[256];
	int rc;

	rig_board_describe_parts(b, parts, sizeof(parts));
	rig_kv_set(facts, "board.parts", parts);
	if (RIG_LINK(b) != &rig_link_none_ops) {
		RIG_LINK(b)->describe(b, where, sizeof(where));
		rig_kv_set(facts, "board.link", where);
	}
	if (RIG_POWER(b)->facts && (rc = RIG_POWER(b)->facts(b, facts, err)))
		return rc;
	if (RIG_FLASH(b)->facts && (rc = RIG_FLASH(b)->facts(b, facts, err)))
		return rc;
	if (RIG_RUNNER(b)->facts && (rc = RIG_RUNNER(b)->facts(b, facts, err)))
		return rc;
	return 0;
}

int rig_compose_supports(struct rig_board *b, const struct rig_artifact *a,
			 struct rig_error *err)
{
	return RIG_RUNNER(b)->supports ? RIG_RUNNER(b)->supports(b, a, err) : 0;
}

int rig_compose_prepare(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	int rc;

	int had_console = b->console != NULL;

	if (RIG_POWER(b)->to_loader && RIG_FLASH(b)->load && (rc = RIG_POWER(b)->to_loader(b, err)))
		return rc;
	if (RIG_FLASH(b)->load && (rc = RIG_FLASH(b)->load(b, a, err)))
		return rc;
	b->loaded = *a;
	b->has_loaded = 1;
	/* a boot loader or a re-enumerating USB device took the console away */
	if (had_console && !b->console &&
	    (rc = rig_board_console_open(b, b->ready_timeout_ms, err)))
		return rc;
	if (RIG_RUNNER(b)->prepare && (rc = RIG_RUNNER(b)->prepare(b, a, err)))
		return rc;
	return 0;
}

int rig_compose_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err)
{
	return RIG_RUNNER(b)->run(b, req, out, err);
}

int rig_compose_reset(struct rig_board *b, struct rig_error *err)
{
	int64_t t0;

	if (RIG_POWER(b)->reset)
		return RIG_POWER(b)->reset(b, &t0, err);
	if (RIG_RUNNER(b)->reset)
		return RIG_RUNNER(b)->reset(b, err);
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "board %s (%s) cannot be reset", b->name,
			RIG_POWER(b)->kind);
}

void rig_compose_destroy(struct rig_board *b)
{
	if (!b->runner.ops)
		return;
	rig_compose_close(b);
	if (RIG_RUNNER(b)->destroy)
		RIG_RUNNER(b)->destroy(b);
	if (RIG_LINK(b)->destroy)
		RIG_LINK(b)->destroy(b);
	if (RIG_FLASH(b)->destroy)
		RIG_FLASH(b)->destroy(b);
	if (RIG_POWER(b)->destroy)
		RIG_POWER(b)->destroy(b);
	b->runner.ops = NULL;
}
