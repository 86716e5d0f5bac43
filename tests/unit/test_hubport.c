/* Hub port power (usb/hubport.c, parts/power/power_hubport.c) on a fake
 * sysfs tree (RIG_USB_SYSFS): port and child paths for hubs and root hubs,
 * the sysfs `disable` fallback when no hub answers the hub request, the
 * wait for a device to go, and the "hub does not switch VBUS" error when
 * it never goes. The guest's dummy root hub runs the real requests. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "fileio.h"
#include "hubport.h"

static char sysfs[512];

static int setup(void **state)
{
	snprintf(sysfs, sizeof(sysfs), "%s/sys", rigtest_tmpdir());
	rigtest_sh(NULL,
		   "rm -rf %s && mkdir -p %s/bus/usb/devices/1-1:1.0/1-1-port2 "
		   "%s/bus/usb/devices/1-1.2 && : > %s/bus/usb/devices/1-1:1.0/1-1-port2/disable",
		   sysfs, sysfs, sysfs, sysfs);
	setenv("RIG_USB_SYSFS", sysfs, 1);
	return 0;
}

static void paths_for_hubs_and_root_hubs(void **state)
{
	char out[512], want[600];

	assert_int_equal(rig_hubport_child("1-1", 2, out, sizeof(out), NULL), 0);
	assert_string_equal(out, "1-1.2");
	assert_int_equal(rig_hubport_child("usb3", 1, out, sizeof(out), NULL), 0);
	assert_string_equal(out, "3-1");
	assert_int_equal(rig_hubport_sysfs_dir("usb1", 2, out, sizeof(out), NULL), 0);
	snprintf(want, sizeof(want), "%s/bus/usb/devices/1-0:1.0/usb1-port2", sysfs);
	assert_string_equal(out, want);
	assert_int_equal(rig_hubport_child("1-1", 0, out, sizeof(out), NULL), RIG_ERR_INVALID);
	assert_int_equal(rig_hubport_child("../x", 1, out, sizeof(out), NULL), RIG_ERR_INVALID);
}

static void sysfs_fallback_writes_disable(void **state)
{
	char path[600], *text = NULL;
	int used = 0;

	assert_int_equal(rig_hubport_present("1-1", 2), 1);
	assert_int_equal(rig_hubport_set("1-1", 2, 0,
					 RIG_HUBPORT_HUB_REQUEST | RIG_HUBPORT_SYSFS_DISABLE, &used,
					 NULL),
			 0);
	assert_int_equal(used, RIG_HUBPORT_SYSFS_DISABLE);
	snprintf(path, sizeof(path), "%s/bus/usb/devices/1-1:1.0/1-1-port2/disable", sysfs);
	assert_int_equal(rig_read_file(path, &text, NULL, NULL), 0);
	assert_string_equal(text, "1");
	free(text);
	assert_int_equal(rig_hubport_set("1-1", 2, 1, RIG_HUBPORT_SYSFS_DISABLE, &used, NULL), 0);
	assert_int_equal(rig_read_file(path, &text, NULL, NULL), 0);
	assert_string_equal(text, "0");
	free(text);
}

static void missing_port_is_not_supported(void **state)
{
	struct rig_error err = {0};
	int used;

	assert_int_equal(rig_hubport_set("1-1", 3, 0, RIG_HUBPORT_SYSFS_DISABLE, &used, &err),
			 RIG_ERR_NOT_SUPPORTED);
	assert_non_null(strstr(err.msg, "1-1-port3/disable"));
}

static void wait_sees_device_leave(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(rig_hubport_wait("1-1", 2, 0, 100, &err), RIG_ERR_TIMEOUT);
	assert_non_null(strstr(err.msg, "the device 1-1.2 is still there after 100 ms"));
	rigtest_sh(NULL, "rmdir %s/bus/usb/devices/1-1.2", sysfs);
	assert_int_equal(rig_hubport_wait("1-1", 2, 0, 100, NULL), 0);
	assert_int_equal(rig_hubport_wait("1-1", 2, 1, 100, NULL), RIG_ERR_TIMEOUT);
}

static int load(const char *power, struct rig_board **b, struct rig_error *err)
{
	char yaml[512];
	const char *dir = rigtest_tmpdir();

	snprintf(yaml, sizeof(yaml),
		 "name: b\nkind: parts\ntarget: {os: none, arch: thumb}\nrunner: {kind: mcu}\n"
		 "link: {kind: pty, path: /dev/null}\npower: %s\n",
		 power);
	return rig_board_load(rigtest_write(dir, "b.yaml", yaml), dir, b, err);
}

static void power_part_refuses_a_hub_that_keeps_power(void **state)
{
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	int64_t t0 = 0;

	assert_int_equal(
	    load("{kind: usb-hub-port, hub: \"1-1\", port: 2, off: 10ms, wait: 100ms}", &b, &err),
	    0);
	assert_int_equal(RIG_POWER(b)->reset(b, &t0, &err), RIG_ERR_IO);
	assert_non_null(strstr(err.msg, "does not switch VBUS (uhubctl #504)"));
	rig_board_free(b);
}

static void power_part_field_errors(void **state)
{
	struct rig_board *b = NULL;
	struct rig_error err = {0};

	assert_int_equal(load("{kind: usb-hub-port, port: 2}", &b, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "hub"));
	assert_int_equal(load("{kind: usb-hub-port, hub: \"a/b\", port: 2}", &b, &err),
			 RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "hub: \"a/b\" is not a hub port path"));
	assert_int_equal(load("{kind: usb-hub-port, hub: usb1, port: 2, method: magic}", &b, &err),
			 RIG_ERR_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(paths_for_hubs_and_root_hubs, setup),
	    cmocka_unit_test_setup(sysfs_fallback_writes_disable, setup),
	    cmocka_unit_test_setup(missing_port_is_not_supported, setup),
	    cmocka_unit_test_setup(wait_sees_device_leave, setup),
	    cmocka_unit_test_setup(power_part_refuses_a_hub_that_keeps_power, setup),
	    cmocka_unit_test_setup(power_part_field_errors, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
