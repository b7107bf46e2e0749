// SPDX-License-Identifier: GPL-2.0
/*
 * ftx flame: the flame graph of a trace, as an interactive SVG drawn by ftx
 * or as folded stacks for flamegraph.pl and speedscope.
 * parse → run (drawing lives in src/lib/analysis/flame.c).
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
	"usage: ftx flame [options] [-o FILE.svg]\n"
	"\n"
	"The flame graph of a trace.dat file (default ./trace.dat): time-weighted from\n"
	"function_graph, hit-weighted from a function trace (whole stacks when recorded\n"
	"with --func-stack) or from events recorded with kernel stack traces. The SVG is\n"
	"drawn by ftx: tooltips with name, time and %, click to zoom, Reset Zoom, Ctrl-F\n"
	"(or Search) highlights matches and shows the matched %.\n"
	"\n"
	"  -i, --input FILE   trace.dat file to read\n"
	"  -o, --output FILE  where to write (default flame.svg; with --folded, stdout;\n"
	"                     '-' for stdout)\n"
	"      --folded       folded stacks ('a;b;c WEIGHT', WEIGHT in ns or hits) for\n"
	"                     flamegraph.pl and speedscope instead of the SVG\n"
	"      --inverted     an icicle graph: the root at the top\n"
	"      --title TEXT   title (default 'Flame Graph'); the file and kernel follow\n"
	"      --width PX     width of the SVG (default 1200)\n"
	"      --by-task      a tower per task\n"
	"      --pid PID      only this task (repeatable)\n"
	"      --cpu LIST     only these CPUs, e.g. 0-3,6\n"
	"      --from SECS    only records from this timestamp on (as report prints it)\n"
	"      --to SECS      only records up to this timestamp\n"
	"  -h, --help         this text\n";

struct flame_params {
	struct ftx_analysis_cli cli;
	struct ftx_flame_opts fo;
	const char *output;
	bool folded;
};

enum { OPT_FOLDED = 256, OPT_INVERTED, OPT_TITLE, OPT_WIDTH };

static const struct option long_opts[] = {
	FTX_ANALYSIS_LONG_OPTS,
	{ "output", required_argument, NULL, 'o' },
	{ "folded", no_argument, NULL, OPT_FOLDED },
	{ "inverted", no_argument, NULL, OPT_INVERTED },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Pure: no I/O. Returns 0, 1 for --help, or -1 with the reason set. */
static int flame_parse(int argc, char **argv, struct flame_params *p)
{
	unsigned long long v;
	int c;

	memset(p, 0, sizeof(*p));
	while ((c = ftx_analysis_cli_next(&p->cli, argc, argv, ":i:o:h", long_opts)) >= 0) {
		switch (c) {
		case 'o':
			p->output = optarg;
			break;
		case OPT_FOLDED:
			p->folded = true;
			break;
		case OPT_INVERTED:
			p->fo.inverted = true;
			break;
		case OPT_TITLE:
			p->fo.title = optarg;
			break;
		case OPT_WIDTH:
			if (ftx_parse_uint(optarg, &v) || v < 200 || v > 100000) {
				ftx_error_set("--width wants 200 to 100000 pixels, not '%s'", optarg);
				return -1;
			}
			p->fo.width = (int)v;
			break;
		case 'h':
			return 1;
		}
	}
	if (c < -1)
		return -1;
	if (ftx_analysis_cli_rest(&p->cli, c, argc, argv))
		return -1;
	if (p->folded && (p->fo.inverted || p->fo.title || p->fo.width)) {
		ftx_error_set("--inverted, --title and --width are for the SVG, not --folded");
		return -1;
	}
	if (!p->output)
		p->output = p->folded ? "-" : "flame.svg";
	return ftx_analysis_cli_finish(&p->cli);
}

struct flame_out {
	struct flame_params *p;
	struct ftx_calltree *ct;
};

static int flame_emit(void *ctx, FILE *out)
{
	struct flame_out *f = ctx;

	return f->p->folded ? ftx_flame_folded(f->ct, out) : ftx_flame_svg(f->ct, &f->p->fo, out);
}

static int flame_write(struct flame_params *p, struct ftx_calltree *ct)
{
	struct flame_out f = { p, ct };
	int ret = ftx_analysis_write_file(p->output, flame_emit, &f);

	if (ret > 0)
		fprintf(stderr, "ftx flame: wrote %s\n", p->output);
	return ret < 0 ? -1 : 0;
}

static int flame_run(int argc, char **argv)
{
	struct flame_params p;
	struct ftx_calltree *ct;
	int ret;

	ret = flame_parse(argc, argv, &p);
	if (ret) {
		ftx_analysis_cli_release(&p.cli);
		return ftx_cmd_parse_exit(&ftx_cmd_flame, ret, ftx_error());
	}
	p.cli.o.td_flags = FTX_TRACEDAT_NO_PLUGINS;
	ct = ftx_calltree_build(&p.cli.o);
	ret = ct ? flame_write(&p, ct) : -1;
	ftx_calltree_free(ct);
	ftx_analysis_cli_release(&p.cli);
	return ftx_cmd_exit(ret);
}

const struct ftx_cmd ftx_cmd_flame = {
	.name = "flame",
	.summary = "flame graph of a trace: an interactive SVG, or folded stacks",
	.usage = usage,
	.flags = 0,
	.run = flame_run,
};
