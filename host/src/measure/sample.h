/*
 * One measurement of one artifact on one board: a list of named metrics
 * plus the outcome. Every backend fills the same struct; the store keeps
 * metrics by name, so a board may add its own (stack_hwm_bytes, boot_ns...).
 *
 * Standard metric names (unit in the name's suffix where it has one):
 *   startup_ns      exec (or reset) to the ready line, measured by whoever is
 *                   nearest the program: the host for host/QEMU boards, the
 *                   agent on a Pi, the runtime's host process for WASI
 *   wall_ns         exec to exit
 *   peak_rss_kib    wait4 ru_maxrss of the process (runtime process for WASI)
 *   user_ns, sys_ns CPU time
 * Workload results ("@rig result NAME VALUE UNIT") are added as NAME/UNIT.
 */
#ifndef RIG_SAMPLE_H
#define RIG_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* Distinct metrics one sample may hold: a workload printing more distinct
 * result names fails its sample (rig's memory stays bounded). */
#define RIG_SAMPLE_MAX_METRICS 131072

struct rig_metric {
	char name[48];
	char unit[24]; /* report units are up to RIG_REPORT_MAX_UNIT (16) characters */
	double value;
};

/* An encoded histogram kept beside the metrics (the load's latency:
 * rig_hist_encode), so percentiles merge across samples. */
#define RIG_SAMPLE_MAX_HISTS 4
struct rig_sample_hist {
	char name[24];
	unsigned char *data; /* owned */
	size_t len;
};

struct rig_sample {
	int ok;			/* 1: measured; 0: failed (fail_reason says why) */
	int timed_out;		/* failed because it ran past its timeout (a bench may
				   retry it on another board of the model) */
	int exit_status;	/* exit code, or 128+signal */
	char fail_reason[256];	/* empty when ok */
	char stderr_tail[1024]; /* last bytes of stderr / console, for failed samples */
	char log_path[512];	/* full console log of this sample, or empty */
	char contain[24];	/* how the program was contained (rig_contain_describe), or empty */
	struct rig_metric *metrics;
	size_t n_metrics, cap_metrics;
	uint32_t *index;  /* open-addressing hash of metric names: slot -> 1 + position */
	size_t index_cap; /* a power of two, at least twice n_metrics; 0: none yet */
	struct rig_sample_hist hists[RIG_SAMPLE_MAX_HISTS];
	size_t n_hists;
	/* report-line accounting from the parser */
	unsigned long noise_lines, corrupt_lines, cut_lines, retries;
};

/* Adds or replaces metric name (found by hash: constant time however many
 * there are). Returns 0, or -1 when the metric is new and the sample already
 * holds RIG_SAMPLE_MAX_METRICS (nothing is added). */
int rig_sample_set(struct rig_sample *s, const char *name, double value, const char *unit);
/* Returns 1 and *value when present. Constant time. */
int rig_sample_get(const struct rig_sample *s, const char *name, double *value);
void rig_sample_fail(struct rig_sample *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Keeps the last sizeof(stderr_tail)-1 bytes of text. */
void rig_sample_set_tail(struct rig_sample *s, const char *text, size_t len);
void rig_sample_free(struct rig_sample *s);
/* Adds (or replaces) histogram name with a copy of data. 0, or -1 when
 * RIG_SAMPLE_MAX_HISTS are held already or the name is too long. */
int rig_sample_set_hist(struct rig_sample *s, const char *name, const void *data, size_t len);

#endif
