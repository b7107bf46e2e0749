// SPDX-License-Identifier: GPL-2.0
/*
 * Counters recorded with a trace: a thread reads per-CPU counters every
 * period and writes one trace_marker line per CPU ("ftx_pmc: cpu=N ms=M
 * cycles=... instructions=..."), so the counts travel in the trace as
 * ftrace print events that every reader already knows.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/pmc-sampler.h"
#include "ftx/util.h"
#include "recorder-local.h"

struct ftx_pmc_sampler {
	struct ftx_pmc *pmc;
	int nr;
	int fd;
	unsigned int ms;
	int nr_slots;			/* CPU slots of the first counter */
	struct ftx_pmc_count *prev;	/* [nr * nr_slots] */
	pthread_t thread;
	bool running;
	volatile bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ftx_pmc_sampler_stats st;
	double t0, last;
};

int ftx_pmc_spec_parse(char *spec, unsigned int *ms)
{
	char *at = strrchr(spec, '@');
	unsigned long long v;

	*ms = FTX_PMC_SAMPLER_DEFAULT_MS;
	if (at) {
		if (ftx_parse_uint(at + 1, &v) < 0 || v < 1 || v > 3600000) {
			errno = EINVAL;
			ftx_error_set("--pmc %s: bad period '%s' (milliseconds)", spec, at + 1);
			return -1;
		}
		*ms = v;
		*at = '\0';
	}
	if (!*spec) {
		errno = EINVAL;
		ftx_error_set("--pmc: no events");
		return -1;
	}
	return 0;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* one line per CPU: what each counter counted since the previous sample */
static void sample(struct ftx_pmc_sampler *s)
{
	char line[1024];
	double now = mono();
	int k, i, cpu, len;

	for (k = 0; k < s->nr_slots; k++) {
		cpu = -1;
		len = 0;
		for (i = 0; i < s->nr; i++) {
			struct ftx_pmc_count c, *p = &s->prev[i * s->nr_slots + k];
			uint64_t dv, de, dr;
			int c_cpu;

			if (!ftx_pmc_supported(s->pmc, i) || k >= ftx_pmc_nr_cpus(s->pmc, i) ||
			    ftx_pmc_read_cpu(s->pmc, i, k, &c_cpu, &c) < 0)
				continue;
			if (cpu < 0) {
				cpu = c_cpu;
				len = snprintf(line, sizeof(line), "ftx_pmc: cpu=%d ms=%.0f", cpu,
					       (now - s->last) * 1e3);
			}
			dv = c.raw - p->raw;
			de = c.enabled - p->enabled;
			dr = c.running - p->running;
			*p = c;
			if (len >= (int)sizeof(line) - 1)
				continue;
			if (!dr)
				len += snprintf(line + len, sizeof(line) - len, " %s=-",
						ftx_pmc_event_of(s->pmc, i)->name);
			else
				len += snprintf(line + len, sizeof(line) - len, " %s=%llu",
						ftx_pmc_event_of(s->pmc, i)->name,
						(unsigned long long)(dr < de ?
						(double)dv * de / dr : (double)dv));
		}
		if (cpu < 0)
			continue;
		if (len >= (int)sizeof(line) - 1)
			len = sizeof(line) - 2;
		line[len++] = '\n';
		if (write(s->fd, line, len) == len)
			s->st.samples++;
		else
			s->st.failed++;
	}
	s->last = now;
}

static void *sampler_thread(void *arg)
{
	struct ftx_pmc_sampler *s = arg;
	struct timespec next, cpu;

	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		next.tv_nsec += (long)(s->ms % 1000) * 1000000;
		next.tv_sec += s->ms / 1000 + next.tv_nsec / 1000000000;
		next.tv_nsec %= 1000000000;
		while (!s->stop && pthread_cond_timedwait(&s->cond, &s->lock, &next) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->lock);
		sample(s);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	sample(s);	/* the last, partial period */
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
		s->st.cpu_seconds = cpu.tv_sec + cpu.tv_nsec / 1e9;
	return NULL;
}

static struct ftx_pmc_sampler *sampler_open(const char *marker, const struct ftx_pmc_event *evs,
					    int nr, unsigned int ms);

static void sampler_free(struct ftx_pmc_sampler *s)
{
	ftx_pmc_close(s->pmc);
	if (s->fd >= 0)
		close(s->fd);
	free(s->prev);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

struct ftx_pmc_sampler *ftx_pmc_sampler_start(const char *spec, const char *dir)
{
	struct ftx_pmc_env env = { .tracefs = dir };
	struct ftx_pmc_event *evs = NULL;
	char *copy, marker[4096];
	struct ftx_pmc_sampler *s;
	unsigned int ms;
	int nr = 0;

	copy = strdup(spec);
	if (!copy) {
		ftx_error_set("out of memory");
		return NULL;
	}
	if (ftx_pmc_spec_parse(copy, &ms) < 0 || ftx_pmc_events_parse(copy, &env, &evs, &nr) < 0) {
		ftx_error_prefix("--pmc: ");
		free(copy);
		return NULL;
	}
	free(copy);
	snprintf(marker, sizeof(marker), "%s/trace_marker", dir);
	s = sampler_open(marker, evs, nr, ms);
	free(evs);
	return s;
}

static struct ftx_pmc_sampler *sampler_open(const char *marker, const struct ftx_pmc_event *evs,
					    int nr, unsigned int ms)
{
	struct ftx_pmc_target t = { .strict = false };
	struct ftx_pmc_sampler *s;
	pthread_condattr_t ca;
	char *cpus;
	int i, ok = 0;

	s = calloc(1, sizeof(*s));
	if (!s) {
		ftx_error_set("out of memory");
		return NULL;
	}
	s->fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	s->ms = ms;
	s->nr = nr;
	cpus = ftx_read_file("/sys/devices/system/cpu/online", NULL);
	if (!cpus) {
		ftx_error_set("--pmc: cannot read the online CPUs: %s", strerror(errno));
		goto fail;
	}
	t.cpus = ftx_strip(cpus);
	s->pmc = ftx_pmc_open_target(evs, nr, &t);
	free(cpus);
	if (!s->pmc) {
		ftx_error_prefix("--pmc: ");
		goto fail;
	}
	for (i = 0; i < nr; i++) {
		if (!ftx_pmc_supported(s->pmc, i))
			continue;
		ok++;
		if (ftx_pmc_nr_cpus(s->pmc, i) > s->nr_slots)
			s->nr_slots = ftx_pmc_nr_cpus(s->pmc, i);
	}
	if (!ok) {
		errno = EOPNOTSUPP;
		ftx_error_set("--pmc: none of the events can be counted here (no hardware PMU?)");
		goto fail;
	}
	s->prev = calloc((size_t)nr * s->nr_slots, sizeof(*s->prev));
	if (!s->prev) {
		ftx_error_set("out of memory");
		goto fail;
	}
	s->fd = open(marker, O_WRONLY | O_CLOEXEC);
	if (s->fd < 0) {
		ftx_error_set("--pmc: cannot open %s: %s", marker, strerror(errno));
		goto fail;
	}
	if (ftx_pmc_enable(s->pmc) < 0) {
		ftx_error_prefix("--pmc: ");
		goto fail;
	}
	s->t0 = s->last = mono();
	{
		sigset_t old;

		rec_stop_signals_block(&old);
		errno = pthread_create(&s->thread, NULL, sampler_thread, s);
		i = errno;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		errno = i;
	}
	if (errno) {
		ftx_error_set("--pmc: cannot start the sampling thread: %s", strerror(errno));
		goto fail;
	}
	s->running = true;
	return s;
fail:
	i = errno;
	sampler_free(s);
	errno = i;
	return NULL;
}

void ftx_pmc_sampler_stop(struct ftx_pmc_sampler *s, struct ftx_pmc_sampler_stats *st)
{
	if (!s)
		return;
	if (s->running) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	s->st.seconds = mono() - s->t0;
	if (st)
		*st = s->st;
	sampler_free(s);
}

int ftx_pmc_sampler_summary(const struct ftx_pmc_sampler_stats *st, char *buf, size_t size)
{
	double secs = st->seconds > 0 ? st->seconds : 1;
	int n;

	n = snprintf(buf, size, "pmc: %llu samples (%.0f/s), sampler CPU %.3fs (%.2f%% of one CPU)",
		     (unsigned long long)st->samples, st->samples / secs, st->cpu_seconds,
		     100.0 * st->cpu_seconds / secs);
	if (st->failed && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, ", %llu not written (tracing off)",
			      (unsigned long long)st->failed);
	return n;
}
