// SPDX-License-Identifier: GPL-2.0
/*
 * ftx profile: per function calls, total, self, average, min and max time of
 * a function_graph trace (hits of a function trace), uftrace report's shape.
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

static const char usage[] =
	"usage: ftx profile [options] [FILE]\n"
	"\n"
	"Per function: calls, total time (a recursive call's time counted once), self\n"
	"time (total minus the callees'), average, min and max, from the function_graph\n"
	"events of a trace.dat file (default ./trace.dat); from a function trace, the hits.\n"
	"\n"
	"  -i, --input FILE   trace.dat file to read\n"
	"  -s, --sort KEYS    sort by these, biggest first: total (default), self, calls,\n"
	"                     avg, min, max, func (by name); comma-separated\n"
	"  -f, --fields LIST  columns to show: total,self,calls,avg,min,max (default all)\n"
	"      --by-task      a table per task\n"
	"      --pid PID      only this task (repeatable)\n"
	"      --cpu LIST     only these CPUs, e.g. 0-3,6\n"
	"      --from SECS    only records from this timestamp on (as report prints it)\n"
	"      --to SECS      only records up to this timestamp\n"
	"  -h, --help         this text\n"
	"\n"
	"Calls the trace cuts (still open at its end, broken by lost events) are marked\n"
	"'[N cut]' and explained under the table; lost events are listed there.\n";

struct profile_params {
	struct ftx_analysis_cli cli;
	struct ftx_profile_opts po;
};

static const struct option long_opts[] = {
	FTX_ANALYSIS_LONG_OPTS,
	{ "sort", required_argument, NULL, 's' },
	{ "fields", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Pure: no I/O. Returns 0, 1 for --help, or -1 with the reason set. */
static int profile_parse(int argc, char **argv, struct profile_params *p)
{
	unsigned int mask;
	int c, r;

	memset(p, 0, sizeof(*p));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:s:f:h", long_opts, NULL)) != -1) {
		r = ftx_analysis_cli_opt(&p->cli, c, optarg);
		if (r < 0)
			return -1;
		if (r)
			continue;
		switch (c) {
		case 's':
			if (ftx_profile_parse_keys(optarg, p->po.sort, 4, &p->po.nsort, NULL))
				return -1;
			break;
		case 'f':
			if (ftx_profile_parse_keys(optarg, NULL, 0, NULL, &mask))
				return -1;
			if (mask & (1u << FTX_PROFILE_FUNC)) {
				ftx_error_set("-f: the function column is always shown");
				return -1;
			}
			p->po.fields = mask;
			break;
		case 'h':
			return 1;
		case ':':
			ftx_error_set("option '%s' needs an argument", argv[optind - 1]);
			return -1;
		default:
			ftx_error_set("unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		if (p->cli.o.input || optind + 1 < argc) {
			ftx_error_set("unexpected argument '%s'", argv[optind]);
			return -1;
		}
		p->cli.o.input = argv[optind];
	}
	p->po.by_task = p->cli.o.by_task;
	return ftx_analysis_cli_finish(&p->cli);
}

static int profile_run(int argc, char **argv)
{
	struct profile_params p;
	struct ftx_calltree *ct;
	int ret;

	ret = profile_parse(argc, argv, &p);
	if (ret) {
		ftx_analysis_cli_release(&p.cli);
		if (ret > 0)
			return ftx_cmd_help(&ftx_cmd_profile);
		return ftx_cmd_usage_error(&ftx_cmd_profile, "%s", ftx_error());
	}
	p.cli.o.td_flags = FTX_TRACEDAT_NO_PLUGINS;
	ct = ftx_calltree_build(&p.cli.o);
	ret = ct ? ftx_profile_print(ct, &p.po, stdout) : -1;
	ftx_calltree_free(ct);
	ftx_analysis_cli_release(&p.cli);
	if (ret) {
		if (errno != EPIPE)
			ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	return FTX_EXIT_OK;
}

const struct ftx_cmd ftx_cmd_profile = {
	.name = "profile",
	.summary = "time per function of a function_graph trace (calls, total, self, avg, min, max)",
	.usage = usage,
	.flags = 0,
	.run = profile_run,
};
