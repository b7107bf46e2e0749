// SPDX-License-Identifier: GPL-2.0
/*
 * ftx hist: a histogram of an event field, of a function's durations, or of
 * the latency between two events, from a trace.dat file.
 * parse → run (the counting lives in src/lib/analysis/hist.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ftx/analysis.h"
#include "ftx/error.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"

static const char usage[] =
	"usage: ftx hist [options] SPEC\n"
	"\n"
	"A histogram, as an ASCII bar chart with counts and percentages, from a\n"
	"trace.dat file (default ./trace.dat). SPEC is one of:\n"
	"  [SYSTEM:]EVENT.FIELD          a numeric field: syscalls:sys_exit_read.ret,\n"
	"                                a probe's argument, sched_switch.prev_prio\n"
	"  duration:FUNC                 durations of FUNC's calls (function_graph), ns\n"
	"  latency:START,END             ns from each START to the next END of the same\n"
	"                                task (or --key), e.g.\n"
	"                                latency:sys_enter_openat,sys_exit_openat\n"
	"\n"
	"  -i, --input FILE   trace.dat file to read\n"
	"      --linear STEP  linear buckets STEP wide (default: log2 buckets)\n"
	"      --key FIELD[,FIELD]  latency: match START and END on these fields\n"
	"                     (default common_pid), e.g. --key pid,next_pid for\n"
	"                     latency:sched_wakeup,sched_switch\n"
	"      --by-task      a histogram per task\n"
	"      --pid PID      only this task (repeatable)\n"
	"      --cpu LIST     only these CPUs, e.g. 0-3,6\n"
	"      --from SECS    only records from this timestamp on (as report prints it)\n"
	"      --to SECS      only records up to this timestamp\n"
	"  -h, --help         this text\n";

struct hist_params {
	struct ftx_analysis_cli cli;
	struct ftx_hist_opts h;
	const char *key;
};

enum { OPT_LINEAR = 256, OPT_KEY };

static const struct option long_opts[] = {
	FTX_ANALYSIS_LONG_OPTS,
	{ "linear", required_argument, NULL, OPT_LINEAR },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Pure: no I/O. Returns 0, 1 for --help, or -1 with the reason set. */
static int hist_parse(int argc, char **argv, struct hist_params *p)
{
	unsigned long long v;
	int c;

	memset(p, 0, sizeof(*p));
	while ((c = ftx_analysis_cli_next(&p->cli, argc, argv, ":i:h", long_opts)) >= 0) {
		switch (c) {
		case OPT_LINEAR:
			if (ftx_parse_uint(optarg, &v) || !v || v > INT64_MAX) {
				ftx_error_set("--linear wants a step above 0, not '%s'", optarg);
				return -1;
			}
			p->h.step = v;
			break;
		case OPT_KEY:
			p->key = optarg;
			break;
		case 'h':
			return 1;
		}
	}
	if (c < -1)
		return -1;
	if (optind + 1 != argc) {
		ftx_error_set(optind == argc ? "what to count is missing (SPEC)" :
			      "unexpected argument '%s'", argv[argc - 1]);
		return -1;
	}
	if (ftx_hist_spec_parse(argv[optind], p->key, &p->h.spec))
		return -1;
	p->h.by_task = p->cli.o.by_task;
	return ftx_analysis_cli_finish(&p->cli);
}

static int hist_run(int argc, char **argv)
{
	struct hist_params p;
	int ret;

	ret = hist_parse(argc, argv, &p);
	if (ret) {
		ftx_analysis_cli_release(&p.cli);
		return ftx_cmd_parse_exit(&ftx_cmd_hist, ret, ftx_error());
	}
	p.cli.o.td_flags = FTX_TRACEDAT_NO_PLUGINS;
	ret = ftx_hist_run(&p.cli.o, &p.h, stdout, NULL);
	ftx_analysis_cli_release(&p.cli);
	return ftx_cmd_exit(ret);
}

const struct ftx_cmd ftx_cmd_hist = {
	.name = "hist",
	.summary = "histogram of an event field, a function's durations or a latency",
	.usage = usage,
	.flags = 0,
	.run = hist_run,
};
