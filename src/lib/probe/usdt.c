// SPDX-License-Identifier: GPL-2.0
/*
 * USDT argument specs (sys/sdt.h's assembler operands, "SIZE@LOCATION") to
 * uprobe fetchargs, per architecture. Pure. What tracefs cannot express
 * (index registers) is refused with EOPNOTSUPP so that the caller drops
 * that argument, not the probe.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/probe.h"
#include "ftx/util.h"

static int fail(int err, char *why, size_t wsize, const char *fmt, const char *arg)
{
	snprintf(why, wsize, fmt, arg);
	errno = err;
	return -1;
}

/* x86 names of every width -> the kernel's 64-bit name; high bytes flagged. */
static const char *x86_reg(const char *name, bool *high)
{
	static const struct { const char *k; const char *names[4]; const char *hi; } regs[] = {
		{ "ax", { "rax", "eax", "ax", "al" }, "ah" },
		{ "bx", { "rbx", "ebx", "bx", "bl" }, "bh" },
		{ "cx", { "rcx", "ecx", "cx", "cl" }, "ch" },
		{ "dx", { "rdx", "edx", "dx", "dl" }, "dh" },
		{ "si", { "rsi", "esi", "si", "sil" }, NULL },
		{ "di", { "rdi", "edi", "di", "dil" }, NULL },
		{ "bp", { "rbp", "ebp", "bp", "bpl" }, NULL },
		{ "sp", { "rsp", "esp", "sp", "spl" }, NULL },
		{ "ip", { "rip", "eip", "ip", NULL }, NULL },
	};
	static char rn[8];
	size_t i, j;

	*high = false;
	for (i = 0; i < FTX_ARRAY_SIZE(regs); i++) {
		for (j = 0; j < 4; j++)
			if (regs[i].names[j] && !strcmp(name, regs[i].names[j]))
				return regs[i].k;
		if (regs[i].hi && !strcmp(name, regs[i].hi)) {
			*high = true;
			return regs[i].k;
		}
	}
	/* r8..r15 and their r8d/r8w/r8b views */
	if (name[0] == 'r' && isdigit((unsigned char)name[1])) {
		char *end;
		unsigned long n = strtoul(name + 1, &end, 10);

		if (n >= 8 && n <= 15 && (!*end || (!end[1] && strchr("dwb", *end)))) {
			snprintf(rn, sizeof(rn), "r%lu", n);
			return rn;
		}
	}
	return NULL;
}

static const char *arm64_reg(const char *name, char *buf, size_t size)
{
	char *end;
	unsigned long n;

	if (!strcmp(name, "sp") || !strcmp(name, "pc"))
		return name;
	if (!strcmp(name, "fp"))
		return "x29";
	if (!strcmp(name, "lr"))
		return "x30";
	if ((name[0] == 'x' || name[0] == 'w') && isdigit((unsigned char)name[1])) {
		n = strtoul(name + 1, &end, 10);
		if (!*end && n <= 30) {
			snprintf(buf, size, "x%lu", n);
			return buf;
		}
	}
	return NULL;
}

static const char *arm_reg(const char *name, char *buf, size_t size)
{
	static const char *const alias[] = { "fp", "ip", "sp", "lr", "pc" };
	char *end;
	unsigned long n;
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(alias); i++)
		if (!strcmp(name, alias[i]))
			return alias[i];
	if (name[0] == 'r' && isdigit((unsigned char)name[1])) {
		n = strtoul(name + 1, &end, 10);
		if (*end || n > 15)
			return NULL;
		if (n >= 11)
			return alias[n - 11];
		snprintf(buf, size, "r%lu", n);
		return buf;
	}
	return NULL;
}

static bool parse_long(const char *s, long long *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return !*end && !errno;
}

static int imm(bool have_imm, const char *num, char *fetch, size_t fsize, char *why,
	       size_t wsize, const char *spec)
{
	long long v;

	if (!parse_long(num, &v))
		return fail(EINVAL, why, wsize, "'%s': bad constant", spec);
	if (!have_imm)
		return fail(EOPNOTSUPP, why, wsize, "'%s': a constant, and this kernel has no "
			    "\\IMM fetcharg", spec);
	snprintf(fetch, fsize, "\\%lld", v);
	return 0;
}

static int x86_loc(const char *loc, const char *spec, ftx_usdt_sym_fn sym, void *sym_arg,
		   bool have_imm, int size, char *fetch, size_t fsize, char *type, size_t tsize,
		   char *why, size_t wsize)
{
	const char *paren, *k;
	char disp[128], base[16];
	bool high;
	size_t n;

	if (loc[0] == '%') {
		k = x86_reg(loc + 1, &high);
		if (!k)
			return fail(EINVAL, why, wsize, "'%s': unknown register", spec);
		snprintf(fetch, fsize, "%%%s", k);
		if (high) {
			if (size != 1)
				return fail(EINVAL, why, wsize, "'%s': a high byte register", spec);
			snprintf(type, tsize, "b8@8/64");
		}
		return 0;
	}
	if (loc[0] == '$')
		return imm(have_imm, loc + 1, fetch, fsize, why, wsize, spec);
	paren = strchr(loc, '(');
	if (!paren || loc[strlen(loc) - 1] != ')')
		return fail(EOPNOTSUPP, why, wsize, "'%s': an absolute address", spec);
	if (strchr(paren, ','))
		return fail(EOPNOTSUPP, why, wsize, "'%s': an index register (tracefs has no "
			    "form for base + index * scale)", spec);
	n = paren - loc;
	if (n >= sizeof(disp))
		return fail(EINVAL, why, wsize, "'%s': too long", spec);
	memcpy(disp, loc, n);
	disp[n] = '\0';
	n = strlen(paren) - 3;	/* "(%" ... ")" */
	if (paren[1] != '%' || n == 0 || n >= sizeof(base))
		return fail(EINVAL, why, wsize, "'%s': bad base register", spec);
	memcpy(base, paren + 2, n);
	base[n] = '\0';
	k = x86_reg(base, &high);
	if (!k || high)
		return fail(EINVAL, why, wsize, "'%s': unknown base register", spec);
	if (!strcmp(k, "ip")) {
		/* sym[+-off](%rip): a global; uprobes fetch it by file offset (@+OFF) */
		char name[128], *pm;
		long long off = 0;
		uint64_t fo;

		snprintf(name, sizeof(name), "%s", disp);
		pm = strpbrk(name + 1, "+-");
		if (pm) {
			if (!parse_long(pm, &off))
				return fail(EINVAL, why, wsize, "'%s': bad offset", spec);
			*pm = '\0';
		}
		if (!*name || isdigit((unsigned char)name[0]) || name[0] == '-')
			return fail(EOPNOTSUPP, why, wsize, "'%s': RIP-relative without a symbol",
				    spec);
		if (!sym || sym(sym_arg, name, &fo) < 0)
			return fail(EOPNOTSUPP, why, wsize, "'%s': its symbol is not in the "
				    "binary's symbol table", spec);
		snprintf(fetch, fsize, "@+0x%llx", (unsigned long long)(fo + off));
		return 0;
	}
	{
		long long d = 0;

		if (*disp && !parse_long(disp, &d))
			return fail(EOPNOTSUPP, why, wsize, "'%s': a symbolic displacement", spec);
		snprintf(fetch, fsize, "%+lld(%%%s)", d, k);
	}
	return 0;
}

/* arm64 "[sp, 96]", "[x1, -8]", "[sp]"; arm "[fp, #96]", "[r0, #-8]" */
static int arm_mem(enum ftx_arch arch, const char *loc, const char *spec, char *fetch,
		   size_t fsize, char *why, size_t wsize)
{
	char in[128], *comma, *r, *o, rb[8];
	const char *k;
	long long d = 0;
	size_t n = strlen(loc);

	if (n < 3 || loc[n - 1] != ']' || n - 2 >= sizeof(in))
		return fail(EINVAL, why, wsize, "'%s': bad memory operand", spec);
	memcpy(in, loc + 1, n - 2);
	in[n - 2] = '\0';
	comma = strchr(in, ',');
	r = in;
	if (comma) {
		*comma = '\0';
		o = comma + 1;
		while (*o == ' ')
			o++;
		if (*o == '#')
			o++;
		if (strchr(o, ','))
			return fail(EOPNOTSUPP, why, wsize, "'%s': a shifted index", spec);
		if (!parse_long(o, &d))
			return fail(EOPNOTSUPP, why, wsize, "'%s': an index register (tracefs "
				    "has no form for base + index)", spec);
	}
	while (*r == ' ')
		r++;
	k = arch == FTX_ARCH_ARM64 ? arm64_reg(r, rb, sizeof(rb)) : arm_reg(r, rb, sizeof(rb));
	if (!k)
		return fail(EINVAL, why, wsize, "'%s': unknown base register", spec);
	snprintf(fetch, fsize, "%+lld(%%%s)", d, k);
	return 0;
}

int ftx_usdt_arg_translate(const char *spec, enum ftx_arch arch, ftx_usdt_sym_fn sym,
			   void *sym_arg, bool have_imm, char *fetch, size_t fsize, char *type,
			   size_t tsize, char *why, size_t wsize)
{
	const char *at = strchr(spec, '@'), *loc = spec;
	bool is_signed = false;
	int size = arch == FTX_ARCH_ARM ? 4 : 8;
	char rb[8];
	const char *k;

	*why = '\0';
	if (at && at != spec) {
		const char *p = spec;
		long n;
		char *end;

		if (*p == '-') {
			is_signed = true;
			p++;
		}
		n = strtol(p, &end, 10);
		if (end == at) {
			if (n != 1 && n != 2 && n != 4 && n != 8)
				return fail(EINVAL, why, wsize, "'%s': bad size", spec);
			size = n;
			loc = at + 1;
		}
	}
	if (!*loc)
		return fail(EINVAL, why, wsize, "'%s': no location", spec);
	snprintf(type, tsize, "%c%d", is_signed ? 's' : 'u', size * 8);
	switch (arch) {
	case FTX_ARCH_X86_64:
		return x86_loc(loc, spec, sym, sym_arg, have_imm, size, fetch, fsize, type, tsize,
			       why, wsize);
	case FTX_ARCH_ARM64:
	case FTX_ARCH_ARM:
		if (loc[0] == '[')
			return arm_mem(arch, loc, spec, fetch, fsize, why, wsize);
		if (loc[0] == '#' || isdigit((unsigned char)loc[0]) || loc[0] == '-')
			return imm(have_imm, loc + (loc[0] == '#'), fetch, fsize, why, wsize, spec);
		k = arch == FTX_ARCH_ARM64 ? arm64_reg(loc, rb, sizeof(rb)) :
		    arm_reg(loc, rb, sizeof(rb));
		if (!k)
			return fail(EINVAL, why, wsize, "'%s': unknown register", spec);
		snprintf(fetch, fsize, "%%%s", k);
		return 0;
	default:
		return fail(EOPNOTSUPP, why, wsize, "'%s': USDT arguments are not translated "
			    "for this architecture", spec);
	}
}
