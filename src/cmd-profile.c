// SPDX-License-Identifier: GPL-2.0
/*
 * ftx profile: per function calls, total, self, average, min and max time of
 * a function_graph trace (hits of a function trace), uftrace report's shape.
 * parse → run (the aggregation lives in src/lib/analysis).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cmd.h"
#include "ftx/analysis.h"
#include "ftx/error.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"

static const char usage[] =
	"usage: ftx profile [options] [FILE]\n"
	"       ftx profile [options] [record options] -- COMMAND [ARGS...]\n"
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
	"With -- COMMAND, 'ftx record -p function_graph' records COMMAND first (root; a\n"
	"kernel with function_graph), with these of record's options, then the file is\n"
	"profiled:\n"
	"  -g, --graph FUNC   function_graph from FUNC down (repeatable)\n"
	"  -l, --limit FUNC   trace only FUNC (repeatable)\n"
	"  -n, --notrace FUNC do not trace FUNC (repeatable)\n"
	"      --graph-notrace FUNC  skip FUNC and what it calls\n"
	"      --max-graph-depth N   to N levels\n"
	"  -O, --option OPT   trace option, e.g. funcgraph-proc, nofuncgraph-irqs\n"
	"  -b, --buffer-size KB  per-CPU ring buffer size\n"
	"  -F, --only-command only the command's events; -c, --children: and its children\n"
	"  -o, --output FILE  keep the recording in FILE (default: a temporary file)\n"
	"  -q, --quiet        no per-CPU summary from the recording\n"
	"\n"
	"Calls the trace cuts (still open at its end, broken by lost events) are marked\n"
	"'[N cut]' and explained under the table; lost events are listed there.\n";

#define MAX_REC_ARGS 256

struct profile_params {
	struct ftx_analysis_cli cli;
	struct ftx_profile_opts po;
	char *const *command;		/* after "--": record it first */
	const char *rec_args[MAX_REC_ARGS];	/* record's options, passed on */
	int nrec;
	const char *output;		/* -o: keep the recording there */
};

enum { OPT_GRAPH_NOTRACE = 256, OPT_MAX_GRAPH_DEPTH };

static const struct option long_opts[] = {
	FTX_ANALYSIS_LONG_OPTS,
	{ "sort", required_argument, NULL, 's' },
	{ "fields", required_argument, NULL, 'f' },
	{ "graph", required_argument, NULL, 'g' },
	{ "limit", required_argument, NULL, 'l' },
	{ "notrace", required_argument, NULL, 'n' },
	{ "graph-notrace", required_argument, NULL, OPT_GRAPH_NOTRACE },
	{ "max-graph-depth", required_argument, NULL, OPT_MAX_GRAPH_DEPTH },
	{ "option", required_argument, NULL, 'O' },
	{ "buffer-size", required_argument, NULL, 'b' },
	{ "only-command", no_argument, NULL, 'F' },
	{ "children", no_argument, NULL, 'c' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A record option: passed on as "--name" [arg] */
static int rec_arg(struct profile_params *p, const char *opt, const char *arg)
{
	if (p->nrec + 2 > MAX_REC_ARGS) {
		ftx_error_set("too many record options");
		return -1;
	}
	p->rec_args[p->nrec++] = opt;
	if (arg)
		p->rec_args[p->nrec++] = arg;
	return 0;
}

/* Pure: no I/O. Returns 0, 1 for --help, or -1 with the reason set. */
static int profile_parse(int argc, char **argv, struct profile_params *p)
{
	unsigned int mask;
	int c, i;

	memset(p, 0, sizeof(*p));
	/* "-- COMMAND": the options are what comes before */
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			if (i + 1 == argc) {
				ftx_error_set("the command after '--' is missing");
				return -1;
			}
			p->command = argv + i + 1;
			argc = i;
			break;
		}
	while ((c = ftx_analysis_cli_next(&p->cli, argc, argv, ":i:s:f:g:l:n:O:b:Fco:qh", long_opts)) >= 0) {
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
		case 'g':
		case 'l':
		case 'n':
		case 'O':
		case 'b': {
			static const char *const names[128] = {
				['g'] = "--graph", ['l'] = "--limit", ['n'] = "--notrace",
				['O'] = "--option", ['b'] = "--buffer-size",
			};

			if (rec_arg(p, names[c], optarg))
				return -1;
			break;
		}
		case OPT_GRAPH_NOTRACE:
			if (rec_arg(p, "--graph-notrace", optarg))
				return -1;
			break;
		case OPT_MAX_GRAPH_DEPTH:
			if (rec_arg(p, "--max-graph-depth", optarg))
				return -1;
			break;
		case 'F':
		case 'c':
		case 'q':
			if (rec_arg(p, c == 'F' ? "--only-command" : c == 'c' ? "--children" :
				    "--quiet", NULL))
				return -1;
			break;
		case 'o':
			p->output = optarg;
			break;
		case 'h':
			return 1;
		}
	}
	if (c < -1)
		return -1;
	if (ftx_analysis_cli_rest(&p->cli, c, argc, argv))
		return -1;
	if (p->command && p->cli.o.input) {
		ftx_error_set("a trace.dat file or '-- COMMAND' to record, not both");
		return -1;
	}
	if (!p->command && (p->nrec || p->output)) {
		ftx_error_set("record's options (-g -l -n -O -b -F -c -o -q ...) go with '-- COMMAND'");
		return -1;
	}
	p->po.by_task = p->cli.o.by_task;
	return ftx_analysis_cli_finish(&p->cli);
}

/*
 * Record the command with 'ftx record -p function_graph' (this binary), its
 * messages relayed as profile's. Returns record's exit status, or -1.
 */
static int profile_record(struct profile_params *p, const char *dat)
{
	const char *argv[MAX_REC_ARGS + 16 + 64];
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_term;
	char *line = NULL;
	size_t cap = 0;
	int n = 0, fds[2], status;
	FILE *err;
	pid_t pid;

	argv[n++] = "ftx";
	argv[n++] = "record";
	argv[n++] = "-p";
	argv[n++] = "function_graph";
	for (int i = 0; i < p->nrec; i++)
		argv[n++] = p->rec_args[i];
	argv[n++] = "-o";
	argv[n++] = dat;
	argv[n++] = "--";
	for (int i = 0; p->command[i]; i++) {
		if (n == (int)FTX_ARRAY_SIZE(argv) - 1) {
			ftx_error_set("too many arguments for the command");
			return -1;
		}
		argv[n++] = p->command[i];
	}
	argv[n] = NULL;
	if (pipe(fds) < 0) {
		ftx_error_set("pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ftx_error_set("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv("/proc/self/exe", (char *const *)argv);
		fprintf(stderr, "ftx record: cannot run /proc/self/exe: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	/* Ctrl-C is record's to handle: it stops and writes what it has */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &ign, &old_term);
	err = fdopen(fds[0], "r");
	while (err && getline(&line, &cap, err) > 0) {
		if (!strncmp(line, "ftx record: ", 12))
			fprintf(stderr, "ftx profile: %s", line + 12);
		else
			fputs(line, stderr);
	}
	free(line);
	if (err)
		fclose(err);
	else
		close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	ftx_error_set("ftx record died of signal %d", WTERMSIG(status));
	return -1;
}

static int profile_run(int argc, char **argv)
{
	struct profile_params p;
	struct ftx_calltree *ct;
	bool temp = false;
	int ret;

	ret = profile_parse(argc, argv, &p);
	if (ret) {
		ftx_analysis_cli_release(&p.cli);
		return ftx_cmd_parse_exit(&ftx_cmd_profile, ret, ftx_error());
	}
	if (p.command) {
		static char tmp[64];
		int rc;

		if (!p.output) {
			snprintf(tmp, sizeof(tmp), "/tmp/ftx-profile-%d.dat", (int)getpid());
			p.output = tmp;
			temp = true;
		}
		rc = profile_record(&p, p.output);
		if (rc) {
			if (temp)
				unlink(tmp);
			if (rc < 0)
				ftx_cmd_err("%s", ftx_error());
			ftx_analysis_cli_release(&p.cli);
			return rc == FTX_EXIT_USAGE ? FTX_EXIT_USAGE : FTX_EXIT_FAIL;
		}
		p.cli.o.input = p.output;
		ret = 0;
	}
	p.cli.o.td_flags = FTX_TRACEDAT_NO_PLUGINS;
	ct = ftx_calltree_build(&p.cli.o);
	ret = ct ? ftx_profile_print(ct, &p.po, stdout) : -1;
	ftx_calltree_free(ct);
	if (temp)
		unlink(p.cli.o.input);
	ftx_analysis_cli_release(&p.cli);
	return ftx_cmd_exit(ret);
}

const struct ftx_cmd ftx_cmd_profile = {
	.name = "profile",
	.summary = "time per function of a function_graph trace (calls, total, self, avg, min, max)",
	.usage = usage,
	.flags = 0,
	.run = profile_run,
};
