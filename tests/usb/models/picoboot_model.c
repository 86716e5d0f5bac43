/* The PICOBOOT boot ROM model (picoboot_model.h). */
#include "picoboot_model.h"

#include <stdlib.h>
#include <string.h>

enum { PH_CMD, PH_DATA_OUT, PH_DATA_IN, PH_ACK_IN, PH_ACK_OUT };

void rig_pbm_init(struct rig_pbm *m, uint32_t flash_size)
{
	memset(m, 0, sizeof(*m));
	m->flash_size = flash_size;
	m->flash = malloc(flash_size);
	m->ram = calloc(1, RIG_PBM_RAM_SIZE);
	m->erased = calloc(flash_size / RIG_RP_FLASH_SECTOR + 1, 1);
	memset(m->flash, 0xFF, flash_size);
}

void rig_pbm_free(struct rig_pbm *m)
{
	free(m->flash);
	free(m->ram);
	free(m->erased);
	m->flash = m->ram = m->erased = NULL;
}

int rig_pbm_wants_out(const struct rig_pbm *m)
{
	return m->phase == PH_CMD || m->phase == PH_DATA_OUT || m->phase == PH_ACK_OUT;
}

size_t rig_pbm_out_len(const struct rig_pbm *m, size_t cap)
{
	size_t left = m->cmd.transfer_len - m->done;

	if (m->phase == PH_CMD)
		return RIG_PICOBOOT_CMD_SIZE;
	if (m->phase != PH_DATA_OUT)
		return 0;
	return left < cap ? left : cap;
}

static int fail(struct rig_pbm *m, uint32_t code)
{
	m->status.code = code;
	m->halted = 1;
	m->phase = PH_CMD;
	return RIG_MODEL_STALL;
}

/* Where [addr, addr+size) lives: the flash or RAM array, or NULL. */
static uint8_t *memory(struct rig_pbm *m, uint32_t addr, uint32_t size)
{
	uint64_t end = (uint64_t)addr + size;

	if (addr >= RIG_RP_XIP_BASE && end <= (uint64_t)RIG_RP_XIP_BASE + m->flash_size)
		return m->flash + (addr - RIG_RP_XIP_BASE);
	if (addr >= RIG_PBM_RAM_BASE && end <= (uint64_t)RIG_PBM_RAM_BASE + RIG_PBM_RAM_SIZE)
		return m->ram + (addr - RIG_PBM_RAM_BASE);
	return NULL;
}

static int in_flash(const struct rig_pbm *m, uint32_t addr)
{
	return addr >= RIG_RP_XIP_BASE && addr - RIG_RP_XIP_BASE < m->flash_size;
}

/* NOR flash: programming only clears bits (dst &= src). A word at a time:
 * the models run unoptimised under ASan in a TCG guest, where a byte loop
 * over a 1 MiB command cost the bench more than the transfer did. */
static void nor_program(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;

		memcpy(&a, dst + i, 8);
		memcpy(&b, src + i, 8);
		a &= b;
		memcpy(dst + i, &a, 8);
	}
	for (; i < n; i++)
		dst[i] &= src[i];
}

/* The lazy erase: sector s of the flash array is filled when touched. */
static void fill(struct rig_pbm *m, uint32_t s)
{
	if (m->erased[s]) {
		memset(m->flash + (size_t)s * RIG_RP_FLASH_SECTOR, 0xFF, RIG_RP_FLASH_SECTOR);
		m->erased[s] = 0;
	}
}

void rig_pbm_sync(struct rig_pbm *m)
{
	for (uint32_t s = 0; s < m->flash_size / RIG_RP_FLASH_SECTOR; s++)
		fill(m, s);
}

/* Flash bytes [off, off+n) are about to be read: erased sectors first. */
static void touch(struct rig_pbm *m, uint32_t off, uint32_t n)
{
	for (uint32_t s = off / RIG_RP_FLASH_SECTOR; n && s <= (off + n - 1) / RIG_RP_FLASH_SECTOR;
	     s++)
		fill(m, s);
}

/* Program [off, off+n) of the flash array: a whole erased sector is a
 * copy, anything else NOR programming over its filled bytes. */
static void program(struct rig_pbm *m, uint32_t off, const uint8_t *src, uint32_t n)
{
	while (n) {
		uint32_t s = off / RIG_RP_FLASH_SECTOR,
			 in = RIG_RP_FLASH_SECTOR - off % RIG_RP_FLASH_SECTOR;

		if (in > n)
			in = n;
		if (m->erased[s] && in == RIG_RP_FLASH_SECTOR) {
			memcpy(m->flash + off, src, in);
			m->erased[s] = 0;
		} else {
			fill(m, s);
			nor_program(m->flash + off, src, in);
		}
		off += in, src += in, n -= in;
	}
}

/* A command arrived: check it as the ROM does and pick the next phase. */
static int command(struct rig_pbm *m, const uint8_t *data, size_t n)
{
	struct rig_picoboot_cmd *c = &m->cmd;
	uint32_t addr, size;

	if (rig_picoboot_cmd_decode(data, n, c, NULL)) {
		/* the token of a bad command is still reported */
		m->status.token = c->token;
		m->status.cmd_id = c->id;
		return fail(m, c->cmd_size > RIG_PICOBOOT_ARGS_MAX || n != RIG_PICOBOOT_CMD_SIZE
				   ? RIG_PICOBOOT_INVALID_CMD_LENGTH
				   : RIG_PICOBOOT_INVALID_TRANSFER_LENGTH);
	}
	m->status = (struct rig_picoboot_status){.token = c->token, .cmd_id = c->id};
	m->done = 0;
	addr = rig_picoboot_arg32(c, 0);
	size = rig_picoboot_arg32(c, 1);
	switch (c->id) {
	case RIG_PC_EXCLUSIVE_ACCESS:
		m->exclusive = c->args[0];
		break;
	case RIG_PC_FLASH_ERASE:
		if (!in_flash(m, addr) || !memory(m, addr, size))
			return fail(m, RIG_PICOBOOT_INVALID_ADDRESS);
		if (addr % RIG_RP_FLASH_SECTOR || size % RIG_RP_FLASH_SECTOR)
			return fail(m, RIG_PICOBOOT_BAD_ALIGNMENT);
		memset(m->erased + (addr - RIG_RP_XIP_BASE) / RIG_RP_FLASH_SECTOR, 1,
		       size / RIG_RP_FLASH_SECTOR);
		break;
	case RIG_PC_READ:
	case RIG_PC_WRITE:
		if (!memory(m, addr, size))
			return fail(m, RIG_PICOBOOT_INVALID_ADDRESS);
		if (c->id == RIG_PC_WRITE && in_flash(m, addr) &&
		    (addr % RIG_RP_FLASH_PAGE || size % RIG_RP_FLASH_PAGE))
			return fail(m, RIG_PICOBOOT_BAD_ALIGNMENT);
		break;
	case RIG_PC_REBOOT:
	case RIG_PC_REBOOT2:
	case RIG_PC_EXIT_XIP:
	case RIG_PC_ENTER_CMD_XIP:
		break;
	default:
		return fail(m, RIG_PICOBOOT_UNKNOWN_CMD);
	}
	if (c->transfer_len)
		m->phase = c->id & RIG_PICOBOOT_CMD_IN ? PH_DATA_IN : PH_DATA_OUT;
	else
		m->phase = PH_ACK_IN;
	return (int)n;
}

static int write_data(struct rig_pbm *m, const uint8_t *data, size_t n)
{
	struct rig_picoboot_cmd *c = &m->cmd;
	uint32_t left = c->transfer_len - m->done;
	uint8_t *dst;

	if (n > left)
		return fail(m, RIG_PICOBOOT_INVALID_TRANSFER_LENGTH);
	if (m->fault && m->written + n > m->fault_after) {
		if (m->fault == RIG_FAULT_STALL)
			return fail(m, RIG_PICOBOOT_UNKNOWN_ERROR);
		if (m->fault == RIG_FAULT_DISCONNECT)
			return m->gone = 1, RIG_MODEL_GONE;
		if (m->fault == RIG_FAULT_TIMEOUT)
			return m->hung = 1, RIG_MODEL_HANG;
	}
	dst = memory(m, rig_picoboot_arg32(c, 0) + m->done, (uint32_t)n);
	if (in_flash(m, rig_picoboot_arg32(c, 0)))
		program(m, rig_picoboot_arg32(c, 0) + m->done - RIG_RP_XIP_BASE, data, (uint32_t)n);
	else
		memcpy(dst, data, n);
	m->done += (uint32_t)n;
	m->written += (uint32_t)n;
	if (m->done == c->transfer_len)
		m->phase = PH_ACK_IN;
	return (int)n;
}

uint8_t *rig_pbm_out_direct(struct rig_pbm *m, size_t len)
{
	uint32_t at = rig_picoboot_arg32(&m->cmd, 0) + m->done, off, s0, s1;

	if (m->phase != PH_DATA_OUT || m->fault || m->halted || len == 0 ||
	    len > m->cmd.transfer_len - m->done || !in_flash(m, at) ||
	    !memory(m, at, (uint32_t)len))
		return NULL;
	off = at - RIG_RP_XIP_BASE;
	s0 = off / RIG_RP_FLASH_SECTOR;
	s1 = (uint32_t)((off + len - 1) / RIG_RP_FLASH_SECTOR);
	for (uint32_t s = s0; s <= s1; s++)
		if (!m->erased[s])
			return NULL;
	/* the head of the first sector reads 0xFF as erased flash does */
	memset(m->flash + (size_t)s0 * RIG_RP_FLASH_SECTOR, 0xFF, off % RIG_RP_FLASH_SECTOR);
	return m->flash + off;
}

int rig_pbm_out_direct_done(struct rig_pbm *m, size_t n)
{
	struct rig_picoboot_cmd *c = &m->cmd;
	uint32_t off = rig_picoboot_arg32(c, 0) + m->done - RIG_RP_XIP_BASE, end, s;

	if (n > c->transfer_len - m->done)
		return fail(m, RIG_PICOBOOT_INVALID_TRANSFER_LENGTH);
	end = off + (uint32_t)n;
	/* every sector the bytes reached is programmed now; the rest of the
	 * last one is still erased */
	for (s = off / RIG_RP_FLASH_SECTOR; n && s <= (end - 1) / RIG_RP_FLASH_SECTOR; s++)
		m->erased[s] = 0;
	if (n && end % RIG_RP_FLASH_SECTOR)
		memset(m->flash + end, 0xFF, RIG_RP_FLASH_SECTOR - end % RIG_RP_FLASH_SECTOR);
	m->done += (uint32_t)n;
	m->written += (uint32_t)n;
	if (m->done == c->transfer_len)
		m->phase = PH_ACK_IN;
	return (int)n;
}

int rig_pbm_bulk_out(struct rig_pbm *m, const uint8_t *data, size_t n)
{
	if (m->gone)
		return RIG_MODEL_GONE;
	if (m->hung)
		return RIG_MODEL_HANG;
	if (m->halted)
		return RIG_MODEL_STALL;
	switch (m->phase) {
	case PH_CMD:
		return command(m, data, n);
	case PH_DATA_OUT:
		return write_data(m, data, n);
	case PH_ACK_OUT:
		if (n != 0)
			return fail(m, RIG_PICOBOOT_INVALID_TRANSFER_LENGTH);
		m->phase = PH_CMD;
		return 0;
	default: /* the host sent while it should read: the ROM halts */
		return fail(m, RIG_PICOBOOT_INVALID_STATE);
	}
}

int rig_pbm_bulk_in_ref(struct rig_pbm *m, const uint8_t **data, size_t cap)
{
	struct rig_picoboot_cmd *c = &m->cmd;

	*data = NULL;
	if (m->gone)
		return RIG_MODEL_GONE;
	if (m->hung)
		return RIG_MODEL_HANG;
	if (m->halted)
		return RIG_MODEL_STALL;
	if (m->phase == PH_DATA_IN) {
		uint32_t left = c->transfer_len - m->done, n = left < cap ? left : (uint32_t)cap;
		uint32_t at = rig_picoboot_arg32(c, 0) + m->done;

		if (in_flash(m, at))
			touch(m, at - RIG_RP_XIP_BASE, n);
		*data = memory(m, at, n);
		m->done += n;
		if (m->done == c->transfer_len)
			m->phase = PH_ACK_OUT;
		return (int)n;
	}
	if (m->phase == PH_ACK_IN) {
		m->phase = PH_CMD;
		if (c->id == RIG_PC_REBOOT || c->id == RIG_PC_REBOOT2)
			m->rebooted = 1;
		return 0;
	}
	return fail(m, RIG_PICOBOOT_INVALID_STATE);
}

int rig_pbm_bulk_in(struct rig_pbm *m, uint8_t *data, size_t cap)
{
	int first = m->phase == PH_DATA_IN && m->done == 0;
	const uint8_t *src;
	int n = rig_pbm_bulk_in_ref(m, &src, cap);

	if (n > 0) {
		memcpy(data, src, (size_t)n);
		if (m->fault == RIG_FAULT_BAD_DATA && first)
			data[n / 2] ^= 0x10;
	}
	return n;
}

int rig_pbm_control(struct rig_pbm *m, int in, uint8_t request, uint8_t *data, uint16_t len)
{
	uint8_t buf[RIG_PICOBOOT_STATUS_SIZE];

	if (m->gone)
		return RIG_MODEL_GONE;
	if (!in && request == RIG_PICOBOOT_IF_RESET) {
		m->halted = 0;
		m->phase = PH_CMD;
		m->status.code = RIG_PICOBOOT_OK;
		return 0;
	}
	if (in && request == RIG_PICOBOOT_IF_CMD_STATUS) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		rig_picoboot_status_encode(&m->status, buf);
		memcpy(data, buf, n);
		return (int)n;
	}
	return RIG_MODEL_STALL;
}
