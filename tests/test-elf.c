// SPDX-License-Identifier: GPL-2.0
/*
 * ELF for uprobes on hand-made files (written with libelf): PT_LOAD offset
 * math (PIE, non-PIE, lld's shifted text, bss), symbols, USDT notes with and
 * without .stapsdt.base (lld drops it), ELF32 big-endian, stripped files.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/elf.h"
#include "ftx/error.h"
#include "ftx/util.h"

struct hsym {
	const char *name;
	uint64_t addr, size;
	unsigned char type, bind;
};

struct hnote {
	uint64_t loc, base, sem;
	const char *prov, *name, *args;
};

struct helf {
	int cls, data;
	unsigned int machine;
	const struct ftx_elf_seg *segs;
	int nr_segs;
	const struct hsym *syms;
	int nr_syms;
	const struct hnote *notes;
	int nr_notes;
	bool base_sec;
	uint64_t base_addr;
};

static void put(unsigned char *p, uint64_t v, int size, bool be)
{
	int i;

	for (i = 0; i < size; i++)
		p[be ? size - 1 - i : i] = v >> (8 * i);
}

/* the notes' bytes, in the file's byte order */
static size_t notes_bytes(const struct helf *h, unsigned char *buf)
{
	bool be = h->data == ELFDATA2MSB;
	int w = h->cls == ELFCLASS64 ? 8 : 4, i;
	size_t o = 0;

	for (i = 0; i < h->nr_notes; i++) {
		const struct hnote *n = &h->notes[i];
		size_t dl = 3 * w + strlen(n->prov) + strlen(n->name) + strlen(n->args) + 3;

		put(buf + o, 8, 4, be);
		put(buf + o + 4, dl, 4, be);
		put(buf + o + 8, 3, 4, be);
		memcpy(buf + o + 12, "stapsdt", 8);
		o += 20;
		put(buf + o, n->loc, w, be);
		put(buf + o + w, n->base, w, be);
		put(buf + o + 2 * w, n->sem, w, be);
		o += 3 * w;
		strcpy((char *)buf + o, n->prov);
		o += strlen(n->prov) + 1;
		strcpy((char *)buf + o, n->name);
		o += strlen(n->name) + 1;
		strcpy((char *)buf + o, n->args);
		o += strlen(n->args) + 1;
		while (o % 4)
			buf[o++] = 0;
	}
	return o;
}

static Elf_Scn *add_scn(Elf *e, const char *name, unsigned int *shoff, char *shstr,
			size_t *shlen, unsigned int type, void *buf, size_t size,
			Elf_Type dtype, uint64_t addr)
{
	Elf_Scn *s = elf_newscn(e);
	Elf_Data *d = elf_newdata(s);
	GElf_Shdr sh;

	d->d_buf = buf;
	d->d_size = size;
	d->d_type = dtype;
	d->d_align = 1;
	d->d_version = EV_CURRENT;
	gelf_getshdr(s, &sh);
	*shoff = *shlen;
	strcpy(shstr + *shlen, name);
	*shlen += strlen(name) + 1;
	sh.sh_name = *shoff;
	sh.sh_type = type;
	sh.sh_addr = addr;
	sh.sh_flags = addr ? SHF_ALLOC : 0;
	gelf_update_shdr(s, &sh);
	return s;
}

static char *helf_write(const struct helf *h)
{
	static unsigned char notes[4096];
	static char shstr[512], strtab[512];
	static Elf64_Sym s64[16];
	static Elf32_Sym s32[16];
	static unsigned char basebuf[8];
	char *path = strdup("/tmp/ftx-test-elf-XXXXXX");
	unsigned int off;
	size_t shlen = 1, stlen = 1;
	GElf_Ehdr eh;
	Elf_Scn *strscn, *symscn, *shscn;
	GElf_Shdr sh;
	int fd, i;
	Elf *e;

	ck_assert_int_ne(elf_version(EV_CURRENT), EV_NONE);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(gelf_newehdr(e, h->cls));
	gelf_getehdr(e, &eh);
	eh.e_ident[EI_DATA] = h->data;
	eh.e_type = ET_DYN;
	eh.e_machine = h->machine;
	eh.e_version = EV_CURRENT;
	gelf_update_ehdr(e, &eh);
	ck_assert_ptr_nonnull(gelf_newphdr(e, h->nr_segs));
	for (i = 0; i < h->nr_segs; i++) {
		GElf_Phdr ph = { .p_type = PT_LOAD, .p_vaddr = h->segs[i].vaddr,
				 .p_paddr = h->segs[i].vaddr, .p_offset = h->segs[i].offset,
				 .p_filesz = h->segs[i].filesz, .p_memsz = h->segs[i].memsz,
				 .p_flags = h->segs[i].flags, .p_align = 0x1000 };

		gelf_update_phdr(e, i, &ph);
	}
	memset(shstr, 0, sizeof(shstr));
	if (h->nr_notes)
		add_scn(e, ".note.stapsdt", &off, shstr, &shlen, SHT_NOTE, notes,
			notes_bytes(h, notes), ELF_T_BYTE, 0);
	if (h->base_sec)
		add_scn(e, ".stapsdt.base", &off, shstr, &shlen, SHT_PROGBITS, basebuf, 1,
			ELF_T_BYTE, h->base_addr);
	if (h->nr_syms) {
		memset(strtab, 0, sizeof(strtab));
		memset(s64, 0, sizeof(s64));
		memset(s32, 0, sizeof(s32));
		for (i = 0; i < h->nr_syms; i++) {
			const struct hsym *y = &h->syms[i];

			strcpy(strtab + stlen, y->name);
			if (h->cls == ELFCLASS64)
				s64[i + 1] = (Elf64_Sym){ .st_name = stlen, .st_value = y->addr,
					.st_size = y->size, .st_shndx = 1,
					.st_info = ELF64_ST_INFO(y->bind, y->type) };
			else
				s32[i + 1] = (Elf32_Sym){ .st_name = stlen, .st_value = y->addr,
					.st_size = y->size, .st_shndx = 1,
					.st_info = ELF32_ST_INFO(y->bind, y->type) };
			stlen += strlen(y->name) + 1;
		}
		strscn = add_scn(e, ".strtab", &off, shstr, &shlen, SHT_STRTAB, strtab, stlen,
				 ELF_T_BYTE, 0);
		symscn = add_scn(e, ".symtab", &off, shstr, &shlen, SHT_SYMTAB,
				 h->cls == ELFCLASS64 ? (void *)s64 : (void *)s32,
				 (h->nr_syms + 1) * (h->cls == ELFCLASS64 ? sizeof(Elf64_Sym) :
						     sizeof(Elf32_Sym)), ELF_T_SYM, 0);
		gelf_getshdr(symscn, &sh);
		sh.sh_link = elf_ndxscn(strscn);
		sh.sh_entsize = h->cls == ELFCLASS64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
		sh.sh_info = 1;
		gelf_update_shdr(symscn, &sh);
	}
	shscn = add_scn(e, ".shstrtab", &off, shstr, &shlen, SHT_STRTAB, shstr, 0, ELF_T_BYTE, 0);
	{
		Elf_Data *d = elf_getdata(shscn, NULL);

		d->d_size = shlen + 16;
	}
	gelf_getehdr(e, &eh);
	eh.e_shstrndx = elf_ndxscn(shscn);
	gelf_update_ehdr(e, &eh);
	if (elf_update(e, ELF_C_WRITE) < 0)
		ck_abort_msg("elf_update: %s", elf_errmsg(-1));
	elf_end(e);
	close(fd);
	return path;
}

/* A PIE as gcc + ld.bfd lay it out: text at p_offset == p_vaddr. */
static const struct ftx_elf_seg pie_segs[] = {
	{ 0x0, 0x6a0, 0x0, 0x6a0, PF_R },
	{ 0x1000, 0x1d5, 0x1000, 0x1d5, PF_R | PF_X },
	{ 0x2000, 0x114, 0x2000, 0x114, PF_R },
	{ 0x3de8, 0x258, 0x2de8, 0x248, PF_R | PF_W },
};

/* lld: text's vaddr is its offset + 0x1000, data shifted again */
static const struct ftx_elf_seg lld_segs[] = {
	{ 0x0, 0x5d4, 0x0, 0x5d4, PF_R },
	{ 0x15e0, 0x1c0, 0x5e0, 0x1c0, PF_R | PF_X },
	{ 0x27a0, 0x1d0, 0x7a0, 0x1d0, PF_R | PF_W },
	{ 0x3970, 0x10, 0x970, 0x8, PF_R | PF_W },
};

/* non-PIE x86-64 at 0x400000 */
static const struct ftx_elf_seg exec_segs[] = {
	{ 0x400000, 0x4f0, 0x0, 0x4f0, PF_R },
	{ 0x401000, 0x1a5, 0x1000, 0x1a5, PF_R | PF_X },
	{ 0x403e10, 0x228, 0x2e10, 0x220, PF_R | PF_W },
};

START_TEST(test_seg_offset)
{
	uint64_t off;

	ck_assert_int_eq(ftx_elf_seg_offset(pie_segs, 4, 0x1139, PF_X, 0, &off), 0);
	ck_assert_uint_eq(off, 0x1139);
	/* data: vaddr and offset differ by a page in a PIE */
	ck_assert_int_eq(ftx_elf_seg_offset(pie_segs, 4, 0x4010, PF_W, PF_X, &off), 0);
	ck_assert_uint_eq(off, 0x3010);
	/* not code */
	ck_assert_int_eq(ftx_elf_seg_offset(pie_segs, 4, 0x2010, PF_X, 0, &off), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* bss: in p_memsz, not in the file */
	ck_assert_int_eq(ftx_elf_seg_offset(pie_segs, 4, 0x3de8 + 0x250, 0, 0, &off), -1);
	/* lld: using the first segment or vaddr as offset would say 0x1650 */
	ck_assert_int_eq(ftx_elf_seg_offset(lld_segs, 4, 0x1650, PF_X, 0, &off), 0);
	ck_assert_uint_eq(off, 0x650);
	ck_assert_int_eq(ftx_elf_seg_offset(lld_segs, 4, 0x3970, PF_W, PF_X, &off), 0);
	ck_assert_uint_eq(off, 0x970);
	ck_assert_int_eq(ftx_elf_seg_offset(exec_segs, 3, 0x401126, PF_X, 0, &off), 0);
	ck_assert_uint_eq(off, 0x1126);
	ck_assert_int_eq(ftx_elf_seg_offset(exec_segs, 3, 0x404028, PF_W, 0, &off), 0);
	ck_assert_uint_eq(off, 0x3028);
	ck_assert_int_eq(ftx_elf_seg_offset(exec_segs, 3, 0x3ff000, 0, 0, &off), -1);
}
END_TEST

START_TEST(test_sdt_note_parse)
{
	unsigned char d[64] = { 0 };
	struct ftx_sdt_note n;

	put(d, 0x1139, 8, false);
	put(d + 8, 0x2004, 8, false);
	put(d + 16, 0x4010, 8, false);
	memcpy(d + 24, "app\0tick\0-4@%edi", 17);
	ck_assert_int_eq(ftx_sdt_note_parse(d, 41, true, false, &n), 0);
	ck_assert_uint_eq(n.loc, 0x1139);
	ck_assert_uint_eq(n.base, 0x2004);
	ck_assert_uint_eq(n.sem, 0x4010);
	ck_assert_str_eq(n.provider, "app");
	ck_assert_str_eq(n.name, "tick");
	ck_assert_str_eq(n.args, "-4@%edi");
	/* truncated: no NUL after the arguments */
	ck_assert_int_eq(ftx_sdt_note_parse(d, 40, true, false, &n), -1);
	ck_assert_int_eq(ftx_sdt_note_parse(d, 20, true, false, &n), -1);
	/* ELF32, swapped */
	memset(d, 0, sizeof(d));
	put(d, 0x10400, 4, true);
	put(d + 4, 0, 4, true);
	put(d + 8, 0x20010, 4, true);
	memcpy(d + 12, "p\0n\0", 5);
	ck_assert_int_eq(ftx_sdt_note_parse(d, 17, false, __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__,
					    &n), 0);
	ck_assert_uint_eq(n.loc, 0x10400);
	ck_assert_uint_eq(n.sem, 0x20010);
	ck_assert_str_eq(n.args, "");

	/* adjustment only with the section and a nonzero base */
	n = (struct ftx_sdt_note){ .loc = 0x1139, .base = 0x2000, .sem = 0x4010 };
	ftx_sdt_note_adjust(&n, true, 0x2100);
	ck_assert_uint_eq(n.loc, 0x1239);
	ck_assert_uint_eq(n.sem, 0x4110);
	n = (struct ftx_sdt_note){ .loc = 0x1139, .base = 0x2000, .sem = 0 };
	ftx_sdt_note_adjust(&n, false, 0);
	ck_assert_uint_eq(n.loc, 0x1139);
	n = (struct ftx_sdt_note){ .loc = 0x1139, .base = 0, .sem = 0x4010 };
	ftx_sdt_note_adjust(&n, true, 0x2100);
	ck_assert_uint_eq(n.loc, 0x1139);
	ck_assert_uint_eq(n.sem, 0x4010);
}
END_TEST

START_TEST(test_elf64_file)
{
	static const struct hsym syms[] = {
		{ "main", 0x1139, 0x40, STT_FUNC, STB_GLOBAL },
		{ "helper", 0x1180, 0x10, STT_FUNC, STB_LOCAL },
		{ "helper", 0x1190, 0x10, STT_FUNC, STB_GLOBAL },
		{ "counter", 0x4010, 4, STT_OBJECT, STB_GLOBAL },
		{ "memcpy@GLIBC_2.2.5", 0x11a0, 8, STT_FUNC, STB_GLOBAL },
		{ "memcpy@@GLIBC_2.14", 0x11b0, 8, STT_FUNC, STB_GLOBAL },
	};
	static const struct hnote notes[] = {
		{ 0x1150, 0x2000, 0x4010, "app", "tick", "-4@%edi 8@-8(%rbp)" },
		{ 0x1170, 0x2000, 0, "app", "tick", "-4@%esi" },
		{ 0x1160, 0, 0, "app", "zero", "" },
	};
	struct helf h = { ELFCLASS64, ELFDATA2LSB, EM_X86_64, pie_segs, 4, syms, 6, notes, 3,
			  true, 0x2010 };
	const struct ftx_sdt_note *n;
	const struct ftx_elf_seg *segs;
	struct ftx_elf_sym s;
	char *path = helf_write(&h);
	struct ftx_elf *e = ftx_elf_open(path);

	if (!e)
		ck_abort_msg("%s", ftx_error());
	ck_assert(ftx_elf_is64(e));
	ck_assert_uint_eq(ftx_elf_machine(e), EM_X86_64);
	ck_assert_uint_eq(ftx_elf_segs(e, &segs), 4);
	ck_assert_uint_eq(segs[3].offset, 0x2de8);
	ck_assert_int_eq(ftx_elf_sym_find(e, "main", &s), 0);
	ck_assert_uint_eq(s.addr, 0x1139);
	ck_assert_uint_eq(s.size, 0x40);
	/* the global before the local */
	ck_assert_int_eq(ftx_elf_sym_find(e, "helper", &s), 0);
	ck_assert_uint_eq(s.addr, 0x1190);
	/* the default version, unless one is named */
	ck_assert_int_eq(ftx_elf_sym_find(e, "memcpy", &s), 0);
	ck_assert_uint_eq(s.addr, 0x11b0);
	ck_assert_str_eq(s.version, "GLIBC_2.14");
	ck_assert_int_eq(ftx_elf_sym_find(e, "memcpy@GLIBC_2.2.5", &s), 0);
	ck_assert_uint_eq(s.addr, 0x11a0);
	ck_assert(s.hidden);
	ck_assert_int_eq(ftx_elf_sym_find(e, "mian", &s), -1);
	ck_assert_ptr_nonnull(strstr(ftx_error(), "closest: main"));
	/* notes: base adjusted by 0x10 (the section moved), the zero base left alone */
	ck_assert_uint_eq(ftx_elf_sdt_notes(e, &n), 3);
	ck_assert_uint_eq(n[0].loc, 0x1160);
	ck_assert_uint_eq(n[0].sem, 0x4020);
	ck_assert_str_eq(n[0].args, "-4@%edi 8@-8(%rbp)");
	ck_assert_uint_eq(n[1].loc, 0x1180);
	ck_assert_uint_eq(n[2].loc, 0x1160);
	ck_assert(!ftx_elf_stripped(e, NULL, 0));
	ftx_elf_close(e);
	unlink(path);
	free(path);
}
END_TEST

/* lld: no .stapsdt.base, the note's base nonzero: nothing moves */
START_TEST(test_lld_missing_base)
{
	static const struct hnote notes[] = {
		{ 0x1650, 0x5d0, 0x3970, "app", "tick", "-4@%edi" },
	};
	struct helf h = { ELFCLASS64, ELFDATA2LSB, EM_X86_64, lld_segs, 4, NULL, 0, notes, 1,
			  false, 0 };
	const struct ftx_sdt_note *n;
	const struct ftx_elf_seg *segs;
	char *path = helf_write(&h), tried[512];
	struct ftx_elf *e = ftx_elf_open(path);
	struct ftx_elf_sym s;
	uint64_t off;
	size_t ns;

	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(ftx_elf_sdt_notes(e, &n), 1);
	ck_assert_uint_eq(n[0].loc, 0x1650);
	ns = ftx_elf_segs(e, &segs);
	ck_assert_int_eq(ftx_elf_seg_offset(segs, ns, n[0].loc, PF_X, 0, &off), 0);
	ck_assert_uint_eq(off, 0x650);
	ck_assert_int_eq(ftx_elf_seg_offset(segs, ns, n[0].sem, PF_W, PF_X, &off), 0);
	ck_assert_uint_eq(off, 0x970);
	/* no .symtab and no debug file: stripped, and the error says what was tried */
	ck_assert(ftx_elf_stripped(e, tried, sizeof(tried)));
	ck_assert_int_eq(ftx_elf_sym_find(e, "main", &s), -1);
	ck_assert_ptr_nonnull(strstr(ftx_error(), "stripped"));
	ck_assert_ptr_nonnull(strstr(ftx_error(), "tried"));
	ftx_elf_close(e);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_elf32_big_endian)
{
	static const struct ftx_elf_seg segs32[] = {
		{ 0x10000, 0x5e0, 0x0, 0x5e0, PF_R | PF_X },
		{ 0x20f00, 0x130, 0xf00, 0x128, PF_R | PF_W },
	};
	static const struct hsym syms[] = {
		{ "tick_fn", 0x10400, 0x30, STT_FUNC, STB_GLOBAL },
	};
	static const struct hnote notes[] = {
		{ 0x10410, 0x10500, 0x20f10, "app", "tick", "-4@r0" },
	};
	struct helf h = { ELFCLASS32, ELFDATA2MSB, EM_PPC, segs32, 2, syms, 1, notes, 1,
			  true, 0x10508 };
	const struct ftx_sdt_note *n;
	const struct ftx_elf_seg *segs;
	char *path = helf_write(&h);
	struct ftx_elf *e = ftx_elf_open(path);
	struct ftx_elf_sym s;
	uint64_t off;
	size_t ns;

	if (!e)
		ck_abort_msg("%s", ftx_error());
	ck_assert(!ftx_elf_is64(e));
	ck_assert_uint_eq(ftx_elf_machine(e), EM_PPC);
	ck_assert_int_eq(ftx_elf_sym_find(e, "tick_fn", &s), 0);
	ck_assert_uint_eq(s.addr, 0x10400);
	ck_assert_uint_eq(s.size, 0x30);
	ck_assert_uint_eq(ftx_elf_sdt_notes(e, &n), 1);
	ck_assert_uint_eq(n[0].loc, 0x10418);
	ck_assert_uint_eq(n[0].sem, 0x20f18);
	ns = ftx_elf_segs(e, &segs);
	ck_assert_int_eq(ftx_elf_seg_offset(segs, ns, n[0].loc, PF_X, 0, &off), 0);
	ck_assert_uint_eq(off, 0x418);
	ck_assert_int_eq(ftx_elf_seg_offset(segs, ns, n[0].sem, PF_W, PF_X, &off), 0);
	ck_assert_uint_eq(off, 0xf18);
	ftx_elf_close(e);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_not_elf)
{
	static const char junk[] = "#!/bin/sh\necho not an ELF\n";

	ck_assert_ptr_null(ftx_elf_open_mem(junk, sizeof(junk), "junk"));
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_ptr_nonnull(strstr(ftx_error(), "not an ELF"));
	ck_assert_ptr_null(ftx_elf_open("/nonexistent/ftx-test"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_find_binary)
{
	char *p;

	p = ftx_elf_find_binary("sh");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p[0], '/');
	free(p);
	/* a library through the ld.so cache */
	p = ftx_elf_find_binary("libc");
	if (!p)
		ck_abort_msg("libc: %s", ftx_error());
	ck_assert_ptr_nonnull(strstr(p, "libc.so"));
	free(p);
	ck_assert_ptr_null(ftx_elf_find_binary("ftx-no-such-binary"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("elf");

	tcase_add_test(tc, test_seg_offset);
	tcase_add_test(tc, test_sdt_note_parse);
	tcase_add_test(tc, test_elf64_file);
	tcase_add_test(tc, test_lld_missing_base);
	tcase_add_test(tc, test_elf32_big_endian);
	tcase_add_test(tc, test_not_elf);
	tcase_add_test(tc, test_find_binary);
	suite_add_tcase(s, tc);
	return s;
}
