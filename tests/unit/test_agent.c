/*
 * rig-agent (the x86_64 build) on loopback, driven through the host's
 * agent client: the handshake, FACTS, uploads and removal, and every
 * refusal the threat model promises (wrong key, replay, tampering,
 * oversized frame, paths outside the work directory, truncated upload, a
 * client vanishing mid-transfer, requests with trailing bytes). Running
 * programs is tests/unit/test_agent_run.c.
 */
#include "rigtest.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_client.h"
#include "agentfx.h"
#include "rig_frame.h"
#include "rig_report.h"
#include "util.h"

static struct agentfx *const fx = &agentfx_shared;

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static struct rig_agent *connect_with(const uint8_t *key, size_t key_len, struct rig_error *err)
{
	struct rig_transport *t;
	struct rig_agent *a = NULL;

	if (rig_transport_connect(fx->addr, 5000, &t, err))
		return NULL;
	if (rig_agent_open(t, "loopback", key, key_len, 5000, &a, err))
		return NULL;
	return a;
}

static char *work_file(const char *name)
{
	static char p[700];
	snprintf(p, sizeof(p), "%s/%s", fx->work, name);
	return p;
}

static void handshake_gives_version(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();

	assert_non_null(strstr(rig_agent_version(a), "rig-agent"));
	rig_agent_close(a);
}

static void wrong_key_is_refused(void **state)
{
	struct rig_error err = {0};
	uint8_t bad[32];

	memset(bad, 0x55, sizeof(bad));
	assert_null(connect_with(bad, sizeof(bad), &err));
	assert_int_equal(err.code, RIG_ERR_AUTH);
	assert_non_null(strstr(err.msg, "key"));
}

static void facts_describe_the_machine(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_kvlist facts = {0};
	struct rig_error err = {0};

	if (rig_agent_facts(a, &facts, &err))
		fail_msg("%s", err.msg);
	assert_non_null(rig_kv_get(&facts, "kernel"));
	assert_non_null(rig_kv_get(&facts, "cores"));
	assert_true(atoi(rig_kv_get(&facts, "cores")) >= 1);
	assert_non_null(rig_kv_get(&facts, "mem_kib"));
	assert_non_null(rig_kv_get(&facts, "machine"));
	assert_non_null(rig_kv_get(&facts, "throttled"));
	rig_kv_free(&facts);
	rig_agent_close(a);
}

static char *read_work(const char *name) { return agentfx_read(fx, name, NULL); }

static void upload_lands_atomically_with_its_mode(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};
	static char big[200000];
	struct stat sb;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	if (rig_agent_put(a, "big.bin", big, sizeof(big), 0644, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(stat(work_file("big.bin"), &sb), 0);
	assert_int_equal(sb.st_size, sizeof(big));
	assert_int_equal(sb.st_mode & 0777, 0644);
	{
		char *got = read_work("big.bin");
		assert_non_null(got);
		assert_memory_equal(got, big, sizeof(big));
		free(got);
	}
	/* an empty file too */
	if (rig_agent_put(a, "empty", "", 0, 0644, &err))
		fail_msg("%s", err.msg);
	rig_agent_close(a);
}

static void names_with_dotdot_or_slash_are_refused(void **state)
{
	static const char *const bad[] = {"../escape", "..", "a/b", "/tmp/x", ".hidden"};
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};
	char outside[700];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(rig_agent_put(a, bad[i], "x", 1, 0644, &err), RIG_ERR_INVALID);
		assert_non_null(strstr(err.msg, "refused name"));
	}
	snprintf(outside, sizeof(outside), "%s/escape", fx->dir);
	assert_int_not_equal(access(outside, F_OK), 0);
	/* the session is still usable after a refusal */
	assert_int_equal(rig_agent_put(a, "fine", "x", 1, 0644, &err), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(rig_agent_remove(a, "../fine", &err), RIG_ERR_INVALID);
	rig_agent_close(a);
}

/* Sends raw PUT frames through the client's own session. */
static void send_frame(struct rig_agent *a, uint8_t type, const uint8_t *p, size_t n)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_error err = {0};
	size_t len = rig_frame_encode(rig_agent_session(a), type, p, (uint32_t)n, buf, sizeof(buf));

	assert_true(len > 0);
	if (rig_transport_write(rig_agent_transport(a), buf, len, 5000, &err) < 0)
		fail_msg("%s", err.msg);
}

static void put_begin(struct rig_agent *a, const char *name, const void *full, size_t size)
{
	uint8_t p[256], type;
	struct rig_frame_writer w;
	struct rig_error err = {0};
	struct rig_agent_upload *up;
	size_t n;

	/* the digest of full sent in one frame per 48 KiB, as the client sends it */
	assert_int_equal(rig_agent_upload_prepare(full, size, &up, &err), 0);
	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_str(&w, name);
	rig_frame_put_u64(&w, size);
	rig_frame_put_bytes(&w, up->digest, 32);
	rig_agent_upload_free(up);
	rig_frame_put_u32(&w, 0644);
	send_frame(a, RIG_MSG_PUT_BEGIN, p, w.len);
	assert_int_equal(rig_agent_recv_frame(a, &type, p, sizeof(p), &n, 5000, &err), 0);
	assert_int_equal(type, RIG_MSG_OK);
}

static void put_data(struct rig_agent *a, uint64_t off, const void *d, size_t n)
{
	static uint8_t p[RIG_FRAME_MAX_PAYLOAD];
	struct rig_frame_writer w;

	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_u64(&w, off);
	rig_frame_put_bytes(&w, d, n);
	send_frame(a, RIG_MSG_PUT_DATA, p, w.len);
}

static void expect_error(struct rig_agent *a, const char *needle)
{
	uint8_t p[600], type;
	size_t n;
	struct rig_error err = {0};
	struct rig_frame_reader r;
	char msg[500];

	if (rig_agent_recv_frame(a, &type, p, sizeof(p), &n, 5000, &err))
		fail_msg("no answer: %s", err.msg);
	assert_int_equal(type, RIG_MSG_ERROR);
	rig_frame_reader_init(&r, p, n);
	rig_frame_get_u32(&r);
	rig_frame_get_str(&r, msg, sizeof(msg));
	if (!strstr(msg, needle))
		fail_msg("agent said \"%s\", expected it to mention \"%s\"", msg, needle);
}

static void truncated_upload_leaves_old_file(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};
	char newdata[1000];
	char *got;

	assert_int_equal(rig_agent_put(a, "keep.txt", "old contents", 12, 0644, &err), 0);
	memset(newdata, 'N', sizeof(newdata));
	put_begin(a, "keep.txt", newdata, sizeof(newdata));
	put_data(a, 0, newdata, 500);
	send_frame(a, RIG_MSG_PUT_END, NULL, 0);
	expect_error(a, "truncated upload, 500 of 1000 bytes");
	got = read_work("keep.txt");
	assert_string_equal(got, "old contents");
	free(got);
	/* wrong bytes with the right length (under a valid tag): the upload
	 * digest catches them */
	put_begin(a, "keep.txt", newdata, sizeof(newdata));
	newdata[10] = 'X';
	put_data(a, 0, newdata, sizeof(newdata));
	send_frame(a, RIG_MSG_PUT_END, NULL, 0);
	expect_error(a, "upload digest");
	got = read_work("keep.txt");
	assert_string_equal(got, "old contents");
	free(got);
	rig_agent_close(a);
}

static void upload_over_the_size_bound_is_refused(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	uint8_t p[256], sha[32] = {0};
	struct rig_frame_writer w;

	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_str(&w, "huge");
	rig_frame_put_u64(&w, 1ull << 40);
	rig_frame_put_bytes(&w, sha, 32);
	rig_frame_put_u32(&w, 0644);
	send_frame(a, RIG_MSG_PUT_BEGIN, p, w.len);
	expect_error(a, "over this agent's bound");
	rig_agent_close(a);
}

static void count_tmp_files(int *n) { *n = agentfx_tmp_files(fx); }

static void agent_survives_client_vanishing_mid_upload(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};
	char data[4096];
	int tmp = -1;

	assert_int_equal(rig_agent_put(a, "survivor", "v1", 2, 0644, &err), 0);
	memset(data, 'z', sizeof(data));
	put_begin(a, "survivor", data, sizeof(data));
	put_data(a, 0, data, 1000);
	/* gone without PUT_END or BYE */
	rig_transport_close(rig_agent_transport(a));
	free(a); /* rig_agent_close would say BYE on the dead link */
	for (int i = 0; i < 200 && tmp != 0; i++) {
		count_tmp_files(&tmp);
		if (tmp)
			sleep_ms(10);
	}
	assert_int_equal(tmp, 0); /* the partial file was cleaned up */
	a = agentfx_connect_ok();
	{
		char *got = read_work("survivor");
		assert_string_equal(got, "v1");
		free(got);
	}
	rig_agent_close(a);
}

static void replayed_frame_is_refused(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	static uint8_t frame[RIG_FRAME_MAX];
	uint8_t p[8192], type;
	size_t len, n;
	struct rig_error err = {0};

	len = rig_frame_encode(rig_agent_session(a), RIG_MSG_FACTS, NULL, 0, frame, sizeof(frame));
	assert_int_equal(rig_transport_write(rig_agent_transport(a), frame, len, 5000, &err),
			 (ssize_t)len);
	assert_int_equal(rig_agent_recv_frame(a, &type, p, sizeof(p), &n, 5000, &err), 0);
	assert_int_equal(type, RIG_MSG_FACTS_OK);
	/* the same bytes again */
	assert_int_equal(rig_transport_write(rig_agent_transport(a), frame, len, 5000, &err),
			 (ssize_t)len);
	expect_error(a, "replayed");
	rig_agent_close(a);
}

static void tampered_frame_is_refused(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	static uint8_t frame[RIG_FRAME_MAX];
	uint8_t payload[] = {0, 0, 0, 4, 'f', 'i', 'n', 'e'};
	size_t len;
	struct rig_error err = {0};

	len = rig_frame_encode(rig_agent_session(a), RIG_MSG_REMOVE, payload, sizeof(payload),
			       frame, sizeof(frame));
	/* "kine": the CRC of a tagged frame leaves the payload out, so the
	 * frame still decodes and the tag must refuse it */
	frame[RIG_FRAME_HEADER + 4] = 'k';
	rig_transport_write(rig_agent_transport(a), frame, len, 5000, &err);
	expect_error(a, "bad authentication tag");
	rig_agent_close(a);
}

static void oversized_frame_is_refused(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	uint8_t hdr[RIG_FRAME_HEADER] = {RIG_FRAME_MAGIC0,
					 RIG_FRAME_MAGIC1,
					 RIG_FRAME_VERSION,
					 RIG_MSG_PUT_DATA,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 3,
					 0x01,
					 0x00,
					 0x00,
					 0x00}; /* 16 MiB */
	struct rig_error err = {0};

	rig_transport_write(rig_agent_transport(a), hdr, sizeof(hdr), 5000, &err);
	expect_error(a, "over the bound of 65536 bytes");
	rig_agent_close(a);
}

static void request_without_handshake_is_refused(void **state)
{
	struct rig_transport *t;
	struct rig_frame_session s;
	struct rig_frame_decoder d;
	static uint8_t buf[RIG_FRAME_MAX], dbuf[RIG_FRAME_MAX];
	struct rig_error err = {0};
	struct rig_frame f;
	size_t len, used;
	ssize_t r;
	struct rig_frame_reader rd;
	char msg[300];

	assert_int_equal(rig_transport_connect(fx->addr, 5000, &t, &err), 0);
	rig_frame_session_init(&s, rig_agent_mac, 0);
	len = rig_frame_encode(&s, RIG_MSG_FACTS, NULL, 0, buf, sizeof(buf));
	rig_transport_write(t, buf, len, 5000, &err);
	r = rig_transport_read(t, buf, sizeof(buf), 5000, &err);
	assert_true(r > 0);
	rig_frame_decoder_init(&d, dbuf, sizeof(dbuf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(rig_frame_decoder_push(&d, buf, (size_t)r, &used, &f), RIG_FRAME_OK);
	assert_int_equal(f.type, RIG_MSG_ERROR);
	rig_frame_reader_init(&rd, f.payload, f.len);
	assert_int_equal(rig_frame_get_u32(&rd), RIG_FERR_AUTH);
	rig_frame_get_str(&rd, msg, sizeof(msg));
	assert_non_null(strstr(msg, "before authentication"));
	rig_transport_close(t);
}

/* Item 14: FACTS, KILL and BYE carry an empty payload; with trailing bytes
 * they are refused, not carried out, and the session goes on. */
static void empty_requests_with_trailing_bytes_are_refused(void **state)
{
	static const uint8_t types[] = {RIG_MSG_FACTS, RIG_MSG_KILL, RIG_MSG_BYE};
	struct rig_agent *a = agentfx_connect_ok();
	static uint8_t frame[RIG_FRAME_MAX];
	const uint8_t junk[] = {'j', 'u', 'n', 'k'};
	struct rig_error err = {0};

	for (size_t i = 0; i < sizeof(types); i++) {
		size_t len = rig_frame_encode(rig_agent_session(a), types[i], junk, sizeof(junk),
					      frame, sizeof(frame));
		assert_int_equal(
		    rig_transport_write(rig_agent_transport(a), frame, len, 5000, &err),
		    (ssize_t)len);
		expect_error(a, "carries 4 payload bytes: its payload is empty");
	}
	/* BYE was refused, so the session is still there */
	assert_int_equal(rig_agent_remove(a, "nothing-here", &err), RIG_ERR_NOT_FOUND);
	rig_agent_close(a);
}

/* Item 14 for PUT_END: an upload ended by a PUT_END with trailing bytes is
 * refused and commits nothing; the file keeps its old contents. */
static void put_end_with_trailing_bytes_commits_nothing(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};
	char newdata[300];
	char *got;

	assert_int_equal(rig_agent_put(a, "end.txt", "old contents", 12, 0644, &err), 0);
	memset(newdata, 'N', sizeof(newdata));
	put_begin(a, "end.txt", newdata, sizeof(newdata));
	put_data(a, 0, newdata, sizeof(newdata));
	send_frame(a, RIG_MSG_PUT_END, (const uint8_t *)"junk", 4);
	expect_error(a, "PUT_END carries 4 payload bytes: its payload is empty");
	got = read_work("end.txt");
	assert_string_equal(got, "old contents");
	free(got);
	rig_agent_close(a);
}

static void remove_deletes_and_reports_missing(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_error err = {0};

	assert_int_equal(rig_agent_put(a, "gone", "x", 1, 0644, &err), 0);
	assert_int_equal(rig_agent_remove(a, "gone", &err), 0);
	assert_int_not_equal(access(work_file("gone"), F_OK), 0);
	assert_int_equal(rig_agent_remove(a, "gone", &err), RIG_ERR_NOT_FOUND);
	rig_agent_close(a);
}

static void key_file_readable_by_others_is_refused(void **state)
{
	uint8_t key[RIG_FRAME_KEY_MAX];
	size_t len;
	struct rig_error err = {0};
	const char *p =
	    rigtest_write(fx->dir, "open.key",
			  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");

	chmod(p, 0644);
	assert_int_equal(rig_agent_load_key(p, key, &len, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "chmod 600"));
	p = rigtest_write(fx->dir, "short.key", "0011\n");
	chmod(p, 0600);
	assert_int_equal(rig_agent_load_key(p, key, &len, &err), RIG_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(handshake_gives_version),
	    cmocka_unit_test(wrong_key_is_refused),
	    cmocka_unit_test(facts_describe_the_machine),
	    cmocka_unit_test(upload_lands_atomically_with_its_mode),
	    cmocka_unit_test(names_with_dotdot_or_slash_are_refused),
	    cmocka_unit_test(truncated_upload_leaves_old_file),
	    cmocka_unit_test(upload_over_the_size_bound_is_refused),
	    cmocka_unit_test(agent_survives_client_vanishing_mid_upload),
	    cmocka_unit_test(replayed_frame_is_refused),
	    cmocka_unit_test(tampered_frame_is_refused),
	    cmocka_unit_test(oversized_frame_is_refused),
	    cmocka_unit_test(request_without_handshake_is_refused),
	    cmocka_unit_test(empty_requests_with_trailing_bytes_are_refused),
	    cmocka_unit_test(put_end_with_trailing_bytes_commits_nothing),
	    cmocka_unit_test(remove_deletes_and_reports_missing),
	    cmocka_unit_test(key_file_readable_by_others_is_refused),
	};
	return cmocka_run_group_tests(tests, agentfx_group_setup, agentfx_group_teardown);
}
