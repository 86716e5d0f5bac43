/* Fuzz target for DFU / DfuSe (host/src/usb/dfu*.c): GETSTATUS, the
 * functional descriptor walk, the DfuSe memory map string (then range and
 * sector lookups over what it parsed), block-0 commands, and the host state
 * machine fed device replies from the input through an I/O table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dfu.h"

struct feed {
	const uint8_t *p;
	size_t n;
};

static int io_ctrl(void *ctx, int in, uint8_t req, uint16_t value, uint8_t *d, uint16_t n, int t,
		   struct rig_error *err)
{
	struct feed *f = ctx;
	size_t want;
	uint8_t b;

	if (f->n == 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "fuzz: input ended");
	b = *f->p++, f->n--;
	if (b >= 0xF0)
		return rig_fail(err,
				(int[]){RIG_ERR_PROTOCOL, RIG_ERR_NOT_FOUND, RIG_ERR_TIMEOUT,
					RIG_ERR_IO}[b & 3],
				"fuzz");
	if (!in)
		return b < 0xE0 ? n : b & 0x0F;
	want = b < 0x80 ? n : (size_t)(b & 0x3F);
	if (want > n)
		want = n;
	if (want > f->n)
		want = f->n;
	memcpy(d, f->p, want);
	f->p += want, f->n -= want;
	return (int)want;
}

static void io_sleep(void *ctx, unsigned ms) {}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_dfu_status st;
	struct rig_dfu_func fn;
	struct rig_dfuse_cmd cmd;
	struct rig_dfuse_layout l;
	struct rig_error err = {0};
	char *s = malloc(size + 1);

	(void)rig_dfu_status_decode(data, size < 6 ? size : 6, &st, &err);
	(void)rig_dfu_func_find(data, size, &fn, &err);
	(void)rig_dfuse_cmd_decode(data, size < 8 ? size : 8, &cmd, &err);
	memcpy(s, data, size);
	s[size] = '\0';
	if (rig_dfuse_layout_parse(s, &l, &err) == 0) {
		uint8_t type;
		uint32_t start, len;

		for (int i = 0; i < l.n; i++) {
			(void)rig_dfuse_sector(&l, l.seg[i].start, &type, &start, &len);
			(void)rig_dfuse_check_range(&l, l.seg[i].start, l.seg[i].size, &err);
		}
	}
	free(s);
	if (size > 0) {
		struct feed f = {data + 1, size - 1};
		struct rig_dfu d = {.io = {io_ctrl, io_sleep, &f},
				    .func = {.transfer_size = 64},
				    .dfuse = data[0] & 1,
				    .quirks = data[0] >> 1 & 7,
				    .busy_limit_ms = 50};
		static uint8_t img[300];
		int gone;

		rig_dfuse_layout_parse("@F/0x08000000/04*016Kg", &d.layout, NULL);
		(void)rig_dfu_download(&d, d.dfuse ? 0x08000000 : 0, img, sizeof(img), &err);
		(void)rig_dfu_upload(&d, d.dfuse ? 0x08000000 : 0, img, sizeof(img), &err);
		(void)rig_dfu_leave(&d, 0x08000000, &gone, &err);
	}
	return 0;
}
