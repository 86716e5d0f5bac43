/* Fuzz target for the agent frame parser (firmware/protocol/rig_frame.c):
 * stream assembly with arbitrary splits, session checks, and the payload
 * readers the agent and host apply to what arrives. */
#include <stdint.h>
#include <string.h>

#include "agent_client.h"
#include "rig_frame.h"

static void read_payload(const struct rig_frame *f)
{
	struct rig_frame_reader r;
	struct rig_frame_run_done d;
	char s[RIG_FRAME_MAX_ARG + 1];
	uint32_t n;

	rig_frame_reader_init(&r, f->payload, f->len);
	rig_frame_get_run_done(&r, &d);
	rig_frame_reader_init(&r, f->payload, f->len);
	n = rig_frame_get_u32(&r);
	for (uint32_t i = 0; i < n && i < 200 && !r.bad; i++) {
		rig_frame_get_str(&r, s, sizeof(s));
		(void)rig_frame_valid_name(s);
	}
	rig_frame_reader_init(&r, f->payload, f->len);
	rig_frame_get_str(&r, s, 65);
	(void)rig_frame_get_u64(&r);
	rig_frame_reader_done(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_decoder d;
	struct rig_frame_session agent, authed;
	struct rig_frame f;
	uint8_t key[32] = {1};
	size_t off = 0, step;

	if (size == 0)
		return 0;
	/* the first byte picks the split size and the bound */
	step = (size_t)(data[0] % 64) + 1;
	rig_frame_decoder_init(&d, buf, sizeof(buf), data[0] & 0x80 ? 300 : RIG_FRAME_MAX_PAYLOAD);
	rig_frame_session_init(&agent, rig_agent_mac, 1);
	rig_frame_session_init(&authed, rig_agent_mac, 1);
	rig_frame_session_start(&authed, key);
	data++, size--;
	while (off <= size) {
		size_t n = size - off < step ? size - off : step, used;
		enum rig_frame_verdict v = rig_frame_decoder_push(&d, data + off, n, &used, &f);

		off += used;
		if (v == RIG_FRAME_OK) {
			if (f.len > d.max_payload || f.raw_len != RIG_FRAME_HEADER + f.len)
				__builtin_trap();
			(void)rig_frame_accept(&agent, &f);
			(void)rig_frame_accept(&authed, &f);
			read_payload(&f);
		}
		if (v == RIG_FRAME_NEED_MORE && off == size)
			break;
	}
	return 0;
}
