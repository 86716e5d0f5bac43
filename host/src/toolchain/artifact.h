/*
 * What a toolchain produced: one program for one target, with everything
 * needed to reproduce it and to compare it (command, environment, version,
 * hash, sizes).
 */
#ifndef RIG_ARTIFACT_H
#define RIG_ARTIFACT_H

#include <limits.h>
#include <stdint.h>

/* What a board runs. os: linux, none (bare metal), wasip1. arch: x86_64,
 * aarch64, arm, thumb (Cortex-M), wasm32. variant: e.g. "armv6", "armv7",
 * "cortex-m3"; empty when it does not matter. */
struct rig_target {
	char os[16];
	char arch[16];
	char variant[24];
};

/* Sizes from the ELF section headers (libelf), or from the wasm sections.
 * text/data/bss follow `size -A` classes; extra_* is a runtime library the
 * program needs at run time (libgo.so for a dynamic gccgo binary). */
struct rig_sizes {
	int64_t file_bytes;
	int64_t text_bytes;  /* SHF_ALLOC & !SHF_WRITE (code and read-only data) */
	int64_t data_bytes;  /* SHF_ALLOC & SHF_WRITE & !NOBITS */
	int64_t bss_bytes;   /* SHF_ALLOC & NOBITS */
	int64_t alloc_bytes; /* text + data + bss = `size`'s dec column (`size -A`'s Total
			      * also counts .comment and .debug_*, which are not loaded) */
	int elf_machine;     /* e_machine, 0 when not ELF */
	char extra_name[64];
	int64_t extra_bytes;
};

struct rig_artifact {
	char path[PATH_MAX];
	char sha256[65];
	char toolchain[32]; /* gc, gccgo, c, tinygo, gollvm, or a custom name */
	char profile[48];   /* gc-stripped, gccgo-static, ... */
	char workload[32];  /* hello, cpu, ...; "firmware" for a multi-workload image */
	char lang[8];	    /* go, c */
	struct rig_target target;
	char tc_version[160];
	char command[4096]; /* shell-quoted, as run */
	char env[1024];	    /* the variables rig set, "K=V K=V" */
	char key[65];	    /* content hash of sources + command + env + version */
	int64_t build_ns;   /* wall time of the build; 0 when from cache */
	int cached;
	struct rig_sizes sizes;
};

#endif
