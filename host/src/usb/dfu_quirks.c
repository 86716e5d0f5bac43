/*
 * DFU device quirks: the one place that maps a device to the bugs rig
 * works around (dfu-util's src/quirks.c is the model). Each entry says
 * which device and what it gets wrong. Flags: dfu_proto.h.
 */
#include "dfu_proto.h"

unsigned rig_dfu_quirks(uint16_t vid, uint16_t pid, uint16_t bcd_device)
{
	unsigned q = 0;

	/* Openmoko Freerunner (1d50:5117..5126), its FIC twin (1457) and
	 * OpenPCD (16c0:076b) report bwPollTimeout values of seconds for
	 * every block: dfu-util waits 5 ms instead, and so do we. */
	if ((vid == 0x1D50 && pid >= 0x5117 && pid <= 0x5126) || vid == 0x1457 ||
	    (vid == 0x16C0 && pid == 0x076B))
		q |= RIG_DFU_QUIRK_POLLTIMEOUT;
	/* LeafLabs Maple rev 3/5 boot loader (1eaf:0003, bcdDevice 0x0200)
	 * says DFU 1.0 in its functional descriptor but speaks 1.1. */
	if (vid == 0x1EAF && pid == 0x0003 && bcd_device == 0x0200)
		q |= RIG_DFU_QUIRK_FORCE_DFU11;
	/* STM32 system boot loader (0483:df11, AN3156 3.2 "leave DFU mode"):
	 * it jumps to the application as soon as the zero-length DNLOAD is
	 * acknowledged, so the GETSTATUS after it fails or the device is
	 * already gone: dfu-util users see "get_status after leave" errors
	 * for what was a success. */
	if (vid == RIG_DFU_STM32_VID && pid == RIG_DFU_STM32_PID)
		q |= RIG_DFU_QUIRK_LEAVE_RESETS;
	return q;
}
