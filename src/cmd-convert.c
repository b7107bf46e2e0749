// SPDX-License-Identifier: GPL-2.0
/*
 * ftx convert: rewrite a trace.dat in another file version or compression,
 * as trace-cmd convert does. parse → run (the work is ftx_tdat_convert()).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/tracedat-write.h"

static const char convert_usage[] =
	"usage: ftx convert [-i IN] -o OUT [--file-version 6|7] [--compression ALG]\n"
	"       ftx convert [-i IN] [options] OUT\n"
	"\n"
	"Rewrite a trace.dat file in another file version or compression, as\n"
	"'trace-cmd convert' does. Events are not decoded: metadata, options and\n"
	"ring-buffer pages are copied as they are.\n"
	"\n"
	"  -i FILE             input file (default ./trace.dat)\n"
	"  -o FILE             output file (also the last argument); written whole to a\n"
	"                      temporary file, then renamed\n"
	"      --file-version N  6 (every reader) or 7 (trace-cmd 3.x, KernelShark 2.x;\n"
	"                      the default, as trace-cmd convert's)\n"
	"      --compression ALG  version 7: zstd, zlib, none, or any (zstd); default\n"
	"                      zstd for version 7\n"
	"  -h, --help          this text\n";

enum { OPT_FILE_VERSION = 256, OPT_COMPRESSION };

static const struct option convert_options[] = {
	{ "file-version", required_argument, NULL, OPT_FILE_VERSION },
	{ "compression", required_argument, NULL, OPT_COMPRESSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct convert_params {
	const char *in, *out;
	unsigned int version;
	int compression;		/* -1: the version's default */
};

/* Pure: no I/O, no exit. 0 to run, 1 for help, -1 with a reason in @err. */
int convert_parse(int argc, char **argv, struct convert_params *p, char *err, size_t size);

int convert_parse(int argc, char **argv, struct convert_params *p, char *err, size_t size)
{
	char *end;
	long v;
	int c;

	*p = (struct convert_params){ .in = "trace.dat", .version = 7, .compression = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hi:o:", convert_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'i':
			p->in = optarg;
			break;
		case 'o':
			p->out = optarg;
			break;
		case OPT_FILE_VERSION:
			v = strtol(optarg, &end, 10);
			if (*end || (v != 6 && v != 7)) {
				snprintf(err, size, "--file-version %s: 6 or 7", optarg);
				return -1;
			}
			p->version = v;
			break;
		case OPT_COMPRESSION:
			p->compression = ftx_tdat_compression_parse(optarg);
			if (p->compression < 0) {
				snprintf(err, size, "--compression %s: zstd, zlib, none or any",
					 optarg);
				return -1;
			}
			break;
		case ':':
			snprintf(err, size, "option '%s' needs an argument", argv[optind - 1]);
			return -1;
		default:
			snprintf(err, size, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc && !p->out)
		p->out = argv[optind++];
	if (optind < argc) {
		snprintf(err, size, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!p->out) {
		snprintf(err, size, "no output file (-o FILE)");
		return -1;
	}
	if (p->compression < 0)
		p->compression = p->version == 7 ? FTX_TDAT_COMP_ZSTD : FTX_TDAT_COMP_NONE;
	if (p->version == 6 && p->compression != FTX_TDAT_COMP_NONE) {
		snprintf(err, size, "--compression needs --file-version 7 (version 6 is never compressed)");
		return -1;
	}
	return 0;
}

static int convert_run(int argc, char **argv)
{
	struct convert_params p;
	char err[256];
	int ret;

	ret = convert_parse(argc, argv, &p, err, sizeof(err));
	if (ret > 0)
		return ftx_cmd_help(&ftx_cmd_convert);
	if (ret < 0)
		return ftx_cmd_usage_error(&ftx_cmd_convert, "%s", err);
	if (ftx_tdat_convert(p.in, p.out, p.version, p.compression) < 0) {
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	return FTX_EXIT_OK;
}

const struct ftx_cmd ftx_cmd_convert = {
	.name = "convert",
	.summary = "rewrite a trace.dat in another version or compression",
	.usage = convert_usage,
	.run = convert_run,
};
