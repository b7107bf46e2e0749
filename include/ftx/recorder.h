/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recorder drains the per-CPU ring buffers (per_cpu/cpuN/trace_pipe_raw)
 * of a session's instance. In record mode, drain threads wait in epoll until
 * the kernel wakes them (buffer_percent of a CPU's buffer filled), splice the
 * full sub-buffers into per-CPU temporary files next to the output, and at
 * stop flush the partial ones; ftx_recorder_write() then assembles trace.dat
 * v6. In stream mode the caller's thread reads sub-buffers as they arrive and
 * hands them to a callback.
 *
 * All tracefs changes go through the session, so they are undone by
 * ftx_session_destroy() whatever happens to the recording.
 */
#ifndef FTX_RECORDER_H
#define FTX_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ftx_session;
struct ftx_recorder;
struct ftx_tracer_opts;

/* One -e SYSTEM[:EVENT] with its optional -f filter (borrowed strings). */
struct ftx_record_event {
	const char *system;	/* glob; "all" or NULL: every system */
	const char *event;	/* glob; NULL: every event of @system */
	const char *filter;	/* NULL: none */
	bool either;		/* "-e NAME": the system NAME, else events NAME of any system */
};

/**
 * ftx_record_event_parse - split an -e argument: "SYSTEM:EVENT", "SYSTEM/EVENT",
 * "all", or a bare NAME (a system, or else an event of any system)
 * @arg: the argument; modified in place (the ':' becomes a NUL) and borrowed
 *	by @ev
 * @ev: filled in; @ev->filter is left alone
 *
 * Pure (no I/O). Returns 0, or -1 with errno EINVAL and ftx_error() set.
 */
int ftx_record_event_parse(char *arg, struct ftx_record_event *ev);

/* What to set up in the instance; strings are borrowed. */
struct ftx_recorder_opts {
	const struct ftx_record_event *events;
	size_t nr_events;
	unsigned long buffer_kb;	/* per-CPU buffer_size_kb; 0: kernel default */
	const char *clock;		/* trace_clock; NULL: the instance's default */
	const char *cpumask;		/* tracing_cpumask (hex); NULL: all CPUs */
	const pid_t *pids;		/* set_event_pid; none: every task */
	size_t nr_pids;
	bool follow_fork;		/* options/event-fork: children join the pid filter */
	int buffer_percent;		/* wake-up watermark; -1: 20 (record), 0 (stream) */
	unsigned int nr_threads;	/* drain threads; 0: one per CPU, at most 64 */
	const char *tmpdir;		/* where per-CPU temp files go; NULL: "." */
	bool stream;			/* no temp files: ftx_recorder_stream() delivers pages */
	const struct ftx_tracer_opts *tracer;	/* -p function/function_graph and their
						 * filters; NULL: events only */
	bool exclude_self;		/* set_event_notrace_pid (and set_ftrace_notrace_pid
					 * with a function tracer) = this process' threads, the
					 * drain threads included, at start (after a command was
					 * forked, so it is not excluded) */
	unsigned int file_version;	/* trace.dat version ftx_recorder_write() writes: 6 (0) or 7 */
	int compression;		/* version 7: enum ftx_tdat_compression */
	const char *date;		/* DATE option ("0x..." from ftx_record_date_offset());
					 * NULL: none */
	unsigned long max_kb;		/* record -m: keep at most about this much of each CPU's
					 * data, the newest (two temp files of half each take
					 * turns); 0: everything */
	bool all_formats;		/* record -a: the format of every event in the file,
					 * not only the enabled ones' */
	bool attach;			/* the instance is set up and tracing already (the
					 * flight recorder's): change nothing, leave tracing
					 * on at stop; start and stop drain what it holds */
};

/* Per-CPU counts, valid after ftx_recorder_stop(). */
struct ftx_recorder_cpu_stats {
	bool online;		/* a buffer exists and could be opened */
	uint64_t events;	/* events read from the buffer ("read events") */
	uint64_t bytes;		/* bytes of sub-buffers saved (-m: cut_bytes of them
				 * given up again) */
	uint64_t pages;		/* sub-buffers saved */
	uint64_t overrun;	/* overwritten before they were read (stats "overrun") */
	uint64_t dropped;	/* not written, buffer full ("dropped events") */
	uint64_t commit_overrun;
	uint64_t missed_pages;	/* sub-buffers flagged RB_MISSED_EVENTS */
	uint64_t missed_events;	/* lost counts stored in those sub-buffers */
	/* -m (max_kb): older sub-buffers given up to keep the newest, not in the file */
	uint64_t cut_pages, cut_bytes, cut_events;
};

/**
 * ftx_recorder_create - set up the session's instance for recording and open
 * every CPU's buffer; tracing stays off until ftx_recorder_start()
 * @s: session (borrowed; must outlive the recorder)
 * @opts: settings (borrowed for the call only)
 *
 * Returns a recorder to free with ftx_recorder_destroy(), or NULL with errno
 * and ftx_error() set ("cannot enable sched:sched_foo: no such event").
 */
struct ftx_recorder *ftx_recorder_create(struct ftx_session *s,
					 const struct ftx_recorder_opts *opts);

/**
 * ftx_recorder_destroy - close buffers, remove temp files, free. Tracefs
 * settings stay until the session is destroyed. NULL is fine.
 */
void ftx_recorder_destroy(struct ftx_recorder *r);

/**
 * ftx_recorder_add_pid - add @pid to set_event_pid (before or after start)
 * Returns 0 or -1 with errno and ftx_error() set.
 */
int ftx_recorder_add_pid(struct ftx_recorder *r, pid_t pid);

/**
 * ftx_recorder_set_comm - name @pid @comm in the file, whatever saved_cmdlines
 * says (which may still hold the name before an exec: the traced command
 * was "ftx" until it exec'd). Returns 0 or -1 (ENOMEM).
 */
int ftx_recorder_set_comm(struct ftx_recorder *r, pid_t pid, const char *comm);

/**
 * ftx_recorder_start - turn tracing on in the instance and, in record mode,
 * start the drain threads. Returns 0 or -1 with errno and ftx_error() set.
 */
int ftx_recorder_start(struct ftx_recorder *r);

/**
 * ftx_recorder_stop - turn tracing off, flush every CPU's remaining
 * sub-buffers (partial ones included), stop the threads and collect the
 * per-CPU statistics. Idempotent. Returns 0 or -1 (a drain error: the
 * reason is in ftx_error()); after a drain error what was drained before it
 * is kept, and ftx_recorder_write() still writes it.
 */
int ftx_recorder_stop(struct ftx_recorder *r);

/**
 * ftx_recorder_failed - a drain thread failed (full disk, write error): the
 * caller should stop now. Cheap; meant to be polled while waiting.
 */
bool ftx_recorder_failed(struct ftx_recorder *r);

/**
 * ftx_recorder_fail_fd - an fd that turns readable (poll) when a drain
 * thread fails, for a caller that sleeps until something happens; owned by
 * @r. -1 when there is none (no eventfd): then poll ftx_recorder_failed().
 */
int ftx_recorder_fail_fd(const struct ftx_recorder *r);

/** ftx_recorder_nr_cpus - number of CPU slots (possible CPUs) */
unsigned int ftx_recorder_nr_cpus(struct ftx_recorder *r);

/** ftx_recorder_cpu_stats - the counts of @cpu (borrowed), NULL if out of range */
const struct ftx_recorder_cpu_stats *ftx_recorder_cpu_stats(struct ftx_recorder *r,
							    unsigned int cpu);

/**
 * ftx_recorder_cpu_lost - events @st says were lost: the larger of the ring
 * buffer's counters (overrun + dropped + commit overrun) and the counts
 * stored in flagged sub-buffers; *@unknown (if not NULL) turns true when
 * sub-buffers were flagged without a count
 */
unsigned long long ftx_recorder_cpu_lost(const struct ftx_recorder_cpu_stats *st, bool *unknown);

/**
 * ftx_recorder_summary - text of the per-CPU table "CPU events bytes lost"
 * with a total line (@table), and one line per CPU that lost events
 * ("cpu1: 168 events lost (...); try a larger -b or fewer events")
 * (@losses). With max_kb (-m) the table counts what the file holds and a
 * "-m cut" column the older events given up, each CPU that cut some gets a
 * line ("cpu0: -m: 9120 older events cut (...); the file keeps the newest
 * 512.0K"). Either pointer may be NULL. Both strings are malloc()ed and
 * freed by the caller ("" when empty). Returns the total of lost events.
 */
unsigned long long ftx_recorder_summary(struct ftx_recorder *r, char **table, char **losses);

/**
 * ftx_recorder_collect - after ftx_recorder_stop(), read what the file needs
 * from tracefs (formats, printk formats, saved_cmdlines, the clock) and close
 * the per-CPU buffers, so that the session can be destroyed (tracefs restored,
 * the instance removed) before the file is written: a long write on a slow
 * disk no longer keeps tracefs changed. The recorder does not use the session
 * afterwards. Idempotent; ftx_recorder_write() calls it if needed.
 * Returns 0 or -1 with errno and ftx_error() set.
 */
int ftx_recorder_collect(struct ftx_recorder *r);

/**
 * ftx_recorder_write - after ftx_recorder_stop(), write trace.dat v6 to @path:
 * headers, the formats of the ftrace events and of every enabled event,
 * kallsyms, printk formats, the comms (saved_cmdlines completed from /proc),
 * options CPUSTAT/TRACECLOCK/UNAME/VERSION and the per-CPU data. Written to a
 * temp file renamed over @path, so a failure never leaves half a file.
 * Returns 0 or -1 with errno and ftx_error() set.
 */
int ftx_recorder_write(struct ftx_recorder *r, const char *path);

/*
 * Stream-mode callback: one sub-buffer of @size bytes (borrowed, valid for
 * the call) read from @cpu; @page NULL marks the end of a batch (every CPU
 * that was ready has been read), a good moment to merge and print. Return
 * non-zero to stop.
 */
typedef int (*ftx_recorder_page_fn)(void *arg, int cpu, const void *page, size_t size);

/**
 * ftx_recorder_stream - stream mode: wait for data in the caller's thread and
 * pass each sub-buffer to @fn until @fn returns non-zero or a stop signal
 * arrives (ftx_session_stop_requested()); then turn tracing off, flush what
 * is left through @fn and collect statistics.
 * Returns 0, or -1 with errno and ftx_error() set.
 */
int ftx_recorder_stream(struct ftx_recorder *r, ftx_recorder_page_fn fn, void *arg);

/**
 * ftx_recorder_tep - a libtraceevent handle loaded with the header page and
 * the formats of the events enabled in the instance, for decoding pages
 * (borrowed, owned by the recorder; NULL with ftx_error() set on failure)
 */
struct tep_handle *ftx_recorder_tep(struct ftx_recorder *r);

/**
 * ftx_record_pids_parse - parse "PID[,PID...]" and append to @pids
 * @arg: modified in place
 * @pids: array of @max entries; *@nr entries used, updated
 * Pure. Returns 0, or -1 with errno EINVAL/E2BIG and ftx_error() set.
 */
int ftx_record_pids_parse(char *arg, pid_t *pids, size_t *nr, size_t max);

/** ftx_cpumask_valid - @s looks like a tracing_cpumask value ("3", "ff,ffffffff") */
bool ftx_cpumask_valid(const char *s);

/*
 * A traced command: forked early so its pid can go into the filters, held
 * on a pipe until tracing is on, then exec'd.
 */
struct ftx_child {
	pid_t pid;
	int sync_fd;		/* write end: a byte releases the child, EOF kills it */
	int err_fd;		/* read end of the CLOEXEC pipe that reports a failed exec */
	const char *user;	/* set by the caller: run as this user (name or uid, with its
				 * groups); NULL: as ftx */
};

/**
 * ftx_child_spawn - fork @argv[0] (searched in PATH), held before exec
 * @c: filled in; release with ftx_child_release() or ftx_child_abandon()
 * @argv: NULL-terminated, borrowed
 *
 * The child gets default SIGINT/SIGTERM/SIGHUP/SIGPIPE and an empty signal
 * mask; with @c->user it drops to that user's uid, gid and groups before the
 * exec. Returns 0, or -1 with errno and ftx_error() set.
 */
int ftx_child_spawn(struct ftx_child *c, char *const argv[]);

/**
 * ftx_child_release - let the held child exec
 * Returns 0 once the exec succeeded, or -1 with errno set to the exec's
 * error (the child is reaped) and ftx_error() set.
 */
int ftx_child_release(struct ftx_child *c, const char *name);

/**
 * ftx_child_poll - has the child exited?
 * Returns 1 (and *@status, the child is reaped), 0 while it runs, -1 on error.
 */
int ftx_child_poll(struct ftx_child *c, int *status);

/**
 * ftx_child_abandon - close the pipes; a child still held exits without
 * running the command (and is reaped). A running child is left running.
 * Returns true if it was still running.
 */
bool ftx_child_abandon(struct ftx_child *c);

/* What a running recording has done so far (record's status line) */
struct ftx_recorder_progress {
	uint64_t bytes;		/* sub-buffer bytes saved by the drain */
	uint64_t events;	/* events the kernel recorded ("entries" + "read events") */
	uint64_t lost;		/* "overrun" + "dropped events" */
	int worst_cpu;		/* the CPU whose buffer is fullest now; -1: none */
	unsigned int worst_fill;	/* its unread share of the buffer, percent */
};

/**
 * ftx_recorder_progress - the counts of a started recording, now
 * Approximate by design (read while the drain threads run). Returns 0.
 */
int ftx_recorder_progress(struct ftx_recorder *r, struct ftx_recorder_progress *p);

/**
 * ftx_record_date_offset - record --date: the time of day minus the @clock
 * trace clock (NULL: the default), in microseconds, as trace.dat's DATE
 * option text "0x..." into @buf; measured on a scratch instance, removed
 * before returning. Returns 0, or -1 with errno and ftx_error() set (a
 * counter clock has no time of day).
 */
int ftx_record_date_offset(const char *clock, char *buf, size_t len);

/**
 * ftx_threads_set_rt_priority - SCHED_FIFO at @prio for every thread of this
 * process (the drain threads: record -r); forked children keep their policy
 * Returns 0, or -1 with errno and ftx_error() set.
 */
int ftx_threads_set_rt_priority(int prio);

#endif /* FTX_RECORDER_H */
