/* A load run's result: merging the threads, the QPS series' statistics,
 * error class names, freeing (load.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

static const char *const errclass_names[RIG_LOAD_E_COUNT_] = {
    [RIG_LOAD_E_CONNECT] = "connect", [RIG_LOAD_E_READ] = "read",     [RIG_LOAD_E_WRITE] = "write",
    [RIG_LOAD_E_TIMEOUT] = "timeout", [RIG_LOAD_E_STATUS] = "status", [RIG_LOAD_E_GRPC] = "grpc",
};
_Static_assert(sizeof(errclass_names) / sizeof(errclass_names[0]) == RIG_LOAD_E_COUNT_,
	       "a name for every error class");

const char *rig_load_errclass_name(int c)
{
	return c >= 0 && c < RIG_LOAD_E_COUNT_ ? errclass_names[c] : "?";
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void rig_load_series_stats(struct rig_load_result *r)
{
	double mean = 0, var = 0;
	uint64_t *tmp;

	r->qps_median = r->qps_cv = 0;
	if (r->n_sec < 1)
		return;
	tmp = rig_xmalloc(r->n_sec * sizeof(*tmp));
	memcpy(tmp, r->per_sec, r->n_sec * sizeof(*tmp));
	qsort(tmp, r->n_sec, sizeof(*tmp), cmp_u64);
	r->qps_median = r->n_sec % 2
			    ? (double)tmp[r->n_sec / 2]
			    : ((double)tmp[r->n_sec / 2 - 1] + (double)tmp[r->n_sec / 2]) / 2;
	free(tmp);
	if (r->n_sec < 2)
		return;
	for (size_t i = 0; i < r->n_sec; i++)
		mean += (double)r->per_sec[i];
	mean /= (double)r->n_sec;
	for (size_t i = 0; i < r->n_sec; i++)
		var += ((double)r->per_sec[i] - mean) * ((double)r->per_sec[i] - mean);
	var /= (double)(r->n_sec - 1);
	r->qps_cv = mean > 0 ? sqrt(var) / mean : 0;
}

void rig_load_merge_thread(struct rig_load_result *r, const struct rig_load_thread *t)
{
	rig_hist_merge(r->latency, t->lat);
	rig_hist_merge(r->uncorrected, t->unc);
	r->requests += t->requests;
	r->in_window += t->in_window;
	for (int k = 0; k < RIG_LOAD_E_COUNT_; k++)
		r->errors[k] += t->errors[k];
	r->backlog += t->backlog;
	r->reconnects += t->reconnects;
	r->bytes_read += t->bytes;
	r->cpu_user_ns += t->user_ns;
	r->cpu_sys_ns += t->sys_ns;
	if (!r->fault[0] && t->fault[0])
		snprintf(r->fault, sizeof(r->fault), "%s", t->fault);
	if (t->n_sec > r->n_sec) {
		r->per_sec = rig_xrealloc(r->per_sec, t->n_sec * sizeof(*r->per_sec));
		memset(r->per_sec + r->n_sec, 0, (t->n_sec - r->n_sec) * sizeof(*r->per_sec));
		r->n_sec = t->n_sec;
	}
	for (size_t s = 0; s < t->n_sec && s < t->cap_sec; s++)
		r->per_sec[s] += t->per_sec[s];
}

void rig_load_result_free(struct rig_load_result *r)
{
	rig_hist_free(r->latency);
	rig_hist_free(r->uncorrected);
	free(r->per_sec);
	memset(r, 0, sizeof(*r));
}

uint64_t rig_load_errors_total(const struct rig_load_result *r)
{
	uint64_t n = 0;

	for (int k = 0; k < RIG_LOAD_E_COUNT_; k++)
		n += r->errors[k];
	return n;
}
