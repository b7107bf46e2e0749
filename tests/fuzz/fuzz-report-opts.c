// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for report's option parser and what it drives: the input
 * is split at newlines into arguments after "ftx report -i <small fixture>"
 * and run as the command (output to /dev/null). Usage errors must exit 2,
 * failures 1, never crash or hang.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cmd-report.c"

const char *ftx_cmd_name = "report";

void ftx_cmd_err(const char *fmt, ...)
{
	(void)fmt;
}

int ftx_cmd_usage_error(const struct ftx_cmd *cmd, const char *fmt, ...)
{
	(void)cmd;
	(void)fmt;
	return FTX_EXIT_USAGE;
}

int ftx_cmd_help(const struct ftx_cmd *cmd)
{
	(void)cmd;
	return FTX_EXIT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	char *buf, *argv[64], *p;
	int argc = 0, ret;

	if (!init) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		init = true;
	}
	if (size > 2048)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = 0;
	argv[argc++] = "report";
	argv[argc++] = "-i";
	argv[argc++] = "tests/fixtures/synth/le64-inst.v6.dat";
	for (p = buf; argc < 63;) {
		char *nl = strchr(p, '\n');

		argv[argc++] = p;
		if (!nl)
			break;
		*nl = 0;
		p = nl + 1;
	}
	argv[argc] = NULL;
	optind = 0;
	ret = ftx_cmd_report.run(argc, argv);
	if (ret < 0 || ret > 2)
		abort();
	free(buf);
	return 0;
}
