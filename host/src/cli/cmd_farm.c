/* rig farm status|release|log: the farm's tables (store_lease.h) for people. */
#include <math.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "board.h"
#include "store.h"
#include "store_health.h"
#include "store_lease.h"

static void fmt_ms(int64_t ms, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%d %H:%M:%SZ", &tm);
}

/* Every board of boards_dir and of the store, sorted, each once (or only
 * the --boards given). */
static void farm_boards(struct rig_ctx *ctx, struct rig_store *st, const struct rig_strv *only,
			struct rig_strv *out)
{
	struct rig_strv all = {0};
	struct rig_error e = {0};

	if (only->n) {
		for (size_t i = 0; i < only->n; i++)
			rig_strv_push(out, only->v[i]);
		return;
	}
	rig_ctx_boards(ctx, &all);
	if (st)
		rig_store_farm_boards(st, &all, &e);
	for (size_t i = 0; i < all.n; i++)
		if (!rig_strv_has(out, all.v[i]))
			rig_strv_push(out, all.v[i]);
	rig_strv_free(&all);
}

/* One board's reachability, probed at once for every agent board. */
struct probe {
	struct rig_ctx *ctx;
	const char *board;
	int tried, ok;
	char why[300];
	pthread_t th;
	int joinable; /* th runs probe_main; only the calling thread reads this */
};

/* Opens and closes an agent board (connect, HELLO, AUTH): the board
 * answers or it is offline. Other kinds are not probed (opening a QEMU
 * board boots it). */
static void *probe_main(void *arg)
{
	struct probe *p = arg;
	struct rig_board *b = NULL;
	struct rig_error e = {0};

	if (rig_board_load(p->board, p->ctx->boards_dir, &b, &e) || strcmp(b->ops->kind, "agent"))
		goto out;
	p->tried = 1;
	if (b->ops->open && b->ops->open(b, &e)) {
		snprintf(p->why, sizeof(p->why), "%s", e.msg);
		goto out;
	}
	p->ok = 1;
	if (b->ops->close)
		b->ops->close(b);
out:
	rig_board_free(b);
	return NULL;
}

static void probe_all(struct rig_ctx *ctx, const struct rig_strv *boards, struct probe *pr)
{
	for (size_t i = 0; i < boards->n; i++) {
		pr[i].ctx = ctx;
		pr[i].board = boards->v[i];
		/* the thread owns tried/ok/why until it is joined */
		pr[i].joinable = pthread_create(&pr[i].th, NULL, probe_main, &pr[i]) == 0;
		if (!pr[i].joinable)
			probe_main(&pr[i]);
	}
	for (size_t i = 0; i < boards->n; i++)
		if (pr[i].joinable)
			pthread_join(pr[i].th, NULL);
}

/* "+12.3%": the last check's figure against the centre of its band (the
 * reference), "-" without a band. */
static void drift_of(const struct rig_health_row *h, char *out, size_t cap)
{
	double ref = sqrt(h->band_lo * h->band_hi);

	if (h->ref_n && ref > 0 && h->figure > 0)
		snprintf(out, cap, "%+.1f%%", (h->figure / ref - 1) * 100);
	else
		snprintf(out, cap, "-");
}

static int farm_status(struct rig_ctx *ctx, struct rig_store *st, const struct rig_strv *only,
		       int probe)
{
	struct rig_strv boards = {0};
	struct rig_error err = {0};
	struct probe *pr;
	int64_t now = rig_wall_ms();
	int rc = 0;

	farm_boards(ctx, st, only, &boards);
	pr = rig_xcalloc(boards.n ? boards.n : 1, sizeof(*pr));
	if (probe) {
		/* the boards' own "authenticated" lines are not the status */
		int level = rig_log_level();
		if (level == RIG_LOG_INFO)
			rig_log_set_level(RIG_LOG_WARN);
		probe_all(ctx, &boards, pr);
		rig_log_set_level(level);
	}
	printf("%-24s %-12s %-34s %-21s %-8s %-21s %-8s %s\n", "BOARD", "STATE", "HOLDER", "UNTIL",
	       "FAILURES", "LAST CHECK", "DRIFT", "WHY / LAST HEALTH");
	for (size_t i = 0; i < boards.n && !rc; i++) {
		struct rig_lease_row l = {0};
		struct rig_board_state bs = {0};
		struct rig_health_row h = {0};
		char until[32] = "-", state[16] = "idle", checked[32] = "-", drift[16] = "-";
		char why[1200];
		int have = 0, nh = 0;

		if (st && ((have = rig_store_lease_get(st, boards.v[i], &l, &err)) < 0 ||
			   (rc = rig_store_board_state(st, boards.v[i], &bs, &err))))
			break;
		if (st && rig_store_health_history(st, boards.v[i], 0, &h, 1, &nh, &err) == 0 &&
		    nh && strcmp(h.metric, "reset")) {
			fmt_ms(h.at_ms, checked, sizeof(checked));
			drift_of(&h, drift, sizeof(drift));
		}
		err.msg[0] = 0; /* a store without health checks: none shown */
		if (!st)
			snprintf(bs.state, sizeof(bs.state), "ok");
		if (have && l.owner[0]) {
			fmt_ms(l.expires_ms, until, sizeof(until));
			snprintf(state, sizeof(state), "%s",
				 l.expires_ms < now ? "expired" : "leased");
		}
		if (strcmp(bs.state, "quarantined") == 0)
			snprintf(why, sizeof(why), "%s%s%s%s", bs.reason,
				 bs.evidence[0] ? " (" : "", bs.evidence,
				 bs.evidence[0] ? ")" : "");
		else
			snprintf(why, sizeof(why), "%s", bs.health[0] ? bs.health : "-");
		if (pr[i].tried && !pr[i].ok) {
			/* unreachable: said first, the rest of the row stays */
			char tmp[1200];
			snprintf(tmp, sizeof(tmp), "unreachable: %.500s; %s", pr[i].why, why);
			snprintf(why, sizeof(why), "%s", tmp);
			if (strcmp(bs.state, "quarantined"))
				snprintf(state, sizeof(state), "offline");
		}
		if (strcmp(bs.state, "quarantined") == 0)
			snprintf(state, sizeof(state), "quarantined");
		printf("%-24s %-12s %-34s %-21s %-8d %-21s %-8s %s\n", boards.v[i], state,
		       have && l.owner[0] ? l.owner : "-", until, bs.failures, checked, drift, why);
	}
	if (rc || err.msg[0]) {
		rig_err("%s", err.msg);
		rc = 1;
	}
	free(pr);
	rig_strv_free(&boards);
	return rc;
}

static int print_event(void *ctx, const struct rig_farm_event *ev)
{
	char at[32];

	(void)ctx;
	fmt_ms(ev->at_ms, at, sizeof(at));
	printf("%s  %-20s %-14s token %-4lld %-30s %s\n", at, ev->board, ev->event,
	       (long long)ev->token, ev->who, ev->detail);
	return 0;
}

static int farm_log(struct rig_store *st, const char *board, long long last)
{
	struct rig_error err = {0};

	if (!st)
		return 0;
	if (rig_store_farm_events(st, board, (int)last, print_event, NULL, &err)) {
		rig_err("%s", err.msg);
		return 1;
	}
	return 0;
}

static int farm_release(struct rig_ctx *ctx, const struct rig_strv *rest, int force)
{
	struct rig_store *st = NULL;
	struct rig_error err = {0};
	char who[256], host[128] = "?", what[600] = "";
	const struct passwd *pw = getpwuid(getuid());
	const char *user = getenv("USER") ? getenv("USER") : pw ? pw->pw_name : NULL;
	int code = 0;

	if (rest->n != 2) {
		rig_err("rig farm release --force BOARD: name one board");
		return 2;
	}
	if (!force) {
		rig_err("rig farm release %s: the board may be in use by a worker; freeing it "
			"refuses that worker's writes from now on. Say --force to do it",
			rest->v[1]);
		return 2;
	}
	gethostname(host, sizeof(host) - 1);
	snprintf(who, sizeof(who), "%s@%s", user ? user : "?", host);
	if (rig_ctx_open_store(ctx, &st, &err) ||
	    rig_store_lease_force(st, rest->v[1], who, what, sizeof(what), &err)) {
		rig_err("%s", err.msg);
		code = 1;
	} else {
		struct rig_health_row reset = {.at_ms = rig_wall_ms(), .pass = 1};

		/* the board's health history before this is no longer its
		 * reference (health.h): a human accepted it as it is now */
		snprintf(reset.board, sizeof(reset.board), "%s", rest->v[1]);
		snprintf(reset.metric, sizeof(reset.metric), "reset");
		snprintf(reset.result, sizeof(reset.result), "reference reset: released by %s",
			 who);
		if (rig_store_health_add(st, &reset, &err))
			rig_warn("%s", err.msg);
		rig_info("released %s: %s", rest->v[1], what[0] ? what : "it was free");
	}
	rig_store_close(st);
	return code;
}

int cmd_farm(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv only = {0}, rest = {0};
	struct rig_store *st = NULL;
	struct rig_error err = {0};
	const char *board = NULL;
	long long last = 0;
	int force = 0, no_probe = 0, rc, code = 0;
	const struct rig_opt opts[] = {
	    {'b', "boards", RIG_OPT_LIST, &only, "LIST", "status: only these boards"},
	    {0, "board", RIG_OPT_STRING, &board, "NAME", "log: only this board's events"},
	    {0, "last", RIG_OPT_COUNT, &last, "N", "log: the newest N events", 1, 1000000},
	    {0, "force", RIG_OPT_FLAG, &force, NULL,
	     "release: free the board whoever holds it (logged)"},
	    {0, "no-probe", RIG_OPT_FLAG, &no_probe, NULL,
	     "status: do not connect to agent boards to see whether they answer"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts, "rig farm status|release --force BOARD|log", &rest,
			       &err);
	if (rc == 1)
		goto done;
	if (rc || !rest.n) {
		rig_err("%s", rc ? err.msg : "rig farm: say status, release or log");
		code = 2;
		goto done;
	}
	if (strcmp(rest.v[0], "release") == 0) {
		code = farm_release(ctx, &rest, force);
		goto done;
	}
	if (strcmp(rest.v[0], "status") && strcmp(rest.v[0], "log")) {
		rig_err("rig farm: unknown action '%s' (status, release, log)", rest.v[0]);
		code = 2;
		goto done;
	}
	if (rest.n > 1) {
		rig_err("rig farm %s: unexpected argument '%s'", rest.v[0], rest.v[1]);
		code = 2;
		goto done;
	}
	rc = rig_ctx_open_store_read(ctx, &st, &err);
	if (rc && rc != RIG_ERR_NOT_FOUND) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	code = strcmp(rest.v[0], "status") == 0 ? farm_status(ctx, st, &only, !no_probe)
						: farm_log(st, board, last);
done:
	rig_store_close(st);
	rig_strv_free(&only);
	rig_strv_free(&rest);
	return code;
}
