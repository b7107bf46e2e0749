// SPDX-License-Identifier: GPL-2.0
/*
 * ftx list: what can be traced, as trace-cmd list prints it: events (and
 * their formats), tracers, options, traceable functions, probes, instances,
 * clocks, compression algorithms. From tracefs, or from a trace.dat (-i, no
 * root needed). parse → run.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>
#include <zstd.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/tracefs-util.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"

static const char list_usage[] =
	"usage: ftx list [-e [REGEX]] [-F [--full]] [-t] [-o] [-f [REGEX]] [-p] [-B] [-C] [-c]\n"
	"                [-i FILE]\n"
	"\n"
	"List what can be traced, as 'trace-cmd list' does; with no option: event\n"
	"systems, events, tracers, options and compression algorithms.\n"
	"\n"
	"  -e [REGEX]    events (system:event), those matching REGEX (a regular\n"
	"                expression as trace-cmd's, or a glob such as 'sched:*')\n"
	"  -F            with -e: each event's format\n"
	"      --full    with -F: the print fmt line too\n"
	"  -t            tracers\n"
	"  -o            trace options\n"
	"  -f [REGEX]    traceable functions (available_filter_functions; from a file:\n"
	"                its kallsyms' text symbols)\n"
	"  -p            probes (dynamic events: kprobes, uprobes, eprobes; from a file:\n"
	"                the events of probe systems)\n"
	"  -B            instances\n"
	"  -C            trace clocks, the one in use in brackets\n"
	"  -c            trace.dat compression algorithms this ftx writes\n"
	"  -i FILE       list from a trace.dat file instead of tracefs\n"
	"  -h, --help    this text\n";

enum { OPT_FULL = 256 };

static const struct option list_options[] = {
	{ "full", no_argument, NULL, OPT_FULL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

enum {
	L_SYSTEMS = 1 << 0, L_EVENTS = 1 << 1, L_TRACERS = 1 << 2, L_OPTIONS = 1 << 3,
	L_FUNCS = 1 << 4, L_PROBES = 1 << 5, L_INSTANCES = 1 << 6, L_CLOCKS = 1 << 7,
	L_COMP = 1 << 8,
};

struct list_params {
	unsigned int what;
	const char *event_re, *func_re, *input;
	bool format, full;
};

/* Pure: no I/O, no exit. 0 to run, 1 for help, -1 with a reason in @err. */
int list_parse(int argc, char **argv, struct list_params *p, char *err, size_t size);

/* -e and -f take an optional pattern: the next word when it is not an option */
static const char *optional_arg(int argc, char **argv)
{
	if (optarg)
		return optarg;
	if (optind < argc && argv[optind][0] != '-')
		return argv[optind++];
	return NULL;
}

int list_parse(int argc, char **argv, struct list_params *p, char *err, size_t size)
{
	int c;

	*p = (struct list_params){ 0 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+he::Ftof::pBCci:", list_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'e':
			p->what |= L_EVENTS;
			p->event_re = optional_arg(argc, argv);
			break;
		case 'F':
			p->format = true;
			break;
		case OPT_FULL:
			p->full = true;
			break;
		case 't':
			p->what |= L_TRACERS;
			break;
		case 'o':
			p->what |= L_OPTIONS;
			break;
		case 'f':
			p->what |= L_FUNCS;
			p->func_re = optional_arg(argc, argv);
			break;
		case 'p':
			p->what |= L_PROBES;
			break;
		case 'B':
			p->what |= L_INSTANCES;
			break;
		case 'C':
			p->what |= L_CLOCKS;
			break;
		case 'c':
			p->what |= L_COMP;
			break;
		case 'i':
			p->input = optarg;
			break;
		default:
			return ftx_cmd_bad_option(argv, 'i', "a file", err, size);
		}
	}
	if (ftx_cmd_no_operands(argc, argv, err, size))
		return -1;
	if ((p->format || p->full) && !(p->what & L_EVENTS)) {
		snprintf(err, size, "%s needs -e", p->format ? "-F" : "--full");
		return -1;
	}
	if (p->full)
		p->format = true;
	/* trace-cmd's full listing; a file has no tracers or options to list */
	if (!p->what)
		p->what = L_SYSTEMS | L_EVENTS | L_COMP | (p->input ? 0 : L_TRACERS | L_OPTIONS);
	return 0;
}

/* ---------------------------------------------------------------- matching */

struct matcher {
	const char *pattern;
	regex_t re;
	bool have_re;
};

static void matcher_init(struct matcher *m, const char *pattern)
{
	m->pattern = pattern;
	m->have_re = pattern && !regcomp(&m->re, pattern, REG_EXTENDED | REG_NOSUB);
}

static void matcher_free(struct matcher *m)
{
	if (m->have_re)
		regfree(&m->re);
}

/* trace-cmd's regular expression, or else a glob ('sched:*' is not a valid ERE) */
static bool matches(const struct matcher *m, const char *s)
{
	if (!m->pattern)
		return true;
	if (m->have_re && !regexec(&m->re, s, 0, NULL, 0))
		return true;
	return !fnmatch(m->pattern, s, 0);
}

/* ---------------------------------------------------------------- output helpers */

static int refused(const char *what, int err)
{
	char reason[256];

	ftx_tracefs_reason(NULL, NULL, err, reason, sizeof(reason));
	ftx_cmd_err("cannot read %s: %s", what, reason);
	return FTX_EXIT_FAIL;
}

/* A format text: all of it with --full, else up to its print fmt line */
static void print_format(const char *system, const char *text, size_t len, bool full)
{
	const char *pf = NULL;

	if (!full) {
		for (const char *p = text; p && p < text + len; p = memchr(p, '\n', text + len - p)) {
			if (*p == '\n')
				p++;
			if (!strncmp(p, "print fmt:", 10)) {
				pf = p;
				break;
			}
		}
	}
	printf("system: %s\n", system);
	fwrite(text, 1, pf ? (size_t)(pf - text) : len, stdout);
	if (full && len && text[len - 1] != '\n')
		putchar('\n');
}

/* The "name: X" of a format text, copied into @name */
static void format_name(const char *text, size_t len, char *name, size_t size)
{
	const char *p = text, *e;

	*name = '\0';
	if (len < 6 || strncmp(p, "name: ", 6))
		return;
	p += 6;
	e = memchr(p, '\n', text + len - p);
	if (!e)
		e = text + len;
	snprintf(name, size, "%.*s", (int)(e - p), p);
}

/* ---------------------------------------------------------------- tracefs */

static int print_file(const char *dir, const char *file, const struct matcher *m)
{
	char path[512], *text, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = ftx_read_file(path, NULL);
	if (!text)
		return refused(path, errno);
	if (!m) {
		fputs(text, stdout);
	} else {
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (matches(m, line))
				puts(line);
	}
	free(text);
	return 0;
}

static int tracefs_systems(const char *dir)
{
	char path[512];
	struct dirent *d;
	DIR *dd;

	snprintf(path, sizeof(path), "%s/events", dir);
	dd = opendir(path);
	if (!dd)
		return refused(path, errno);
	while ((d = readdir(dd))) {
		if (d->d_name[0] == '.' || d->d_type != DT_DIR)
			continue;
		puts(d->d_name);
	}
	closedir(dd);
	return 0;
}

/* -F: trace-cmd walks events/<system>/<event>/ in directory order */
static int tracefs_formats(const char *dir, const struct matcher *m, bool full)
{
	char path[1024], name[600], *fmt;
	struct dirent *s, *e;
	DIR *sd, *ed;
	size_t len;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/events", dir);
	sd = opendir(path);
	if (!sd)
		return refused(path, errno);
	while ((s = readdir(sd))) {
		if (s->d_name[0] == '.' || s->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", dir, s->d_name);
		ed = opendir(path);
		if (!ed)
			continue;
		while ((e = readdir(ed))) {
			if (e->d_name[0] == '.' || e->d_type != DT_DIR)
				continue;
			snprintf(name, sizeof(name), "%s:%s", s->d_name, e->d_name);
			if (!matches(m, name))
				continue;
			snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, s->d_name,
				 e->d_name);
			fmt = ftx_read_file(path, &len);
			if (!fmt) {
				ret = refused(path, errno);
				continue;
			}
			print_format(s->d_name, fmt, len, full);
			free(fmt);
		}
		closedir(ed);
	}
	closedir(sd);
	return ret;
}

static int tracefs_events(const char *dir, const struct list_params *p)
{
	char path[512], *text, *line, *save = NULL;
	struct matcher m;
	int ret = 0;

	matcher_init(&m, p->event_re);
	if (p->format) {
		ret = tracefs_formats(dir, &m, p->full);
		matcher_free(&m);
		return ret;
	}
	snprintf(path, sizeof(path), "%s/available_events", dir);
	text = ftx_read_file(path, NULL);
	if (!text) {
		matcher_free(&m);
		return refused(path, errno);
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (matches(&m, line))
			puts(line);
	matcher_free(&m);
	free(text);
	return ret;
}

/* options/: each file holds 0 or 1; the tracers' own options are there too */
static int tracefs_options(const char *dir)
{
	char path[512], *v;
	struct dirent *d;
	DIR *dd;

	snprintf(path, sizeof(path), "%s/options", dir);
	dd = opendir(path);
	if (!dd)
		return print_file(dir, "trace_options", NULL);
	while ((d = readdir(dd))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/options/%s", dir, d->d_name);
		v = ftx_read_file(path, NULL);
		if (!v)
			continue;
		printf("%s%s\n", v[0] == '1' ? "" : "no", d->d_name);
		free(v);
	}
	closedir(dd);
	return 0;
}

static int tracefs_probes(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/dynamic_events", dir);
	if (!access(path, F_OK))
		return print_file(dir, "dynamic_events", NULL);
	/* before 5.0: one file per probe type */
	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	if (!access(path, F_OK) && print_file(dir, "kprobe_events", NULL))
		return FTX_EXIT_FAIL;
	snprintf(path, sizeof(path), "%s/uprobe_events", dir);
	if (!access(path, F_OK) && print_file(dir, "uprobe_events", NULL))
		return FTX_EXIT_FAIL;
	return 0;
}

static int tracefs_instances(const char *dir)
{
	char path[512];
	struct dirent *d;
	int n = 0;
	DIR *dd;

	snprintf(path, sizeof(path), "%s/instances", dir);
	dd = opendir(path);
	if (!dd)
		return errno == ENOENT ? (puts("No buffer instances defined"), 0) :
					 refused(path, errno);
	while ((d = readdir(dd))) {
		if (d->d_name[0] == '.')
			continue;
		puts(d->d_name);
		n++;
	}
	closedir(dd);
	if (!n)
		puts("No buffer instances defined");
	return 0;
}

static void print_compressions(void)
{
	printf("Supported compression algorithms:\n\tzstd, %s\n\tzlib, %s\n",
	       ZSTD_versionString(), zlibVersion());
}

static int list_tracefs(const struct list_params *p)
{
	const char *dir = ftx_tracefs_mount();
	int ret = 0, first = 1;

	if (p->what & L_COMP && p->what == L_COMP) {
		print_compressions();
		return 0;
	}
	if (!dir) {
		ftx_cmd_err("tracefs is not mounted and cannot be mounted (root is needed); -i FILE lists a trace.dat");
		return FTX_EXIT_FAIL;
	}
	/* with several listings, each gets trace-cmd's title and a blank line after */
#define TITLE(t) do { if (several) printf("%s%s:\n", first ? "" : "\n", t); first = 0; } while (0)
	{
		bool several = (p->what & (p->what - 1)) != 0;

		if (p->what & L_SYSTEMS) {
			TITLE("event systems");
			ret |= tracefs_systems(dir);
		}
		if (p->what & L_EVENTS) {
			TITLE("events");
			ret |= tracefs_events(dir, p);
		}
		if (p->what & L_TRACERS) {
			TITLE("tracers");
			ret |= print_file(dir, "available_tracers", NULL);
		}
		if (p->what & L_OPTIONS) {
			TITLE("options");
			ret |= tracefs_options(dir);
		}
		if (p->what & L_FUNCS) {
			struct matcher m;

			TITLE("functions");
			matcher_init(&m, p->func_re);
			ret |= print_file(dir, "available_filter_functions", &m);
			matcher_free(&m);
		}
		if (p->what & L_PROBES) {
			TITLE("probes");
			ret |= tracefs_probes(dir);
		}
		if (p->what & L_INSTANCES) {
			TITLE("instances");
			ret |= tracefs_instances(dir);
		}
		if (p->what & L_CLOCKS) {
			TITLE("clocks");
			ret |= print_file(dir, "trace_clock", NULL);
		}
		if (p->what & L_COMP)
			print_compressions();	/* trace-cmd: right after the options */
	}
#undef TITLE
	return ret ? FTX_EXIT_FAIL : FTX_EXIT_OK;
}

/* ---------------------------------------------------------------- trace.dat */

/* Walk a v6-layout format list (u32 count, {u64 size, text}) */
static const char *next_format(const char **pp, const char *end, size_t *len)
{
	uint64_t l;
	const char *p = *pp;

	if (end - p < 8)
		return NULL;
	memcpy(&l, p, 8);
	p += 8;
	if (l > (uint64_t)(end - p))
		return NULL;
	*len = l;
	*pp = p + l;
	return p;
}

static bool format_is_probe(const char *text, size_t len)
{
	/* kprobes, uprobes and eprobes all record __probe_ip or __probe_func */
	return memmem(text, len, "__probe_ip", 10) || memmem(text, len, "__probe_func", 12);
}

static void file_format_list(const char *system, const char **pp, const char *end,
			     const struct list_params *p, const struct matcher *m, bool probes)
{
	uint32_t n;
	char name[256], full[512];
	size_t len;

	if (end - *pp < 4)
		return;
	memcpy(&n, *pp, 4);
	*pp += 4;
	while (n--) {
		const char *text = next_format(pp, end, &len);

		if (!text)
			return;
		format_name(text, len, name, sizeof(name));
		snprintf(full, sizeof(full), "%s:%s", system, name);
		if (probes) {
			if (format_is_probe(text, len))
				puts(full);
			continue;
		}
		if (!matches(m, full))
			continue;
		if (p->format)
			print_format(system, text, len, p->full);
		else
			puts(full);
	}
}

static int file_events(struct ftx_tracedat *td, const struct list_params *p, bool probes,
		       bool systems)
{
	char *ft = NULL, *ev = NULL;
	size_t ftl, evl;
	const char *q, *end;
	struct matcher m;
	uint32_t nsys;

	if (ftx_tracedat_block(td, FTX_TRACEDAT_FTRACE_EVENTS, &ft, &ftl) ||
	    ftx_tracedat_block(td, FTX_TRACEDAT_EVENT_FORMATS, &ev, &evl)) {
		free(ft);
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	matcher_init(&m, p->event_re);
	if (systems && ft)
		puts("ftrace");
	else if (ft && !probes)
		file_format_list("ftrace", &(const char *){ ft }, ft + ftl, p, &m, false);
	q = ev;
	end = ev + evl;
	if (ev && end - q >= 4) {
		memcpy(&nsys, q, 4);
		q += 4;
		while (nsys-- && q < end) {
			const char *sys = q, *nul = memchr(q, 0, end - q);

			if (!nul)
				break;
			q = nul + 1;
			if (systems) {
				puts(sys);
				/* skip its formats */
				uint32_t n;
				size_t len;

				if (end - q < 4)
					break;
				memcpy(&n, q, 4);
				q += 4;
				while (n-- && next_format(&q, end, &len))
					;
				continue;
			}
			file_format_list(sys, &q, end, p, &m, probes);
		}
	}
	matcher_free(&m);
	free(ft);
	free(ev);
	return 0;
}

/* Text symbols of the file's kallsyms, in available_filter_functions' shape */
static int file_funcs(struct ftx_tracedat *td, const struct list_params *p)
{
	char *blk, *line, *save = NULL, type, name[512], mod[256];
	struct matcher m;
	uint32_t l;
	size_t len;

	if (ftx_tracedat_block(td, FTX_TRACEDAT_KALLSYMS, &blk, &len)) {
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	if (!blk || len < 4) {
		free(blk);
		ftx_cmd_err("%s: the file holds no kallsyms", p->input);
		return FTX_EXIT_FAIL;
	}
	memcpy(&l, blk, 4);
	if (l > len - 4)
		l = len - 4;
	blk[4 + l] = '\0';
	matcher_init(&m, p->func_re);
	for (line = strtok_r(blk + 4, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char out[800];
		int n;

		mod[0] = '\0';
		n = sscanf(line, "%*s %c %511s [%255[^]]]", &type, name, mod);
		if (n < 2 || (type != 't' && type != 'T'))
			continue;
		if (mod[0])
			snprintf(out, sizeof(out), "%s [%s]", name, mod);
		else
			snprintf(out, sizeof(out), "%s", name);
		if (matches(&m, out))
			puts(out);
	}
	matcher_free(&m);
	free(blk);
	return 0;
}

static int list_file(const struct list_params *p)
{
	struct ftx_tracedat *td;
	bool several = (p->what & (p->what - 1)) != 0;
	int ret = 0, first = 1;

	td = ftx_tracedat_open(p->input, FTX_TRACEDAT_NO_PLUGINS | FTX_TRACEDAT_LAZY_KALLSYMS);
	if (!td) {
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
#define TITLE(t) do { if (several) printf("%s%s:\n", first ? "" : "\n", t); first = 0; } while (0)
	if (p->what & L_SYSTEMS) {
		TITLE("event systems");
		ret |= file_events(td, p, false, true);
	}
	if (p->what & L_EVENTS) {
		TITLE("events");
		ret |= file_events(td, p, false, false);
	}
	if (p->what & (L_TRACERS | L_OPTIONS)) {
		/* the file does not say: only tracefs knows */
		ftx_cmd_err("%s: a trace.dat holds no list of %s (only tracefs has it)",
			    p->input, p->what & L_TRACERS ? "tracers" : "options");
		ret = 1;
	}
	if (p->what & L_FUNCS) {
		TITLE("functions");
		ret |= file_funcs(td, p);
	}
	if (p->what & L_PROBES) {
		TITLE("probes");
		ret |= file_events(td, p, true, false);
	}
	if (p->what & L_INSTANCES) {
		int n = ftx_tracedat_nr_buffers(td);

		TITLE("instances");
		if (!n)
			puts("No buffer instances defined");
		for (int i = 0; i < n; i++)
			puts(ftx_tracedat_buffer_name(td, i));
	}
	if (p->what & L_CLOCKS) {
		TITLE("clocks");
		printf("[%s]\n", ftx_tracedat_clock(td));
	}
	if (p->what & L_COMP)
		print_compressions();	/* trace-cmd: right after the options, no blank line */
#undef TITLE
	ftx_tracedat_close(td);
	return ret ? FTX_EXIT_FAIL : FTX_EXIT_OK;
}

static int list_run(int argc, char **argv)
{
	struct list_params p;
	char err[256];
	int ret;

	ret = list_parse(argc, argv, &p, err, sizeof(err));
	if (ret)
		return ftx_cmd_parse_exit(&ftx_cmd_list, ret, err);
	return p.input ? list_file(&p) : list_tracefs(&p);
}

const struct ftx_cmd ftx_cmd_list = {
	.name = "list",
	.summary = "list events, tracers, options, functions, probes (tracefs or a trace.dat)",
	.usage = list_usage,
	.run = list_run,
};
