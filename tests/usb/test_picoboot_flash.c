/*
 * usb/picoboot_flash in the USB test bed: the flash part picoboot against
 * the RP2040 boot ROM model's PICOBOOT interface (usbmodel_rp2040: mass
 * storage + vendor interface in one configuration, the vendor one on
 * FunctionFS). TinyGo's pico hello from its ELF: erase, write, read back
 * equal, reboot; the model's flash must equal the image and the app must
 * come back at the same port path as the boot ROM was. Then each fault
 * mode of the model must fail the load with its own error within the
 * part's timeouts, never "ok" and never a hang: stall (INVALID, CMD_STATUS
 * named), timeout (TIMEOUT), disconnect mid-transfer (NOT_FOUND / IO),
 * bad-data (the read-back compare, IO naming the address), never-back
 * (TIMEOUT after the reboot).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bedtest.h"
#include "flash_image.h"
#include "picoboot_proto.h"
#include "usb.h"

#define DIR "/tmp/rp2040pb"

static const char *const YAML =
    "name: pico-picoboot-model\n"
    "kind: parts\n"
    "description: the bed's RP2040 boot ROM model (emulated)\n"
    "target: {os: none, arch: thumb, variant: rp2040}\n"
    "runner: {kind: none}\n"
    "flash: {kind: picoboot, chip: rp2040, app: \"2e8a:000a\", wait: 10s, timeout: 2s, "
    "reboot_wait: 3s}\n";

static char elf[1024];

static pid_t model(const char *fault)
{
	const char *argv[] = {"--picoboot",	"--dir",   DIR,	  "--flash-out",
			      DIR "/flash.bin", "--fault", fault, NULL};

	unlink(DIR "/flash.bin");
	return bed_model_start("usbmodel_rp2040", DIR "/model.log", argv);
}

static void flash_ok(void)
{
	struct rig_error err = {0};
	struct rig_flash_image img;
	struct rig_usb_match rom = {.vid = 0x2e8a, .pid = 0x0003},
			     appm = {.vid = 0x2e8a, .pid = 0x000a};
	struct rig_usb_dev before = {0}, after = {0};
	uint8_t *got = NULL;
	size_t glen = 0;
	pid_t m = model("");
	double t0;
	int rc;

	CHECK(m > 0, "model");
	CHECK(rig_usb_wait_present(&rom, 10000, &before, &err) == 0, "boot ROM: %s", err.msg);
	printf("boot ROM 2e8a:0003 at %s\n", before.port);
	t0 = bed_now_s();
	rc = bed_flash_load(DIR "/board.yaml", YAML, elf, &err);
	printf("load %s in %.2f s %s\n", rc == 0 ? "ok" : "FAILED", bed_now_s() - t0,
	       rc ? err.msg : "");
	CHECK(rc == 0, "load: %s", err.msg);
	CHECK(rig_flash_image_load(elf, RIG_RP_XIP_BASE, RIG_RP_XIP_BASE + (2u << 20),
				   RIG_RP_XIP_BASE, RIG_RP_FLASH_PAGE, &img, &err) == 0,
	      "%s", err.msg);
	for (int i = 0; i < 50 && !(got = bed_slurp(DIR "/flash.bin", &glen)); i++)
		usleep(100000);
	int equal = got && glen <= img.len && img.addr == RIG_RP_XIP_BASE &&
		    memcmp(got, img.data, glen) == 0;
	for (size_t i = glen; equal && i < img.len; i++)
		equal = img.data[i] == 0xff;
	CHECK(equal, "model flash %zu bytes differs from the image (%zu bytes)", glen, img.len);
	if (equal)
		printf("the model's flash equals the image (%zu bytes, %zu programmed)\n", img.len,
		       glen);
	CHECK(rig_usb_wait_present(&appm, 5000, &after, &err) == 0, "app: %s", err.msg);
	CHECK(strcmp(after.port, before.port) == 0, "app at %s, boot ROM was at %s", after.port,
	      before.port);
	printf("app back as %04x:%04x at %s serial %s\n", after.vid, after.pid, after.port,
	       after.serial);
	free(got);
	rig_flash_image_free(&img);
	bed_model_stop(m);
}

/* A fault: the load fails with one of codes (0-ended) within limit_s,
 * and the model did not reboot into a half-written image. */
static void fault(const char *name, const int *codes, double limit_s)
{
	struct rig_error err = {0};
	pid_t m = model(name);
	double t0 = bed_now_s(), t;
	int rc = m > 0 ? bed_flash_load(DIR "/board.yaml", YAML, elf, &err) : -1, ok = 0;
	struct stat st;

	t = bed_now_s() - t0;
	for (int i = 0; codes[i]; i++)
		ok |= rc == codes[i];
	printf("%s: %s after %.1f s: %s\n", name, rig_err_name(rc), t, err.msg);
	CHECK(ok && t < limit_s, "%s: rc %d (%s) after %.1f s: %s", name, rc, rig_err_name(rc), t,
	      err.msg);
	if (strcmp(name, "never-back") != 0)
		CHECK(stat(DIR "/flash.bin", &st) != 0, "%s: the model rebooted", name);
	bed_model_stop(m);
}

int main(void)
{
	int rc = bed_init();

	if (rc)
		return rc;
	mkdir(DIR, 0755);
	bed_model_stop(-1);
	snprintf(elf, sizeof(elf), "%s/tests/fuzz/corpus/uf2/tinygo-pico-hello.elf", bed_src);
	flash_ok();
	fault("stall", (const int[]){RIG_ERR_INVALID, 0}, 6);
	fault("timeout", (const int[]){RIG_ERR_TIMEOUT, 0}, 8);
	fault("disconnect", (const int[]){RIG_ERR_NOT_FOUND, RIG_ERR_IO, 0}, 8);
	fault("bad-data", (const int[]){RIG_ERR_IO, 0}, 6);
	fault("never-back", (const int[]){RIG_ERR_TIMEOUT, 0}, 8);
	return bed_failures ? 1 : 0;
}
