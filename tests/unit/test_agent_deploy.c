/* Agent boards that do not answer run their `deploy:` steps and connect
 * again. Here the steps start the x86_64 agent on loopback, as ssh would
 * start it on a Pi. */
#include "rigtest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &n))
		abort();
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static const char *key_file(const char *dir)
{
	const char *k = rigtest_write(
	    dir, "agent.key", "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff\n");
	chmod(k, 0600);
	return k;
}

static void kill_pidfile(const char *path)
{
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (!f)
		return;
	if (fscanf(f, "%d", &pid) == 1 && pid > 0)
		kill(pid, SIGTERM);
	fclose(f);
}

static void silent_board_is_deployed_then_reached(void **state)
{
	char agent[1024], dir[1024], text[2048], pidf[1100];
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	struct rig_kvlist facts = {0};
	int port = free_port(), rc;

	snprintf(agent, sizeof(agent), "%s/firmware/agent/rig-agent", rigtest_binary_dir());
	if (access(agent, X_OK)) {
		print_message("[  SKIPPED ] rig-agent not built at %s\n", agent);
		skip();
	}
	snprintf(dir, sizeof(dir), "%s/deploy", rigtest_tmpdir());
	mkdir(dir, 0755);
	key_file(dir);
	snprintf(pidf, sizeof(pidf), "%s/agent.pid", dir);
	snprintf(text, sizeof(text),
		 "kind: agent\ntarget: {os: linux, arch: x86_64}\nagent:\n  host: 127.0.0.1\n"
		 "  port: %d\n  key_file: agent.key\n  connect_timeout: 5s\n  deploy:\n"
		 "    - mkdir -p %s/work\n"
		 "    - '{agent_binary} --key {key_file} --work %s/work --listen {host}:{port}"
		 " >/dev/null 2>&1 & echo $! > %s'\n",
		 port, dir, dir, pidf);
	if (rig_board_load(rigtest_write(dir, "pi.yaml", text), dir, &b, &err))
		fail_msg("%s", err.msg);
	rc = b->ops->open(b, &err);
	if (rc) {
		kill_pidfile(pidf);
		fail_msg("open: %s", err.msg);
	}
	assert_int_equal(b->ops->facts(b, &facts, &err), 0);
	assert_non_null(rig_kv_get(&facts, "board.kernel"));
	b->ops->close(b);
	kill_pidfile(pidf);
	rig_kv_free(&facts);
	rig_board_free(b);
}

static void failing_deploy_step_is_named(void **state)
{
	char dir[1024], text[1024];
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	char agent[1024];

	snprintf(agent, sizeof(agent), "%s/firmware/agent/rig-agent", rigtest_binary_dir());
	if (access(agent, X_OK)) {
		print_message("[  SKIPPED ] rig-agent not built at %s\n", agent);
		skip();
	}
	snprintf(dir, sizeof(dir), "%s/deployfail", rigtest_tmpdir());
	mkdir(dir, 0755);
	key_file(dir);
	snprintf(text, sizeof(text),
		 "kind: agent\ntarget: {os: linux, arch: x86_64}\nagent:\n  host: 127.0.0.1\n"
		 "  port: %d\n  key_file: agent.key\n  connect_timeout: 1s\n  deploy:\n"
		 "    - echo no route to the board >&2; exit 3\n",
		 free_port());
	if (rig_board_load(rigtest_write(dir, "pi.yaml", text), dir, &b, &err))
		fail_msg("%s", err.msg);
	assert_int_not_equal(b->ops->open(b, &err), 0);
	assert_non_null(strstr(err.msg, "deploy step 1 failed"));
	assert_non_null(strstr(err.msg, "no route to the board"));
	rig_board_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(silent_board_is_deployed_then_reached),
	    cmocka_unit_test(failing_deploy_step_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
