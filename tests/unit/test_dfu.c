/* DFU 1.1 / DfuSe (host/src/usb/dfu*.c): GETSTATUS, the functional
 * descriptor, the DfuSe memory map, the quirks table, and the host state
 * machine against the DfuSe boot loader model
 * (tests/usb/models/dfuse_model.c), fault modes and "leave" included. */
#include "rigtest.h"

#include <stdlib.h>
#include <string.h>

#include "dfu.h"
#include "dfuse_model.h"

static unsigned slept_ms;

static int io_ctrl(void *ctx, int in, uint8_t req, uint16_t value, uint8_t *d, uint16_t n, int t,
		   struct rig_error *err)
{
	int rc = rig_dfum_control(ctx, in, req, value, d, n);

	if (rc == RIG_MODEL_STALL)
		return rig_fail(err, RIG_ERR_PROTOCOL, "model: request %u stalled", req);
	if (rc == RIG_MODEL_GONE)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "model: no device");
	if (rc == RIG_MODEL_HANG)
		return rig_fail(err, RIG_ERR_TIMEOUT, "model: timed out");
	return rc;
}

static void io_sleep(void *ctx, unsigned ms) { slept_ms += ms; }

static void setup_dfu(struct rig_dfu *d, struct rig_dfum *m)
{
	rig_dfum_init(m);
	memset(d, 0, sizeof(*d));
	d->io = (struct rig_dfu_io){io_ctrl, io_sleep, m};
	d->func = m->func;
	d->dfuse = 1;
	assert_int_equal(rig_dfuse_layout_parse(RIG_DFUM_LAYOUT, &d->layout, NULL), 0);
}

static void status_decodes_poll_timeout_and_state(void **state)
{
	static const uint8_t w[] = {RIG_DFU_ERR_VERIFY, 0x10, 0x27, 0x01, RIG_DFU_ERROR, 3};
	struct rig_dfu_status st;
	struct rig_error err = {0};
	uint8_t bad[6] = {0, 0, 0, 0, 11, 0};

	assert_int_equal(rig_dfu_status_decode(w, 6, &st, NULL), 0);
	assert_int_equal(st.poll_timeout_ms, 0x012710);
	assert_string_equal(rig_dfu_state_name(st.state), "dfuERROR");
	assert_string_equal(rig_dfu_status_name(st.status), "errVERIFY");
	assert_int_equal(rig_dfu_status_decode(w, 5, &st, &err), RIG_ERR_PROTOCOL);
	assert_int_equal(rig_dfu_status_decode(bad, 6, &st, &err), RIG_ERR_PROTOCOL);
	assert_non_null(strstr(err.msg, "bState is 11"));
}

static void functional_descriptor_found_after_interface(void **state)
{
	/* an interface descriptor, then the 9-byte functional one */
	static const uint8_t cfg[] = {9, 4,    0,    0,	   0, 0xFE, 1,	  2,	4,
				      9, 0x21, 0x0B, 0xFF, 0, 0x00, 0x08, 0x1A, 0x01};
	static const uint8_t dfu10[] = {7, 0x21, 0x03, 0x10, 0x00, 0x40, 0x00};
	static const uint8_t broken[] = {9, 4, 0, 0, 0, 0xFE, 1, 2, 4, 0, 0x21};
	struct rig_dfu_func f;
	struct rig_error err = {0};

	assert_int_equal(rig_dfu_func_find(cfg, sizeof(cfg), &f, NULL), 0);
	assert_int_equal(f.transfer_size, 2048);
	assert_int_equal(f.dfu_version, RIG_DFU_VERSION_DFUSE);
	assert_int_equal(f.detach_timeout_ms, 255);
	assert_true(f.attributes & RIG_DFU_ATTR_WILL_DETACH);
	assert_int_equal(rig_dfu_func_find(dfu10, sizeof(dfu10), &f, NULL), 0);
	assert_int_equal(f.dfu_version, 0x0100);
	assert_int_equal(f.transfer_size, 64);
	assert_int_equal(rig_dfu_func_find(cfg, 9, &f, NULL), RIG_ERR_NOT_FOUND);
	assert_int_equal(rig_dfu_func_find(broken, sizeof(broken), &f, &err), RIG_ERR_PROTOCOL);
	assert_non_null(strstr(err.msg, "offset 9 has bLength 0"));
}

static void dfuse_layout_parses_stm32_maps(void **state)
{
	struct rig_dfuse_layout l;
	uint8_t type;
	uint32_t start, size;

	assert_int_equal(rig_dfuse_layout_parse(RIG_DFUM_LAYOUT, &l, NULL), 0);
	assert_string_equal(l.name, "Internal Flash");
	assert_int_equal(l.n, 3);
	assert_int_equal(l.seg[1].start, 0x08010000);
	assert_int_equal(l.seg[2].size, 128 * 1024);
	assert_int_equal(l.seg[2].type, 7);
	assert_int_equal(rig_dfuse_sector(&l, 0x08030001, &type, &start, &size), 0);
	assert_int_equal(start, 0x08020000);
	assert_int_equal(rig_dfuse_sector(&l, 0x08080000, &type, &start, &size), RIG_ERR_NOT_FOUND);
	/* option bytes: two groups, bytes without a unit letter */
	assert_int_equal(rig_dfuse_layout_parse(
			     "@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/01*016 e", &l, NULL),
			 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seg[1].start, 0x1FFEC000);
	assert_int_equal(l.seg[1].type, RIG_DFUSE_READABLE | RIG_DFUSE_WRITEABLE);
}

static void dfuse_layout_errors_name_offset(void **state)
{
	static const struct {
		const char *s, *msg;
	} cases[] = {
	    {"Internal", "offset 0: expected '@'"},
	    {"@Flash", "'/' after the name"},
	    {"@F/0x08000000/04*016Kz", "sector type a..g"},
	    {"@F/0x08000000/04x016Kg", "'*'"},
	    {"@F/0x08000000/0*016Kg", "sector count"},
	    {"@F/0xFFFFF000/02*4Kg", "below 4 GiB"},
	    {"@F/0x08000000/04*016Kg;", "end of the string"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_dfuse_layout l;
		struct rig_error err = {0};

		assert_int_equal(rig_dfuse_layout_parse(cases[i].s, &l, &err), RIG_ERR_PARSE);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("%s: %s", cases[i].s, err.msg);
	}
}

static void dfuse_range_check_refuses_read_only_and_outside(void **state)
{
	struct rig_dfuse_layout l;
	struct rig_error err = {0};

	rig_dfuse_layout_parse("@F/0x08000000/02*016Ka,02*016Kg", &l, NULL);
	assert_int_equal(rig_dfuse_check_range(&l, 0x08008000, 0x8000, NULL), 0);
	assert_int_equal(rig_dfuse_check_range(&l, 0x08007000, 0x2000, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "sector 0x08004000"));
	assert_int_equal(rig_dfuse_check_range(&l, 0x0800F000, 0x2000, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "0x08010000 is outside"));
}

static void quirks_table_names_known_devices(void **state)
{
	assert_int_equal(rig_dfu_quirks(0x1D50, 0x5119, 0), RIG_DFU_QUIRK_POLLTIMEOUT);
	assert_int_equal(rig_dfu_quirks(0x1EAF, 0x0003, 0x0200), RIG_DFU_QUIRK_FORCE_DFU11);
	assert_int_equal(rig_dfu_quirks(0x1EAF, 0x0003, 0x0201), 0);
	assert_int_equal(rig_dfu_quirks(0x0483, 0xDF11, 0x2200), RIG_DFU_QUIRK_LEAVE_RESETS);
	assert_int_equal(rig_dfu_quirks(0x1234, 0x5678, 0), 0);
}

static uint8_t *pattern(size_t n)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13 + (i >> 9));
	return p;
}

static void download_upload_leave_round_trip(void **state)
{
	struct rig_dfu d;
	struct rig_dfum m;
	struct rig_error err = {0};
	size_t n = 70000; /* three 16 KiB sectors and part of the fourth... */
	uint8_t *img = pattern(n), *back = malloc(n);
	int gone = 0;

	setup_dfu(&d, &m);
	memset(m.flash, 0, 0x20000); /* dirty: must be erased first */
	assert_int_equal(rig_dfu_download(&d, 0x08004000, img, n, &err), 0);
	/* 0x08004000 + 70000 ends in the 64 KiB sector: 16 K x3 + 64 K */
	assert_int_equal(m.erases, 4);
	assert_int_equal(rig_dfu_upload(&d, 0x08004000, back, n, &err), 0);
	assert_memory_equal(img, back, n);
	assert_int_equal(m.flash[0], 0); /* the sector before was not erased */
	assert_int_equal(rig_dfu_leave(&d, 0x08004000, &gone, &err), 0);
	assert_int_equal(gone, 1); /* the boot loader reset itself: not a failure */
	assert_int_equal(m.ptr, 0x08004000);
	assert_true(slept_ms > 0);
	free(img);
	free(back);
	rig_dfum_free(&m);
}

/* The STM32 that resets as soon as the zero-length DNLOAD of leave is
 * acknowledged: the GETSTATUS after it finds no device (the "get_status
 * after leave" error of dfu-util users); leave succeeds with gone set. */
static int io_ctrl_reset_on_leave(void *ctx, int in, uint8_t req, uint16_t value, uint8_t *d,
				  uint16_t n, int t, struct rig_error *err)
{
	struct rig_dfum *m = ctx;
	int rc = io_ctrl(ctx, in, req, value, d, n, t, err);

	if (!in && req == RIG_DFU_DNLOAD && n == 0 && rc >= 0)
		m->left = m->gone = 1;
	return rc;
}

static void get_status_after_leave_is_success(void **state)
{
	struct rig_dfu d;
	struct rig_dfum m;
	struct rig_error err = {0};
	int gone = 0;

	setup_dfu(&d, &m);
	d.io.control = io_ctrl_reset_on_leave;
	assert_int_equal(rig_dfu_leave(&d, 0x08000000, &gone, &err), 0);
	assert_int_equal(gone, 1);
	assert_int_equal(m.ptr, 0x08000000);
	rig_dfum_free(&m);
}

static void out_of_map_fails_before_any_erase(void **state)
{
	struct rig_dfu d;
	struct rig_dfum m;
	struct rig_error err = {0};
	uint8_t img[4096] = {1};

	setup_dfu(&d, &m);
	assert_int_equal(rig_dfu_download(&d, 0x0807F800, img, sizeof(img), &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "0x08080000 is outside"));
	assert_int_equal(m.erases, 0);
	rig_dfum_free(&m);
}

static void to_idle_clears_error_state(void **state)
{
	struct rig_dfu d;
	struct rig_dfum m;

	setup_dfu(&d, &m);
	m.state = RIG_DFU_ERROR;
	m.status = RIG_DFU_ERR_TARGET;
	assert_int_equal(rig_dfu_to_idle(&d, NULL), 0);
	assert_int_equal(m.state, RIG_DFU_IDLE);
	m.state = RIG_DFU_APP_IDLE;
	assert_int_equal(rig_dfu_to_idle(&d, NULL), RIG_ERR_NOT_SUPPORTED);
	rig_dfum_free(&m);
}

static void fault_modes_fail_clearly(void **state)
{
	static const struct {
		int fault, rc;
		const char *msg;
	} cases[] = {
	    {RIG_FAULT_STALL, RIG_ERR_PROTOCOL, "stalled"},
	    {RIG_FAULT_DISCONNECT, RIG_ERR_NOT_FOUND, "no device"},
	    {RIG_FAULT_TIMEOUT, RIG_ERR_TIMEOUT, "timed out"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_dfu d;
		struct rig_dfum m;
		struct rig_error err = {0};
		uint8_t *img = pattern(16384);

		setup_dfu(&d, &m);
		m.fault = cases[i].fault;
		m.fault_after = 4096;
		assert_int_equal(rig_dfu_download(&d, RIG_DFUM_BASE, img, 16384, &err),
				 cases[i].rc);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("fault %d: %s", cases[i].fault, err.msg);
		free(img);
		rig_dfum_free(&m);
	}
}

static void poll_timeout_quirk_caps_the_wait(void **state)
{
	struct rig_dfu d;
	struct rig_dfum m;
	uint8_t img[2048] = {0};

	setup_dfu(&d, &m);
	d.quirks = RIG_DFU_QUIRK_POLLTIMEOUT;
	slept_ms = 0;
	assert_int_equal(rig_dfu_download(&d, RIG_DFUM_BASE, img, sizeof(img), NULL), 0);
	/* erase, set address, one block: each waits once in dfuDNBUSY */
	assert_int_equal(slept_ms, 3 * RIG_DFU_QUIRK_POLL_MS);
	rig_dfum_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(status_decodes_poll_timeout_and_state),
	    cmocka_unit_test(functional_descriptor_found_after_interface),
	    cmocka_unit_test(dfuse_layout_parses_stm32_maps),
	    cmocka_unit_test(dfuse_layout_errors_name_offset),
	    cmocka_unit_test(dfuse_range_check_refuses_read_only_and_outside),
	    cmocka_unit_test(quirks_table_names_known_devices),
	    cmocka_unit_test(download_upload_leave_round_trip),
	    cmocka_unit_test(get_status_after_leave_is_success),
	    cmocka_unit_test(out_of_map_fails_before_any_erase),
	    cmocka_unit_test(to_idle_clears_error_state),
	    cmocka_unit_test(fault_modes_fail_clearly),
	    cmocka_unit_test(poll_timeout_quirk_caps_the_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
