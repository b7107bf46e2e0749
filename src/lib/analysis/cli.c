// SPDX-License-Identifier: GPL-2.0
/*
 * The options all analysis commands share (pure: no I/O), and the one way
 * they write an output file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ftx/analysis.h"
#include "ftx/error.h"
#include "ftx/report.h"
#include "ftx/util.h"

/* "7.453139" (seconds, as report prints them) -> ns */
static int parse_secs(const char *s, unsigned long long *ns)
{
	unsigned long long sec = 0, frac = 0;
	const char *p = s;
	int digits = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (sec > 18000000000ULL)
			return -1;
		sec = sec * 10 + (*p++ - '0');
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (digits < 9) {
				frac = frac * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
	}
	if (*p)
		return -1;
	while (digits++ < 9)
		frac *= 10;
	*ns = sec * 1000000000ULL + frac;
	return 0;
}

static int bad(const char *fmt, const char *arg)
{
	errno = EINVAL;
	ftx_error_set(fmt, arg);
	return -1;
}

int ftx_analysis_cli_opt(struct ftx_analysis_cli *cli, int opt, const char *arg)
{
	unsigned long long v;

	switch (opt) {
	case 'i':
		if (cli->o.input)
			return bad("only one input file%s", "");
		cli->o.input = arg;
		return 1;
	case FTX_ANALYSIS_OPT_CPU:
		free(cli->cpus);
		cli->cpus = NULL;
		if (ftx_report_parse_cpus(arg, &cli->cpus, &cli->o.ncpus))
			return -1;
		cli->o.cpus = cli->cpus;
		return 1;
	case FTX_ANALYSIS_OPT_PID:
		if (cli->o.npids == FTX_ANALYSIS_MAX_PIDS)
			return bad("too many --pid (at most %s)", "64");
		if (ftx_parse_uint(arg, &v) || v > INT32_MAX)
			return bad("--pid wants a process id, not '%s'", arg);
		cli->pids[cli->o.npids++] = (int)v;
		cli->o.pids = cli->pids;
		return 1;
	case FTX_ANALYSIS_OPT_FROM:
		if (parse_secs(arg, &cli->o.from))
			return bad("--from wants a timestamp in seconds, as report prints it, not '%s'",
				   arg);
		cli->o.from_set = true;
		return 1;
	case FTX_ANALYSIS_OPT_TO:
		if (parse_secs(arg, &cli->o.to))
			return bad("--to wants a timestamp in seconds, as report prints it, not '%s'",
				   arg);
		cli->o.to_set = true;
		return 1;
	case FTX_ANALYSIS_OPT_BY_TASK:
		cli->o.by_task = true;
		return 1;
	}
	return 0;
}

int ftx_analysis_cli_finish(struct ftx_analysis_cli *cli)
{
	if (!cli->o.input)
		cli->o.input = "trace.dat";
	if (cli->o.from_set && cli->o.to_set && cli->o.from > cli->o.to)
		return bad("--to comes before --from%s", "");
	return 0;
}

void ftx_analysis_cli_release(struct ftx_analysis_cli *cli)
{
	free(cli->cpus);
	cli->cpus = NULL;
}

int ftx_analysis_cli_rest(struct ftx_analysis_cli *cli, int c, int argc, char **argv)
{
	if (c == ':')
		return bad("option '%s' needs an argument", argv[optind - 1]);
	if (c != -1)
		return bad("unknown option '%s'", argv[optind - 1]);
	if (optind < argc) {
		if (cli->o.input)
			return bad("unexpected argument '%s'", argv[optind]);
		if (optind + 1 < argc)
			return bad("unexpected argument '%s'", argv[optind + 1]);
		cli->o.input = argv[optind];
	}
	return 0;
}

int ftx_analysis_cli_next(struct ftx_analysis_cli *cli, int argc, char **argv,
			  const char *shortopts, const struct option *longopts)
{
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == ':' || c == '?') {
			ftx_analysis_cli_rest(cli, c, argc, argv);
			return -2;
		}
		r = ftx_analysis_cli_opt(cli, c, optarg);
		if (r < 0)
			return -2;
		if (!r)
			return c;
	}
	return -1;
}

static int emit_to(const char *name, FILE *out, ftx_analysis_emit_fn emit, void *ctx)
{
	int ret;

	if (!out) {
		ftx_error_set("cannot write %s: %s", name, strerror(errno));
		return -1;
	}
	ret = emit(ctx, out);
	if (fclose(out) && !ret) {
		ftx_error_set("error writing %s: %s", name, strerror(errno));
		ret = -1;
	}
	return ret;
}

int ftx_analysis_write_file(const char *path, ftx_analysis_emit_fn emit, void *ctx)
{
	struct stat st;
	char tmp[4096];
	int ret;

	if (!strcmp(path, "-")) {
		ret = emit(ctx, stdout);
		return ret ? ret : 0;
	}
	/* a device or a FIFO (/dev/null, a pipe) is written as it is, never renamed over */
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		return emit_to(path, fopen(path, "w"), emit, ctx);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return bad("%s: name too long", path);
	ret = emit_to(path, fopen(tmp, "w"), emit, ctx);
	if (!ret && rename(tmp, path)) {
		ftx_error_set("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		ret = -1;
	}
	if (ret)
		unlink(tmp);
	return ret ? -1 : 1;
}
