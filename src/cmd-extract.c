// SPDX-License-Identifier: GPL-2.0
/*
 * ftx extract: save what the flight recorder ('ftx start') holds as trace.dat,
 * as trace-cmd extract, without stopping it.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/recorder.h"
#include "ftx/session.h"
#include "ftx/tracedat-write.h"
#include "ftx/util.h"

static const char extract_usage[] =
	"usage: ftx extract [options]\n"
	"\n"
	"Write what the flight recorder ('ftx start') holds now to a trace.dat file, as\n"
	"trace-cmd extract; tracing goes on. Reading empties the buffers as it goes:\n"
	"a second extract holds what was traced after the first.\n"
	"\n"
	"  -o, --output FILE           output file (default trace.dat)\n"
	"      --file-version N        6 (default) or 7, as ftx record\n"
	"      --compression ALG       with version 7: zstd (default), zlib, none, any\n"
	"  -q, --quiet                 no per-CPU summary\n"
	"  -h, --help                  this text\n";

struct extract_params {
	const char *output;
	unsigned int file_version;
	int compression;
	bool quiet;
	char err[256];
};

enum { OPT_FILE_VERSION = 256, OPT_COMPRESSION };

static const struct option extract_long_opts[] = {
	{ "output",		required_argument,	NULL, 'o' },
	{ "file-version",	required_argument,	NULL, OPT_FILE_VERSION },
	{ "compression",	required_argument,	NULL, OPT_COMPRESSION },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

/* Pure: 0 to run, 1 for help, -1 with the reason in @p->err. */
int extract_parse(int argc, char **argv, struct extract_params *p);

int extract_parse(int argc, char **argv, struct extract_params *p)
{
	int c;

	memset(p, 0, sizeof(*p));
	p->output = "trace.dat";
	p->file_version = 6;
	p->compression = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:qh", extract_long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'o':
			if (!*optarg) {
				snprintf(p->err, sizeof(p->err), "empty output file name");
				return -1;
			}
			p->output = optarg;
			break;
		case 'q':
			p->quiet = true;
			break;
		case OPT_FILE_VERSION:
			if (strcmp(optarg, "6") && strcmp(optarg, "7")) {
				snprintf(p->err, sizeof(p->err), "--file-version %s: 6 or 7", optarg);
				return -1;
			}
			p->file_version = optarg[0] - '0';
			break;
		case OPT_COMPRESSION:
			p->compression = ftx_tdat_compression_parse(optarg);
			if (p->compression < 0) {
				snprintf(p->err, sizeof(p->err),
					 "--compression %s: zstd, zlib, none or any", optarg);
				return -1;
			}
			break;
		case ':':
			snprintf(p->err, sizeof(p->err), "option '%s' needs an argument",
				 argv[optind - 1]);
			return -1;
		default:
			snprintf(p->err, sizeof(p->err), "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		snprintf(p->err, sizeof(p->err), "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (p->compression < 0)
		p->compression = p->file_version == 7 ? FTX_TDAT_COMP_ZSTD : FTX_TDAT_COMP_NONE;
	if (p->file_version == 6 && p->compression != FTX_TDAT_COMP_NONE) {
		snprintf(p->err, sizeof(p->err),
			 "--compression needs --file-version 7 (version 6 is never compressed)");
		return -1;
	}
	return 0;
}

static int extract_run(int argc, char **argv)
{
	struct ftx_recorder_opts o = { 0 };
	struct ftx_session *s = NULL;
	struct ftx_recorder *r = NULL;
	struct extract_params p;
	char *dir = NULL, *tmp;
	unsigned long long events = 0;
	unsigned int cpu;
	int ret;

	ret = extract_parse(argc, argv, &p);
	if (ret > 0)
		return ftx_cmd_help(&ftx_cmd_extract);
	if (ret < 0)
		return ftx_cmd_usage_error(&ftx_cmd_extract, "%s", p.err);
	ret = FTX_EXIT_FAIL;
	tmp = strdup(p.output);
	dir = tmp ? strdup(dirname(tmp)) : NULL;
	free(tmp);
	if (!dir) {
		ftx_cmd_err("out of memory");
		goto out;
	}
	if (access(dir, W_OK) < 0) {
		ftx_cmd_err("cannot write to directory %s: %s", dir, strerror(errno));
		goto out;
	}
	if (ftx_session_catch_signals(NULL) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	s = ftx_session_attach(FTX_FLIGHT_INSTANCE);
	if (!s) {
		if (errno == ENOENT)
			ftx_cmd_err("no flight recording is running ('ftx start' starts one)");
		else
			ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	o.attach = true;
	o.tmpdir = dir;
	o.file_version = p.file_version;
	o.compression = p.compression;
	r = ftx_recorder_create(s, &o);
	if (!r || ftx_recorder_start(r) < 0 || ftx_recorder_stop(r) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (!p.quiet) {
		char *table = NULL;

		ftx_recorder_summary(r, &table, NULL);
		fputs(table ? table : "", stderr);
		free(table);
	}
	for (cpu = 0; cpu < ftx_recorder_nr_cpus(r); cpu++)
		events += ftx_recorder_cpu_stats(r, cpu)->pages;
	if (ftx_recorder_collect(r) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	ftx_session_destroy(s);
	s = NULL;
	if (ftx_recorder_write(r, p.output) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (!p.quiet)
		fprintf(stderr, "ftx extract: wrote %s (%llu sub-buffers; the flight recorder "
			"goes on)\n", p.output, events);
	ret = FTX_EXIT_OK;
out:
	ftx_recorder_destroy(r);
	ftx_session_destroy(s);
	free(dir);
	return ret;
}

const struct ftx_cmd ftx_cmd_extract = {
	.name = "extract",
	.summary = "save what the flight recorder (ftx start) holds as trace.dat",
	.usage = extract_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = extract_run,
};
