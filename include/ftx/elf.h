/* SPDX-License-Identifier: GPL-2.0 */
/* ELF symbol and segment helpers for user-space probes (src/lib/probe/). */
#ifndef FTX_ELF_H
#define FTX_ELF_H

/**
 * ftx_elf_entry_offset - file offset of the ELF entry point of @path (where a
 * uprobe can be placed); 0 or -1 with errno and ftx_error() set
 */
int ftx_elf_entry_offset(const char *path, unsigned long long *offset);

#endif /* FTX_ELF_H */
