/* The log-linear histogram: see hist.h. The slot arithmetic follows the
 * layout HdrHistogram documents (bucket = power of two above the sub-bucket
 * range, sub-bucket = the value's top 11 bits), written from that
 * description for integer nanoseconds with a unit of 1 ns. */
#include "hist.h"

#include <stdlib.h>
#include <string.h>

#define SUB_COUNT (1 << RIG_HIST_SUB_BITS) /* 2048 */
#define HALF_BITS (RIG_HIST_SUB_BITS - 1)  /* 10 */
#define HALF_COUNT (1 << HALF_BITS)	   /* 1024 */
#define BUCKETS 32			   /* SUB_COUNT << 31 > 1 hour in ns */
#define SLOTS ((BUCKETS + 1) * HALF_COUNT) /* 33792 counters */

_Static_assert(((int64_t)SUB_COUNT << (BUCKETS - 1)) > RIG_HIST_MAX_NS, "too few buckets");
_Static_assert(((int64_t)SUB_COUNT << (BUCKETS - 2)) <= RIG_HIST_MAX_NS, "too many buckets");

struct rig_hist {
	uint64_t total, clamped;
	int64_t min, max;
	uint64_t counts[SLOTS];
};

static int slot_of(int64_t v)
{
	uint64_t u = (uint64_t)v;
	int pow2ceil = 64 - __builtin_clzll(u | (SUB_COUNT - 1));
	int bucket = pow2ceil - (HALF_BITS + 1);
	int sub = (int)(u >> bucket);

	return ((bucket + 1) << HALF_BITS) + (sub - HALF_COUNT);
}

/* Lowest value of a slot and its width. */
static void slot_range(int idx, int64_t *lo, int64_t *width)
{
	int bucket = (idx >> HALF_BITS) - 1;
	int sub = (idx & (HALF_COUNT - 1)) + HALF_COUNT;

	if (bucket < 0) {
		sub -= HALF_COUNT;
		bucket = 0;
	}
	*lo = (int64_t)sub << bucket;
	*width = (int64_t)1 << bucket;
}

void rig_hist_slot(int64_t v, int64_t *lo, int64_t *hi)
{
	int64_t w;

	if (v < 0)
		v = 0;
	if (v > RIG_HIST_MAX_NS)
		v = RIG_HIST_MAX_NS;
	slot_range(slot_of(v), lo, &w);
	*hi = *lo + w - 1;
}

struct rig_hist *rig_hist_new(void) { return rig_xcalloc(1, sizeof(struct rig_hist)); }

void rig_hist_free(struct rig_hist *h) { free(h); }

void rig_hist_reset(struct rig_hist *h) { memset(h, 0, sizeof(*h)); }

void rig_hist_record_n(struct rig_hist *h, int64_t v, uint64_t count)
{
	if (!count)
		return;
	if (v < 0)
		v = 0;
	if (v > RIG_HIST_MAX_NS) {
		v = RIG_HIST_MAX_NS;
		h->clamped += count;
	}
	if (!h->total || v < h->min)
		h->min = v;
	if (!h->total || v > h->max)
		h->max = v;
	h->counts[slot_of(v)] += count;
	h->total += count;
}

void rig_hist_record(struct rig_hist *h, int64_t v) { rig_hist_record_n(h, v, 1); }

void rig_hist_merge(struct rig_hist *dst, const struct rig_hist *src)
{
	if (!src->total)
		return;
	if (!dst->total || src->min < dst->min)
		dst->min = src->min;
	if (!dst->total || src->max > dst->max)
		dst->max = src->max;
	for (int i = 0; i < SLOTS; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	dst->clamped += src->clamped;
}

uint64_t rig_hist_count(const struct rig_hist *h) { return h->total; }
uint64_t rig_hist_clamped(const struct rig_hist *h) { return h->clamped; }
int64_t rig_hist_min(const struct rig_hist *h) { return h->total ? h->min : 0; }
int64_t rig_hist_max(const struct rig_hist *h) { return h->total ? h->max : 0; }

double rig_hist_mean(const struct rig_hist *h)
{
	double sum = 0;
	int64_t lo, w;

	if (!h->total)
		return 0;
	for (int i = 0; i < SLOTS; i++) {
		if (!h->counts[i])
			continue;
		slot_range(i, &lo, &w);
		sum += (double)h->counts[i] * ((double)lo + (double)(w - 1) / 2.0);
	}
	return sum / (double)h->total;
}

int64_t rig_hist_percentile(const struct rig_hist *h, double p)
{
	uint64_t want, seen = 0;
	int64_t lo, w;

	if (!h->total)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	/* the rank of the value asked for: ceil(p/100 * total), at least 1 */
	want = (uint64_t)((p / 100.0) * (double)h->total);
	if ((double)want < (p / 100.0) * (double)h->total)
		want++;
	if (want < 1)
		want = 1;
	for (int i = 0; i < SLOTS; i++) {
		seen += h->counts[i];
		if (seen >= want) {
			slot_range(i, &lo, &w);
			lo += w - 1;
			if (lo > h->max)
				lo = h->max;
			if (lo < h->min)
				lo = h->min;
			return lo;
		}
	}
	return h->max;
}

static void put_varint(struct rig_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	rig_buf_append(b, tmp, n);
}

void rig_hist_encode(const struct rig_hist *h, struct rig_buf *out)
{
	int last = 0;

	rig_buf_append(out, "rh1", 3);
	put_varint(out, h->total);
	put_varint(out, (uint64_t)rig_hist_min(h));
	put_varint(out, (uint64_t)rig_hist_max(h));
	put_varint(out, h->clamped);
	for (int i = 0; i < SLOTS; i++) {
		if (!h->counts[i])
			continue;
		put_varint(out, (uint64_t)(i - last));
		put_varint(out, h->counts[i]);
		last = i + 1;
	}
}

static int get_varint(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		if (*pos >= len)
			return -1;
		unsigned char c = p[(*pos)++];
		if (shift == 63 && (c & 0x7e))
			return -1;
		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

int rig_hist_decode(struct rig_hist *h, const void *data, size_t len, struct rig_error *err)
{
	const unsigned char *p = data;
	size_t pos = 3;
	uint64_t total, min, max, clamped, sum = 0, idx = 0;
	struct rig_hist *tmp;

	if (len < 3 || memcmp(p, "rh1", 3) != 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"histogram: expected the magic 'rh1' at byte 0 (%zu bytes)", len);
	if (get_varint(p, len, &pos, &total) || get_varint(p, len, &pos, &min) ||
	    get_varint(p, len, &pos, &max) || get_varint(p, len, &pos, &clamped))
		return rig_fail(err, RIG_ERR_PARSE,
				"histogram: header cut or malformed at byte %zu", pos);
	if (min > max || max > (uint64_t)RIG_HIST_MAX_NS || clamped > total)
		return rig_fail(err, RIG_ERR_PARSE,
				"histogram: header out of range (min %llu, max %llu, clamped %llu "
				"of %llu)",
				(unsigned long long)min, (unsigned long long)max,
				(unsigned long long)clamped, (unsigned long long)total);
	tmp = rig_hist_new();
	while (pos < len) {
		uint64_t gap, c;
		size_t at = pos;
		if (get_varint(p, len, &pos, &gap) || get_varint(p, len, &pos, &c) || c == 0 ||
		    gap >= SLOTS || idx + gap >= SLOTS || sum + c < sum) {
			rig_hist_free(tmp);
			return rig_fail(err, RIG_ERR_PARSE, "histogram: bad slot entry at byte %zu",
					at);
		}
		idx += gap;
		tmp->counts[idx] = c;
		sum += c;
		idx++;
	}
	if (sum != total) {
		rig_hist_free(tmp);
		return rig_fail(err, RIG_ERR_PARSE,
				"histogram: counters add up to %llu, header says %llu",
				(unsigned long long)sum, (unsigned long long)total);
	}
	if (total) {
		/* min and max must fall in the first and last used slots */
		int first = -1, lastslot = -1;
		for (int i = 0; i < SLOTS; i++)
			if (tmp->counts[i]) {
				if (first < 0)
					first = i;
				lastslot = i;
			}
		if (slot_of((int64_t)min) != first || slot_of((int64_t)max) != lastslot) {
			rig_hist_free(tmp);
			return rig_fail(err, RIG_ERR_PARSE,
					"histogram: min/max do not match the used slots");
		}
	}
	tmp->total = total;
	tmp->clamped = clamped;
	tmp->min = (int64_t)min;
	tmp->max = (int64_t)max;
	rig_hist_merge(h, tmp);
	rig_hist_free(tmp);
	return 0;
}
