/* ELF sizes through libelf: see elfsize.h. */
#include "elfsize.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
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

static int sizes_from_elf(Elf *e, const char *what, struct rig_sizes *out, struct rig_error *err)
{
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;

	if (elf_kind(e) != ELF_K_ELF)
		return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "%s: not an ELF file", what);
	if (!gelf_getehdr(e, &eh))
		return rig_fail(err, RIG_ERR_PARSE, "%s: bad ELF header: %s", what, elf_errmsg(-1));
	out->elf_machine = eh.e_machine;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return rig_fail(err, RIG_ERR_PARSE, "%s: bad section header: %s", what,
					elf_errmsg(-1));
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		/* The classes `size` (Berkeley) uses; -A's total is the sum. */
		out->alloc_bytes += (int64_t)sh.sh_size;
		if (sh.sh_type == SHT_NOBITS)
			out->bss_bytes += (int64_t)sh.sh_size;
		else if (sh.sh_flags & SHF_WRITE)
			out->data_bytes += (int64_t)sh.sh_size;
		else
			out->text_bytes += (int64_t)sh.sh_size;
	}
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
		return rig_fail(err, RIG_ERR_NOT_FOUND, "%s: cannot open", path);
	}
	out->file_bytes = st.st_size;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		close(fd);
		return rig_fail(err, RIG_ERR_PARSE, "%s: %s", path, elf_errmsg(-1));
	}
	rc = sizes_from_elf(e, path, out, err);
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
	rc = sizes_from_elf(e, "memory image", out, err);
	elf_end(e);
	return rc;
}
