/*
 * A/B across identical boards (rig bench --ab, docs/farm.md): the boards of
 * one model (tag model:, the same target and the same artifact) share each
 * (profile, workload) cell. The cell is one run, named "model:M"; its
 * sample indices are handed out one at a time to whichever board's worker
 * asks next, so the boards' samples interleave in time and in index, and
 * every sample is stored with the board that took it (samples.board), so
 * board-to-board spread is measured (rig results shows it) instead of
 * being folded into one board's noise. Boards take turns: one that has
 * taken more than another board holding its lease and still in the cell
 * waits for that one (which may still be opening or checking its health)
 * to take its sample or leave, so each round every board takes one. Not when host-local
 * boards outnumber --jobs (they cannot all be in at once): then whoever is
 * in takes the next. A board that fails gives its index back and the
 * others take it; nothing is queued for retry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_internal.h"
#include "log.h"

static const char *model_tag(const struct rig_board *b)
{
	for (size_t i = 0; i < b->tags.n; i++)
		if (strncmp(b->tags.v[i], "model:", 6) == 0)
			return b->tags.v[i] + 6;
	return NULL;
}

static int same_target(const struct rig_board *a, const struct rig_board *b)
{
	return !strcmp(a->target.os, b->target.os) && !strcmp(a->target.arch, b->target.arch) &&
	       !strcmp(a->target.variant, b->target.variant) && a->emulated == b->emulated;
}

/* j and k are the same cell on two boards of one model. */
static int same_cell(const struct job *j, const struct job *k)
{
	const char *mj = model_tag(j->board), *mk = model_tag(k->board);

	return mj && mk && !strcmp(mj, mk) && j->board != k->board &&
	       same_target(j->board, k->board) && !strcmp(j->profile, k->profile) &&
	       !strcmp(j->workload, k->workload) && !strcmp(j->art.sha256, k->art.sha256) &&
	       j->service == k->service;
}

void rig_bench_ab_group(struct bench *bn)
{
	bn->cells = rig_xcalloc(bn->n_jobs ? bn->n_jobs : 1, sizeof(*bn->cells));
	for (size_t i = 0; i < bn->n_jobs; i++) {
		struct job *j = &bn->jobs[i];
		struct shared_cell *c;

		if (j->shared || !model_tag(j->board))
			continue;
		c = &bn->cells[bn->n_cells];
		for (size_t k = i + 1; k < bn->n_jobs; k++) {
			struct job *o = &bn->jobs[k];
			int board_in = 0;

			if (o->shared || !same_cell(j, o))
				continue;
			/* one job per board in a cell */
			for (size_t m = i; m < k; m++)
				if (bn->jobs[m].shared == c && bn->jobs[m].board == o->board)
					board_in = 1;
			if (board_in)
				continue;
			o->shared = c;
			c->boards++;
		}
		if (!c->boards)
			continue; /* alone: its own cell as without --ab */
		j->shared = c;
		c->boards++;
		c->members = rig_xcalloc((size_t)c->boards, sizeof(*c->members));
		for (size_t k = i, m = 0; k < bn->n_jobs; k++)
			if (bn->jobs[k].shared == c)
				c->members[m++] = &bn->jobs[k];
		c->lead = j;
		snprintf(c->label, sizeof(c->label), "model:%.56s", model_tag(j->board));
		c->turns = !rig_bench_board_local(j->board) || bn->o->jobs >= c->boards;
		pthread_mutex_init(&c->mu, NULL);
		pthread_cond_init(&c->cv, NULL);
		bn->n_cells++;
		rig_info("--ab: %s %s shared by %d boards of %s", j->profile, j->workload,
			 c->boards, c->label);
	}
}

/* The given-back index j may take: the last one not timed out on j's own
 * board while other boards are in the cell; -1: none. c->mu held. */
static int redo_for(const struct shared_cell *c, const struct job *j, int present)
{
	for (size_t i = c->n_redo; i-- > 0;)
		if (!c->redo[i].timed_out_on || present <= 1 ||
		    strcmp(c->redo[i].timed_out_on, j->board->name) != 0)
			return (int)i;
	return -1;
}

int rig_bench_ab_next(struct shared_cell *c, struct job *j, const char **timed_out_on)
{
	int idx = -1;

	*timed_out_on = NULL;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		int present = c->boards - c->gone, fewest = -1, r;
		struct timespec ts;

		if ((r = redo_for(c, j, present)) >= 0) {
			idx = c->redo[r].idx;
			/* its own timeout, no one else left: no verdict */
			if (c->redo[r].timed_out_on &&
			    strcmp(c->redo[r].timed_out_on, j->board->name) != 0)
				*timed_out_on = c->redo[r].timed_out_on;
			c->redo[r] = c->redo[--c->n_redo];
			break;
		}
		if (c->next >= c->n || rig_bench_stop)
			break;
		for (int m = 0; m < c->boards; m++)
			if (c->members[m]->ab_ready && !c->members[m]->ab_left &&
			    (fewest < 0 || c->members[m]->ab_taken < fewest))
				fewest = c->members[m]->ab_taken;
		if (!c->turns || present <= 1 || j->ab_taken <= fewest) {
			idx = c->next++;
			break;
		}
		/* ahead of a board of the cell: its turn (it may still be opening) */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	}
	if (idx >= 0)
		j->ab_taken++;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return idx;
}

void rig_bench_ab_give_back(struct shared_cell *c, struct job *j, int idx, const char *timed_out_on)
{
	pthread_mutex_lock(&c->mu);
	c->redo = rig_xrealloc(c->redo, (c->n_redo + 1) * sizeof(*c->redo));
	c->redo[c->n_redo++] = (struct redo){idx, timed_out_on};
	j->ab_taken--;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

int rig_bench_ab_others(struct shared_cell *c, const struct job *j)
{
	int yes = 0;

	pthread_mutex_lock(&c->mu);
	for (int m = 0; m < c->boards && !yes; m++)
		yes = c->members[m] != j && !c->members[m]->ab_left;
	pthread_mutex_unlock(&c->mu);
	return yes;
}

void rig_bench_ab_ready(struct job *j)
{
	struct shared_cell *c = j->shared;

	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	j->ab_ready = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

void rig_bench_ab_leave(struct job *j)
{
	struct shared_cell *c = j->shared;

	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	if (!j->ab_left) {
		j->ab_left = 1;
		c->gone++;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
}

void rig_bench_ab_finish(struct bench *bn)
{
	for (size_t i = 0; i < bn->n_cells; i++) {
		struct shared_cell *c = &bn->cells[i];
		int left = (int)c->n_redo + (c->begun ? c->n - c->next : 0);

		if (!c->begun || left > 0) {
			char why[300], what[80] = "the cell";
			if (c->begun)
				snprintf(what, sizeof(what), "%d samples of run %lld", left,
					 (long long)c->run_id);
			snprintf(why, sizeof(why),
				 "%s (shared by %d boards of %s) not taken: every board of the "
				 "model failed, was quarantined or could not run it",
				 what, c->boards, c->label);
			rig_bench_skip(bn, bn->store, c->lead->board, c->lead->profile,
				       c->lead->workload, why);
		}
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		free(c->redo);
		free(c->members);
	}
	free(bn->cells);
	bn->cells = NULL;
	bn->n_cells = 0;
}
