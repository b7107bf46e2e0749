// SPDX-License-Identifier: GPL-2.0
/*
 * ftx record: record tracepoints into trace.dat (v6) from a private instance,
 * until SIGINT or until a command exits. Options follow trace-cmd record.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/probe.h"
#include "ftx/record-cli.h"
#include "ftx/pmc-sampler.h"
#include "ftx/recorder.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/tracedat-write.h"
#include "ftx/tracer.h"
#include "ftx/util.h"


static const char record_usage[] =
	"usage: ftx record [options] [--] [command [args...]]\n"
	"\n"
	"Record tracepoints and the function tracers into a trace.dat file (version 6,\n"
	"read by every trace-cmd and KernelShark; or 7). Without a command, records\n"
	"until Ctrl-C; with one, records until it exits. ftx's own threads are left out.\n"
	"\n"
	FTX_RECORD_CLI_USAGE
	"  -o, --output FILE           output file (default trace.dat)\n"
	"      --threads N             drain threads (default: one per CPU, at most 64)\n"
	"      --tmpdir DIR            per-CPU temp files in DIR (default: the output's\n"
	"                              directory); a RAM-backed DIR spares a slow disk\n"
	"      --file-version N        6 (default: trace-cmd 2.9 and KernelShark 1.x read it)\n"
	"                              or 7 (trace-cmd 3.x, KernelShark 2.x; compressed)\n"
	"      --compression ALG       with version 7: zstd (default), zlib, none, any\n"
	"      --no-filter             keep ftx's own threads' events in the trace\n"
	"  -T                          a kernel stack trace with every event\n"
	"  -r PRIO                     SCHED_FIFO priority PRIO for ftx's threads (drain)\n"
	"      --user USER             run the command as USER (name or uid)\n"
	"      --module MOD            function tracers: only MOD's functions\n"
	"      --cmdlines-size N       saved_cmdlines entries for the run (at least 32768)\n"
	"  -s USECS                    accepted for trace-cmd's sake; ftx's drain needs\n"
	"                              no interval (the kernel wakes it)\n"
	"      --date                  the time of day in the file (trace.dat's DATE\n"
	"                              option): reports print it instead of the clock\n"
	"      --subbuf-size KB        ring buffer sub-buffers of KB (the kernel rounds up\n"
	"                              to pages; needs buffer_subbuf_size_kb, 6.8 and later)\n"
	"  -m SIZE                     keep at most about SIZE KB of each CPU's data, the\n"
	"                              newest (two temp files of SIZE/2 take turns); what\n"
	"                              it cuts is counted in the summary\n"
	"  -a                          the format of every event in the file, not only the\n"
	"                              recorded ones' (for events enabled behind ftx's back)\n"
	"  -k                          keep the instance as the recording left it (events,\n"
	"                              tracer, filters; tracing off); 'ftx reset' removes it\n"
	"  Not taken (one line says why): -B\n"
	"\n"
	"Function tracers (need a kernel that allows them; see 'ftx check'):\n"
	"  -p, --plugin TRACER         function or function_graph (any tracer the kernel has)\n"
	"  -l, --limit FUNC            trace only FUNC (glob, or GLOB:mod:MODULE); repeatable\n"
	"  -n, --notrace FUNC          do not trace FUNC; repeatable\n"
	"  -g, --graph FUNC            function_graph from FUNC down; repeatable\n"
	"      --graph-notrace FUNC    function_graph skips FUNC and what it calls\n"
	"      --max-graph-depth N     function_graph to N levels\n"
	"  -O, --option OPT            trace option, e.g. funcgraph-proc, funcgraph-retval,\n"
	"                              nofuncgraph-irqs; repeatable\n"
	"      --func-stack            a kernel stack trace with every function event\n"
	"  Names are checked against available_filter_functions first: an unknown or\n"
	"  untraceable one stops the run and the closest traceable names are listed.\n"
	"  -h, --help                  this text\n";

/* Everything the command line asks for; filled by the pure parser. */
struct record_params {
	struct ftx_record_cli cli;	/* -e -f -b -C -P -F -c -M -q */
	const char *output;
	const char *tmpdir;	/* NULL: the output's directory */
	unsigned int threads;
	char **command;		/* NULL-terminated, or NULL */
	unsigned int file_version;	/* 6 or 7 */
	int compression;	/* -1: the version's default */
	bool no_filter;		/* --no-filter: ftx's threads stay in the trace */
	bool stacktrace;	/* -T */
	int rt_prio;		/* -r; 0: none */
	const char *user;	/* --user */
	const char *module;	/* --module */
	unsigned long cmdlines_size;	/* --cmdlines-size; 0: ftx's default */
	bool date;		/* --date: a DATE option, reports in time of day */
	unsigned long subbuf_kb;	/* --subbuf-size; 0: the kernel's */
	unsigned long max_kb;	/* -m; 0: no limit */
	bool all_formats;	/* -a */
	bool keep;		/* -k: the instance stays */
	struct ftx_tracer_opts tracer;	/* -p -l -n -g ...: owned, see record_params_free() */
	char err[256];		/* why the parse failed */
};

/* Free what record_parse() allocated; leaves @p empty, so a second call is harmless. */
static void record_params_free(struct record_params *p)
{
	ftx_tracer_opts_free(&p->tracer);
}

enum {
	OPT_THREADS = 256,
	OPT_TMPDIR,
	OPT_GRAPH_NOTRACE,
	OPT_MAX_GRAPH_DEPTH,
	OPT_FUNC_STACK,
	OPT_FILE_VERSION,
	OPT_COMPRESSION,
	OPT_NO_FILTER,
	OPT_USER,
	OPT_MODULE,
	OPT_CMDLINES_SIZE,
	OPT_DATE,
	OPT_SUBBUF_SIZE,
};

static const struct option record_long_opts[] = {
	FTX_RECORD_CLI_LONG_OPTS,
	{ "output",		required_argument,	NULL, 'o' },
	{ "threads",		required_argument,	NULL, OPT_THREADS },
	{ "tmpdir",		required_argument,	NULL, OPT_TMPDIR },
	{ "file-version",	required_argument,	NULL, OPT_FILE_VERSION },
	{ "compression",	required_argument,	NULL, OPT_COMPRESSION },
	{ "no-filter",		no_argument,		NULL, OPT_NO_FILTER },
	{ "user",		required_argument,	NULL, OPT_USER },
	{ "module",		required_argument,	NULL, OPT_MODULE },
	{ "cmdlines-size",	required_argument,	NULL, OPT_CMDLINES_SIZE },
	{ "date",		no_argument,		NULL, OPT_DATE },
	{ "subbuf-size",	required_argument,	NULL, OPT_SUBBUF_SIZE },
	{ "plugin",		required_argument,	NULL, 'p' },
	{ "limit",		required_argument,	NULL, 'l' },
	{ "notrace",		required_argument,	NULL, 'n' },
	{ "graph",		required_argument,	NULL, 'g' },
	{ "graph-notrace",	required_argument,	NULL, OPT_GRAPH_NOTRACE },
	{ "max-graph-depth",	required_argument,	NULL, OPT_MAX_GRAPH_DEPTH },
	{ "option",		required_argument,	NULL, 'O' },
	{ "func-stack",		no_argument,		NULL, OPT_FUNC_STACK },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

/* --file-version, --compression, --no-filter */
static int record_parse_file_opt(struct record_params *p, int c, const char *arg)
{
	if (c == OPT_NO_FILTER) {
		p->no_filter = true;
		return 0;
	}
	if (c == OPT_FILE_VERSION) {
		if (strcmp(arg, "6") && strcmp(arg, "7")) {
			snprintf(p->err, sizeof(p->err), "--file-version %s: 6 or 7", arg);
			return -1;
		}
		p->file_version = arg[0] - '0';
		return 0;
	}
	p->compression = ftx_tdat_compression_parse(arg);
	if (p->compression < 0) {
		snprintf(p->err, sizeof(p->err), "--compression %s: zstd, zlib, none or any", arg);
		return -1;
	}
	return 0;
}

/*
 * trace-cmd record options ftx does not take, and why (a usage error: a
 * silently different recording would be worse)
 */
static const struct { int opt; const char *name, *why; } not_taken[] = {
	{ 'B', "-B", "ftx records one buffer, its own instance (ftx-<pid>), and writes no "
		     "second one; '-k' keeps that instance afterwards" },
};

/* -T -r -s -m -a -k --user --module --cmdlines-size, and the refused ones */
static int record_parse_habit(struct record_params *p, int c, const char *arg)
{
	unsigned long long v;
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(not_taken); i++) {
		if (not_taken[i].opt == c) {
			snprintf(p->err, sizeof(p->err), "%s: not supported: %s", not_taken[i].name,
				 not_taken[i].why);
			return -1;
		}
	}
	switch (c) {
	case 'T':
		p->stacktrace = true;
		return 0;
	case 'a':
		p->all_formats = true;
		return 0;
	case 'k':
		p->keep = true;
		return 0;
	case 'm':
		/* 1 TB per CPU: beyond that, no limit was meant */
		if (ftx_parse_uint(arg, &v) < 0 || !v || v > (1ull << 30)) {
			snprintf(p->err, sizeof(p->err), "-m %s: KB per CPU, 1 to 1073741824", arg);
			return -1;
		}
		p->max_kb = v;
		return 0;
	case 'r':
		if (ftx_parse_uint(arg, &v) < 0 || v < 1 || v > 99) {
			snprintf(p->err, sizeof(p->err), "-r %s: a SCHED_FIFO priority 1-99", arg);
			return -1;
		}
		p->rt_prio = v;
		return 0;
	case 's':
		if (ftx_parse_uint(arg, &v) < 0) {
			snprintf(p->err, sizeof(p->err), "-s %s: microseconds", arg);
			return -1;
		}
		return 0;
	case OPT_USER:
		p->user = arg;
		return 0;
	case OPT_DATE:
		p->date = true;
		return 0;
	case OPT_SUBBUF_SIZE:
		if (ftx_parse_uint(arg, &v) < 0 || !v || v > 1024) {
			snprintf(p->err, sizeof(p->err), "--subbuf-size %s: KB, 1 to 1024", arg);
			return -1;
		}
		p->subbuf_kb = v;
		return 0;
	case OPT_MODULE:
		if (!*arg || strpbrk(arg, " \t\n:")) {
			snprintf(p->err, sizeof(p->err), "bad module name '%s'", arg);
			return -1;
		}
		p->module = arg;
		return 0;
	default:	/* OPT_CMDLINES_SIZE */
		if (ftx_parse_uint(arg, &v) < 0 || !v || v > (1u << 20)) {
			snprintf(p->err, sizeof(p->err), "--cmdlines-size %s: 1 to 1048576", arg);
			return -1;
		}
		p->cmdlines_size = v;
		return 0;
	}
}

/*
 * --module MOD as trace-cmd: every -l filter gets ":mod:MOD", or "*:mod:MOD"
 * alone when there is none; it selects the function tracer by itself.
 */
static int record_apply_module(struct record_params *p)
{
	struct ftx_strv *f = &p->tracer.filter;
	char buf[512];
	int i;

	if (!p->module)
		return 0;
	for (i = 0; i < f->n; i++) {
		if (strstr(f->v[i], ":mod:")) {
			snprintf(p->err, sizeof(p->err), "--module with -l '%s', which names a module",
				 f->v[i]);
			return -1;
		}
	}
	if (!f->n) {
		snprintf(buf, sizeof(buf), "*:mod:%s", p->module);
		return ftx_strv_push(f, buf) < 0 ? -1 : 0;
	}
	for (i = 0; i < f->n; i++) {
		char *n;

		if (asprintf(&n, "%s:mod:%s", f->v[i], p->module) < 0)
			return -1;
		free(f->v[i]);
		f->v[i] = n;
	}
	return 0;
}

/*
 * record_parse - the pure option parser (no I/O, no exit): fills @p from
 * argv, arguments borrowed (the -e and -P ones are split in place).
 * Returns 0 (the caller owes record_params_free()), 1 for --help, or -1 with
 * the reason in @p->err; on 1 and -1 nothing is left to free.
 */
static int record_parse(int argc, char **argv, struct record_params *p)
{
	unsigned long long v;
	int c, ret;

	memset(p, 0, sizeof(*p));
	p->output = "trace.dat";
	p->file_version = 6;
	p->compression = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:e:f:o:b:C:P:FcM:qhp:l:n:g:O:Tr:s:m:B:ak", record_long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg) {
				snprintf(p->err, sizeof(p->err), "empty output file name");
				goto fail;
			}
			p->output = optarg;
			break;
		case OPT_TMPDIR:
			if (!*optarg) {
				snprintf(p->err, sizeof(p->err), "empty --tmpdir");
				goto fail;
			}
			p->tmpdir = optarg;
			break;
		case OPT_THREADS:
			if (ftx_parse_uint(optarg, &v) < 0 || v == 0 || v > 1024) {
				snprintf(p->err, sizeof(p->err), "bad thread count '%s'", optarg);
				goto fail;
			}
			p->threads = v;
			break;
		case 'p':
			if (!*optarg || strpbrk(optarg, " \t\n/")) {
				snprintf(p->err, sizeof(p->err), "bad tracer '%s'", optarg);
				goto fail;
			}
			p->tracer.tracer = optarg;
			break;
		case 'l':
		case 'n':
		case 'g':
		case OPT_GRAPH_NOTRACE:
		case 'O': {
			struct ftx_strv *sv = c == 'l' ? &p->tracer.filter :
					      c == 'n' ? &p->tracer.notrace :
					      c == 'g' ? &p->tracer.graph :
					      c == 'O' ? &p->tracer.options : &p->tracer.graph_notrace;

			if (!*optarg || strpbrk(optarg, " \t\n") || ftx_strv_push(sv, optarg) < 0) {
				snprintf(p->err, sizeof(p->err), "bad argument '%s'", optarg);
				goto fail;
			}
			break;
		}
		case OPT_MAX_GRAPH_DEPTH:
			if (ftx_parse_uint(optarg, &v) < 0 || v == 0 || v > 1000) {
				snprintf(p->err, sizeof(p->err), "bad graph depth '%s' (1-1000)", optarg);
				goto fail;
			}
			p->tracer.max_graph_depth = v;
			break;
		case OPT_FUNC_STACK:
			p->tracer.func_stack = true;
			break;
		case 'T': case 'r': case 's': case 'm': case 'B': case 'a': case 'k':
		case OPT_USER: case OPT_MODULE: case OPT_CMDLINES_SIZE: case OPT_DATE:
		case OPT_SUBBUF_SIZE:
			if (record_parse_habit(p, c, optarg) < 0)
				goto fail;
			break;
		case OPT_FILE_VERSION:
		case OPT_COMPRESSION:
		case OPT_NO_FILTER:
			if (record_parse_file_opt(p, c, optarg) < 0)
				goto fail;
			break;
		case 'h':
			snprintf(p->err, sizeof(p->err), "help");
			record_params_free(p);
			return 1;
		case ':':
			snprintf(p->err, sizeof(p->err), "option '%s' needs an argument",
				 argv[optind - 1]);
			goto fail;
		default:
			ret = ftx_record_cli_opt(&p->cli, c, optarg);
			if (ret < 0) {
				snprintf(p->err, sizeof(p->err), "%s", ftx_error());
				goto fail;
			}
			if (!ret) {
				snprintf(p->err, sizeof(p->err), "unknown option '%s'",
					 argv[optind - 1]);
				goto fail;
			}
			break;
		}
	}
	if (optind < argc)
		p->command = &argv[optind];
	if (record_apply_module(p) < 0) {
		if (!p->err[0])
			snprintf(p->err, sizeof(p->err), "out of memory");
		goto fail;
	}
	if (p->user && !p->command) {
		snprintf(p->err, sizeof(p->err), "--user needs a command to run");
		goto fail;
	}
	/* as trace-cmd: -g alone means function_graph, -l/-n alone the function tracer */
	if (!p->tracer.tracer && p->tracer.graph.n)
		p->tracer.tracer = "function_graph";
	if (!p->tracer.tracer && (p->tracer.filter.n || p->tracer.notrace.n))
		p->tracer.tracer = "function";
	if (!p->tracer.tracer && (p->tracer.graph_notrace.n || p->tracer.max_graph_depth ||
				  p->tracer.options.n || p->tracer.func_stack)) {
		snprintf(p->err, sizeof(p->err),
			 "--graph-notrace, --max-graph-depth, -O and --func-stack need -p");
		goto fail;
	}
	if (p->tracer.func_stack && strcmp(p->tracer.tracer, "function")) {
		snprintf(p->err, sizeof(p->err), "--func-stack goes with -p function");
		goto fail;
	}
	if (p->compression < 0)
		p->compression = p->file_version == 7 ? FTX_TDAT_COMP_ZSTD : FTX_TDAT_COMP_NONE;
	if (p->file_version == 6 && p->compression != FTX_TDAT_COMP_NONE) {
		snprintf(p->err, sizeof(p->err),
			 "--compression needs --file-version 7 (version 6 is never compressed)");
		goto fail;
	}
	if (!p->cli.nr_events && !p->cli.nr_probes && !p->tracer.tracer) {
		snprintf(p->err, sizeof(p->err),
			 "nothing to record: give -e SYSTEM[:EVENT], --probe DEF or -p TRACER");
		goto fail;
	}
	if (ftx_record_cli_check(&p->cli, p->command != NULL) < 0) {
		snprintf(p->err, sizeof(p->err), "%s", ftx_error());
		goto fail;
	}
	return 0;
fail:
	record_params_free(p);
	return -1;
}

/*
 * The command's name as it ends (zombie or still running): the kernel's
 * saved_cmdlines may still hold "ftx", its name before the exec.
 */
static void note_comm(struct ftx_recorder *r, pid_t pid)
{
	char path[64], *comm;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm = ftx_read_file(path, NULL);
	if (comm && ftx_recorder_set_comm(r, pid, ftx_strip(comm)) < 0)
		ftx_warn("%s", ftx_error());
	free(comm);
}

/* Wait for the command or a stop signal; returns 0 when it exited, -1 if stopped. */
/*
 * The status line: on a terminal, unless -q, a few times a second; erased
 * before the closing summary.
 */
static struct {
	bool on, shown;
	struct timespec start, last;
} progress;

static double since(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_tick(struct ftx_recorder *r)
{
	struct ftx_recorder_progress pg;
	struct timespec now;
	char worst[48] = "";

	if (!progress.on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (progress.shown && since(&progress.last, &now) < 0.25)
		return;
	progress.last = now;
	ftx_recorder_progress(r, &pg);
	if (pg.worst_cpu >= 0)
		snprintf(worst, sizeof(worst), ", fullest CPU %d at %u%%", pg.worst_cpu,
			 pg.worst_fill);
	fprintf(stderr, "\r\033[K%.1fs: %llu events, %.1f MB written, %llu lost%s",
		since(&progress.start, &now), (unsigned long long)pg.events, pg.bytes / 1048576.0,
		(unsigned long long)pg.lost, worst);
	progress.shown = true;
}

static void progress_end(void)
{
	if (progress.shown)
		fputs("\r\033[K", stderr);
	progress.shown = false;
	progress.on = false;
}

/*
 * Sleep until the command exits (@pidfd readable), a drain thread fails, a
 * stop signal arrives or the progress line is due. The stop signals are
 * blocked but inside ppoll(), so one that comes between the caller's check
 * and the sleep still ends it. Without a pidfd (before 5.3) or a fail fd,
 * every 50 ms, as a poll of both.
 */
static void wait_event(struct ftx_recorder *r, bool child, int pidfd)
{
	struct pollfd p[2] = {
		{ .fd = ftx_recorder_fail_fd(r), .events = POLLIN },
		{ .fd = pidfd, .events = POLLIN },
	};
	int ms = progress.on ? 250 : -1;
	struct timespec ts;
	sigset_t stop, old;

	if (p[0].fd < 0 || (child && pidfd < 0))
		ms = 50;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000L;
	ftx_session_stop_sigset(&stop);
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (!ftx_session_stop_requested() && !ftx_recorder_failed(r))
		ppoll(p, 2, ms < 0 ? NULL : &ts, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int wait_command(struct ftx_recorder *r, struct ftx_child *c)
{
	pid_t pid = c->pid;
	int status, pidfd = -1, ret = -1;

#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	for (;;) {
		siginfo_t si = { 0 };

		progress_tick(r);
		/* WNOWAIT: an exited child stays a zombie until its comm is read */
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) {
			note_comm(r, pid);
			ftx_child_poll(c, &status);
			ret = 0;
			break;
		}
		if (ftx_session_stop_requested() || ftx_recorder_failed(r)) {
			note_comm(r, pid);
			break;
		}
		wait_event(r, true, pidfd);
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

/* Until Ctrl-C, or a drain error (a full disk stops the recording at once). */
static void wait_signal(struct ftx_recorder *r)
{
	while (!ftx_session_stop_requested() && !ftx_recorder_failed(r)) {
		progress_tick(r);
		wait_event(r, false, -1);
	}
}

/* Every name and option checked before anything changes; says why when it cannot be. */
static int record_check_tracer(const struct ftx_tracer_opts *t)
{
	const char *top = ftx_tracefs_mount();
	bool unreadable;

	if (!top || ftx_tracer_validate(top, top, t, &unreadable) < 0) {
		ftx_cmd_err("%s", ftx_error());
		return -1;
	}
	if (unreadable && (t->filter.n || t->notrace.n || t->graph.n || t->graph_notrace.n))
		fprintf(stderr, "ftx record: cannot check function names: %s; "
			"trying, the kernel will refuse unknown ones\n", ftx_error());
	return 0;
}

/*
 * A function that exists but was never called records nothing, and trace-cmd
 * says nothing: -g do_sys_open on 6.1, where openat calls do_sys_openat2.
 * Say so, with the traceable names that look like it.
 */
static void record_check_calls(struct ftx_recorder *r, const struct ftx_tracer_opts *t)
{
	const struct ftx_strv *sv = t->graph.n ? &t->graph : &t->filter;
	unsigned long long events = 0;
	struct ftx_funcs *funcs;
	const char *sugg[5];
	unsigned int cpu;
	int i, n, k, shown;

	for (cpu = 0; cpu < ftx_recorder_nr_cpus(r); cpu++)
		events += ftx_recorder_cpu_stats(r, cpu)->events;
	if (events || !sv->n)
		return;
	funcs = ftx_funcs_load(ftx_tracefs_mount());
	for (i = 0; i < sv->n; i++) {
		n = funcs && !strpbrk(sv->v[i], "*?[:") ?
			ftx_funcs_suggest(funcs, sv->v[i], sugg, 5) : 0;
		fprintf(stderr, "ftx record: nothing recorded: %s was not called while tracing",
			sv->v[i]);
		/* the name itself comes first; the others are the point */
		for (k = 0, shown = 0; k < n; k++) {
			if (!strcmp(sugg[k], sv->v[i]))
				continue;
			fprintf(stderr, "%s%s", shown++ ? ", " : "; similar traceable functions: ",
				sugg[k]);
		}
		fputc('\n', stderr);
	}
	ftx_funcs_free(funcs);
}

static void record_probe_unfired(const char *msg, void *arg)
{
	(void)arg;
	ftx_cmd_err("%s", msg);
}

/*
 * -k, trace-cmd's keep: what the recording set stays (tracing off, as
 * trace-cmd leaves tracing_on), the session's journal with it, so that 'ftx
 * reset' undoes it once this process is gone.
 */
static void record_keep(struct ftx_session *s, bool quiet)
{
	char what[128];

	if (ftx_session_name(s))
		snprintf(what, sizeof(what), "instance %s left as the recording set it",
			 ftx_session_name(s));
	else
		snprintf(what, sizeof(what), "the top-level settings left as the recording set them");
	ftx_session_detach(s);
	if (!quiet)
		fprintf(stderr, "ftx record: -k: %s (tracing off); 'ftx reset' undoes it\n", what);
}

static int record_run(int argc, char **argv)
{
	struct ftx_probe_run *probes = NULL;
	struct ftx_probe_watch *watch = NULL;
	char detail[1024];
	struct ftx_recorder_opts o = { 0 };
	struct ftx_child child = { .pid = -1, .sync_fd = -1, .err_fd = -1 };
	struct ftx_session *s = NULL;
	struct ftx_recorder *r = NULL;
	struct ftx_pmc_sampler *pmc = NULL;
	struct ftx_pmc_sampler_stats pst = { 0 };
	struct record_params p;
	int ret = FTX_EXIT_FAIL, pr;
	bool failed = false, running;
	char *outdir = NULL, *tmp;
	struct stat stt;
	char why[160], date[32];

	pr = record_parse(argc, argv, &p);
	if (pr > 0)
		return ftx_cmd_help(&ftx_cmd_record);
	if (pr < 0)
		return ftx_cmd_usage_error(&ftx_cmd_record, "%s", p.err);

	/* the temp files go next to the output, never onto a small /tmp */
	tmp = strdup(p.output);
	if (!tmp || !(outdir = strdup(dirname(tmp)))) {
		free(tmp);
		ftx_cmd_err("out of memory");
		goto out;
	}
	free(tmp);
	errno = 0;
	if (stat(outdir, &stt) < 0 || !S_ISDIR(stt.st_mode) || access(outdir, W_OK) < 0) {
		ftx_cmd_err("cannot write to directory %s: %s", outdir,
			    errno ? strerror(errno) : "not a directory");
		goto out;
	}
	if (p.tmpdir && (stat(p.tmpdir, &stt) < 0 || !S_ISDIR(stt.st_mode) ||
			 access(p.tmpdir, W_OK) < 0)) {
		ftx_cmd_err("cannot write to directory %s: %s", p.tmpdir,
			    errno ? strerror(errno) : "not a directory");
		goto out;
	}
	/* found out now, not after a long recording */
	if (stat(p.output, &stt) == 0 && S_ISDIR(stt.st_mode)) {
		ftx_cmd_err("%s is a directory", p.output);
		goto out;
	}

	if (p.tracer.tracer && record_check_tracer(&p.tracer) < 0)
		goto out;
	/* before the instance exists: a signal never finds it unprotected */
	if (ftx_session_catch_signals(NULL) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	s = ftx_session_create(0);
	if (s && p.tracer.tracer &&
	    ftx_tracer_fits(ftx_session_dir(s), &p.tracer, why, sizeof(why)) == 0) {
		/* function_graph before 6.12, set_graph_function in 6.12: top level only */
		ftx_session_destroy(s);
		fprintf(stderr, "ftx record: %s: using the top-level buffer (restored afterwards)\n",
			why);
		s = ftx_session_create(FTX_SESSION_TOP);
	}
	if (!s) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}

	if (p.stacktrace && ftx_session_set(s, "options/stacktrace", "1") < 0) {
		ftx_cmd_err("-T: %s", ftx_error());
		goto out;
	}
	if (p.cmdlines_size > 32768) {
		char n[24];

		snprintf(n, sizeof(n), "%lu", p.cmdlines_size);
		if (ftx_session_set_top(s, "saved_cmdlines_size", n) < 0) {
			ftx_cmd_err("--cmdlines-size: %s", ftx_error());
			goto out;
		}
	}
	if (p.subbuf_kb) {
		char n[24], f[PATH_MAX];

		snprintf(f, sizeof(f), "%s/buffer_subbuf_size_kb", ftx_session_dir(s));
		if (access(f, F_OK) < 0) {
			ftx_cmd_err("--subbuf-size: this kernel has no buffer_subbuf_size_kb "
				    "(6.8 and later): its sub-buffers are one page");
			goto out;
		}
		/* before the recorder reads the instance's header_page, which says the size */
		snprintf(n, sizeof(n), "%lu", p.subbuf_kb);
		if (ftx_session_set(s, "buffer_subbuf_size_kb", n) < 0) {
			ftx_cmd_err("--subbuf-size: %s", ftx_error());
			goto out;
		}
	}
	if (p.date) {
		if (ftx_record_date_offset(p.cli.clock, date, sizeof(date)) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
		o.date = date;
	}
	if (p.cli.nr_probes) {
		/* probes for this run, journaled in the session; their events recorded */
		probes = ftx_probe_run_create(s, p.cli.probes, p.cli.nr_probes, detail,
					      sizeof(detail));
		if (!probes || ftx_probe_run_foreach(probes, ftx_record_cli_add_event, &p.cli)) {
			ftx_cmd_err("%s", ftx_error());
			if (!probes && *detail)
				fprintf(stderr, "%s\n", detail);
			goto out;
		}
	}
	/* kernel probes that never fire get named afterwards */
	watch = ftx_probe_watch_start(ftx_tracefs_mount(), ftx_record_cli_matches, &p.cli);
	ftx_record_cli_apply(&p.cli, &o);
	o.buffer_percent = -1;
	o.nr_threads = p.threads;
	o.tmpdir = p.tmpdir ? p.tmpdir : outdir;
	o.tracer = p.tracer.tracer ? &p.tracer : NULL;
	o.exclude_self = !p.no_filter;
	o.file_version = p.file_version;
	o.compression = p.compression;
	o.max_kb = p.max_kb;
	o.all_formats = p.all_formats;
	r = ftx_recorder_create(s, &o);
	if (!r) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}

	if (p.command) {
		child.user = p.user;
		if (ftx_child_spawn(&child, p.command) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
		if (p.cli.only_command && ftx_recorder_add_pid(r, child.pid) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
	}
	if (ftx_recorder_start(r) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	/* the drain threads exist now; the command was forked before and keeps its policy */
	if (p.rt_prio && ftx_threads_set_rt_priority(p.rt_prio) < 0) {
		ftx_cmd_err("-r: %s", ftx_error());
		goto out;
	}
	if (p.cli.pmc && !(pmc = ftx_pmc_sampler_start(p.cli.pmc, ftx_session_dir(s)))) {
		ftx_cmd_err("%s", ftx_error());
		/* the held child shares the instance's open files: gone before rmdir */
		ftx_child_abandon(&child);
		goto out;
	}
	if (p.command && ftx_child_release(&child, p.command[0]) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	/* say what ends the recording */
	if (!p.cli.quiet && p.command)
		fprintf(stderr, "ftx record: recording until %s exits (Ctrl-C stops it sooner)\n",
			p.command[0]);
	else if (!p.cli.quiet)
		fprintf(stderr, "ftx record: recording; Ctrl-C to stop\n");
	progress.on = !p.cli.quiet && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	if (p.command)
		wait_command(r, &child);
	else
		wait_signal(r);
	progress_end();

	ftx_pmc_sampler_stop(pmc, &pst);
	pmc = NULL;
	/* a drain error stops the recording; what was drained before it is still written */
	if (ftx_recorder_stop(r) < 0) {
		ftx_cmd_err("recording stopped: %s", ftx_error());
		failed = true;
	}
	ftx_cmd_recorder_summary(r, p.cli.quiet, true);
	ftx_probe_watch_report(watch, record_probe_unfired, NULL);
	if (p.cli.pmc && !p.cli.quiet) {
		char line[256];

		ftx_pmc_sampler_summary(&pst, line, sizeof(line));
		fprintf(stderr, "ftx record: %s\n", line);
	}
	if (p.tracer.tracer && !p.cli.nr_events && !failed)
		record_check_calls(r, &p.tracer);
	/* tracefs as it was (instance gone) before a long write to a slow disk */
	if (ftx_recorder_collect(r) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (p.keep)
		record_keep(s, p.cli.quiet);
	else
		ftx_session_destroy(s);
	s = NULL;
	if (ftx_recorder_write(r, p.output) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (failed)
		ftx_cmd_err("wrote %s: what was recorded up to the failure", p.output);
	else if (!p.cli.quiet)
		fprintf(stderr, "ftx record: wrote %s\n", p.output);
	ret = failed ? FTX_EXIT_FAIL : FTX_EXIT_OK;
out:
	ftx_pmc_sampler_stop(pmc, NULL);
	/* a command still held goes first: nothing of it may keep the instance busy */
	running = ftx_child_abandon(&child);
	ftx_recorder_destroy(r);
	ftx_session_destroy(s);
	ftx_probe_run_free(probes);
	ftx_probe_watch_free(watch);
	if (running && ret == FTX_EXIT_OK)
		ftx_cmd_err("%s (pid %d) is still running", p.command[0], (int)child.pid);
	free(outdir);
	record_params_free(&p);
	return ret;
}

const struct ftx_cmd ftx_cmd_record = {
	.name = "record",
	.summary = "record tracepoints and function tracers into trace.dat",
	.usage = record_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = record_run,
};
