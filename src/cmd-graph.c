// SPDX-License-Identifier: GPL-2.0
/*
 * ftx graph: the aggregated call tree of a function_graph trace (uftrace
 * graph's shape); with FUNC, its backtraces and its callees.
 * parse → run (the aggregation lives in src/lib/analysis).
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
	"usage: ftx graph [options] [FUNC]\n"
	"\n"
	"The call tree of a function_graph trace (default ./trace.dat) aggregated per\n"
	"call path: total time and calls of each path, callees biggest first. With FUNC:\n"
	"every distinct path that leads to it (backtraces, with hits and time), then\n"
	"its callees merged over all its calls. A function trace gives caller -> callee\n"
	"hits (whole stacks with --func-stack).\n"
	"\n"
	"  -i, --input FILE   trace.dat file to read\n"
	"      --depth N      show N levels below the top\n"
	"      --min-time US  hide paths shorter than US microseconds in total (hits\n"
	"                     for a function trace)\n"
	"      --by-task      a tree per task\n"
	"      --pid PID      only this task (repeatable)\n"
	"      --cpu LIST     only these CPUs, e.g. 0-3,6\n"
	"      --from SECS    only records from this timestamp on (as report prints it)\n"
	"      --to SECS      only records up to this timestamp\n"
	"  -h, --help         this text\n";

struct graph_params {
	struct ftx_analysis_cli cli;
	struct ftx_graph_print_opts gp;
	double min_time;
};

enum { OPT_DEPTH = 256, OPT_MIN_TIME };

static const struct option long_opts[] = {
	FTX_ANALYSIS_LONG_OPTS,
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "min-time", required_argument, NULL, OPT_MIN_TIME },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Pure: no I/O. Returns 0, 1 for --help, or -1 with the reason set. */
static int graph_parse(int argc, char **argv, struct graph_params *p)
{
	unsigned long long v;
	char *end;
	int c;

	memset(p, 0, sizeof(*p));
	p->min_time = -1;
	while ((c = ftx_analysis_cli_next(&p->cli, argc, argv, ":i:h", long_opts)) >= 0) {
		switch (c) {
		case OPT_DEPTH:
			if (ftx_parse_uint(optarg, &v) || !v || v > 500) {
				ftx_error_set("--depth wants a depth from 1 to 500, not '%s'", optarg);
				return -1;
			}
			p->gp.max_depth = (int)v;
			break;
		case OPT_MIN_TIME:
			p->min_time = strtod(optarg, &end);
			if (end == optarg || *end || p->min_time < 0 || p->min_time > 1e12) {
				ftx_error_set("--min-time wants microseconds, not '%s'", optarg);
				return -1;
			}
			break;
		case 'h':
			return 1;
		}
	}
	if (c < -1)
		return -1;
	if (optind < argc) {
		if (optind + 1 < argc) {
			ftx_error_set("unexpected argument '%s'", argv[optind + 1]);
			return -1;
		}
		p->gp.func = argv[optind];
	}
	return ftx_analysis_cli_finish(&p->cli);
}

static int graph_run(int argc, char **argv)
{
	struct graph_params p;
	struct ftx_calltree *ct;
	int ret;

	ret = graph_parse(argc, argv, &p);
	if (ret) {
		ftx_analysis_cli_release(&p.cli);
		return ftx_cmd_parse_exit(&ftx_cmd_graph, ret, ftx_error());
	}
	p.cli.o.td_flags = FTX_TRACEDAT_NO_PLUGINS;
	ct = ftx_calltree_build(&p.cli.o);
	if (ct && p.min_time >= 0)
		p.gp.min_total = ftx_calltree_weight(ct) == FTX_WEIGHT_TIME ?
				 (unsigned long long)(p.min_time * 1000.0 + 0.5) :
				 (unsigned long long)p.min_time;
	ret = ct ? ftx_calltree_print(ct, &p.gp, stdout) : -1;
	ftx_calltree_free(ct);
	ftx_analysis_cli_release(&p.cli);
	return ftx_cmd_exit(ret);
}

const struct ftx_cmd ftx_cmd_graph = {
	.name = "graph",
	.summary = "the call tree of a function_graph trace, or one function's callers and callees",
	.usage = usage,
	.flags = 0,
	.run = graph_run,
};
