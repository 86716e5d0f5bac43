/* The DFU 1.1 / DfuSe host state machine (dfu.h). */
#include "dfu.h"

#include <stdio.h>
#include <string.h>

static int tmo(const struct rig_dfu *d) { return d->timeout_ms > 0 ? d->timeout_ms : 5000; }

static int ctrl(struct rig_dfu *d, int in, uint8_t req, uint16_t value, uint8_t *data, uint16_t len,
		struct rig_error *err)
{
	return d->io.control(d->io.ctx, in, req, value, data, len, tmo(d), err);
}

int rig_dfu_get_status(struct rig_dfu *d, struct rig_dfu_status *st, struct rig_error *err)
{
	uint8_t buf[RIG_DFU_STATUS_SIZE];
	int n = ctrl(d, 1, RIG_DFU_GETSTATUS, 0, buf, sizeof(buf), err);

	if (n < 0)
		return n;
	if ((n = rig_dfu_status_decode(buf, (size_t)n, st, err)))
		return n;
	if (d->quirks & RIG_DFU_QUIRK_POLLTIMEOUT)
		st->poll_timeout_ms = RIG_DFU_QUIRK_POLL_MS;
	d->last = *st;
	return 0;
}

/* GETSTATUS until the device leaves its busy states; RIG_ERR_INVALID on a
 * bStatus other than OK (the device refused), the transfer's own code
 * otherwise. what names the step for messages. */
static int wait_ready(struct rig_dfu *d, const char *what, struct rig_dfu_status *st,
		      struct rig_error *err)
{
	long long limit = d->busy_limit_ms > 0 ? d->busy_limit_ms : 30000, waited = 0;
	int rc;

	for (;;) {
		if ((rc = rig_dfu_get_status(d, st, err)))
			return rc;
		if (st->status != RIG_DFU_OK)
			return rig_fail(err, RIG_ERR_INVALID, "dfu: %s: device reports %s in %s",
					what, rig_dfu_status_name(st->status),
					rig_dfu_state_name(st->state));
		if (st->state != RIG_DFU_DNBUSY && st->state != RIG_DFU_DNLOAD_SYNC &&
		    st->state != RIG_DFU_MANIFEST && st->state != RIG_DFU_MANIFEST_SYNC)
			return 0;
		if (waited > limit)
			return rig_fail(err, RIG_ERR_TIMEOUT,
					"dfu: %s: still %s after %lld ms of poll timeouts", what,
					rig_dfu_state_name(st->state), waited);
		d->io.sleep_ms(d->io.ctx, st->poll_timeout_ms);
		waited += st->poll_timeout_ms ? st->poll_timeout_ms : 1;
	}
}

int rig_dfu_to_idle(struct rig_dfu *d, struct rig_error *err)
{
	struct rig_dfu_status st;
	int rc;

	if ((rc = rig_dfu_get_status(d, &st, err)))
		return rc;
	switch (st.state) {
	case RIG_DFU_IDLE:
		return 0;
	case RIG_DFU_APP_IDLE:
	case RIG_DFU_APP_DETACH:
		return rig_fail(err, RIG_ERR_NOT_SUPPORTED,
				"dfu: device is in run-time mode (%s): detach it first",
				rig_dfu_state_name(st.state));
	case RIG_DFU_ERROR:
		rc = ctrl(d, 0, RIG_DFU_CLRSTATUS, 0, NULL, 0, err);
		break;
	default:
		rc = ctrl(d, 0, RIG_DFU_ABORT, 0, NULL, 0, err);
		break;
	}
	if (rc < 0)
		return rc;
	if ((rc = rig_dfu_get_status(d, &st, err)))
		return rc;
	if (st.state != RIG_DFU_IDLE)
		return rig_fail(err, RIG_ERR_PROTOCOL, "dfu: device is %s (%s), expected dfuIDLE",
				rig_dfu_state_name(st.state), rig_dfu_status_name(st.status));
	return 0;
}

int rig_dfu_detach(struct rig_dfu *d, struct rig_error *err)
{
	int rc = ctrl(d, 0, RIG_DFU_DETACH, d->func.detach_timeout_ms, NULL, 0, err);

	return rc < 0 ? rc : 0;
}

/* One DfuSe block-0 command, completed by GETSTATUS. */
static int dfuse_cmd(struct rig_dfu *d, uint8_t cmd, uint32_t addr, struct rig_error *err)
{
	uint8_t buf[5];
	size_t n = rig_dfuse_cmd_encode(cmd, 1, addr, buf);
	struct rig_dfu_status st;
	char what[64];
	int rc;

	snprintf(what, sizeof(what), "%s 0x%08x",
		 cmd == RIG_DFUSE_CMD_ERASE ? "erase" : "set address", addr);
	if ((rc = ctrl(d, 0, RIG_DFU_DNLOAD, 0, buf, (uint16_t)n, err)) < 0)
		return rc;
	return wait_ready(d, what, &st, err);
}

static int dfuse_erase(struct rig_dfu *d, uint32_t addr, size_t len, struct rig_error *err)
{
	uint64_t a = addr, end = (uint64_t)addr + len;
	int rc;

	if ((rc = rig_dfuse_check_range(&d->layout, addr, (uint32_t)len, err)))
		return rc;
	while (a < end) {
		uint8_t type;
		uint32_t start, size;

		rig_dfuse_sector(&d->layout, (uint32_t)a, &type, &start, &size);
		if ((rc = dfuse_cmd(d, RIG_DFUSE_CMD_ERASE, start, err)))
			return rc;
		a = (uint64_t)start + size;
	}
	return 0;
}

int rig_dfu_download(struct rig_dfu *d, uint32_t addr, const uint8_t *data, size_t len,
		     struct rig_error *err)
{
	size_t xfer = d->func.transfer_size, off = 0;
	uint16_t block;
	int rc;

	if (xfer == 0)
		return rig_fail(err, RIG_ERR_INVALID, "dfu: wTransferSize is 0");
	if (!d->dfuse && addr != 0)
		return rig_fail(err, RIG_ERR_INVALID,
				"dfu: address 0x%08x given for a DFU 1.1 device (it has none)",
				addr);
	if (len > 0xFFFDu * xfer)
		return rig_fail(err, RIG_ERR_INVALID, "dfu: %zu bytes need more than 65533 blocks",
				len);
	if ((rc = rig_dfu_to_idle(d, err)))
		return rc;
	if (d->dfuse && ((rc = dfuse_erase(d, addr, len, err)) ||
			 (rc = dfuse_cmd(d, RIG_DFUSE_CMD_SET_ADDRESS, addr, err))))
		return rc;
	/* DfuSe block n lands at pointer + (n - 2) * wTransferSize (AN3156 3.2) */
	for (block = d->dfuse ? 2 : 0; off < len; block++) {
		size_t n = len - off < xfer ? len - off : xfer;
		struct rig_dfu_status st;
		char what[64];

		snprintf(what, sizeof(what), "block %u (0x%08zx)", block, addr + off);
		rc = ctrl(d, 0, RIG_DFU_DNLOAD, block, (uint8_t *)data + off, (uint16_t)n, err);
		if (rc < 0)
			return rc;
		if ((size_t)rc != n)
			return rig_fail(err, RIG_ERR_PROTOCOL,
					"dfu: %s: device took %d of %zu bytes", what, rc, n);
		if ((rc = wait_ready(d, what, &st, err)))
			return rc;
		if (st.state != RIG_DFU_DNLOAD_IDLE)
			return rig_fail(err, RIG_ERR_PROTOCOL,
					"dfu: %s: device is %s, expected dfuDNLOAD-IDLE", what,
					rig_dfu_state_name(st.state));
		off += n;
	}
	return 0;
}

int rig_dfu_upload(struct rig_dfu *d, uint32_t addr, uint8_t *buf, size_t len,
		   struct rig_error *err)
{
	size_t xfer = d->func.transfer_size, off = 0;
	uint16_t block;
	int rc;

	if (xfer == 0)
		return rig_fail(err, RIG_ERR_INVALID, "dfu: wTransferSize is 0");
	if ((rc = rig_dfu_to_idle(d, err)))
		return rc;
	/* the pointer is set by a download, and UPLOAD is refused outside dfuIDLE */
	if (d->dfuse && ((rc = dfuse_cmd(d, RIG_DFUSE_CMD_SET_ADDRESS, addr, err)) ||
			 (rc = rig_dfu_to_idle(d, err))))
		return rc;
	for (block = d->dfuse ? 2 : 0; off < len; block++) {
		size_t n = len - off < xfer ? len - off : xfer;

		if ((rc = ctrl(d, 1, RIG_DFU_UPLOAD, block, buf + off, (uint16_t)n, err)) < 0)
			return rc;
		if ((size_t)rc < n)
			return rig_fail(err, RIG_ERR_PROTOCOL,
					"dfu: upload block %u (0x%08zx): %d of %zu bytes", block,
					addr + off, rc, n);
		off += n;
	}
	return rig_dfu_to_idle(d, err);
}

static int gone_code(int rc)
{
	return rc == RIG_ERR_NOT_FOUND || rc == RIG_ERR_PROTOCOL || rc == RIG_ERR_IO ||
	       rc == RIG_ERR_TIMEOUT;
}

int rig_dfu_leave(struct rig_dfu *d, uint32_t addr, int *gone, struct rig_error *err)
{
	struct rig_dfu_status st;
	struct rig_error ignored = {0};
	int rc;

	if (gone)
		*gone = 0;
	if ((rc = rig_dfu_to_idle(d, err)))
		return rc;
	if (d->dfuse && (rc = dfuse_cmd(d, RIG_DFUSE_CMD_SET_ADDRESS, addr, err)))
		return rc;
	if ((rc = ctrl(d, 0, RIG_DFU_DNLOAD, 0, NULL, 0, err)) < 0)
		return rc;
	/* From here the device may reset at any moment: the "get_status after
	 * leave" error is the device doing what was asked (see the
	 * LEAVE_RESETS quirk). */
	rc = wait_ready(d, "manifestation", &st, &ignored);
	if (rc && gone_code(rc)) {
		if (gone)
			*gone = 1;
		return 0;
	}
	if (rc)
		return rig_fail(err, rc, "%s", ignored.msg);
	return 0;
}
