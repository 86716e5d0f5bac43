/* The PICOBOOT host side (picoboot.h). */
#include "picoboot.h"

#include <stdio.h>
#include <string.h>

static int tmo(const struct rig_picoboot *pb)
{
	return pb->timeout_ms > 0 ? pb->timeout_ms : 10000;
}

int rig_picoboot_if_reset(struct rig_picoboot *pb, struct rig_error *err)
{
	int rc = pb->io.control(pb->io.ctx, 0, RIG_PICOBOOT_IF_RESET, NULL, 0, tmo(pb), err);

	return rc < 0 ? rc : 0;
}

int rig_picoboot_get_status(struct rig_picoboot *pb, struct rig_picoboot_status *st,
			    struct rig_error *err)
{
	uint8_t buf[RIG_PICOBOOT_STATUS_SIZE];
	int rc = pb->io.control(pb->io.ctx, 1, RIG_PICOBOOT_IF_CMD_STATUS, buf, sizeof(buf),
				tmo(pb), err);

	if (rc < 0)
		return rc;
	return rig_picoboot_status_decode(buf, (size_t)rc, st, err);
}

/* After a stall: what the device says went wrong, then clear the halt. */
static int refused(struct rig_picoboot *pb, const struct rig_picoboot_cmd *c, struct rig_error *err)
{
	struct rig_picoboot_status st;
	struct rig_error e2 = {0};
	int rc = rig_picoboot_get_status(pb, &st, &e2);

	rig_picoboot_if_reset(pb, NULL);
	if (rc)
		return rig_fail(err, rc, "picoboot: %s 0x%08x stalled and CMD_STATUS failed: %s",
				rig_picoboot_cmd_name(c->id), rig_picoboot_arg32(c, 0), e2.msg);
	return rig_fail(err, RIG_ERR_INVALID, "picoboot: %s 0x%08x+%u refused: %s (token %u)",
			rig_picoboot_cmd_name(c->id), rig_picoboot_arg32(c, 0),
			rig_picoboot_arg32(c, 1), rig_picoboot_status_name(st.code), st.token);
}

static int phase(struct rig_picoboot *pb, const struct rig_picoboot_cmd *c, const char *what,
		 int rc, struct rig_error *err)
{
	if (rc == RIG_ERR_PROTOCOL)
		return refused(pb, c, err);
	if (rc < 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		return rig_fail(err, rc, "picoboot: %s 0x%08x, %s: %s",
				rig_picoboot_cmd_name(c->id), rig_picoboot_arg32(c, 0), what, msg);
	}
	return 0;
}

/* The phases one at a time (an I/O table without batch): stops at the
 * first that fails or moves fewer bytes than asked for. */
static int one_by_one(struct rig_picoboot *pb, struct rig_picoboot_xfer *x, int n, int *failed,
		      struct rig_error *err)
{
	for (int i = 0; i < n; i++) {
		int rc = x[i].in ? pb->io.bulk_in(pb->io.ctx, x[i].data, x[i].len, tmo(pb), err)
				 : pb->io.bulk_out(pb->io.ctx, x[i].data, x[i].len, tmo(pb), err);

		*failed = i;
		if (rc < 0)
			return rc;
		x[i].actual = rc;
		if (x[i].len && (size_t)rc != x[i].len)
			return 0;
	}
	return 0;
}

int rig_picoboot_run(struct rig_picoboot *pb, struct rig_picoboot_cmd *c, uint8_t *data,
		     struct rig_error *err)
{
	uint8_t wire[RIG_PICOBOOT_CMD_SIZE], zlp[1];
	struct rig_picoboot_xfer x[3];
	int in = (c->id & RIG_PICOBOOT_CMD_IN) != 0, n = 0, failed = 0, rc;

	c->token = pb->token++;
	rig_picoboot_cmd_encode(c, wire);
	x[n++] = (struct rig_picoboot_xfer){0, wire, sizeof(wire), 0};
	if (c->transfer_len)
		x[n++] = (struct rig_picoboot_xfer){in, data, c->transfer_len, 0};
	/* the acknowledgement goes the other way from the data (none: IN) */
	x[n++] = in && c->transfer_len ? (struct rig_picoboot_xfer){0, zlp, 0, 0}
				       : (struct rig_picoboot_xfer){1, zlp, sizeof(zlp), 0};
	rc = pb->io.batch ? pb->io.batch(pb->io.ctx, x, n, tmo(pb), &failed, err)
			  : one_by_one(pb, x, n, &failed, err);
	if (rc < 0)
		return phase(pb, c,
			     failed == 0       ? "command"
			     : failed == n - 1 ? "acknowledgement"
					       : "data",
			     rc, err);
	if (c->transfer_len && (uint32_t)x[1].actual != c->transfer_len)
		return rig_fail(err, RIG_ERR_PROTOCOL, "picoboot: %s 0x%08x: %d of %u bytes",
				rig_picoboot_cmd_name(c->id), rig_picoboot_arg32(c, 0), x[1].actual,
				c->transfer_len);
	return 0;
}

int rig_picoboot_exclusive_access(struct rig_picoboot *pb, uint8_t mode, struct rig_error *err)
{
	struct rig_picoboot_cmd c;

	rig_picoboot_exclusive(&c, 0, mode);
	return rig_picoboot_run(pb, &c, NULL, err);
}

int rig_picoboot_erase(struct rig_picoboot *pb, uint32_t addr, uint32_t size, struct rig_error *err)
{
	struct rig_picoboot_cmd c;
	int rc;

	if ((rc = rig_picoboot_check_flash_range(addr, size, pb->flash_size, 1, err)))
		return rc;
	rig_picoboot_range(&c, 0, RIG_PC_FLASH_ERASE, addr, size);
	return rig_picoboot_run(pb, &c, NULL, err);
}

static int chunked(struct rig_picoboot *pb, uint8_t id, uint32_t addr, uint8_t *buf, uint32_t size,
		   uint32_t chunk, struct rig_error *err)
{
	uint32_t off = 0;
	int rc;

	if (chunk == 0)
		chunk = 32768;
	while (off < size) {
		struct rig_picoboot_cmd c;
		uint32_t n = size - off < chunk ? size - off : chunk;

		rig_picoboot_range(&c, 0, id, addr + off, n);
		if ((rc = rig_picoboot_run(pb, &c, buf + off, err)))
			return rc;
		off += n;
	}
	return 0;
}

int rig_picoboot_write(struct rig_picoboot *pb, uint32_t addr, const uint8_t *data, uint32_t size,
		       uint32_t chunk, struct rig_error *err)
{
	int rc;

	if (chunk % RIG_RP_FLASH_PAGE)
		return rig_fail(err, RIG_ERR_INVALID,
				"picoboot: write chunk %u is not a multiple of the %u-byte page",
				chunk, RIG_RP_FLASH_PAGE);
	if ((rc = rig_picoboot_check_flash_range(addr, size, pb->flash_size, 0, err)))
		return rc;
	return chunked(pb, RIG_PC_WRITE, addr, (uint8_t *)data, size, chunk, err);
}

int rig_picoboot_read(struct rig_picoboot *pb, uint32_t addr, uint8_t *buf, uint32_t size,
		      uint32_t chunk, struct rig_error *err)
{
	return chunked(pb, RIG_PC_READ, addr, buf, size, chunk, err);
}

int rig_picoboot_reboot_app(struct rig_picoboot *pb, uint32_t delay_ms, struct rig_error *err)
{
	struct rig_picoboot_cmd c;

	if (pb->rp2350)
		rig_picoboot_reboot2(&c, 0, RIG_REBOOT2_NORMAL, delay_ms, 0, 0);
	else
		rig_picoboot_reboot(&c, 0, 0, 0, delay_ms);
	return rig_picoboot_run(pb, &c, NULL, err);
}
