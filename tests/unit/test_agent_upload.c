/*
 * Uploads under agent protocol 3 (docs/agent.md): every PUT_DATA chunk is
 * under the session's tag, whose per-byte part is the chunk's unkeyed
 * BLAKE2b (computed once per artifact by a prepared upload, whatever the
 * number of boards). What must still be refused: a tampered chunk, a
 * replayed chunk, a chunk from another session, and a peer of another
 * protocol version, each with the old file intact; and what the sharing
 * must give: one read and one hash for many boards, each board's file
 * exact. The x86_64 agent on loopback through the host client.
 */
#include "rigtest.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_client.h"
#include "agentfx.h"
#include "rig_frame.h"

static struct agentfx *const fx = &agentfx_shared;

static void write_raw(struct rig_agent *a, const uint8_t *buf, size_t len)
{
	struct rig_error err = {0};

	if (rig_transport_write(rig_agent_transport(a), buf, len, 5000, &err) != (ssize_t)len)
		fail_msg("write: %s", err.msg);
}

/* Encodes a frame in a's session (taking its next sequence number). */
static size_t encode(struct rig_agent *a, uint8_t type, const uint8_t *p, size_t n, uint8_t *out)
{
	size_t len =
	    rig_frame_encode(rig_agent_session(a), type, p, (uint32_t)n, out, RIG_FRAME_MAX);

	assert_true(len > 0);
	return len;
}

static void expect_reply(struct rig_agent *a, uint8_t want, const char *needle)
{
	uint8_t p[600], type;
	size_t n;
	struct rig_error err = {0};
	struct rig_frame_reader r;
	char msg[500] = "";

	if (rig_agent_recv_frame(a, &type, p, sizeof(p), &n, 5000, &err))
		fail_msg("no answer: %s", err.msg);
	if (type == RIG_MSG_ERROR) {
		rig_frame_reader_init(&r, p, n);
		rig_frame_get_u32(&r);
		rig_frame_get_str(&r, msg, sizeof(msg));
	}
	if (type != want)
		fail_msg("agent answered %s (%s), expected %s", rig_frame_type_name(type), msg,
			 rig_frame_type_name(want));
	if (needle && !strstr(msg, needle))
		fail_msg("agent said \"%s\", expected it to mention \"%s\"", msg, needle);
}

/* PUT_BEGIN for data as one prepared upload would send it. */
static struct rig_agent_upload *begin(struct rig_agent *a, const char *name, const void *data,
				      size_t len)
{
	static uint8_t frame[RIG_FRAME_MAX];
	struct rig_agent_upload *up;
	struct rig_frame_writer w;
	struct rig_error err = {0};
	uint8_t p[256];

	assert_int_equal(rig_agent_upload_prepare(data, len, &up, &err), 0);
	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_str(&w, name);
	rig_frame_put_u64(&w, len);
	rig_frame_put_bytes(&w, up->digest, 32);
	rig_frame_put_u32(&w, 0644);
	write_raw(a, frame, encode(a, RIG_MSG_PUT_BEGIN, p, w.len, frame));
	expect_reply(a, RIG_MSG_OK, NULL);
	return up;
}

/* The PUT_DATA frame of chunk i in a's session, into out. */
static size_t chunk_frame(struct rig_agent *a, const struct rig_agent_upload *up, size_t i,
			  uint8_t *out)
{
	static uint8_t p[RIG_FRAME_MAX_PAYLOAD];
	struct rig_frame_writer w;
	size_t off, n = rig_agent_upload_chunk(up, i, &off);

	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_u64(&w, off);
	rig_frame_put_bytes(&w, up->data + off, n);
	return encode(a, RIG_MSG_PUT_DATA, p, w.len, out);
}

static void fix_crc(uint8_t *frame, size_t len)
{
	uint32_t crc = rig_frame_crc32(0, frame, len - 4);

	frame[len - 4] = (uint8_t)(crc >> 24), frame[len - 3] = (uint8_t)(crc >> 16);
	frame[len - 2] = (uint8_t)(crc >> 8), frame[len - 1] = (uint8_t)crc;
}

static char *blob(size_t n, char c)
{
	char *b = malloc(n);

	for (size_t i = 0; i < n; i++)
		b[i] = (char)(c + i % 7);
	return b;
}

static void old_file_is_intact(const char *name, const char *old)
{
	char *got = agentfx_read(fx, name, NULL);

	assert_non_null(got);
	assert_string_equal(got, old);
	free(got);
	for (int i = 0; i < 200 && agentfx_tmp_files(fx) != 0; i++)
		usleep(10000);
	assert_int_equal(agentfx_tmp_files(fx), 0);
}

/* A data byte changed on the way, the CRC recomputed (an attacker, not line
 * noise): the tag fails at that chunk and the session ends. */
static void tampered_chunk_ends_the_session_and_keeps_the_old_file(void **state)
{
	static uint8_t frame[RIG_FRAME_MAX];
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};
	size_t size = 3 * RIG_FRAME_MAX_CHUNK + 100, len;
	char *data = blob(size, 'a');
	struct rig_agent_upload *up;

	(void)state;
	assert_int_equal(rig_agent_put(a, "t.bin", "old", 3, 0644, &err), 0);
	up = begin(a, "t.bin", data, size);
	write_raw(a, frame, chunk_frame(a, up, 0, frame));
	len = chunk_frame(a, up, 1, frame);
	/* one flipped payload bit: the CRC of a tagged frame leaves the payload
	 * out, so nothing else changes and the tag must catch it */
	frame[RIG_FRAME_HEADER + 8 + 1000] ^= 0x20;
	write_raw(a, frame, len);
	expect_reply(a, RIG_MSG_ERROR, "bad authentication tag");
	old_file_is_intact("t.bin", "old");
	rig_agent_upload_free(up);
	rig_agent_close(a);
	free(data);
}

/* The same chunk frame sent twice: the second has a stale sequence number. */
static void replayed_chunk_is_refused(void **state)
{
	static uint8_t frame[RIG_FRAME_MAX];
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};
	size_t size = 2 * RIG_FRAME_MAX_CHUNK, len;
	char *data = blob(size, 'r');
	struct rig_agent_upload *up;

	(void)state;
	assert_int_equal(rig_agent_put(a, "r.bin", "old", 3, 0644, &err), 0);
	up = begin(a, "r.bin", data, size);
	len = chunk_frame(a, up, 0, frame);
	write_raw(a, frame, len);
	write_raw(a, frame, len);
	expect_reply(a, RIG_MSG_ERROR, "replayed");
	old_file_is_intact("r.bin", "old");
	rig_agent_upload_free(up);
	rig_agent_close(a);
	free(data);
}

/* A chunk of the same artifact at the right offset and the right sequence
 * number, tagged in another session (another session key): refused, though
 * its bytes and its payload digest are the ones expected. */
static void chunk_from_another_session_is_refused(void **state)
{
	static uint8_t frame[RIG_FRAME_MAX];
	struct rig_agent *a = agentfx_connect_ok(), *b = agentfx_connect_ok();
	struct rig_error err = {0};
	size_t size = RIG_FRAME_MAX_CHUNK + 5;
	char *data = blob(size, 's');
	struct rig_agent_upload *up;

	(void)state;
	assert_int_equal(rig_agent_put(a, "s.bin", "old", 3, 0644, &err), 0);
	up = begin(a, "s.bin", data, size);
	rig_agent_session(b)->tx_seq = rig_agent_session(a)->tx_seq;
	write_raw(a, frame, chunk_frame(b, up, 0, frame));
	expect_reply(a, RIG_MSG_ERROR, "bad authentication tag");
	old_file_is_intact("s.bin", "old");
	rig_agent_upload_free(up);
	rig_agent_close(a);
	rig_agent_close(b);
	free(data);
}

/* A host of protocol 2 (its HELLO says so in the frame header): the agent
 * names both versions and what to do. */
static void agent_names_a_host_of_another_version(void **state)
{
	struct rig_transport *t;
	struct rig_frame_session s;
	struct rig_frame_decoder d;
	static uint8_t buf[RIG_FRAME_MAX], dbuf[RIG_FRAME_MAX];
	uint8_t hello[36] = {0, 0, 0, 2};
	struct rig_error err = {0};
	struct rig_frame f;
	struct rig_frame_reader r;
	char msg[400];
	size_t len, used;
	ssize_t n;

	(void)state;
	assert_int_equal(rig_transport_connect(fx->addr, 5000, &t, &err), 0);
	rig_frame_session_init(&s, rig_agent_mac, 0);
	len = rig_frame_encode(&s, RIG_MSG_HELLO, hello, sizeof(hello), buf, sizeof(buf));
	buf[2] = 2; /* as an older rig encodes it */
	fix_crc(buf, len);
	rig_transport_write(t, buf, len, 5000, &err);
	n = rig_transport_read(t, buf, sizeof(buf), 5000, &err);
	assert_true(n > 0);
	rig_frame_decoder_init(&d, dbuf, sizeof(dbuf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(rig_frame_decoder_push(&d, buf, (size_t)n, &used, &f), RIG_FRAME_OK);
	assert_int_equal(f.type, RIG_MSG_ERROR);
	rig_frame_reader_init(&r, f.payload, f.len);
	assert_int_equal(rig_frame_get_u32(&r), RIG_FERR_VERSION);
	rig_frame_get_str(&r, msg, sizeof(msg));
	{
		char want[64];
		snprintf(want, sizeof(want), "agent protocol 2, this agent speaks %d",
			 RIG_FRAME_VERSION);
		if (!strstr(msg, want))
			fail_msg("agent said \"%s\"", msg);
	}
	rig_transport_close(t);
}

/* An agent of protocol 2 answers (an ERROR in a version-2 frame, what such
 * an agent sends to our HELLO): the host names both versions. */
static void host_names_an_agent_of_another_version(void **state)
{
	struct rig_frame_session s;
	struct rig_transport *t;
	struct rig_agent *a = NULL;
	struct rig_error err = {0};
	uint8_t buf[256], p[64];
	struct rig_frame_writer w;
	int sv[2];
	size_t len;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	rig_frame_session_init(&s, rig_agent_mac, 1);
	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_u32(&w, RIG_FERR_VERSION);
	rig_frame_put_str(&w, "frame version is not 2");
	len = rig_frame_encode(&s, RIG_MSG_ERROR, p, w.len, buf, sizeof(buf));
	buf[2] = 2;
	fix_crc(buf, len);
	assert_int_equal(write(sv[1], buf, len), (ssize_t)len);
	assert_int_equal(rig_transport_fd_open(sv[0], "old-agent", &t, &err), 0);
	assert_int_not_equal(rig_agent_open(t, "old-agent", fx->key, fx->key_len, 2000, &a, &err),
			     0);
	{
		char want[64];
		snprintf(want, sizeof(want), "speaks agent protocol 2, this rig speaks %d",
			 RIG_FRAME_VERSION);
		if (!strstr(err.msg, want))
			fail_msg("host said \"%s\"", err.msg);
	}
	close(sv[1]);
}

struct fan {
	struct rig_agent_upload *up;
	char name[32];
	int rc;
	char msg[300];
};

static void *fan_one(void *arg)
{
	struct fan *f = arg;
	struct rig_error err = {0};
	struct rig_agent *a = agentfx_connect(fx, &err);

	f->rc = a ? rig_agent_put_upload(a, f->up, f->name, 0644, &err) : -1;
	snprintf(f->msg, sizeof(f->msg), "%s", err.msg);
	rig_agent_close(a);
	return NULL;
}

/* One artifact to 6 sessions at once through the shared cache: read and
 * hashed once, every copy exact; a changed file is read again. */
static void prepared_upload_is_hashed_once_for_many_boards(void **state)
{
	char path[700], *data, *got;
	size_t size = 5 * RIG_FRAME_MAX_CHUNK + 17, n;
	struct rig_error err = {0};
	struct rig_agent_upload *up, *again;
	unsigned long loads;
	struct fan fans[6];
	pthread_t th[6];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/artifact.bin", fx->dir);
	data = blob(size, 'f');
	f = fopen(path, "w");
	assert_int_equal(fwrite(data, 1, size, f), size);
	fclose(f);
	loads = rig_agent_upload_cache_loads();
	assert_int_equal(rig_agent_upload_cached(path, &up, &err), 0);
	assert_int_equal(rig_agent_upload_cached(path, &again, &err), 0);
	assert_ptr_equal(up, again);
	assert_int_equal(rig_agent_upload_cache_loads(), loads + 1);
	rig_agent_upload_release(again);
	for (int i = 0; i < 6; i++) {
		fans[i].up = up;
		snprintf(fans[i].name, sizeof(fans[i].name), "fan%d.bin", i);
		pthread_create(&th[i], NULL, fan_one, &fans[i]);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		if (fans[i].rc)
			fail_msg("session %d: %s", i, fans[i].msg);
		got = agentfx_read(fx, fans[i].name, &n);
		assert_non_null(got);
		assert_int_equal(n, size);
		assert_memory_equal(got, data, size);
		free(got);
	}
	rig_agent_upload_release(up);
	/* a rebuilt artifact (other size) is not served from the cache */
	f = fopen(path, "a");
	fputs("more", f);
	fclose(f);
	assert_int_equal(rig_agent_upload_cached(path, &up, &err), 0);
	assert_int_equal(up->len, size + 4);
	assert_int_equal(rig_agent_upload_cache_loads(), loads + 2);
	rig_agent_upload_release(up);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tampered_chunk_ends_the_session_and_keeps_the_old_file),
	    cmocka_unit_test(replayed_chunk_is_refused),
	    cmocka_unit_test(chunk_from_another_session_is_refused),
	    cmocka_unit_test(agent_names_a_host_of_another_version),
	    cmocka_unit_test(host_names_an_agent_of_another_version),
	    cmocka_unit_test(prepared_upload_is_hashed_once_for_many_boards),
	};
	return cmocka_run_group_tests(tests, agentfx_group_setup, agentfx_group_teardown);
}
