/* The USB core's parsing and matching (no bus needed; the bed's usb/core
 * test drives the same code against a real USB stack). */
#include "rigtest.h"

#include <string.h>

#include "usb.h"
#include "usb_board.h"

static const struct rig_usb_dev pico = {.vid = 0x2e8a,
					.pid = 0x000a,
					.devnum = 5,
					.depth = 2,
					.port = "1-1.4",
					.serial = "E6614C31",
					.product = "Pico"};
static const struct rig_usb_dev bootsel = {
    .vid = 0x2e8a, .pid = 0x0003, .devnum = 6, .depth = 2, .port = "1-1.4"};

static void a_selector_gives_vid_pid_and_serial(void **state)
{
	struct rig_usb_match m;
	(void)state;
	assert_int_equal(rig_usb_match_parse("usb:2E8A:000a:E6614C31", &m, NULL), 0);
	assert_int_equal(m.vid, 0x2e8a);
	assert_int_equal(m.pid, 0x000a);
	assert_string_equal(m.serial, "E6614C31");
	assert_int_equal(rig_usb_matches(&m, &pico), 1);
	assert_int_equal(rig_usb_matches(&m, &bootsel), 0);
}

static void bad_selectors_say_which_part_is_wrong(void **state)
{
	static const struct {
		const char *spec, *word;
	} cases[] = {
	    {"usb:2e8a", "vendor"},	  {"usb:xyz:0003", "vendor"}, {"usb:2e8a:12345", "product"},
	    {"usb:2e8a:0003:", "serial"}, {"port:", "port"},	      {"port:1.4", "port"},
	    {"2e8a:0003", "expected"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_usb_match m;
		struct rig_error err = {0};
		assert_int_equal(rig_usb_match_parse(cases[i].spec, &m, &err), RIG_ERR_INVALID);
		assert_non_null(strstr(err.msg, cases[i].word));
	}
}

static void a_port_path_matches_across_a_mode_switch(void **state)
{
	struct rig_cfg *cfg;
	struct rig_usb_ident id;
	struct rig_error err = {0};
	static const char y[] = "name: p\nusb:\n  vid: 0x2e8a\n  pid: 0x000a\n  port: 1-1.4\n"
				"  boot: {vid: 0x2e8a, pid: 0x0003}\n";
	(void)state;
	assert_int_equal(rig_cfg_load_string("p.yaml", y, sizeof(y) - 1, &cfg, &err), 0);
	assert_int_equal(rig_usb_board_ident(cfg, &id, &err), 1);
	assert_int_equal(rig_usb_ident_matches(&id, &pico), 1);
	assert_int_equal(rig_usb_ident_matches(&id, &bootsel), 1);
	assert_int_equal(id.boot.pid, 0x0003);
	rig_cfg_free(cfg);
}

static void a_serial_link_port_is_an_identity(void **state)
{
	struct rig_cfg *cfg;
	struct rig_usb_ident id;
	struct rig_error err = {0};
	static const char y[] = "name: p\nlink: {kind: serial, port: \"usb:2e8a:000a:E6614C31\"}\n";
	(void)state;
	assert_int_equal(rig_cfg_load_string("p.yaml", y, sizeof(y) - 1, &cfg, &err), 0);
	assert_int_equal(rig_usb_board_ident(cfg, &id, &err), 1);
	assert_int_equal(rig_usb_ident_matches(&id, &pico), 1);
	assert_int_equal(rig_usb_ident_matches(&id, &bootsel), 0);
	rig_cfg_free(cfg);
}

static void a_bad_usb_field_names_file_line_and_value(void **state)
{
	struct rig_cfg *cfg;
	struct rig_usb_ident id;
	struct rig_error err = {0};
	static const char y[] = "name: p\nusb:\n  vid: 0x2e8a\n  pid: zz\n";
	(void)state;
	assert_int_equal(rig_cfg_load_string("p.yaml", y, sizeof(y) - 1, &cfg, &err), 0);
	assert_int_equal(rig_usb_board_ident(cfg, &id, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "p.yaml:4"));
	assert_non_null(strstr(err.msg, "'zz'"));
	rig_cfg_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_selector_gives_vid_pid_and_serial),
	    cmocka_unit_test(bad_selectors_say_which_part_is_wrong),
	    cmocka_unit_test(a_port_path_matches_across_a_mode_switch),
	    cmocka_unit_test(a_serial_link_port_is_an_identity),
	    cmocka_unit_test(a_bad_usb_field_names_file_line_and_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
