/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-line options 'ftx record' and 'ftx stream' share (trace-cmd
 * record's -e -f -b -C -P -F -c -M -q), parsed in one place. Pure: no I/O.
 */
#ifndef FTX_RECORD_CLI_H
#define FTX_RECORD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ftx/recorder.h"

#define FTX_RECORD_MAX_EVENTS	256
#define FTX_RECORD_MAX_PIDS	64
#define FTX_RECORD_MAX_PROBES	32

/* The getopt code of --probe (long only) */
#define FTX_RECORD_CLI_OPT_PROBE	0x1000

/* --pmc EVENTS[@MS] (long only) */
#define FTX_RECORD_CLI_OPT_PMC	0x1001

/* The shared options' help lines (-e -f -b -C -P -F -c -M), beside their letters */
#define FTX_RECORD_CLI_USAGE \
	"  -e, --event SYSTEM[:EVENT]  enable events (globs; 'all'; a bare NAME is a\n" \
	"                              system, else an event of any system); repeatable\n" \
	"      --probe 'WORDS'         a probe for this run only, in group ftx, traced\n" \
	"                              and removed afterwards; WORDS as for ftx probe:\n" \
	"                              '-x BIN FUNC ARGS', 'FUNC%return $retval'; repeatable\n" \
	"  -f, --filter FILTER         filter for the preceding -e (kernel filter syntax)\n" \
	"  -b, --buffer-size KB        per-CPU ring buffer size in KB\n" \
	"  -C, --clock CLOCK           trace clock (see /sys/kernel/tracing/trace_clock)\n" \
	"  -P, --pid PID[,PID...]      only events of these tasks; repeatable\n" \
	"  -F, --only-command          only events of the command\n" \
	"  -c, --children              with -F or -P: also the tasks they fork\n" \
	"  -M, --cpumask MASK          only these CPUs (hex mask, as tracing_cpumask)\n" \
	"  -q, --quiet                 no per-CPU summary (losses are still reported)\n" \
	"      --pmc EVENTS[@MS]       per-CPU counters (perf's event syntax, see ftx stat)\n" \
	"                              every MS ms (default 100) into the trace as\n" \
	"                              'ftx_pmc: cpu=N ms=M EVENT=COUNT ...' lines\n"

/* ... and their getopt_long entries */
#define FTX_RECORD_CLI_LONG_OPTS \
	{ "event",		required_argument,	NULL, 'e' }, \
	{ "probe",		required_argument,	NULL, FTX_RECORD_CLI_OPT_PROBE }, \
	{ "filter",		required_argument,	NULL, 'f' }, \
	{ "buffer-size",	required_argument,	NULL, 'b' }, \
	{ "clock",		required_argument,	NULL, 'C' }, \
	{ "pid",		required_argument,	NULL, 'P' }, \
	{ "only-command",	no_argument,		NULL, 'F' }, \
	{ "children",		no_argument,		NULL, 'c' }, \
	{ "cpumask",		required_argument,	NULL, 'M' }, \
	{ "quiet",		no_argument,		NULL, 'q' }, \
	{ "pmc",		required_argument,	NULL, FTX_RECORD_CLI_OPT_PMC }

/* The getopt letters of the shared options, for the commands' optstrings */
#define FTX_RECORD_CLI_OPTSTRING	"e:f:b:C:P:FcM:q"

struct ftx_record_cli {
	struct ftx_record_event events[FTX_RECORD_MAX_EVENTS];
	size_t nr_events;
	pid_t pids[FTX_RECORD_MAX_PIDS];
	size_t nr_pids;
	unsigned long buffer_kb;
	const char *clock;
	const char *cpumask;
	bool only_command;
	bool children;
	bool quiet;
	const char *probes[FTX_RECORD_MAX_PROBES];	/* --probe WORDS, for this run only */
	size_t nr_probes;
	const char *pmc;	/* --pmc EVENTS[@MS]: counters sampled into the trace */
};

/**
 * ftx_record_cli_opt - take one shared option
 * @cli: what the options asked for so far
 * @opt: the getopt letter
 * @arg: its argument (borrowed; -e and -P are split in place)
 *
 * Returns 1 when @opt was one of the shared options, 0 when it is not, or -1
 * with the reason in ftx_error().
 */
int ftx_record_cli_opt(struct ftx_record_cli *cli, int opt, char *arg);

/**
 * ftx_record_cli_add_event - enable SYSTEM:EVENT too (a --probe's event)
 * @cli: a struct ftx_record_cli (void *: it is the callback of
 *	ftx_probe_run_foreach())
 * The strings are borrowed. Returns 0 or -1 (E2BIG) with ftx_error().
 */
int ftx_record_cli_add_event(void *cli, const char *system, const char *event);

/**
 * ftx_record_cli_matches - would the -e options of @cli (a struct
 * ftx_record_cli) enable SYSTEM:EVENT? (a callback of ftx_probe_watch_start())
 */
bool ftx_record_cli_matches(void *cli, const char *system, const char *event);

/**
 * ftx_record_cli_check - how -F, -P and -c combine, once every option is in
 * @has_command: a command to run follows the options
 * Returns 0, or -1 with the reason in ftx_error().
 */
int ftx_record_cli_check(const struct ftx_record_cli *cli, bool has_command);

/** ftx_record_cli_apply - copy the shared options into recorder options */
void ftx_record_cli_apply(const struct ftx_record_cli *cli, struct ftx_recorder_opts *o);

#endif /* FTX_RECORD_CLI_H */
