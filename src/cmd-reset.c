// SPDX-License-Identifier: GPL-2.0
/*
 * ftx reset: undo what ftx runs that died without restoring left behind.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/journal.h"
#include "ftx/reset.h"
#include "ftx/session.h"

static const char reset_usage[] =
	"usage: ftx reset\n"
	"\n"
	"Remove what ftx processes that are no longer running left in tracefs: their\n"
	"instances (ftx-<pid>), their dynamic events (probe groups ftx*), and the\n"
	"top-level settings they journaled under " FTX_JOURNAL_DIR ". Instances and\n"
	"probes of live ftx processes and of other tools are left alone. The flight\n"
	"recorder ('ftx start', instance " FTX_FLIGHT_INSTANCE ") is ended, as by 'ftx stop'.\n"
	"Prints each thing removed or restored, or \"nothing to reset\".\n"
	"\n"
	"  -h, --help     this text\n";

static void reset_print(const char *what, void *arg)
{
	puts(what);
}

static int reset_run(int argc, char **argv)
{
	char err[256];
	int ret;

	ret = ftx_cmd_parse_help_only(argc, argv, err, sizeof(err));
	if (ret > 0)
		return ftx_cmd_help(&ftx_cmd_reset);
	if (ret < 0)
		return ftx_cmd_usage_error(&ftx_cmd_reset, "%s", err);
	ret = ftx_reset(reset_print, NULL);
	if (ret < 0) {
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	if (ret == 0)
		puts("nothing to reset");
	return FTX_EXIT_OK;
}

const struct ftx_cmd ftx_cmd_reset = {
	.name = "reset",
	.summary = "remove what ftx runs that were killed left in tracefs",
	.usage = reset_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = reset_run,
};
