/*
 * Flash part uf2: the image as UF2 (converted from the ELF by rig, or a
 * .uf2 made elsewhere such as TinyGo's, checked first) copied onto the
 * board's boot drive, as a person would drag it onto RPI-RP2:
 *
 *   flash: {kind: uf2, family: rp2040, port: "1-1.4", app: "2e8a:000a"}
 *
 * The drive is the one that belongs to the board: its USB identity (device
 * VID:PID in loader mode, default 2e8a:0003; port; serial - the fields of
 * flash_usbsel.h) gives its port path, sysfs gives the SCSI disk under that
 * port (/sys/block/sdX resolves below .../PORT/PORT:1.0/...), a partition
 * when there is one. An existing mount point of it is used as is;
 * otherwise a child process mounts it in a private mount namespace (it
 * cannot outlive rig, nothing is left mounted), writes NEW.UF2, fsyncs and
 * unmounts. Then the part waits for the loader to leave and, with app:,
 * for the application to come back at the same port: that is the check
 * that every block arrived (a boot ROM reboots only then; a drive cannot be
 * read back). Reports bytes/s of the copy.
 *
 * Fields: family (rp2040 | rp2350-arm-s | rp2350-riscv | 0xHEX; default
 * rp2040), app (VID:PID after the reboot; default: any device at the same
 * port), reboot_wait (default 10s), and device/port/serial/wait/timeout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "clock.h"
#include "flash_usbsel.h"
#include "log.h"
#include "uf2.h"
#include "usb.h"

struct fu_priv {
	struct rig_flash_usbsel usb;
	uint32_t family;
	struct rig_usb_sel app;
	int have_app;
	long long reboot_wait_ms;
	/* the last load, for facts */
	char port[32], blockdev[64];
	size_t bytes;
	double copy_Bps;
};

static int fu_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			struct rig_error *err)
{
	static const char *const keys[] = {"family", "app", "reboot_wait", RIG_FLASH_USBSEL_KEYS,
					   NULL};
	struct fu_priv *fp = rig_xcalloc(1, sizeof(*fp));
	char fam[32], app[32];
	int rc;

	b->flash.priv = fp;
	if (sec && (rc = rig_part_known_keys(cfg, sec, keys, err)))
		return rc;
	if ((rc = rig_flash_usbsel_read(cfg, sec, "2e8a:0003", &fp->usb, err)))
		return rc;
	if (!sec)
		return 0;
	if ((rc = rig_cfg_str(cfg, sec, "family", 0, "rp2040", fam, sizeof(fam), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "app", 0, "", app, sizeof(app), err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "reboot_wait", 0, 10000, 600000,
				      &fp->reboot_wait_ms, err)))
		return rc;
	struct rig_error e2 = {0};
	if (rig_uf2_family(fam, &fp->family, &e2) < 0)
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: family: %s", rig_cfg_path(cfg),
				rig_cfg_key_line(cfg, sec, "family"), e2.msg);
	if (app[0]) {
		if (rig_usb_sel_parse_id(app, &fp->app, &e2) < 0)
			return rig_fail(err, RIG_ERR_PARSE, "%s:%d: app: %s", rig_cfg_path(cfg),
					rig_cfg_key_line(cfg, sec, "app"), e2.msg);
		fp->have_app = 1;
	}
	return 0;
}

static int read_file(const char *path, uint8_t **buf, size_t *len, struct rig_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return rig_fail(err, RIG_ERR_IO, "%s: %s", path, strerror(e));
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	size_t got = 0;
	while (*buf && got < *len) {
		ssize_t r = read(fd, *buf + got, *len - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!*buf || got != *len) {
		free(*buf);
		*buf = NULL;
		return rig_fail(err, RIG_ERR_IO, "%s: short read", path);
	}
	return 0;
}

/* The UF2 bytes of the artifact: a ready .uf2 is checked, an ELF converted. */
static int fu_image(const struct fu_priv *fp, const char *path, uint8_t **uf2, size_t *len,
		    struct rig_error *err)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	int rc = read_file(path, &buf, &n, err);

	if (rc)
		return rc;
	if (n >= 8 && buf[0] == 'U' && buf[1] == 'F' && buf[2] == '2' && buf[3] == '\n') {
		uint32_t fam;
		struct rig_error e2 = {0};
		rc = rig_uf2_check(buf, n, &fam, &e2);
		if (rc < 0) {
			free(buf);
			return rig_fail(err, RIG_ERR_PARSE, "%s: %s", path, e2.msg);
		}
		if (fam && fam != fp->family)
			rig_warn("%s: UF2 family 0x%08x, the board file says 0x%08x: copied as is",
				 path, fam, fp->family);
		*uf2 = buf;
		*len = n;
		return 0;
	}
	rc = rig_uf2_from_elf(buf, n, fp->family, uf2, len, err);
	free(buf);
	return rc;
}

/* sysfs: the SCSI disk whose device path runs through the USB port */
static int find_blockdev(const char *port, char *out, size_t cap)
{
	char dir[512], needle[48];
	DIR *d;
	struct dirent *e;
	int found = 0;

	snprintf(dir, sizeof(dir), "%s/block", rig_usb_sysfs());
	snprintf(needle, sizeof(needle), "/%s/%s:", port, port);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		char link[768], real[PATH_MAX];
		if (strncmp(e->d_name, "sd", 2) != 0)
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		if (!realpath(link, real) || !strstr(real, needle))
			continue;
		/* the first partition when the drive has a partition table */
		char part[1024];
		struct stat st;
		snprintf(part, sizeof(part), "%s/%s1", link, e->d_name);
		if (stat(part, &st) == 0)
			snprintf(out, cap, "/dev/%s1", e->d_name);
		else
			snprintf(out, cap, "/dev/%s", e->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

static int mounted_at(const char *dev, char *dir, size_t cap)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char src[512], mnt[512];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fscanf(f, "%511s %511s %*s %*s %*d %*d", src, mnt) == 2)
		if (strcmp(src, dev) == 0) {
			snprintf(dir, cap, "%s", mnt);
			found = 1;
		}
	fclose(f);
	return found;
}

static int write_all(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return close(fd) == 0 ? 0 : -errno;
}

/* Copies into an existing mount, or mounts in a private namespace in a
 * child. Returns 0 or an errno-style negative with what in msg. */
static int copy_to_drive(const char *dev, const uint8_t *buf, size_t len, char *msg, size_t cap)
{
	char dir[512], path[600];

	if (mounted_at(dev, dir, sizeof(dir))) {
		snprintf(path, sizeof(path), "%s/NEW.UF2", dir);
		int rc = write_all(path, buf, len);
		if (rc)
			snprintf(msg, cap, "writing %s: %s", path, strerror(-rc));
		sync();
		return rc;
	}
	char tmpl[] = "/tmp/rig-uf2.XXXXXX";
	if (!mkdtemp(tmpl)) {
		snprintf(msg, cap, "mkdtemp: %s", strerror(errno));
		return -errno;
	}
	int pfd[2];
	if (pipe(pfd) != 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0) {
		char m[256] = "";
		int rc = 0;
		close(pfd[0]);
		if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			rc = -errno,
			snprintf(m, sizeof(m), "private mount namespace: %s", strerror(errno));
		else if (mount(dev, tmpl, "vfat", MS_NOSUID | MS_NODEV | MS_NOEXEC, "") != 0)
			rc = -errno, snprintf(m, sizeof(m),
					      "mount -t vfat %s: %s (root, or mount "
					      "it yourself: rig uses a mounted drive)",
					      dev, strerror(errno));
		else {
			snprintf(path, sizeof(path), "%s/NEW.UF2", tmpl);
			rc = write_all(path, buf, len);
			if (rc)
				snprintf(m, sizeof(m), "writing %s on %s: %s", path, dev,
					 strerror(-rc));
			if (umount(tmpl) != 0 && !rc)
				rc = -errno,
				snprintf(m, sizeof(m), "umount %s: %s", dev, strerror(errno));
		}
		if (write(pfd[1], m, strlen(m)) < 0)
			_exit(3);
		_exit(rc ? 1 : 0);
	}
	close(pfd[1]);
	int st = 0;
	ssize_t r = read(pfd[0], msg, cap - 1);
	msg[r > 0 ? r : 0] = 0;
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		st = 1 << 8;
	rmdir(tmpl);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

static int fu_load(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct fu_priv *fp = b->flash.priv;
	struct rig_usb_match m = {.vid = fp->usb.sel.vid,
				  .pid = fp->usb.sel.pid,
				  .serial = fp->usb.sel.serial,
				  .port = fp->usb.sel.port};
	struct rig_usb_dev dev, app;
	uint8_t *uf2 = NULL;
	size_t len = 0;
	char blk[64] = "", msg[400];
	int rc;

	if ((rc = fu_image(fp, a->path, &uf2, &len, err)))
		return rc;
	rc = rig_usb_wait_present(&m, (int)fp->usb.wait_ms, &dev, err);
	if (rc == RIG_ERR_TIMEOUT) {
		char sel[200];
		rig_usb_sel_describe(&fp->usb.sel, sel, sizeof(sel));
		rc = rig_fail(err, RIG_ERR_SKIPPED, "board %s: boot drive %s not connected",
			      b->name, sel);
	}
	if (rc) {
		free(uf2);
		return rc;
	}
	/* usb-storage scans the drive a moment after the device appears */
	int64_t end = rig_now_ns() + fp->usb.wait_ms * 1000000LL;
	while (!find_blockdev(dev.port, blk, sizeof(blk)) && rig_now_ns() < end)
		usleep(50000);
	struct stat st;
	while (blk[0] && stat(blk, &st) != 0 && rig_now_ns() < end)
		usleep(50000);
	if (!blk[0] || stat(blk, &st) != 0) {
		free(uf2);
		return rig_fail(
		    err, RIG_ERR_NOT_FOUND,
		    "board %s: %04x:%04x at %s has no SCSI disk in %s/block after %lld ms "
		    "(usb-storage loaded? a mass-storage interface?)",
		    b->name, dev.vid, dev.pid, dev.port, rig_usb_sysfs(), fp->usb.wait_ms);
	}
	int64_t t0 = rig_now_ns();
	rc = copy_to_drive(blk, uf2, len, msg, sizeof(msg));
	int64_t t1 = rig_now_ns();
	free(uf2);
	if (rc)
		return rig_fail(err, RIG_ERR_IO, "board %s: UF2 onto %s (%s): %s", b->name, blk,
				dev.port, msg);
	snprintf(fp->port, sizeof(fp->port), "%s", dev.port);
	snprintf(fp->blockdev, sizeof(fp->blockdev), "%s", blk);
	fp->bytes = len;
	fp->copy_Bps = t1 > t0 ? (double)len * 1e9 / (double)(t1 - t0) : 0;
	rig_info("board %s: UF2 %zu bytes (%zu blocks) onto %s at %s in %.1f ms (%.0f B/s)",
		 b->name, len, len / RIG_UF2_BLOCK_SIZE, blk, dev.port, (double)(t1 - t0) / 1e6,
		 fp->copy_Bps);
	/* every block arrived only when the loader leaves (and the app comes) */
	rc = rig_usb_wait_mode(&dev, fp->have_app ? fp->app.vid : 0, fp->have_app ? fp->app.pid : 0,
			       (int)fp->reboot_wait_ms, &app, err);
	if (rc) {
		char why[sizeof(err->msg)];
		snprintf(why, sizeof(why), "%s", err->msg);
		return rig_fail(err, rc, "board %s: after the UF2 copy: %.300s", b->name, why);
	}
	rig_info("board %s: back as %04x:%04x at %s", b->name, app.vid, app.pid, app.port);
	return 0;
}

static int fu_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct fu_priv *fp = b->flash.priv;
	(void)err;
	rig_kv_setf(facts, "board.flash", "uf2 (family 0x%08x)", fp->family);
	if (fp->bytes) {
		rig_kv_set(facts, "board.flash.port", fp->port);
		rig_kv_set(facts, "board.flash.drive", fp->blockdev);
		rig_kv_setf(facts, "board.flash.bytes", "%zu", fp->bytes);
		rig_kv_setf(facts, "board.flash.write_Bps", "%.0f", fp->copy_Bps);
	}
	return 0;
}

static void fu_destroy(struct rig_board *b)
{
	free(b->flash.priv);
	b->flash.priv = NULL;
}

const struct rig_flash_ops rig_flash_uf2_ops = {
    .kind = "uf2",
    .configure = fu_configure,
    .load = fu_load,
    .facts = fu_facts,
    .destroy = fu_destroy,
};
