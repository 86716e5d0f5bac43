/*
 * Fuzz target: the OpenMetrics writer (openmetrics.h). The input is up to
 * six NUL-separated strings (board, workload, profile, metric name, unit,
 * toolchain version) and 8 raw bytes of a double; they make one results row
 * with one workload metric. Whatever they hold, the text must keep the
 * format's rules: valid UTF-8, every line a "# TYPE|UNIT|HELP" line or a
 * sample whose name is [a-zA-Z0-9_] and starts with rig_, quotes inside
 * label sets balanced (each inner quote escaped), and "# EOF" last.
 * Seeds: tests/fuzz/corpus/openmetrics/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "openmetrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_sample(const char *line, size_t len)
{
	size_t i = 0;
	int in_quotes = 0;

	check(len > 4 && strncmp(line, "rig_", 4) == 0);
	while (i < len && line[i] != '{' && line[i] != ' ') {
		char c = line[i++];
		check((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_');
	}
	for (; i < len; i++) {
		if (line[i] == '\\' && in_quotes) {
			check(i + 1 < len && strchr("\\\"n", line[i + 1]));
			i++;
		} else if (line[i] == '"') {
			in_quotes = !in_quotes;
		}
	}
	check(!in_quotes);
}

static void check_text(const struct rig_buf *b)
{
	const char *p = b->data;

	for (const unsigned char *u = (const unsigned char *)p; *u;) {
		size_t n = rig_utf8_len(u);
		check(n > 0);
		u += n;
	}
	check(b->len >= 6 && strcmp(p + b->len - 6, "# EOF\n") == 0);
	while (*p) {
		const char *nl = strchr(p, '\n');
		check(nl != NULL);
		if (strncmp(p, "# ", 2) == 0)
			check(strncmp(p, "# TYPE rig_", 11) == 0 || strncmp(p, "# UNIT rig_", 11) == 0 ||
			      strncmp(p, "# HELP rig_", 11) == 0 || strcmp(p, "# EOF\n") == 0);
		else
			check_sample(p, (size_t)(nl - p));
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *field[6] = {"", "", "", "", "", ""};
	static char names[1][48];
	struct rig_stat st;
	struct rig_row r;
	struct rig_results res = {.rows = &r, .n = 1};
	struct rig_buf b = {0};
	double v = 1.5;
	char *s;
	size_t n = 0, at = 0;

	if (size >= 8) {
		memcpy(&v, data + size - 8, 8);
		size -= 8;
	}
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	while (n < 6 && at <= size) {
		field[n++] = s + at;
		at += strlen(s + at) + 1;
	}
	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	snprintf(r.board, sizeof(r.board), "%s", field[0]);
	snprintf(r.workload, sizeof(r.workload), "%s", field[1]);
	snprintf(r.profile, sizeof(r.profile), "%s", field[2]);
	snprintf(names[0], sizeof(names[0]), "%s", field[3]);
	snprintf(st.unit, sizeof(st.unit), "%s", field[4]);
	snprintf(r.tc_version, sizeof(r.tc_version), "%s", field[5]);
	st.present = 1;
	st.s.median = v;
	st.s.ci_lo = v / 2;
	st.s.ci_hi = v * 2;
	r.m[RIG_M_STARTUP] = st;
	snprintf(r.m[RIG_M_STARTUP].unit, sizeof(st.unit), "ns");
	r.m[RIG_M_STARTUP].has_ratio = 1;
	r.m[RIG_M_STARTUP].ratio = v;
	r.extra = &st;
	r.extra_names = names;
	r.n_extra = 1;
	r.n_ok = 3;
	r.sizes.file_bytes = 100;
	rig_openmetrics_write(&res, NULL, &b);
	check_text(&b);
	rig_buf_free(&b);
	free(s);
	return 0;
}
