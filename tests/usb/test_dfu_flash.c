/*
 * usb/dfu_flash (in the USB test bed): the flash part dfu against the
 * DfuSe boot loader model (usbmodel_dfuse: 0483:df11 on GadgetFS, the
 * STM32F401 memory map in its interface string). The image is rig's C
 * MCU firmware for the Nucleo-F401RE (firmware/mcu MACHINE=stm32f401re,
 * built with the tree as tests/usb/fw-stm32f401re.elf; skipped when
 * arm-none-eabi-gcc was absent), its ELF segments where they are linked
 * (0x08000000): DfuSe erase, set address, download, UPLOAD read-back
 * equal, leave; the model's flash must equal the image and the
 * application (0483:5740) must come back at the boot loader's port. Then
 * each fault mode must fail the load with its own error within the
 * part's timeouts, never "ok", never a hang: stall (INVALID naming
 * bStatus), timeout (TIMEOUT), disconnect mid-download (NOT_FOUND / IO),
 * bad-data (the read-back compare: IO naming the address), no-comeback
 * (TIMEOUT after leave).
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
#include "usb.h"

#define DIR "/tmp/dfuse"

static const char *const YAML =
    "name: nucleo-dfu-model\n"
    "kind: parts\n"
    "description: the bed's STM32 DfuSe boot loader model (emulated)\n"
    "target: {os: none, arch: thumb, variant: stm32f401}\n"
    "runner: {kind: none}\n"
    "flash: {kind: dfu, address: 0x08000000, app: \"0483:5740\", wait: 10s, timeout: 2s, "
    "reboot_wait: 3s}\n";

static char bin[600];

static pid_t model(const char *fault)
{
	const char *argv[] = {"--flash", DIR "/flash.bin", "--fault", fault, NULL};

	unlink(DIR "/flash.bin");
	return bed_model_start("usbmodel_dfuse", DIR "/model.log", argv);
}

/* the image: rig's firmware for the STM32F401 as built with the tree */
static int make_image(struct rig_flash_image *img)
{
	struct rig_error err = {0};
	const char *bdir = getenv("RIG_BINARY_DIR");

	snprintf(bin, sizeof(bin), "%s/tests/usb/fw-stm32f401re.elf", bdir ? bdir : ".");
	if (access(bin, R_OK) != 0)
		return printf("SKIPPED: %s absent (built when arm-none-eabi-gcc is found)\n", bin),
		       77;
	if (rig_flash_image_load(bin, 0x08000000u, 0x08000000u + (512u << 10), 0x08000000u, 1, img,
				 &err))
		return printf("FAIL: %s\n", err.msg), 1;
	printf("image %s: %zu bytes at 0x08000000\n", bin, img->len);
	return 0;
}

static void flash_ok(const struct rig_flash_image *img)
{
	struct rig_error err = {0};
	struct rig_usb_match dfu = {.vid = 0x0483, .pid = 0xdf11},
			     appm = {.vid = 0x0483, .pid = 0x5740};
	struct rig_usb_dev before = {0}, after = {0};
	uint8_t *got = NULL;
	size_t glen = 0;
	pid_t m = model("");
	double t0;
	int rc;

	CHECK(m > 0, "model");
	CHECK(rig_usb_wait_present(&dfu, 10000, &before, &err) == 0, "boot loader: %s", err.msg);
	printf("DfuSe boot loader 0483:df11 at %s (%s)\n", before.port, before.product);
	t0 = bed_now_s();
	rc = bed_flash_load(DIR "/board.yaml", YAML, bin, &err);
	printf("load %s in %.2f s %s\n", rc == 0 ? "ok" : "FAILED", bed_now_s() - t0,
	       rc ? err.msg : "");
	CHECK(rc == 0, "load: %s", err.msg);
	for (int i = 0; i < 50 && !(got = bed_slurp(DIR "/flash.bin", &glen)); i++)
		usleep(100000);
	int equal = got && glen <= img->len && memcmp(got, img->data, glen) == 0;
	for (size_t i = glen; equal && i < img->len; i++)
		equal = img->data[i] == 0xff;
	CHECK(equal, "model flash %zu bytes differs from the image (%zu bytes)", glen, img->len);
	if (equal)
		printf("the model's flash equals the image (%zu bytes at 0x08000000)\n", img->len);
	CHECK(rig_usb_wait_present(&appm, 5000, &after, &err) == 0, "app: %s", err.msg);
	CHECK(strcmp(after.port, before.port) == 0, "app at %s, boot loader was at %s", after.port,
	      before.port);
	printf("app back as %04x:%04x at %s (%s)\n", after.vid, after.pid, after.port,
	       after.product);
	free(got);
	bed_model_stop(m);
}

static void fault(const char *name, const int *codes, double limit_s)
{
	struct rig_error err = {0};
	pid_t m = model(name);
	double t0 = bed_now_s(), t;
	int rc = m > 0 ? bed_flash_load(DIR "/board.yaml", YAML, bin, &err) : -1, ok = 0;
	struct stat st;

	t = bed_now_s() - t0;
	for (int i = 0; codes[i]; i++)
		ok |= rc == codes[i];
	printf("%s: %s after %.1f s: %s\n", name, rig_err_name(rc), t, err.msg);
	CHECK(ok && t < limit_s, "%s: rc %d (%s) after %.1f s: %s", name, rc, rig_err_name(rc), t,
	      err.msg);
	if (strcmp(name, "no-comeback") != 0)
		CHECK(stat(DIR "/flash.bin", &st) != 0, "%s: the model left DFU mode", name);
	bed_model_stop(m);
}

int main(void)
{
	struct rig_flash_image img;
	int rc = bed_init();

	if (rc)
		return rc;
	mkdir(DIR, 0755);
	bed_model_stop(-1);
	if ((rc = make_image(&img)))
		return rc;
	flash_ok(&img);
	fault("stall", (const int[]){RIG_ERR_INVALID, 0}, 6);
	fault("timeout", (const int[]){RIG_ERR_TIMEOUT, 0}, 8);
	fault("disconnect", (const int[]){RIG_ERR_NOT_FOUND, RIG_ERR_IO, 0}, 8);
	fault("bad-data", (const int[]){RIG_ERR_IO, 0}, 6);
	fault("no-comeback", (const int[]){RIG_ERR_TIMEOUT, 0}, 8);
	rig_flash_image_free(&img);
	return bed_failures ? 1 : 0;
}
