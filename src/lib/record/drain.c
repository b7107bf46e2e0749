// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU ring-buffer drain.
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
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "ftx/error.h"
#include "ftx/ringbuf.h"
#include "ftx/session.h"
#include "ftx/test-hook.h"
#include "ftx/util.h"
#include "recorder-local.h"


static void page_missed(struct ftx_recorder *r, struct rec_cpu *c, const char *page);
static void page_scan(struct ftx_recorder *r, struct rec_cpu *c, const char *page);
static void scan_new(struct ftx_recorder *r, struct rec_cpu *c, char *buf);


static int count_cpus(const char *inst)
{
	char *dir = rec_path_join(inst, "per_cpu");
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

static bool cpu_has_no_buffer(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLNVAL));
}

/*
 * A CPU's buffer and, recording, its temp file: two fds per CPU with a
 * buffer. Cloud VMs list far more possible CPUs than they run: a CPU without
 * a buffer (never online, or offline when the instance was made: its poll
 * says POLLERR for good, which would spin a level-triggered epoll) is found
 * before anything else is opened for it, and recorded as empty.
 */
static int open_cpu(struct ftx_recorder *r, struct rec_cpu *c, const char *tmpdir)
{
	char path[PATH_MAX];

	c->fd = c->tmp_fd = c->old_fd = -1;
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", r->inst, c->cpu);
	c->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->fd < 0) {
		if (errno == ENODEV || errno == ENOENT || errno == ENXIO)
			return 0;
		ftx_error_set("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (cpu_has_no_buffer(c->fd)) {
		close(c->fd);
		c->fd = -1;
		return 0;
	}
	if (ftx_session_fd_add(r->s, c->fd) < 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->st.online = true;
	if (r->stream)
		return 0;
	for (int k = 0; k < (r->half_bytes ? 2 : 1); k++) {
		int *fd = k ? &c->old_fd : &c->tmp_fd;

		snprintf(path, sizeof(path), "%s/ftx-cpu%d.XXXXXX", tmpdir, c->cpu);
		*fd = mkostemp(path, O_CLOEXEC);
		if (*fd < 0) {
			ftx_error_set("cannot create a temp file in %s: %s", tmpdir,
				      strerror(errno));
			return -1;
		}
		unlink(path);
	}
	return 0;
}

/* One pipe per drain thread: splice's way from trace_pipe_raw to a file. */
static int open_pipe(struct ftx_recorder *r, struct drain *d)
{
	int sz;

	if (pipe2(d->pipe, O_CLOEXEC) < 0) {
		ftx_error_set("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	/* the second signal closes them before the instance goes (see rec_drain_close_buffers) */
	if (ftx_session_fd_add(r->s, d->pipe[0]) < 0 || ftx_session_fd_add(r->s, d->pipe[1]) < 0)
		return -1;
	sz = fcntl(d->pipe[1], F_SETPIPE_SZ, PIPE_WANT);
	if (sz < 0)
		sz = fcntl(d->pipe[1], F_GETPIPE_SZ);
	d->pipe_size = sz > 0 ? (size_t)sz : 65536;
	if (d->pipe_size < r->page_size) {
		errno = EINVAL;
		ftx_error_set("pipe of %zu bytes cannot hold a %u-byte sub-buffer", d->pipe_size,
			      r->page_size);
		return -1;
	}
	return 0;
}

/* A CPU whose buffer vanished: stop watching it. */
static void drop_cpu(struct drain *d, struct rec_cpu *c)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

void rec_cpus_assign(unsigned int nr_cpus, const int *core, unsigned int nr_threads,
		     unsigned int *thread)
{
	unsigned int *order, i, j, pos = 0, rank;

	if (!nr_threads)
		nr_threads = 1;
	order = malloc(nr_cpus * sizeof(*order));
	if (!order || !core) {
		/* no topology: consecutive blocks, so CPU n and its x86 sibling n + cores part */
		for (i = 0; i < nr_cpus; i++)
			thread[i] = (unsigned int)((unsigned long long)i * nr_threads / nr_cpus);
		free(order);
		return;
	}
	/*
	 * Every core's first hardware thread, then every core's second, ...:
	 * cut into consecutive blocks, a block holds different cores and two
	 * siblings land in blocks nr_cpus / SMT apart, never in the same one
	 * while there are at least SMT threads.
	 */
	for (rank = 0; pos < nr_cpus; rank++) {
		for (i = 0; i < nr_cpus; i++) {
			unsigned int before = 0;

			for (j = 0; j < i; j++)
				before += core[j] == core[i];
			if (before == rank)
				order[pos++] = i;
		}
	}
	for (i = 0; i < nr_cpus; i++)
		thread[order[i]] = (unsigned int)((unsigned long long)i * nr_threads / nr_cpus);
	free(order);
}

/* The core of each CPU (topology/core_id with the package), -1 where unknown. */
static int *cpu_cores(unsigned int nr_cpus)
{
	int *core = malloc(nr_cpus * sizeof(*core));
	unsigned int i;

	if (!core)
		return NULL;
	for (i = 0; i < nr_cpus; i++) {
		char path[128], *a, *b;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/core_id", i);
		a = ftx_read_file(path, NULL);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/topology/physical_package_id", i);
		b = ftx_read_file(path, NULL);
		/* unknown: a core of its own */
		core[i] = a && b ? atoi(b) * 65536 + atoi(a) : -1 - (int)i;
		free(a);
		free(b);
	}
	return core;
}

/*
 * Each possible CPU costs 2 fds with a buffer (3 with -m) and none without, each drain
 * thread 4 (pipe, epoll, eventfd): at 64 threads and 256 CPUs 768 fds, more
 * than the usual soft limit of 1024 leaves room for; raise it to the hard one,
 * before the instance's files are read (a tight limit fails there first).
 */
void rec_nofile_raise(struct ftx_recorder *r, const struct ftx_recorder_opts *o)
{
	int n = count_cpus(r->inst);
	unsigned int nr_cpus = n > 0 ? n : 1, nthreads = o->nr_threads ? o->nr_threads : nr_cpus;
	struct rlimit rl;
	rlim_t want;

	ftx_error_clear();
	if (nthreads > MAX_DRAIN_THREADS && !o->nr_threads)
		nthreads = MAX_DRAIN_THREADS;
	want = (rlim_t)nr_cpus * (o->max_kb ? 3 : 2) + nthreads * 4 + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want || rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		ftx_debug("cannot raise RLIMIT_NOFILE: %s", strerror(errno));
}

/* Open every CPU's buffer (and, recording, its temp file), then group them on threads. */
int rec_drain_setup(struct ftx_recorder *r, const struct ftx_recorder_opts *o)
{
	unsigned int i, nthreads, *thread;
	int n, *core;

	n = count_cpus(r->inst);
	if (n < 0)
		return -1;
	r->nr_cpus = n;
	r->cpus = calloc(n, sizeof(*r->cpus));
	if (!r->cpus)
		return -1;
	for (i = 0; i < r->nr_cpus; i++) {
		r->cpus[i].cpu = i;
		r->cpus[i].fd = r->cpus[i].tmp_fd = r->cpus[i].old_fd = -1;
	}
	/* -m: two temp files of half the size take turns, so at most max_kb of the newest */
	if (o->max_kb && !r->stream) {
		r->half_bytes = (uint64_t)o->max_kb * 1024 / 2;
		r->half_bytes -= r->half_bytes % r->page_size;
		if (r->half_bytes < r->page_size)
			r->half_bytes = r->page_size;
	}
	/*
	 * One thread per CPU, so that draining scales with the CPUs producing
	 * (one thread moves about 1.3 GB/s of pages here, a busy CPU can make
	 * 150 MB/s). On 2 CPUs, 1 and 2 threads measured the same within
	 * noise. Above 64 CPUs threads take several CPUs each.
	 */
	nthreads = o->nr_threads ? o->nr_threads : r->nr_cpus;
	if (!o->nr_threads && nthreads > MAX_DRAIN_THREADS)
		nthreads = MAX_DRAIN_THREADS;
	if (nthreads > r->nr_cpus)
		nthreads = r->nr_cpus;
	if (r->stream)
		nthreads = 1;	/* the caller's thread */
	for (i = 0; i < r->nr_cpus; i++)
		if (open_cpu(r, &r->cpus[i], o->tmpdir ? o->tmpdir : ".") < 0)
			return -1;

	r->drains = calloc(nthreads, sizeof(*r->drains));
	if (!r->drains)
		return -1;
	r->nr_drains = nthreads;
	for (i = 0; i < nthreads; i++)
		r->drains[i].epfd = r->drains[i].evfd = r->drains[i].pipe[0] =
			r->drains[i].pipe[1] = -1;
	for (i = 0; i < nthreads; i++) {
		struct drain *d = &r->drains[i];

		d->r = r;
		d->cpus = calloc(r->nr_cpus, sizeof(*d->cpus));
		d->epfd = epoll_create1(EPOLL_CLOEXEC);
		d->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (!d->cpus || d->epfd < 0 || d->evfd < 0) {
			ftx_error_set("cannot set up the drain: %s", strerror(errno));
			return -1;
		}
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->evfd,
			      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = NULL }) < 0) {
			ftx_error_set("epoll: %s", strerror(errno));
			return -1;
		}
		if (!r->stream && open_pipe(r, d) < 0)
			return -1;
	}
	/* SMT siblings (busy together) on different threads */
	thread = malloc(r->nr_cpus * sizeof(*thread));
	if (!thread)
		return -1;
	core = nthreads < r->nr_cpus ? cpu_cores(r->nr_cpus) : NULL;
	rec_cpus_assign(r->nr_cpus, core, nthreads, thread);
	free(core);
	for (i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];
		struct drain *d = &r->drains[thread[i]];

		if (c->fd < 0)
			continue;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, c->fd,
			      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = c }) < 0) {
			ftx_error_set("epoll on cpu%d: %s", c->cpu, strerror(errno));
			free(thread);
			return -1;
		}
		d->cpus[d->nr_cpus++] = c;
	}
	free(thread);
	return 0;
}

/*
 * Pages spliced into a pipe belong to the ring buffer until the pipe lets go
 * of them: a pipe closed after the instance is gone releases freed pages (a
 * 6.18 kernel oopsed in ring_buffer_free_read_page). So the pipes close
 * first, the buffers next, and only then may the instance go.
 */
void rec_drain_close_buffers(struct ftx_recorder *r)
{
	for (unsigned int i = 0; r->drains && i < r->nr_drains; i++) {
		struct drain *d = &r->drains[i];

		for (int k = 0; k < 2; k++) {
			if (d->pipe[k] < 0)
				continue;
			ftx_session_fd_remove(r->s, d->pipe[k]);
			close(d->pipe[k]);
			d->pipe[k] = -1;
		}
	}
	for (unsigned int i = 0; r->cpus && i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];

		if (c->fd < 0)
			continue;
		ftx_session_fd_remove(r->s, c->fd);
		close(c->fd);
		c->fd = -1;
	}
}

void rec_drain_free(struct ftx_recorder *r)
{
	unsigned int i;

	rec_drain_close_buffers(r);

	for (i = 0; r->drains && i < r->nr_drains; i++) {
		struct drain *d = &r->drains[i];

		if (d->epfd >= 0)
			close(d->epfd);
		if (d->evfd >= 0)
			close(d->evfd);
		free(d->cpus);
	}
	free(r->drains);
	r->drains = NULL;
	for (i = 0; r->cpus && i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];

		if (c->tmp_fd >= 0)
			close(c->tmp_fd);
		if (c->old_fd >= 0)
			close(c->old_fd);
		free(c->stats_text);
	}
	free(r->cpus);
	r->cpus = NULL;
}

static void drain_fail(struct drain *d, struct rec_cpu *c, const char *what, int err)
{
	if (d->err)
		return;
	d->err = err;
	snprintf(d->errmsg, sizeof(d->errmsg), "cpu%d: %s: %s", c->cpu, what, strerror(err));
	/* the main thread polls this and stops the recording at once */
	__atomic_store_n(&d->r->failed, true, __ATOMIC_RELEASE);
	/* and wakes it if it sleeps on ftx_recorder_fail_fd() */
	if (d->r->fail_fd >= 0 && write(d->r->fail_fd, &(uint64_t){ 1 }, 8) < 0)
		return;	/* the counter is full: readable already */
}

/*
 * -m: the room left in @c's current temp file. When it is full, the older
 * one is given up (its pages counted as cut) and written over from the
 * start: the two hold the newest 2 * half_bytes. Returns 0 or -1 (failed).
 */
static int cpu_room(struct drain *d, struct rec_cpu *c, uint64_t *room)
{
	struct ftx_recorder *r = d->r;
	int fd;

	*room = UINT64_MAX;
	if (!r->half_bytes)
		return 0;
	if (c->tmp_len + r->page_size > r->half_bytes) {
		scan_new(r, c, d->page);
		/*
		 * Written over from the start, not truncated: 9p refuses to
		 * truncate an unlinked file (ENOENT), and the file stays at
		 * half_bytes anyway; only its first tmp_len bytes count.
		 */
		if (lseek(c->old_fd, 0, SEEK_SET) < 0) {
			drain_fail(d, c, "seek in temp file", errno);
			return -1;
		}
		c->st.cut_bytes += c->old_len;
		c->st.cut_pages += c->old_len / r->page_size;
		c->st.cut_events += c->old_events;
		fd = c->old_fd;
		c->old_fd = c->tmp_fd;
		c->old_len = c->tmp_len;
		c->old_events = c->tmp_events;
		c->tmp_fd = fd;
		c->tmp_len = c->scanned = c->tmp_events = 0;
	}
	*room = r->half_bytes - c->tmp_len;
	return 0;
}

/* Move every full sub-buffer of @c to its temp file; returns the bytes moved or -1. */
static ssize_t drain_full(struct drain *d, struct rec_cpu *c)
{
	ssize_t moved = 0;
	uint64_t room;

	for (;;) {
		ssize_t n = splice(c->fd, NULL, d->pipe[1], NULL, d->pipe_size,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENODEV)	/* ENODEV: no buffer on this CPU */
				break;
			drain_fail(d, c, "splice from trace_pipe_raw", errno);
			return -1;
		}
		if (n == 0)
			break;
		moved += n;
		/* counted as written: what a full disk refuses is not in the file */
		while (n > 0) {
			ssize_t m;

			/* -m turns files only for data in hand: a stop now keeps the most */
			if (cpu_room(d, c, &room) < 0)
				return -1;
			/* whole sub-buffers: room is a multiple of one, as the pipe's data */
			m = splice(d->pipe[0], NULL, c->tmp_fd, NULL,
				   (uint64_t)n < room ? (size_t)n : (size_t)room, SPLICE_F_MOVE);
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0) {
				drain_fail(d, c, "write to temp file", m < 0 ? errno : ENOSPC);
				return -1;
			}
			c->st.bytes += m;
			c->tmp_len += m;
			n -= m;
		}
	}
	scan_new(d->r, c, d->page);
	return moved;
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
	uint64_t room;

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
		if (fn) {
			c->st.bytes += r->page_size;
			c->st.pages++;
			page_missed(r, c, page);
			if (fn(arg, c->cpu, page, r->page_size)) {
				*stop = true;
				return 0;
			}
			continue;
		}
		if (cpu_room(d, c, &room) < 0)
			return -1;
		if (ftx_write_all(c->tmp_fd, page, r->page_size) < 0) {
			drain_fail(d, c, "write to temp file", errno);
			return -1;
		}
		if (c->scanned == c->tmp_len) {
			page_scan(r, c, page);
			c->scanned += r->page_size;
		}
		c->st.bytes += r->page_size;
		c->tmp_len += r->page_size;
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
	d->page = page;
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
		if (moved)
			ftx_test_pause("record-drain");
		if (!stop && !moved)
			nanosleep(&(struct timespec){ 0, NO_PROGRESS_SLEEP_NS }, NULL);
	}
	/* final flush: whole pages first, then the partial ones; not onto a failed disk */
	ftx_test_pause("record-flush");
	for (i = 0; i < d->nr_cpus && !d->err; i++) {
		drain_full(d, d->cpus[i]);
		drain_read(d, d->cpus[i], NULL, NULL, page, &dummy, 0);
	}
	d->page = NULL;
	free(page);
	return NULL;
}

/* Wake every started drain thread (it flushes and returns) and join it. */
static void join_threads(struct ftx_recorder *r)
{
	for (unsigned int i = 0; i < r->nr_drains; i++) {
		struct drain *d = &r->drains[i];

		if (!d->started)
			continue;
		/* cannot fail short of a full counter, which wakes the thread as well */
		(void)!write(d->evfd, &(uint64_t){ 1 }, 8);
		pthread_join(d->thread, NULL);
		d->started = false;
	}
}

void rec_stop_signals_block(sigset_t *old)
{
	sigset_t stop_sigs;

	ftx_session_stop_sigset(&stop_sigs);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, old);
}

bool ftx_recorder_failed(struct ftx_recorder *r)
{
	return __atomic_load_n(&r->failed, __ATOMIC_ACQUIRE);
}

int ftx_recorder_fail_fd(const struct ftx_recorder *r)
{
	return r->fail_fd;
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
		sigset_t old;

		rec_stop_signals_block(&old);
		for (i = 0; i < r->nr_drains; i++) {
			int err = i + 1 == r->nr_drains && ftx_test_fail("record-thread-start") ?
				  EAGAIN :
				  pthread_create(&r->drains[i].thread, NULL, drain_main, &r->drains[i]);

			if (err) {
				pthread_sigmask(SIG_SETMASK, &old, NULL);
				/* the threads already running must not outlive their state */
				join_threads(r);
				errno = err;
				ftx_error_set("cannot start a drain thread: %s", strerror(err));
				return -1;
			}
			r->drains[i].started = true;
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	/* the threads run from here: a failure below leaves them to stop() */
	r->started = true;
	if (r->exclude_self && rec_exclude_self(r, r->trace_funcs) < 0)
		return -1;
	if (ftx_test_fail("record-start")) {
		errno = EIO;
		ftx_error_set("cannot write tracing_on: %s (FTX_TEST_FAIL_AT)", strerror(EIO));
		return -1;
	}
	return r->attach ? 0 : rec_set(r, "tracing_on", "1");
}

unsigned long long rec_stat_value(const char *text, const char *key)
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
/* A sub-buffer header's commit word: a long after the u64 timestamp. */
static uint64_t page_commit(const char *page, unsigned int long_size)
{
	uint64_t commit = 0;
	uint32_t c32;

	if (long_size == 8) {
		memcpy(&commit, page + 8, 8);
		return commit;
	}
	memcpy(&c32, page + 8, 4);
	return c32;
}

static void page_missed(struct ftx_recorder *r, struct rec_cpu *c, const char *page)
{
	unsigned int hdr = 8 + r->long_size;
	uint64_t commit = page_commit(page, r->long_size), missed = 0;

	if (!(commit & FTX_RB_MISSED_EVENTS))
		return;
	c->st.missed_pages++;
	if (commit & FTX_RB_MISSED_STORED) {
		uint64_t at = hdr + (commit & FTX_RB_COMMIT_MASK);

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

/*
 * The kernel's event layout: a 5-bit type_len and a 27-bit time delta, then
 * type_len words of data, or a length word when type_len is 0. Only -m needs
 * the count: the events it cuts are counted.
 */
unsigned int rec_page_events(const char *page, unsigned int page_size, unsigned int long_size)
{
	unsigned int hdr = 8 + long_size, n = 0;
	uint64_t end = hdr + (page_commit(page, long_size) & FTX_RB_COMMIT_MASK), off;

	if (end > page_size)
		end = page_size;
	for (off = hdr; off + 4 <= end;) {
		uint32_t h, type, delta, len = 0;

		memcpy(&h, page + off, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		type = h >> 27;
		delta = h & ((1u << 27) - 1);
#else
		type = h & 31;
		delta = h >> 5;
#endif
		if (type >= 30) {		/* time extend, time stamp */
			off += 8;
			continue;
		}
		if (type == 29 || type == 0) {	/* padding, or data with a length word */
			if (off + 8 > end)
				break;
			memcpy(&len, page + off + 4, 4);
		}
		if (type == 29) {
			if (!delta)		/* the rest of the page is empty */
				break;
			off += 4 + (uint64_t)len;
			continue;
		}
		if (type == 0) {
			if (len < 4)
				break;
			off += 8 + (((uint64_t)len - 4 + 3) & ~3ull);
		} else {
			off += 4 + type * 4;
		}
		n++;
	}
	return n;
}

/* A sub-buffer saved to @c's current temp file: counted, its losses and, for -m, its events. */
static void page_scan(struct ftx_recorder *r, struct rec_cpu *c, const char *page)
{
	c->st.pages++;
	page_missed(r, c, page);
	if (r->half_bytes)
		c->tmp_events += rec_page_events(page, r->page_size, r->long_size);
}

/*
 * The missed-events marks of the pages written to @c's temp file since the
 * last call, read through a mapping of the fresh range while it is still in
 * the page cache: no second pass over the data at the end (on an SD card or
 * 9p that pass read everything back), and only the header of each page is
 * touched.
 */
/* @buf: a page of the caller's own, for pread (drain threads run this at once) */
static void scan_new(struct ftx_recorder *r, struct rec_cpu *c, char *buf)
{
	uint64_t end = c->tmp_len - c->tmp_len % r->page_size, start, off;
	long sys_page = sysconf(_SC_PAGESIZE);
	size_t len;
	char *map;

	if (c->tmp_fd < 0 || end <= c->scanned)
		return;
	start = c->scanned - c->scanned % (uint64_t)sys_page;
	len = end - start;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, c->tmp_fd, start);
	if (map == MAP_FAILED) {
		/* pread the pages instead (a file system without mmap) */
		for (off = c->scanned; off < end; off += r->page_size) {
			if (pread(c->tmp_fd, buf, r->page_size, off) != (ssize_t)r->page_size)
				break;
			page_scan(r, c, buf);
		}
	} else {
		for (off = c->scanned; off < end; off += r->page_size)
			page_scan(r, c, map + (off - start));
		munmap(map, len);
	}
	c->scanned = end;
}

static void collect_stats(struct ftx_recorder *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];
		char file[64];

		snprintf(file, sizeof(file), "per_cpu/cpu%u/stats", i);
		free(c->stats_text);
		c->stats_text = rec_read_at(r->inst, file, NULL);
		if (c->stats_text) {
			c->st.overrun = rec_stat_value(c->stats_text, "overrun");
			c->st.commit_overrun = rec_stat_value(c->stats_text, "commit overrun");
			c->st.dropped = rec_stat_value(c->stats_text, "dropped events");
			c->st.events = rec_stat_value(c->stats_text, "read events");
		}
		scan_new(r, c, r->page_buf);
	}
	ftx_error_clear();
}

/* @len bytes of @in from 0 appended to @out at @at: 0, or -1 with errno set. */
static int append_fd(int out, uint64_t at, int in, uint64_t len)
{
	loff_t ioff = 0, ooff = at;
	char buf[65536];

	while (len) {
		ssize_t n = copy_file_range(in, &ioff, out, &ooff, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len -= n;
	}
	/* copy_file_range refused (an old kernel, across file systems): by hand */
	while (len) {
		size_t want = len < sizeof(buf) ? len : sizeof(buf);
		ssize_t n = pread(in, buf, want, ioff);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		ssize_t w = pwrite(out, buf, n, ooff);

		if (w != n) {
			if (w >= 0)
				errno = ENOSPC;
			return -1;
		}
		ioff += n;
		ooff += n;
		len -= n;
	}
	return 0;
}

/*
 * -m: each CPU's two temp files as one, the older pages first, so the writer
 * copies one range per CPU; at most half_bytes are copied. When the copy
 * fails (a full disk), the newer half alone is kept and the older counted as
 * cut, so the file still ends with the newest data and says what it lacks.
 */
static void keep_newest(struct ftx_recorder *r)
{
	for (unsigned int i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];
		uint64_t old = c->old_len - c->old_len % r->page_size;
		uint64_t cur = c->tmp_len - c->tmp_len % r->page_size;

		if (c->old_fd < 0 || c->tmp_fd < 0 || !old)
			continue;
		if (append_fd(c->old_fd, old, c->tmp_fd, cur) == 0) {
			close(c->tmp_fd);
			c->tmp_fd = c->old_fd;
			c->tmp_len = old + cur;
			c->tmp_events += c->old_events;
		} else {
			ftx_warn("cpu%d: cannot join -m's two temp files: %s: only the newest %llu KB kept",
				 c->cpu, strerror(errno), (unsigned long long)cur / 1024);
			c->st.cut_bytes += c->old_len;
			c->st.cut_pages += c->old_len / r->page_size;
			c->st.cut_events += c->old_events;
			close(c->old_fd);
		}
		c->old_fd = -1;
		c->old_len = c->old_events = 0;
	}
}

int ftx_recorder_stop(struct ftx_recorder *r)
{
	const char *msg = NULL;
	unsigned int i;
	int ret = 0, err = 0;

	if (r->stopped)
		return 0;
	r->stopped = true;
	if (r->started && !r->attach && ftx_session_set(r->s, "tracing_on", "0") < 0) {
		ret = -1;
		err = errno;
	}
	join_threads(r);
	for (i = 0; i < r->nr_drains; i++) {
		struct drain *d = &r->drains[i];

		if (d->err && !err) {
			err = d->err;
			msg = d->errmsg;
		}
	}
	collect_stats(r);
	if (r->half_bytes)
		keep_newest(r);
	if (err) {
		if (msg)
			ftx_error_set("%s", msg);
		errno = err;
		return -1;
	}
	return ret;
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
	/* one thread here: the recorder's page is this drain's */
	d->page = r->page_buf;
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
