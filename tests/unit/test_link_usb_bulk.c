/* Link part usb-bulk (parts/link/link_usb_bulk.c) off the bed: board-file
 * errors name file, line and field; a board whose device is absent ends at
 * its timeout with "no USB device" (or libusb's own error where there is
 * no usbfs), never waits past it. The pipe itself runs in the USB test bed
 * (usb/agent_bulk). */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "clock.h"

static int load(const char *yaml, struct rig_board **b, struct rig_error *err)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/usbbulk.yaml", rigtest_tmpdir());
	f = fopen(path, "w");
	fputs(yaml, f);
	fclose(f);
	return rig_board_load(path, rigtest_tmpdir(), b, err);
}

static void bad_fields_are_named(void **state)
{
	static const struct {
		const char *link, *want;
	} cases[] = {
	    {"{kind: usb-bulk, device: \"2e8a\"}", "usbbulk.yaml:5: field 'link.device': \"2e8a\""},
	    {"{kind: usb-bulk, device: \"zz:0104\"}", "field 'link.device'"},
	    {"{kind: usb-bulk, device: \"1d6b:0104:x\"}", "not VID:PID"},
	    {"{kind: usb-bulk, speed: 3}", "speed"},
	    {"{kind: usb-bulk, timeout: forever}", "timeout"},
	};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(cases); i++) {
		char yaml[512];
		struct rig_board *b = NULL;
		struct rig_error err = {0};

		snprintf(yaml, sizeof(yaml),
			 "name: usbbulk\nkind: parts\ntarget: {os: linux, arch: x86_64}\n"
			 "runner: {kind: none}\nlink: %s\n",
			 cases[i].link);
		assert_int_not_equal(load(yaml, &b, &err), 0);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
		rig_board_free(b);
	}
}

static void absent_device_ends_at_the_timeout(void **state)
{
	struct rig_board *b = NULL;
	struct rig_transport *t = NULL;
	struct rig_error err = {0};
	int64_t t0;
	int rc;

	assert_int_equal(load("name: usbbulk\nkind: parts\ntarget: {os: linux, arch: x86_64}\n"
			      "runner: {kind: none}\n"
			      "link: {kind: usb-bulk, device: \"1209:fffe\", port: \"9-9\"}\n",
			      &b, &err),
			 0);
	t0 = rig_now_ns();
	rc = RIG_LINK(b)->connect(b, 300, &t, &err);
	assert_int_not_equal(rc, 0);
	assert_null(t);
	assert_true(rig_now_ns() - t0 < 3000000000ll);
	if (rc == RIG_ERR_NOT_FOUND)
		assert_non_null(strstr(err.msg, "no USB device 1209:fffe at port 9-9"));
	print_message("[     INFO ] %s\n", err.msg);
	rig_board_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_fields_are_named),
	    cmocka_unit_test(absent_device_ends_at_the_timeout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
