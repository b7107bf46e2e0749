// SPDX-License-Identifier: GPL-2.0
/*
 * ftx: tracing through tracefs where BPF is not available.
 * main(): global options, the command table, dispatch, stdout write check.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/resource.h>

#include "cmd.h"
#include "ftx/recorder.h"
#include "ftx/error.h"

#ifndef FTX_VERSION
#define FTX_VERSION "0.0"
#endif

static const struct ftx_cmd *const commands[] = {
#define FTX_CMD(n) &ftx_cmd_##n,
#include "commands.h"
#undef FTX_CMD
};

const char *ftx_cmd_name = "";
static int verbose;

/* "ftx CMD: MESSAGE" on one printable line (user text and file bytes escaped) */
static void print_err(const char *name, const char *fmt, va_list ap)
{
	char msg[FTX_ERROR_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ftx_error_escape(msg, sizeof(msg));
	fflush(stdout);
	if (*name)
		fprintf(stderr, "ftx %s: %s\n", name, msg);
	else
		fprintf(stderr, "ftx: %s\n", msg);
}

static void print_err_args(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void print_err_args(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_err(name, fmt, ap);
	va_end(ap);
}

void ftx_cmd_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_err(ftx_cmd_name, fmt, ap);
	va_end(ap);
}

void ftx_cmd_recorder_summary(struct ftx_recorder *r, bool quiet, bool cpu_time)
{
	char *table = NULL, *losses = NULL, *line, *save = NULL;
	struct rusage ru;

	ftx_recorder_summary(r, &table, &losses);
	if (!quiet && table) {
		fputs(table, stderr);
		if (cpu_time && getrusage(RUSAGE_SELF, &ru) == 0)
			fprintf(stderr, "recorder CPU time: %ld.%02lds user, %ld.%02lds system\n",
				(long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec / 10000,
				(long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec / 10000);
	}
	for (line = losses ? strtok_r(losses, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		ftx_cmd_err("%s", line);
	free(table);
	free(losses);
}

int ftx_cmd_usage_error(const struct ftx_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	/* one line per error ('ftx help CMD' lists the options) */
	va_start(ap, fmt);
	print_err(cmd->name, fmt, ap);
	va_end(ap);
	return FTX_EXIT_USAGE;
}

int ftx_cmd_help(const struct ftx_cmd *cmd)
{
	fputs(cmd->usage, stdout);
	return FTX_EXIT_OK;
}

int ftx_cmd_parse_exit(const struct ftx_cmd *cmd, int ret, const char *why)
{
	return ret > 0 ? ftx_cmd_help(cmd) : ftx_cmd_usage_error(cmd, "%s", why);
}

int ftx_cmd_exit(int ret)
{
	if (!ret)
		return FTX_EXIT_OK;
	if (errno != EPIPE)
		ftx_cmd_err("%s", ftx_error());
	return FTX_EXIT_FAIL;
}

int ftx_cmd_bad_option(char **argv, int opt, const char *what, char *err, size_t size)
{
	if (optopt == opt)
		snprintf(err, size, "option -%c needs %s", opt, what);
	else
		snprintf(err, size, "unknown option '%s'", argv[optind - 1]);
	return -1;
}

int ftx_cmd_no_operands(int argc, char **argv, char *err, size_t size)
{
	if (optind >= argc)
		return 0;
	snprintf(err, size, "unexpected argument '%s'", argv[optind]);
	return -1;
}

int ftx_cmd_parse_help_only(int argc, char **argv, char *err, size_t size)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return 1;
		snprintf(err, size, "unknown option '%s'", argv[optind - 1]);
		return -1;
	}
	return ftx_cmd_no_operands(argc, argv, err, size);
}

static void log_to_stderr(enum ftx_log_level level, const char *msg)
{
	static const char *const tag[] = {
		[FTX_LOG_ERROR] = "error: ",
		[FTX_LOG_WARN] = "warning: ",
		[FTX_LOG_INFO] = "",
		[FTX_LOG_DEBUG] = "debug: ",
	};

	if (level == FTX_LOG_DEBUG && verbose < 2)
		return;
	if (level == FTX_LOG_INFO && verbose < 0)
		return;
	fflush(stdout);
	fprintf(stderr, "ftx %s: %s%s\n", ftx_cmd_name, tag[level], msg);
}

static const struct ftx_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: ftx [-v|-q] <command> [options] [args]\n"
		"\n"
		"Tracing through tracefs and perf_event_open, where BPF is not available.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f,
		"\n"
		"  ftx help <command>   options of one command (also: man ftx-<command>)\n"
		"  ftx --version        version\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct ftx_cmd *cmd;

	if (argc < 2) {
		usage(stdout);
		return FTX_EXIT_OK;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd) {
		print_err_args("help", "unknown command '%s' (see 'ftx help')", argv[1]);
		return FTX_EXIT_USAGE;
	}
	return ftx_cmd_help(cmd);
}

/* A failed write to stdout (full disk, closed pipe) must not exit 0. */
static int check_stdout(int ret)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* a command that failed has said why already: one line */
		if (errno != EPIPE && !ret)
			ftx_cmd_err("error writing output: %s", strerror(errno));
		return ret ? ret : FTX_EXIT_FAIL;
	}
	return ret;
}

int main(int argc, char **argv)
{
	const struct ftx_cmd *cmd;
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("ftx %s\n", FTX_VERSION);
			return check_stdout(FTX_EXIT_OK);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return check_stdout(FTX_EXIT_OK);
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose++;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			verbose = -1;
		} else {
			print_err_args("", "unknown option '%s' (see 'ftx help')", argv[i]);
			return FTX_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return FTX_EXIT_USAGE;
	}
	argc -= i;
	argv += i;
	ftx_log_set_hook(log_to_stderr);

	if (!strcmp(argv[0], "help"))
		return check_stdout(cmd_help(argc, argv));

	cmd = find_cmd(argv[0]);
	if (!cmd) {
		print_err_args("", "unknown command '%s' (see 'ftx help')", argv[0]);
		return FTX_EXIT_USAGE;
	}
	ftx_cmd_name = cmd->name;
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return check_stdout(ftx_cmd_help(cmd));
	if ((cmd->flags & FTX_CMD_NEEDS_ROOT) && geteuid() != 0) {
		ftx_cmd_err("must run as root (tracefs and perf_event_open need it)");
		return FTX_EXIT_FAIL;
	}
	optind = 0;	/* full getopt reset for the command */
	ret = cmd->run(argc, argv);
	return check_stdout(ret);
}
