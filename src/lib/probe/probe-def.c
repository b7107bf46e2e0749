// SPDX-License-Identifier: GPL-2.0
/*
 * Probe definitions, pure: perf probe's syntax and the kernel's own parsed
 * into struct ftx_probe_def, formatted back into a tracefs line; $argN
 * translated to the argument registers of an architecture; what the tracefs
 * README says the kernel offers.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/capability.h"
#include "ftx/error.h"
#include "ftx/probe.h"
#include "ftx/util.h"

enum ftx_arch ftx_arch_from_machine(const char *m)
{
	if (!m)
		return FTX_ARCH_UNKNOWN;
	if (!strcmp(m, "x86_64"))
		return FTX_ARCH_X86_64;
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return FTX_ARCH_ARM64;
	if (!strncmp(m, "arm", 3))
		return FTX_ARCH_ARM;
	if (!strcmp(m, "riscv64"))
		return FTX_ARCH_RISCV64;
	return FTX_ARCH_UNKNOWN;
}

enum ftx_arch ftx_arch_from_elf(unsigned int machine, bool is64)
{
	switch (machine) {
	case 62:	/* EM_X86_64 */
		return is64 ? FTX_ARCH_X86_64 : FTX_ARCH_UNKNOWN;
	case 183:	/* EM_AARCH64 */
		return FTX_ARCH_ARM64;
	case 40:	/* EM_ARM */
		return FTX_ARCH_ARM;
	case 243:	/* EM_RISCV */
		return is64 ? FTX_ARCH_RISCV64 : FTX_ARCH_UNKNOWN;
	}
	return FTX_ARCH_UNKNOWN;
}

const char *ftx_arch_name(enum ftx_arch arch)
{
	switch (arch) {
	case FTX_ARCH_X86_64:
		return "x86_64";
	case FTX_ARCH_ARM64:
		return "arm64";
	case FTX_ARCH_ARM:
		return "arm";
	case FTX_ARCH_RISCV64:
		return "riscv64";
	default:
		return "unknown";
	}
}

void ftx_probe_env_parse(const char *readme, const char *machine, struct ftx_probe_env *env)
{
	const char *ret;

	memset(env, 0, sizeof(*env));
	env->arch = ftx_arch_from_machine(machine);
	if (!readme)
		return;
	/* the fetcharg list, not a prose mention (as ftx check decides it) */
	env->argn = ftx_readme_has_fetcharg(readme, "$arg<N>");
	ret = strstr(readme, "return probes support:");
	if (ret) {
		const char *eol = strchr(ret, '\n');
		const char *a = strstr(ret, "$arg<N>");

		env->argn_return = a && (!eol || a < eol);
	}
	env->ustring = strstr(readme, "ustring") != NULL;
	env->ref_ctr = strstr(readme, "(ref_ctr_offset)") != NULL;
	env->imm = strstr(readme, "\\imm-value") != NULL;
	env->symstr = strstr(readme, "symstr") != NULL;
}

void ftx_probe_def_free(struct ftx_probe_def *d)
{
	int i;

	if (!d)
		return;
	for (i = 0; i < d->nr_args; i++) {
		free(d->args[i].name);
		free(d->args[i].fetch);
		free(d->args[i].type);
	}
	free(d->args);
	free(d->group);
	free(d->event);
	free(d->module);
	free(d->symbol);
	free(d->binary);
	free(d->sdt_provider);
	free(d->sdt_name);
	memset(d, 0, sizeof(*d));
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
	char msg[FTX_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errno = EINVAL;
	ftx_error_set("%s", msg);
	return -1;
}

static bool is_ident(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Names the kernel and perf accept for functions and symbols (dots: "foo.isra.0"). */
static bool is_symbol(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.@$", *s))
			return false;
	return true;
}

/* perf's FUNC@SRC: a file ("fs/open.c", "main.c"), not a symbol version ("GLIBC_2.2.5") */
static bool is_source(const char *s)
{
	const char *dot = strrchr(s, '.');

	if (*s == '@')
		s++;
	return strchr(s, '/') || (dot && (!strcmp(dot, ".c") || !strcmp(dot, ".h") ||
					  !strcmp(dot, ".cc") || !strcmp(dot, ".cpp")));
}

static int parse_num(const char *s, uint64_t *v)
{
	unsigned long long x;

	if (ftx_parse_uint(s, &x) < 0)
		return -1;
	*v = x;
	return 0;
}

/* Split on blanks, keeping "\"imm string\"" together. Returns malloc()ed words. */
static int split_words(const char *text, char ***words)
{
	char **v = NULL;
	int n = 0;
	const char *p = text;

	while (*p) {
		const char *start;
		bool quote = false;
		char **nv;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && (quote || !isspace((unsigned char)*p))) {
			if (*p == '"')
				quote = !quote;
			p++;
		}
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			goto fail;
		v = nv;
		v[n] = strndup(start, p - start);
		if (!v[n])
			goto fail;
		v[++n] = NULL;
	}
	*words = v;
	return n;
fail:
	while (n--)
		free(v[n]);
	free(v);
	errno = ENOMEM;
	return -1;
}

static void free_words(char **w, int n)
{
	while (n-- > 0)
		free(w[n]);
	free(w);
}

static const char *const base_types[] = {
	"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "x8", "x16", "x32", "x64",
	"char", "string", "ustring", "symbol", "symstr", "%pd", "%pD",
};

bool ftx_probe_type_valid(const char *type)
{
	char base[32];
	const char *br = strchr(type, '[');
	size_t n = br ? (size_t)(br - type) : strlen(type), i;
	unsigned int w, o, c;
	char tail;

	if (!n || n >= sizeof(base))
		return false;
	memcpy(base, type, n);
	base[n] = '\0';
	if (br) {
		unsigned long long len;
		char num[16];
		size_t l = strlen(br);

		if (l < 3 || br[l - 1] != ']' || l - 2 >= sizeof(num))
			return false;
		memcpy(num, br + 1, l - 2);
		num[l - 2] = '\0';
		if (ftx_parse_uint(num, &len) < 0 || !len || len > 64)
			return false;
		/* arrays of strings do not exist; of string pointers do ("string[2]") */
	}
	for (i = 0; i < FTX_ARRAY_SIZE(base_types); i++)
		if (!strcmp(base, base_types[i]))
			return true;
	if (sscanf(base, "b%u@%u/%u%c", &w, &o, &c, &tail) == 3)
		return (c == 8 || c == 16 || c == 32 || c == 64) && w && w + o <= c;
	return false;
}

/* "[NAME=]FETCH[:TYPE]" */
static int parse_arg(const char *word, struct ftx_probe_arg *a)
{
	const char *eq = strchr(word, '='), *fetch = word, *colon = NULL, *p;
	int depth = 0;
	bool quote = false;

	memset(a, 0, sizeof(*a));
	if (eq && is_ident(word, eq - word)) {
		a->name = strndup(word, eq - word);
		fetch = eq + 1;
	}
	for (p = fetch; *p; p++) {
		if (*p == '"')
			quote = !quote;
		else if (!quote && *p == '(')
			depth++;
		else if (!quote && *p == ')')
			depth--;
		else if (!quote && !depth && *p == ':')
			colon = p;
	}
	/* "@mod:sym" has a colon that is not a type: only a known type ends the fetch */
	if (colon && !ftx_probe_type_valid(colon + 1)) {
		if (fetch[0] != '@')
			return bad("argument '%s': unknown type '%s' (u8-u64, s8-s64, x8-x64, "
				   "char, string, ustring, symbol, symstr, b<W>@<O>/<C>, TYPE[N])",
				   word, colon + 1);
		colon = NULL;
	}
	a->fetch = colon ? strndup(fetch, colon - fetch) : strdup(fetch);
	if (colon)
		a->type = strdup(colon + 1);
	if (!a->fetch || (colon && !a->type) || (eq && fetch != word && !a->name))
		return -1;
	if (!*a->fetch)
		return bad("argument '%s': nothing to fetch", word);
	if (!strchr("$%@+-\\", a->fetch[0])) {
		if (is_ident(a->fetch, strlen(a->fetch)))
			return bad("argument '%s': '%s' is a C variable, which needs debuginfo; "
				   "ftx fetches from registers and memory: use $argN "
				   "(e.g. %s=$arg1), $retval, %%REG, @SYMBOL or +OFFS(FETCH)",
				   word, a->fetch, a->fetch);
		return bad("argument '%s': a fetcharg starts with $, %%, @, +, - or \\", word);
	}
	return 0;
}

static void free_arg(struct ftx_probe_arg *a)
{
	free(a->name);
	free(a->fetch);
	free(a->type);
	memset(a, 0, sizeof(*a));
}

static int add_args(struct ftx_probe_def *d, char **w, int n)
{
	int i;

	if (n > FTX_PROBE_MAX_ARGS)
		return bad("too many arguments (%d, at most %d)", n, FTX_PROBE_MAX_ARGS);
	if (!n)
		return 0;
	d->args = calloc(n, sizeof(*d->args));
	if (!d->args)
		return -1;
	for (i = 0; i < n; i++) {
		if (parse_arg(w[i], &d->args[i]) < 0) {
			free_arg(&d->args[i]);
			return -1;
		}
		d->nr_args++;
	}
	return 0;
}

/* "p", "r", "r10", optionally ":[GRP/]EVENT" */
static bool kernel_form_head(const char *w)
{
	const char *p = w;

	if (*p != 'p' && *p != 'r')
		return false;
	p++;
	if (w[0] == 'r')
		while (isdigit((unsigned char)*p))
			p++;
	return *p == '\0' || (*p == ':' && !strchr(p, '='));
}

static int set_group_event(struct ftx_probe_def *d, const char *spec, char sep)
{
	const char *s = strchr(spec, sep);

	if (s) {
		if (s > spec && !(d->group = strndup(spec, s - spec)))
			return -1;
		spec = s + 1;
	}
	if (*spec && !(d->event = strdup(spec)))
		return -1;
	if (d->group && !is_ident(d->group, strlen(d->group)))
		return bad("bad group name '%s' (letters, digits, '_')", d->group);
	if (d->event && !is_ident(d->event, strlen(d->event)))
		return bad("bad event name '%s' (letters, digits, '_')", d->event);
	return 0;
}

/* The kernel's form: p[:[GRP/]EVENT] PLACE ARGS, r[N][:...] */
static int parse_kernel_form(struct ftx_probe_def *d, char **w, int n)
{
	const char *head = w[0], *p = head + 1, *colon;
	char *place;

	if (n < 2)
		return bad("'%s': no place to probe", head);
	d->retprobe = head[0] == 'r';
	if (d->retprobe && isdigit((unsigned char)*p)) {
		d->maxactive = strtoul(p, NULL, 10);
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == ':' && set_group_event(d, p + 1, '/') < 0)
		return -1;
	place = w[1];
	if (place[0] == '/') {
		char *ref = strchr(place, '('), *pct, *c;

		if (ref) {
			size_t l = strlen(ref);

			if (l < 3 || ref[l - 1] != ')')
				return bad("'%s': bad (REF_CTR_OFFSET)", place);
			ref[l - 1] = '\0';
			if (parse_num(ref + 1, &d->ref_ctr) < 0)
				return bad("'%s': bad (REF_CTR_OFFSET)", place);
			d->has_ref_ctr = true;
			*ref = '\0';
		}
		pct = strchr(place, '%');
		if (pct) {
			if (strcmp(pct, "%return"))
				return bad("'%s': unknown suffix '%s'", place, pct);
			d->retprobe = true;
			*pct = '\0';
		}
		c = strrchr(place, ':');
		if (!c || parse_num(c + 1, &d->addr) < 0)
			return bad("'%s': a uprobe's place is PATH:OFFSET (a file offset)", w[1]);
		d->has_addr = true;
		d->binary = strndup(place, c - place);
		if (!d->binary)
			return -1;
	} else {
		char *pct = strchr(place, '%'), *plus;

		if (pct) {
			if (strcmp(pct, "%return"))
				return bad("'%s': unknown suffix '%s'", place, pct);
			d->retprobe = true;
			*pct = '\0';
		}
		if (!strncmp(place, "0x", 2)) {
			if (parse_num(place, &d->addr) < 0)
				return bad("'%s': bad address", place);
			d->has_addr = true;
		} else {
			colon = strchr(place, ':');
			if (colon) {
				d->module = strndup(place, colon - place);
				if (!d->module)
					return -1;
				place = (char *)colon + 1;
			}
			plus = strchr(place, '+');
			if (plus) {
				if (parse_num(plus + 1, &d->offset) < 0)
					return bad("'%s': bad offset", w[1]);
				*plus = '\0';
			}
			if (!is_symbol(place))
				return bad("'%s' is not a function name", place);
			d->symbol = strdup(place);
			if (!d->symbol)
				return -1;
		}
	}
	return add_args(d, w + 2, n - 2);
}

/* "sdt:PROVIDER:NAME", "%sdt_PROVIDER:NAME", "%PROVIDER:NAME", "sdt_PROVIDER:NAME" */
static int parse_sdt(struct ftx_probe_def *d, const char *place, bool *is_sdt)
{
	const char *p = place, *c;

	*is_sdt = false;
	if (!strncmp(p, "sdt:", 4))
		p += 4;
	else if (!strncmp(p, "%sdt_", 5))
		p += 5;
	else if (p[0] == '%')
		p += 1;
	else if (!strncmp(p, "sdt_", 4) && d->binary)
		p += 4;
	else
		return 0;
	*is_sdt = true;
	c = strchr(p, ':');
	if (!c || c == p || !c[1] || strchr(c + 1, ':'))
		return bad("'%s': a USDT probe is sdt:PROVIDER:NAME", place);
	if (!d->binary)
		return bad("'%s': USDT probes need -x BINARY", place);
	d->sdt_provider = strndup(p, c - p);
	d->sdt_name = strdup(c + 1);
	if (!d->sdt_provider || !d->sdt_name)
		return -1;
	return 0;
}

static int parse_perf_form(struct ftx_probe_def *d, char **w, int n)
{
	char *place = w[0], *eq = strchr(place, '='), *pct, *plus;
	bool is_sdt;

	if (eq) {
		*eq = '\0';
		if (set_group_event(d, place, ':') < 0)
			return -1;
		place = eq + 1;
	}
	if (!*place)
		return bad("no function to probe in '%s'", w[0]);
	if (parse_sdt(d, place, &is_sdt) < 0)
		return -1;
	if (is_sdt) {
		if (d->retprobe)
			return bad("USDT probes have no %%return");
		return add_args(d, w + 1, n - 1);
	}
	if (strchr(place, ';') || (d->binary && strchr(place, ':')) ||
	    (strchr(place, '@') && (!d->binary || is_source(strchr(place, '@') + 1))))
		return bad("'%s': source lines, files and patterns need debuginfo (DWARF); ftx "
			   "probes from symbols: FUNC, FUNC+OFFS, FUNC%%return", place);
	pct = strchr(place, '%');
	if (pct) {
		if (strcmp(pct, "%return"))
			return bad("'%s': unknown suffix '%s' (only %%return)", place, pct);
		d->retprobe = true;
		*pct = '\0';
	}
	plus = strchr(place, '+');
	if (plus) {
		if (parse_num(plus + 1, &d->offset) < 0)
			return bad("'%s': bad offset '%s'", w[0], plus + 1);
		if (d->retprobe && d->offset)
			return bad("'%s': %%return with an offset", w[0]);
		*plus = '\0';
	}
	if (!d->binary && !strncmp(place, "0x", 2)) {
		if (parse_num(place, &d->addr) < 0)
			return bad("'%s': bad address", place);
		d->has_addr = true;
		return add_args(d, w + 1, n - 1);
	}
	if (!d->binary && strchr(place, ':')) {
		char *c = strchr(place, ':');

		d->module = strndup(place, c - place);
		if (!d->module)
			return -1;
		place = c + 1;
	}
	if (!is_symbol(place))
		return bad("'%s' is not a function name", place);
	d->symbol = strdup(place);
	if (!d->symbol)
		return -1;
	return add_args(d, w + 1, n - 1);
}

int ftx_probe_def_parse(const char *text, const char *binary, struct ftx_probe_def *d)
{
	char **w = NULL;
	int n, ret;

	memset(d, 0, sizeof(*d));
	if (!text)
		return bad("no probe definition");
	n = split_words(text, &w);
	if (n < 0)
		return -1;
	if (n == 0) {
		free(w);
		return bad("empty probe definition");
	}
	if (binary && !(d->binary = strdup(binary))) {
		free_words(w, n);
		return -1;
	}
	if (n > 1 && kernel_form_head(w[0]))
		ret = parse_kernel_form(d, w, n);
	else
		ret = parse_perf_form(d, w, n);
	if (ret == 0 && d->binary && d->module)
		ret = bad("MOD:FUNC is for kernel modules, not with -x");
	if (ret == 0 && d->maxactive && !d->retprobe)
		ret = bad("a maxactive count is for return probes");
	free_words(w, n);
	if (ret < 0) {
		int saved = errno ? errno : EINVAL;

		ftx_probe_def_free(d);
		errno = saved;
	}
	return ret;
}

int ftx_probe_words_parse(const char *words, struct ftx_probe_def *d)
{
	char **w = NULL, *binary = NULL;
	struct ftx_strbuf_lite { char *s; size_t len; } rest = { NULL, 0 };
	int n, i, ret;

	memset(d, 0, sizeof(*d));
	n = split_words(words ? words : "", &w);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char *x = NULL;

		if (!strcmp(w[i], "-x") || !strcmp(w[i], "--exec")) {
			if (i + 1 >= n) {
				free_words(w, n);
				free(rest.s);
				free(binary);
				return bad("-x needs a binary%s", "");
			}
			x = w[++i];
		} else if (!strncmp(w[i], "--exec=", 7)) {
			x = w[i] + 7;
		} else if (!strncmp(w[i], "-x", 2) && w[i][2]) {
			x = w[i] + 2;
		}
		if (x) {
			free(binary);
			binary = strdup(x);
			continue;
		}
		{
			size_t l = strlen(w[i]);
			char *ns = realloc(rest.s, rest.len + l + 2);

			if (!ns) {
				free_words(w, n);
				free(rest.s);
				free(binary);
				return -1;
			}
			rest.s = ns;
			if (rest.len)
				rest.s[rest.len++] = ' ';
			memcpy(rest.s + rest.len, w[i], l + 1);
			rest.len += l;
		}
	}
	free_words(w, n);
	ret = ftx_probe_def_parse(rest.s ? rest.s : "", binary, d);
	free(rest.s);
	free(binary);
	return ret;
}

char *ftx_probe_def_format(const struct ftx_probe_def *d)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int i;

	if (!d->group || !d->event || (d->binary && !d->has_addr) ||
	    (!d->binary && !d->symbol && !d->has_addr)) {
		errno = EINVAL;
		return NULL;
	}
	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	fputc(d->retprobe ? 'r' : 'p', f);
	if (d->retprobe && d->maxactive)
		fprintf(f, "%u", d->maxactive);
	fprintf(f, ":%s/%s ", d->group, d->event);
	if (d->binary) {
		fprintf(f, "%s:0x%llx", d->binary, (unsigned long long)d->addr);
		if (d->has_ref_ctr)
			fprintf(f, "(0x%llx)", (unsigned long long)d->ref_ctr);
	} else if (d->has_addr) {
		fprintf(f, "0x%llx", (unsigned long long)d->addr);
	} else {
		if (d->module)
			fprintf(f, "%s:", d->module);
		fputs(d->symbol, f);
		if (d->offset)
			fprintf(f, "+%llu", (unsigned long long)d->offset);
	}
	for (i = 0; i < d->nr_args; i++) {
		const struct ftx_probe_arg *a = &d->args[i];

		fputc(' ', f);
		if (a->name)
			fprintf(f, "%s=", a->name);
		fputs(a->fetch, f);
		if (a->type)
			fprintf(f, ":%s", a->type);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void ftx_probe_name_sanitize(const char *in, char *out, size_t size)
{
	size_t o = 0;

	if (!size)
		return;
	if (isdigit((unsigned char)*in) && o + 1 < size)
		out[o++] = '_';
	for (; *in && o + 1 < size; in++)
		out[o++] = isalnum((unsigned char)*in) ? *in : '_';
	out[o] = '\0';
}

void ftx_probe_default_group(const struct ftx_probe_def *d, char *out, size_t size)
{
	char base[128], *dot;
	const char *slash;

	if (d->sdt_provider) {
		char p[100];

		ftx_probe_name_sanitize(d->sdt_provider, p, sizeof(p));
		snprintf(out, size, "sdt_%s", p);
		return;
	}
	if (!d->binary) {
		snprintf(out, size, "probe");
		return;
	}
	slash = strrchr(d->binary, '/');
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : d->binary);
	dot = strchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	{
		char s[120];

		ftx_probe_name_sanitize(base, s, sizeof(s));
		snprintf(out, size, "probe_%s", s);
	}
}

void ftx_probe_default_event(const struct ftx_probe_def *d, char *out, size_t size)
{
	char name[200];

	if (d->sdt_name) {
		ftx_probe_name_sanitize(d->sdt_name, out, size);
		return;
	}
	if (d->symbol) {
		const char *at = strchr(d->symbol, '@');
		char sym[112];

		snprintf(sym, sizeof(sym), "%.*s", at ? (int)(at - d->symbol) : (int)strlen(d->symbol),
			 d->symbol);
		if (d->offset)
			snprintf(name, sizeof(name), "%s_%llu", sym, (unsigned long long)d->offset);
		else
			snprintf(name, sizeof(name), "%s", sym);
	} else if (d->binary) {
		const char *slash = strrchr(d->binary, '/');

		snprintf(name, sizeof(name), "%s_0x%llx", slash ? slash + 1 : d->binary,
			 (unsigned long long)d->addr);
	} else {
		snprintf(name, sizeof(name), "addr_0x%llx", (unsigned long long)d->addr);
	}
	{
		char s[200];

		ftx_probe_name_sanitize(name, s, sizeof(s));
		snprintf(out, size, "%s%s", s, d->retprobe ? "__return" : "");
	}
}

struct arch_regs {
	const char *const *reg;		/* argument registers, kernel names */
	int nr;
	int stack_first;		/* $stackN of the first stack argument at entry */
};

static const char *const x86_64_args[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
static const char *const arm64_args[] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5", "%x6", "%x7" };
static const char *const arm_args[] = { "%r0", "%r1", "%r2", "%r3" };
static const char *const riscv_args[] = { "%a0", "%a1", "%a2", "%a3", "%a4", "%a5", "%a6", "%a7" };

static int arch_regs_get(enum ftx_arch arch, struct arch_regs *r)
{
	switch (arch) {
	case FTX_ARCH_X86_64:
		/* the return address is at $stack0 on entry */
		*r = (struct arch_regs){ x86_64_args, 6, 1 };
		return 0;
	case FTX_ARCH_ARM64:
		*r = (struct arch_regs){ arm64_args, 8, 0 };
		return 0;
	case FTX_ARCH_ARM:
		*r = (struct arch_regs){ arm_args, 4, 0 };
		return 0;
	case FTX_ARCH_RISCV64:
		*r = (struct arch_regs){ riscv_args, 8, 0 };
		return 0;
	default:
		return -1;
	}
}

/* x86-64 register names as the kernel spells them: %rdi, %edi -> %di */
static const char *x86_reg_kernel(const char *name, size_t n)
{
	static const struct { const char *a, *b; } map[] = {
		{ "rax", "ax" }, { "rbx", "bx" }, { "rcx", "cx" }, { "rdx", "dx" },
		{ "rsi", "si" }, { "rdi", "di" }, { "rbp", "bp" }, { "rsp", "sp" },
		{ "rip", "ip" }, { "eax", "ax" }, { "ebx", "bx" }, { "ecx", "cx" },
		{ "edx", "dx" }, { "esi", "si" }, { "edi", "di" }, { "ebp", "bp" },
		{ "esp", "sp" }, { "eip", "ip" },
	};
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(map); i++)
		if (strlen(map[i].a) == n && !strncmp(map[i].a, name, n))
			return map[i].b;
	return NULL;
}

int ftx_probe_fetch_translate(const char *fetch, enum ftx_arch arch, bool keep_argn,
			      bool at_entry, bool retprobe, char *out, size_t size)
{
	struct arch_regs regs;
	const char *p = fetch;
	size_t o = 0;

#define EMIT(s, l) do { \
		if (o + (l) >= size) \
			goto too_long; \
		memcpy(out + o, (s), (l)); \
		o += (l); \
	} while (0)

	while (*p) {
		if (!strncmp(p, "$arg", 4) && isdigit((unsigned char)p[4]) && !keep_argn) {
			char *end;
			unsigned long n = strtoul(p + 4, &end, 10);
			char tmp[32];

			if (n == 0)
				return bad("'%s': arguments count from $arg1", fetch);
			if (retprobe)
				return bad("'%s': $arg%lu in a return probe needs the kernel's own "
					   "$argN (the registers no longer hold the arguments)",
					   fetch, n);
			if (arch_regs_get(arch, &regs) < 0)
				return bad("'%s': no argument registers known for %s; use %%REG",
					   fetch, ftx_arch_name(arch));
			if ((int)n <= regs.nr) {
				snprintf(tmp, sizeof(tmp), "%s", regs.reg[n - 1]);
			} else {
				if (!at_entry)
					return bad("'%s': $arg%lu is on the stack on %s, found only "
						   "at the function's entry (no +OFFS)", fetch, n,
						   ftx_arch_name(arch));
				snprintf(tmp, sizeof(tmp), "$stack%lu",
					 n - regs.nr - 1 + regs.stack_first);
			}
			EMIT(tmp, strlen(tmp));
			p = end;
			continue;
		}
		if (*p == '%' && arch == FTX_ARCH_X86_64) {
			const char *s = p + 1, *k;
			size_t n = 0;

			while (isalnum((unsigned char)s[n]))
				n++;
			k = x86_reg_kernel(s, n);
			if (k) {
				EMIT("%", 1);
				EMIT(k, strlen(k));
				p = s + n;
				continue;
			}
		}
		EMIT(p, 1);
		p++;
	}
	out[o] = '\0';
	return 0;
too_long:
	return bad("'%s': fetcharg too long", fetch);
#undef EMIT
}
