/* Serial transport: port selectors, USB matching, the pty path (real ptys
 * from openpty), what libserialport does with a pty on this machine, and
 * the socket transports (unix, TCP with TCP_NODELAY) with their deadlines. */
#include "rigtest.h"

#include <errno.h>
#include <libserialport.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "transport.h"
#include "transport_serial.h"
#include "util.h"

/* ---- selectors ---- */

static void selector_path_form(void **state)
{
	struct rig_serial_sel s;
	struct rig_error err = {0};

	assert_int_equal(rig_serial_sel_parse("/dev/ttyACM0", &s, &err), 0);
	assert_false(s.usb);
	assert_string_equal(s.path, "/dev/ttyACM0");
}

static void selector_usb_forms(void **state)
{
	struct rig_serial_sel s;
	struct rig_error err = {0};

	assert_int_equal(rig_serial_sel_parse("usb:2e8a:000a", &s, &err), 0);
	assert_true(s.usb);
	assert_int_equal(s.vid, 0x2e8a);
	assert_int_equal(s.pid, 0x000a);
	assert_string_equal(s.serial, "");
	assert_int_equal(rig_serial_sel_parse("usb:0483:374B:066DFF535155878281", &s, &err), 0);
	assert_int_equal(s.pid, 0x374b);
	assert_string_equal(s.serial, "066DFF535155878281");
}

static void selector_rejects_bad_usb_ids(void **state)
{
	static const char *const bad[] = {
	    "",
	    "usb:",
	    "usb:2e8a",
	    "usb:2e8a:",
	    "usb:12345:0001",
	    "usb:zz:0001",
	    "usb:2e8a:000a:",
	    "usb::000a",
	    "usb:2e8a:000a@",
	    "usb:2e8a:000a@1",
	    "usb:2e8a:000a@1-",
	    "usb:2e8a:000a@1-1.",
	    "usb:2e8a:000a@1-1..2",
	    "usb:2e8a:000a@usb1",
	    "usb:2e8a:000a@1-1-2",
	};
	struct rig_serial_sel s;

	for (size_t i = 0; i < RIG_ARRAY_SIZE(bad); i++) {
		struct rig_error err = {0};

		assert_int_equal(rig_serial_sel_parse(bad[i], &s, &err), RIG_ERR_INVALID);
		assert_true(strlen(err.msg) > 0);
	}
}

static const struct rig_serial_port_info ports[] = {
    {.name = "/dev/ttyS0", .description = "ttyS0"},
    {.name = "/dev/ttyACM0",
     .is_usb = 1,
     .vid = 0x2e8a,
     .pid = 0x000a,
     .serial = "E6616407E3",
     .port = "1-1.2"},
    {.name = "/dev/ttyACM1",
     .is_usb = 1,
     .vid = 0x2e8a,
     .pid = 0x000a,
     .serial = "E66164084B",
     .port = "1-1.4"},
    {.name = "/dev/ttyACM2", .is_usb = 1, .vid = 0x0483, .pid = 0x374b, .serial = "066D"},
};

/* the port path decides between identical boards, whatever their serials */
static void match_by_usb_port_path(void **state)
{
	struct rig_serial_sel s;
	struct rig_error err = {0};

	assert_int_equal(rig_serial_sel_parse("usb:2e8a:000a@1-1.4", &s, &err), 0);
	assert_string_equal(s.port, "1-1.4");
	assert_string_equal(s.serial, "");
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err), 2);
	assert_int_equal(rig_serial_sel_parse("usb:2e8a:000a:E6616407E3@1-1.2", &s, &err), 0);
	assert_string_equal(s.serial, "E6616407E3");
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err), 1);
	rig_serial_sel_parse("usb:2e8a:000a@2-1", &s, &err);
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err),
			 RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "at port 2-1"));
	assert_non_null(strstr(err.msg, "/dev/ttyACM1=usb:2e8a:000a:E66164084B@1-1.4"));
}

static void match_by_usb_serial(void **state)
{
	struct rig_serial_sel s;
	struct rig_error err = {0};

	rig_serial_sel_parse("usb:2e8a:000a:E66164084B", &s, &err);
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err), 2);
	rig_serial_sel_parse("usb:0483:374b", &s, &err);
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err), 3);
	rig_serial_sel_parse("/dev/ttyS0", &s, &err);
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err), 0);
}

static void ambiguous_usb_id_needs_a_serial(void **state)
{
	struct rig_serial_sel s;
	struct rig_error err = {0};

	rig_serial_sel_parse("usb:2e8a:000a", &s, &err);
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err),
			 RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "2 ports match"));
	assert_non_null(strstr(err.msg, "E66164084B"));
}

static void missing_usb_device_lists_what_was_seen(void **state)
{
	struct rig_serial_sel s;
	struct rig_error err = {0};

	rig_serial_sel_parse("usb:1366:1015", &s, &err);
	assert_int_equal(rig_serial_sel_match(&s, ports, RIG_ARRAY_SIZE(ports), &err),
			 RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "1366:1015"));
	assert_non_null(strstr(err.msg, "/dev/ttyACM2=usb:0483:374b:066D"));
}

/* ---- libserialport on this machine ---- */

static void enumeration_and_list_agree(void **state)
{
	struct rig_serial_port_info *info = NULL;
	struct rig_kvlist kv = {0};
	struct rig_error err = {0};
	size_t n = 0;
	int listed;

	assert_int_equal(rig_serial_enumerate(&info, &n, &err), 0);
	listed = rig_serial_list(&kv, &err);
	assert_int_equal(listed, 0);
	assert_int_equal(kv.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(rig_kv_get(&kv, info[i].name));
		if (info[i].is_usb)
			assert_non_null(strstr(rig_kv_get(&kv, info[i].name), "usb "));
	}
	print_message("[     INFO ] %zu serial port(s) here\n", n);
	free(info);
	rig_kv_free(&kv);
}

/* The fact docs/serial.md rests on: libserialport will not take a pty. If a
 * later libserialport accepts ptys, this test says so and the decision
 * should be revisited. */
static void libserialport_refuses_a_pty(void **state)
{
	int master, slave;
	char name[128];
	struct sp_port *port = NULL;
	enum sp_return r;

	assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
	r = sp_get_port_by_name(name, &port);
	if (r == SP_OK) {
		/* look-up passed: then open must be the part that fails */
		r = sp_open(port, SP_MODE_READ_WRITE);
		if (r == SP_OK)
			sp_close(port);
		sp_free_port(port);
	}
	assert_int_not_equal(r, SP_OK);
	close(slave);
	close(master);
}

static void pty_is_detected_by_device_number(void **state)
{
	int master, slave;
	char name[128];

	assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
	assert_true(rig_serial_path_is_pty(name));
	assert_false(rig_serial_path_is_pty("/dev/null"));
	assert_false(rig_serial_path_is_pty("/nonexistent/tty"));
	close(slave);
	close(master);
}

static void pty_opens_through_the_serial_entry_point(void **state)
{
	int master, slave;
	char name[128], buf[64] = {0};
	struct rig_transport *t = NULL;
	struct rig_error err = {0};
	ssize_t n;

	assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
	assert_int_equal(rig_transport_serial_open(name, 115200, &t, &err), 0);
	assert_string_equal(t->ops->kind, "fd");
	/* raw: no echo, no CR/LF mangling, bytes both ways */
	assert_int_equal(write(master, "a\r\nb\n", 5), 5);
	n = 0;
	while (n < 5) {
		ssize_t r = rig_transport_read(t, buf + n, sizeof(buf) - 1 - (size_t)n, 1000, &err);
		assert_true(r > 0);
		n += r;
	}
	assert_memory_equal(buf, "a\r\nb\n", 5);
	assert_int_equal(rig_transport_write(t, "ping\n", 5, 1000, &err), 5);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(read(master, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "ping\n");
	/* a pty has no modem lines: said plainly, not hidden */
	assert_int_equal(t->ops->set_lines(t, 1, 0, &err), RIG_ERR_NOT_SUPPORTED);
	rig_transport_close(t);
	close(slave);
	close(master);
}

static void pty_read_times_out_then_sees_hangup(void **state)
{
	int master, slave;
	char name[128], buf[16];
	struct rig_transport *t = NULL;
	struct rig_error err = {0};

	assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
	close(slave);
	assert_int_equal(rig_transport_tty_open(name, 0, &t, &err), 0);
	assert_int_equal(rig_transport_read(t, buf, sizeof(buf), 50, &err), RIG_ERR_TIMEOUT);
	close(master); /* the emulator went away */
	assert_int_equal(rig_transport_read(t, buf, sizeof(buf), 1000, &err), RIG_ERR_IO);
	rig_transport_close(t);
}

static void missing_port_is_not_found(void **state)
{
	struct rig_transport *t = NULL;
	struct rig_error err = {0};

	assert_int_equal(rig_transport_serial_open("/dev/ttyRIGNOPE9", 115200, &t, &err),
			 RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "/dev/ttyRIGNOPE9"));
}

static void non_tty_file_is_refused_by_libserialport_with_its_error(void **state)
{
	struct rig_transport *t = NULL;
	struct rig_error err = {0};

	/* /dev/null exists but is no serial port: libserialport's own error
	 * name must reach the message */
	assert_true(rig_transport_serial_open("/dev/null", 115200, &t, &err) < 0);
	assert_non_null(strstr(err.msg, "SP_ERR_"));
}

/* ---- sockets ---- */

static void unix_connect_gives_up_at_the_deadline(void **state)
{
	char path[600];
	struct rig_transport *t = NULL;
	struct rig_error err = {0};
	int64_t t0 = rig_now_ns();

	snprintf(path, sizeof(path), "%s/nobody.sock", rigtest_tmpdir());
	assert_int_equal(rig_transport_connect(path, 100, &t, &err), RIG_ERR_TIMEOUT);
	assert_true(rig_now_ns() - t0 >= 95 * 1000000LL);
	assert_non_null(strstr(err.msg, "nobody.sock"));
}

static void unix_connect_and_talk(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct rig_transport *t = NULL;
	struct rig_error err = {0};
	char buf[16] = {0};
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), c;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/con.sock", rigtest_tmpdir());
	unlink(sa.sun_path);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_int_equal(rig_transport_connect(sa.sun_path, 1000, &t, &err), 0);
	c = accept(ls, NULL, NULL);
	assert_true(c >= 0);
	assert_int_equal(write(c, "hi", 2), 2);
	assert_int_equal(rig_transport_read(t, buf, sizeof(buf), 1000, &err), 2);
	close(c);
	assert_int_equal(rig_transport_read(t, buf, sizeof(buf), 1000, &err), RIG_ERR_IO);
	/* writing to a closed peer is an error, not a SIGPIPE */
	assert_true(rig_transport_write(t, "x", 1, 100, &err) < 0 ||
		    rig_transport_write(t, "x", 1, 100, &err) < 0);
	rig_transport_close(t);
	close(ls);
}

static void tcp_connect_sets_nodelay(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	struct rig_transport *t = NULL;
	struct rig_error err = {0};
	char addr[64];
	int ls = socket(AF_INET, SOCK_STREAM, 0), c, nd = 0;
	socklen_t ndl = sizeof(nd);

	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	getsockname(ls, (struct sockaddr *)&sa, &sl);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sa.sin_port));
	assert_int_equal(rig_transport_connect(addr, 1000, &t, &err), 0);
	c = accept(ls, NULL, NULL);
	assert_true(c >= 0);
	/* The transport's fd is private: find it among ours as the socket whose
	 * peer is the listener, and read its TCP_NODELAY. */
	for (int fd = 3; fd < 1024; fd++) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);

		if (fd == ls || fd == c || getpeername(fd, (struct sockaddr *)&peer, &pl) ||
		    peer.sin_family != AF_INET || peer.sin_port != sa.sin_port)
			continue;
		assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nd, &ndl), 0);
		break;
	}
	assert_int_equal(nd, 1);
	assert_int_equal(rig_transport_write(t, "x", 1, 1000, &err), 1);
	assert_int_equal(read(c, addr, 1), 1);
	close(c);
	rig_transport_close(t);
	close(ls);
}

static void tcp_bad_address_is_invalid(void **state)
{
	struct rig_transport *t = NULL;
	struct rig_error err = {0};

	assert_int_equal(rig_transport_connect("127.0.0.1:", 100, &t, &err), RIG_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(selector_path_form),
	    cmocka_unit_test(selector_usb_forms),
	    cmocka_unit_test(selector_rejects_bad_usb_ids),
	    cmocka_unit_test(match_by_usb_serial),
	    cmocka_unit_test(match_by_usb_port_path),
	    cmocka_unit_test(ambiguous_usb_id_needs_a_serial),
	    cmocka_unit_test(missing_usb_device_lists_what_was_seen),
	    cmocka_unit_test(enumeration_and_list_agree),
	    cmocka_unit_test(libserialport_refuses_a_pty),
	    cmocka_unit_test(pty_is_detected_by_device_number),
	    cmocka_unit_test(pty_opens_through_the_serial_entry_point),
	    cmocka_unit_test(pty_read_times_out_then_sees_hangup),
	    cmocka_unit_test(missing_port_is_not_found),
	    cmocka_unit_test(non_tty_file_is_refused_by_libserialport_with_its_error),
	    cmocka_unit_test(unix_connect_gives_up_at_the_deadline),
	    cmocka_unit_test(unix_connect_and_talk),
	    cmocka_unit_test(tcp_connect_sets_nodelay),
	    cmocka_unit_test(tcp_bad_address_is_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
