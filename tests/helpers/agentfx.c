/* A loopback rig-agent for tests: see agentfx.h. */
#include "agentfx.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rigtest.h"
#include "util.h"

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

int agentfx_start(struct agentfx *fx)
{
	char agent[600], portfile[640], port[16] = "";
	struct rig_error err = {0};
	FILE *f;

	memset(fx, 0, sizeof(*fx));
	snprintf(agent, sizeof(agent), "%s/firmware/agent/rig-agent", rigtest_binary_dir());
	if (access(agent, X_OK)) {
		fprintf(stderr, "rig-agent not built at %s\n", agent);
		return -1;
	}
	snprintf(fx->dir, sizeof(fx->dir), "%s", rigtest_tmpdir());
	chmod(fx->dir, 0755); /* workloads run as nobody when tests run as root */
	snprintf(fx->work, sizeof(fx->work), "%s/work", fx->dir);
	mkdir(fx->work, 0755);
	snprintf(fx->keyfile, sizeof(fx->keyfile), "%s/agent.key", fx->dir);
	if (!(f = fopen(fx->keyfile, "w")))
		return -1;
	fprintf(f, "8f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
	fclose(f);
	chmod(fx->keyfile, 0600);
	snprintf(portfile, sizeof(portfile), "%s/port", fx->dir);
	snprintf(fx->log, sizeof(fx->log), "%s/agent.log", fx->dir);
	fx->pid = fork();
	if (fx->pid == 0) {
		int fd = open(fx->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execl(agent, agent, "--key", fx->keyfile, "--work", fx->work, "--listen",
		      "127.0.0.1:0", "--port-file", portfile, "--verbose", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500 && !port[0]; i++) {
		if ((f = fopen(portfile, "r"))) {
			if (!fgets(port, sizeof(port), f))
				port[0] = 0;
			fclose(f);
		}
		if (!port[0])
			sleep_ms(10);
	}
	if (!port[0]) {
		fprintf(stderr, "rig-agent wrote no port file (log %s)\n", fx->log);
		return -1;
	}
	port[strcspn(port, "\n")] = 0;
	snprintf(fx->addr, sizeof(fx->addr), "127.0.0.1:%s", port);
	if (rig_agent_load_key(fx->keyfile, fx->key, &fx->key_len, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

void agentfx_stop(struct agentfx *fx)
{
	if (fx->pid > 0) {
		kill(fx->pid, SIGTERM);
		waitpid(fx->pid, NULL, 0);
		fx->pid = 0;
	}
}

struct rig_agent *agentfx_connect(const struct agentfx *fx, struct rig_error *err)
{
	struct rig_transport *t;
	struct rig_agent *a = NULL;

	if (rig_transport_connect(fx->addr, 5000, &t, err))
		return NULL;
	if (rig_agent_open(t, "loopback", fx->key, fx->key_len, 5000, &a, err))
		return NULL;
	return a;
}

char *agentfx_read(const struct agentfx *fx, const char *name, size_t *len)
{
	char path[700], *data;
	size_t n;
	struct rig_error err = {0};

	snprintf(path, sizeof(path), "%s/%s", fx->work, name);
	if (rig_read_file(path, &data, &n, &err))
		return NULL;
	if (len)
		*len = n;
	return data;
}

int agentfx_tmp_files(const struct agentfx *fx)
{
	DIR *d = opendir(fx->work);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, ".put-", 5) == 0;
	closedir(d);
	return n;
}

struct agentfx agentfx_shared;

int agentfx_group_setup(void **state)
{
	(void)state;
	return agentfx_start(&agentfx_shared);
}

int agentfx_group_teardown(void **state)
{
	(void)state;
	agentfx_stop(&agentfx_shared);
	return 0;
}

struct rig_agent *agentfx_connect_ok(void)
{
	struct rig_error err = {0};
	struct rig_agent *a = agentfx_connect(&agentfx_shared, &err);

	if (!a)
		fail_msg("connect: %s", err.msg);
	return a;
}
