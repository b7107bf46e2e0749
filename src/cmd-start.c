// SPDX-License-Identifier: GPL-2.0
/*
 * ftx start: the flight recorder, as trace-cmd start. Sets up the instance
 * ftx-flight with record's options, turns tracing on in overwrite mode (the
 * newest events push out the oldest) and exits, leaving it running; 'ftx
 * extract' saves what it holds, 'ftx stop' ends it and restores everything.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/record-cli.h"
#include "ftx/recorder.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/tracer.h"
#include "ftx/util.h"

static const char start_usage[] =
	"usage: ftx start [options]\n"
	"\n"
	"Start the flight recorder, as trace-cmd start: the instance " FTX_FLIGHT_INSTANCE "\n"
	"traces the events asked for in overwrite mode (the newest events push out the\n"
	"oldest) after ftx has exited. 'ftx extract -o FILE' saves what its buffers hold\n"
	"as trace.dat without stopping it; 'ftx stop' ends it and restores what ftx start\n"
	"changed. One flight recording at a time.\n"
	"\n"
	"  -e, --event SYSTEM[:EVENT]  enable events (globs; 'all'); repeatable\n"
	"  -f, --filter FILTER         filter for the preceding -e (kernel filter syntax)\n"
	"  -b, --buffer-size KB        per-CPU ring buffer size in KB: how much is kept\n"
	"  -C, --clock CLOCK           trace clock\n"
	"  -P, --pid PID[,PID...]      only events of these tasks; repeatable\n"
	"  -c, --children              with -P: also the tasks they fork\n"
	"  -M, --cpumask MASK          only these CPUs (hex mask, as tracing_cpumask)\n"
	"  -T                          a kernel stack trace with every event\n"
	"  -p, --plugin TRACER         a tracer (function, function_graph) in the instance\n"
	"  -l, --limit FUNC            trace only FUNC; repeatable\n"
	"  -n, --notrace FUNC          do not trace FUNC; repeatable\n"
	"  -g, --graph FUNC            function_graph from FUNC down; repeatable\n"
	"  -O, --option OPT            trace option; repeatable\n"
	"  -q, --quiet                 say nothing when it worked\n"
	"  -h, --help                  this text\n"
	"Not taken: -F and --probe (there is no command or run for them to belong to:\n"
	"create a probe with 'ftx probe --add' and give its event with -e), --pmc.\n";

struct start_params {
	struct ftx_record_cli cli;
	struct ftx_tracer_opts tracer;
	bool stacktrace;
	char err[256];
};

static const struct option start_long_opts[] = {
	{ "event",		required_argument,	NULL, 'e' },
	{ "filter",		required_argument,	NULL, 'f' },
	{ "buffer-size",	required_argument,	NULL, 'b' },
	{ "clock",		required_argument,	NULL, 'C' },
	{ "pid",		required_argument,	NULL, 'P' },
	{ "children",		no_argument,		NULL, 'c' },
	{ "cpumask",		required_argument,	NULL, 'M' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "plugin",		required_argument,	NULL, 'p' },
	{ "limit",		required_argument,	NULL, 'l' },
	{ "notrace",		required_argument,	NULL, 'n' },
	{ "graph",		required_argument,	NULL, 'g' },
	{ "option",		required_argument,	NULL, 'O' },
	{ "only-command",	no_argument,		NULL, 'F' },
	{ "probe",		required_argument,	NULL, FTX_RECORD_CLI_OPT_PROBE },
	{ "pmc",		required_argument,	NULL, FTX_RECORD_CLI_OPT_PMC },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

/* Pure: 0 to run (the caller owes ftx_tracer_opts_free()), 1 for help, -1 with @p->err. */
int start_parse(int argc, char **argv, struct start_params *p);

int start_parse(int argc, char **argv, struct start_params *p)
{
	struct ftx_strv *sv;
	int c, ret;

	memset(p, 0, sizeof(*p));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:e:f:b:C:P:cM:qp:l:n:g:O:TFh", start_long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			ftx_tracer_opts_free(&p->tracer);
			return 1;
		case 'T':
			p->stacktrace = true;
			break;
		case 'p':
			if (!*optarg || strpbrk(optarg, " \t\n/")) {
				snprintf(p->err, sizeof(p->err), "bad tracer '%s'", optarg);
				goto fail;
			}
			p->tracer.tracer = optarg;
			break;
		case 'l': case 'n': case 'g': case 'O':
			sv = c == 'l' ? &p->tracer.filter : c == 'n' ? &p->tracer.notrace :
			     c == 'g' ? &p->tracer.graph : &p->tracer.options;
			if (!*optarg || strpbrk(optarg, " \t\n") || ftx_strv_push(sv, optarg) < 0) {
				snprintf(p->err, sizeof(p->err), "bad argument '%s'", optarg);
				goto fail;
			}
			break;
		case 'F':
		case FTX_RECORD_CLI_OPT_PROBE:
			snprintf(p->err, sizeof(p->err), "%s: not supported: a flight recording has "
				 "no command or run of its own (make a probe with 'ftx probe --add', "
				 "then -e it)", c == 'F' ? "-F" : "--probe");
			goto fail;
		case FTX_RECORD_CLI_OPT_PMC:
			snprintf(p->err, sizeof(p->err), "--pmc: not supported: counters are "
				 "sampled by a running ftx (ftx record --pmc)");
			goto fail;
		case ':':
			snprintf(p->err, sizeof(p->err), "option '%s' needs an argument",
				 argv[optind - 1]);
			goto fail;
		case '?':
			snprintf(p->err, sizeof(p->err), "unknown option '%s'", argv[optind - 1]);
			goto fail;
		default:
			ret = ftx_record_cli_opt(&p->cli, c, optarg);
			if (ret <= 0) {
				snprintf(p->err, sizeof(p->err), "%s",
					 ret < 0 ? ftx_error() : "unknown option");
				goto fail;
			}
			break;
		}
	}
	if (optind < argc) {
		snprintf(p->err, sizeof(p->err), "unexpected argument '%s' (ftx start runs no "
			 "command: ftx record does)", argv[optind]);
		goto fail;
	}
	if (!p->tracer.tracer && p->tracer.graph.n)
		p->tracer.tracer = "function_graph";
	if (!p->tracer.tracer && (p->tracer.filter.n || p->tracer.notrace.n))
		p->tracer.tracer = "function";
	if (!p->tracer.tracer && p->tracer.options.n) {
		snprintf(p->err, sizeof(p->err), "-O needs -p");
		goto fail;
	}
	if (!p->cli.nr_events && !p->tracer.tracer) {
		snprintf(p->err, sizeof(p->err),
			 "nothing to record: give -e SYSTEM[:EVENT] or -p TRACER");
		goto fail;
	}
	if (ftx_record_cli_check(&p->cli, false) < 0) {
		snprintf(p->err, sizeof(p->err), "%s", ftx_error());
		goto fail;
	}
	return 0;
fail:
	ftx_tracer_opts_free(&p->tracer);
	return -1;
}

static int start_run(int argc, char **argv)
{
	struct ftx_recorder_opts o = { 0 };
	struct ftx_session *s = NULL;
	struct ftx_recorder *r = NULL;
	struct start_params p;
	const char *top;
	bool unreadable;
	char why[160];
	int ret;

	ret = start_parse(argc, argv, &p);
	if (ret > 0)
		return ftx_cmd_help(&ftx_cmd_start);
	if (ret < 0)
		return ftx_cmd_usage_error(&ftx_cmd_start, "%s", p.err);
	ret = FTX_EXIT_FAIL;
	top = ftx_tracefs_mount();
	if (!top || (p.tracer.tracer && ftx_tracer_validate(top, top, &p.tracer, &unreadable) < 0)) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (ftx_session_catch_signals(NULL) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	s = ftx_session_create(FTX_SESSION_FLIGHT);
	if (!s) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	why[0] = '\0';
	if (p.tracer.tracer && ftx_tracer_fits(ftx_session_dir(s), &p.tracer, why,
					       sizeof(why)) != 1) {
		ftx_cmd_err("the flight recorder runs in an instance, and %s",
			    why[0] ? why : strerror(errno));
		goto out;
	}
	/* what makes it a flight recorder: a full buffer overwrites its oldest pages */
	if (ftx_session_set(s, "options/overwrite", "1") < 0 ||
	    (p.stacktrace && ftx_session_set(s, "options/stacktrace", "1") < 0)) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	ftx_record_cli_apply(&p.cli, &o);
	o.buffer_percent = -1;
	o.tracer = p.tracer.tracer ? &p.tracer : NULL;
	/* no temp files: nothing is drained by this process */
	o.stream = true;
	r = ftx_recorder_create(s, &o);
	if (!r || ftx_recorder_start(r) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	ftx_recorder_destroy(r);
	r = NULL;
	if (!p.cli.quiet)
		fprintf(stderr, "ftx start: flight recorder on in instances/%s (overwrite mode); "
			"'ftx extract -o FILE' saves it, 'ftx stop' ends it\n",
			FTX_FLIGHT_INSTANCE);
	ftx_session_detach(s);
	s = NULL;
	ret = FTX_EXIT_OK;
out:
	ftx_recorder_destroy(r);
	ftx_session_destroy(s);
	ftx_tracer_opts_free(&p.tracer);
	return ret;
}

const struct ftx_cmd ftx_cmd_start = {
	.name = "start",
	.summary = "start the flight recorder: trace in overwrite mode after ftx exits",
	.usage = start_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = start_run,
};
