// SPDX-License-Identifier: GPL-2.0
/*
 * Counters through libperf. The only file that includes the libperf headers
 * (perf/...): libperf returns -errno (or a bare -1), the rest of ftx expects
 * -1 with errno.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>

#include <perf/core.h>
#include <perf/cpumap.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>

#include "ftx/error.h"
#include "ftx/pmc.h"
#include "ftx/util.h"

struct ftx_pmc {
	int nr;
	struct perf_evsel **evsels;
	struct ftx_pmc_event *evs;
	struct perf_cpu_map *cpus;
	struct perf_thread_map *threads;
};

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} pmc_names[] = {
	{ "cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled-cycles-frontend",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref-cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "cpu-clock",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs",				PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
};

int ftx_pmc_event_parse(const char *name, struct ftx_pmc_event *ev)
{
	unsigned long long raw;
	unsigned int d, best = ~0u;
	const char *guess = NULL;
	char hex[32];
	size_t i;

	if (!name || !*name || strlen(name) >= sizeof(ev->name)) {
		errno = EINVAL;
		ftx_error_set("invalid event name");
		return -1;
	}
	memset(ev, 0, sizeof(*ev));
	for (i = 0; i < FTX_ARRAY_SIZE(pmc_names); i++) {
		if (!strcmp(name, pmc_names[i].name)) {
			ev->type = pmc_names[i].type;
			ev->config = pmc_names[i].config;
			strcpy(ev->name, name);
			return 0;
		}
	}
	/* perf's raw syntax: rNNN, NNN in hex without 0x */
	if (name[0] == 'r' && name[1] && strlen(name) < sizeof(hex) - 2 &&
	    strspn(name + 1, "0123456789abcdefABCDEF") == strlen(name + 1)) {
		snprintf(hex, sizeof(hex), "0x%s", name + 1);
		if (ftx_parse_uint(hex, &raw) == 0) {
			ev->type = PERF_TYPE_RAW;
			ev->config = raw;
			strcpy(ev->name, name);
			return 0;
		}
	}
	for (i = 0; i < FTX_ARRAY_SIZE(pmc_names); i++) {
		d = ftx_levenshtein(name, pmc_names[i].name);
		if (d < best) {
			best = d;
			guess = pmc_names[i].name;
		}
	}
	errno = EINVAL;
	if (guess && best <= 3)
		ftx_error_set("unknown event '%s' (did you mean '%s'?)", name, guess);
	else
		ftx_error_set("unknown event '%s'", name);
	return -1;
}

int ftx_pmc_paranoid(int *level)
{
	unsigned long long v;
	char *s;
	int ret = -1;

	s = ftx_read_file("/proc/sys/kernel/perf_event_paranoid", NULL);
	if (!s)
		return -1;
	ftx_strip(s);
	if (s[0] == '-' && ftx_parse_uint(s + 1, &v) == 0) {
		*level = -(int)v;
		ret = 0;
	} else if (ftx_parse_uint(s, &v) == 0) {
		*level = (int)v;
		ret = 0;
	}
	free(s);
	if (ret < 0)
		errno = EINVAL;
	return ret;
}

/* The kernel's answer, said in words a perf user recognises. */
static void pmc_explain(const struct ftx_pmc_event *ev, int err)
{
	int level;

	errno = err;
	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		if (ev->type == PERF_TYPE_HARDWARE || ev->type == PERF_TYPE_RAW)
			ftx_error_set("%s: no hardware PMU for this event (virtual machine?)",
				      ev->name);
		else
			ftx_error_set("%s: event not supported by this kernel", ev->name);
		break;
	case EACCES:
	case EPERM:
		if (ftx_pmc_paranoid(&level) == 0)
			ftx_error_set("%s: not permitted (perf_event_paranoid=%d)", ev->name, level);
		else
			ftx_error_set("%s: not permitted", ev->name);
		break;
	case ENOSYS:
		ftx_error_set("%s: perf_event_open is not built in this kernel", ev->name);
		break;
	default:
		ftx_error_set("%s: %s", ev->name, strerror(err));
		break;
	}
	errno = err;
}

/* libperf reports some failures as a bare -1 and others as -errno. */
static int perf_errno(int ret)
{
	if (ret < -1)
		return -ret;
	return errno ? errno : EIO;
}

static int pmc_quiet(enum libperf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

void ftx_pmc_close(struct ftx_pmc *pmc)
{
	int i;

	if (!pmc)
		return;
	for (i = 0; i < pmc->nr; i++) {
		if (!pmc->evsels[i])
			continue;
		perf_evsel__close(pmc->evsels[i]);
		perf_evsel__delete(pmc->evsels[i]);
	}
	perf_cpu_map__put(pmc->cpus);
	perf_thread_map__put(pmc->threads);
	free(pmc->evsels);
	free(pmc->evs);
	free(pmc);
}

struct ftx_pmc *ftx_pmc_open(const struct ftx_pmc_event *evs, int nr, pid_t pid, int cpu,
			     bool inherit)
{
	struct perf_event_attr attr;
	struct ftx_pmc *pmc;
	char cpustr[16];
	int i, ret, err;

	if (!evs || nr <= 0 || (pid < 0 && cpu < 0)) {
		errno = EINVAL;
		ftx_error_set("invalid counter set");
		return NULL;
	}
	libperf_init(pmc_quiet);
	pmc = calloc(1, sizeof(*pmc));
	if (!pmc)
		return NULL;
	pmc->evsels = calloc(nr, sizeof(*pmc->evsels));
	pmc->evs = calloc(nr, sizeof(*pmc->evs));
	if (!pmc->evsels || !pmc->evs)
		goto fail_nomem;
	memcpy(pmc->evs, evs, nr * sizeof(*evs));
	pmc->nr = nr;
	if (cpu >= 0) {
		snprintf(cpustr, sizeof(cpustr), "%d", cpu);
		pmc->cpus = perf_cpu_map__new(cpustr);
	} else {
		pmc->cpus = perf_cpu_map__dummy_new();
	}
	pmc->threads = perf_thread_map__new_dummy();
	if (!pmc->cpus || !pmc->threads)
		goto fail_nomem;
	perf_thread_map__set_pid(pmc->threads, 0, pid);
	for (i = 0; i < nr; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.type = evs[i].type;
		attr.config = evs[i].config;
		attr.disabled = 1;
		attr.inherit = inherit;
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		pmc->evsels[i] = perf_evsel__new(&attr);
		if (!pmc->evsels[i])
			goto fail_nomem;
		errno = 0;
		ret = perf_evsel__open(pmc->evsels[i], pmc->cpus, pmc->threads);
		if (ret < 0 && pid >= 0 && (perf_errno(ret) == EACCES || perf_errno(ret) == EPERM)) {
			/* perf_event_paranoid >= 2 lets users count their own tasks in
			 * user space only: retry that, as perf does. */
			perf_evsel__attr(pmc->evsels[i])->exclude_kernel = 1;
			perf_evsel__attr(pmc->evsels[i])->exclude_hv = 1;
			errno = 0;
			ret = perf_evsel__open(pmc->evsels[i], pmc->cpus, pmc->threads);
		}
		if (ret < 0) {
			err = perf_errno(ret);
			perf_evsel__delete(pmc->evsels[i]);
			pmc->evsels[i] = NULL;
			pmc_explain(&evs[i], err);
			ftx_pmc_close(pmc);
			errno = err;
			return NULL;
		}
	}
	return pmc;
fail_nomem:
	ftx_pmc_close(pmc);
	errno = ENOMEM;
	ftx_error_set("out of memory");
	return NULL;
}

static int pmc_each(struct ftx_pmc *pmc, int (*fn)(struct perf_evsel *))
{
	int i, ret;

	if (!pmc) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < pmc->nr; i++) {
		errno = 0;
		ret = fn(pmc->evsels[i]);
		if (ret < 0) {
			int err = perf_errno(ret);

			pmc_explain(&pmc->evs[i], err);
			return -1;
		}
	}
	return 0;
}

int ftx_pmc_enable(struct ftx_pmc *pmc)
{
	return pmc_each(pmc, perf_evsel__enable);
}

int ftx_pmc_disable(struct ftx_pmc *pmc)
{
	return pmc_each(pmc, perf_evsel__disable);
}

int ftx_pmc_read(struct ftx_pmc *pmc, int idx, struct ftx_pmc_count *count)
{
	struct perf_counts_values v = { 0 };
	int ret;

	if (!pmc || idx < 0 || idx >= pmc->nr || !count) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	ret = perf_evsel__read(pmc->evsels[idx], 0, 0, &v);
	if (ret < 0) {
		int err = perf_errno(ret);

		pmc_explain(&pmc->evs[idx], err);
		return -1;
	}
	count->raw = v.val;
	count->enabled = v.ena;
	count->running = v.run;
	/* Multiplexed counters only ran part of the time: extrapolate like perf. */
	if (v.run && v.run < v.ena)
		count->value = (uint64_t)((double)v.val * v.ena / v.run);
	else
		count->value = v.val;
	return 0;
}

int ftx_pmc_probe(const struct ftx_pmc_event *ev)
{
	struct ftx_pmc_count c;
	struct ftx_pmc *pmc;
	volatile unsigned long spin = 0;
	unsigned long i;
	int ret;

	pmc = ftx_pmc_open(ev, 1, 0, -1, false);
	if (!pmc)
		return -1;
	ret = ftx_pmc_enable(pmc);
	for (i = 0; i < 1000000; i++)
		spin += i;
	if (!ret)
		ret = ftx_pmc_disable(pmc);
	if (!ret)
		ret = ftx_pmc_read(pmc, 0, &c);
	if (!ret && !c.enabled) {
		/* Opened but never scheduled: as good as absent. */
		errno = EOPNOTSUPP;
		ftx_error_set("%s: opened but never counted", ev->name);
		ret = -1;
	}
	ftx_pmc_close(pmc);
	return ret;
}
