/*
 * Fuzz target: the output formats (format.h). The first byte picks a
 * writer, the rest is its input; each writer's output must keep its
 * format's rules whatever the input:
 *   0  JSON string: quoted, no raw control bytes, every inner quote escaped
 *   1  CSV field: reads back (RFC 4180 unquoting) as the input
 *   2  benchfmt name: no whitespace, "Benchmark" prefix, "-<procs>" suffix,
 *      one '/' per part
 *   3  number formatting of 8 raw bytes as a double: NUL-terminated in cap
 *   4  benchfmt metric unit: no whitespace
 * Seeds: tests/fuzz/corpus/format/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void json_case(const char *s)
{
	struct rig_buf b = {0};

	rig_json_string(&b, s);
	check(b.len >= 2 && b.data[0] == '"' && b.data[b.len - 1] == '"');
	for (size_t i = 1; i + 1 < b.len; i++) {
		size_t bs = 0;

		check((unsigned char)b.data[i] >= 0x20);
		if (b.data[i] != '"')
			continue;
		while (bs < i && b.data[i - 1 - bs] == '\\')
			bs++;
		check(bs % 2 == 1);
	}
	rig_buf_free(&b);
}

static void csv_case(const char *s)
{
	struct rig_buf b = {0}, back = {0};
	size_t len = strlen(s);

	rig_csv_field(&b, s);
	if (len == 0) {
		check(b.len == 0);
		return;
	}
	if (b.data[0] != '"' || len == b.len) {
		check(b.len == len && !memcmp(b.data, s, len));
	} else {
		check(b.len >= 2 && b.data[b.len - 1] == '"');
		for (size_t i = 1; i + 1 < b.len; i++) {
			if (b.data[i] == '"') {
				check(b.data[i + 1] == '"' && i + 2 < b.len);
				i++;
			}
			rig_buf_append(&back, &b.data[i], 1);
		}
		check(back.len == len && !memcmp(back.data, s, len));
	}
	rig_buf_free(&back);
	rig_buf_free(&b);
}

static void name_case(const char *s, size_t len)
{
	/* "base\0key\0value\0key\0value..." */
	struct rig_benchfmt_part parts[4];
	const char *p = s + strlen(s) + 1, *end = s + len;
	size_t n = 0, slashes = 0;
	char name[256];
	struct rig_error err = {0};

	while (n < 4 && p < end) {
		parts[n].key = p;
		p += strlen(p) + 1;
		parts[n].value = p < end ? p : "";
		p += p < end ? strlen(p) + 1 : 0;
		n++;
	}
	if (rig_benchfmt_name(name, sizeof(name), s, parts, n, (int)len % 70 - 3, &err))
		return;
	check(!strncmp(name, "Benchmark", 9));
	for (const char *c = name; *c; c++) {
		check(*c > ' ' && *c <= '~');
		slashes += *c == '/';
	}
	check(slashes == n);
	p = strrchr(name, '-');
	check(p && p[1] >= '1' && p[1] <= '9' && strspn(p + 1, "0123456789") == strlen(p + 1));
}

static void number_case(const uint8_t *d, size_t len)
{
	char buf[RIG_FMT_CAP], small[6];
	double v;

	if (len < 8)
		return;
	memcpy(&v, d, sizeof(v));
	/* RIG_FMT_CAP is always enough: nothing is cut to cap - 1 bytes */
	check(strlen(rig_fmt_number(buf, sizeof(buf), v)) < sizeof(buf) - 1);
	check(strlen(rig_fmt_duration_ns(buf, sizeof(buf), v)) < sizeof(buf) - 1);
	check(strlen(rig_fmt_bytes(buf, sizeof(buf), v)) < sizeof(buf) - 1);
	check(strlen(rig_fmt_kib(buf, sizeof(buf), v)) < sizeof(buf) - 1);
	check(strlen(rig_fmt_rate(buf, sizeof(buf), v, NULL)) < sizeof(buf) - 1);
	check(strlen(rig_fmt_ratio(buf, sizeof(buf), v, 1)) < sizeof(buf) - 1);
	check(strlen(rig_fmt_value(buf, sizeof(buf), v, "ops/s")) < sizeof(buf) - 1);
	/* and a short buffer is cut, never overrun */
	check(strlen(rig_fmt_sig3(small, sizeof(small), v)) < sizeof(small));
}

static void metric_case(const char *s, size_t len)
{
	const char *unit = s + strlen(s) + 1;
	char out[64];
	double v;
	struct rig_error err = {0};

	if (unit >= s + len)
		unit = "";
	if (rig_benchfmt_metric(s, unit, 1.0, out, sizeof(out), &v, &err))
		return;
	for (const char *c = out; *c; c++)
		check(*c > ' ' && *c <= '~');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	/* the writers take C strings: a NUL-terminated copy of the rest */
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	switch (data[0] % 5) {
	case 0:
		json_case(s);
		break;
	case 1:
		csv_case(s);
		break;
	case 2:
		name_case(s, size - 1);
		break;
	case 3:
		number_case(data + 1, size - 1);
		break;
	case 4:
		metric_case(s, size - 1);
		break;
	}
	free(s);
	return 0;
}
