/* Sizes of an ELF file from its section headers, through libelf. */
#ifndef RIG_ELFSIZE_H
#define RIG_ELFSIZE_H

#include "artifact.h"
#include "error.h"

/* Fills file_bytes, text/data/bss/alloc and elf_machine. A file that is not
 * ELF gets file_bytes only and returns RIG_ERR_NOT_SUPPORTED. The alloc total
 * equals the "Total" line of `size -A` for the same file. */
int rig_elf_sizes(const char *path, struct rig_sizes *out, struct rig_error *err);

/* The same for an image in memory (fuzzing). */
int rig_elf_sizes_mem(const void *data, size_t len, struct rig_sizes *out,
		      struct rig_error *err);

/* Name of an e_machine value ("x86-64", "AArch64", "ARM", "WebAssembly"). */
const char *rig_elf_machine_name(int machine);

#endif
