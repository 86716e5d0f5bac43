/* rig usb list: the USB devices, as a tree by port path, with the board
 * file that matches each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uf2.h"
#include "config.h"
#include "usb.h"
#include "usb_board.h"

struct board_ident {
	char name[128];
	struct rig_usb_ident id;
};

static size_t load_idents(struct rig_ctx *ctx, struct board_ident **out)
{
	struct rig_strv names = {0};
	size_t n = 0;

	rig_ctx_boards(ctx, &names);
	*out = calloc(names.n + 1, sizeof(**out));
	for (size_t i = 0; *out && i < names.n; i++) {
		char path[2048];
		struct rig_cfg *cfg;
		struct rig_error err = {0};
		snprintf(path, sizeof(path), "%s/%s.yaml", ctx->boards_dir, names.v[i]);
		if (rig_cfg_load(path, &cfg, &err) < 0)
			continue; /* rig boards reports broken files */
		int rc = rig_usb_board_ident(cfg, &(*out)[n].id, &err);
		if (rc == 1) {
			snprintf((*out)[n].name, sizeof((*out)[n].name), "%s", names.v[i]);
			/* the match's strings point into id itself: keep them valid */
			n++;
		} else if (rc < 0) {
			fprintf(stderr, "rig usb: %s\n", err.msg);
		}
		rig_cfg_free(cfg);
	}
	rig_strv_free(&names);
	return n;
}

static void boards_for(const struct board_ident *b, size_t nb, const struct rig_usb_dev *d,
		       char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	for (size_t i = 0; i < nb; i++) {
		if (!rig_usb_ident_matches(&b[i].id, d))
			continue;
		const char *mode = b[i].id.boot.vid && rig_usb_matches(&b[i].id.boot, d) &&
					   !rig_usb_matches(&b[i].id.app, d)
				       ? " (loader)"
				       : "";
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s", len ? ", " : "", b[i].name,
					mode);
		if (len >= size)
			break;
	}
}

static int usb_list(struct rig_ctx *ctx)
{
	struct rig_usb_dev *devs;
	size_t n;
	struct rig_error err = {0};
	struct board_ident *b = NULL;
	size_t nb;

	if (rig_usb_list(&devs, &n, &err) < 0) {
		fprintf(stderr, "rig usb list: %s\n", err.msg);
		return 1;
	}
	nb = load_idents(ctx, &b);
	if (n == 0)
		printf("no USB devices (rig doctor says whether usbfs is there)\n");
	else
		printf("%-16s %-9s %-4s %-20s %-36s %s\n", "PORT", "VID:PID", "DEV", "SERIAL",
		       "MANUFACTURER / PRODUCT", "BOARD");
	for (size_t i = 0; i < n; i++) {
		const struct rig_usb_dev *d = &devs[i];
		char port[48], strs[300], board[512];
		snprintf(port, sizeof(port), "%*s%s", 2 * d->depth, "", d->port);
		snprintf(strs, sizeof(strs), "%s%s%s", d->manufacturer,
			 d->manufacturer[0] && d->product[0] ? " / " : "", d->product);
		boards_for(b, nb, d, board, sizeof(board));
		printf("%-16s %04x:%04x %03u  %-20s %-36s %s\n", port, d->vid, d->pid, d->devnum,
		       d->serial[0] ? d->serial : "-", strs[0] ? strs : "-",
		       board[0] ? board : (d->dev_class == 9 ? "(hub)" : "-"));
	}
	free(b);
	free(devs);
	return 0;
}

static int read_all(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16;

	*len = 0;
	*buf = malloc(cap);
	if (!f || !*buf) {
		if (f)
			fclose(f);
		return -1;
	}
	for (;;) {
		size_t r = fread(*buf + *len, 1, cap - *len, f);
		*len += r;
		if (r == 0)
			break;
		if (*len == cap) {
			uint8_t *nb = realloc(*buf, cap * 2);
			if (!nb)
				break;
			*buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	return 0;
}

/* rig usb uf2 IN [OUT]: ELF -> UF2 (OUT given), or check a .uf2 */
static int usb_uf2(const char *in, const char *outp, const char *family_name)
{
	struct rig_error err = {0};
	uint8_t *buf, *uf2 = NULL;
	size_t len, ulen = 0;
	uint32_t family = RIG_UF2_FAMILY_RP2040;
	int rc;

	if (family_name && rig_uf2_family(family_name, &family, &err) < 0) {
		fprintf(stderr, "rig usb uf2: %s\n", err.msg);
		return 2;
	}
	if (read_all(in, &buf, &len) < 0) {
		fprintf(stderr, "rig usb uf2: cannot read %s\n", in);
		free(buf);
		return 1;
	}
	if (!outp) {
		uint32_t fam = 0;
		rc = rig_uf2_check(buf, len, &fam, &err);
		free(buf);
		if (rc < 0) {
			fprintf(stderr, "rig usb uf2: %s: %s\n", in, err.msg);
			return 1;
		}
		printf("%s: %d blocks, family 0x%08x\n", in, rc, fam);
		return 0;
	}
	rc = rig_uf2_from_elf(buf, len, family, &uf2, &ulen, &err);
	free(buf);
	if (rc < 0) {
		fprintf(stderr, "rig usb uf2: %s: %s\n", in, err.msg);
		return 1;
	}
	FILE *f = fopen(outp, "wb");
	if (!f || fwrite(uf2, 1, ulen, f) != ulen || fclose(f) != 0) {
		fprintf(stderr, "rig usb uf2: cannot write %s\n", outp);
		free(uf2);
		return 1;
	}
	printf("%s: %zu blocks, family 0x%08x\n", outp, ulen / RIG_UF2_BLOCK_SIZE, family);
	free(uf2);
	return 0;
}

int cmd_usb(int argc, char **argv, struct rig_ctx *ctx)
{
	const char *family = NULL;
	const struct rig_opt opts[] = {
	    {0, "family", RIG_OPT_STRING, &family, "F",
	     "uf2: rp2040 (default), rp2350-arm-s, rp2350-riscv, rp2350-arm-ns or 0xHEX", 0, 0},
	    {0}};
	static const char usage[] =
	    "usage: rig usb list | rig usb uf2 IN.elf OUT.uf2 [--family F] | rig usb uf2 IN.uf2\n\n"
	    "  list   every USB device: port path (bus-port.port...), VID:PID, device number,\n"
	    "         serial, strings, and the board file whose usb: identity (or\n"
	    "         usb:VID:PID[:SERIAL] port) matches it\n"
	    "  uf2    convert an ELF to UF2 (256-byte payloads, family ID flag), or check a .uf2";
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	int rc = rig_parse_options(argc, argv, opts, usage, &rest, &err);

	if (rc == 1) {
		rig_strv_free(&rest);
		return 0;
	}
	if (rc == 0 && rest.n >= 2 && rest.n <= 3 && strcmp(rest.v[0], "uf2") == 0) {
		rc = usb_uf2(rest.v[1], rest.n == 3 ? rest.v[2] : NULL, family);
		rig_strv_free(&rest);
		return rc;
	}
	if (rc < 0 || rest.n != 1 || strcmp(rest.v[0], "list") != 0) {
		fprintf(stderr, "rig usb: %s\n%s\n",
			rc < 0 ? err.msg : "expected one subcommand: list", usage);
		rig_strv_free(&rest);
		return 2;
	}
	rig_strv_free(&rest);
	return usb_list(ctx);
}
