/*
 * A log-linear latency histogram after HdrHistogram's design (Gil Tene):
 * values are nanoseconds from 1 ns to 1 hour, kept to 3 significant decimal
 * digits everywhere in that range. Each power-of-two "bucket" is split into
 * 1024 linear "sub-buckets" (2048 in the first), so a value's slot is never
 * wider than 1/1024 of the value: the worst quantisation error is 0.098%,
 * inside the half unit in the third digit that 3 digits promise.
 *
 * Fixed size (33 buckets x 1024 counters = 270 KB), no allocation after
 * rig_hist_new(), no locks: one histogram per load thread, merged at the end
 * (merging adds counters, so merged percentiles are exact over the union,
 * never an average of percentiles). The encoded form (rig_hist_encode) is
 * what the store keeps per sample so runs merge across samples the same way.
 */
#ifndef RIG_HIST_H
#define RIG_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"

#define RIG_HIST_MAX_NS 3600000000000LL /* 1 hour */
#define RIG_HIST_SUB_BITS 11		/* 2048 sub-buckets: 2 * 10^3 rounded up */

struct rig_hist;

/* A zeroed histogram; never NULL (aborts on no memory like rig_xcalloc). */
struct rig_hist *rig_hist_new(void);
void rig_hist_free(struct rig_hist *h);
void rig_hist_reset(struct rig_hist *h);

/* Records one value (ns). Values < 0 count as 0; values above 1 hour are
 * clamped to 1 hour and counted in rig_hist_clamped(). Never fails. */
void rig_hist_record(struct rig_hist *h, int64_t value_ns);
/* Records the value `count` times. */
void rig_hist_record_n(struct rig_hist *h, int64_t value_ns, uint64_t count);
/* Adds every count of src into dst. */
void rig_hist_merge(struct rig_hist *dst, const struct rig_hist *src);

uint64_t rig_hist_count(const struct rig_hist *h);
uint64_t rig_hist_clamped(const struct rig_hist *h);
/* Exact smallest / largest recorded value (ns), 0 when empty. */
int64_t rig_hist_min(const struct rig_hist *h);
int64_t rig_hist_max(const struct rig_hist *h);
/* Mean over slot midpoints (ns), 0 when empty. */
double rig_hist_mean(const struct rig_hist *h);
/*
 * The value at percentile p (0 < p <= 100): the highest value equivalent to
 * the slot holding the ceil(p/100 * count)-th smallest value (HdrHistogram's
 * convention), capped at the exact max. 0 when empty.
 */
int64_t rig_hist_percentile(const struct rig_hist *h, double p);

/* The range of values that share v's slot: [lo, hi]. */
void rig_hist_slot(int64_t v, int64_t *lo, int64_t *hi);

/*
 * Encoding: "rh1" then varints: count of slots used, min, max, clamped,
 * then for each non-empty run (zero-run length, counter). Compact for the
 * usual sparse latency distribution (a few hundred bytes to a few KB).
 * rig_hist_decode checks every field and returns RIG_ERR_PARSE naming the
 * byte offset on malformed input; it adds into h (so decoding several
 * blobs into one histogram merges them).
 */
void rig_hist_encode(const struct rig_hist *h, struct rig_buf *out);
int rig_hist_decode(struct rig_hist *h, const void *data, size_t len, struct rig_error *err);

#endif
