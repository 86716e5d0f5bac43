/* `--load` specs: see rig_load_spec_parse in load.h. */
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "grpc.h"
#include "load.h"
#include "util.h"

static int bad(struct rig_error *err, const char *spec, const char *key, const char *val,
	       const char *want)
{
	return rig_fail(err, RIG_ERR_INVALID, "--load '%s': %s=%s: expected %s", spec, key, val,
			want);
}

int rig_load_spec_parse(const char *spec, struct rig_load_spec *out, struct rig_error *err)
{
	char buf[256], *save = NULL, *item;
	const char *colon = strchr(spec, ':');
	size_t ml = colon ? (size_t)(colon - spec) : strlen(spec);
	int have_rate = 0, have_dur = 0, said_h1 = 0;

	memset(out, 0, sizeof(*out));
	out->opts.connections = 64;
	out->opts.threads = 2;
	out->opts.pipeline = 1;
	out->opts.timeout_ms = 2000;
	snprintf(out->path, sizeof(out->path), "/plaintext");
	snprintf(out->metrics, sizeof(out->metrics), "/metrics");
	out->req_bytes = 64;
	if (ml == 6 && strncmp(spec, "closed", 6) == 0)
		out->opts.model = RIG_LOAD_CLOSED;
	else if (ml == 4 && strncmp(spec, "rate", 4) == 0)
		out->opts.model = RIG_LOAD_RATE;
	else
		return rig_fail(err, RIG_ERR_INVALID,
				"--load '%s': the model must be 'closed' or 'rate' (e.g. "
				"closed:c=64,d=10s or rate:r=20000,c=64,d=20s)",
				spec);
	if (colon && strlen(colon + 1) >= sizeof(buf))
		return rig_fail(err, RIG_ERR_INVALID, "--load: the spec is too long (%zu bytes)",
				strlen(spec));
	snprintf(buf, sizeof(buf), "%s", colon ? colon + 1 : "");
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		const char *key = item, *val;
		long long v;

		if (!eq)
			return rig_fail(err, RIG_ERR_INVALID,
					"--load '%s': '%s' is not KEY=VALUE (keys: c, t, d, w, r, "
					"n, p, timeout, path, cpus, proto, grpc, data, metrics, bytes)",
					spec, item);
		*eq = '\0';
		val = eq + 1;
		if (strcmp(key, "c") == 0) {
			if (rig_parse_count(val, 1, 100000, &v))
				return bad(err, spec, key, val, "a connection count 1..100000");
			out->opts.connections = (int)v;
		} else if (strcmp(key, "t") == 0) {
			if (rig_parse_count(val, 1, 1024, &v))
				return bad(err, spec, key, val, "a thread count 1..1024");
			out->opts.threads = (int)v;
		} else if (strcmp(key, "p") == 0) {
			if (rig_parse_count(val, 1, RIG_LOAD_MAX_PIPELINE, &v))
				return bad(err, spec, key, val, "a pipeline depth 1..64");
			out->opts.pipeline = (int)v;
		} else if (strcmp(key, "r") == 0) {
			if (rig_parse_count(val, 1, 100000000, &v))
				return bad(err, spec, key, val, "a rate 1..100M requests/s");
			out->opts.rate = (double)v;
			have_rate = 1;
		} else if (strcmp(key, "n") == 0) {
			if (rig_parse_count(val, 1, 1000000000000LL, &v))
				return bad(err, spec, key, val, "a request count >= 1");
			out->opts.requests = v;
		} else if (strcmp(key, "d") == 0 || strcmp(key, "w") == 0 ||
			   strcmp(key, "timeout") == 0) {
			if (rig_parse_duration_ms(val, &v) || v > 86400000LL ||
			    (v <= 0 && key[0] != 'w'))
				return bad(err, spec, key, val,
					   "a duration such as 500ms, 10s, 1m");
			if (key[0] == 'd')
				out->opts.duration_ms = v, have_dur = 1;
			else if (key[0] == 'w')
				out->opts.warmup_ms = v;
			else
				out->opts.timeout_ms = v;
		} else if (strcmp(key, "proto") == 0) {
			if (strcmp(val, "h1") != 0 && strcmp(val, "h2c") != 0)
				return bad(err, spec, key, val, "h1 or h2c");
			out->opts.h2c = val[1] == '2';
			said_h1 = !out->opts.h2c;
		} else if (strcmp(key, "cpus") == 0) {
			size_t n = strlen(val);
			if (!n || n >= sizeof(out->cpus) || strspn(val, "0123456789-+") != n)
				return bad(err, spec, key, val,
					   "CPU numbers and ranges joined by '+', e.g. 0 or 0+2-3");
			for (size_t i = 0; i <= n; i++)
				out->cpus[i] = val[i] == '+' ? ',' : val[i];
		} else if (strcmp(key, "grpc") == 0) {
			if (!rig_grpc_method_ok(val) || strlen(val) >= sizeof(out->grpc))
				return bad(err, spec, key, val,
					   "a gRPC method path /package.Service/Method");
			snprintf(out->grpc, sizeof(out->grpc), "%s", val);
			out->opts.grpc = out->grpc;
		} else if (strcmp(key, "metrics") == 0) {
			if (strcmp(val, "off") == 0)
				out->metrics[0] = '\0';
			else if (val[0] != '/' || strlen(val) >= sizeof(out->metrics) ||
				 strpbrk(val, " \t\r\n"))
				return bad(err, spec, key, val, "a path starting with '/', or off");
			else
				snprintf(out->metrics, sizeof(out->metrics), "%s", val);
		} else if (strcmp(key, "data") == 0) {
			if (!val[0] || strlen(val) >= sizeof(out->data))
				return bad(err, spec, key, val, "a file name");
			snprintf(out->data, sizeof(out->data), "%s", val);
		} else if (strcmp(key, "bytes") == 0) {
			if (rig_parse_count(val, 0, 4096, &v))
				return bad(err, spec, key, val, "a request size 0..4096 bytes");
			out->req_bytes = (int)v;
		} else if (strcmp(key, "path") == 0) {
			if (val[0] != '/' || strlen(val) >= sizeof(out->path) ||
			    strpbrk(val, " \t\r\n"))
				return bad(err, spec, key, val, "a path starting with '/'");
			snprintf(out->path, sizeof(out->path), "%s", val);
		} else {
			return rig_fail(err, RIG_ERR_INVALID,
					"--load '%s': unknown key '%s' (keys: c, t, d, w, r, n, p, "
					"timeout, path, cpus, proto, grpc, data, metrics, bytes)",
					spec, key);
		}
	}
	if (out->opts.model == RIG_LOAD_RATE && !have_rate)
		return rig_fail(err, RIG_ERR_INVALID, "--load '%s': the rate model needs r=RATE",
				spec);
	if (out->opts.model == RIG_LOAD_CLOSED && have_rate)
		return rig_fail(err, RIG_ERR_INVALID,
				"--load '%s': r= is for the rate model (rate:r=...)", spec);
	if (out->data[0] && !out->grpc[0])
		return rig_fail(err, RIG_ERR_INVALID,
				"--load '%s': data= is the gRPC request message: give grpc= too",
				spec);
	if (out->grpc[0] && said_h1)
		return rig_fail(err, RIG_ERR_INVALID,
				"--load '%s': gRPC runs over HTTP/2: proto=h1 does not go with "
				"grpc=",
				spec);
	if (!have_dur && !out->opts.requests)
		out->opts.duration_ms = 10000;
	if (have_dur && out->opts.requests)
		return rig_fail(err, RIG_ERR_INVALID, "--load '%s': give d= or n=, not both", spec);
	return 0;
}

int rig_load_parse_cpus(const char *list, int **cpus, size_t *n, struct rig_error *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	const char *p = list;

	*cpus = NULL;
	*n = 0;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;
		if (end == p || a < 0)
			goto bad;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		if (b >= ncpu) {
			free(*cpus);
			*cpus = NULL;
			return rig_fail(err, RIG_ERR_INVALID,
					"--cpus '%s': this machine has CPUs 0 to %ld, got %ld",
					list, ncpu - 1, b);
		}
		for (long c = a; c <= b; c++) {
			*cpus = rig_xrealloc(*cpus, (*n + 1) * sizeof(**cpus));
			(*cpus)[(*n)++] = (int)c;
		}
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	if (!*n)
		goto bad;
	return 0;
bad:
	free(*cpus);
	*cpus = NULL;
	*n = 0;
	return rig_fail(err, RIG_ERR_INVALID,
			"--cpus '%s': expected CPU numbers and ranges such as 0,2-3", list);
}

void rig_load_default_cpus(int exclude, int **cpus, size_t *n)
{
	cpu_set_t set;

	*cpus = NULL;
	*n = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set) && c != exclude) {
				*cpus = rig_xrealloc(*cpus, (*n + 1) * sizeof(**cpus));
				(*cpus)[(*n)++] = c;
			}
	if (!*n) {
		*cpus = rig_xmalloc(sizeof(**cpus));
		(*cpus)[0] = sched_getcpu() >= 0 ? sched_getcpu() : 0;
		*n = 1;
	}
}
