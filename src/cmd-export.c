// SPDX-License-Identifier: GPL-2.0
/*
 * ftx export: a trace.dat file in another tool's format. --chrome writes
 * Chrome trace-event JSON for Perfetto UI, chrome://tracing and speedscope.
 * parse → run (the writer lives in src/lib/analysis/chrome.c).
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
	"usage: ftx export --chrome FILE.json [options]\n"
	"\n"
	"Write a trace.dat file (default ./trace.dat) as Chrome trace-event JSON, which\n"
	"Perfetto UI (ui.perfetto.dev), chrome://tracing and speedscope open: one\n"
	"complete ('X') event per function_graph call per task, nested, with the\n"
	"kernel's duration and retval in args; an instant ('i') event per other event\n"
	"with its fields as args; counter ('C') tracks 'EVENT cpuN' for the counts that\n"
	"record --pmc wrote into the trace and 'lost events cpuN'; task names.\n"
	"Streamed: memory does not grow with the trace.\n"
	"\n"
	"  -i, --input FILE   trace.dat file to read\n"
	"      --chrome FILE  the JSON file to write ('-' for stdout)\n"
	"      --no-args      no args on the calls' X events (speedscope then merges\n"
	"                     the calls of a function; it names frames by name and args)\n"
	"      --pid PID      only this task (repeatable)\n"
	"      --cpu LIST     only these CPUs, e.g. 0-3,6\n"
	"      --from SECS    only records from this timestamp on (as report prints it)\n"
	"      --to SECS      only records up to this timestamp\n"
	"  -h, --help         this text\n";

struct export_params {
	struct ftx_analysis_cli cli;
	const char *chrome;
	unsigned int flags;
};

enum { OPT_CHROME = 256, OPT_NO_ARGS };

static const struct option long_opts[] = {
	FTX_ANALYSIS_LONG_OPTS,
	{ "chrome", required_argument, NULL, OPT_CHROME },
	{ "no-args", no_argument, NULL, OPT_NO_ARGS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Pure: no I/O. Returns 0, 1 for --help, or -1 with the reason set. */
static int export_parse(int argc, char **argv, struct export_params *p)
{
	int c;

	memset(p, 0, sizeof(*p));
	while ((c = ftx_analysis_cli_next(&p->cli, argc, argv, ":i:h", long_opts)) >= 0) {
		switch (c) {
		case OPT_CHROME:
			p->chrome = optarg;
			break;
		case OPT_NO_ARGS:
			p->flags |= FTX_CHROME_NO_ARGS;
			break;
		case 'h':
			return 1;
		}
	}
	if (c < -1)
		return -1;
	if (ftx_analysis_cli_rest(&p->cli, c, argc, argv))
		return -1;
	if (!p->chrome) {
		ftx_error_set("what to write is missing: --chrome FILE.json");
		return -1;
	}
	if (p->cli.o.by_task) {
		ftx_error_set("--by-task: the JSON has a track per task already");
		return -1;
	}
	return ftx_analysis_cli_finish(&p->cli);
}

static int export_emit(void *ctx, FILE *out)
{
	struct export_params *p = ctx;

	return ftx_chrome_export(&p->cli.o, p->flags, out, NULL);
}

static int export_write(struct export_params *p)
{
	int ret = ftx_analysis_write_file(p->chrome, export_emit, p);

	if (ret > 0)
		fprintf(stderr, "ftx export: wrote %s\n", p->chrome);
	return ret < 0 ? -1 : 0;
}

static int export_run(int argc, char **argv)
{
	struct export_params p;
	int ret;

	ret = export_parse(argc, argv, &p);
	if (ret) {
		ftx_analysis_cli_release(&p.cli);
		return ftx_cmd_parse_exit(&ftx_cmd_export, ret, ftx_error());
	}
	p.cli.o.td_flags = FTX_TRACEDAT_NO_PLUGINS;
	ret = export_write(&p);
	ftx_analysis_cli_release(&p.cli);
	return ftx_cmd_exit(ret);
}

const struct ftx_cmd ftx_cmd_export = {
	.name = "export",
	.summary = "write a trace as Chrome trace-event JSON (Perfetto, chrome://tracing, speedscope)",
	.usage = usage,
	.flags = 0,
	.run = export_run,
};
