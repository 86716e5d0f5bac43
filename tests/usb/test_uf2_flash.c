/*
 * usb/uf2_flash (in the USB test bed): the flash part uf2 against the
 * RP2040 boot ROM model (usbmodel_rp2040). A board made of parts in YAML
 * (flash: {kind: uf2, app: 2e8a:000a}) loads TinyGo's pico hello: from the
 * ELF (converted by rig) and from TinyGo's own .uf2; the model's flash
 * array must equal the image byte for byte, and the board must be back as
 * the application at the same port. With the model's never-back fault the
 * load fails with a timeout, within its reboot_wait, and says so.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bedtest.h"
#include "error.h"
#include "uf2.h"
#include "usb.h"

#define DIR "/tmp/rp2040"

static pid_t start_model(const char *fault)
{
	const char *argv[] = {"--dir",	 DIR,	"--flash-out", DIR "/flash.bin",
			      "--fault", fault, NULL};

	return bed_model_start("usbmodel_rp2040", DIR "/model.log", argv);
}

static void stop_model(pid_t pid)
{
	bed_model_stop(pid);
	unlink(DIR "/flash.bin");
}

/* one load through the board's flash part; returns its code */
static int load(const char *artifact, const char *fault, struct rig_error *err)
{
	char yaml[1024];

	snprintf(yaml, sizeof(yaml),
		 "name: pico-uf2-model\n"
		 "kind: parts\n"
		 "description: the bed's RP2040 boot ROM model (emulated)\n"
		 "target: {os: none, arch: thumb, variant: rp2040}\n"
		 "runner: {kind: none}\n"
		 "flash: {kind: uf2, family: rp2040, app: \"2e8a:000a\", wait: 10s, reboot_wait: "
		 "%s}\n",
		 fault[0] ? "3s" : "10s");
	return bed_flash_load(DIR "/pico-uf2-model.yaml", yaml, artifact, err);
}

/* the flash bytes the image means, from its own UF2 blocks */
static void expect_flash(const uint8_t *uf2, size_t len, uint8_t *flash, size_t *top)
{
	*top = 0;
	for (size_t off = 0; off < len; off += 512) {
		struct rig_uf2_block b;
		if (rig_uf2_parse_block(uf2 + off, &b, NULL) != 1)
			continue;
		memcpy(flash + (b.target_addr - 0x10000000u), b.data, 256);
		if (b.target_addr - 0x10000000u + 256 > *top)
			*top = b.target_addr - 0x10000000u + 256;
	}
}

static void flash_once(const char *name, const char *artifact, const uint8_t *uf2, size_t ulen)
{
	struct rig_error err = {0};
	static uint8_t want[2 << 20];
	size_t top, glen = 0;
	pid_t m = start_model("");
	double t0 = bed_now_s();
	int rc = m > 0 ? load(artifact, "", &err) : -1;

	printf("%s: load %s in %.2f s: %s\n", name, rc == 0 ? "ok" : "FAILED", bed_now_s() - t0,
	       rc ? err.msg : "");
	CHECK(rc == 0, "%s: %s", name, err.msg);
	memset(want, 0xff, sizeof(want));
	expect_flash(uf2, ulen, want, &top);
	uint8_t *got = NULL;
	for (int i = 0; i < 50 && !(got = bed_slurp(DIR "/flash.bin", &glen)); i++)
		usleep(100000);
	CHECK(got && glen == top && memcmp(got, want, top) == 0,
	      "%s: model flash %zu bytes, want %zu", name, glen, top);
	if (got && glen == top && memcmp(got, want, top) == 0)
		printf("%s: the model's flash equals the image (%zu bytes)\n", name, top);
	free(got);
	struct rig_usb_match app = {.vid = 0x2e8a, .pid = 0x000a};
	struct rig_usb_dev d = {0};
	CHECK(rig_usb_find(&app, &d, &err) == 1 && strcmp(d.serial, "E660MODEL0001") == 0,
	      "%s: the app is not back: %s", name, err.msg);
	printf("%s: back as %04x:%04x at %s serial %s\n", name, d.vid, d.pid, d.port, d.serial);
	stop_model(m);
}

int main(void)
{
	char elf[1024], uf2p[1024];
	size_t ulen;

	int rc = bed_init();

	if (rc)
		return rc;
	mkdir(DIR, 0755);
	stop_model(-1);
	snprintf(elf, sizeof(elf), "%s/tests/fuzz/corpus/uf2/tinygo-pico-hello.elf", bed_src);
	snprintf(uf2p, sizeof(uf2p), "%s/tests/fuzz/corpus/uf2/tinygo-pico-hello.uf2", bed_src);
	uint8_t *uf2 = bed_slurp(uf2p, &ulen);
	if (!uf2) {
		printf("FAIL: %s: %s\n", uf2p, strerror(errno));
		return 1;
	}
	flash_once("elf", elf, uf2, ulen);
	flash_once("uf2", uf2p, uf2, ulen);

	/* never back: a clear timeout, not a hang, not "ok" */
	struct rig_error err = {0};
	pid_t m = start_model("never-back");
	double t0 = bed_now_s();
	rc = m > 0 ? load(elf, "never-back", &err) : -1;
	double t = bed_now_s() - t0;
	CHECK(rc == RIG_ERR_TIMEOUT && t < 8, "never-back: rc %d after %.1f s: %s", rc, t, err.msg);
	printf("never-back: %s after %.1f s: %s\n", rig_err_name(rc), t, err.msg);
	stop_model(m);
	free(uf2);
	return bed_failures ? 1 : 0;
}
