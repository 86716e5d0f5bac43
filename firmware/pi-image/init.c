/*
 * /init of the emulated Pi's initramfs (firmware/pi-image/mkimage.sh): a
 * static program, so the image needs no shell or busybox. It mounts the
 * kernel file systems, loads the virtio network modules in dependency order
 * (failover, net_failover, virtio_mmio, virtio_net: Debian builds them as
 * modules), configures eth0 for QEMU's user-mode network (10.0.2.15/24),
 * quiets the kernel console (the agent speaks on the same UART), and keeps
 * rig-agent running, reaping every orphan as PID 1 must.
 *
 * Console messages start with "rig-pi-init:" so the host can follow the boot.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define AGENT_PORT "7022"

static void say(const char *fmt, const char *a)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "rig-pi-init: ");
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, fmt, a ? a : "");
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, (size_t)n) < 0)
		return;
}

static void load_module(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/lib/modules/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("no module %s", path);
		return;
	}
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		say("loading %s failed", name);
	close(fd);
}

static int ifreq_set(int s, const char *ifname, unsigned long req, const char *addr)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	return ioctl(s, req, &ifr);
}

static int if_up(int s, const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static void network(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct rtentry rt;
	struct sockaddr_in *gw = (struct sockaddr_in *)&rt.rt_gateway,
			   *dst = (struct sockaddr_in *)&rt.rt_dst,
			   *mask = (struct sockaddr_in *)&rt.rt_genmask;
	int i;

	if_up(s, "lo");
	/* the device appears while virtio_net probes; give it a moment */
	for (i = 0; i < 200; i++) {
		if (ifreq_set(s, "eth0", SIOCSIFADDR, "10.0.2.15") == 0)
			break;
		usleep(10000);
	}
	if (i == 200) {
		say("eth0 did not appear: TCP is unavailable, serial only%s", NULL);
		close(s);
		return;
	}
	ifreq_set(s, "eth0", SIOCSIFNETMASK, "255.255.255.0");
	if_up(s, "eth0");
	memset(&rt, 0, sizeof(rt));
	gw->sin_family = dst->sin_family = mask->sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.2.2", &gw->sin_addr);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	ioctl(s, SIOCADDRT, &rt);
	close(s);
	say("eth0 10.0.2.15/24 up%s", NULL);
}

static pid_t start_agent(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/var/log/rig-agent.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			      0644); /* no secrets in it; readable for diagnosis */
		/* stdout/stderr away from the UART: the agent speaks frames there */
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/rig-agent", "rig-agent", "--key", "/etc/rig/agent.key", "--work",
		      "/var/rig", "--listen", "0.0.0.0:" AGENT_PORT, "--serial", "/dev/ttyAMA0",
		      "--baud", "115200", "--verbose", (char *)NULL);
		_exit(127);
	}
	return pid;
}

int main(void)
{
	pid_t agent;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
	mkdir("/var/log", 0755);
	say("booted, loading virtio network modules%s", NULL);
	load_module("failover");
	load_module("net_failover");
	load_module("virtio_mmio");
	load_module("virtio_net");
	network();
	sethostname("rig-pi", 6);
	say("starting rig-agent on tcp port " AGENT_PORT " and /dev/ttyAMA0%s", NULL);
	/* from here the UART carries frames: kernel messages only when severe */
	klogctl(8, NULL, 1);
	agent = start_agent();
	for (;;) {
		int status;
		pid_t p = wait(&status);
		if (p < 0 && errno == ECHILD) {
			sleep(1);
			continue;
		}
		if (p == agent) {
			sleep(1);
			agent = start_agent();
		}
	}
}
