/* Load results as JSON, text and sample metrics: see load_report.h. */
#include "load_report.h"

#include "format.h"

const double rig_load_pcts[RIG_LOAD_N_PCT] = {50, 90, 99, 99.9, 99.99};
const char *const rig_load_pct_names[RIG_LOAD_N_PCT] = {"p50", "p90", "p99", "p999", "p9999"};

static double us(int64_t ns) { return (double)ns / 1000.0; }

static double cpu_per_10k(const struct rig_load_result *r)
{
	return r->requests
		   ? (double)(r->cpu_user_ns + r->cpu_sys_ns) * 10000.0 / (double)r->requests
		   : 0;
}

static void json_key(struct rig_buf *b, const char *k, double v)
{
	rig_json_string(b, k);
	rig_buf_appendf(b, "%s", ":");
	rig_json_number(b, v);
}

static void json_hist(struct rig_buf *b, const struct rig_hist *h)
{
	for (int i = 0; i < RIG_LOAD_N_PCT; i++) {
		json_key(b, rig_load_pct_names[i], us(rig_hist_percentile(h, rig_load_pcts[i])));
		rig_buf_appendf(b, "%s", ",");
	}
	json_key(b, "max", us(rig_hist_max(h)));
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "mean", rig_hist_mean(h) / 1000.0);
}

void rig_load_result_json(const struct rig_load_result *r, const char *url, struct rig_buf *b)
{
	rig_buf_appendf(b, "%s", "{\"url\":");
	rig_json_string(b, url);
	rig_buf_appendf(b, ",\"model\":\"%s\",", r->model == RIG_LOAD_RATE ? "rate" : "closed");
	json_key(b, "connections", r->connections_used);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "threads", r->threads_used);
	rig_buf_appendf(b, "%s", ",");
	if (r->model == RIG_LOAD_RATE) {
		json_key(b, "target_rate", r->target_rate);
		rig_buf_appendf(b, "%s", ",");
	}
	json_key(b, "duration_s", r->window_s);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "requests", (double)r->requests);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "qps", r->qps);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "qps_median", r->qps_median);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "qps_cv", r->qps_cv);
	rig_buf_appendf(b, "%s", ",");
	json_hist(b, r->latency);
	rig_buf_appendf(b, "%s", ",\"unit\":\"us\",\"uncorrected\":{");
	json_hist(b, r->uncorrected);
	rig_buf_appendf(b, "%s", "},\"errors\":{");
	for (int k = 0; k < RIG_LOAD_E_COUNT_; k++) {
		json_key(b, rig_load_errclass_name(k), (double)r->errors[k]);
		rig_buf_append(b, k + 1 < RIG_LOAD_E_COUNT_ ? "," : "}", 1);
	}
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "backlog", (double)r->backlog);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "reconnects", (double)r->reconnects);
	rig_buf_appendf(b, "%s", ",\"fault\":");
	rig_json_string(b, r->fault);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "bytes_read", (double)r->bytes_read);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "cpu_user_s", (double)r->cpu_user_ns / 1e9);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "cpu_sys_s", (double)r->cpu_sys_ns / 1e9);
	rig_buf_appendf(b, "%s", ",");
	json_key(b, "cpu_ms_per_10k", cpu_per_10k(r) / 1e6);
	rig_buf_appendf(b, "%s", ",\"qps_series\":[");
	for (size_t i = 0; i < r->n_sec; i++)
		rig_buf_appendf(b, "%s%llu", i ? "," : "", (unsigned long long)r->per_sec[i]);
	rig_buf_appendf(b, "%s", "]}");
}

static void print_hist(FILE *f, const char *label, const struct rig_hist *h)
{
	fprintf(f, "  %-12s", label);
	for (int i = 0; i < RIG_LOAD_N_PCT; i++)
		fprintf(f, " %s %-9.1f", rig_load_pct_names[i],
			us(rig_hist_percentile(h, rig_load_pcts[i])));
	fprintf(f, " max %.1f us\n", us(rig_hist_max(h)));
}

void rig_load_result_print(const struct rig_load_result *r, const char *url, FILE *f)
{
	fprintf(f, "%s load on %s: %d connections, %d threads, %.1f s measured\n",
		r->model == RIG_LOAD_RATE ? "constant-rate" : "closed", url ? url : "?",
		r->connections_used, r->threads_used, r->window_s);
	if (r->model == RIG_LOAD_RATE)
		fprintf(f, "  target       %.0f req/s\n", r->target_rate);
	fprintf(f, "  requests     %llu (%.1f req/s; per second: median %.0f, cv %.3f)\n",
		(unsigned long long)r->requests, r->qps, r->qps_median, r->qps_cv);
	print_hist(f, r->model == RIG_LOAD_RATE ? "latency" : "latency", r->latency);
	if (r->model == RIG_LOAD_RATE)
		print_hist(f, "uncorrected", r->uncorrected);
	fprintf(f, "  errors      ");
	for (int k = 0; k < RIG_LOAD_E_COUNT_; k++)
		fprintf(f, " %s %llu", rig_load_errclass_name(k), (unsigned long long)r->errors[k]);
	fprintf(f, "\n");
	if (r->fault[0])
		fprintf(f, "  first fault  %s\n", r->fault);
	if (r->backlog)
		fprintf(f,
			"  backlog      %llu requests due in the window were never sent "
			"(the rate was not sustained)\n",
			(unsigned long long)r->backlog);
	fprintf(f, "  generator    %.2f s CPU, %.2f ms per 10k requests\n",
		(double)(r->cpu_user_ns + r->cpu_sys_ns) / 1e9, cpu_per_10k(r) / 1e6);
}

static void hist_metrics(struct rig_sample *s, const struct rig_hist *h, const char *infix)
{
	char name[48];

	for (int i = 0; i < RIG_LOAD_N_PCT; i++) {
		snprintf(name, sizeof(name), "%s%s_us", rig_load_pct_names[i], infix);
		rig_sample_set(s, name, us(rig_hist_percentile(h, rig_load_pcts[i])), "us");
	}
	snprintf(name, sizeof(name), "max%s_us", infix);
	rig_sample_set(s, name, us(rig_hist_max(h)), "us");
}

void rig_load_result_to_sample(const struct rig_load_result *r, struct rig_sample *s)
{
	char name[48];

	rig_sample_set(s, "qps", r->qps, "req/s");
	rig_sample_set(s, "qps_median", r->qps_median, "req/s");
	rig_sample_set(s, "qps_cv", r->qps_cv, "ratio");
	rig_sample_set(s, "requests", (double)r->requests, "count");
	rig_sample_set(s, "errors", (double)rig_load_errors_total(r), "count");
	for (int k = 0; k < RIG_LOAD_E_COUNT_; k++) {
		snprintf(name, sizeof(name), "err_%s", rig_load_errclass_name(k));
		rig_sample_set(s, name, (double)r->errors[k], "count");
	}
	rig_sample_set(s, "backlog", (double)r->backlog, "count");
	rig_sample_set(s, "load_cpu_ns_per_10k", cpu_per_10k(r), "ns");
	hist_metrics(s, r->latency, "");
	hist_metrics(s, r->uncorrected, "_unc");
	/* the histograms themselves, so a run's percentiles merge over its
	 * samples (results_load.c) instead of being averaged */
	for (int k = 0; k < 2; k++) {
		struct rig_buf b = {0};
		rig_hist_encode(k ? r->uncorrected : r->latency, &b);
		rig_sample_set_hist(s, k ? RIG_LOAD_HIST_UNC : RIG_LOAD_HIST, b.data, b.len);
		rig_buf_free(&b);
	}
}
