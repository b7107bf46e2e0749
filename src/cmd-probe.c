// SPDX-License-Identifier: GPL-2.0
/*
 * ftx probe: create, list and delete kprobe, kretprobe, uprobe, uretprobe and
 * USDT probe events, from perf probe's syntax (or the kernel's), using the
 * symbol tables alone: no debuginfo. Probes added here stay until --del, as
 * perf probe's do; 'ftx record --probe' makes run-only ones.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elf.h>

#include "cmd.h"
#include "ftx/elf.h"
#include "ftx/error.h"
#include "ftx/probe.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"

static const char probe_usage[] =
	"usage: ftx probe [-x BINARY] [--add] DEF...   create probe events (as perf probe)\n"
	"       ftx probe --del PATTERN...             remove probe events\n"
	"       ftx probe --list [PATTERN]             list probe events with their hits\n"
	"       ftx probe [-x BINARY] -D DEF           print the tracefs line(s), write nothing\n"
	"       ftx probe [-x BINARY] -F [GLOB]        functions that can be probed\n"
	"       ftx probe -x BINARY --list-sdt         the USDT probes of BINARY\n"
	"\n"
	"DEF is perf probe's [[GROUP:]EVENT=]FUNC[+OFFS|%return] [ARG...] (kernel: also\n"
	"MOD:FUNC; with -x: a symbol of BINARY, or sdt:PROVIDER:NAME / %sdt_PROVIDER:NAME),\n"
	"or the kernel's own p|r[:[GROUP/]EVENT] PLACE [ARG...]. ARG is [NAME=]FETCH[:TYPE]:\n"
	"FETCH $argN $retval $comm $stackN $stack %REG @SYM +|-OFFS(FETCH) \\IMM; TYPE u8-u64\n"
	"s8-s64 x8-x64 char string ustring symbol b<W>@<O>/<C> TYPE[N]. Bare arguments\n"
	"form one DEF. $argN is translated to the argument registers where the kernel has\n"
	"no $argN (uprobes, older kernels), so one DEF works on x86_64, arm64 and arm.\n"
	"\n"
	"  -a, --add DEF          create a probe; repeatable\n"
	"  -d, --del PATTERN      remove the probe events matching GROUP:EVENT or EVENT\n"
	"                         (globs; groups ftx* only when named); repeatable\n"
	"  -l, --list [PATTERN]   list probe events, hits and misses from *probe_profile\n"
	"  -x, --exec BINARY      user-space probes in BINARY: a path, a name in PATH, or a\n"
	"                         library (libc, libc.so.6) from the ld.so cache\n"
	"  -D, --definition DEF   print the tracefs line(s) DEF makes; repeatable\n"
	"  -F, --funcs [GLOB]     probe-able functions: the kernel's (minus the kprobe\n"
	"                         blacklist), or BINARY's with -x\n"
	"      --list-sdt         the USDT probes (.note.stapsdt) of BINARY\n"
	"  -n, --dry-run          say what --add and --del would do, change nothing\n"
	"  -q, --quiet            only errors\n"
	"  -h, --help             this text\n";

enum { OPT_LIST_SDT = 256 };

static const struct option probe_long_opts[] = {
	{ "add",	required_argument,	NULL, 'a' },
	{ "del",	required_argument,	NULL, 'd' },
	{ "list",	optional_argument,	NULL, 'l' },
	{ "exec",	required_argument,	NULL, 'x' },
	{ "definition",	required_argument,	NULL, 'D' },
	{ "funcs",	optional_argument,	NULL, 'F' },
	{ "list-sdt",	no_argument,		NULL, OPT_LIST_SDT },
	{ "dry-run",	no_argument,		NULL, 'n' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

enum probe_mode { M_ADD, M_DEL, M_LIST, M_DEF, M_FUNCS, M_SDT };

struct probe_params {
	enum probe_mode mode;
	struct { const char *v[64]; int n; } defs;	/* --add, -D, or bare words */
	struct { const char *v[64]; int n; } dels;
	const char *pattern;		/* -l, -F */
	const char *binary;
	char *joined;			/* bare words as one DEF (owned) */
	bool dry_run, quiet;
	char err[256];
};

static int set_mode(struct probe_params *p, enum probe_mode m, bool *set)
{
	if (*set && p->mode != m) {
		snprintf(p->err, sizeof(p->err),
			 "--add, --del, --list, -D, -F and --list-sdt do not mix");
		return -1;
	}
	*set = true;
	p->mode = m;
	return 0;
}

/* Free what probe_parse() allocated; leaves @p empty, so a second call is harmless. */
static void probe_params_free(struct probe_params *p)
{
	free(p->joined);
	p->joined = NULL;
}

/*
 * Pure: no I/O, no exit. 0 to run (the caller owes probe_params_free()), 1 for
 * help, -1 with the reason in @p->err; on 1 and -1 nothing is left to free.
 */
static int probe_parse(int argc, char **argv, struct probe_params *p)
{
	bool mode_set = false;
	int c, i;

	memset(p, 0, sizeof(*p));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:a:d:l::x:D:F::nqh", probe_long_opts, NULL)) != -1) {
		switch (c) {
		case 'a':
		case 'D':
			if (set_mode(p, c == 'a' ? M_ADD : M_DEF, &mode_set) < 0)
				goto fail;
			if (p->defs.n == (int)FTX_ARRAY_SIZE(p->defs.v)) {
				snprintf(p->err, sizeof(p->err), "too many definitions");
				goto fail;
			}
			p->defs.v[p->defs.n++] = optarg;
			break;
		case 'd':
			if (set_mode(p, M_DEL, &mode_set) < 0)
				goto fail;
			if (p->dels.n == (int)FTX_ARRAY_SIZE(p->dels.v)) {
				snprintf(p->err, sizeof(p->err), "too many --del");
				goto fail;
			}
			p->dels.v[p->dels.n++] = optarg;
			break;
		case 'l':
		case 'F':
			if (set_mode(p, c == 'l' ? M_LIST : M_FUNCS, &mode_set) < 0)
				goto fail;
			p->pattern = optarg;
			break;
		case OPT_LIST_SDT:
			if (set_mode(p, M_SDT, &mode_set) < 0)
				goto fail;
			break;
		case 'x':
			if (!*optarg) {
				snprintf(p->err, sizeof(p->err), "empty binary name");
				goto fail;
			}
			p->binary = optarg;
			break;
		case 'n':
			p->dry_run = true;
			break;
		case 'q':
			p->quiet = true;
			break;
		case 'h':
			probe_params_free(p);
			return 1;
		case ':':
			snprintf(p->err, sizeof(p->err), "option '%s' needs an argument",
				 argv[optind - 1]);
			goto fail;
		default:
			snprintf(p->err, sizeof(p->err), "unknown option '%s'", argv[optind - 1]);
			goto fail;
		}
	}
	if (!mode_set)
		p->mode = M_ADD;
	if (optind < argc) {
		size_t len = 0;

		if (p->mode == M_LIST || p->mode == M_FUNCS) {
			if (p->pattern || optind + 1 < argc) {
				snprintf(p->err, sizeof(p->err), "unexpected argument '%s'",
					 argv[optind + (p->pattern ? 0 : 1)]);
				goto fail;
			}
			p->pattern = argv[optind];
		} else if (p->mode == M_ADD || p->mode == M_DEF) {
			/* as perf: the remaining words are one definition */
			for (i = optind; i < argc; i++)
				len += strlen(argv[i]) + 1;
			p->joined = calloc(1, len + 1);
			if (!p->joined) {
				snprintf(p->err, sizeof(p->err), "out of memory");
				goto fail;
			}
			for (i = optind; i < argc; i++) {
				if (i > optind)
					strcat(p->joined, " ");
				strcat(p->joined, argv[i]);
			}
			if (p->defs.n == (int)FTX_ARRAY_SIZE(p->defs.v)) {
				snprintf(p->err, sizeof(p->err), "too many definitions");
				goto fail;
			}
			p->defs.v[p->defs.n++] = p->joined;
		} else if (p->mode == M_DEL) {
			for (i = optind; i < argc && p->dels.n < (int)FTX_ARRAY_SIZE(p->dels.v); i++)
				p->dels.v[p->dels.n++] = argv[i];
		} else {
			snprintf(p->err, sizeof(p->err), "unexpected argument '%s'", argv[optind]);
			goto fail;
		}
	}
	if ((p->mode == M_ADD || p->mode == M_DEF) && !p->defs.n) {
		snprintf(p->err, sizeof(p->err), "nothing to do: give a probe definition, or "
			 "--del, --list, -F");
		goto fail;
	}
	if (p->mode == M_SDT && !p->binary) {
		snprintf(p->err, sizeof(p->err), "--list-sdt needs -x BINARY");
		goto fail;
	}
	if ((p->mode == M_DEL || p->mode == M_LIST) && p->binary) {
		snprintf(p->err, sizeof(p->err), "-x goes with --add, -D, -F and --list-sdt");
		goto fail;
	}
	return 0;
fail:
	probe_params_free(p);
	return -1;
}

static const char *tracefs_or_fail(void)
{
	const char *top;

	if (geteuid() != 0) {
		ftx_cmd_err("must run as root (tracefs)");
		return NULL;
	}
	top = ftx_tracefs_mount();
	if (!top)
		ftx_cmd_err("%s", ftx_error());
	return top;
}

/* parse + resolve one DEF; prints the error */
static int def_resolve(const char *text, const char *binary, const struct ftx_probe_env *env,
		       struct ftx_probe_lines *l)
{
	struct ftx_probe_def d;
	int ret;

	if (ftx_probe_def_parse(text, binary, &d) < 0) {
		ftx_cmd_err("'%s': %s", text, ftx_error());
		return -1;
	}
	ret = ftx_probe_resolve(&d, env, NULL, l);
	if (ret < 0)
		ftx_cmd_err("%s", ftx_error());
	ftx_probe_def_free(&d);
	return ret;
}

struct added {
	const struct ftx_probe_lines *l;
	char names[16][200];
	int n;
};

static void added_cb(const char *event, int index, void *arg)
{
	struct added *a = arg;

	if (a->n < (int)FTX_ARRAY_SIZE(a->names))
		snprintf(a->names[a->n++], sizeof(a->names[0]), "%s:%s", a->l->group, event);
	(void)index;
}

static int probe_add(const struct probe_params *p, bool def_only)
{
	const char *top = tracefs_or_fail();
	struct ftx_probe_env env;
	char shown[64][200], detail[1024];
	int nshown = 0, i, k, ret = FTX_EXIT_OK;

	if (!top)
		return FTX_EXIT_FAIL;
	ftx_probe_env_load(top, &env);
	for (i = 0; i < p->defs.n; i++) {
		struct ftx_probe_lines l;
		struct added a = { 0 };

		if (def_resolve(p->defs.v[i], p->binary, &env, &l) < 0)
			return FTX_EXIT_FAIL;
		if (def_only) {
			for (k = 0; k < l.n; k++)
				printf("%s\n", l.line[k]);
			ftx_probe_lines_free(&l);
			continue;
		}
		if (p->dry_run) {
			if (ftx_probe_exists(top, l.group, l.event)) {
				ftx_cmd_err("%s:%s exists already", l.group, l.event);
				ret = FTX_EXIT_FAIL;
			} else if (!p->quiet) {
				for (k = 0; k < l.n; k++)
					printf("would add %s:%s (on %s): %s\n", l.group, l.event,
					       l.where[k], l.line[k]);
			}
			ftx_probe_lines_free(&l);
			continue;
		}
		a.l = &l;
		if (ftx_probe_lines_create(top, NULL, &l, added_cb, &a, detail,
					   sizeof(detail)) < 0) {
			ftx_cmd_err("%s", ftx_error());
			if (*detail)
				fprintf(stderr, "%s\n", detail);
			/* a later location failed: take the earlier ones back */
			for (k = 0; k < a.n; k++)
				ftx_probe_delete(top, a.names[k], false, NULL, NULL);
			ftx_probe_lines_free(&l);
			return FTX_EXIT_FAIL;
		}
		for (k = 0; k < a.n && nshown < (int)FTX_ARRAY_SIZE(shown); k++) {
			if (l.n > 1 && a.n == 1)
				snprintf(shown[nshown++], sizeof(shown[0]), "  %-32s (on %s and %d "
					 "more location%s)", a.names[k], l.where[0], l.n - 1,
					 l.n > 2 ? "s" : "");
			else
				snprintf(shown[nshown++], sizeof(shown[0]), "  %-32s (on %s)",
					 a.names[k], l.where[k < l.n ? k : 0]);
		}
		ftx_probe_lines_free(&l);
	}
	if (!def_only && !p->dry_run && !p->quiet && nshown) {
		char name[200];

		printf("Added new event%s:\n", nshown > 1 ? "s" : "");
		for (k = 0; k < nshown; k++)
			printf("%s\n", shown[k]);
		sscanf(shown[0], " %199s", name);
		printf("\nYou can now use it with ftx record, ftx stream or trace-cmd record:\n\n"
		       "\tftx record -e %s\n", name);
	}
	return ret;
}

static void removed_cb(const char *name, void *arg)
{
	const struct probe_params *p = arg;

	if (!p->quiet)
		printf("%s event: %s\n", p->dry_run ? "Would remove" : "Removed", name);
}

static int probe_del(const struct probe_params *p)
{
	const char *top = tracefs_or_fail();
	int i, n, ret = FTX_EXIT_OK;

	if (!top)
		return FTX_EXIT_FAIL;
	for (i = 0; i < p->dels.n; i++) {
		n = ftx_probe_delete(top, p->dels.v[i], p->dry_run, removed_cb, (void *)p);
		if (n < 0) {
			ftx_cmd_err("%s", ftx_error());
			ret = FTX_EXIT_FAIL;
		} else if (n == 0) {
			ftx_cmd_err("no probe event matches '%s'", p->dels.v[i]);
			ret = FTX_EXIT_FAIL;
		}
	}
	return ret;
}

static int list_one(const struct ftx_probe_info *pi, void *arg)
{
	const char *pattern = arg;
	const char *place = strpbrk(pi->line, " \t");
	char name[240], hits[64] = "";

	snprintf(name, sizeof(name), "%s:%s", pi->group, pi->event);
	if (pattern && fnmatch(pattern, name, 0) && fnmatch(pattern, pi->event, 0))
		return 0;
	place = place ? place + strspn(place, " \t") : "";
	if (pi->have_hits && pi->misses)
		snprintf(hits, sizeof(hits), "  %llu hits, %llu missed", pi->hits, pi->misses);
	else if (pi->have_hits)
		snprintf(hits, sizeof(hits), "  %llu hit%s", pi->hits, pi->hits == 1 ? "" : "s");
	printf("  %-32s (%s%s)%s\n", name, pi->type == 'r' ? "return " : "", place, hits);
	return 0;
}

static int probe_list(const struct probe_params *p)
{
	const char *top = tracefs_or_fail();

	if (!top)
		return FTX_EXIT_FAIL;
	if (ftx_probe_list(top, list_one, (void *)p->pattern) < 0) {
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	return FTX_EXIT_OK;
}

static void print_name(const char *name, void *arg)
{
	(void)arg;
	puts(name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct ftx_elf *open_binary(const char *binary)
{
	char *path = ftx_elf_find_binary(binary);
	struct ftx_elf *e;

	if (!path) {
		ftx_cmd_err("%s", ftx_error());
		return NULL;
	}
	e = ftx_elf_open(path);
	if (!e)
		ftx_cmd_err("%s", ftx_error());
	free(path);
	return e;
}

static int probe_funcs(const struct probe_params *p)
{
	const struct ftx_elf_sym *syms;
	const char **names;
	struct ftx_elf *e;
	size_t n, i, k = 0;
	char tried[1100];

	if (!p->binary) {
		const char *top = tracefs_or_fail();

		if (!top)
			return FTX_EXIT_FAIL;
		if (ftx_probe_kfuncs_list(top, p->pattern, print_name, NULL) < 0) {
			ftx_cmd_err("%s", ftx_error());
			return FTX_EXIT_FAIL;
		}
		return FTX_EXIT_OK;
	}
	e = open_binary(p->binary);
	if (!e)
		return FTX_EXIT_FAIL;
	if (ftx_elf_stripped(e, tried, sizeof(tried)))
		fprintf(stderr, "ftx probe: %s is stripped and no debug file was found (tried %s): "
			"only its exported functions are listed\n", ftx_elf_path(e), tried);
	n = ftx_elf_symbols(e, &syms);
	names = calloc(n ? n : 1, sizeof(*names));
	if (!names) {
		ftx_elf_close(e);
		return FTX_EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		if (syms[i].type == STT_OBJECT)
			continue;
		if (p->pattern && fnmatch(p->pattern, syms[i].name, 0))
			continue;
		names[k++] = syms[i].name;
	}
	qsort(names, k, sizeof(*names), name_cmp);
	for (i = 0; i < k; i++)
		if (!i || strcmp(names[i], names[i - 1]))
			puts(names[i]);
	free(names);
	ftx_elf_close(e);
	return FTX_EXIT_OK;
}

static int probe_sdt(const struct probe_params *p)
{
	const struct ftx_sdt_note *notes;
	const struct ftx_elf_seg *segs;
	struct ftx_elf *e = open_binary(p->binary);
	size_t n, ns, i;

	if (!e)
		return FTX_EXIT_FAIL;
	n = ftx_elf_sdt_notes(e, &notes);
	ns = ftx_elf_segs(e, &segs);
	if (!n && !p->quiet)
		fprintf(stderr, "ftx probe: %s has no USDT probes (no .note.stapsdt section)\n",
			ftx_elf_path(e));
	for (i = 0; i < n; i++) {
		uint64_t off = 0, soff = 0;
		char sem[64] = "";

		ftx_elf_seg_offset(segs, ns, notes[i].loc, PF_X, 0, &off);
		if (notes[i].sem) {
			ftx_elf_seg_offset(segs, ns, notes[i].sem, PF_W, PF_X, &soff);
			snprintf(sem, sizeof(sem), "  semaphore 0x%llx", (unsigned long long)soff);
		}
		printf("sdt:%s:%s  at 0x%llx%s%s%s\n", notes[i].provider, notes[i].name,
		       (unsigned long long)off, sem, *notes[i].args ? "  args: " : "",
		       notes[i].args);
	}
	ftx_elf_close(e);
	return FTX_EXIT_OK;
}

static int probe_run(int argc, char **argv)
{
	struct probe_params p;
	int ret;

	ret = probe_parse(argc, argv, &p);
	if (ret > 0)
		return ftx_cmd_help(&ftx_cmd_probe);
	if (ret < 0)
		return ftx_cmd_usage_error(&ftx_cmd_probe, "%s", p.err);
	switch (p.mode) {
	case M_ADD:
		ret = probe_add(&p, false);
		break;
	case M_DEF:
		ret = probe_add(&p, true);
		break;
	case M_DEL:
		ret = probe_del(&p);
		break;
	case M_LIST:
		ret = probe_list(&p);
		break;
	case M_FUNCS:
		ret = probe_funcs(&p);
		break;
	case M_SDT:
		ret = probe_sdt(&p);
		break;
	}
	probe_params_free(&p);
	return ret;
}

const struct ftx_cmd ftx_cmd_probe = {
	.name = "probe",
	.summary = "create, list and delete kprobes, uprobes and USDT probes (perf probe's syntax)",
	.usage = probe_usage,
	.flags = 0,
	.run = probe_run,
};
