/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table. Each src/cmd-<name>.c defines one
 *	const struct ftx_cmd ftx_cmd_<name>;
 * and the Makefile lists them in build/gen/commands.h, so adding a command is
 * adding a file. Commands parse → apply → run → restore and return an exit
 * status: FTX_EXIT_OK, FTX_EXIT_FAIL or FTX_EXIT_USAGE.
 */
#ifndef FTX_CMD_H
#define FTX_CMD_H

#include <stdbool.h>

#include <stdio.h>

enum {
	FTX_EXIT_OK = 0,
	FTX_EXIT_FAIL = 1,
	FTX_EXIT_USAGE = 2,
};

/* Command flags, checked by the dispatcher before run() */
#define FTX_CMD_NEEDS_ROOT	(1u << 0)	/* tracefs writes, perf_event_open */

struct ftx_cmd {
	const char *name;
	const char *summary;	/* one line for "ftx help" */
	const char *usage;	/* full text for "ftx help <name>" / --help */
	unsigned int flags;
	/* argv[0] is the command name; getopt state is reset before the call */
	int (*run)(int argc, char **argv);
};

/* The name of the running command, for "ftx <name>: ..." messages */
extern const char *ftx_cmd_name;

/* Print "ftx <cmd>: <fmt>\n" on stderr */
void ftx_cmd_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct ftx_recorder;

/*
 * The recorder's per-CPU summary on stderr (unless @quiet; with @cpu_time the
 * process's CPU time after it, the drain threads' cost), then each loss line
 * as "ftx <cmd>: ..." even when @quiet: record's and stream's ending
 */
void ftx_cmd_recorder_summary(struct ftx_recorder *r, bool quiet, bool cpu_time);

/* Print the one-line usage hint for a bad invocation; returns FTX_EXIT_USAGE */
int ftx_cmd_usage_error(const struct ftx_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the command's full usage on stdout; returns FTX_EXIT_OK */
int ftx_cmd_help(const struct ftx_cmd *cmd);

/*
 * The exit of a parser's non-zero result: > 0 (--help) the usage, < 0 the
 * usage error @why
 */
int ftx_cmd_parse_exit(const struct ftx_cmd *cmd, int ret, const char *why);

/* A run's end: 0 FTX_EXIT_OK; else ftx_error()'s line (none for EPIPE), FTX_EXIT_FAIL */
int ftx_cmd_exit(int ret);

/*
 * A getopt loop's option that is none of the command's (opterr = 0): the
 * reason into @err ("option -@opt needs @what" when its argument is missing,
 * else "unknown option '...'"); returns -1
 */
int ftx_cmd_bad_option(char **argv, int opt, const char *what, char *err, size_t size);

/* After a getopt loop: -1 with the reason into @err if an operand is left */
int ftx_cmd_no_operands(int argc, char **argv, char *err, size_t size);
/* A command whose only option is -h/--help: 0 to run, 1 for help, -1 with a reason in @err */
int ftx_cmd_parse_help_only(int argc, char **argv, char *err, size_t size);

#define FTX_CMD(n) extern const struct ftx_cmd ftx_cmd_##n;
#include "commands.h"
#undef FTX_CMD

#endif /* FTX_CMD_H */
