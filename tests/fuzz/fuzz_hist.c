/* Fuzz target: the stored histogram encoding (host/src/load/hist.c). No
 * crash; whatever decodes re-encodes to a blob that decodes to the same
 * counts (the store merges samples by decoding their blobs). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_hist *h = rig_hist_new(), *again;
	struct rig_buf b = {0};

	if (rig_hist_decode(h, data, size, NULL) == 0) {
		again = rig_hist_new();
		rig_hist_encode(h, &b);
		if (rig_hist_decode(again, b.data, b.len, NULL) != 0 ||
		    rig_hist_count(again) != rig_hist_count(h) ||
		    rig_hist_max(again) != rig_hist_max(h) ||
		    rig_hist_percentile(again, 50) != rig_hist_percentile(h, 50))
			abort();
		rig_hist_free(again);
	}
	rig_buf_free(&b);
	rig_hist_free(h);
	return 0;
}
