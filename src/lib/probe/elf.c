// SPDX-License-Identifier: GPL-2.0
/* ELF helpers for user-space probes: file offsets of addresses through PT_LOAD. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "ftx/elf.h"
#include "ftx/error.h"

int ftx_elf_entry_offset(const char *path, unsigned long long *offset)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t n, i;
	int fd, ret = -1;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOTSUP;
		ftx_error_set("libelf: %s", elf_errmsg(-1));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ftx_error_set("%s: %s", path, strerror(errno));
		return -1;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || !gelf_getehdr(e, &eh) || elf_getphdrnum(e, &n) < 0) {
		errno = ENOEXEC;
		ftx_error_set("%s: not an ELF file", path);
		goto out;
	}
	/* The kernel wants a file offset: find the loaded segment holding e_entry. */
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (eh.e_entry >= ph.p_vaddr && eh.e_entry < ph.p_vaddr + ph.p_filesz) {
			*offset = eh.e_entry - ph.p_vaddr + ph.p_offset;
			ret = 0;
			goto out;
		}
	}
	errno = ENOEXEC;
	ftx_error_set("%s: entry point outside the executable segments", path);
out:
	elf_end(e);
	close(fd);
	return ret;
}
