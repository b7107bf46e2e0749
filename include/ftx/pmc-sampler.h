/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters recorded with a trace (ftx record/stream --pmc EVENTS[@MS]): per-CPU
 * counters read every MS milliseconds by a thread of their own and written into
 * the instance's trace_marker, so they are ordinary ftrace print events that
 * trace-cmd, KernelShark and ftx report read. One line per CPU and sample:
 *
 *	ftx_pmc: cpu=N ms=M EVENT=COUNT EVENT=COUNT ...
 *
 * COUNT is what the event counted on CPU N in the M ms since the previous
 * sample (scaled by time_enabled/time_running when it was multiplexed), or
 * '-' when it did not run; EVENT is perf's name of the event.
 */
#ifndef FTX_PMC_SAMPLER_H
#define FTX_PMC_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "ftx/pmc.h"

#define FTX_PMC_SAMPLER_DEFAULT_MS	100

struct ftx_pmc_sampler;

struct ftx_pmc_sampler_stats {
	uint64_t samples;	/* lines written (one per CPU per period) */
	uint64_t failed;	/* lines the marker refused (tracing off, buffer) */
	double seconds;		/* how long it sampled */
	double cpu_seconds;	/* the sampling thread's own CPU time */
};

/**
 * ftx_pmc_spec_parse - split "EVENTS[@MS]": *@ms gets MS (default 100)
 * @spec: modified in place (the '@' becomes a NUL); the events stay in @spec
 * Pure. Returns 0, or -1 with errno EINVAL and ftx_error() set.
 */
int ftx_pmc_spec_parse(char *spec, unsigned int *ms);

/**
 * ftx_pmc_sampler_start - parse @spec ("EVENTS[@MS]", perf's event syntax),
 * open the counters on every online CPU and start the thread writing their
 * counts to @dir/trace_marker every MS milliseconds (default 100)
 * @dir: the tracefs instance (or top level) the trace is recorded from
 * Returns the sampler (ftx_pmc_sampler_stop()), or NULL with errno and
 * ftx_error() set.
 */
struct ftx_pmc_sampler *ftx_pmc_sampler_start(const char *spec, const char *dir);

/**
 * ftx_pmc_sampler_stop - write a last sample, stop the thread, close the
 * counters, free; @st (may be NULL) gets the statistics. NULL is fine.
 */
void ftx_pmc_sampler_stop(struct ftx_pmc_sampler *s, struct ftx_pmc_sampler_stats *st);

/**
 * ftx_pmc_sampler_summary - "pmc: N samples (N/s), sampler CPU Xs (X% of one
 * CPU)[, N not written]" into @buf; returns snprintf()'s count
 */
int ftx_pmc_sampler_summary(const struct ftx_pmc_sampler_stats *st, char *buf, size_t size);

#endif /* FTX_PMC_SAMPLER_H */
