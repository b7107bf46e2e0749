// SPDX-License-Identifier: GPL-2.0
/*
 * ftx report: print a trace.dat file as trace-cmd 3.1.6's "report" does.
 * parse → run (the decoding lives in src/lib/report.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/filter.h"
#include "ftx/graph.h"
#include "ftx/report.h"
#include "ftx/report-inspect.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"

#define MAX_ARGS 256

static const char usage[] =
	"usage: ftx report [options] [FILE]\n"
	"\n"
	"Print the events of a trace.dat file (default ./trace.dat), line for line as\n"
	"'trace-cmd report' (3.1.6) prints them.\n"
	"\n"
	"  -i, --input FILE   trace.dat file to read\n"
	"      --cpu LIST     only these CPUs, e.g. 0-3,6\n"
	"  -F, --filter FLT   only events matching a libtraceevent filter: 'sched_switch',\n"
	"                     'sched:*', 'irq_handler_entry: irq == 25' (repeatable)\n"
	"  -v                 the -F after it hide what they match instead (once)\n"
	"      --pid PID      only events of PID (common_pid, pid or next_pid; repeatable)\n"
	"  -t, --nsec         timestamps in nanoseconds\n"
	"  -l, --latency      add the latency flags column (irqs-off, need-resched, ...)\n"
	"  -R                 raw: the events' fields (name=value), not their formats\n"
	"  -w                 wakeup latencies: on the sched_switch to a woken task, and\n"
	"                     a summary at the end\n"
	"      --ts-diff      the time since the previous event, after the timestamp\n"
	"      --ts-offset N  add N to every timestamp (ns; trace-cmd 3.1.6 ignores it\n"
	"                     for a single file)\n"
	"  -O OPT             plugin option [plugin:]name[=value]: fgraph:tailprint,\n"
	"                     fgraph:depth, ftrace:parent, ftrace:indent, ftrace:offset\n"
	"  -q                 quiet: ftx report prints no warnings, so nothing changes\n"
	"      --stat         buffer statistics from the file, and events per type\n"
	"  -I                 not the events in hard interrupt context (HARDIRQ flag)\n"
	"  -S                 not the events in softirq context (SOFTIRQ flag)\n"
	"  -N, --no-plugins   as trace-cmd -N: no libtraceevent plugins, nor trace-cmd's\n"
	"                     function(_graph) printing (the events' print formats)\n"
	"\n"
	"What the file holds instead of its events (as trace-cmd report's options):\n"
	"  -f                 the functions of its kallsyms\n"
	"  -P                 its printk formats\n"
	"  -E                 its events (system:event)\n"
	"      --uname        the recording system's uname and the recorder's version\n"
	"      --version      the recorder's version\n"
	"      --cpus         the CPUs with data\n"
	"      --first-event  each CPU's first timestamp (with --last-event: both)\n"
	"      --last-event   each CPU's last timestamp\n"
	"      --check-events exit 0 if every event format parses\n"
	"      --profile      not trace-cmd's per-task profile: see 'ftx profile'\n"
	"\n"
	"Call-graph view of function_graph traces (ftx's own, not trace-cmd's):\n"
	"  -G, --graph        a real call stack per task: leaves, '} /* func */' closing\n"
	"                     braces, the kernel's duration marks, irqs, task switches,\n"
	"                     retvals and lost events where they break a stack\n"
	"      --max-depth N  hide calls deeper than N levels\n"
	"      --min-duration US  only calls lasting at least US microseconds (and\n"
	"                     the calls leading to them)\n"
	"      --func FUNC    only the subtrees of FUNC\n"
	"      --pid PID      (with --graph) only this task\n"
	"  -h, --help         this text\n";

struct report_params {
	struct ftx_report_opts o;
	const char *filters[MAX_ARGS];
	bool filter_neg[MAX_ARGS];
	const char *plugin_opts[MAX_ARGS];
	const char *pids[MAX_ARGS];
	bool *cpus;
	bool graph;
	struct ftx_graph_opts g;
	struct ftx_report_inspect insp;
};

enum { OPT_CPU = 256, OPT_PID, OPT_STAT, OPT_MAX_DEPTH, OPT_MIN_DURATION, OPT_FUNC,
       OPT_UNAME, OPT_VERSION, OPT_CPUS, OPT_FIRST, OPT_LAST, OPT_CHECK, OPT_PROFILE,
       OPT_TS_DIFF, OPT_TS_OFFSET };

static const struct option long_opts[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "filter", required_argument, NULL, 'F' },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "nsec", no_argument, NULL, 't' },
	{ "latency", no_argument, NULL, 'l' },
	{ "stat", no_argument, NULL, OPT_STAT },
	{ "no-plugins", no_argument, NULL, 'N' },
	{ "graph", no_argument, NULL, 'G' },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "min-duration", required_argument, NULL, OPT_MIN_DURATION },
	{ "func", required_argument, NULL, OPT_FUNC },
	{ "uname", no_argument, NULL, OPT_UNAME },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "cpus", no_argument, NULL, OPT_CPUS },
	{ "first-event", no_argument, NULL, OPT_FIRST },
	{ "last-event", no_argument, NULL, OPT_LAST },
	{ "check-events", no_argument, NULL, OPT_CHECK },
	{ "profile", no_argument, NULL, OPT_PROFILE },
	{ "ts-diff", no_argument, NULL, OPT_TS_DIFF },
	{ "ts-offset", required_argument, NULL, OPT_TS_OFFSET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The inspection options: what the file holds instead of its events */
static void report_parse_inspect(struct ftx_report_inspect *w, int c)
{
	switch (c) {
	case 'f': w->funcs = true; break;
	case 'P': w->printk = true; break;
	case 'E': w->events = true; break;
	case OPT_UNAME: w->uname = true; break;
	case OPT_VERSION: w->version = true; break;
	case OPT_CPUS: w->cpus = true; break;
	case OPT_FIRST: w->first = true; break;
	case OPT_LAST: w->last = true; break;
	default: w->check = true; break;
	}
}

/* Free what report_parse() allocated; leaves @p empty, so a second call is harmless. */
static void report_params_free(struct report_params *p)
{
	free(p->cpus);
	p->cpus = NULL;
	p->o.cpus = NULL;
	p->o.ncpus = 0;
}

/*
 * Pure: no I/O. Returns 0 (the caller owes report_params_free()), 1 for
 * --help, or -1 with the reason set; on 1 and -1 nothing is left to free.
 */
static int report_parse(int argc, char **argv, struct report_params *p)
{
	unsigned long long v;
	char why[256], *end;
	bool neg = false;
	long long off;
	double us;
	int c;

	memset(p, 0, sizeof(*p));
	p->g.show_events = true;
	p->o.filters = p->filters;
	p->o.pids = p->pids;
	p->o.filter_neg = p->filter_neg;
	p->o.plugin_opts = p->plugin_opts;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:F:tlNISGhfPERwvqO:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (p->o.input) {
				ftx_error_set("one input file: '%s' is an extra one", optarg);
				goto fail;
			}
			p->o.input = optarg;
			break;
		case OPT_CPU:
			report_params_free(p);
			if (ftx_report_parse_cpus(optarg, &p->cpus, &p->o.ncpus))
				goto fail;
			p->o.cpus = p->cpus;
			break;
		case 'F':
			if (p->o.nfilters == MAX_ARGS) {
				ftx_error_set("too many -F (at most %d)", MAX_ARGS);
				goto fail;
			}
			if (ftx_filter_check(optarg, why, sizeof(why))) {
				ftx_error_set("bad filter '%s': %s", optarg, why);
				goto fail;
			}
			p->filter_neg[p->o.nfilters] = neg;
			p->filters[p->o.nfilters++] = optarg;
			break;
		case 'v':
			/* trace-cmd: "Only 1 -v can be used" */
			if (neg) {
				ftx_error_set("-v is given once: it applies to every -F after it");
				goto fail;
			}
			neg = true;
			break;
		case 'R':
			p->o.fmt_flags |= FTX_REPORT_RAW;
			break;
		case 'w':
			p->o.wakeup = true;
			break;
		case 'q':
			/* trace-cmd -q silences its warnings; ftx report has none to print */
			break;
		case 'O':
			if (p->o.nplugin_opts == MAX_ARGS) {
				ftx_error_set("too many -O (at most %d)", MAX_ARGS);
				goto fail;
			}
			if (!*optarg || *optarg == '=' || *optarg == ':') {
				ftx_error_set("-O wants [plugin:]option[=value], not '%s'", optarg);
				goto fail;
			}
			p->plugin_opts[p->o.nplugin_opts++] = optarg;
			break;
		case OPT_TS_DIFF:
			p->o.fmt_flags |= FTX_REPORT_TS_DIFF;
			break;
		case OPT_TS_OFFSET:
			errno = 0;
			off = strtoll(optarg, &end, 0);
			if (end == optarg || *end || errno) {
				ftx_error_set("--ts-offset wants a number of nanoseconds, not '%s'",
					      optarg);
				goto fail;
			}
			p->o.ts_offset = off;
			break;
		case OPT_PID:
			if (p->o.npids == MAX_ARGS) {
				ftx_error_set("too many --pid (at most %d)", MAX_ARGS);
				goto fail;
			}
			if (ftx_parse_uint(optarg, &v) || v > INT32_MAX) {
				ftx_error_set("--pid wants a process id, not '%s'", optarg);
				goto fail;
			}
			p->pids[p->o.npids++] = optarg;
			break;
		case 't':
			p->o.fmt_flags |= FTX_REPORT_NSEC;
			break;
		case 'l':
			p->o.fmt_flags |= FTX_REPORT_LATENCY;
			break;
		case OPT_STAT:
			p->o.stat = true;
			break;
		case 'I':
			p->o.no_hardirq = true;
			break;
		case 'S':
			p->o.no_softirq = true;
			break;
		case 'N':
			/* as trace-cmd -N: neither plugins nor its own function(_graph) printing */
			p->o.no_plugins = true;
			p->o.fmt_flags |= FTX_REPORT_NO_BUILTIN;
			break;
		case 'G':
			p->graph = true;
			break;
		case OPT_MAX_DEPTH:
			if (ftx_parse_uint(optarg, &v) || !v || v > 1000) {
				ftx_error_set("--max-depth wants a depth from 1 to 1000, not '%s'",
					      optarg);
				goto fail;
			}
			p->g.max_depth = v;
			break;
		case OPT_MIN_DURATION:
			us = strtod(optarg, &end);
			/* !(us >= 0) refuses "nan" too */
			if (end == optarg || *end || !(us >= 0) || us > 1e12) {
				ftx_error_set("--min-duration wants microseconds, not '%s'", optarg);
				goto fail;
			}
			p->g.min_duration = (unsigned long long)(us * 1000.0 + 0.5);
			break;
		case OPT_FUNC:
			if (!*optarg) {
				ftx_error_set("--func wants a function name, not ''");
				goto fail;
			}
			p->g.func = optarg;
			break;
		case 'f':
		case 'P':
		case 'E':
		case OPT_UNAME: case OPT_VERSION: case OPT_CPUS: case OPT_FIRST: case OPT_LAST:
		case OPT_CHECK:
			report_parse_inspect(&p->insp, c);
			break;
		case OPT_PROFILE:
			ftx_error_set("--profile: trace-cmd's per-task profile is not implemented; "
				      "'ftx profile' gives the time per function of a function_graph trace");
			goto fail;
		case 'h':
			report_params_free(p);
			return 1;
		case ':':
			ftx_error_set("option '%s' needs an argument", argv[optind - 1]);
			goto fail;
		default:
			ftx_error_set("unknown option '%s'", argv[optind - 1]);
			goto fail;
		}
	}
	if (optind < argc) {
		if (p->o.input || optind + 1 < argc) {
			ftx_error_set("one input file: '%s' is an extra argument",
				      argv[p->o.input ? optind : optind + 1]);
			goto fail;
		}
		p->o.input = argv[optind];
	}
	if (!p->o.input)
		p->o.input = "trace.dat";
	if (!p->graph && (p->g.max_depth || p->g.min_duration || p->g.func)) {
		ftx_error_set("--max-depth, --min-duration and --func go with --graph");
		goto fail;
	}
	if (p->graph) {
		if (p->o.nfilters || p->o.stat || (p->o.fmt_flags & ~FTX_REPORT_NO_BUILTIN) ||
		    p->o.no_hardirq || p->o.no_softirq || p->o.wakeup || p->o.ts_offset ||
		    p->o.nplugin_opts) {
			ftx_error_set("--graph does not combine with -F, -I, -S, -R, -w, -O, --stat, "
				      "-t, -l, --ts-diff or --ts-offset");
			goto fail;
		}
		if (p->o.npids > 1) {
			ftx_error_set("--graph follows one --pid");
			goto fail;
		}
		if (p->o.npids) {
			if (ftx_parse_uint(p->pids[0], &v) || v > INT32_MAX) {
				ftx_error_set("--pid wants a process id, not '%s'", p->pids[0]);
				goto fail;
			}
			p->g.pid = v;
			p->g.pid_set = true;
		}
	}
	return 0;
fail:
	report_params_free(p);
	return -1;
}

/* The library hands over ~1 MiB blocks: write them without stdio's copy */
static int write_stdout(void *ctx, const char *buf, size_t len)
{
	ssize_t n;

	(void)ctx;
	if (fflush(stdout))
		return -1;
	while (len) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			ftx_error_set("error writing output: %s", strerror(errno));
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static int report_run(int argc, char **argv)
{
	struct report_params p;
	int ret;

	ret = report_parse(argc, argv, &p);
	if (ret) {
		if (ret > 0)
			return ftx_cmd_help(&ftx_cmd_report);
		return ftx_cmd_usage_error(&ftx_cmd_report, "%s", ftx_error());
	}
	if (ftx_report_inspect_any(&p.insp)) {
		p.insp.nsec = p.o.fmt_flags & FTX_REPORT_NSEC;
		p.insp.no_plugins = p.o.no_plugins;
		p.insp.ts_offset = p.o.ts_offset;
		ret = ftx_report_inspect(p.o.input, &p.insp, stdout);
	} else if (p.graph)
		ret = ftx_graph_report(p.o.input, p.o.no_plugins ? FTX_TRACEDAT_NO_PLUGINS : 0,
				       p.o.cpus, p.o.ncpus, &p.g, stdout);
	else
		ret = ftx_report_run(&p.o, write_stdout, NULL);
	report_params_free(&p);
	if (ret) {
		int e = errno;

		if (e == EPIPE)
			return FTX_EXIT_FAIL;
		ftx_cmd_err("%s", ftx_error());
		if (e == FTX_REPORT_EFILTER)
			return FTX_EXIT_USAGE;
		return FTX_EXIT_FAIL;
	}
	return FTX_EXIT_OK;
}

const struct ftx_cmd ftx_cmd_report = {
	.name = "report",
	.summary = "print a trace.dat file as trace-cmd report does",
	.usage = usage,
	.flags = 0,
	.run = report_run,
};
