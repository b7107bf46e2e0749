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
#include <perf/evlist.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>

#include "ftx/error.h"
#include "ftx/pmc.h"
#include "ftx/util.h"

struct ftx_pmc {
	int nr;
	struct perf_evsel **evsels;
	struct ftx_pmc_event *evs;	/* copies; names get ":u" when perf's fallback applies */
	bool *supported;
	struct perf_cpu_map **cpus;	/* per event */
	struct perf_thread_map *threads;
	struct perf_evlist **groups;	/* [nr]: the evlist owning a grouped evsel, or NULL */
};

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

static bool is_hw(const struct ftx_pmc_event *ev)
{
	return ev->type == PERF_TYPE_HARDWARE || ev->type == PERF_TYPE_HW_CACHE ||
	       ev->type == PERF_TYPE_RAW;
}

int ftx_pmc_explain_perm(const struct ftx_pmc_event *ev, int level, bool cpu_mode, char *buf,
			 size_t size)
{
	/* what each level allows users: kernel/events/core.c, perf_event_paranoid */
	int need = cpu_mode ? 0 : ev->type == PERF_TYPE_TRACEPOINT ? -1 :
		   ev->exclude_kernel ? 2 : 1;

	return snprintf(buf, size, "%s: not permitted: kernel.perf_event_paranoid=%d%s; "
			"this needs %d or lower (sysctl kernel.perf_event_paranoid=%d), "
			"or root (exempt)", ev->name, level,
			level >= 3 ? " allows users no perf events at all" : "", need, need);
}

/* The kernel's answer, said in words a perf user recognises. */
static void pmc_explain(const struct ftx_pmc_event *ev, int err, bool cpu_mode)
{
	char msg[512];
	int level;

	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		if (is_hw(ev))
			ftx_error_set("%s: no hardware PMU for this event (virtual machine?)",
				      ev->name);
		else
			ftx_error_set("%s: event not supported by this kernel", ev->name);
		break;
	case EACCES:
	case EPERM:
		if (ftx_pmc_paranoid(&level) == 0) {
			ftx_pmc_explain_perm(ev, level, cpu_mode, msg, sizeof(msg));
			ftx_error_set("%s", msg);
		} else {
			ftx_error_set("%s: not permitted", ev->name);
		}
		break;
	case ENOSYS:
		ftx_error_set("%s: perf_event_open is not built in this kernel", ev->name);
		break;
	case EMFILE:
		ftx_error_set("%s: too many open files: every counter takes one per CPU and "
			      "thread (raise ulimit -n)", ev->name);
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
	int i, j;

	if (!pmc)
		return;
	for (i = 0; i < pmc->nr; i++) {
		if (pmc->groups && pmc->groups[i]) {
			/* the evlist owns its evsels: delete it once */
			for (j = i + 1; j < pmc->nr; j++) {
				if (pmc->groups[j] == pmc->groups[i]) {
					pmc->groups[j] = NULL;
					pmc->evsels[j] = NULL;
				}
			}
			perf_evlist__delete(pmc->groups[i]);
		} else if (pmc->evsels && pmc->evsels[i]) {
			perf_evsel__close(pmc->evsels[i]);
			perf_evsel__delete(pmc->evsels[i]);
		}
		if (pmc->cpus)
			perf_cpu_map__put(pmc->cpus[i]);
	}
	perf_thread_map__put(pmc->threads);
	free(pmc->evsels);
	free(pmc->evs);
	free(pmc->supported);
	free(pmc->cpus);
	free(pmc->groups);
	free(pmc);
}

/* "0-3" ∩ "2-5": the CPUs both lists name, as a list; NULL (ENOENT) if none */
static struct perf_cpu_map *cpus_for(const char *want, const char *ev_cpus)
{
	struct perf_cpu_map *a, *b, *both;
	char list[4096];
	size_t len = 0;
	struct perf_cpu cpu;
	int idx;

	if (!*ev_cpus)
		return want ? perf_cpu_map__new(want) : perf_cpu_map__dummy_new();
	b = perf_cpu_map__new(ev_cpus);
	if (!want || !b)
		return b;
	a = perf_cpu_map__new(want);
	if (!a) {
		perf_cpu_map__put(b);
		return NULL;
	}
	list[0] = '\0';
	perf_cpu_map__for_each_cpu(cpu, idx, a) {
		if (perf_cpu_map__has(b, cpu) && len < sizeof(list) - 16)
			len += snprintf(list + len, sizeof(list) - len, "%s%d", len ? "," : "",
					cpu.cpu);
	}
	perf_cpu_map__put(a);
	perf_cpu_map__put(b);
	if (!len) {
		errno = ENOENT;
		return NULL;
	}
	both = perf_cpu_map__new(list);
	return both;
}

static int open_one(struct ftx_pmc *pmc, int i, const struct ftx_pmc_target *t)
{
	struct perf_event_attr *attr = perf_evsel__attr(pmc->evsels[i]);
	int ret, err;

	errno = 0;
	if (pmc->evs[i].ext_type && (attr->type == PERF_TYPE_HARDWARE ||
				     attr->type == PERF_TYPE_HW_CACHE)) {
		/* hybrid: the extended type names the core PMU (5.13+ x86, 6.6+ arm64);
		 * older kernels refuse it, and the per-CPU open picks the CPU's PMU */
		uint64_t plain = attr->config;

		attr->config = plain | (uint64_t)pmc->evs[i].ext_type << 32;
		ret = perf_evsel__open(pmc->evsels[i], pmc->cpus[i], pmc->threads);
		if (ret >= 0)
			return 0;
		attr->config = plain;
		errno = 0;
	}
	ret = perf_evsel__open(pmc->evsels[i], pmc->cpus[i], pmc->threads);
	if (ret < 0 && t->nr_tids && (perf_errno(ret) == EACCES || perf_errno(ret) == EPERM) &&
	    !attr->exclude_kernel && attr->type != PERF_TYPE_TRACEPOINT) {
		/* perf_event_paranoid 2 lets users count their own tasks in user
		 * space only: retry that, and say so in the name, as perf does */
		attr->exclude_kernel = 1;
		attr->exclude_hv = 1;
		errno = 0;
		ret = perf_evsel__open(pmc->evsels[i], pmc->cpus[i], pmc->threads);
		if (ret >= 0) {
			size_t l = strlen(pmc->evs[i].name);

			pmc->evs[i].exclude_kernel = pmc->evs[i].exclude_hv = true;
			if (!strchr(pmc->evs[i].name, ':') && l + 2 < sizeof(pmc->evs[i].name))
				strcat(pmc->evs[i].name, ":u");
		}
	}
	if (ret >= 0)
		return 0;
	err = perf_errno(ret);
	errno = err;
	return -1;
}

struct ftx_pmc *ftx_pmc_open_target(const struct ftx_pmc_event *evs, int nr,
				    const struct ftx_pmc_target *t)
{
	struct perf_event_attr attr;
	struct ftx_pmc *pmc;
	int i, j, err;

	if (!evs || nr <= 0 || !t || (!t->nr_tids && !t->cpus)) {
		errno = EINVAL;
		ftx_error_set("invalid counter set");
		return NULL;
	}
	libperf_init(pmc_quiet);
	pmc = calloc(1, sizeof(*pmc));
	if (!pmc)
		goto fail_nomem;
	pmc->evsels = calloc(nr, sizeof(*pmc->evsels));
	pmc->evs = calloc(nr, sizeof(*pmc->evs));
	pmc->supported = calloc(nr, sizeof(*pmc->supported));
	pmc->cpus = calloc(nr, sizeof(*pmc->cpus));
	pmc->groups = calloc(nr, sizeof(*pmc->groups));
	if (!pmc->evsels || !pmc->evs || !pmc->supported || !pmc->cpus || !pmc->groups)
		goto fail_nomem;
	memcpy(pmc->evs, evs, nr * sizeof(*evs));
	pmc->nr = nr;
	if (t->nr_tids) {
		pmc->threads = perf_thread_map__new_array(t->nr_tids, (pid_t *)t->tids);
	} else {
		pmc->threads = perf_thread_map__new_dummy();
	}
	if (!pmc->threads)
		goto fail_nomem;
	if (!t->nr_tids)
		perf_thread_map__set_pid(pmc->threads, 0, -1);
	for (i = 0; i < nr; i++) {
		const struct ftx_pmc_event *ev = &evs[i];
		bool leader = ev->group < 0 || ev->leader;

		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.type = ev->type;
		attr.config = ev->config;
		attr.config1 = ev->config1;
		attr.config2 = ev->config2;
		attr.exclude_user = ev->exclude_user;
		attr.exclude_kernel = ev->exclude_kernel;
		attr.exclude_hv = ev->exclude_hv;
		attr.disabled = leader;
		attr.enable_on_exec = leader && t->enable_on_exec;
		attr.inherit = t->inherit;
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		errno = 0;
		pmc->cpus[i] = cpus_for(t->cpus, ev->cpus);
		if (!pmc->cpus[i]) {
			if (errno == ENOENT)
				continue;	/* none of its CPUs is counted: <not supported> */
			goto fail_nomem;
		}
		pmc->evsels[i] = perf_evsel__new(&attr);
		if (!pmc->evsels[i])
			goto fail_nomem;
		if (ev->group >= 0) {
			/* a group is an evlist whose first evsel leads */
			for (j = 0; j < i; j++)
				if (evs[j].group == ev->group && pmc->groups[j])
					break;
			pmc->groups[i] = j < i ? pmc->groups[j] : perf_evlist__new();
			if (!pmc->groups[i]) {
				perf_evsel__delete(pmc->evsels[i]);
				pmc->evsels[i] = NULL;
				goto fail_nomem;
			}
			perf_evlist__add(pmc->groups[i], pmc->evsels[i]);
			perf_evlist__set_leader(pmc->groups[i]);
		}
		if (ev->group >= 0 && !ev->leader) {
			/* a member opens only after its leader did */
			for (j = 0; j < i; j++)
				if (evs[j].group == ev->group && evs[j].leader)
					break;
			if (j == i || !pmc->supported[j])
				continue;
		}
		if (open_one(pmc, i, t) == 0) {
			pmc->supported[i] = true;
			continue;
		}
		err = errno;
		/* what perf stat shows as <not supported>; anything else stops the run */
		if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV || err == EINVAL ||
		    err == ENXIO || (err == ENOSYS && ev->type != PERF_TYPE_SOFTWARE)) {
			if (!t->strict)
				continue;
		}
		pmc_explain(&pmc->evs[i], err, !t->nr_tids);
		ftx_pmc_close(pmc);
		errno = err;
		return NULL;
	}
	return pmc;
fail_nomem:
	ftx_pmc_close(pmc);
	errno = ENOMEM;
	ftx_error_set("out of memory");
	return NULL;
}

struct ftx_pmc *ftx_pmc_open(const struct ftx_pmc_event *evs, int nr, pid_t pid, int cpu,
			     bool inherit)
{
	struct ftx_pmc_target t = { .inherit = inherit, .strict = true };
	char cpustr[16];

	if (pid >= 0) {
		t.tids = &pid;
		t.nr_tids = 1;
	}
	if (cpu >= 0) {
		snprintf(cpustr, sizeof(cpustr), "%d", cpu);
		t.cpus = cpustr;
	}
	return ftx_pmc_open_target(evs, nr, &t);
}

static int pmc_each(struct ftx_pmc *pmc, int (*fn)(struct perf_evsel *))
{
	int i, ret;

	if (!pmc) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < pmc->nr; i++) {
		if (!pmc->supported[i])
			continue;
		errno = 0;
		ret = fn(pmc->evsels[i]);
		if (ret < 0) {
			pmc_explain(&pmc->evs[i], perf_errno(ret), false);
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

bool ftx_pmc_supported(const struct ftx_pmc *pmc, int idx)
{
	return pmc && idx >= 0 && idx < pmc->nr && pmc->supported[idx];
}

const struct ftx_pmc_event *ftx_pmc_event_of(const struct ftx_pmc *pmc, int idx)
{
	return pmc && idx >= 0 && idx < pmc->nr ? &pmc->evs[idx] : NULL;
}

int ftx_pmc_nr_cpus(const struct ftx_pmc *pmc, int idx)
{
	if (!pmc || idx < 0 || idx >= pmc->nr || !pmc->cpus[idx])
		return 0;
	return perf_cpu_map__nr(pmc->cpus[idx]);
}

int ftx_pmc_read_cpu(struct ftx_pmc *pmc, int idx, int cpu_idx, int *cpu,
		     struct ftx_pmc_count *count)
{
	struct perf_counts_values v;
	int ret, th, nth;

	if (!pmc || idx < 0 || idx >= pmc->nr || !count || !pmc->supported[idx] ||
	    cpu_idx < 0 || cpu_idx >= perf_cpu_map__nr(pmc->cpus[idx])) {
		errno = EINVAL;
		return -1;
	}
	memset(count, 0, sizeof(*count));
	if (cpu)
		*cpu = perf_cpu_map__cpu(pmc->cpus[idx], cpu_idx).cpu;
	nth = perf_thread_map__nr(pmc->threads);
	for (th = 0; th < nth; th++) {
		memset(&v, 0, sizeof(v));
		errno = 0;
		ret = perf_evsel__read(pmc->evsels[idx], cpu_idx, th, &v);
		if (ret < 0) {
			pmc_explain(&pmc->evs[idx], perf_errno(ret), false);
			return -1;
		}
		count->raw += v.val;
		count->enabled += v.ena;
		count->running += v.run;
	}
	count->value = count->raw;
	return 0;
}

int ftx_pmc_read(struct ftx_pmc *pmc, int idx, struct ftx_pmc_count *count)
{
	struct ftx_pmc_count c;
	int i, n = ftx_pmc_nr_cpus(pmc, idx);

	if (!pmc || idx < 0 || idx >= pmc->nr || !count || !pmc->supported[idx]) {
		errno = EINVAL;
		return -1;
	}
	memset(count, 0, sizeof(*count));
	for (i = 0; i < n; i++) {
		if (ftx_pmc_read_cpu(pmc, idx, i, NULL, &c) < 0)
			return -1;
		count->raw += c.raw;
		count->enabled += c.enabled;
		count->running += c.running;
	}
	/* Multiplexed counters only ran part of the time: extrapolate like perf. */
	if (count->running && count->running < count->enabled)
		count->value = (uint64_t)((double)count->raw * count->enabled / count->running);
	else
		count->value = count->raw;
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
