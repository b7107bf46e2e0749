/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recorder's insides, shared by its files:
 *   recorder.c  create/destroy, accessors, summaries
 *   instance.c  the instance's settings: events, filters, pids, clock, buffer
 *   drain.c     per-CPU buffers, drain threads, stream mode, loss counting
 *   assemble.c  trace.dat assembly: formats, kallsyms, options, the output file
 *   comm.c      task names: saved_cmdlines completed from /proc
 */
#ifndef FTX_RECORDER_LOCAL_H
#define FTX_RECORDER_LOCAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftx/recorder.h"
#include "ftx/tracedat-write.h"

#define MAX_DRAIN_THREADS	64
#define PIPE_WANT		(1024 * 1024)
#define STREAM_TICK_MS		200
#define NO_PROGRESS_SLEEP_NS	(20 * 1000 * 1000)
#define STREAM_PAUSE_NS		(10 * 1000 * 1000)
#define STREAM_BUSY_PAGES	8
#define STREAM_BATCH_PAGES	32
#define PROC_COMM_MIN_CMDLINES	32768

struct rec_cpu {
	int cpu;
	int fd;			/* trace_pipe_raw, O_NONBLOCK; -1: no buffer */
	int tmp_fd;		/* unlinked temp file; -1 in stream mode */
	uint64_t tmp_len;	/* bytes in tmp_fd (st.bytes without -m) */
	uint64_t scanned;	/* tmp_fd bytes whose page headers were counted */
	/* -m: tmp_fd and old_fd take turns, each at most half_bytes: the newest data */
	int old_fd;		/* the older half; -1: none (no -m) */
	uint64_t old_len;	/* bytes in old_fd */
	uint64_t tmp_events, old_events;	/* events in the pages of each */
	struct ftx_recorder_cpu_stats st;
	char *stats_text;	/* per_cpu/cpuN/stats at stop */
};

struct drain {
	struct ftx_recorder *r;
	pthread_t thread;
	bool started;
	int epfd;
	int evfd;		/* written by stop */
	int pipe[2];		/* splice: trace_pipe_raw -> pipe -> temp file */
	size_t pipe_size;
	struct rec_cpu **cpus;
	size_t nr_cpus;
	char *page;		/* the thread's own page buffer (drain_main()'s) */
	int err;		/* errno of the first failure */
	char errmsg[256];
};

/* Event formats read from tracefs, for the file. */
struct fmt_list {
	struct ftx_tdat_format *f;
	size_t n, alloc;
};

/* What the file needs from tracefs, read before the session restores it. */
struct rec_meta {
	bool collected;
	struct fmt_list ftrace, ev;
	char *kallsyms, *printk, *cmdlines, *clock_text;
	size_t kallsyms_len, printk_len, cmdlines_len, clock_len;
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
	bool stream, started, stopped, exclude_self, attach;
	unsigned int file_version;	/* ftx_recorder_opts' */
	uint64_t half_bytes;	/* -m: a temp file's share of max_kb; 0: no limit */
	bool all_formats;	/* -a: every event's format in the file */
	int compression;
	bool failed;		/* a drain thread failed (atomic): stop now */
	int fail_fd;		/* eventfd, readable once failed is set; -1: none */
	char *pidlist;		/* set_event_pid contents we wrote */
	char *date;		/* the DATE option's text, NULL: none */
	struct comm *comms;	/* collected from /proc */
	struct comm *known;	/* ftx_recorder_set_comm(): win over everything */
	size_t nr_known;
	size_t nr_comms, alloc_comms;
	struct tep_handle *tep;
	char *page_buf;
	struct rec_meta meta;
};

/* recorder.c */
char *rec_path_join(const char *a, const char *b);
char *rec_read_at(const char *dir, const char *file, size_t *len);

/* instance.c */
bool rec_inst_has(struct ftx_recorder *r, const char *file);
int rec_set(struct ftx_recorder *r, const char *file, const char *value);
/*
 * drain.c: the events (data records: not padding, not time stamps) of one
 * sub-buffer of @page_size bytes in this machine's byte order, within its
 * commit size. Pure.
 */
unsigned int rec_page_events(const char *page, unsigned int page_size, unsigned int long_size);
/* drain.c: the number after "KEY:" in a per_cpu/cpuN/stats text, 0 if absent */
unsigned long long rec_stat_value(const char *text, const char *key);
/* noise.c: keep this process' threads out of the trace (exclude_self) */
int rec_exclude_self(struct ftx_recorder *r, bool tracer);
int rec_instance_setup(struct ftx_recorder *r, const struct ftx_recorder_opts *o);

/* drain.c */
void rec_nofile_raise(struct ftx_recorder *r, const struct ftx_recorder_opts *o);
int rec_drain_setup(struct ftx_recorder *r, const struct ftx_recorder_opts *o);
void rec_drain_free(struct ftx_recorder *r);
/*
 * rec_cpus_assign - drain thread of each of @nr_cpus CPUs: balanced blocks,
 * SMT siblings (same @core value; @core NULL: no topology) apart. Pure.
 */
void rec_cpus_assign(unsigned int nr_cpus, const int *core, unsigned int nr_threads,
		     unsigned int *thread);

/*
 * drain.c: block SIGINT, SIGTERM and SIGHUP in the calling thread (@old: the
 * mask before), so that the threads it creates leave them to the main
 * thread, which owns the session
 */
void rec_stop_signals_block(sigset_t *old);

/* drain.c: the per-CPU buffers are no longer needed (the instance can go) */
void rec_drain_close_buffers(struct ftx_recorder *r);

/* assemble.c */
void rec_meta_free(struct ftx_recorder *r);

/* comm.c */
void rec_comm_copy(char dst[16], const char *src);
void rec_comms_collect(struct ftx_recorder *r);
char *rec_cmdlines_build(struct ftx_recorder *r, size_t *len);

#endif /* FTX_RECORDER_LOCAL_H */
