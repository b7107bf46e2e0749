// SPDX-License-Identifier: GPL-2.0
/*
 * From a parsed definition to tracefs lines: kernel probes as written (with
 * $argN translated where the kernel has none), user probes through the
 * binary's symbols and PT_LOAD segments, USDT probes at every location of
 * their notes with the argument specs translated.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/elf.h"
#include "ftx/error.h"
#include "ftx/probe.h"
#include "ftx/util.h"

void ftx_probe_lines_free(struct ftx_probe_lines *l)
{
	int i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->line[i]);
		free(l->where[i]);
	}
	free(l->line);
	free(l->where);
	memset(l, 0, sizeof(*l));
}

static int lines_add(struct ftx_probe_lines *l, char *line, char *where)
{
	char **nl, **nw;

	if (!line || !where)
		goto fail;
	nl = realloc(l->line, (l->n + 1) * sizeof(*nl));
	if (!nl)
		goto fail;
	l->line = nl;
	nw = realloc(l->where, (l->n + 1) * sizeof(*nw));
	if (!nw)
		goto fail;
	l->where = nw;
	l->line[l->n] = line;
	l->where[l->n] = where;
	l->n++;
	return 0;
fail:
	free(line);
	free(where);
	errno = ENOMEM;
	ftx_error_set("out of memory");
	return -1;
}

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* Translate the user's arguments into @out (a borrowed-fields def) */
static int args_translate(const struct ftx_probe_def *d, const struct ftx_probe_env *env,
			  enum ftx_arch arch, bool user, struct ftx_probe_arg *out,
			  char (*fetch)[256])
{
	bool keep = !user && env->argn && (!d->retprobe || env->argn_return);
	bool at_entry = !d->offset && !d->has_addr && !d->retprobe;
	int i;

	for (i = 0; i < d->nr_args; i++) {
		out[i] = d->args[i];
		if (ftx_probe_fetch_translate(d->args[i].fetch, arch, keep, at_entry, d->retprobe,
					      fetch[i], sizeof(fetch[i])) < 0)
			return -1;
		out[i].fetch = fetch[i];
		/* Where the kernel has no ustring, string reads user memory too (older x86). */
		if (out[i].type && !strcmp(out[i].type, "ustring") && !env->ustring)
			out[i].type = "string";
	}
	return 0;
}

static void names_get(const struct ftx_probe_def *d, const char *group, struct ftx_probe_lines *out)
{
	if (group)
		snprintf(out->group, sizeof(out->group), "%s", group);
	else if (d->group)
		snprintf(out->group, sizeof(out->group), "%s", d->group);
	else
		ftx_probe_default_group(d, out->group, sizeof(out->group));
	if (d->event)
		snprintf(out->event, sizeof(out->event), "%s", d->event);
	else
		ftx_probe_default_event(d, out->event, sizeof(out->event));
}

static int resolve_kernel(const struct ftx_probe_def *d, const struct ftx_probe_env *env,
			  struct ftx_probe_lines *out)
{
	struct ftx_probe_arg args[FTX_PROBE_MAX_ARGS];
	static char fetch[FTX_PROBE_MAX_ARGS][256];
	struct ftx_probe_def k = *d;
	char *line, *where;

	if (args_translate(d, env, env->arch, false, args, fetch) < 0)
		return -1;
	k.group = out->group;
	k.event = out->event;
	k.args = args;
	line = ftx_probe_def_format(&k);
	if (d->has_addr)
		where = dupf("0x%llx%s", (unsigned long long)d->addr, d->retprobe ? "%return" : "");
	else if (d->offset)
		where = dupf("%s%s%s+%llu", d->module ? d->module : "", d->module ? ":" : "",
			     d->symbol, (unsigned long long)d->offset);
	else
		where = dupf("%s%s%s%s", d->module ? d->module : "", d->module ? ":" : "",
			     d->symbol, d->retprobe ? "%return" : "");
	out->kernel = true;
	return lines_add(out, line, where);
}

struct sym_ctx {
	const struct ftx_elf *elf;
};

static int usdt_sym(void *arg, const char *name, uint64_t *fileoff)
{
	struct sym_ctx *c = arg;
	const struct ftx_elf_seg *segs;
	size_t n = ftx_elf_segs(c->elf, &segs);
	struct ftx_elf_sym s;

	if (ftx_elf_sym_find(c->elf, name, &s) < 0)
		return -1;
	return ftx_elf_seg_offset(segs, n, s.addr, 0, 0, fileoff);
}

/*
 * The kernel raises a semaphore through the first writable mapping of the
 * file that covers its offset (uprobes.c: valid_ref_ctr_vma): a writable
 * segment below the semaphore's own whose pages map the same file page
 * (lld puts RELRO and .data in adjacent segments sharing one) gets the
 * increment instead. Returns true with that segment's address in @other.
 */
static bool sem_page_shared(const struct ftx_elf_seg *segs, size_t n, uint64_t sem_addr,
			    uint64_t sem_off, uint64_t *other)
{
	uint64_t pg = sysconf(_SC_PAGESIZE) > 0 ? (uint64_t)sysconf(_SC_PAGESIZE) : 4096;
	const struct ftx_elf_seg *own = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if ((segs[i].flags & PF_W) && sem_addr >= segs[i].vaddr &&
		    sem_addr - segs[i].vaddr < segs[i].filesz)
			own = &segs[i];
	if (!own)
		return false;
	for (i = 0; i < n; i++) {
		const struct ftx_elf_seg *s = &segs[i];
		uint64_t vstart = s->vaddr & ~(pg - 1);
		uint64_t vend = (s->vaddr + s->memsz + pg - 1) & ~(pg - 1);
		uint64_t fstart = s->offset & ~(pg - 1);

		if (s == own || !(s->flags & PF_W) || s->vaddr >= own->vaddr)
			continue;
		if (sem_off >= fstart && sem_off - fstart < vend - vstart) {
			*other = s->vaddr;
			return true;
		}
	}
	return false;
}

static int resolve_sdt(const struct ftx_probe_def *d, const struct ftx_probe_env *env,
		       struct ftx_elf *elf, const char *path, struct ftx_probe_lines *out)
{
	enum ftx_arch arch = ftx_arch_from_elf(ftx_elf_machine(elf), ftx_elf_is64(elf));
	const struct ftx_sdt_note *notes;
	const struct ftx_elf_seg *segs;
	size_t nn = ftx_elf_sdt_notes(elf, &notes), ns = ftx_elf_segs(elf, &segs), i;
	struct sym_ctx sc = { elf };
	int found = 0;

	for (i = 0; i < nn; i++) {
		const struct ftx_sdt_note *n = &notes[i];
		struct ftx_probe_arg args[FTX_PROBE_MAX_ARGS];
		static char fetch[FTX_PROBE_MAX_ARGS][256], names[FTX_PROBE_MAX_ARGS][16];
		static char types[FTX_PROBE_MAX_ARGS][32];
		struct ftx_probe_def u = { 0 };
		char spec[256], why[256], *specs, *tok, *save = NULL;
		uint64_t off, sem = 0, other;
		int na = 0, idx = 0, k;

		if (strcmp(n->provider, d->sdt_provider) || strcmp(n->name, d->sdt_name))
			continue;
		found++;
		if (ftx_elf_seg_offset(segs, ns, n->loc, PF_X, 0, &off) < 0) {
			errno = ENOEXEC;
			ftx_error_set("%s: USDT %s:%s at 0x%llx is outside the executable segments",
				      path, n->provider, n->name, (unsigned long long)n->loc);
			return -1;
		}
		if (n->sem) {
			if (ftx_elf_seg_offset(segs, ns, n->sem, PF_W, PF_X, &sem) < 0) {
				errno = ENOEXEC;
				ftx_error_set("%s: the semaphore of USDT %s:%s (0x%llx) is outside "
					      "the writable segments", path, n->provider, n->name,
					      (unsigned long long)n->sem);
				return -1;
			}
			if (sem_page_shared(segs, ns, n->sem, sem, &other)) {
				errno = ENOTSUP;
				ftx_error_set("%s: the semaphore of USDT %s:%s (file offset 0x%llx) is "
					      "in a file page that the writable segment at 0x%llx maps "
					      "first (lld's RELRO layout): the kernel would raise a "
					      "counter at the wrong address; link with "
					      "-Wl,-z,separate-loadable-segments", path, n->provider,
					      n->name, (unsigned long long)sem,
					      (unsigned long long)other);
				return -1;
			}
			if (!env->ref_ctr) {
				errno = ENOTSUP;
				ftx_error_set("USDT %s:%s has a semaphore, and this kernel's uprobes "
					      "cannot raise one (no (ref_ctr_offset) in the tracefs "
					      "README: 4.20+)", n->provider, n->name);
				return -1;
			}
		}
		specs = strdup(n->args);
		if (!specs)
			return -1;
		for (tok = strtok_r(specs, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			idx++;
			if (na >= FTX_PROBE_MAX_ARGS)
				break;
			snprintf(spec, sizeof(spec), "%s", tok);
			if (ftx_usdt_arg_translate(spec, arch, usdt_sym, &sc, env->imm, fetch[na],
						   sizeof(fetch[na]), types[na], sizeof(types[na]),
						   why, sizeof(why)) < 0) {
				ftx_warn("USDT %s:%s: argument %d dropped: %s", n->provider, n->name,
					 idx, why);
				continue;
			}
			snprintf(names[na], sizeof(names[na]), "arg%d", idx);
			args[na].name = names[na];
			args[na].fetch = fetch[na];
			args[na].type = types[na];
			na++;
		}
		free(specs);
		for (k = 0; k < d->nr_args && na < FTX_PROBE_MAX_ARGS; k++) {
			static char ufetch[FTX_PROBE_MAX_ARGS][256];

			if (ftx_probe_fetch_translate(d->args[k].fetch, arch, false, true, false,
						      ufetch[k], sizeof(ufetch[k])) < 0)
				return -1;
			args[na] = d->args[k];
			args[na].fetch = ufetch[k];
			na++;
		}
		u.group = out->group;
		u.event = out->event;
		u.binary = (char *)path;
		u.has_addr = true;
		u.addr = off;
		u.has_ref_ctr = sem != 0;
		u.ref_ctr = sem;
		u.args = args;
		u.nr_args = na;
		if (lines_add(out, ftx_probe_def_format(&u),
			      dupf("sdt:%s:%s in %s at 0x%llx%s", n->provider, n->name, path,
				   (unsigned long long)n->loc, sem ? " (semaphore)" : "")) < 0)
			return -1;
	}
	if (!found) {
		char list[256] = "";
		size_t off = 0;

		for (i = 0; i < nn && off < sizeof(list); i++) {
			size_t j;

			for (j = 0; j < i; j++)
				if (!strcmp(notes[j].provider, notes[i].provider) &&
				    !strcmp(notes[j].name, notes[i].name))
					break;
			if (j == i)
				off += snprintf(list + off, sizeof(list) - off, "%s%s:%s",
						off ? ", " : "", notes[i].provider, notes[i].name);
		}
		errno = ENOENT;
		if (nn)
			ftx_error_set("%s has no USDT probe %s:%s; it has %s", path,
				      d->sdt_provider, d->sdt_name, list);
		else
			ftx_error_set("%s has no USDT probes (no .note.stapsdt section)", path);
		return -1;
	}
	return 0;
}

static int resolve_user(const struct ftx_probe_def *d, const struct ftx_probe_env *env,
			struct ftx_probe_lines *out)
{
	struct ftx_probe_arg args[FTX_PROBE_MAX_ARGS];
	static char fetch[FTX_PROBE_MAX_ARGS][256];
	struct ftx_probe_def u = *d;
	const struct ftx_elf_seg *segs;
	struct ftx_elf *elf;
	struct ftx_elf_sym sym;
	enum ftx_arch arch;
	char *path;
	uint64_t off;
	size_t ns;
	int ret = -1;

	path = ftx_elf_find_binary(d->binary);
	if (!path)
		return -1;
	elf = ftx_elf_open(path);
	if (!elf)
		goto out;
	arch = ftx_arch_from_elf(ftx_elf_machine(elf), ftx_elf_is64(elf));
	if (d->sdt_provider) {
		ret = resolve_sdt(d, env, elf, path, out);
		goto out;
	}
	ns = ftx_elf_segs(elf, &segs);
	if (!d->has_addr) {
		if (ftx_elf_sym_find(elf, d->symbol, &sym) < 0)
			goto out;
		if (sym.type == STT_GNU_IFUNC)
			ftx_warn("%s is an IFUNC in %s: the probe is on its resolver, which runs "
				 "once at load time", d->symbol, path);
		if (ftx_elf_machine(elf) == EM_ARM && (sym.addr & 1)) {
			errno = ENOTSUP;
			ftx_error_set("%s in %s is Thumb code; uprobes on 32-bit ARM decode ARM "
				      "instructions only", d->symbol, path);
			goto out;
		}
		if (d->offset && sym.size && d->offset >= sym.size) {
			errno = ERANGE;
			ftx_error_set("%s+%llu is beyond %s, which is %llu bytes long", d->symbol,
				      (unsigned long long)d->offset, d->symbol,
				      (unsigned long long)sym.size);
			goto out;
		}
		if (ftx_elf_seg_offset(segs, ns, sym.addr + d->offset, PF_X, 0, &off) < 0) {
			errno = ENOEXEC;
			ftx_error_set("%s: %s (0x%llx) is not in an executable PT_LOAD segment",
				      path, d->symbol, (unsigned long long)sym.addr);
			goto out;
		}
		u.has_addr = true;
		u.addr = off;
		u.symbol = NULL;
		u.offset = 0;
	}
	if (args_translate(d, env, arch, true, args, fetch) < 0)
		goto out;
	u.group = out->group;
	u.event = out->event;
	u.binary = path;
	u.args = args;
	if (d->has_addr)
		ret = lines_add(out, ftx_probe_def_format(&u),
				dupf("0x%llx%s in %s", (unsigned long long)d->addr,
				     d->retprobe ? "%return" : "", path));
	else if (d->offset)
		ret = lines_add(out, ftx_probe_def_format(&u),
				dupf("%s+%llu in %s", d->symbol, (unsigned long long)d->offset,
				     path));
	else
		ret = lines_add(out, ftx_probe_def_format(&u),
				dupf("%s%s in %s", d->symbol, d->retprobe ? "%return" : "", path));
out:
	ftx_elf_close(elf);
	free(path);
	return ret;
}

int ftx_probe_resolve(const struct ftx_probe_def *d, const struct ftx_probe_env *env,
		      const char *group, struct ftx_probe_lines *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	names_get(d, group, out);
	ret = d->binary ? resolve_user(d, env, out) : resolve_kernel(d, env, out);
	if (ret < 0) {
		int saved = errno;

		ftx_probe_lines_free(out);
		errno = saved;
	}
	return ret;
}
