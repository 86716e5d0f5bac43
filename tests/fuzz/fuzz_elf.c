/* Fuzz target: ELF size parsing (rig_elf_sizes_mem). Any input must return
 * cleanly; when it is accepted, the classes must add up to the alloc total
 * and no size may be negative. Seeds: tests/fuzz/corpus/elf/ (made by
 * tests/tools/gen_elf_corpus.sh). */
#include <stdint.h>
#include <stdlib.h>

#include "elfsize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_sizes s;
	struct rig_error err = {0};
	int rc = rig_elf_sizes_mem(data, size, &s, &err);

	if (s.file_bytes != (int64_t)size)
		abort();
	if (rc == 0 && (s.text_bytes < 0 || s.data_bytes < 0 || s.bss_bytes < 0 ||
			s.text_bytes + s.data_bytes + s.bss_bytes != s.alloc_bytes))
		abort();
	if (rc != 0 && !err.msg[0])
		abort(); /* every failure says why */
	return 0;
}
