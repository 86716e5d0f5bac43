/*
 * alloc: allocation pressure, the twin of the Go alloc workload. Each op
 * builds a binary tree of 7 nodes, each with its own 8..40 byte array, and
 * stores it in one of 16 live slots, freeing the tree it replaces. The byte
 * pattern and the xorshift32 sequence are the Go workload's, so check
 * agrees. malloc/free are the C library's (newlib's on bare metal). Results:
 * throughput (ops/s, 1 op = one tree), elapsed_ns, check. There is no
 * collector, so none of Go's gc_* results.
 */
#include <stdlib.h>

#include "rig_wl_table.h"

#define LIVE_SLOTS 16
#define TREE_DEPTH 3

struct node {
	struct node *left, *right;
	unsigned char *data;
	size_t len;
};

static uint32_t next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void drop(struct node *n)
{
	if (!n)
		return;
	drop(n->left);
	drop(n->right);
	free(n->data);
	free(n);
}

/* A tree of the given depth, or NULL with *oom set. */
static struct node *build(int depth, uint32_t *x, uint32_t *sum, int *oom)
{
	struct node *n;
	uint32_t r;

	if (depth == 0)
		return NULL;
	r = next(x);
	n = malloc(sizeof(*n));
	if (!n) {
		*oom = 1;
		return NULL;
	}
	n->len = 8 + r % 33;
	n->data = malloc(n->len);
	n->left = n->right = NULL;
	if (!n->data) {
		free(n);
		*oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < n->len; i++) {
		n->data[i] = (unsigned char)(r + (uint32_t)i);
		*sum += n->data[i];
	}
	n->left = build(depth - 1, x, sum, oom);
	n->right = build(depth - 1, x, sum, oom);
	return n;
}

int rig_wl_alloc(const struct rig_wl_io *io, long long iterations)
{
	struct node *live[LIVE_SLOTS] = {0};
	uint32_t x = 2463534242u, sum = 0;
	uint64_t start, elapsed;
	int oom = 0;

	start = io->now_ns(io->ctx);
	for (long long k = 0; k < iterations && !oom; k++) {
		drop(live[k % LIVE_SLOTS]);
		live[k % LIVE_SLOTS] = build(TREE_DEPTH, &x, &sum, &oom);
	}
	elapsed = io->now_ns(io->ctx) - start;
	for (int i = 0; i < LIVE_SLOTS; i++) {
		if (live[i])
			sum += (uint32_t)live[i]->len;
		drop(live[i]);
	}
	if (oom)
		return 1; /* out of memory: "done 1", no results to trust */

	rig_wl_result_rate(io, "throughput", (uint64_t)iterations, elapsed);
	rig_wl_result_i64(io, "elapsed_ns", (int64_t)elapsed, "ns");
	rig_wl_result_u64(io, "check", sum, "count");
	return 0;
}

#ifndef RIG_WL_BARE
int main(int argc, char **argv)
{
	return rig_wl_main(argc, argv, rig_wl_alloc, RIG_WL_ALLOC_ITERS);
}
#endif
