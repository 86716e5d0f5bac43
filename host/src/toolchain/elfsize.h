/* Sizes of an ELF file from its section headers, through libelf. */
#ifndef RIG_ELFSIZE_H
#define RIG_ELFSIZE_H

#include "artifact.h"
#include "error.h"

/* Fills file_bytes, text/data/bss/alloc and elf_machine. A file that is not
 * ELF gets file_bytes only and returns RIG_ERR_NOT_SUPPORTED; a truncated or
 * malformed ELF file (no section headers, a section past the end, sizes that
 * overflow) returns RIG_ERR_PARSE. text/data/bss are the columns of binutils
 * `size` (Berkeley) for the same file and alloc_bytes their sum ("dec"): the
 * SHF_ALLOC sections of `size -A`, whose "Total" line also counts non-alloc
 * sections such as .comment and .debug_*. */
int rig_elf_sizes(const char *path, struct rig_sizes *out, struct rig_error *err);

/* The same for an image in memory (fuzzing). */
int rig_elf_sizes_mem(const void *data, size_t len, struct rig_sizes *out, struct rig_error *err);

/* Name of an e_machine value ("x86-64", "AArch64", "ARM", "WebAssembly"). */
const char *rig_elf_machine_name(int machine);

#endif
