// SPDX-License-Identifier: GPL-2.0
/*
 * ftx stream: print events live, in the line format of report, as they leave
 * the ring buffers — for boards with no storage for a trace.dat. Events of
 * one read batch are merged across CPUs by timestamp before printing.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>

#include <event-parse.h>
#include <kbuffer.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/probe.h"
#include "ftx/record-cli.h"
#include "ftx/pmc-sampler.h"
#include "ftx/recorder.h"
#include "ftx/report.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"


static const char stream_usage[] =
	"usage: ftx stream [options] [--] [command [args...]]\n"
	"\n"
	"Print tracepoint events live on stdout as they arrive, in the line format\n"
	"of 'ftx report' (trace-cmd's), without writing a file. Without a command,\n"
	"streams until Ctrl-C; with one, until it exits.\n"
	"\n"
	FTX_RECORD_CLI_USAGE
	"  -N, --no-plugins            print with the kernel's formats only\n"
	"  -h, --help                  this text\n";

struct stream_params {
	struct ftx_record_cli cli;	/* -e -f -b -C -P -F -c -M -q */
	bool no_plugins;
	char **command;
	char err[256];
};

/*
 * Free what stream_parse() allocated and leave @p empty. The options borrow
 * argv today; one that allocates frees its copy here, so every path is right.
 */
static void stream_params_free(struct stream_params *p)
{
	(void)p;
}

static const struct option stream_long_opts[] = {
	FTX_RECORD_CLI_LONG_OPTS,
	{ "no-plugins",		no_argument,		NULL, 'N' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

/*
 * stream_parse - the pure option parser: fills @p from argv (arguments
 * borrowed, -e/-P split in place). Returns 0 (the caller owes
 * stream_params_free()), 1 for --help, or -1 with the reason in @p->err; on 1
 * and -1 nothing is left to free.
 */
static int stream_parse(int argc, char **argv, struct stream_params *p)
{
	int c, ret;

	memset(p, 0, sizeof(*p));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:e:f:b:C:P:FcM:Nqh", stream_long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'N':
			p->no_plugins = true;
			break;
		case 'h':
			stream_params_free(p);
			return 1;
		case ':':
			snprintf(p->err, sizeof(p->err), "option '%s' needs an argument",
				 argv[optind - 1]);
			goto fail;
		default:
			ret = ftx_record_cli_opt(&p->cli, c, optarg);
			if (ret < 0) {
				snprintf(p->err, sizeof(p->err), "%s", ftx_error());
				goto fail;
			}
			if (!ret) {
				snprintf(p->err, sizeof(p->err), "unknown option '%s'",
					 argv[optind - 1]);
				goto fail;
			}
			break;
		}
	}
	if (optind < argc)
		p->command = &argv[optind];
	if (!p->cli.nr_events && !p->cli.nr_probes) {
		snprintf(p->err, sizeof(p->err),
			 "no events: give at least one -e SYSTEM[:EVENT] or --probe DEF");
		goto fail;
	}
	if (ftx_record_cli_check(&p->cli, p->command != NULL) < 0) {
		snprintf(p->err, sizeof(p->err), "%s", ftx_error());
		goto fail;
	}
	return 0;
fail:
	stream_params_free(p);
	return -1;
}

/* One event of the current batch; its bytes are in the batch arena. */
struct pending {
	unsigned long long ts;
	long long missed;
	size_t off;
	unsigned int seq;
	int size;
	int cpu;
};

struct streamer {
	struct tep_handle *tep;
	struct kbuffer *kbuf;
	struct ftx_report_fmt *fmt;
	struct ftx_strbuf out;
	struct pending *ev;
	size_t nr, alloc;
	char *arena;
	size_t arena_len, arena_cap;
	unsigned int seq;
	struct ftx_child *child;
	char child_comm[16];	/* the name its events print with */
	bool child_done;
	bool output_failed;
	int output_errno;
	int err;
};

static int pending_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int add_event(struct streamer *st, int cpu, unsigned long long ts, long long missed,
		     const void *data, int size)
{
	if (st->nr == st->alloc) {
		size_t na = st->alloc ? st->alloc * 2 : 4096;
		struct pending *n = realloc(st->ev, na * sizeof(*n));

		if (!n)
			return -1;
		st->ev = n;
		st->alloc = na;
	}
	if (st->arena_len + size > st->arena_cap) {
		size_t nc = st->arena_cap ? st->arena_cap * 2 : 1 << 20;
		char *n;

		while (nc < st->arena_len + size)
			nc *= 2;
		n = realloc(st->arena, nc);
		if (!n)
			return -1;
		st->arena = n;
		st->arena_cap = nc;
	}
	memcpy(st->arena + st->arena_len, data, size);
	st->ev[st->nr++] = (struct pending){ ts, missed, st->arena_len, st->seq++, size, cpu };
	st->arena_len += size;
	return 0;
}

/* A comm for every pid before printing: the live /proc name, else saved_cmdlines. */
static void resolve_comms(struct streamer *st)
{
	bool reread = false;
	size_t i;

	for (i = 0; i < st->nr; i++) {
		struct tep_record rec = { .data = st->arena + st->ev[i].off, .size = st->ev[i].size };
		char path[64], comm[32];
		int pid = tep_data_pid(st->tep, &rec), fd;
		ssize_t n;

		if (pid <= 0 || tep_is_pid_registered(st->tep, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			comm[n] = '\0';
			tep_register_comm(st->tep, ftx_strip(comm), pid);
			continue;
		}
		if (!reread) {
			/* gone already: the kernel's cache may still know it */
			char *text = ftx_read_file("/sys/kernel/tracing/saved_cmdlines", NULL);
			char *line, *save = NULL;

			reread = true;
			for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
			     line = strtok_r(NULL, "\n", &save)) {
				char name[64];
				int p;

				if (sscanf(line, "%d %63[^\n]", &p, name) == 2 &&
				    !tep_is_pid_registered(st->tep, p))
					tep_register_comm(st->tep, name, p);
			}
			free(text);
		}
	}
}

static int flush_batch(struct streamer *st)
{
	size_t i;

	if (!st->nr)
		return 0;
	resolve_comms(st);
	qsort(st->ev, st->nr, sizeof(*st->ev), pending_cmp);
	for (i = 0; i < st->nr && !st->output_failed; i++) {
		struct tep_record rec = {
			.ts = st->ev[i].ts,
			.cpu = st->ev[i].cpu,
			.data = st->arena + st->ev[i].off,
			.size = st->ev[i].size,
			.missed_events = st->ev[i].missed,
		};

		if (ftx_report_fmt_record(st->fmt, &rec, &st->out) < 0) {
			st->err = errno ? errno : ENOMEM;
			return -1;
		}
		if (st->out.len >= 64 * 1024 || i + 1 == st->nr) {
			if (fwrite(st->out.buf, 1, st->out.len, stdout) != st->out.len ||
			    fflush(stdout) != 0) {
				st->output_failed = true;
				st->output_errno = errno;
			}
			st->out.len = 0;
		}
	}
	st->nr = 0;
	st->arena_len = 0;
	return st->output_failed ? -1 : 0;
}

/* The command's current name (running or a zombie not reaped yet), if it changed. */
static void child_comm_refresh(struct streamer *st)
{
	char path[64], *comm;

	if (!st->child || st->child_done || st->child->pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)st->child->pid);
	comm = ftx_read_file(path, NULL);
	if (comm && *ftx_strip(comm) && strncmp(comm, st->child_comm, sizeof(st->child_comm) - 1)) {
		snprintf(st->child_comm, sizeof(st->child_comm), "%.15s", comm);
		tep_override_comm(st->tep, st->child_comm, st->child->pid);
	}
	free(comm);
}

static int stream_page(void *arg, int cpu, const void *page, size_t size)
{
	struct streamer *st = arg;
	unsigned long long ts;
	long long missed;
	void *data;

	if (!page) {
		/* end of a batch (or a quiet tick): print, then see if the command is done */
		child_comm_refresh(st);
		if (flush_batch(st) < 0)
			return 1;
		if (st->child && !st->child_done) {
			siginfo_t si = { 0 };
			int status;

			/* a zombie keeps its comm: reap only after the last batch named it */
			if (waitid(P_PID, st->child->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
			    si.si_pid == st->child->pid) {
				ftx_child_poll(st->child, &status);
				st->child_done = true;
			}
		}
		return st->child_done;
	}
	if (kbuffer_load_subbuffer(st->kbuf, (void *)page) < 0)
		return 0;
	missed = kbuffer_missed_events(st->kbuf);
	for (data = kbuffer_read_event(st->kbuf, &ts); data;
	     data = kbuffer_next_event(st->kbuf, &ts)) {
		if (add_event(st, cpu, ts, missed, data, kbuffer_event_size(st->kbuf)) < 0) {
			st->err = ENOMEM;
			return 1;
		}
		missed = 0;	/* the drop is reported once, before the page's first event */
	}
	return 0;
}

static void stream_probe_unfired(const char *msg, void *arg)
{
	(void)arg;
	ftx_cmd_err("%s", msg);
}

static int stream_run(int argc, char **argv)
{
	struct ftx_probe_run *probes = NULL;
	struct ftx_probe_watch *watch = NULL;
	char detail[1024];
	struct ftx_recorder_opts o = { 0 };
	struct ftx_child child = { .pid = -1, .sync_fd = -1, .err_fd = -1 };
	struct streamer st = { 0 };
	struct tep_plugin_list *plugins = NULL;
	struct ftx_session *s = NULL;
	struct ftx_recorder *r = NULL;
	struct ftx_pmc_sampler *pmc = NULL;
	struct ftx_pmc_sampler_stats pst = { 0 };
	struct stream_params p;
	int ret = FTX_EXIT_FAIL, pr, out_errno;

	pr = stream_parse(argc, argv, &p);
	if (pr > 0)
		return ftx_cmd_help(&ftx_cmd_stream);
	if (pr < 0)
		return ftx_cmd_usage_error(&ftx_cmd_stream, "%s", p.err);

	/*
	 * Before the instance exists, so a signal never finds it unprotected;
	 * SIGPIPE is ignored from here: a closed pipe (ftx stream | head) is
	 * EPIPE on the write, which ends the stream.
	 */
	if (ftx_session_catch_signals(NULL) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	s = ftx_session_create(0);
	if (!s) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (p.cli.nr_probes) {
		/* probes for this run, journaled in the session; their events recorded */
		probes = ftx_probe_run_create(s, p.cli.probes, p.cli.nr_probes, detail,
					      sizeof(detail));
		if (!probes || ftx_probe_run_foreach(probes, ftx_record_cli_add_event, &p.cli)) {
			ftx_cmd_err("%s", ftx_error());
			if (!probes && *detail)
				fprintf(stderr, "%s\n", detail);
			goto out;
		}
	}
	/* kernel probes that never fire get named afterwards */
	watch = ftx_probe_watch_start(ftx_tracefs_mount(), ftx_record_cli_matches, &p.cli);
	ftx_record_cli_apply(&p.cli, &o);
	o.buffer_percent = -1;
	o.stream = true;
	o.exclude_self = true;
	r = ftx_recorder_create(s, &o);
	if (!r) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	st.tep = ftx_recorder_tep(r);
	if (!st.tep) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (!p.no_plugins)
		plugins = tep_load_plugins(st.tep);
	tep_set_cpus(st.tep, ftx_recorder_nr_cpus(r));
	st.kbuf = kbuffer_alloc(tep_get_long_size(st.tep) == 4 ? KBUFFER_LSIZE_4 : KBUFFER_LSIZE_8,
				KBUFFER_ENDIAN_SAME_AS_HOST);
	st.fmt = ftx_report_fmt_alloc(st.tep, ftx_clock_in_usecs(p.cli.clock ? p.cli.clock : "local") ?
				      0 : FTX_REPORT_RAW_TS);
	if (!st.kbuf || !st.fmt) {
		ftx_cmd_err("out of memory");
		goto out;
	}

	if (p.command) {
		if (ftx_child_spawn(&child, p.command) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
		if (p.cli.only_command && ftx_recorder_add_pid(r, child.pid) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
		st.child = &child;
	}
	if (ftx_recorder_start(r) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (p.cli.pmc && !(pmc = ftx_pmc_sampler_start(p.cli.pmc, ftx_session_dir(s)))) {
		ftx_cmd_err("%s", ftx_error());
		/* the held child shares the instance's open files: gone before rmdir */
		ftx_child_abandon(&child);
		goto out;
	}
	if (p.command) {
		const char *base = strrchr(p.command[0], '/');

		if (ftx_child_release(&child, p.command[0]) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
		/*
		 * The kernel names an exec'd task after the file's basename (15
		 * characters); /proc may still say "ftx" for a moment after the
		 * exec. Later changes (a script exec'ing on) are picked up per batch.
		 */
		snprintf(st.child_comm, sizeof(st.child_comm), "%.15s", base ? base + 1 : p.command[0]);
		tep_override_comm(st.tep, st.child_comm, child.pid);
	}
	if (ftx_recorder_stream(r, stream_page, &st) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (st.err) {
		ftx_cmd_err("cannot format events: %s", strerror(st.err));
		goto out;
	}
	ftx_cmd_recorder_summary(r, p.cli.quiet, false);
	ftx_pmc_sampler_stop(pmc, &pst);
	pmc = NULL;
	if (p.cli.pmc && !p.cli.quiet) {
		char line[256];

		ftx_pmc_sampler_summary(&pst, line, sizeof(line));
		fprintf(stderr, "ftx stream: %s\n", line);
	}
	ftx_probe_watch_report(watch, stream_probe_unfired, NULL);
	ret = st.output_failed ? FTX_EXIT_FAIL : FTX_EXIT_OK;
out:
	/* the dispatcher's stdout check reports this errno (and keeps quiet on EPIPE) */
	out_errno = st.output_errno;

	if (plugins)
		tep_unload_plugins(plugins, st.tep);
	ftx_report_fmt_free(st.fmt);
	if (st.kbuf)
		kbuffer_free(st.kbuf);
	ftx_strbuf_release(&st.out);
	free(st.ev);
	free(st.arena);
	ftx_pmc_sampler_stop(pmc, NULL);
	/* a command still held goes first: nothing of it may keep the instance busy */
	ftx_child_abandon(&child);
	ftx_recorder_destroy(r);
	ftx_session_destroy(s);
	ftx_probe_run_free(probes);
	ftx_probe_watch_free(watch);
	stream_params_free(&p);
	if (out_errno)
		errno = out_errno;
	return ret;
}

const struct ftx_cmd ftx_cmd_stream = {
	.name = "stream",
	.summary = "print tracepoint events live, without a file",
	.usage = stream_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = stream_run,
};
