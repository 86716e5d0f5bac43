/* PICOBOOT (host/src/usb/picoboot*.c): the wire codec, the flash range
 * check, and the host side against the boot ROM model
 * (tests/usb/models/picoboot_model.c) through an in-process I/O table,
 * fault modes included. */
#include "rigtest.h"

#include <stdlib.h>
#include <string.h>

#include "picoboot.h"
#include "picoboot_model.h"

static int model_rc(int rc, struct rig_error *err)
{
	switch (rc) {
	case RIG_MODEL_STALL:
		return rig_fail(err, RIG_ERR_PROTOCOL, "model: stall");
	case RIG_MODEL_GONE:
		return rig_fail(err, RIG_ERR_NOT_FOUND, "model: no device");
	case RIG_MODEL_HANG:
		return rig_fail(err, RIG_ERR_TIMEOUT, "model: timed out");
	default:
		return rc;
	}
}

static int io_out(void *ctx, const uint8_t *d, size_t n, int t, struct rig_error *err)
{
	return model_rc(rig_pbm_bulk_out(ctx, d, n), err);
}

static int io_in(void *ctx, uint8_t *d, size_t n, int t, struct rig_error *err)
{
	return model_rc(rig_pbm_bulk_in(ctx, d, n), err);
}

static int io_ctrl(void *ctx, int in, uint8_t req, uint8_t *d, uint16_t n, int t,
		   struct rig_error *err)
{
	return model_rc(rig_pbm_control(ctx, in, req, d, n), err);
}

/* The batch member as libusb's submission gives it: every phase goes out
 * (a short one does not stop the rest); the first error ends the batch,
 * the phases after it "cancelled" (never reach the model). */
static int io_batch(void *ctx, struct rig_picoboot_xfer *x, int n, int t, int *failed,
		    struct rig_error *err)
{
	for (int i = 0; i < n; i++) {
		int rc = x[i].in ? rig_pbm_bulk_in(ctx, x[i].data, x[i].len)
				 : rig_pbm_bulk_out(ctx, x[i].data, x[i].len);

		if (rc < 0) {
			*failed = i;
			return model_rc(rc, err);
		}
		x[i].actual = rc;
	}
	return 0;
}

static int batched; /* setup_pb gives the I/O table a batch member */

static void setup_pb(struct rig_picoboot *pb, struct rig_pbm *m, uint32_t flash)
{
	rig_pbm_init(m, flash);
	*pb = (struct rig_picoboot){.io = {.bulk_out = io_out,
					   .bulk_in = io_in,
					   .control = io_ctrl,
					   .batch = batched ? io_batch : NULL,
					   .ctx = m},
				    .flash_size = flash,
				    .token = 1};
}

static void cmd_encodes_the_documented_layout(void **state)
{
	struct rig_picoboot_cmd c, back;
	uint8_t w[RIG_PICOBOOT_CMD_SIZE];
	static const uint8_t want[16] = {0x0b, 0xd1, 0x1f, 0x43, 7,    0,    0, 0,
					 0x84, 8,    0,	   0,	 0x00, 0x01, 0, 0};

	rig_picoboot_range(&c, 7, RIG_PC_READ, 0x10000100, 256);
	rig_picoboot_cmd_encode(&c, w);
	assert_memory_equal(w, want, 16);
	assert_int_equal(w[16], 0x00);
	assert_int_equal(w[19], 0x10);
	assert_int_equal(rig_picoboot_cmd_decode(w, sizeof(w), &back, NULL), 0);
	assert_int_equal(back.token, 7);
	assert_int_equal(back.id, RIG_PC_READ);
	assert_int_equal(rig_picoboot_arg32(&back, 0), 0x10000100);
	assert_int_equal(back.transfer_len, 256);
}

static void cmd_decode_names_bad_fields(void **state)
{
	struct rig_picoboot_cmd c;
	struct rig_error err = {0};
	uint8_t w[RIG_PICOBOOT_CMD_SIZE];

	rig_picoboot_range(&c, 1, RIG_PC_WRITE, 0x10000000, 256);
	rig_picoboot_cmd_encode(&c, w);
	assert_int_equal(rig_picoboot_cmd_decode(w, 31, &c, &err), RIG_ERR_PROTOCOL);
	assert_non_null(strstr(err.msg, "31 bytes"));
	w[0] ^= 1;
	assert_int_equal(rig_picoboot_cmd_decode(w, 32, &c, &err), RIG_ERR_PROTOCOL);
	assert_non_null(strstr(err.msg, "dMagic is 0x431fd10a"));
	w[0] ^= 1;
	w[12] = 0; /* transfer length 0 != dSize 256 */
	w[13] = 0;
	assert_int_equal(rig_picoboot_cmd_decode(w, 32, &c, &err), RIG_ERR_PROTOCOL);
	assert_non_null(strstr(err.msg, "WRITE dTransferLength is 0"));
	w[9] = 17;
	assert_int_equal(rig_picoboot_cmd_decode(w, 32, &c, &err), RIG_ERR_PROTOCOL);
	assert_non_null(strstr(err.msg, "bCmdSize is 17"));
}

static void status_round_trips_and_checks_length(void **state)
{
	struct rig_picoboot_status s = {.token = 9,
					.code = RIG_PICOBOOT_BAD_ALIGNMENT,
					.cmd_id = 3},
				   back;
	uint8_t w[RIG_PICOBOOT_STATUS_SIZE];

	rig_picoboot_status_encode(&s, w);
	assert_int_equal(rig_picoboot_status_decode(w, 16, &back, NULL), 0);
	assert_int_equal(back.token, 9);
	assert_string_equal(rig_picoboot_status_name(back.code), "BAD_ALIGNMENT");
	assert_int_equal(rig_picoboot_status_decode(w, 15, &back, NULL), RIG_ERR_PROTOCOL);
	assert_string_equal(rig_picoboot_status_name(99), "status 99");
}

static void range_check_refuses_before_erase(void **state)
{
	static const struct {
		uint32_t addr, size;
		int erase, ok;
		const char *msg;
	} cases[] = {
	    {0x10000000, 4096, 1, 1, NULL},
	    {0x10000000, 256, 0, 1, NULL},
	    {0x10000100, 4096, 1, 0, "4096-byte sector"},
	    {0x10000000, 100, 0, 0, "256-byte page"},
	    {0x0FFFF000, 4096, 1, 0, "outside the XIP flash"},
	    {0x101FF000, 8192, 1, 0, "outside the XIP flash"},
	    {0x20000000, 4096, 1, 0, "outside"},
	    {0x10000000, 0, 1, 0, "0 bytes"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_error err = {0};
		int rc = rig_picoboot_check_flash_range(cases[i].addr, cases[i].size, 2u << 20,
							cases[i].erase, &err);

		assert_int_equal(rc, cases[i].ok ? 0 : RIG_ERR_INVALID);
		if (cases[i].msg)
			assert_non_null(strstr(err.msg, cases[i].msg));
	}
}

static uint8_t *pattern(uint32_t n)
{
	uint8_t *p = malloc(n);

	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 8));
	return p;
}

static void erase_write_read_back_equal(void **state)
{
	struct rig_picoboot pb;
	struct rig_pbm m;
	struct rig_error err = {0};
	uint32_t n = 40960;
	uint8_t *img = pattern(n), *back = malloc(n);

	setup_pb(&pb, &m, 2u << 20);
	assert_int_equal(rig_picoboot_exclusive_access(&pb, 1, &err), 0);
	assert_int_equal(m.exclusive, 1);
	assert_int_equal(rig_picoboot_erase(&pb, 0x10000000, n, &err), 0);
	assert_int_equal(rig_picoboot_write(&pb, 0x10000000, img, n, 4096, &err), 0);
	assert_int_equal(rig_picoboot_read(&pb, 0x10000000, back, n, 8192, &err), 0);
	assert_memory_equal(img, back, n);
	assert_int_equal(rig_picoboot_reboot_app(&pb, 100, &err), 0);
	assert_int_equal(m.rebooted, 1);
	assert_int_equal(m.cmd.id, RIG_PC_REBOOT);
	rig_pbm_free(&m);
	free(img);
	free(back);
}

/* The model's lazy erase reads as NOR flash: erased bytes are 0xFF, a
 * second write without an erase ANDs, rig_pbm_sync fills m->flash. */
static void model_erase_is_nor_flash(void **state)
{
	struct rig_picoboot pb;
	struct rig_pbm m;
	uint8_t a[8192], b[256], back[8192];

	(void)state;
	memset(a, 0x0F, sizeof(a));
	memset(b, 0xF3, sizeof(b));
	setup_pb(&pb, &m, 2u << 20);
	assert_int_equal(rig_picoboot_erase(&pb, 0x10000000, 8192, NULL), 0);
	assert_int_equal(rig_picoboot_write(&pb, 0x10000000, a, 8192, 8192, NULL), 0);
	assert_int_equal(rig_picoboot_write(&pb, 0x10000000, b, 256, 256, NULL), 0);
	assert_int_equal(rig_picoboot_erase(&pb, 0x10001000, 4096, NULL), 0);
	assert_int_equal(rig_picoboot_write(&pb, 0x10001000, b, 256, 256, NULL), 0);
	assert_int_equal(rig_picoboot_read(&pb, 0x10000000, back, 8192, 8192, NULL), 0);
	for (int i = 0; i < 8192; i++) {
		uint8_t want = i < 256 ? 0x03 : i < 4096 ? 0x0F : i < 4096 + 256 ? 0xF3 : 0xFF;

		if (back[i] != want)
			fail_msg("byte %d: 0x%02x, want 0x%02x", i, back[i], want);
	}
	assert_int_equal(rig_picoboot_erase(&pb, 0x10000000, 4096, NULL), 0);
	rig_pbm_sync(&m);
	assert_int_equal(m.flash[0], 0xFF);
	assert_int_equal(m.flash[4096], 0xF3);
	assert_int_equal(m.flash[4096 + 256], 0xFF);
	rig_pbm_free(&m);
}

/* The FunctionFS device's copy-free calls leave the model as the copying
 * ones do: bytes land in erased flash, a short transfer leaves the rest of
 * its sector erased, a sector already programmed or an armed fault means
 * NULL (copy), and bulk_in_ref points at what bulk_in copies. */
/* The host's command phase, straight into the model. */
static void model_cmd(struct rig_pbm *m, uint32_t token, uint8_t id, uint32_t addr, uint32_t size)
{
	struct rig_picoboot_cmd c;
	uint8_t wire[RIG_PICOBOOT_CMD_SIZE];

	rig_picoboot_range(&c, token, id, addr, size);
	rig_picoboot_cmd_encode(&c, wire);
	assert_int_equal(rig_pbm_bulk_out(m, wire, sizeof(wire)), (int)sizeof(wire));
}

static void model_direct_io_matches_copies(void **state)
{
	struct rig_pbm m;
	uint8_t zlp[1], *img = pattern(12288), back[12288];
	const uint8_t *ref;
	uint8_t *dst;

	(void)state;
	rig_pbm_init(&m, 2u << 20);
	model_cmd(&m, 1, RIG_PC_FLASH_ERASE, 0x10000000, 12288);
	assert_int_equal(rig_pbm_bulk_in(&m, zlp, sizeof(zlp)), 0);
	/* WRITE 8192 at +256: the head of sector 0 must read 0xFF */
	model_cmd(&m, 2, RIG_PC_WRITE, 0x10000100, 8192);
	assert_non_null(dst = rig_pbm_out_direct(&m, 8192));
	memcpy(dst, img, 5000); /* a short transfer: 5000 of 8192 */
	assert_int_equal(rig_pbm_out_direct_done(&m, 5000), 5000);
	/* sectors 0 and 1 are programmed now: the rest goes the copying way */
	assert_null(rig_pbm_out_direct(&m, 8192 - 5000));
	assert_int_equal(rig_pbm_bulk_out(&m, img + 5000, 8192 - 5000), 8192 - 5000);
	assert_int_equal(rig_pbm_bulk_in(&m, zlp, sizeof(zlp)), 0);
	model_cmd(&m, 3, RIG_PC_READ, 0x10000000, 12288);
	assert_int_equal(rig_pbm_bulk_in_ref(&m, &ref, sizeof(back)), 12288);
	memcpy(back, ref, sizeof(back));
	assert_int_equal(rig_pbm_bulk_out(&m, zlp, 0), 0);
	for (int i = 0; i < 12288; i++) {
		uint8_t want = i < 256 || i >= 256 + 8192 ? 0xFF : img[i - 256];

		if (back[i] != want)
			fail_msg("byte %d: 0x%02x, want 0x%02x", i, back[i], want);
	}
	/* a fault armed: always the copying path */
	m.fault = RIG_FAULT_STALL;
	model_cmd(&m, 4, RIG_PC_FLASH_ERASE, 0x10000000, 4096);
	assert_int_equal(rig_pbm_bulk_in(&m, zlp, sizeof(zlp)), 0);
	model_cmd(&m, 5, RIG_PC_WRITE, 0x10000000, 4096);
	assert_null(rig_pbm_out_direct(&m, 4096));
	rig_pbm_free(&m);
	free(img);
}

static void rp2350_reboots_with_reboot2(void **state)
{
	struct rig_picoboot pb;
	struct rig_pbm m;

	setup_pb(&pb, &m, 4u << 20);
	pb.rp2350 = 1;
	assert_int_equal(rig_picoboot_reboot_app(&pb, 0, NULL), 0);
	assert_int_equal(m.cmd.id, RIG_PC_REBOOT2);
	rig_pbm_free(&m);
}

static void device_refusal_names_status_and_clears_halt(void **state)
{
	struct rig_picoboot pb;
	struct rig_pbm m;
	struct rig_picoboot_cmd c;
	struct rig_error err = {0};

	setup_pb(&pb, &m, 2u << 20);
	/* bypass the host check: the model must refuse like the ROM */
	rig_picoboot_range(&c, 0, RIG_PC_FLASH_ERASE, 0x10000100, 4096);
	assert_int_equal(rig_picoboot_run(&pb, &c, NULL, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "FLASH_ERASE 0x10000100+4096 refused: BAD_ALIGNMENT"));
	assert_int_equal(m.halted, 0); /* IF_RESET was sent */
	assert_int_equal(rig_picoboot_exclusive_access(&pb, 1, &err), 0);
	rig_pbm_free(&m);
}

static void fault_modes_fail_clearly(void **state)
{
	static const struct {
		int fault, rc;
		const char *msg;
	} cases[] = {
	    {RIG_FAULT_STALL, RIG_ERR_INVALID, "WRITE 0x10001000+4096 refused: UNKNOWN_ERROR"},
	    {RIG_FAULT_DISCONNECT, RIG_ERR_NOT_FOUND, "no device"},
	    {RIG_FAULT_TIMEOUT, RIG_ERR_TIMEOUT, "timed out"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_picoboot pb;
		struct rig_pbm m;
		struct rig_error err = {0};
		uint8_t *img = pattern(16384);

		setup_pb(&pb, &m, 2u << 20);
		m.fault = cases[i].fault;
		m.fault_after = 4096;
		assert_int_equal(rig_picoboot_erase(&pb, 0x10000000, 16384, &err), 0);
		assert_int_equal(rig_picoboot_write(&pb, 0x10000000, img, 16384, 4096, &err),
				 cases[i].rc);
		assert_non_null(strstr(err.msg, cases[i].msg));
		rig_pbm_free(&m);
		free(img);
	}
}

static void bad_data_is_caught_by_read_back(void **state)
{
	struct rig_picoboot pb;
	struct rig_pbm m;
	uint8_t *img = pattern(4096), back[4096];

	setup_pb(&pb, &m, 2u << 20);
	m.fault = RIG_FAULT_BAD_DATA;
	assert_int_equal(rig_picoboot_erase(&pb, 0x10000000, 4096, NULL), 0);
	assert_int_equal(rig_picoboot_write(&pb, 0x10000000, img, 4096, 0, NULL), 0);
	assert_int_equal(rig_picoboot_read(&pb, 0x10000000, back, 4096, 0, NULL), 0);
	assert_memory_not_equal(img, back, 4096);
	rig_pbm_free(&m);
	free(img);
}

/* The same commands, refusals and faults through a batch member (the path
 * a real device over libusb takes) give the same results. */
static void batched_phases_give_the_same_results(void **state)
{
	batched = 1;
	erase_write_read_back_equal(state);
	model_erase_is_nor_flash(state);
	device_refusal_names_status_and_clears_halt(state);
	fault_modes_fail_clearly(state);
	bad_data_is_caught_by_read_back(state);
	batched = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cmd_encodes_the_documented_layout),
	    cmocka_unit_test(cmd_decode_names_bad_fields),
	    cmocka_unit_test(status_round_trips_and_checks_length),
	    cmocka_unit_test(range_check_refuses_before_erase),
	    cmocka_unit_test(erase_write_read_back_equal),
	    cmocka_unit_test(model_erase_is_nor_flash),
	    cmocka_unit_test(model_direct_io_matches_copies),
	    cmocka_unit_test(rp2350_reboots_with_reboot2),
	    cmocka_unit_test(device_refusal_names_status_and_clears_halt),
	    cmocka_unit_test(fault_modes_fail_clearly),
	    cmocka_unit_test(bad_data_is_caught_by_read_back),
	    cmocka_unit_test(batched_phases_give_the_same_results),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
