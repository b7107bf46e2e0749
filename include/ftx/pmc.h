/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Performance counters through perf_event_open (libperf). This header keeps
 * libperf out of sight: only src/lib/pmc.c includes the libperf headers (perf/...), and libperf's
 * -errno returns become the usual -1 with errno.
 */
#ifndef FTX_PMC_H
#define FTX_PMC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* An event by perf's generic name: "cycles", "instructions", "cpu-clock"... */
struct ftx_pmc_event {
	uint32_t type;		/* PERF_TYPE_HARDWARE, PERF_TYPE_SOFTWARE, PERF_TYPE_RAW */
	uint64_t config;
	char name[64];
};

struct ftx_pmc_count {
	uint64_t value;		/* scaled when the counter was multiplexed */
	uint64_t raw;		/* as read */
	uint64_t enabled;	/* ns the counter was enabled */
	uint64_t running;	/* ns it actually counted */
};

struct ftx_pmc;

/**
 * ftx_pmc_event_parse - perf's event names ("cycles", "instructions",
 * "cache-misses", "branch-misses", "cpu-clock", "task-clock", "page-faults",
 * "context-switches", "cpu-migrations", ... or "rNNN" for a raw event) to a
 * type/config pair. Pure. Returns 0, or -1 with errno EINVAL and ftx_error()
 * naming the closest known event.
 */
int ftx_pmc_event_parse(const char *name, struct ftx_pmc_event *ev);

/**
 * ftx_pmc_open - open counters for @nr events, counting @pid on any CPU
 * (@cpu = -1) or every task on @cpu (@pid = -1), disabled until
 * ftx_pmc_enable(). Children of @pid are counted too when @inherit.
 * Returns a set the caller frees with ftx_pmc_close(), or NULL with errno and
 * ftx_error() set ("cycles: no hardware PMU", "...: perf_event_paranoid=3").
 */
struct ftx_pmc *ftx_pmc_open(const struct ftx_pmc_event *evs, int nr, pid_t pid, int cpu,
			     bool inherit);

/** ftx_pmc_enable - start counting; 0 or -1 with errno */
int ftx_pmc_enable(struct ftx_pmc *pmc);

/** ftx_pmc_disable - stop counting; 0 or -1 with errno */
int ftx_pmc_disable(struct ftx_pmc *pmc);

/** ftx_pmc_read - read event @idx (order of ftx_pmc_open()); 0 or -1 with errno */
int ftx_pmc_read(struct ftx_pmc *pmc, int idx, struct ftx_pmc_count *count);

/** ftx_pmc_close - close the counters and free the set; NULL is fine */
void ftx_pmc_close(struct ftx_pmc *pmc);

/**
 * ftx_pmc_probe - can @ev be counted on this machine? Opens it on the calling
 * thread, counts a short busy loop and closes it.
 * Returns 0, or -1 with errno (ENOENT/EOPNOTSUPP: no such PMU or event;
 * EACCES/EPERM: not permitted) and ftx_error() set.
 */
int ftx_pmc_probe(const struct ftx_pmc_event *ev);

/** ftx_pmc_paranoid - /proc/sys/kernel/perf_event_paranoid, or -1 with errno if absent */
int ftx_pmc_paranoid(int *level);

#endif /* FTX_PMC_H */
