/* The DfuSe boot loader model (dfuse_model.h). */
#include "dfuse_model.h"

#include <stdlib.h>
#include <string.h>

void rig_dfum_init(struct rig_dfum *m)
{
	memset(m, 0, sizeof(*m));
	m->flash = malloc(RIG_DFUM_SIZE);
	memset(m->flash, 0xFF, RIG_DFUM_SIZE);
	rig_dfuse_layout_parse(RIG_DFUM_LAYOUT, &m->layout, NULL);
	m->func = (struct rig_dfu_func){
	    .attributes = RIG_DFU_ATTR_CAN_DNLOAD | RIG_DFU_ATTR_CAN_UPLOAD |
			  RIG_DFU_ATTR_MANIFEST_TOLERANT | RIG_DFU_ATTR_WILL_DETACH,
	    .detach_timeout_ms = 255,
	    .transfer_size = RIG_DFUM_XFER,
	    .dfu_version = RIG_DFU_VERSION_DFUSE,
	};
	m->state = RIG_DFU_IDLE;
	m->ptr = RIG_DFUM_BASE;
}

void rig_dfum_free(struct rig_dfum *m)
{
	free(m->flash);
	m->flash = NULL;
}

static int error(struct rig_dfum *m, uint8_t status)
{
	m->state = RIG_DFU_ERROR;
	m->status = status;
	return RIG_MODEL_STALL;
}

/* The sector at addr when it has all of the type bits in want. */
static int sector(struct rig_dfum *m, uint32_t addr, uint8_t want, uint32_t *start, uint32_t *size)
{
	uint8_t type;

	return rig_dfuse_sector(&m->layout, addr, &type, start, size) == 0 && (type & want) == want;
}

/* What GETSTATUS does in dfuDNLOAD-SYNC: run the pending command or block.
 * Returns the bStatus (OK or an error). */
static uint8_t execute(struct rig_dfum *m)
{
	struct rig_dfuse_cmd c;
	uint32_t start, size, addr;

	if (m->block == 0) {
		if (rig_dfuse_cmd_decode(m->buf, m->buf_len, &c, NULL))
			return RIG_DFU_ERR_STALLEDPKT;
		if (c.cmd == RIG_DFUSE_CMD_SET_ADDRESS) {
			if (!sector(m, c.addr, RIG_DFUSE_READABLE, &start, &size))
				return RIG_DFU_ERR_TARGET;
			m->ptr = c.addr;
		} else if (c.cmd == RIG_DFUSE_CMD_ERASE) {
			if (!c.has_addr) {
				memset(m->flash, 0xFF, RIG_DFUM_SIZE);
			} else {
				if (!sector(m, c.addr, RIG_DFUSE_ERASABLE, &start, &size))
					return RIG_DFU_ERR_TARGET;
				memset(m->flash + (start - RIG_DFUM_BASE), 0xFF, size);
			}
			m->erases++;
		}
		return RIG_DFU_OK;
	}
	if (m->block == 1)
		return RIG_DFU_ERR_STALLEDPKT;
	addr = m->ptr + (uint32_t)(m->block - 2) * m->func.transfer_size;
	if (!sector(m, addr, RIG_DFUSE_WRITEABLE, &start, &size) ||
	    !sector(m, addr + (uint32_t)m->buf_len - 1, RIG_DFUSE_WRITEABLE, &start, &size))
		return RIG_DFU_ERR_ADDRESS;
	for (size_t i = 0; i < m->buf_len; i++) {
		uint8_t *b = &m->flash[addr - RIG_DFUM_BASE + i];

		if ((*b & m->buf[i]) != m->buf[i])
			return RIG_DFU_ERR_CHECK_ERASED; /* programming needs erased bits */
		*b &= m->buf[i];
	}
	return RIG_DFU_OK;
}

static int get_status(struct rig_dfum *m, uint8_t *data, uint16_t len)
{
	struct rig_dfu_status st = {0};
	uint8_t out[RIG_DFU_STATUS_SIZE];

	switch (m->state) {
	case RIG_DFU_DNLOAD_SYNC:
		if ((m->status = execute(m)) != RIG_DFU_OK)
			m->state = RIG_DFU_ERROR;
		else
			m->state = RIG_DFU_DNBUSY;
		st.poll_timeout_ms = RIG_DFUM_POLL_MS;
		break;
	case RIG_DFU_DNBUSY:
		m->state = RIG_DFU_DNLOAD_IDLE;
		break;
	case RIG_DFU_MANIFEST_SYNC:
		/* the boot loader jumps to the application right after this
		 * reply is sent (AN3156 3.2: "leave DFU mode") */
		m->state = RIG_DFU_MANIFEST;
		m->left = 1;
		st.poll_timeout_ms = RIG_DFUM_POLL_MS;
		break;
	default:
		break;
	}
	st.status = m->status;
	st.state = m->state;
	rig_dfu_status_encode(&st, out);
	if (len > sizeof(out))
		len = sizeof(out);
	memcpy(data, out, len);
	if (m->left)
		m->gone = 1;
	return len;
}

static int dnload(struct rig_dfum *m, uint16_t value, const uint8_t *data, uint16_t len)
{
	if (m->state != RIG_DFU_IDLE && m->state != RIG_DFU_DNLOAD_IDLE)
		return error(m, RIG_DFU_ERR_STALLEDPKT);
	if (len > m->func.transfer_size)
		return error(m, RIG_DFU_ERR_STALLEDPKT);
	if (len == 0) {
		m->state = RIG_DFU_MANIFEST_SYNC;
		return 0;
	}
	if (value >= 2 && m->fault && m->written + len > m->fault_after) {
		if (m->fault == RIG_FAULT_STALL)
			return error(m, RIG_DFU_ERR_WRITE);
		if (m->fault == RIG_FAULT_DISCONNECT)
			return m->gone = 1, RIG_MODEL_GONE;
		if (m->fault == RIG_FAULT_TIMEOUT)
			return m->hung = 1, RIG_MODEL_HANG;
	}
	if (value >= 2)
		m->written += len;
	memcpy(m->buf, data, len);
	m->buf_len = len;
	m->block = value;
	m->state = RIG_DFU_DNLOAD_SYNC;
	return len;
}

static int upload(struct rig_dfum *m, uint16_t value, uint8_t *data, uint16_t len)
{
	static const uint8_t commands[] = {RIG_DFUSE_CMD_GET, RIG_DFUSE_CMD_SET_ADDRESS,
					   RIG_DFUSE_CMD_ERASE, RIG_DFUSE_CMD_READ_UNPROTECT};
	uint32_t addr, start, size;

	if (m->state != RIG_DFU_IDLE && m->state != RIG_DFU_UPLOAD_IDLE)
		return error(m, RIG_DFU_ERR_STALLEDPKT);
	if (value == 0) {
		len = len < sizeof(commands) ? len : sizeof(commands);
		memcpy(data, commands, len);
		return len;
	}
	if (value == 1 || len > m->func.transfer_size)
		return error(m, RIG_DFU_ERR_STALLEDPKT);
	addr = m->ptr + (uint32_t)(value - 2) * m->func.transfer_size;
	if (!sector(m, addr, RIG_DFUSE_READABLE, &start, &size) ||
	    (len && !sector(m, addr + len - 1u, RIG_DFUSE_READABLE, &start, &size)))
		return error(m, RIG_DFU_ERR_ADDRESS);
	memcpy(data, m->flash + (addr - RIG_DFUM_BASE), len);
	if (m->fault == RIG_FAULT_BAD_DATA && value == 2 && len)
		data[len / 2] ^= 0x10;
	m->state = RIG_DFU_UPLOAD_IDLE;
	return len;
}

int rig_dfum_control(struct rig_dfum *m, int in, uint8_t request, uint16_t value, uint8_t *data,
		     uint16_t len)
{
	if (m->gone)
		return RIG_MODEL_GONE;
	if (m->hung)
		return RIG_MODEL_HANG;
	switch (request) {
	case RIG_DFU_GETSTATUS:
		return in ? get_status(m, data, len) : RIG_MODEL_STALL;
	case RIG_DFU_GETSTATE:
		if (!in || len < 1)
			return RIG_MODEL_STALL;
		data[0] = m->state;
		return 1;
	case RIG_DFU_CLRSTATUS:
		if (m->state == RIG_DFU_ERROR) {
			m->state = RIG_DFU_IDLE;
			m->status = RIG_DFU_OK;
			return 0;
		}
		return error(m, RIG_DFU_ERR_STALLEDPKT);
	case RIG_DFU_ABORT:
		if (m->state == RIG_DFU_IDLE || m->state == RIG_DFU_DNLOAD_IDLE ||
		    m->state == RIG_DFU_UPLOAD_IDLE) {
			m->state = RIG_DFU_IDLE;
			return 0;
		}
		return error(m, RIG_DFU_ERR_STALLEDPKT);
	case RIG_DFU_DNLOAD:
		return in ? RIG_MODEL_STALL : dnload(m, value, data, len);
	case RIG_DFU_UPLOAD:
		return in ? upload(m, value, data, len) : RIG_MODEL_STALL;
	case RIG_DFU_DETACH:
		return 0; /* already in DFU mode: nothing to do */
	default:
		return error(m, RIG_DFU_ERR_STALLEDPKT);
	}
}
