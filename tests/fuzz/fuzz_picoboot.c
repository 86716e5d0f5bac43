/* Fuzz target for PICOBOOT (host/src/usb/picoboot*.c): the command and
 * CMD_STATUS decoders on raw bytes, and the host side fed device replies
 * from the input (any length, stalls, a device that vanishes mid-command)
 * through an I/O table, for erase, write, read and reboot. */
#include <stdint.h>
#include <string.h>

#include "picoboot.h"

struct feed {
	const uint8_t *p;
	size_t n;
};

static int take(struct feed *f, uint8_t *out, size_t cap, struct rig_error *err)
{
	size_t want;
	uint8_t b;

	if (f->n == 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "fuzz: input ended");
	b = *f->p++, f->n--;
	if (b >= 0xF0) /* stall, gone, timeout, I/O */
		return rig_fail(err,
				(int[]){RIG_ERR_PROTOCOL, RIG_ERR_NOT_FOUND, RIG_ERR_TIMEOUT,
					RIG_ERR_IO}[b & 3],
				"fuzz");
	want = b < 0x80 ? cap : (size_t)(b & 0x3F);
	if (want > cap)
		want = cap;
	if (want > f->n)
		want = f->n;
	if (out)
		memcpy(out, f->p, want);
	f->p += want, f->n -= want;
	return (int)want;
}

static int io_out(void *ctx, const uint8_t *d, size_t n, int t, struct rig_error *err)
{
	int rc = take(ctx, NULL, 0, err);

	return rc < 0 ? rc : (int)n;
}

static int io_in(void *ctx, uint8_t *d, size_t n, int t, struct rig_error *err)
{
	return take(ctx, d, n, err);
}

static int io_ctrl(void *ctx, int in, uint8_t req, uint8_t *d, uint16_t n, int t,
		   struct rig_error *err)
{
	return take(ctx, in ? d : NULL, in ? n : 0, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_picoboot_cmd c;
	struct rig_picoboot_status st;
	struct feed f = {data, size};
	struct rig_picoboot pb = {
	    .io = {.bulk_out = io_out, .bulk_in = io_in, .control = io_ctrl, .ctx = &f},
	    .flash_size = 2u << 20};
	static uint8_t buf[8192];
	struct rig_error err = {0};

	if (rig_picoboot_cmd_decode(data, size < 32 ? size : 32, &c, &err) == 0) {
		(void)rig_picoboot_cmd_name(c.id);
		(void)rig_picoboot_arg32(&c, 3);
	}
	if (rig_picoboot_status_decode(data, size < 16 ? size : 16, &st, &err) == 0)
		(void)rig_picoboot_status_name(st.code);
	if (size < 1)
		return 0;
	pb.rp2350 = data[0] & 1;
	(void)rig_picoboot_exclusive_access(&pb, 1, &err);
	(void)rig_picoboot_erase(&pb, 0x10000000, 4096, &err);
	(void)rig_picoboot_write(&pb, 0x10000000, buf, 4096, 1024, &err);
	(void)rig_picoboot_read(&pb, 0x10000000, buf, sizeof(buf), 2048, &err);
	(void)rig_picoboot_reboot_app(&pb, 10, &err);
	if (memchr(err.msg, 0, sizeof(err.msg)) == NULL)
		__builtin_trap();
	return 0;
}
