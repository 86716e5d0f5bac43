/* Hex text for the histograms the store keeps (sample_hists.data): one
 * representation both backends store as TEXT, no bytea/blob dialects. */
#include "store_priv.h"

#include <stdlib.h>
#include <string.h>

void store_hex_encode(const void *data, size_t len, struct rig_buf *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		char two[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
		rig_buf_append(out, two, 2);
	}
	rig_buf_append(out, "", 1); /* NUL-terminated, not counted */
	out->len--;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int store_hex_decode(const char *text, struct rig_buf *out)
{
	size_t n = strlen(text);

	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = nibble(text[i]), lo = nibble(text[i + 1]);
		unsigned char b;
		if (hi < 0 || lo < 0)
			return -1;
		b = (unsigned char)(hi << 4 | lo);
		rig_buf_append(out, &b, 1);
	}
	return 0;
}
