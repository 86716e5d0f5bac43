/* ELF sizes through libelf: see elfsize.h. */
#include "elfsize.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *rig_elf_machine_name(int machine)
{
	switch (machine) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "AArch64";
	case EM_ARM:
		return "ARM";
	case EM_RISCV:
		return "RISC-V";
	case 0:
		return "none";
	default:
		return "other";
	}
}

/* Running totals, unsigned so that absurd sizes in a hostile file are caught
 * as overflow instead of wrapping a signed integer. */
struct totals {
	uint64_t text, data, bss, alloc;
};

static int add_size(uint64_t *sum, uint64_t n)
{
	return __builtin_add_overflow(*sum, n, sum) || *sum > INT64_MAX;
}

/*
 * The classes of binutils `size` (Berkeley format, bfd's berkeley_sum):
 * code or read-only is text, else with contents is data, else bss. bfd sets
 * SEC_CODE from SHF_EXECINSTR, SEC_READONLY from !SHF_WRITE and
 * SEC_HAS_CONTENTS from sh_type != SHT_NOBITS, so a writable executable
 * section counts as text, as `size` counts it.
 */
static uint64_t *class_of(const GElf_Shdr *sh, struct totals *t)
{
	if ((sh->sh_flags & SHF_EXECINSTR) || !(sh->sh_flags & SHF_WRITE))
		return &t->text;
	if (sh->sh_type != SHT_NOBITS)
		return &t->data;
	return &t->bss;
}

static int sizes_from_elf(Elf *e, const char *what, uint64_t file_len, struct rig_sizes *out,
			  struct rig_error *err)
{
	struct totals t = {0};
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;
	size_t shnum;

	if (elf_kind(e) != ELF_K_ELF)
		return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "%s: not an ELF file", what);
	if (!gelf_getehdr(e, &eh))
		return rig_fail(err, RIG_ERR_PARSE, "%s: bad ELF header: %s", what, elf_errmsg(-1));
	out->elf_machine = eh.e_machine;
	if (elf_getshdrnum(e, &shnum) || shnum == 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s: no section headers (stripped with sstrip, or truncated): "
				"sizes need them",
				what);
	(void)elf_errno(); /* clear a stale error so the check after the loop is ours */
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return rig_fail(err, RIG_ERR_PARSE, "%s: bad section header: %s", what,
					elf_errmsg(-1));
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > file_len || sh.sh_size > file_len - sh.sh_offset))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s: section %zu (offset %llu, size %llu) extends past the "
					"end of the file (%llu bytes): truncated?",
					what, elf_ndxscn(scn), (unsigned long long)sh.sh_offset,
					(unsigned long long)sh.sh_size,
					(unsigned long long)file_len);
		if (add_size(&t.alloc, sh.sh_size) || add_size(class_of(&sh, &t), sh.sh_size))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s: section %zu size %llu: the total overflows", what,
					elf_ndxscn(scn), (unsigned long long)sh.sh_size);
	}
	if (elf_errno())
		return rig_fail(err, RIG_ERR_PARSE, "%s: section headers: %s", what,
				elf_errmsg(-1));
	out->text_bytes = (int64_t)t.text;
	out->data_bytes = (int64_t)t.data;
	out->bss_bytes = (int64_t)t.bss;
	out->alloc_bytes = (int64_t)t.alloc;
	return 0;
}

int rig_elf_sizes(const char *path, struct rig_sizes *out, struct rig_error *err)
{
	struct stat st;
	Elf *e;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return rig_fail(err, RIG_ERR_IO, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO,
				"%s: cannot open: %s", path, strerror(errno));
	}
	out->file_bytes = st.st_size;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		close(fd);
		return rig_fail(err, RIG_ERR_PARSE, "%s: %s", path, elf_errmsg(-1));
	}
	rc = sizes_from_elf(e, path, (uint64_t)st.st_size, out, err);
	elf_end(e);
	close(fd);
	return rc;
}

int rig_elf_sizes_mem(const void *data, size_t len, struct rig_sizes *out, struct rig_error *err)
{
	Elf *e;
	int rc;

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return rig_fail(err, RIG_ERR_IO, "libelf: %s", elf_errmsg(-1));
	out->file_bytes = (int64_t)len;
	/* libelf does not write to the image in ELF_C_READ mode */
	e = elf_memory((char *)data, len);
	if (!e)
		return rig_fail(err, RIG_ERR_PARSE, "memory image: %s", elf_errmsg(-1));
	rc = sizes_from_elf(e, "memory image", len, out, err);
	elf_end(e);
	return rc;
}
