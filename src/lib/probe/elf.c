// SPDX-License-Identifier: GPL-2.0
/*
 * ELF for user-space probes: PT_LOAD segments (address -> file offset),
 * function and object symbols of .symtab and .dynsym with their versions,
 * the separate debug file of a stripped binary (.gnu_debuglink, build-id),
 * and USDT notes (.note.stapsdt). Everything is read once at open.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>
#include <zlib.h>

#include "ftx/elf.h"
#include "ftx/error.h"
#include "ftx/util.h"

struct ftx_elf {
	char *path;
	char *debug_path;		/* symbols came from here too */
	char tried[1024];		/* debug files looked for */
	unsigned int machine;
	bool is64;
	bool has_symtab;
	struct ftx_elf_seg *segs;
	size_t nr_segs;
	struct ftx_elf_sym *syms;
	size_t nr_syms, alloc_syms;
	struct ftx_sdt_note *notes;
	size_t nr_notes;
	char **strs;			/* owned strings (names, versions, note texts) */
	size_t nr_strs, alloc_strs;
	struct {
		char *name;
		uint64_t addr;
	} *secs;
	size_t nr_secs;
};

static bool libelf_ready(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOTSUP;
		ftx_error_set("libelf: %s", elf_errmsg(-1));
		return false;
	}
	return true;
}

int ftx_elf_seg_offset(const struct ftx_elf_seg *segs, size_t n, uint64_t addr,
		       uint32_t need, uint32_t deny, uint64_t *off)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ftx_elf_seg *s = &segs[i];

		if ((s->flags & need) != need || (s->flags & deny))
			continue;
		if (addr >= s->vaddr && addr - s->vaddr < s->filesz) {
			*off = addr - s->vaddr + s->offset;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

int ftx_elf_entry_offset(const char *path, unsigned long long *offset)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t n, i;
	int fd, ret = -1;
	Elf *e;

	if (!libelf_ready())
		return -1;
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

static const char *own(struct ftx_elf *e, const char *s, size_t len)
{
	char *c;

	if (e->nr_strs == e->alloc_strs) {
		size_t na = e->alloc_strs ? 2 * e->alloc_strs : 256;
		char **n = realloc(e->strs, na * sizeof(*n));

		if (!n)
			return NULL;
		e->strs = n;
		e->alloc_strs = na;
	}
	c = strndup(s, len);
	if (!c)
		return NULL;
	e->strs[e->nr_strs++] = c;
	return c;
}

static int sym_add(struct ftx_elf *e, const struct ftx_elf_sym *s)
{
	if (e->nr_syms == e->alloc_syms) {
		size_t na = e->alloc_syms ? 2 * e->alloc_syms : 512;
		struct ftx_elf_sym *n = realloc(e->syms, na * sizeof(*n));

		if (!n)
			return -1;
		e->syms = n;
		e->alloc_syms = na;
	}
	e->syms[e->nr_syms++] = *s;
	return 0;
}

/* Version names of .gnu.verdef by index. */
struct verdefs {
	const char *name[64];
};

static void verdefs_read(Elf *elf, Elf_Scn *scn, struct verdefs *vd)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	GElf_Shdr sh;
	size_t off = 0;
	GElf_Verdef def;
	GElf_Verdaux aux;

	if (!d || !gelf_getshdr(scn, &sh))
		return;
	for (;;) {
		if (!gelf_getverdef(d, off, &def))
			break;
		if (def.vd_ndx < FTX_ARRAY_SIZE(vd->name) && def.vd_cnt &&
		    gelf_getverdaux(d, off + def.vd_aux, &aux))
			vd->name[def.vd_ndx] = elf_strptr(elf, sh.sh_link, aux.vda_name);
		if (!def.vd_next)
			break;
		off += def.vd_next;
	}
}

static int symtab_read(struct ftx_elf *e, Elf *elf, Elf_Scn *scn, bool dynamic,
		       Elf_Data *versym, const struct verdefs *vd)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	GElf_Shdr sh;
	size_t i, n;

	if (!d || !gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return 0;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 1; i < n; i++) {
		struct ftx_elf_sym s = { 0 };
		const char *name, *at;
		GElf_Sym sym;
		GElf_Versym ver;
		unsigned char type;

		if (!gelf_getsym(d, i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC)
			continue;
		if (sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		at = strchr(name, '@');
		s.name = own(e, name, at ? (size_t)(at - name) : strlen(name));
		if (!s.name)
			return -1;
		if (at) {
			s.hidden = at[1] != '@';
			at += s.hidden ? 1 : 2;
			s.version = own(e, at, strlen(at));
		} else if (versym && gelf_getversym(versym, i, &ver)) {
			unsigned int idx = ver & 0x7fff;

			s.hidden = ver & 0x8000;
			if (idx > 1 && idx < FTX_ARRAY_SIZE(vd->name) && vd->name[idx])
				s.version = own(e, vd->name[idx], strlen(vd->name[idx]));
		}
		s.addr = sym.st_value;
		s.size = sym.st_size;
		s.type = type;
		s.bind = GELF_ST_BIND(sym.st_info);
		s.dynamic = dynamic;
		if (sym_add(e, &s) < 0)
			return -1;
	}
	return 0;
}

/* .symtab first (it has the locals), then .dynsym; returns whether a .symtab was seen. */
static int symbols_read(struct ftx_elf *e, Elf *elf, bool *has_symtab)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	Elf_Data *versym = NULL;
	struct verdefs vd = { { 0 } };
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn;
		else if (sh.sh_type == SHT_GNU_versym)
			versym = elf_getdata(scn, NULL);
		else if (sh.sh_type == SHT_GNU_verdef)
			verdefs_read(elf, scn, &vd);
	}
	*has_symtab = symtab != NULL;
	if (symtab && symtab_read(e, elf, symtab, false, NULL, NULL) < 0)
		return -1;
	if (dynsym && symtab_read(e, elf, dynsym, true, versym, &vd) < 0)
		return -1;
	return 0;
}

int ftx_sdt_note_parse(const void *desc, size_t len, bool is64, bool swap,
		       struct ftx_sdt_note *note)
{
	size_t w = is64 ? 8 : 4, off = 3 * w;
	const char *p = desc, *strs[3];
	uint64_t words[3];
	int i;

	memset(note, 0, sizeof(*note));
	if (len < off + 3)
		goto bad;
	for (i = 0; i < 3; i++)
		words[i] = ftx_read_uint(p + i * w, w, swap);
	for (i = 0; i < 3; i++) {
		const char *end = memchr(p + off, '\0', len - off);

		if (!end)
			goto bad;
		strs[i] = p + off;
		off = end - p + 1;
		if (i < 2 && off >= len)
			goto bad;
	}
	if (!*strs[0] || !*strs[1])
		goto bad;
	note->loc = words[0];
	note->base = words[1];
	note->sem = words[2];
	note->provider = strs[0];
	note->name = strs[1];
	note->args = strs[2];
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void ftx_sdt_note_adjust(struct ftx_sdt_note *note, bool have_base, uint64_t base_addr)
{
	uint64_t delta;

	if (!have_base || !note->base)
		return;
	delta = base_addr - note->base;
	note->loc += delta;
	if (note->sem)
		note->sem += delta;
}

static int notes_read(struct ftx_elf *e, Elf *elf, bool swap)
{
	Elf_Scn *scn = NULL;
	uint64_t base_addr = 0;
	bool have_base;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return 0;
	/* sections_read() ran first */
	have_base = ftx_elf_section_addr(e, ".stapsdt.base", &base_addr) == 0;
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".note.stapsdt"))
			continue;
		d = elf_getdata(scn, NULL);
		while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const char *desc = (const char *)d->d_buf + doff;
			struct ftx_sdt_note n, *nn;

			if (nh.n_type != 3 || nh.n_namesz != 8 ||
			    memcmp((const char *)d->d_buf + noff, "stapsdt", 8))
				continue;
			if (ftx_sdt_note_parse(desc, nh.n_descsz, e->is64, swap, &n) < 0)
				continue;
			ftx_sdt_note_adjust(&n, have_base, base_addr);
			nn = realloc(e->notes, (e->nr_notes + 1) * sizeof(*nn));
			if (!nn)
				return -1;
			e->notes = nn;
			n.provider = own(e, n.provider, strlen(n.provider));
			n.name = own(e, n.name, strlen(n.name));
			n.args = own(e, n.args, strlen(n.args));
			if (!n.provider || !n.name || !n.args)
				return -1;
			e->notes[e->nr_notes++] = n;
		}
	}
	return 0;
}

static int sections_read(struct ftx_elf *e, Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		void *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		n = realloc(e->secs, (e->nr_secs + 1) * sizeof(*e->secs));
		if (!n)
			return -1;
		e->secs = n;
		e->secs[e->nr_secs].name = strdup(name);
		if (!e->secs[e->nr_secs].name)
			return -1;
		e->secs[e->nr_secs++].addr = sh.sh_addr;
	}
	return 0;
}

static bool host_big_endian(void)
{
	return __BYTE_ORDER == __BIG_ENDIAN;
}

/* Segments, symbols, notes of one Elf; @main false: a debug file (symbols only). */
static int elf_read(struct ftx_elf *e, Elf *elf, bool main)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t n, i;
	bool has_symtab;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		errno = ENOEXEC;
		ftx_error_set("%s: not an ELF file", main ? e->path : e->debug_path);
		return -1;
	}
	if (!main)
		return symbols_read(e, elf, &has_symtab);
	e->machine = eh.e_machine;
	e->is64 = gelf_getclass(elf) == ELFCLASS64;
	if (elf_getphdrnum(elf, &n) == 0) {
		e->segs = calloc(n ? n : 1, sizeof(*e->segs));
		if (!e->segs)
			return -1;
		for (i = 0; i < n; i++) {
			if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
				continue;
			e->segs[e->nr_segs++] = (struct ftx_elf_seg){
				.vaddr = ph.p_vaddr, .memsz = ph.p_memsz, .offset = ph.p_offset,
				.filesz = ph.p_filesz, .flags = ph.p_flags,
			};
		}
	}
	if (symbols_read(e, elf, &e->has_symtab) < 0 || sections_read(e, elf) < 0 ||
	    notes_read(e, elf, (eh.e_ident[EI_DATA] == ELFDATA2MSB) != host_big_endian()) < 0)
		return -1;
	return 0;
}

static void tried_add(struct ftx_elf *e, const char *path)
{
	size_t n = strlen(e->tried);

	snprintf(e->tried + n, sizeof(e->tried) - n, "%s%s", n ? ", " : "", path);
}

/* A candidate debug file: exists, has a .symtab, and (debuglink) the CRC matches. */
static bool debug_try(struct ftx_elf *e, const char *path, bool check_crc, uint32_t crc)
{
	Elf *elf;
	int fd;
	bool ok = false;

	tried_add(e, path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (check_crc) {
		unsigned char buf[65536];
		uLong c = crc32(0L, Z_NULL, 0);
		ssize_t r;

		while ((r = read(fd, buf, sizeof(buf))) > 0)
			c = crc32(c, buf, r);
		if (r < 0 || (uint32_t)c != crc) {
			close(fd);
			return false;
		}
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf) {
		struct ftx_elf tmp = { 0 };
		bool has_symtab = false;
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;

		while ((scn = elf_nextscn(elf, scn)))
			if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
				has_symtab = true;
		(void)tmp;
		if (has_symtab) {
			e->debug_path = strdup(path);
			ok = e->debug_path && elf_read(e, elf, false) == 0;
		}
		elf_end(elf);
	}
	close(fd);
	return ok;
}

static void debug_find(struct ftx_elf *e, Elf *elf)
{
	char real[PATH_MAX], dir[PATH_MAX], path[PATH_MAX * 2];
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (!realpath(e->path, real))
		snprintf(real, sizeof(real), "%s", e->path);
	{
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s", real);
		snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	}
	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			continue;
		if (sh.sh_type == SHT_NOTE) {
			GElf_Nhdr nh;
			size_t off = 0, noff, doff;

			while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
				const unsigned char *id = (const unsigned char *)d->d_buf + doff;
				char hex[2 * 64 + 1];
				size_t k;

				if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
				    memcmp((const char *)d->d_buf + noff, "GNU", 4) ||
				    nh.n_descsz < 2 || nh.n_descsz > 64)
					continue;
				for (k = 0; k < nh.n_descsz; k++)
					sprintf(hex + 2 * k, "%02x", id[k]);
				snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%.2s/%s.debug",
					 hex, hex + 2);
				if (debug_try(e, path, false, 0))
					return;
			}
		} else if (!strcmp(name, ".gnu_debuglink")) {
			const char *link = d->d_buf;
			size_t l = strnlen(link, d->d_size), co = (l + 4) & ~(size_t)3;
			uint32_t crc;

			if (l == d->d_size || co + 4 > d->d_size)
				continue;
			memcpy(&crc, (const char *)d->d_buf + co, 4);
			{
				GElf_Ehdr eh;

				if (gelf_getehdr(elf, &eh) &&
				    (eh.e_ident[EI_DATA] == ELFDATA2MSB) != host_big_endian())
					crc = __builtin_bswap32(crc);
			}
			snprintf(path, sizeof(path), "%s/%s", dir, link);
			if (strcmp(path, real) && debug_try(e, path, true, crc))
				return;
			snprintf(path, sizeof(path), "%s/.debug/%s", dir, link);
			if (debug_try(e, path, true, crc))
				return;
			snprintf(path, sizeof(path), "/usr/lib/debug%s/%s", dir, link);
			if (debug_try(e, path, true, crc))
				return;
		}
	}
}

static struct ftx_elf *elf_new(const char *name)
{
	struct ftx_elf *e;

	if (!libelf_ready())
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(name))) {
		free(e);
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return NULL;
	}
	return e;
}

struct ftx_elf *ftx_elf_open(const char *path)
{
	struct ftx_elf *e = elf_new(path);
	Elf *elf;
	int fd;

	if (!e)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ftx_error_set("cannot open %s: %s", path, strerror(errno));
		ftx_elf_close(e);
		return NULL;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_read(e, elf, true) < 0) {
		if (!elf) {
			errno = ENOEXEC;
			ftx_error_set("%s: not an ELF file", path);
		}
		elf_end(elf);
		close(fd);
		ftx_elf_close(e);
		return NULL;
	}
	if (!e->has_symtab)
		debug_find(e, elf);
	elf_end(elf);
	close(fd);
	return e;
}

struct ftx_elf *ftx_elf_open_mem(const void *buf, size_t size, const char *name)
{
	struct ftx_elf *e = elf_new(name);
	Elf *elf;

	if (!e)
		return NULL;
	elf = elf_memory((char *)buf, size);
	if (!elf || elf_read(e, elf, true) < 0) {
		if (!elf) {
			errno = ENOEXEC;
			ftx_error_set("%s: not an ELF image", name);
		}
		elf_end(elf);
		ftx_elf_close(e);
		return NULL;
	}
	elf_end(elf);
	return e;
}

void ftx_elf_close(struct ftx_elf *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nr_strs; i++)
		free(e->strs[i]);
	for (i = 0; i < e->nr_secs; i++)
		free(e->secs[i].name);
	free(e->secs);
	free(e->strs);
	free(e->syms);
	free(e->notes);
	free(e->segs);
	free(e->debug_path);
	free(e->path);
	free(e);
}

const char *ftx_elf_path(const struct ftx_elf *e)
{
	return e->path;
}

unsigned int ftx_elf_machine(const struct ftx_elf *e)
{
	return e->machine;
}

bool ftx_elf_is64(const struct ftx_elf *e)
{
	return e->is64;
}

size_t ftx_elf_segs(const struct ftx_elf *e, const struct ftx_elf_seg **segs)
{
	*segs = e->segs;
	return e->nr_segs;
}

size_t ftx_elf_symbols(const struct ftx_elf *e, const struct ftx_elf_sym **syms)
{
	*syms = e->syms;
	return e->nr_syms;
}

size_t ftx_elf_sdt_notes(const struct ftx_elf *e, const struct ftx_sdt_note **notes)
{
	*notes = e->notes;
	return e->nr_notes;
}

const char *ftx_elf_debug_file(const struct ftx_elf *e)
{
	return e->debug_path;
}

bool ftx_elf_stripped(const struct ftx_elf *e, char *tried, size_t size)
{
	if (tried && size)
		snprintf(tried, size, "%s", e->tried[0] ? e->tried : "none (no .gnu_debuglink, "
			 "no build-id)");
	return !e->has_symtab && !e->debug_path;
}

int ftx_elf_section_addr(const struct ftx_elf *e, const char *name, uint64_t *addr)
{
	size_t i;

	for (i = 0; i < e->nr_secs; i++) {
		if (!strcmp(e->secs[i].name, name)) {
			*addr = e->secs[i].addr;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

/* Lower is better: definitions that a caller means by a bare name. */
static int sym_rank(const struct ftx_elf_sym *s)
{
	int r = 0;

	if (s->bind == STB_LOCAL)
		r += 4;
	if (s->hidden)
		r += 2;
	if (s->type == STT_OBJECT)
		r += 1;
	return r;
}

int ftx_elf_sym_find(const struct ftx_elf *e, const char *name, struct ftx_elf_sym *sym)
{
	const struct ftx_elf_sym *best = NULL;
	const char *at = strchr(name, '@'), *ver = NULL;
	size_t len = at ? (size_t)(at - name) : strlen(name), i;
	char tried[1100];

	if (at)
		ver = at + strspn(at, "@");
	for (i = 0; i < e->nr_syms; i++) {
		const struct ftx_elf_sym *s = &e->syms[i];

		if (strlen(s->name) != len || strncmp(s->name, name, len))
			continue;
		if (ver && (!s->version || strcmp(s->version, ver)))
			continue;
		if (!best || sym_rank(s) < sym_rank(best))
			best = s;
	}
	if (best) {
		*sym = *best;
		return 0;
	}
	errno = ENOENT;
	if (ftx_elf_stripped(e, tried, sizeof(tried))) {
		ftx_error_set("%s: no symbol '%s': the file is stripped and no debug file was "
			      "found (tried %s)", e->path, name, tried);
		return -1;
	}
	{
		const char *sugg[5];
		unsigned int dist[5];
		char list[256] = "";
		size_t off = 0;
		int k, nb = 0;

		for (i = 0; i < e->nr_syms; i++) {
			const struct ftx_elf_sym *s = &e->syms[i];
			unsigned int d;
			int j;

			if (s->type == STT_OBJECT)
				continue;
			for (j = 0; j < nb && strcmp(sugg[j], s->name); j++)
				;
			if (j < nb)
				continue;
			d = strstr(s->name, name) ? 1 : ftx_levenshtein(name, s->name) + 1;
			if (d > 1 + (len / 3 > 2 ? len / 3 : 2))
				continue;
			if (nb < 5)
				nb++;
			else if (d >= dist[4])
				continue;
			for (j = nb - 1; j > 0 && dist[j - 1] > d; j--) {
				sugg[j] = sugg[j - 1];
				dist[j] = dist[j - 1];
			}
			sugg[j] = s->name;
			dist[j] = d;
		}
		for (k = 0; k < nb && off < sizeof(list); k++)
			off += snprintf(list + off, sizeof(list) - off, "%s%s", k ? ", " : "",
					sugg[k]);
		if (nb)
			ftx_error_set("%s: no function '%s'; closest: %s", e->path, name, list);
		else
			ftx_error_set("%s: no function '%s'", e->path, name);
	}
	return -1;
}

static bool is_elf_of_host(const char *path)
{
	unsigned char id[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, id, sizeof(id));
	close(fd);
	if (n < 20 || memcmp(id, ELFMAG, SELFMAG))
		return false;
	if (id[EI_CLASS] != (sizeof(long) == 8 ? ELFCLASS64 : ELFCLASS32))
		return false;
#if defined(__x86_64__)
	return id[18] == EM_X86_64;
#elif defined(__aarch64__)
	return id[18] == EM_AARCH64;
#elif defined(__arm__)
	return id[18] == EM_ARM;
#else
	return true;
#endif
}

/* "libc" matches libc.so.6 and libc.so; "libc.so.6" itself. */
static bool lib_name_matches(const char *want, const char *file)
{
	size_t n = strlen(want);

	if (!strcmp(want, file))
		return true;
	return !strncmp(file, want, n) && !strncmp(file + n, ".so", 3);
}

/* glibc's ld.so.cache, new format ("glibc-ld.so.cache1.1"). */
static char *ldcache_find(const char *want)
{
	static const char magic[] = "glibc-ld.so.cache1.1";
	size_t size, i, nlibs, base = 0;
	char *buf = ftx_read_file("/etc/ld.so.cache", &size), *hit = NULL;
	const char *p;

	if (!buf)
		return NULL;
	p = buf;
	if (size >= 12 && !memcmp(buf, "ld.so-1.7.0", 11)) {
		/* old format first: skip its entries to the new header */
		uint32_t n;

		memcpy(&n, buf + 12, 4);
		base = 16 + (size_t)n * 12;
		base = (base + 7) & ~(size_t)7;
		p = buf + base;
	}
	if (base + 48 > size || memcmp(p, magic, sizeof(magic) - 1))
		goto out;
	{
		uint32_t v;

		memcpy(&v, p + 20, 4);
		nlibs = v;
	}
	for (i = 0; i < nlibs && base + 48 + (i + 1) * 24 <= size; i++) {
		const char *ent = p + 48 + i * 24, *key, *val;
		uint32_t k, v;

		memcpy(&k, ent + 4, 4);
		memcpy(&v, ent + 8, 4);
		if (base + k >= size || base + v >= size)
			continue;
		key = p + k;
		val = p + v;
		if (!memchr(key, '\0', size - base - k) || !memchr(val, '\0', size - base - v))
			continue;
		if (lib_name_matches(want, key) && is_elf_of_host(val)) {
			hit = strdup(val);
			break;
		}
	}
out:
	free(buf);
	return hit;
}

char *ftx_elf_find_binary(const char *name)
{
	static const char *const libdirs[] = {
#if defined(__x86_64__)
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
		"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
#elif defined(__arm__)
		"/lib/arm-linux-gnueabihf", "/usr/lib/arm-linux-gnueabihf",
#endif
		"/lib64", "/usr/lib64", "/lib", "/usr/lib",
	};
	char path[PATH_MAX], *hit, *paths, *dir, *save = NULL;
	const char *env;
	size_t i;

	if (!*name) {
		errno = ENOENT;
		ftx_error_set("empty binary name");
		return NULL;
	}
	if (strchr(name, '/')) {
		if (access(name, R_OK) < 0) {
			ftx_error_set("%s: %s", name, strerror(errno));
			return NULL;
		}
		return realpath(name, NULL);
	}
	env = getenv("PATH");
	paths = strdup(env ? env : "/usr/local/bin:/usr/bin:/bin");
	for (dir = paths ? strtok_r(paths, ":", &save) : NULL; dir;
	     dir = strtok_r(NULL, ":", &save)) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", *dir ? dir : ".", name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0) {
			free(paths);
			return realpath(path, NULL);
		}
	}
	free(paths);
	hit = ldcache_find(name);
	if (hit)
		return hit;
	for (i = 0; i < FTX_ARRAY_SIZE(libdirs); i++) {
		static const char *const sfx[] = { "", ".so", ".so.6", ".so.1", ".so.0" };
		size_t k;

		for (k = 0; k < FTX_ARRAY_SIZE(sfx); k++) {
			snprintf(path, sizeof(path), "%s/%s%s", libdirs[i], name, sfx[k]);
			if (is_elf_of_host(path))
				return realpath(path, NULL);
		}
	}
	errno = ENOENT;
	ftx_error_set("'%s' not found in PATH, the ld.so cache or the library directories", name);
	return NULL;
}
