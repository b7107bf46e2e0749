/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftx stat's results and their text: perf stat 6.1's layout column for
 * column (text, -x CSV, -j JSON), with its derived metrics (insn per cycle,
 * CPUs utilized, GHz, K/sec, % of all branches ...), multiplexing shown as
 * (xx.xx%), <not supported> / <not counted>, -r variance and the footer.
 * Pure: counts in, text out into a caller's FILE; tests feed canned counts.
 */
#ifndef FTX_STAT_H
#define FTX_STAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "ftx/pmc.h"

enum ftx_stat_aggr {
	FTX_STAT_AGGR_GLOBAL,	/* one line per counter */
	FTX_STAT_AGGR_NONE,	/* -A: a line per counter and CPU */
	FTX_STAT_AGGR_CORE,	/* --per-core: a line per core and counter */
};

enum ftx_stat_style {
	FTX_STAT_TEXT,
	FTX_STAT_CSV,		/* -x SEP */
	FTX_STAT_JSON,		/* -j */
};

/* Running mean and variance (Welford), as perf keeps them for -r. */
struct ftx_stat_runs {
	double n, mean, m2;
};

void ftx_stat_runs_add(struct ftx_stat_runs *r, double v);
/** ftx_stat_runs_stddev - standard deviation of the mean; 0 under two runs */
double ftx_stat_runs_stddev(const struct ftx_stat_runs *r);

/* One aggregation unit: everything, a CPU, or a core. */
struct ftx_stat_slot {
	int cpu;		/* AGGR_NONE: the CPU */
	int socket, die, core;	/* AGGR_CORE: the core's id */
	int nr;			/* CPUs in it (AGGR_CORE) */
};

/* Raw sums over a slot: values as read, not yet scaled for multiplexing. */
struct ftx_stat_count {
	uint64_t val, ena, run;
};

struct ftx_stat_counter {
	const struct ftx_pmc_event *ev;	/* borrowed */
	bool supported;			/* false: the kernel refused it: <not supported> */
	struct ftx_stat_count *counts;	/* [nr_slots], borrowed */
	struct ftx_stat_runs runs;	/* -r: the scaled global values of the runs */
};

struct ftx_stat_result {
	struct ftx_stat_counter *counters;
	int nr_counters;
	const struct ftx_stat_slot *slots;
	int nr_slots;			/* 1 for AGGR_GLOBAL */
	enum ftx_stat_aggr aggr;
	int run_count;			/* -r N; 1 */
	struct ftx_stat_runs wall;	/* ns of wall time per run (interval: the interval) */
	bool show_rusage;		/* one run of a command: user and sys lines */
	double user_s, sys_s;
	const char *target;		/* header: "'ls -l'", "'system wide'", "'CPU(s) 0-1'",
					 * "process id '42'", "thread id '42'" */
	bool interval;			/* -I: prefixed lines, no header/footer */
	struct timespec ts;		/* -I: time since the start */
	int interval_nr;		/* -I: which interval (the column header every 25) */
};

struct ftx_stat_style_opts {
	enum ftx_stat_style style;
	const char *sep;		/* CSV separator; NULL: "," */
};

/**
 * ftx_stat_scale - perf's multiplexing extrapolation: val * ena / run when the
 * counter ran part of the time; *@ok false when it never ran (<not counted>)
 */
double ftx_stat_scale(const struct ftx_stat_count *c, bool *ok);

/**
 * ftx_stat_metric - the derived metric perf prints after '#' for counter @i
 * in slot @s: *@val and *@unit ("insn per cycle", "CPUs utilized", "GHz",
 * "K/sec", "of all branches", ...), *@fmt the printf format of the value.
 * Returns 1 with a value, 0 when the metric exists but its base is missing
 * (*@unit set, *@fmt NULL: perf prints blanks), -1 when there is none.
 */
int ftx_stat_metric(const struct ftx_stat_result *r, int i, int s, double *val,
		    const char **unit, const char **fmt);

/**
 * ftx_stat_print - print @r as perf stat 6.1 would (@o's style) into @out.
 * Returns 0, or -1 with errno when writing failed.
 */
int ftx_stat_print(const struct ftx_stat_result *r, const struct ftx_stat_style_opts *o,
		   FILE *out);

/*
 * Counting for ftx stat: the counters of one set of events over one or more
 * runs (-r), read as totals or per interval (-I), aggregated per slot.
 */
struct ftx_stat;

struct ftx_stat_opts {
	const struct ftx_pmc_event *evs;	/* borrowed for the object's life */
	int nr;
	enum ftx_stat_aggr aggr;	/* NONE and CORE need @cpus */
	const char *cpus;		/* CPU mode (-a, -C): these CPUs; NULL: task mode */
};

/**
 * ftx_stat_create - set up counting of @o->evs; the slots (CPUs, cores from
 * sysfs topology) are fixed here. Returns the object (ftx_stat_destroy()) or
 * NULL with errno and ftx_error() set.
 */
struct ftx_stat *ftx_stat_create(const struct ftx_stat_opts *o);

/**
 * ftx_stat_open - open the counters of one run: of threads @tids (children
 * included) on any CPU or, in CPU mode (@nr_tids 0), of every task on the
 * CPUs. @enable_on_exec: they start when the (held) thread execs; otherwise
 * call ftx_stat_enable(). Returns 0 or -1 with errno and ftx_error() set
 * (perf_event_paranoid, ...).
 */
int ftx_stat_open(struct ftx_stat *st, const pid_t *tids, int nr_tids, bool enable_on_exec);

/** ftx_stat_enable - start the counters of this run; 0 or -1 */
int ftx_stat_enable(struct ftx_stat *st);

/**
 * ftx_stat_interval - read the counters of this run and fill @r with what
 * they counted since the last interval (@r borrows from @st until the next
 * call). Returns 0 or -1 with errno and ftx_error() set.
 */
int ftx_stat_interval(struct ftx_stat *st, struct ftx_stat_result *r);

/**
 * ftx_stat_finish - stop and read this run's counters, add them and @wall_ns
 * to the totals, close them. Returns 0 or -1.
 */
int ftx_stat_finish(struct ftx_stat *st, double wall_ns);

/**
 * ftx_stat_total - @r filled with the totals of the finished runs (borrowed
 * from @st). Counters the kernel refused are <not supported>.
 */
void ftx_stat_total(struct ftx_stat *st, struct ftx_stat_result *r);

/** ftx_stat_counter_event - the event of counter @i as opened (":u" fallback), borrowed */
const struct ftx_pmc_event *ftx_stat_counter_event(const struct ftx_stat *st, int i);

/** ftx_stat_destroy - close and free; NULL is fine */
void ftx_stat_destroy(struct ftx_stat *st);

#endif /* FTX_STAT_H */
