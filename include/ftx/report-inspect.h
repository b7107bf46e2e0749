/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace-cmd report's inspection options (-f -P -E --uname --version --cpus
 * --first-event --last-event --check-events): what a trace.dat holds rather
 * than its events, printed as trace-cmd 3.1.6 prints it.
 */
#ifndef FTX_REPORT_INSPECT_H
#define FTX_REPORT_INSPECT_H

#include <stdbool.h>
#include <stdio.h>

/* What to print; trace-cmd's precedence: functions, printk, events, CPUs, uname/version */
struct ftx_report_inspect {
	bool funcs;		/* -f: kallsyms as "%016llx name [module]" */
	bool printk;		/* -P: printk formats */
	bool events;		/* -E: system:event of every format, sorted */
	bool uname;		/* --uname: cpus=N, the UNAME option, the VERSION option */
	bool version;		/* --version: cpus=N, the VERSION option */
	bool cpus;		/* --cpus: the CPUs with data */
	bool first, last;	/* --first-event, --last-event: per CPU */
	bool check;		/* --check-events: parse every format, print nothing */
	bool nsec;		/* -t: timestamps in nanoseconds */
	bool no_plugins;	/* -N */
	long long ts_offset;	/* --ts-offset: added to the first/last timestamps */
};

/** ftx_report_inspect_any - whether @w asks for anything */
bool ftx_report_inspect_any(const struct ftx_report_inspect *w);

/**
 * ftx_report_inspect - print what @w asks for about @path on @out
 * Returns 0, or -1 with errno and ftx_error() set (a file that cannot be
 * read, or whose formats do not parse for --check-events).
 */
int ftx_report_inspect(const char *path, const struct ftx_report_inspect *w, FILE *out);

#endif /* FTX_REPORT_INSPECT_H */
