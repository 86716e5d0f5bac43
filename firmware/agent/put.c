/* Uploads into the work directory: chunked, size-bounded, every chunk under
 * the session's tag, the whole checked against the upload digest of PUT_BEGIN
 * (rig_frame.h), written to a temporary name and renamed only when complete. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

void agent_put_abort(struct agent_conn *c)
{
	if (c->put_fd < 0)
		return;
	close(c->put_fd);
	unlinkat(c->cfg->workdir_fd, c->put_tmp, 0);
	c->put_fd = -1;
}

static void put_fail(struct agent_conn *c, uint32_t code, const char *msg)
{
	if (c->put_errcode)
		return; /* keep the first */
	c->put_errcode = code;
	snprintf(c->put_errmsg, sizeof(c->put_errmsg), "%s", msg);
}

int agent_do_put_begin(struct agent_conn *c, const struct rig_frame *f)
{
	struct rig_frame_reader r;
	char name[RIG_FRAME_MAX_NAME + 1];
	uint64_t size;
	uint8_t digest[32];
	uint32_t mode;

	if (c->put_fd >= 0)
		return agent_send_error(c, RIG_FERR_BUSY, "an upload of %s is already in progress",
					c->put_name);
	rig_frame_reader_init(&r, f->payload, f->len);
	rig_frame_get_str(&r, name, sizeof(name));
	size = rig_frame_get_u64(&r);
	rig_frame_get_bytes(&r, digest, sizeof(digest));
	mode = rig_frame_get_u32(&r);
	if (!rig_frame_reader_done(&r))
		return agent_send_error(c, RIG_FERR_BAD_NAME,
					"malformed PUT_BEGIN (a name longer than %d bytes?)",
					RIG_FRAME_MAX_NAME);
	if (!rig_frame_valid_name(name))
		return agent_send_error(c, RIG_FERR_BAD_NAME,
					"refused name \"%s\": one file name in the work directory, "
					"[A-Za-z0-9._-], no leading '.', no \"..\", no '/'",
					name);
	if (size > c->cfg->max_file_bytes)
		return agent_send_error(
		    c, RIG_FERR_TOO_BIG, "%s: %llu bytes is over this agent's bound of %llu bytes",
		    name, (unsigned long long)size, (unsigned long long)c->cfg->max_file_bytes);
	snprintf(c->put_tmp, sizeof(c->put_tmp), ".put-%s-%ld", name, (long)getpid());
	unlinkat(c->cfg->workdir_fd, c->put_tmp, 0);
	c->put_fd = openat(c->cfg->workdir_fd, c->put_tmp,
			   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (c->put_fd < 0)
		return agent_send_error(c, RIG_FERR_IO, "%s: cannot create %s/%s: %s", name,
					c->cfg->workdir, c->put_tmp, strerror(errno));
	snprintf(c->put_name, sizeof(c->put_name), "%s", name);
	c->put_size = size;
	c->put_got = 0;
	c->put_t0_ns = agent_mono_ns();
	c->put_mode = mode & 0755;
	memcpy(c->put_want, digest, sizeof(digest));
	{
		uint8_t sz[8];
		for (int i = 0; i < 8; i++)
			sz[i] = (uint8_t)(size >> (56 - 8 * i));
		agent_blake2b_init(&c->put_hash, 32, NULL, 0);
		agent_blake2b_update(&c->put_hash, RIG_FRAME_PUT_LABEL,
				     sizeof(RIG_FRAME_PUT_LABEL) - 1);
		agent_blake2b_update(&c->put_hash, sz, sizeof(sz));
	}
	c->put_errcode = 0;
	c->put_errmsg[0] = 0;
	return agent_send_ok(c);
}

int agent_do_put_data(struct agent_conn *c, const struct rig_frame *f)
{
	struct rig_frame_reader r;
	uint64_t off;
	size_t n, done = 0;
	const uint8_t *p;

	if (c->put_fd < 0)
		return agent_send_error(c, RIG_FERR_PROTOCOL, "PUT_DATA without PUT_BEGIN");
	if (c->put_errcode)
		return 0; /* already failed: the error is answered at PUT_END */
	rig_frame_reader_init(&r, f->payload, f->len);
	off = rig_frame_get_u64(&r);
	n = f->len >= 8 ? f->len - 8 : 0;
	p = f->payload + 8;
	if (r.bad) {
		put_fail(c, RIG_FERR_PROTOCOL, "malformed PUT_DATA");
		return 0;
	}
	if (off != c->put_got) {
		put_fail(c, RIG_FERR_PROTOCOL, "PUT_DATA out of order");
		return 0;
	}
	if (n > c->put_size - c->put_got) {
		put_fail(c, RIG_FERR_TOO_BIG, "more data than the size announced in PUT_BEGIN");
		return 0;
	}
	while (done < n) {
		ssize_t w = write(c->put_fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			char m[160];
			snprintf(m, sizeof(m), "writing %s: %s", c->put_tmp,
				 w < 0 ? strerror(errno) : "short write");
			put_fail(c, RIG_FERR_IO, m);
			return 0;
		}
		done += (size_t)w;
	}
	/* the tag already hashed this payload: fold its digest in */
	agent_blake2b_update(&c->put_hash, f->digest, sizeof(f->digest));
	c->put_got += n;
	return 0;
}

int agent_do_put_end(struct agent_conn *c, const struct rig_frame *f)
{
	uint8_t digest[32];
	int fd = c->put_fd;

	if (fd < 0)
		return agent_send_error(c, RIG_FERR_PROTOCOL, "PUT_END without PUT_BEGIN");
	if (c->put_errcode) {
		uint32_t code = c->put_errcode;
		char msg[sizeof(c->put_errmsg)];
		memcpy(msg, c->put_errmsg, sizeof(msg));
		agent_put_abort(c);
		return agent_send_error(c, code, "%s: %s; the old file is unchanged", c->put_name,
					msg);
	}
	if (c->put_got != c->put_size) {
		unsigned long long got = c->put_got, size = c->put_size;
		agent_put_abort(c);
		return agent_send_error(
		    c, RIG_FERR_CHECKSUM,
		    "%s: truncated upload, %llu of %llu bytes; the old file is unchanged",
		    c->put_name, got, size);
	}
	agent_blake2b_final(&c->put_hash, digest);
	if (!rig_frame_equal(digest, c->put_want, 32)) {
		agent_put_abort(c);
		return agent_send_error(
		    c, RIG_FERR_CHECKSUM,
		    "%s: the upload digest of the received chunks does not match PUT_BEGIN's; "
		    "the old file is unchanged",
		    c->put_name);
	}
	if (fchmod(fd, c->put_mode) || fsync(fd)) {
		int e = errno;
		agent_put_abort(c);
		return agent_send_error(c, RIG_FERR_IO, "%s: %s", c->put_name, strerror(e));
	}
	if (renameat(c->cfg->workdir_fd, c->put_tmp, c->cfg->workdir_fd, c->put_name)) {
		int e = errno;
		agent_put_abort(c);
		return agent_send_error(c, RIG_FERR_IO, "%s: rename: %s", c->put_name, strerror(e));
	}
	close(fd);
	c->put_fd = -1;
	fsync(c->cfg->workdir_fd);
	/* the upload's time on the board's clock: a cross-check of the host's
	 * figure (bench/usb_agent.sh) */
	agent_info("stored %s (%llu bytes, %lld us after PUT_BEGIN)", c->put_name,
		   (unsigned long long)c->put_size,
		   (long long)((agent_mono_ns() - c->put_t0_ns) / 1000));
	return agent_send_ok(c);
}

int agent_do_remove(struct agent_conn *c, const struct rig_frame *f)
{
	struct rig_frame_reader r;
	char name[RIG_FRAME_MAX_NAME + 1];

	rig_frame_reader_init(&r, f->payload, f->len);
	rig_frame_get_str(&r, name, sizeof(name));
	if (!rig_frame_reader_done(&r) || !rig_frame_valid_name(name))
		return agent_send_error(
		    c, RIG_FERR_BAD_NAME,
		    "refused name \"%s\": not a file name in the work directory", name);
	if (unlinkat(c->cfg->workdir_fd, name, 0)) {
		if (errno == ENOENT)
			return agent_send_error(c, RIG_FERR_NOT_FOUND, "%s: no such file", name);
		return agent_send_error(c, RIG_FERR_IO, "%s: %s", name, strerror(errno));
	}
	return agent_send_ok(c);
}
