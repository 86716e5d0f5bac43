/* PICOBOOT command and status wire codec, and the flash range check
 * (picoboot_proto.h). Pure: no I/O. */
#include <stdio.h>
#include <string.h>

#include "picoboot_proto.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void start(struct rig_picoboot_cmd *c, uint32_t token, uint8_t id, uint8_t size)
{
	memset(c, 0, sizeof(*c));
	c->token = token;
	c->id = id;
	c->cmd_size = size;
}

void rig_picoboot_exclusive(struct rig_picoboot_cmd *c, uint32_t token, uint8_t exclusive)
{
	start(c, token, RIG_PC_EXCLUSIVE_ACCESS, 1);
	c->args[0] = exclusive;
}

void rig_picoboot_range(struct rig_picoboot_cmd *c, uint32_t token, uint8_t id, uint32_t addr,
			uint32_t size)
{
	start(c, token, id, 8);
	put32(c->args, addr);
	put32(c->args + 4, size);
	/* ERASE has no data phase; READ and WRITE move size bytes */
	c->transfer_len = id == RIG_PC_FLASH_ERASE ? 0 : size;
}

void rig_picoboot_reboot(struct rig_picoboot_cmd *c, uint32_t token, uint32_t pc, uint32_t sp,
			 uint32_t delay_ms)
{
	start(c, token, RIG_PC_REBOOT, 12);
	put32(c->args, pc);
	put32(c->args + 4, sp);
	put32(c->args + 8, delay_ms);
}

void rig_picoboot_reboot2(struct rig_picoboot_cmd *c, uint32_t token, uint32_t flags,
			  uint32_t delay_ms, uint32_t p0, uint32_t p1)
{
	start(c, token, RIG_PC_REBOOT2, 16);
	put32(c->args, flags);
	put32(c->args + 4, delay_ms);
	put32(c->args + 8, p0);
	put32(c->args + 12, p1);
}

uint32_t rig_picoboot_arg32(const struct rig_picoboot_cmd *c, int i)
{
	return i >= 0 && i < 4 ? get32(c->args + 4 * i) : 0;
}

void rig_picoboot_cmd_encode(const struct rig_picoboot_cmd *c, uint8_t out[RIG_PICOBOOT_CMD_SIZE])
{
	memset(out, 0, RIG_PICOBOOT_CMD_SIZE);
	put32(out, RIG_PICOBOOT_MAGIC);
	put32(out + 4, c->token);
	out[8] = c->id;
	out[9] = c->cmd_size;
	put32(out + 12, c->transfer_len);
	memcpy(out + 16, c->args, RIG_PICOBOOT_ARGS_MAX);
}

/* The bCmdSize each known command takes (-1: unknown id); the ROM refuses
 * any other with INVALID_CMD_LENGTH, so the model must too. */
static int args_size(uint8_t id)
{
	switch (id) {
	case RIG_PC_EXCLUSIVE_ACCESS:
		return 1;
	case RIG_PC_REBOOT:
		return 12;
	case RIG_PC_FLASH_ERASE:
	case RIG_PC_READ:
	case RIG_PC_WRITE:
		return 8;
	case RIG_PC_EXIT_XIP:
	case RIG_PC_ENTER_CMD_XIP:
		return 0;
	case RIG_PC_EXEC:
	case RIG_PC_VECTORIZE_FLASH:
		return 4;
	case RIG_PC_REBOOT2:
		return 16;
	default:
		return -1;
	}
}

int rig_picoboot_cmd_decode(const uint8_t *buf, size_t n, struct rig_picoboot_cmd *c,
			    struct rig_error *err)
{
	uint32_t magic;
	int want;

	memset(c, 0, sizeof(*c));
	if (n != RIG_PICOBOOT_CMD_SIZE)
		return rig_fail(err, RIG_ERR_PROTOCOL,
				"picoboot: command transfer is %zu bytes, expected %d", n,
				RIG_PICOBOOT_CMD_SIZE);
	if ((magic = get32(buf)) != RIG_PICOBOOT_MAGIC)
		return rig_fail(err, RIG_ERR_PROTOCOL,
				"picoboot: dMagic is 0x%08x, expected 0x%08x", magic,
				RIG_PICOBOOT_MAGIC);
	c->token = get32(buf + 4);
	c->id = buf[8];
	c->cmd_size = buf[9];
	c->transfer_len = get32(buf + 12);
	memcpy(c->args, buf + 16, RIG_PICOBOOT_ARGS_MAX);
	if (c->cmd_size > RIG_PICOBOOT_ARGS_MAX)
		return rig_fail(err, RIG_ERR_PROTOCOL, "picoboot: %s bCmdSize is %u, at most %d",
				rig_picoboot_cmd_name(c->id), c->cmd_size, RIG_PICOBOOT_ARGS_MAX);
	if ((want = args_size(c->id)) < 0)
		return 0;
	if (c->cmd_size != want)
		return rig_fail(err, RIG_ERR_PROTOCOL, "picoboot: %s bCmdSize is %u, expected %d",
				rig_picoboot_cmd_name(c->id), c->cmd_size, want);
	if ((c->id == RIG_PC_READ || c->id == RIG_PC_WRITE) &&
	    c->transfer_len != rig_picoboot_arg32(c, 1))
		return rig_fail(
		    err, RIG_ERR_PROTOCOL, "picoboot: %s dTransferLength is %u, expected dSize %u",
		    rig_picoboot_cmd_name(c->id), c->transfer_len, rig_picoboot_arg32(c, 1));
	if (c->id != RIG_PC_READ && c->id != RIG_PC_WRITE && c->transfer_len)
		return rig_fail(err, RIG_ERR_PROTOCOL,
				"picoboot: %s dTransferLength is %u, expected 0",
				rig_picoboot_cmd_name(c->id), c->transfer_len);
	return 0;
}

void rig_picoboot_status_encode(const struct rig_picoboot_status *s,
				uint8_t out[RIG_PICOBOOT_STATUS_SIZE])
{
	memset(out, 0, RIG_PICOBOOT_STATUS_SIZE);
	put32(out, s->token);
	put32(out + 4, s->code);
	out[8] = s->cmd_id;
	out[9] = s->in_progress;
}

int rig_picoboot_status_decode(const uint8_t *buf, size_t n, struct rig_picoboot_status *s,
			       struct rig_error *err)
{
	memset(s, 0, sizeof(*s));
	if (n != RIG_PICOBOOT_STATUS_SIZE)
		return rig_fail(err, RIG_ERR_PROTOCOL,
				"picoboot: CMD_STATUS reply is %zu bytes, expected %d", n,
				RIG_PICOBOOT_STATUS_SIZE);
	s->token = get32(buf);
	s->code = get32(buf + 4);
	s->cmd_id = buf[8];
	s->in_progress = buf[9];
	return 0;
}

static const char *const status_names[] = {
    "OK",
    "UNKNOWN_CMD",
    "INVALID_CMD_LENGTH",
    "INVALID_TRANSFER_LENGTH",
    "INVALID_ADDRESS",
    "BAD_ALIGNMENT",
    "INTERLEAVED_WRITE",
    "REBOOTING",
    "UNKNOWN_ERROR",
    "INVALID_STATE",
    "NOT_PERMITTED",
    "INVALID_ARG",
    "BUFFER_TOO_SMALL",
    "PRECONDITION_NOT_MET",
    "MODIFIED_DATA",
    "INVALID_DATA",
    "NOT_FOUND",
    "UNSUPPORTED_MODIFICATION",
};
_Static_assert(sizeof(status_names) / sizeof(status_names[0]) == RIG_PICOBOOT_STATUS_COUNT_,
	       "picoboot status names match the enum");

const char *rig_picoboot_status_name(uint32_t code)
{
	static char buf[24];

	if (code < RIG_PICOBOOT_STATUS_COUNT_)
		return status_names[code];
	snprintf(buf, sizeof(buf), "status %u", code);
	return buf;
}

const char *rig_picoboot_cmd_name(uint8_t id)
{
	static char buf[8];

	switch (id) {
	case RIG_PC_EXCLUSIVE_ACCESS:
		return "EXCLUSIVE_ACCESS";
	case RIG_PC_REBOOT:
		return "REBOOT";
	case RIG_PC_FLASH_ERASE:
		return "FLASH_ERASE";
	case RIG_PC_READ:
		return "READ";
	case RIG_PC_WRITE:
		return "WRITE";
	case RIG_PC_EXIT_XIP:
		return "EXIT_XIP";
	case RIG_PC_ENTER_CMD_XIP:
		return "ENTER_CMD_XIP";
	case RIG_PC_EXEC:
		return "EXEC";
	case RIG_PC_VECTORIZE_FLASH:
		return "VECTORIZE_FLASH";
	case RIG_PC_REBOOT2:
		return "REBOOT2";
	case RIG_PC_GET_INFO:
		return "GET_INFO";
	case RIG_PC_OTP_READ:
		return "OTP_READ";
	case RIG_PC_OTP_WRITE:
		return "OTP_WRITE";
	default:
		snprintf(buf, sizeof(buf), "0x%02x", id);
		return buf;
	}
}

int rig_picoboot_check_flash_range(uint32_t addr, uint32_t size, uint32_t flash_size, int erase,
				   struct rig_error *err)
{
	uint32_t align = erase ? RIG_RP_FLASH_SECTOR : RIG_RP_FLASH_PAGE;
	const char *what = erase ? "erase" : "write";
	uint64_t end = (uint64_t)addr + size, top = (uint64_t)RIG_RP_XIP_BASE + flash_size;

	if (size == 0)
		return rig_fail(err, RIG_ERR_INVALID, "picoboot: %s of 0 bytes at 0x%08x", what,
				addr);
	if (addr < RIG_RP_XIP_BASE || end > top)
		return rig_fail(err, RIG_ERR_INVALID,
				"picoboot: %s 0x%08x..0x%08llx is outside the XIP flash "
				"0x%08x..0x%08llx (flash_size %u)",
				what, addr, (unsigned long long)end, RIG_RP_XIP_BASE,
				(unsigned long long)top, flash_size);
	if (addr % align || size % align)
		return rig_fail(err, RIG_ERR_INVALID,
				"picoboot: %s 0x%08x+%u is not aligned to the %u-byte %s", what,
				addr, size, align, erase ? "sector" : "page");
	return 0;
}
