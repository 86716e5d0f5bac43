/* The load generator's target and options: the URL, its address and its
 * request bytes, and the checks of rig_load_opts (load.h). */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

/* http://host[:port][/path] */
static int parse_url(const char *url, char *host, size_t hcap, char *port, size_t pcap,
		     const char **path, struct rig_error *err)
{
	const char *p, *hs, *he, *ps = NULL;

	if (!url || strncmp(url, "http://", 7) != 0)
		return rig_fail(err, RIG_ERR_INVALID,
				"URL '%s': expected http://HOST[:PORT][/PATH] (https is not "
				"supported)",
				url ? url : "");
	hs = url + 7;
	if (*hs == '[') {
		he = strchr(hs, ']');
		if (!he)
			return rig_fail(err, RIG_ERR_INVALID, "URL '%s': unclosed '[' in the host",
					url);
		p = he + 1;
		hs++;
	} else {
		he = hs + strcspn(hs, ":/?");
		p = he;
	}
	if (he == hs || (size_t)(he - hs) >= hcap)
		return rig_fail(err, RIG_ERR_INVALID, "URL '%s': no host, or a host too long", url);
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	if (*p == ':') {
		ps = ++p;
		p += strspn(p, "0123456789");
		if (p == ps || (size_t)(p - ps) >= pcap || atoi(ps) < 1 || atoi(ps) > 65535)
			return rig_fail(err, RIG_ERR_INVALID,
					"URL '%s': the port must be a number from 1 to 65535", url);
		memcpy(port, ps, (size_t)(p - ps));
		port[p - ps] = '\0';
	} else {
		snprintf(port, pcap, "80");
	}
	if (*p && *p != '/' && *p != '?')
		return rig_fail(err, RIG_ERR_INVALID, "URL '%s': unexpected '%c' after the host",
				url, *p);
	*path = *p ? p : "/";
	for (const char *q = *path; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return rig_fail(err, RIG_ERR_INVALID,
					"URL '%s': the path has a space or control character", url);
	return 0;
}

int rig_load_target_make(const char *url, struct rig_load_target *tg, struct rig_error *err)
{
	char host[256], port[8];
	const char *path = NULL;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	struct rig_buf b = {0};
	int rc;

	if ((rc = parse_url(url, host, sizeof(host), port, sizeof(port), &path, err)))
		return rc;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) || !ai)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "URL '%s': cannot resolve '%s': %s", url,
				host, gai_strerror(rc));
	memcpy(&tg->addr, ai->ai_addr, ai->ai_addrlen);
	tg->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	rig_buf_appendf(&b, "GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: rig-load\r\n\r\n",
			path, strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
			strcmp(port, "80") ? ":" : "", strcmp(port, "80") ? port : "");
	tg->req = b.data;
	tg->req_len = b.len;
	tg->path = rig_xasprintf("%s", path);
	tg->authority = rig_xasprintf("%s%s%s:%s", strchr(host, ':') ? "[" : "", host,
				      strchr(host, ':') ? "]" : "", port);
	return 0;
}

int rig_load_check_opts(const struct rig_load_opts *o, struct rig_error *err)
{
	if (o->connections < 1 || o->connections > 100000)
		return rig_fail(err, RIG_ERR_INVALID, "connections: expected 1..100000, got %d",
				o->connections);
	if (o->threads < 1 || o->threads > 1024)
		return rig_fail(err, RIG_ERR_INVALID, "threads: expected 1..1024, got %d",
				o->threads);
	if (o->pipeline < 1 || o->pipeline > RIG_LOAD_MAX_PIPELINE)
		return rig_fail(err, RIG_ERR_INVALID, "pipeline: expected 1..%d, got %d",
				RIG_LOAD_MAX_PIPELINE, o->pipeline);
	if (o->requests <= 0 && o->duration_ms <= 0)
		return rig_fail(err, RIG_ERR_INVALID,
				"a duration or a request count is needed (got neither)");
	if (o->model == RIG_LOAD_RATE && !(o->rate > 0 && o->rate <= 1e8))
		return rig_fail(err, RIG_ERR_INVALID, "rate: expected 0 < rate <= 1e8, got %g",
				o->rate);
	if (o->warmup_ms < 0 || o->timeout_ms < 0)
		return rig_fail(err, RIG_ERR_INVALID, "warm-up and timeout must not be negative");
	return 0;
}
