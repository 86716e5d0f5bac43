/* QMP reply parsing (qemu.c): line classification and the query-chardev pty
 * lookup must never read out of bounds, whatever QEMU (or a broken socket)
 * sends. The input is split at the first NUL into a label and a reply. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qemu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), msg[128], pty[64];
	const char *label = "rigcon", *reply;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	reply = text;
	if (memchr(text, '\0', size)) {
		label = text;
		reply = text + strlen(text) + 1;
	}
	rig_qmp_classify(reply, msg, sizeof(msg));
	rig_qmp_classify(reply, NULL, 0);
	if (rig_qmp_chardev_pty(reply, label, pty, sizeof(pty)) == 0 && strlen(pty) >= sizeof(pty))
		abort();
	free(text);
	return 0;
}
