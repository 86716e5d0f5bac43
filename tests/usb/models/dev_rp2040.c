/*
 * usbmodel_rp2040: an RP2040 boot ROM's drive on a kernel gadget, in the
 * USB test bed. BOOTSEL mode is 2e8a:0003 "RP2 Boot" with no serial (as the
 * ROM hides the flash serial) and a mass-storage function over a FAT image
 * (mkfs.vfat -n RPI-RP2). As the real ROM does, it decodes every 512-byte
 * sector the host wrote, not files: any name, any order, repeats
 * tolerated; blocks of the RP2040 family inside the XIP window go into
 * its flash array (2 MiB, or --flash-size-mib). When every block of the file (numBlocks) has
 * arrived it "reboots": writes the flash bytes up to the highest written address to
 * --flash-out, leaves the bus (UDC unbound) and comes back as the
 * application, 2e8a:000a with a CDC-ACM function and serial E660MODEL0001,
 * at the same port. Runs until SIGTERM.
 *
 * The application is rig's MCU firmware (its line protocol and C
 * workloads, firmware/mcu/core/main.c) built for the guest (fw_hosted.h),
 * served on the ACM function's /dev/ttyGSN: each "boot" is a child process
 * that prints the ready line and answers commands; when the host side goes
 * away (the hub port's power is cut: the tty hangs up) the child ends, and
 * the next boot starts when it comes back, so a ready line after power on
 * is a cold start. It does not execute the flashed image (no RP2040 CPU
 * here): rows benched on it are emulated.
 *
 * With --picoboot, in the same configuration, as on the real ROM,
 * interface 1 is PICOBOOT
 * (vendor class, bulk OUT + IN) on FunctionFS: the in-process model's
 * command logic (picoboot_model.c) over the same flash array, served by
 * picoboot_ffs.c. An acknowledged REBOOT reboots the same way, writing the
 * flash up to its last programmed (non-0xFF) page.
 *
 *   usbmodel_rp2040 --dir DIR --flash-out FILE [--udc dummy_udc.0] [--picoboot]
 *                   [--start bootsel|app]
 *                   [--fault never-back|hang-boot:N|stall|timeout|disconnect|bad-data]
 *                   [--fault-after BYTES] [--flash-size-mib 1..16]
 *
 * --start app skips BOOTSEL (the image is taken as flashed).
 *
 * Faults: never-back (no-comeback): reboots and never re-enumerates;
 * hang-boot:N: the application's Nth boot, counting from 1, is hung (no
 * ready line, no answer) until its power is cut; the
 * others are PICOBOOT's (model_fault.h), striking after --fault-after
 * bytes of WRITE data (default 4096): stall (the WRITE is refused: both
 * endpoints halt, CMD_STATUS says UNKNOWN_ERROR), timeout (no more
 * answers), disconnect (leaves the bus mid-transfer), bad-data (READ
 * returns one flipped bit).
 *
 * Prints "ready" once BOOTSEL is bound (or the app, with --start app),
 * "rebooted N blocks" or "rebooted picoboot" after a flash and "boot N" at
 * each application boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fw_hosted.h"
#include "picoboot_ffs.h"
#include "uf2.h"

#define G "/sys/kernel/config/usb_gadget/rp2040"
#define FLASH_BASE 0x10000000u
/* the flash array: 2 MiB as on a Pico, --flash-size up to 16 MiB */
static uint32_t flash_size = 2u << 20;

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(val, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "usbmodel_rp2040: writing '%s' to %s: %s\n", val, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static char udcnl[64];

/* the PICOBOOT disconnect fault: the device leaves the bus */
static void unbind(void *ctx)
{
	(void)ctx;
	put(G "/UDC", "\n");
}

static void ids(const char *pid, const char *product, const char *serial)
{
	put(G "/idVendor", "0x2e8a");
	put(G "/idProduct", pid);
	put(G "/strings/0x409/manufacturer", "Raspberry Pi");
	put(G "/strings/0x409/product", product);
	put(G "/strings/0x409/serialnumber", serial);
}

/* The ACM function's tty: /dev/ttyGS<port_num>. */
static int acm_tty(char *path, size_t cap)
{
	FILE *f = fopen(G "/functions/acm.0/port_num", "r");
	int n = -1;

	if (!f || fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	if (n < 0) {
		fprintf(stderr, "usbmodel_rp2040: no port_num for acm.0\n");
		return -1;
	}
	snprintf(path, cap, "/dev/ttyGS%d", n);
	return 0;
}

/* Comes up as the application: 2e8a:000a with the ACM function. */
static int app_up(void)
{
	ids("0x000a", "Pico", "E660MODEL0001");
	symlink(G "/functions/acm.0", G "/configs/c.1/acm.0");
	return put(G "/UDC", udcnl);
}

/* The application: one firmware boot per child, until SIGTERM. */
static int app(int hang_boot)
{
	char tty[64];
	int boot = 0;

	if (acm_tty(tty, sizeof(tty)))
		return 1;
	while (!stop) {
		int fd = open(tty, O_RDWR | O_NOCTTY);
		pid_t pid;

		if (fd < 0) {
			fprintf(stderr, "usbmodel_rp2040: %s: %s\n", tty, strerror(errno));
			return 1;
		}
		boot++;
		printf("boot %d%s\n", boot, boot == hang_boot ? " (hung)" : "");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			rig_fw_hosted_run(fd, boot == hang_boot ? RIG_FW_HANG_AFTER : RIG_FW_OK,
					  boot == hang_boot ? -1 : 0);
			_exit(0);
		}
		close(fd);
		while (pid > 0 && waitpid(pid, NULL, 0) < 0) {
			if (errno != EINTR)
				break;
			if (stop)
				kill(pid, SIGKILL);
		}
		/* powered off: the tty is back once the host re-enumerates it;
		 * opening it earlier succeeds too and buffers the ready line */
		usleep(20000);
	}
	return 0;
}

/* b - a in ns */
static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000 + (b->tv_nsec - a->tv_nsec);
}

/* One look at the drive: every 512-byte sector that is a UF2 block for this
 * flash is programmed, as the ROM does (any file name, any order, repeats
 * tolerated). Reads 64 KiB at a time. Returns -1 on a read error. */
static int scan_drive(int fd, struct rig_pbm *pbm, uint8_t **seen, uint32_t *num, uint32_t *got,
		      uint32_t *top)
{
	static uint8_t buf[64 * 1024];
	uint8_t *flash = pbm->flash;
	ssize_t n;

	for (off_t off = 0;; off += n) {
		n = pread(fd, buf, sizeof(buf), off);
		if (n < 0)
			return -1;
		if (n < RIG_UF2_BLOCK_SIZE)
			return 0;
		n -= n % RIG_UF2_BLOCK_SIZE;
		for (ssize_t i = 0; i < n; i += RIG_UF2_BLOCK_SIZE) {
			struct rig_uf2_block b;
			if (rig_uf2_parse_block(buf + i, &b, NULL) != 1)
				continue;
			if ((b.flags & RIG_UF2_FLAG_FAMILY_ID) && b.family != RIG_UF2_FAMILY_RP2040)
				continue;
			if (b.flags & RIG_UF2_FLAG_NOT_MAIN_FLASH || b.payload_size != 256 ||
			    b.target_addr < FLASH_BASE ||
			    b.target_addr - FLASH_BASE > flash_size - 256 ||
			    b.num_blocks > flash_size / 256)
				continue;
			if (!*seen) {
				*num = b.num_blocks;
				*seen = calloc(*num, 1);
			}
			if (b.num_blocks != *num)
				continue;  /* a block of another file: the ROM starts over too */
			rig_pbm_sync(pbm); /* PICOBOOT's erased sectors first */
			memcpy(flash + (b.target_addr - FLASH_BASE), b.data, 256);
			if (b.target_addr - FLASH_BASE + 256 > *top)
				*top = b.target_addr - FLASH_BASE + 256;
			if (!(*seen)[b.block_no]++)
				(*got)++;
		}
	}
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *flash_out = NULL, *udc = "dummy_udc.0", *fault = "",
		   *start = "bootsel";
	char img[600], cmd[800];
	static struct rig_pbm pbm;
	static struct rig_pbffs pbffs;
	uint8_t *flash, *seen = NULL;
	uint32_t num = 0, got = 0, top = 0, fault_after = 4096;
	int never_back = 0, picoboot = 0, hang_boot = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--picoboot")) {
			picoboot = 1;
			i--; /* a flag without a value */
		} else if (!strcmp(argv[i], "--dir"))
			dir = argv[i + 1];
		else if (!strcmp(argv[i], "--flash-out"))
			flash_out = argv[i + 1];
		else if (!strcmp(argv[i], "--udc"))
			udc = argv[i + 1];
		else if (!strcmp(argv[i], "--fault"))
			fault = argv[i + 1];
		else if (!strcmp(argv[i], "--start"))
			start = argv[i + 1];
		else if (!strcmp(argv[i], "--fault-after"))
			fault_after = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--flash-size-mib"))
			flash_size = (uint32_t)strtoul(argv[i + 1], NULL, 0) << 20;
	}
	if (flash_size < (1u << 20) || flash_size > (16u << 20)) {
		fprintf(stderr, "usbmodel_rp2040: --flash-size-mib: 1 to 16\n");
		return 2;
	}
	rig_pbm_init(&pbm, flash_size);
	flash = pbm.flash; /* one flash array behind the drive and PICOBOOT */
	if (!strncmp(fault, "hang-boot:", 10)) {
		hang_boot = atoi(fault + 10);
		fault = "";
	}
	if (fault[0]) {
		int f = rig_model_fault_parse(!strcmp(fault, "never-back") ? "no-comeback" : fault);

		if (f < 0) {
			fprintf(stderr,
				"usbmodel_rp2040: --fault %s: expected never-back, "
				"hang-boot:N, stall, timeout, disconnect or bad-data\n",
				fault);
			return 2;
		}
		never_back = f == RIG_FAULT_NO_COMEBACK;
		if (!never_back)
			pbm.fault = f, pbm.fault_after = fault_after;
	}
	if (!dir || !flash_out) {
		fprintf(stderr, "usage: usbmodel_rp2040 --dir DIR --flash-out FILE [--udc U]\n");
		return 2;
	}
	{
		struct sigaction sa = {.sa_handler = on_term}; /* no SA_RESTART: waits end */

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN); /* the test may stop reading our stdout */
	snprintf(img, sizeof(img), "%s/rpi-rp2.img", dir);
	/* a fresh image: old UF2 sectors left in a reused file would flash at once */
	unlink(img);
	snprintf(cmd, sizeof(cmd), "truncate -s 16M '%s' && mkfs.vfat -n RPI-RP2 '%s' >/dev/null",
		 img, img);
	if (system(cmd) != 0) {
		fprintf(stderr, "usbmodel_rp2040: %s failed\n", cmd);
		return 1;
	}
	snprintf(udcnl, sizeof(udcnl), "%s\n", udc);
	mkdir(G, 0755);
	mkdir(G "/strings/0x409", 0755);
	mkdir(G "/configs/c.1", 0755);
	mkdir(G "/functions/mass_storage.0", 0755);
	mkdir(G "/functions/acm.0", 0755);
	ids("0x0003", "RP2 Boot", "\n");
	if (!strcmp(start, "app")) {
		if (app_up())
			return 1;
		printf("ready\n");
		fflush(stdout);
		return app(hang_boot);
	}
	put(G "/functions/mass_storage.0/lun.0/removable", "1");
	/* interface 0 mass storage, interface 1 PICOBOOT, as on the ROM; ffs
	 * descriptors are written before the UDC is bound */
	pbffs.on_gone = unbind;
	if (put(G "/functions/mass_storage.0/lun.0/file", img) ||
	    symlink(G "/functions/mass_storage.0", G "/configs/c.1/mass_storage.0") ||
	    (picoboot && (rig_pbffs_start(&pbffs, G, &pbm) ||
			  symlink(G "/functions/ffs.picoboot", G "/configs/c.1/ffs.picoboot"))) ||
	    put(G "/UDC", udcnl))
		return 1;
	printf("ready\n");
	fflush(stdout);

	int fd = open(img, O_RDONLY);
	struct timespec seen_mtime = {0}, last_look = {0};
	while (!stop && (num == 0 || got < num) && !pbffs.rebooted) {
		usleep(100000);
		/* The ROM reacts to the drive's writes; the model looks at the
		 * drive only when its file changed. The file system stamps mtime
		 * from a coarse clock (a jiffy, at most 10 ms), so a write just
		 * after a look can keep the stamp the look saw: the drive is
		 * looked at again until a look began 50 ms or more after the
		 * stamp. Reading all 16 MiB every 100 ms took a share of the
		 * bed's one vCPU from the rows measured beside it. */
		struct stat st;
		struct timespec now;
		if (clock_gettime(CLOCK_REALTIME, &now) || fstat(fd, &st))
			break;
		if (st.st_mtim.tv_sec == seen_mtime.tv_sec &&
		    st.st_mtim.tv_nsec == seen_mtime.tv_nsec &&
		    ns_between(&st.st_mtim, &last_look) >= 50000000)
			continue;
		seen_mtime = st.st_mtim;
		last_look = now;
		if (scan_drive(fd, &pbm, &seen, &num, &got, &top))
			break;
	}
	close(fd);
	if (stop)
		return 0;
	rig_pbm_sync(&pbm);
	if (pbffs.rebooted) {
		/* the ROM waits the REBOOT's delay (rig asks 100 ms) before it goes */
		usleep(100000);
		for (top = flash_size; top > 0 && flash[top - 1] == 0xff; top--)
			;
		top = (top + 255) & ~255u;
	}
	FILE *f = fopen(flash_out, "wb");
	if (!f || fwrite(flash, 1, top, f) != top || fclose(f) != 0)
		fprintf(stderr, "usbmodel_rp2040: writing %s: %s\n", flash_out, strerror(errno));
	/* reboot: leave the bus, come back as the application. PICOBOOT's
	 * threads go first and its files are closed, which makes f_fs take the
	 * gadget off the UDC itself (ffs_closed); only then is the UDC
	 * written, so nothing unbinds while a FunctionFS read is pending */
	if (picoboot) {
		fprintf(stderr, "usbmodel_rp2040: rebooting\n");
		rig_pbffs_stop(&pbffs);
		usleep(50000);
		if (put(G "/UDC", "\n"))
			fprintf(stderr, "usbmodel_rp2040: (the UDC was already released)\n");
		unlink(G "/configs/c.1/ffs.picoboot");
	} else {
		put(G "/UDC", "\n");
	}
	unlink(G "/configs/c.1/mass_storage.0");
	if (never_back) {
		printf("rebooted, never back\n");
		fflush(stdout);
		while (!stop)
			pause();
		return 0;
	}
	if (app_up())
		return 1;
	if (pbffs.rebooted)
		printf("rebooted picoboot\n");
	else
		printf("rebooted %u blocks\n", got);
	fflush(stdout);
	return app(hang_boot);
}
