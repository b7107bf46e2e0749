/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Performance counters through perf_event_open (libperf). This header keeps
 * libperf out of sight: only src/lib/perf/ includes the libperf headers (perf/...), and
 * libperf's -errno returns become the usual -1 with errno.
 */
#ifndef FTX_PMC_H
#define FTX_PMC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define FTX_PMC_NAME_MAX	128

/* What a counter measures, for the derived metrics perf prints after '#' */
enum ftx_pmc_kind {
	FTX_PMC_KIND_OTHER = 0,
	FTX_PMC_KIND_CLOCK,		/* task-clock, cpu-clock: ns */
	FTX_PMC_KIND_CYCLES,
	FTX_PMC_KIND_INSTRUCTIONS,
	FTX_PMC_KIND_BRANCHES,
	FTX_PMC_KIND_BRANCH_MISSES,
	FTX_PMC_KIND_CACHE_REFS,
	FTX_PMC_KIND_CACHE_MISSES,
	FTX_PMC_KIND_STALLED_FE,
	FTX_PMC_KIND_STALLED_BE,
	FTX_PMC_KIND_L1D,		/* L1-dcache-loads ... and their load-misses */
	FTX_PMC_KIND_L1D_MISSES,
	FTX_PMC_KIND_L1I,
	FTX_PMC_KIND_L1I_MISSES,
	FTX_PMC_KIND_LL,
	FTX_PMC_KIND_LL_MISSES,
	FTX_PMC_KIND_DTLB,
	FTX_PMC_KIND_DTLB_MISSES,
	FTX_PMC_KIND_ITLB,
	FTX_PMC_KIND_ITLB_MISSES,
};

/*
 * One counter: an event as perf spells it, resolved to perf_event_attr's
 * type/config. On a hybrid or big.LITTLE system a generic hardware event
 * becomes one of these per core PMU (@pmu, @cpus set).
 */
struct ftx_pmc_event {
	uint32_t type;		/* PERF_TYPE_HARDWARE, _SOFTWARE, _RAW, _HW_CACHE, _TRACEPOINT
				 * or a sysfs PMU's type */
	uint64_t config;
	char name[FTX_PMC_NAME_MAX];	/* as perf prints it: "cycles:u", "armv8_pmuv3/cpu_cycles/" */
	uint64_t config1, config2;
	char pmu[32];		/* the core PMU of a hybrid counter, or the PMU of PMU/.../; "" */
	char cpus[64];		/* CPUs it must be opened on (a core PMU's or uncore's); "": any */
	uint32_t ext_type;	/* hybrid: the core PMU's type, tried first as the extended
				 * type of a generic event (config bits 32-63) */
	char unit[16];		/* "msec" for the clocks, a sysfs .unit; "" */
	double scale;		/* value * scale is printed; 1e-6 for the clocks; 0 means 1 */
	enum ftx_pmc_kind kind;
	bool exclude_user, exclude_kernel, exclude_hv;
	int group;		/* -1, or the number of the {...} group it is in */
	bool leader;		/* first of its group */
};

/* Where the parser looks for PMUs and tracepoints (tests point it at fixtures). */
struct ftx_pmc_env {
	const char *pmu_dir;	/* NULL: /sys/bus/event_source/devices */
	const char *tracefs;	/* NULL: no tracepoints */
	int nr_cpus;		/* CPUs in the system, to tell a core PMU covering part of
				 * them (hybrid); 0: from /sys/devices/system/cpu/possible */
};

/**
 * ftx_pmc_events_parse - parse a perf -e list: "cycles,instructions",
 * "{cycles,instructions}:u", "L1-dcache-load-misses", "r11", "cpu_cycles",
 * "armv8_pmuv3/cpu_cycles/", "armv8_pmuv3/config=0x11/", "sched:sched_switch",
 * modifiers :u :k :h. Generic hardware and cache events are expanded to one
 * counter per core PMU where there are several (hybrid, big.LITTLE).
 * @spec: the list (borrowed)
 * @env: where PMUs and tracepoints are (NULL: the live system, no tracepoints)
 * @evs: in/out array, realloc()ed; the caller frees it
 * @nr: in/out number of entries in *@evs
 *
 * Reads sysfs/tracefs only. Returns 0, or -1 with errno EINVAL/ENOENT and
 * ftx_error() naming the bad event and the closest known names.
 */
int ftx_pmc_events_parse(const char *spec, const struct ftx_pmc_env *env,
			 struct ftx_pmc_event **evs, int *nr);

/**
 * ftx_pmc_events_default - perf stat's default set (task-clock or, with
 * @cpu_mode, cpu-clock, context-switches, cpu-migrations, page-faults,
 * cycles, instructions, branches, branch-misses), expanded per core PMU like
 * ftx_pmc_events_parse(). Returns 0 or -1 (ENOMEM).
 */
int ftx_pmc_events_default(bool cpu_mode, const struct ftx_pmc_env *env,
			   struct ftx_pmc_event **evs, int *nr);

/**
 * ftx_pmc_core_pmus - the sysfs PMUs with a "cpus" file covering only part of
 * the CPUs (Intel cpu_core/cpu_atom, ARM big.LITTLE's per-cluster PMUs)
 * @names: filled with up to @max names (32 bytes each)
 * Returns their number (0 on a homogeneous system), never fails.
 */
int ftx_pmc_core_pmus(const struct ftx_pmc_env *env, char (*names)[32], int max);

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

/* What to count: threads (on any CPU, or on @cpus), or every task on @cpus. */
struct ftx_pmc_target {
	const pid_t *tids;	/* borrowed */
	int nr_tids;		/* 0: CPU mode (needs @cpus) */
	const char *cpus;	/* "0-3,6"; NULL: any CPU (needs @tids) */
	bool inherit;		/* children of the threads too */
	bool enable_on_exec;	/* counting starts when the thread execs */
	bool strict;		/* an event the kernel lacks fails the open */
};

/**
 * ftx_pmc_open_target - open @nr counters (groups as parsed) for @t, each on
 * the CPUs of its core PMU where it has one, disabled until ftx_pmc_enable()
 * or the exec. An event the kernel does not support is kept, not counted
 * (ftx_pmc_supported() false: perf's <not supported>) unless @t->strict.
 * Returns the set (ftx_pmc_close()), or NULL with errno and ftx_error() set,
 * e.g. "cycles: not permitted: kernel.perf_event_paranoid=3 ...".
 */
struct ftx_pmc *ftx_pmc_open_target(const struct ftx_pmc_event *evs, int nr,
				    const struct ftx_pmc_target *t);

/** ftx_pmc_supported - did counter @idx open? */
bool ftx_pmc_supported(const struct ftx_pmc *pmc, int idx);

/** ftx_pmc_event_of - counter @idx as opened (borrowed): ":u" added where perf's
 * user-space-only fallback for perf_event_paranoid=2 was taken */
const struct ftx_pmc_event *ftx_pmc_event_of(const struct ftx_pmc *pmc, int idx);

/** ftx_pmc_nr_cpus - CPU slots of counter @idx (1 for a task on any CPU); 0 if not opened */
int ftx_pmc_nr_cpus(const struct ftx_pmc *pmc, int idx);

/**
 * ftx_pmc_read_cpu - counter @idx on its CPU slot @cpu_idx, summed over the
 * threads, unscaled (value == raw); *@cpu the CPU number (-1: any)
 * Returns 0 or -1 with errno.
 */
int ftx_pmc_read_cpu(struct ftx_pmc *pmc, int idx, int cpu_idx, int *cpu,
		     struct ftx_pmc_count *count);

/**
 * ftx_pmc_explain_perm - the one line for EACCES/EPERM on @ev: the sysctl,
 * its value @level, the value this needs (@cpu_mode: counting CPUs) and that
 * root is exempt. Pure; returns snprintf()'s count.
 */
int ftx_pmc_explain_perm(const struct ftx_pmc_event *ev, int level, bool cpu_mode, char *buf,
			 size_t size);

/**
 * ftx_pmc_have_hw_pmu - does sysfs show a CPU PMU ("cpu", a core PMU with a
 * cpus file, an armv* PMU)? false: most likely a VM without a virtual PMU
 */
bool ftx_pmc_have_hw_pmu(const struct ftx_pmc_env *env);

/** ftx_pmc_enable - start counting; 0 or -1 with errno */
int ftx_pmc_enable(struct ftx_pmc *pmc);

/** ftx_pmc_disable - stop counting; 0 or -1 with errno */
int ftx_pmc_disable(struct ftx_pmc *pmc);

/** ftx_pmc_read - read event @idx (order of ftx_pmc_open()), summed over CPUs and threads
 * and scaled for multiplexing; 0 or -1 with errno */
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
