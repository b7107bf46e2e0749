/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF symbols, segments and USDT notes for user-space probes (src/lib/probe/).
 * uprobes want file offsets: an address becomes one through the PT_LOAD
 * segment that holds it, never through a section or the first segment.
 * ELF32 and ELF64 of either byte order are read (libelf converts).
 */
#ifndef FTX_ELF_H
#define FTX_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * ftx_elf_entry_offset - file offset of the ELF entry point of @path (where a
 * uprobe can be placed); 0 or -1 with errno and ftx_error() set
 */
int ftx_elf_entry_offset(const char *path, unsigned long long *offset);

/* One PT_LOAD program header. */
struct ftx_elf_seg {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;		/* PF_X, PF_W, PF_R */
};

/**
 * ftx_elf_seg_offset - file offset of @addr through the segment of @segs that
 * holds it in its file-backed part [p_vaddr, p_vaddr + p_filesz)
 * @need: flags the segment must have (PF_X for code), @deny: flags it must not
 * Pure. Returns 0 with *@off set, or -1 with errno ENOENT.
 */
int ftx_elf_seg_offset(const struct ftx_elf_seg *segs, size_t n, uint64_t addr,
		       uint32_t need, uint32_t deny, uint64_t *off);

struct ftx_elf;

/* A function or object symbol (strings owned by the struct ftx_elf). */
struct ftx_elf_sym {
	const char *name;	/* without "@VERSION" */
	const char *version;	/* NULL when unversioned */
	uint64_t addr;
	uint64_t size;
	unsigned char type;	/* STT_FUNC, STT_OBJECT, STT_GNU_IFUNC */
	unsigned char bind;	/* STB_GLOBAL, STB_WEAK, STB_LOCAL */
	bool hidden;		/* a non-default version (name@VER, not name@@VER) */
	bool dynamic;		/* from .dynsym */
};

/**
 * ftx_elf_open - read @path's segments, symbols (.symtab, .dynsym and, when
 * the file has no .symtab, those of its separate debug file) and notes
 * Returns a handle freed with ftx_elf_close(), or NULL with errno and
 * ftx_error() set.
 */
struct ftx_elf *ftx_elf_open(const char *path);

/**
 * ftx_elf_open_mem - the same from an ELF image in memory (@buf borrowed for
 * the call); @name names it in messages. No debug file lookup.
 */
struct ftx_elf *ftx_elf_open_mem(const void *buf, size_t size, const char *name);

/** ftx_elf_close - NULL is fine */
void ftx_elf_close(struct ftx_elf *e);

/** ftx_elf_path - the path it was opened with (borrowed) */
const char *ftx_elf_path(const struct ftx_elf *e);

/** ftx_elf_machine - e_machine (EM_X86_64, EM_AARCH64, EM_ARM, ...) */
unsigned int ftx_elf_machine(const struct ftx_elf *e);

/** ftx_elf_is64 - ELFCLASS64 */
bool ftx_elf_is64(const struct ftx_elf *e);

/** ftx_elf_segs - the PT_LOAD segments (borrowed); returns their number */
size_t ftx_elf_segs(const struct ftx_elf *e, const struct ftx_elf_seg **segs);

/**
 * ftx_elf_symbols - every function and object symbol (borrowed array),
 * .symtab's first; returns how many
 */
size_t ftx_elf_symbols(const struct ftx_elf *e, const struct ftx_elf_sym **syms);

/**
 * ftx_elf_sym_find - the symbol named @name ("name" or "name@VERSION"):
 * a global or weak definition before a local one, the default version
 * before a hidden one, a function before an object
 * Returns 0, or -1 with errno ENOENT and ftx_error() giving the closest
 * names, or (no .symtab and no debug file) the debug files that were tried.
 */
int ftx_elf_sym_find(const struct ftx_elf *e, const char *name, struct ftx_elf_sym *sym);

/**
 * ftx_elf_debug_file - the separate debug file whose symbols were used
 * (borrowed), NULL if none
 */
const char *ftx_elf_debug_file(const struct ftx_elf *e);

/**
 * ftx_elf_stripped - no .symtab, and no debug file found; @tried receives
 * the debug files looked for ("a, b, c"), may be NULL
 */
bool ftx_elf_stripped(const struct ftx_elf *e, char *tried, size_t size);

/**
 * ftx_elf_section_addr - sh_addr of section @name; 0 or -1 (ENOENT)
 */
int ftx_elf_section_addr(const struct ftx_elf *e, const char *name, uint64_t *addr);

/* One .note.stapsdt note (strings owned by the struct ftx_elf). */
struct ftx_sdt_note {
	const char *provider;
	const char *name;
	const char *args;	/* "-4@%edi 8@-8(%rbp)", "" without arguments */
	uint64_t loc;		/* probe address, prelink-adjusted */
	uint64_t base;		/* the note's _.stapsdt.base */
	uint64_t sem;		/* semaphore address, 0 if none, adjusted */
};

/**
 * ftx_sdt_note_parse - decode one stapsdt note descriptor: three
 * target-pointer words (4 bytes in ELF32) then provider, name, arguments
 * @desc: the descriptor, already in host byte order for the words when
 *	@swap is false (libelf's ELF_T_NHDR conversion leaves it raw)
 * Pure; the strings point into @desc. Returns 0 or -1 (EINVAL).
 */
int ftx_sdt_note_parse(const void *desc, size_t len, bool is64, bool swap,
		       struct ftx_sdt_note *note);

/**
 * ftx_sdt_note_adjust - the prelink adjustment: only when the file has a
 * .stapsdt.base section (@have_base, at @base_addr) and the note's base is
 * nonzero, move loc and sem by base_addr - note->base. lld, gold and mold
 * may drop the section or leave the note's base 0: then nothing moves.
 */
void ftx_sdt_note_adjust(struct ftx_sdt_note *note, bool have_base, uint64_t base_addr);

/** ftx_elf_sdt_notes - the file's USDT notes, adjusted (borrowed); their number */
size_t ftx_elf_sdt_notes(const struct ftx_elf *e, const struct ftx_sdt_note **notes);

/**
 * ftx_elf_find_binary - what "-x NAME" means: a path with a '/' as is; else
 * NAME in $PATH, then a shared library from the ld.so cache (or the usual
 * library directories): "libc", "libc.so.6", "libpthread"
 * Returns a malloc()ed path, or NULL with errno ENOENT and ftx_error() set.
 */
char *ftx_elf_find_binary(const char *name);

#endif /* FTX_ELF_H */
