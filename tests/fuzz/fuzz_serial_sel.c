/* Serial port selectors from board files: "path" or usb:VID:PID[:SERIAL]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport_serial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rig_serial_port_info ports[] = {
	    {.name = "/dev/ttyACM0", .is_usb = 1, .vid = 0x2e8a, .pid = 0x000a, .serial = "E661"},
	    {.name = "/dev/ttyS0"},
	};
	struct rig_serial_sel sel;
	struct rig_error err = {0};
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (rig_serial_sel_parse(text, &sel, &err) == 0) {
		int i = rig_serial_sel_match(&sel, ports, 2, &err);

		if (i >= 2 || (sel.usb && (sel.vid > 0xffff || sel.pid > 0xffff)))
			abort();
	}
	free(text);
	return 0;
}
