// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU ring-buffer drain and trace.dat assembly.
 *
 * Why splice: trace_pipe_raw's splice hands over whole sub-buffers only (the
 * kernel reads with full=1) and waits with the instance's buffer_percent, so a
 * drain thread sleeps in epoll until a CPU's buffer is that full, then moves
 * the pages through a pipe into a temp file without copying them to user
 * space. read() would hand out partially filled pages whenever it catches the
 * writer, so it is used only for the final flush and in stream mode.
 *
 * Threads: each drain thread owns a group of CPUs in one epoll set; by default
 * one thread per CPU up to 64 threads (256 CPUs: four CPUs per thread), all
 * asleep in epoll_wait until the kernel wakes them, none busy-polling.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <event-parse.h>
#include <tracefs.h>

#include "ftx/error.h"
#include "ftx/recorder.h"
#include "ftx/session.h"
#include "ftx/tracer.h"
#include "ftx/tracedat-write.h"
#include "ftx/util.h"

#ifndef FTX_VERSION
#define FTX_VERSION "0.0"
#endif

#define MAX_DRAIN_THREADS	64
#define PIPE_WANT		(1024 * 1024)
#define STREAM_TICK_MS		200
#define NO_PROGRESS_SLEEP_NS	(20 * 1000 * 1000)
#define STREAM_PAUSE_NS		(10 * 1000 * 1000)
#define STREAM_BUSY_PAGES	8
#define STREAM_BATCH_PAGES	32
#define RB_MISSED_EVENTS	(1ull << 31)
#define RB_MISSED_STORED	(1ull << 30)
#define RB_COMMIT_MASK		((1ull << 27) - 1)
#define PROC_COMM_MIN_CMDLINES	32768

struct rec_cpu {
	int cpu;
	int fd;			/* trace_pipe_raw, O_NONBLOCK; -1: no buffer */
	int tmp_fd;		/* unlinked temp file; -1 in stream mode */
	int pipe[2];
	size_t pipe_size;
	struct ftx_recorder_cpu_stats st;
	char *stats_text;	/* per_cpu/cpuN/stats at stop */
};

struct drain {
	struct ftx_recorder *r;
	pthread_t thread;
	bool started;
	int epfd;
	int evfd;		/* written by stop */
	struct rec_cpu **cpus;
	size_t nr_cpus;
	int err;		/* errno of the first failure */
	char errmsg[256];
};

struct comm {
	int pid;
	unsigned int order;
	char name[16];
};

struct ftx_recorder {
	struct ftx_session *s;
	bool trace_funcs;	/* a function tracer runs: pids go to set_ftrace_pid too */
	const char *top;	/* tracefs top directory (static storage) */
	char *inst;		/* the session's directory */
	unsigned int page_size;
	unsigned int long_size;
	char *header_page, *header_event;
	size_t header_page_len, header_event_len;
	unsigned int nr_cpus;
	struct rec_cpu *cpus;
	struct drain *drains;
	unsigned int nr_drains;
	bool stream, started, stopped, exclude_self;
	char *pidlist;		/* set_event_pid contents we wrote */
	struct comm *comms;	/* collected from /proc */
	struct comm *known;	/* ftx_recorder_set_comm(): win over everything */
	size_t nr_known;
	size_t nr_comms, alloc_comms;
	struct tep_handle *tep;
	char *page_buf;
};

static void page_missed(struct ftx_recorder *r, struct rec_cpu *c, const char *page);

static char *path_join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

static char *read_at(const char *dir, const char *file, size_t *len)
{
	char *p = path_join(dir, file), *buf;
	int err;

	if (!p)
		return NULL;
	buf = ftx_read_file(p, len);
	err = errno;
	if (!buf)
		ftx_error_set("cannot read %s: %s", p, strerror(err));
	free(p);
	errno = err;
	return buf;
}

/* comms are at most 15 characters (TASK_COMM_LEN); longer text is cut there */
static void comm_copy(char dst[16], const char *src)
{
	size_t n = strnlen(src, 15);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Comms of every task now, so pids whose saved_cmdlines slot was recycled keep a name. */
static void comms_collect(struct ftx_recorder *r)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;

	if (!proc)
		return;
	while ((de = readdir(proc))) {
		char path[300];
		struct dirent *te;
		DIR *task;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		task = opendir(path);
		if (!task)
			continue;
		while ((te = readdir(task))) {
			char cpath[600], buf[32];
			ssize_t n;
			int fd;

			if (te->d_name[0] < '0' || te->d_name[0] > '9')
				continue;
			snprintf(cpath, sizeof(cpath), "/proc/%s/task/%s/comm", de->d_name,
				 te->d_name);
			fd = open(cpath, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			ftx_strip(buf);
			if (r->nr_comms == r->alloc_comms) {
				size_t na = r->alloc_comms ? r->alloc_comms * 2 : 1024;
				struct comm *nc = realloc(r->comms, na * sizeof(*nc));

				if (!nc)
					break;
				r->comms = nc;
				r->alloc_comms = na;
			}
			r->comms[r->nr_comms].pid = atoi(te->d_name);
			comm_copy(r->comms[r->nr_comms].name, buf);
			r->nr_comms++;
		}
		closedir(task);
	}
	closedir(proc);
}

static int comm_cmp(const void *a, const void *b)
{
	const struct comm *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * saved_cmdlines first (what the kernel saw at sched_switch), then the
 * latest /proc snapshot, then the first: one "pid comm" line per pid.
 */
static char *cmdlines_build(struct ftx_recorder *r, size_t *len)
{
	size_t klen = 0, n = 0, alloc, i, off = 0;
	char *kernel, *line, *save = NULL, *out;
	struct comm *all;
	unsigned int order = 0;

	kernel = read_at(r->top, "saved_cmdlines", &klen);
	alloc = r->nr_known + r->nr_comms + (kernel ? klen / 4 : 0) + 1;
	all = calloc(alloc, sizeof(*all));
	if (!all) {
		free(kernel);
		return NULL;
	}
	for (i = 0; i < r->nr_known; i++) {
		all[n] = r->known[i];
		all[n++].order = order++;
	}
	for (line = kernel ? strtok_r(kernel, "\n", &save) : NULL; line && n < alloc;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		int pid;

		if (sscanf(line, "%d %63[^\n]", &pid, name) != 2)
			continue;
		all[n].pid = pid;
		all[n].order = order++;
		comm_copy(all[n].name, name);
		n++;
	}
	free(kernel);
	/* later snapshots were appended later: walk backwards so they win */
	for (i = r->nr_comms; i-- > 0 && n < alloc;) {
		all[n] = r->comms[i];
		all[n].order = order++;
		n++;
	}
	qsort(all, n, sizeof(*all), comm_cmp);
	out = malloc(n * 32 + 1);
	if (!out) {
		free(all);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (i && all[i].pid == all[i - 1].pid)
			continue;
		off += sprintf(out + off, "%d %s\n", all[i].pid, all[i].name);
	}
	out[off] = '\0';
	free(all);
	*len = off;
	return out;
}

/* Does the instance have @file (knobs newer than the oldest kernels ftx runs on)? */
static bool inst_has(struct ftx_recorder *r, const char *file)
{
	char *p = path_join(r->inst, file);
	bool ok = p && access(p, F_OK) == 0;

	free(p);
	return ok;
}

/* The session's reason already names the file, the value and the kernel's word. */
static int set_or_fail(struct ftx_recorder *r, const char *file, const char *value)
{
	return ftx_session_set(r->s, file, value) < 0 ? -1 : 0;
}

/* "[local] global counter" lists the clocks: name the choices on a typo. */
static int check_clock(struct ftx_recorder *r, const char *clock)
{
	char *text = read_at(r->inst, "trace_clock", NULL), *tok, *save = NULL, *list;
	bool found = false;

	if (!text)
		return -1;
	list = strdup(ftx_strip(text));
	for (tok = strtok_r(text, " []\n", &save); tok; tok = strtok_r(NULL, " []\n", &save))
		if (!strcmp(tok, clock))
			found = true;
	free(text);
	if (!found) {
		errno = EINVAL;
		ftx_error_set("unknown clock '%s' (this kernel has: %s)", clock, list ? list : "?");
	}
	free(list);
	return found ? 0 : -1;
}

static int count_cpus(const char *inst)
{
	char *dir = path_join(inst, "per_cpu");
	struct dirent *de;
	int max = -1;
	DIR *d;

	if (!dir)
		return -1;
	d = opendir(dir);
	if (!d) {
		ftx_error_set("cannot open %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	while ((de = readdir(d))) {
		int n;

		if (sscanf(de->d_name, "cpu%d", &n) == 1 && n > max)
			max = n;
	}
	closedir(d);
	free(dir);
	if (max < 0) {
		errno = ENOENT;
		ftx_error_set("no per_cpu buffers in %s", inst);
		return -1;
	}
	return max + 1;
}

static int open_cpu(struct ftx_recorder *r, struct rec_cpu *c, const char *tmpdir)
{
	char path[PATH_MAX];
	int sz;

	c->fd = c->tmp_fd = c->pipe[0] = c->pipe[1] = -1;
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", r->inst, c->cpu);
	c->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->fd < 0) {
		/* a CPU that never came online has no buffer: it simply has no data */
		if (errno == ENODEV || errno == ENOENT || errno == ENXIO)
			return 0;
		ftx_error_set("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	c->st.online = true;
	if (r->stream)
		return 0;
	snprintf(path, sizeof(path), "%s/ftx-cpu%d.XXXXXX", tmpdir, c->cpu);
	c->tmp_fd = mkostemp(path, O_CLOEXEC);
	if (c->tmp_fd < 0) {
		ftx_error_set("cannot create a temp file in %s: %s", tmpdir, strerror(errno));
		return -1;
	}
	unlink(path);
	if (pipe2(c->pipe, O_CLOEXEC) < 0) {
		ftx_error_set("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	sz = fcntl(c->pipe[1], F_SETPIPE_SZ, PIPE_WANT);
	if (sz < 0)
		sz = fcntl(c->pipe[1], F_GETPIPE_SZ);
	c->pipe_size = sz > 0 ? (size_t)sz : 65536;
	if (c->pipe_size < r->page_size) {
		errno = EINVAL;
		ftx_error_set("pipe of %zu bytes cannot hold a %u-byte sub-buffer", c->pipe_size,
			      r->page_size);
		return -1;
	}
	return 0;
}

int ftx_record_event_parse(char *arg, struct ftx_record_event *ev)
{
	char *sep = strpbrk(arg, ":/");

	ev->system = ev->event = NULL;
	ev->either = false;
	if (!*arg || (sep && (sep == arg || !sep[1] || strpbrk(sep + 1, ":/")))) {
		errno = EINVAL;
		ftx_error_set("bad event '%s': expected SYSTEM, SYSTEM:EVENT or EVENT", arg);
		return -1;
	}
	if (!strcmp(arg, "all"))
		return 0;
	if (!sep) {
		ev->system = arg;
		ev->either = true;
		return 0;
	}
	*sep = '\0';
	ev->system = arg;
	ev->event = sep + 1;
	return 0;
}

/* Does @system have an event matching @event (NULL: any)? */
static bool system_has_event(const char *top, const char *system, const char *event)
{
	char **events = tracefs_system_events(top, system);
	bool found = false;

	for (size_t j = 0; events && events[j] && !found; j++)
		found = !event || !fnmatch(event, events[j], 0);
	tracefs_list_free(events);
	return found;
}

/*
 * Enable @event (glob, NULL: all) in every system matching @system (glob,
 * NULL: all) that has such an event. The ftrace system is left out of globs:
 * its events (function, print...) belong to tracers and have no enable file.
 * Returns the number of systems enabled, or -1.
 */
static int enable_matching(struct ftx_recorder *r, const char *system, const char *event,
			   const char *filter)
{
	char **systems = tracefs_event_systems(r->top);
	int n = 0;

	for (size_t i = 0; systems && systems[i]; i++) {
		bool named = system && !strcmp(system, systems[i]);

		if (system && fnmatch(system, systems[i], 0))
			continue;
		if (!strcmp(systems[i], "ftrace") && !named)
			continue;
		if (!system_has_event(r->top, systems[i], event))
			continue;
		if (ftx_session_event_enable(r->s, systems[i], event, filter) < 0) {
			n = -1;	/* the session names the event and the reason */
			break;
		}
		n++;
	}
	tracefs_list_free(systems);
	return n;
}

static int enable_events(struct ftx_recorder *r, const struct ftx_recorder_opts *o)
{
	size_t i;

	for (i = 0; i < o->nr_events; i++) {
		const struct ftx_record_event *e = &o->events[i];
		const char *sys = e->system && strcmp(e->system, "all") ? e->system : NULL;
		const char *event = e->event;
		int n = -2;

		if (e->either) {
			n = enable_matching(r, sys, NULL, e->filter);
			if (n == 0) {
				/* "-e sched_switch": the event, in whichever system has it */
				event = sys;
				sys = NULL;
				n = -2;
			}
		}
		if (n == -2)
			n = enable_matching(r, sys, event, e->filter);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOENT;
			ftx_error_set("cannot enable %s%s%s: no such event", sys ? sys : "*",
				      event ? ":" : "", event ? event : "");
			return -1;
		}
	}
	return 0;
}

static bool cpu_has_no_buffer(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLNVAL));
}

/* A CPU whose buffer vanished or never existed: stop watching it. */
static void drop_cpu(struct drain *d, struct rec_cpu *c)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

struct ftx_recorder *ftx_recorder_create(struct ftx_session *s,
					 const struct ftx_recorder_opts *o)
{
	struct ftx_recorder *r;
	unsigned int i, nthreads;
	char buf[64];
	size_t cur;
	char *val;
	int n;

	r = calloc(1, sizeof(*r));
	if (!r) {
		ftx_error_set("out of memory");
		return NULL;
	}
	r->s = s;
	r->stream = o->stream;
	r->exclude_self = o->exclude_self;
	r->top = ftx_tracefs_mount();
	if (!r->top)
		goto fail;
	r->inst = strdup(ftx_session_dir(s));
	if (!r->inst)
		goto fail;

	r->header_page = read_at(r->top, "events/header_page", &r->header_page_len);
	r->header_event = read_at(r->top, "events/header_event", &r->header_event_len);
	if (!r->header_page || !r->header_event)
		goto fail;
	r->page_size = ftx_tdat_page_size(r->header_page, r->header_page_len, &r->long_size);
	if (!r->page_size)
		goto fail;
	r->page_buf = malloc(r->page_size);
	if (!r->page_buf)
		goto fail;

	/* nothing may reach the buffer before the filters are in place */
	if (set_or_fail(r, "tracing_on", "0") < 0)
		goto fail;
	if (o->buffer_kb) {
		snprintf(buf, sizeof(buf), "%lu", o->buffer_kb);
		if (set_or_fail(r, "buffer_size_kb", buf) < 0)
			goto fail;
	}
	if (o->clock && (check_clock(r, o->clock) < 0 || set_or_fail(r, "trace_clock", o->clock) < 0))
		goto fail;
	if (o->cpumask && set_or_fail(r, "tracing_cpumask", o->cpumask) < 0)
		goto fail;
	/*
	 * 20%: measured on 2 CPUs at 3.4M events/s (170 MB/s) into page cache,
	 * 50% (the kernel default) lost events at the default buffer size when
	 * temp-file writeback stalled a drain; waking earlier leaves headroom.
	 */
	snprintf(buf, sizeof(buf), "%d",
		 o->buffer_percent >= 0 ? o->buffer_percent : (o->stream ? 0 : 20));
	/* before 5.0 there is no watermark: the drain backs off instead (drain_main) */
	if (inst_has(r, "buffer_percent") && set_or_fail(r, "buffer_percent", buf) < 0)
		goto fail;
	if (o->follow_fork && set_or_fail(r, "options/event-fork", "1") < 0)
		goto fail;
	r->trace_funcs = o->tracer != NULL;
	if (r->trace_funcs && o->follow_fork && set_or_fail(r, "options/function-fork", "1") < 0)
		goto fail;
	for (i = 0; i < o->nr_pids; i++)
		if (ftx_recorder_add_pid(r, o->pids[i]) < 0)
			goto fail;

	/*
	 * saved_cmdlines is global and recycles its slots: make room for every
	 * pid of the run (the session restores the size, which the kernel
	 * implements by reallocating, i.e. clearing, the cache).
	 */
	val = read_at(r->top, "saved_cmdlines_size", NULL);
	cur = val ? strtoul(val, NULL, 10) : 0;
	free(val);
	if (cur && cur < PROC_COMM_MIN_CMDLINES) {
		snprintf(buf, sizeof(buf), "%d", PROC_COMM_MIN_CMDLINES);
		if (ftx_session_set_top(s, "saved_cmdlines_size", buf) < 0)
			ftx_warn("cannot raise saved_cmdlines_size: %s (comms are also taken from /proc)",
				 ftx_error());
	}

	if (enable_events(r, o) < 0)
		goto fail;
	/* filters and options first, current_tracer last (tracing_on is still 0) */
	if (o->tracer && ftx_tracer_apply(s, o->tracer) < 0)
		goto fail;

	n = count_cpus(r->inst);
	if (n < 0)
		goto fail;
	r->nr_cpus = n;
	r->cpus = calloc(n, sizeof(*r->cpus));
	if (!r->cpus)
		goto fail;
	for (i = 0; i < r->nr_cpus; i++) {
		r->cpus[i].cpu = i;
		r->cpus[i].fd = r->cpus[i].tmp_fd = r->cpus[i].pipe[0] = r->cpus[i].pipe[1] = -1;
	}
	for (i = 0; i < r->nr_cpus; i++)
		if (open_cpu(r, &r->cpus[i], o->tmpdir ? o->tmpdir : ".") < 0)
			goto fail;

	/*
	 * One thread per CPU, so that draining scales with the CPUs producing
	 * (one thread moves about 1.3 GB/s of pages here, a busy CPU can make
	 * 150 MB/s). On 2 CPUs, 1 and 2 threads measured the same within
	 * noise. Above 64 CPUs threads take several CPUs each, round-robin.
	 */
	nthreads = o->nr_threads ? o->nr_threads : r->nr_cpus;
	if (!o->nr_threads && nthreads > MAX_DRAIN_THREADS)
		nthreads = MAX_DRAIN_THREADS;
	if (nthreads > r->nr_cpus)
		nthreads = r->nr_cpus;
	if (r->stream)
		nthreads = 1;	/* the caller's thread */
	r->drains = calloc(nthreads, sizeof(*r->drains));
	if (!r->drains)
		goto fail;
	r->nr_drains = nthreads;
	for (i = 0; i < nthreads; i++)
		r->drains[i].epfd = r->drains[i].evfd = -1;
	for (i = 0; i < nthreads; i++) {
		struct drain *d = &r->drains[i];

		d->r = r;
		d->cpus = calloc(r->nr_cpus, sizeof(*d->cpus));
		d->epfd = epoll_create1(EPOLL_CLOEXEC);
		d->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (!d->cpus || d->epfd < 0 || d->evfd < 0) {
			ftx_error_set("cannot set up the drain: %s", strerror(errno));
			goto fail;
		}
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->evfd,
			      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = NULL }) < 0) {
			ftx_error_set("epoll: %s", strerror(errno));
			goto fail;
		}
	}
	/* round-robin: neighbouring CPUs (often siblings, busy together) go to different threads */
	for (i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];
		struct drain *d = &r->drains[i % nthreads];

		if (c->fd < 0)
			continue;
		/*
		 * A CPU that was offline when the instance was created has no
		 * buffer in it: poll reports EPOLLERR for good, which would spin
		 * a level-triggered epoll. It is recorded as empty.
		 */
		if (cpu_has_no_buffer(c->fd)) {
			close(c->fd);
			c->fd = -1;
			c->st.online = false;
			continue;
		}
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, c->fd,
			      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = c }) < 0) {
			ftx_error_set("epoll on cpu%d: %s", c->cpu, strerror(errno));
			goto fail;
		}
		d->cpus[d->nr_cpus++] = c;
	}

	comms_collect(r);
	return r;
fail:
	n = errno;
	ftx_recorder_destroy(r);
	errno = n ? n : EIO;
	return NULL;
}

int ftx_recorder_set_comm(struct ftx_recorder *r, pid_t pid, const char *comm)
{
	struct comm *n = realloc(r->known, (r->nr_known + 1) * sizeof(*n));

	if (!n) {
		ftx_error_set("out of memory");
		return -1;
	}
	r->known = n;
	n[r->nr_known].pid = pid;
	comm_copy(n[r->nr_known].name, comm);
	r->nr_known++;
	return 0;
}

int ftx_recorder_add_pid(struct ftx_recorder *r, pid_t pid)
{
	char *list;

	if (asprintf(&list, "%s%s%d", r->pidlist ? r->pidlist : "", r->pidlist ? " " : "",
		     (int)pid) < 0) {
		ftx_error_set("out of memory");
		return -1;
	}
	if (set_or_fail(r, "set_event_pid", list) < 0 ||
	    (r->trace_funcs && set_or_fail(r, "set_ftrace_pid", list) < 0)) {
		free(list);
		return -1;
	}
	free(r->pidlist);
	r->pidlist = list;
	return 0;
}

static void drain_fail(struct drain *d, struct rec_cpu *c, const char *what, int err)
{
	if (d->err)
		return;
	d->err = err;
	snprintf(d->errmsg, sizeof(d->errmsg), "cpu%d: %s: %s", c->cpu, what, strerror(err));
}

/* Move every full sub-buffer of @c to its temp file; returns the bytes moved or -1. */
static ssize_t drain_full(struct drain *d, struct rec_cpu *c)
{
	ssize_t moved = 0;

	for (;;) {
		ssize_t n = splice(c->fd, NULL, c->pipe[1], NULL, c->pipe_size,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENODEV)	/* ENODEV: no buffer on this CPU */
				return moved;
			drain_fail(d, c, "splice from trace_pipe_raw", errno);
			return -1;
		}
		if (n == 0)
			return moved;
		c->st.bytes += n;
		moved += n;
		while (n > 0) {
			ssize_t m = splice(c->pipe[0], NULL, c->tmp_fd, NULL, n, SPLICE_F_MOVE);

			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0) {
				drain_fail(d, c, "write to temp file", m < 0 ? errno : EIO);
				return -1;
			}
			n -= m;
		}
	}
}

static int write_all(int fd, const void *p, size_t len)
{
	const char *b = p;

	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= n;
	}
	return 0;
}

/*
 * Read what splice leaves behind (the partially filled sub-buffer the writer
 * was on) and hand each page to @fn, or append it to the temp file. At most
 * @max pages (0: until empty), so that a CPU writing as fast as it is read
 * cannot starve the others.
 */
static int drain_read(struct drain *d, struct rec_cpu *c, ftx_recorder_page_fn fn, void *arg,
		      char *page, bool *stop, unsigned int max)
{
	struct ftx_recorder *r = d->r;

	for (unsigned int got = 0; !max || got < max; got++) {
		ssize_t n = read(c->fd, page, r->page_size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENODEV)
				return 0;
			drain_fail(d, c, "read trace_pipe_raw", errno);
			return -1;
		}
		if (n == 0)
			return 0;
		if ((size_t)n < r->page_size)
			memset(page + n, 0, r->page_size - n);
		c->st.bytes += r->page_size;
		if (fn) {
			c->st.pages++;
			page_missed(r, c, page);
			if (fn(arg, c->cpu, page, r->page_size)) {
				*stop = true;
				return 0;
			}
			continue;
		}
		if (write_all(c->tmp_fd, page, r->page_size) < 0) {
			drain_fail(d, c, "write to temp file", errno);
			return -1;
		}
	}
	return 0;
}

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	struct epoll_event ev[64];
	bool stop = false, dummy;
	char *page;
	size_t i;

	page = malloc(d->r->page_size);
	if (!page) {
		d->err = ENOMEM;
		snprintf(d->errmsg, sizeof(d->errmsg), "out of memory");
		return NULL;
	}
	while (!stop && !d->err) {
		int n = epoll_wait(d->epfd, ev, FTX_ARRAY_SIZE(ev), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			d->err = errno;
			snprintf(d->errmsg, sizeof(d->errmsg), "epoll_wait: %s", strerror(errno));
			break;
		}
		ssize_t moved = 0;

		for (int k = 0; k < n; k++) {
			if (!ev[k].data.ptr)
				stop = true;
			else if (ev[k].events & (EPOLLERR | EPOLLHUP))
				drop_cpu(d, ev[k].data.ptr);
			else
				moved += drain_full(d, ev[k].data.ptr) > 0;
		}
		/*
		 * Readable but not one full sub-buffer: kernels before 5.0 have no
		 * buffer_percent and wake on any data, and a tiny -b can reach the
		 * watermark with only the page being written. Back off instead of
		 * spinning on level-triggered epoll.
		 */
		if (!stop && !moved)
			nanosleep(&(struct timespec){ 0, NO_PROGRESS_SLEEP_NS }, NULL);
	}
	/* final flush: whole pages first, then the partial ones */
	for (i = 0; i < d->nr_cpus; i++) {
		drain_full(d, d->cpus[i]);
		drain_read(d, d->cpus[i], NULL, NULL, page, &dummy, 0);
	}
	free(page);
	return NULL;
}

int ftx_recorder_start(struct ftx_recorder *r)
{
	unsigned int i;

	if (r->started) {
		errno = EBUSY;
		ftx_error_set("recorder already started");
		return -1;
	}
	if (!r->stream) {
		sigset_t stop_sigs, old;

		/* stop signals belong to the main thread, which owns the session */
		sigemptyset(&stop_sigs);
		sigaddset(&stop_sigs, SIGINT);
		sigaddset(&stop_sigs, SIGTERM);
		sigaddset(&stop_sigs, SIGHUP);
		pthread_sigmask(SIG_BLOCK, &stop_sigs, &old);
		for (i = 0; i < r->nr_drains; i++) {
			int err = pthread_create(&r->drains[i].thread, NULL, drain_main,
						 &r->drains[i]);

			if (err) {
				pthread_sigmask(SIG_SETMASK, &old, NULL);
				errno = err;
				ftx_error_set("cannot start a drain thread: %s", strerror(err));
				return -1;
			}
			r->drains[i].started = true;
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (r->exclude_self) {
		char me[24];

		/* a streamer printing its own write()s would feed itself forever */
		snprintf(me, sizeof(me), "%d", (int)gettid());
		if (!inst_has(r, "set_event_notrace_pid"))
			/* before 5.8: our own events stay, filters can still hide them */
			ftx_warn("this kernel has no set_event_notrace_pid: ftx's own syscalls are traced too");
		else if (set_or_fail(r, "set_event_notrace_pid", me) < 0)
			return -1;
	}
	r->started = true;
	return set_or_fail(r, "tracing_on", "1");
}

static unsigned long long stat_value(const char *text, const char *key)
{
	const char *p = text;
	size_t klen = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoull(p + klen + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* The kernel's missed-events marks in one sub-buffer header. */
static void page_missed(struct ftx_recorder *r, struct rec_cpu *c, const char *page)
{
	unsigned int hdr = 8 + r->long_size;
	uint64_t commit = 0, missed = 0;

	if (r->long_size == 8) {
		memcpy(&commit, page + 8, 8);
	} else {
		uint32_t c32;

		memcpy(&c32, page + 8, 4);
		commit = c32;
	}
	if (!(commit & RB_MISSED_EVENTS))
		return;
	c->st.missed_pages++;
	if (commit & RB_MISSED_STORED) {
		uint64_t at = hdr + (commit & RB_COMMIT_MASK);

		if (at + r->long_size <= r->page_size) {
			if (r->long_size == 8) {
				memcpy(&missed, page + at, 8);
			} else {
				uint32_t m32;

				memcpy(&m32, page + at, 4);
				missed = m32;
			}
			c->st.missed_events += missed;
		}
	}
}

/* Walk the sub-buffer headers of a temp file for the kernel's missed-events marks. */
static void count_missed(struct ftx_recorder *r, struct rec_cpu *c)
{
	uint64_t off;

	if (c->tmp_fd < 0)
		return;
	c->st.pages = c->st.missed_pages = c->st.missed_events = 0;
	for (off = 0; off + r->page_size <= c->st.bytes; off += r->page_size) {
		if (pread(c->tmp_fd, r->page_buf, r->page_size, off) != (ssize_t)r->page_size)
			break;
		c->st.pages++;
		page_missed(r, c, r->page_buf);
	}
}

static void collect_stats(struct ftx_recorder *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];
		char file[64];

		snprintf(file, sizeof(file), "per_cpu/cpu%u/stats", i);
		free(c->stats_text);
		c->stats_text = read_at(r->inst, file, NULL);
		if (c->stats_text) {
			c->st.overrun = stat_value(c->stats_text, "overrun");
			c->st.commit_overrun = stat_value(c->stats_text, "commit overrun");
			c->st.dropped = stat_value(c->stats_text, "dropped events");
			c->st.events = stat_value(c->stats_text, "read events");
		}
		count_missed(r, c);
	}
	ftx_error_clear();
}

int ftx_recorder_stop(struct ftx_recorder *r)
{
	const char *msg = NULL;
	unsigned int i;
	int ret = 0, err = 0;

	if (r->stopped)
		return 0;
	r->stopped = true;
	if (r->started && ftx_session_set(r->s, "tracing_on", "0") < 0) {
		ret = -1;
		err = errno;
	}
	for (i = 0; i < r->nr_drains; i++) {
		struct drain *d = &r->drains[i];

		if (!d->started)
			continue;
		/* cannot fail short of a full counter, which wakes the thread as well */
		(void)!write(d->evfd, &(uint64_t){ 1 }, 8);
		pthread_join(d->thread, NULL);
		d->started = false;
		if (d->err && !err) {
			err = d->err;
			msg = d->errmsg;
		}
	}
	collect_stats(r);
	if (err) {
		if (msg)
			ftx_error_set("%s", msg);
		errno = err;
		return -1;
	}
	return ret;
}

unsigned int ftx_recorder_nr_cpus(struct ftx_recorder *r)
{
	return r->nr_cpus;
}

const struct ftx_recorder_cpu_stats *ftx_recorder_cpu_stats(struct ftx_recorder *r,
							    unsigned int cpu)
{
	return cpu < r->nr_cpus ? &r->cpus[cpu].st : NULL;
}

int ftx_recorder_stream(struct ftx_recorder *r, ftx_recorder_page_fn fn, void *arg)
{
	struct drain *d = &r->drains[0];
	struct epoll_event ev[64];
	bool stop = false;
	unsigned int i;
	int ret = 0;

	if (!r->stream) {
		errno = EINVAL;
		ftx_error_set("recorder not created for streaming");
		return -1;
	}
	if (!r->started && ftx_recorder_start(r) < 0)
		return -1;
	while (!stop && !d->err && !ftx_session_stop_requested()) {
		int n = epoll_wait(d->epfd, ev, FTX_ARRAY_SIZE(ev), STREAM_TICK_MS);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			d->err = errno;
			snprintf(d->errmsg, sizeof(d->errmsg), "epoll_wait: %s", strerror(errno));
			break;
		}
		uint64_t pages = 0;

		for (int k = 0; k < n && !stop; k++) {
			struct rec_cpu *c = ev[k].data.ptr;

			if (!c)
				continue;
			if (ev[k].events & (EPOLLERR | EPOLLHUP)) {
				drop_cpu(d, c);
				continue;
			}
			pages -= c->st.pages;
			drain_read(d, c, fn, arg, r->page_buf, &stop, STREAM_BATCH_PAGES);
			pages += c->st.pages;
		}
		if (!stop && fn(arg, -1, NULL, 0))
			stop = true;
		/*
		 * The stream wakes on any data (buffer_percent 0). A trickle would
		 * wake it for nearly every event; a short pause lets a few pages
		 * gather (10 ms is nothing to a reader, 100 wake-ups/s instead of
		 * thousands). A busy stream never pauses.
		 */
		if (!stop && n > 0 && pages < STREAM_BUSY_PAGES)
			nanosleep(&(struct timespec){ 0, STREAM_PAUSE_NS }, NULL);
	}
	r->stopped = true;
	if (ftx_session_set(r->s, "tracing_on", "0") < 0)
		ret = -1;
	stop = false;
	for (i = 0; i < d->nr_cpus && !stop; i++)
		drain_read(d, d->cpus[i], fn, arg, r->page_buf, &stop, 0);
	fn(arg, -1, NULL, 0);
	collect_stats(r);
	if (d->err) {
		ftx_error_set("%s", d->errmsg);
		errno = d->err;
		return -1;
	}
	return ret;
}

/* ---- trace.dat assembly ---- */

struct fmt_list {
	struct ftx_tdat_format *f;
	size_t n, alloc;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted subdirectory names of @dir (NULL-terminated, to free with free_names). */
static char **list_dirs(const char *dir)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	DIR *d = opendir(dir);

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (n + 2 > alloc) {
			char **nn;

			alloc = alloc ? alloc * 2 : 64;
			nn = realloc(names, alloc * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (!names)
		names = calloc(1, sizeof(*names));
	if (!names)
		return NULL;
	names[n] = NULL;
	qsort(names, n, sizeof(*names), name_cmp);
	return names;
}

static void free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static int fmt_add(struct fmt_list *l, const char *system, const char *name, const char *path)
{
	size_t len;
	char *text;

	text = ftx_read_file(path, &len);
	if (!text) {
		ftx_error_set("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 32;
		struct ftx_tdat_format *nf = realloc(l->f, na * sizeof(*nf));

		if (!nf) {
			free(text);
			ftx_error_set("out of memory");
			return -1;
		}
		l->f = nf;
		l->alloc = na;
	}
	l->f[l->n].system = strdup(system);
	l->f[l->n].name = strdup(name);
	l->f[l->n].text = text;
	l->f[l->n].len = len;
	l->n++;
	return 0;
}

static void fmt_free(struct fmt_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->f[i].system);
		free((char *)l->f[i].name);
		free((char *)l->f[i].text);
	}
	free(l->f);
	l->f = NULL;
	l->n = l->alloc = 0;
}

/* Is anything of this event enabled in the instance ("1", or "1*" with a filter)? */
static bool event_enabled(const char *evdir)
{
	char *p = path_join(evdir, "enable"), buf[4] = "";
	ssize_t n = -1;
	int fd;

	if (!p)
		return false;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	return n > 0 && buf[0] == '1';
}

/* ftrace formats (all of them, as trace-cmd saves) and those of the enabled events. */
static int collect_formats(struct ftx_recorder *r, struct fmt_list *ftrace, struct fmt_list *ev)
{
	char *evroot = path_join(r->inst, "events"), *ftdir = path_join(r->top, "events/ftrace");
	char **systems = NULL, **names = NULL;
	char path[PATH_MAX];
	int ret = -1;

	if (!evroot || !ftdir)
		goto out;
	names = list_dirs(ftdir);
	for (size_t i = 0; names && names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s/format", ftdir, names[i]);
		if (access(path, R_OK) == 0 && fmt_add(ftrace, "ftrace", names[i], path) < 0)
			goto out;
	}
	free_names(names);
	names = NULL;

	systems = list_dirs(evroot);
	if (!systems) {
		ftx_error_set("cannot list %s: %s", evroot, strerror(errno));
		goto out;
	}
	for (size_t i = 0; systems[i]; i++) {
		char sysdir[PATH_MAX];

		if (!strcmp(systems[i], "ftrace"))
			continue;
		snprintf(sysdir, sizeof(sysdir), "%s/%s", evroot, systems[i]);
		names = list_dirs(sysdir);
		for (size_t j = 0; names && names[j]; j++) {
			if (snprintf(path, sizeof(path), "%s/%s", sysdir, names[j]) >= (int)sizeof(path) ||
			    !event_enabled(path))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s/format", sysdir, names[j]) >=
			    (int)sizeof(path))
				continue;
			if (fmt_add(ev, systems[i], names[j], path) < 0)
				goto out;
		}
		free_names(names);
		names = NULL;
	}
	ret = 0;
out:
	free_names(names);
	free_names(systems);
	free(evroot);
	free(ftdir);
	return ret;
}

/*
 * Whether kallsyms shows zeros for text symbols. The first lines prove nothing:
 * x86-64 starts with per-CPU symbols whose addresses really are 0.
 */
static bool kallsyms_hidden(const char *text)
{
	const char *line = text, *sp;

	while (line && *line) {
		sp = strchr(line, ' ');
		if (!sp)
			break;
		if (sp[1] == 'T' || sp[1] == 't')
			return strspn(line, "0") == (size_t)(sp - line);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

int ftx_recorder_write(struct ftx_recorder *r, const char *path)
{
	struct fmt_list ftrace = { 0 }, ev = { 0 };
	struct ftx_tdat_info info = { 0 };
	struct ftx_tdat_cpu_data *cpus = NULL;
	struct ftx_tdat_option *opts = NULL;
	char *kallsyms = NULL, *printk = NULL, *cmdlines = NULL, *clock_text = NULL;
	char **cpustat = NULL, *tmp = NULL, *dir = NULL, uname_buf[4 * 65 + 4], clock[32] = "local";
	bool named = false;
	struct utsname u;
	size_t nopt = 0, len;
	unsigned int i;
	mode_t um;
	int fd = -1, ret = -1, err;

	if (!r->stopped || r->stream) {
		errno = EINVAL;
		ftx_error_set("recorder not stopped, or streaming");
		return -1;
	}
	if (collect_formats(r, &ftrace, &ev) < 0)
		goto out;

	info.page_size = r->page_size;
	info.header_page = r->header_page;
	info.header_page_len = r->header_page_len;
	info.header_event = r->header_event;
	info.header_event_len = r->header_event_len;
	info.ftrace_formats = ftrace.f;
	info.nr_ftrace_formats = ftrace.n;
	info.event_formats = ev.f;
	info.nr_event_formats = ev.n;

	kallsyms = ftx_read_file("/proc/kallsyms", &info.kallsyms_len);
	if (!kallsyms) {
		info.kallsyms_len = 0;
		ftx_warn("cannot read /proc/kallsyms (%s): kernel addresses will print as hex",
			 strerror(errno));
	} else if (kallsyms_hidden(kallsyms))
		ftx_warn("/proc/kallsyms hides addresses (kernel.kptr_restrict): kernel addresses will print as hex");
	info.kallsyms = kallsyms;
	printk = read_at(r->top, "printk_formats", &info.printk_formats_len);
	info.printk_formats = printk;
	if (!printk)
		info.printk_formats_len = 0;
	comms_collect(r);
	cmdlines = cmdlines_build(r, &info.cmdlines_len);
	info.cmdlines = cmdlines;
	if (!cmdlines)
		info.cmdlines_len = 0;
	info.nr_cpus = r->nr_cpus;

	/* options: one CPUSTAT per CPU, TRACECLOCK, UNAME, VERSION */
	opts = calloc(r->nr_cpus + 4, sizeof(*opts));
	cpustat = calloc(r->nr_cpus, sizeof(*cpustat));
	cpus = calloc(r->nr_cpus, sizeof(*cpus));
	if (!opts || !cpustat || !cpus) {
		ftx_error_set("out of memory");
		goto out;
	}
	for (i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];

		cpus[i].fd = c->tmp_fd;
		cpus[i].size = c->tmp_fd >= 0 ? c->st.bytes : 0;
		if (!c->stats_text)
			continue;
		if (asprintf(&cpustat[i], "CPU: %u\n%s", i, c->stats_text) < 0) {
			cpustat[i] = NULL;
			continue;
		}
		opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_CPUSTAT,
							 strlen(cpustat[i]) + 1, cpustat[i] };
	}
	clock_text = read_at(r->inst, "trace_clock", &len);
	if (clock_text) {
		char *b = strchr(clock_text, '['), *e = b ? strchr(b, ']') : NULL;

		if (b && e && e - b - 1 < (ptrdiff_t)sizeof(clock)) {
			memcpy(clock, b + 1, e - b - 1);
			clock[e - b - 1] = '\0';
		}
		opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_TRACECLOCK, len + 1,
							 clock_text };
	}
	if (uname(&u) == 0) {
		snprintf(uname_buf, sizeof(uname_buf), "%s %s %s %s", u.sysname, u.nodename,
			 u.release, u.machine);
		opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_UNAME,
							 strlen(uname_buf) + 1, uname_buf };
	}
	opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_VERSION,
						 sizeof("ftx " FTX_VERSION), "ftx " FTX_VERSION };
	info.options = opts;
	info.nr_options = nopt;
	info.clock = clock;

	/*
	 * An unnamed O_TMPFILE in the output's directory vanishes by itself if
	 * we are killed while writing; it gets a name only once complete, and
	 * is renamed over @path. Without O_TMPFILE, a named temp file.
	 */
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0 || !(dir = strdup(path))) {
		ftx_error_set("out of memory");
		goto out_notmp;
	}
	fd = open(dirname(dir), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0) {
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			ftx_error_set("cannot create %s: %s", tmp, strerror(errno));
			goto out_notmp;
		}
		named = true;
		um = umask(0);
		umask(um);
		if (fchmod(fd, 0666 & ~um) < 0)
			ftx_debug("fchmod %s: %s", tmp, strerror(errno));
	}
	if (ftx_tdat_write(fd, &info, cpus) < 0)
		goto out;
	if (!named) {
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		/* a fresh random name: linkat cannot replace an existing file */
		for (int tries = 0; !named && tries < 100; tries++) {
			int r2 = (int)(random() & 0xffffff);

			snprintf(tmp + strlen(path), 8, ".%06x", r2);
			if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
				named = true;
			else if (errno != EEXIST)
				break;
		}
		if (!named) {
			ftx_error_set("cannot create %s: %s", tmp, strerror(errno));
			goto out_notmp;
		}
	}
	if (close(fd) < 0) {
		fd = -1;
		ftx_error_set("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ftx_error_set("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto out;
	}
	named = false;
	ret = 0;
out:
	err = errno;
	if (named)
		unlink(tmp);
	errno = err;
out_notmp:
	err = errno;
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(dir);
	for (i = 0; cpustat && i < r->nr_cpus; i++)
		free(cpustat[i]);
	free(cpustat);
	free(cpus);
	free(opts);
	free(clock_text);
	free(cmdlines);
	free(printk);
	free(kallsyms);
	fmt_free(&ftrace);
	fmt_free(&ev);
	errno = err;
	return ret;
}

struct tep_handle *ftx_recorder_tep(struct ftx_recorder *r)
{
	struct fmt_list ftrace = { 0 }, ev = { 0 };
	struct tep_handle *tep;
	char *text;
	size_t i;

	if (r->tep)
		return r->tep;
	tep = tep_alloc();
	if (!tep) {
		ftx_error_set("out of memory");
		return NULL;
	}
	tep_set_long_size(tep, r->long_size);
	tep_set_page_size(tep, r->page_size);
	/* the recording host is the traced host: the file endianness is ours */
	tep_set_file_bigendian(tep, tep_is_local_bigendian(tep) ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	if (tep_parse_header_page(tep, r->header_page, r->header_page_len, r->long_size)) {
		ftx_error_set("cannot parse header_page");
		goto fail;
	}
	if (collect_formats(r, &ftrace, &ev) < 0)
		goto fail;
	for (i = 0; i < ftrace.n; i++)
		tep_parse_event(tep, ftrace.f[i].text, ftrace.f[i].len, "ftrace");
	for (i = 0; i < ev.n; i++)
		if (tep_parse_event(tep, ev.f[i].text, ev.f[i].len, ev.f[i].system))
			ftx_warn("cannot parse the format of %s:%s", ev.f[i].system, ev.f[i].name);
	text = ftx_read_file("/proc/kallsyms", NULL);
	if (text) {
		tep_parse_kallsyms(tep, text);
		free(text);
	}
	text = read_at(r->top, "printk_formats", NULL);
	if (text) {
		tep_parse_printk_formats(tep, text);
		free(text);
	}
	ftx_error_clear();
	fmt_free(&ftrace);
	fmt_free(&ev);
	r->tep = tep;
	return tep;
fail:
	fmt_free(&ftrace);
	fmt_free(&ev);
	tep_free(tep);
	return NULL;
}

void ftx_recorder_destroy(struct ftx_recorder *r)
{
	unsigned int i;

	if (!r)
		return;
	if (r->started && !r->stopped && !r->stream)
		ftx_recorder_stop(r);
	for (i = 0; r->drains && i < r->nr_drains; i++) {
		if (r->drains[i].epfd >= 0)
			close(r->drains[i].epfd);
		if (r->drains[i].evfd >= 0)
			close(r->drains[i].evfd);
		free(r->drains[i].cpus);
	}
	free(r->drains);
	for (i = 0; r->cpus && i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];

		if (c->fd >= 0)
			close(c->fd);
		if (c->tmp_fd >= 0)
			close(c->tmp_fd);
		if (c->pipe[0] >= 0)
			close(c->pipe[0]);
		if (c->pipe[1] >= 0)
			close(c->pipe[1]);
		free(c->stats_text);
	}
	free(r->cpus);
	if (r->tep)
		tep_free(r->tep);
	free(r->comms);
	free(r->known);
	free(r->pidlist);
	free(r->page_buf);
	free(r->header_page);
	free(r->header_event);
	free(r->inst);
	free(r);
}

/* ---- summaries and small parsers ---- */

unsigned long long ftx_recorder_cpu_lost(const struct ftx_recorder_cpu_stats *st, bool *unknown)
{
	unsigned long long lost = st->overrun + st->dropped + st->commit_overrun;

	/* the page counts and the counters see the same events: take the larger */
	if (st->missed_events > lost)
		lost = st->missed_events;
	if (unknown)
		*unknown = st->missed_pages && !lost;
	return lost;
}

static void human_size(char *buf, size_t len, unsigned long long v)
{
	if (v >= 10ull << 20)
		snprintf(buf, len, "%.1fM", v / 1048576.0);
	else if (v >= 10ull << 10)
		snprintf(buf, len, "%.1fK", v / 1024.0);
	else
		snprintf(buf, len, "%llu", v);
}

unsigned long long ftx_recorder_summary(struct ftx_recorder *r, char **table, char **losses)
{
	unsigned long long tev = 0, tbytes = 0, tlost = 0;
	char *tbuf = NULL, *lbuf = NULL, b[32];
	size_t tsz = 0, lsz = 0;
	FILE *t = open_memstream(&tbuf, &tsz);
	FILE *l = open_memstream(&lbuf, &lsz);
	unsigned int cpu;

	if (table)
		*table = NULL;
	if (losses)
		*losses = NULL;
	if (!t || !l) {
		if (t)
			fclose(t);
		if (l)
			fclose(l);
		free(tbuf);
		free(lbuf);
		return 0;
	}
	fprintf(t, "%-6s %12s %10s %10s\n", "CPU", "events", "bytes", "lost");
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		const struct ftx_recorder_cpu_stats *st = &r->cpus[cpu].st;
		bool unknown;
		unsigned long long lost = ftx_recorder_cpu_lost(st, &unknown);

		tev += st->events;
		tbytes += st->bytes;
		tlost += lost;
		if (!st->online) {
			fprintf(t, "cpu%-3u %12s %10s %10s\n", cpu, "-", "-", "offline");
			continue;
		}
		human_size(b, sizeof(b), st->bytes);
		fprintf(t, "cpu%-3u %12llu %10s %10llu%s\n", cpu, (unsigned long long)st->events, b,
			lost, unknown ? "+" : "");
		if (lost || unknown)
			fprintf(l, "cpu%u: %s%llu events lost (%llu overwritten, %llu dropped, %llu sub-buffers marked); try a larger -b or fewer events\n",
				cpu, unknown ? "at least " : "", lost,
				(unsigned long long)st->overrun, (unsigned long long)st->dropped,
				(unsigned long long)st->missed_pages);
	}
	human_size(b, sizeof(b), tbytes);
	fprintf(t, "%-6s %12llu %10s %10llu\n", "total", tev, b, tlost);
	fclose(t);
	fclose(l);
	if (table)
		*table = tbuf;
	else
		free(tbuf);
	if (losses)
		*losses = lbuf;
	else
		free(lbuf);
	return tlost;
}

int ftx_record_pids_parse(char *arg, pid_t *pids, size_t *nr, size_t max)
{
	char *save = NULL, *tok;
	size_t before = *nr;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long long v;

		if (ftx_parse_uint(tok, &v) < 0 || v == 0 || v > INT_MAX) {
			errno = EINVAL;
			ftx_error_set("bad pid '%s'", tok);
			return -1;
		}
		if (*nr == max) {
			errno = E2BIG;
			ftx_error_set("too many pids (at most %zu)", max);
			return -1;
		}
		pids[(*nr)++] = v;
	}
	if (*nr == before) {
		errno = EINVAL;
		ftx_error_set("-P needs a pid");
		return -1;
	}
	return 0;
}

bool ftx_cpumask_valid(const char *s)
{
	bool digit = false;

	for (; *s; s++) {
		if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'))
			digit = true;
		else if (*s != ',')
			return false;
	}
	return digit;
}

