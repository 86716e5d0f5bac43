/* gRPC unary framing and response checks: see grpc.h. */
#include "grpc.h"

#include <stdio.h>
#include <string.h>

void rig_grpc_frame(const void *msg, size_t len, struct rig_buf *out)
{
	uint8_t p[5] = {0, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			(uint8_t)len};

	rig_buf_append(out, p, sizeof(p));
	if (len)
		rig_buf_append(out, msg, len);
}

int rig_grpc_method_ok(const char *path)
{
	const char *slash;

	if (!path || path[0] != '/' || !(slash = strchr(path + 1, '/')) || slash == path + 1 ||
	    !slash[1] || strchr(slash + 1, '/'))
		return 0;
	for (const char *q = path; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return 0;
	return 1;
}

void rig_grpc_resp_init(struct rig_grpc_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = -1;
}

static void fault(struct rig_grpc_resp *r, const char *what)
{
	if (!r->bad)
		snprintf(r->why, sizeof(r->why), "%s", what);
	r->bad = 1;
}

static int is(const uint8_t *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

/* grpc-status is 1*DIGIT (PROTOCOL-HTTP2.md: "Status -> grpc-status 1*DIGIT");
 * the codes in use are 0..16: more than 3 digits are refused. */
static int parse_status(const uint8_t *v, size_t len)
{
	int s = 0;

	if (len == 0 || len > 3)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		s = s * 10 + (v[i] - '0');
	}
	return s;
}

void rig_grpc_header(struct rig_grpc_resp *r, const uint8_t *name, size_t namelen,
		     const uint8_t *value, size_t valuelen)
{
	if (is(name, namelen, "grpc-status")) {
		int s = parse_status(value, valuelen);
		if (s < 0)
			fault(r, "grpc-status is not a number");
		else if (r->status >= 0 && r->status != s)
			fault(r, "two different grpc-status values");
		else
			r->status = s;
	} else if (is(name, namelen, "content-type")) {
		/* application/grpc, application/grpc+proto, application/grpc;... */
		static const char base[] = "application/grpc";
		size_t bl = sizeof(base) - 1;
		r->content_type = valuelen >= bl && memcmp(value, base, bl) == 0 &&
					  (valuelen == bl || value[bl] == '+' || value[bl] == ';')
				      ? 1
				      : -1;
	} else if (is(name, namelen, "grpc-encoding")) {
		r->encoding = !(valuelen == 8 && memcmp(value, "identity", 8) == 0);
	}
}

/* The 5-byte prefix is complete: checks it and starts the message. */
static void start_message(struct rig_grpc_resp *r)
{
	uint32_t ml = (uint32_t)r->prefix[1] << 24 | (uint32_t)r->prefix[2] << 16 |
		      (uint32_t)r->prefix[3] << 8 | r->prefix[4];

	if (r->prefix[0] > 1)
		fault(r, "compressed flag neither 0 nor 1");
	else if (r->prefix[0] == 1 && !r->encoding)
		fault(r, "compressed message without grpc-encoding");
	else if (ml > RIG_GRPC_MAX_MESSAGE)
		fault(r, "message longer than 4 MiB");
	r->left = ml;
	if (!ml && !r->bad) {
		r->messages++;
		r->have = 0;
	}
}

void rig_grpc_data(struct rig_grpc_resp *r, const uint8_t *data, size_t len)
{
	while (len && !r->bad) {
		size_t n;

		if (r->have < sizeof(r->prefix)) {
			n = sizeof(r->prefix) - r->have;
			if (n > len)
				n = len;
			memcpy(r->prefix + r->have, data, n);
			r->have = (uint8_t)(r->have + n);
			data += n;
			len -= n;
			if (r->have == sizeof(r->prefix))
				start_message(r);
			continue;
		}
		n = len < r->left ? len : r->left;
		r->left -= (uint32_t)n;
		data += n;
		len -= n;
		if (!r->left) {
			r->messages++;
			r->have = 0;
		}
	}
}

enum rig_grpc_verdict rig_grpc_end(struct rig_grpc_resp *r)
{
	if (!r->bad && (r->have || r->left))
		fault(r, "the stream ended inside a message");
	if (!r->bad && r->content_type != 1)
		fault(r,
		      r->content_type ? "content-type is not application/grpc" : "no content-type");
	if (!r->bad && r->status < 0)
		fault(r, "no grpc-status trailer");
	if (!r->bad && r->status == 0 && r->messages != 1)
		fault(r, "a unary call answered OK without exactly one message");
	if (r->bad)
		return RIG_GRPC_MALFORMED;
	return r->status == 0 ? RIG_GRPC_OK : RIG_GRPC_STATUS;
}
