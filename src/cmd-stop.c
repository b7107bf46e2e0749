// SPDX-License-Identifier: GPL-2.0
/*
 * ftx stop: end the flight recording 'ftx start' left running and restore
 * what it changed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/reset.h"
#include "ftx/session.h"

static const char stop_usage[] =
	"usage: ftx stop\n"
	"\n"
	"End the flight recording of 'ftx start': remove its instance " FTX_FLIGHT_INSTANCE "\n"
	"(what it holds is gone: 'ftx extract' first) and restore the top-level settings\n"
	"ftx start changed. Prints each thing removed or restored. 'ftx reset' does the same.\n"
	"\n"
	"  -h, --help     this text\n";

static void stop_print(const char *what, void *arg)
{
	(void)arg;
	puts(what);
}

static int stop_run(int argc, char **argv)
{
	char err[256];
	int ret;

	ret = ftx_cmd_parse_help_only(argc, argv, err, sizeof(err));
	if (ret > 0)
		return ftx_cmd_help(&ftx_cmd_stop);
	if (ret < 0)
		return ftx_cmd_usage_error(&ftx_cmd_stop, "%s", err);
	if (ftx_flight_stop(stop_print, NULL) < 0) {
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	return FTX_EXIT_OK;
}

const struct ftx_cmd ftx_cmd_stop = {
	.name = "stop",
	.summary = "end the flight recorder (ftx start) and restore tracefs",
	.usage = stop_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = stop_run,
};
