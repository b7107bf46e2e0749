// SPDX-License-Identifier: GPL-2.0
/*
 * The probing of 'ftx check'. Listings lie: on a locked-down kernel the
 * function tracer is in available_tracers but writing it gives EPERM, and the
 * README lists eprobes whether or not they are built. So every capability is
 * decided by trying it, in a private instance, and undone afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ftx/capability.h"
#include "ftx/error.h"
#include "ftx/features.h"
#include "ftx/pmc.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"

#define CHECK_GROUP FTX_PROBE_GROUP

struct probe_ctx {
	struct ftx_check *chk;
	struct ftx_session *s;
	const char *top;
	ftx_check_fn fn;
	void *arg;
	bool stop;
	/* learned along the way */
	bool kprobes;
	const char *ksym;
	char ubin[256];
	unsigned long long uoff;
	bool uprobes;
	int function_status;	/* the function tracer's verdict in an instance, or -1 */
};

const char *ftx_cap_status_name(enum ftx_cap_status status)
{
	switch (status) {
	case FTX_CAP_OK:		return "ok";
	case FTX_CAP_NOT_PERMITTED:	return "not permitted";
	case FTX_CAP_NOT_BUILT:		return "not built";
	case FTX_CAP_NOT_SUPPORTED:	return "not supported";
	}
	return "unknown";
}

char *ftx_cap_format(const struct ftx_cap *cap, char *buf, size_t size)
{
	snprintf(buf, size, "%-22s %-14s %s", cap->name, ftx_cap_status_name(cap->status),
		 cap->reason);
	ftx_strip(buf);
	return buf;
}

void ftx_json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int ftx_check_print_json(FILE *f, const struct ftx_check *chk)
{
	int i;

	fputs("{\"kernel\":", f);
	ftx_json_escape(f, chk->kernel);
	fputs(",\"machine\":", f);
	ftx_json_escape(f, chk->machine);
	fputs(",\"tracefs\":", f);
	ftx_json_escape(f, chk->tracefs);
	fputs(",\"capabilities\":[", f);
	for (i = 0; i < chk->nr; i++) {
		fprintf(f, "%s\n  {\"name\":", i ? "," : "");
		ftx_json_escape(f, chk->caps[i].name);
		fputs(",\"status\":", f);
		ftx_json_escape(f, ftx_cap_status_name(chk->caps[i].status));
		fputs(",\"reason\":", f);
		ftx_json_escape(f, chk->caps[i].reason);
		fputc('}', f);
	}
	fputs("\n]}\n", f);
	return ferror(f) ? -1 : 0;
}

int ftx_readme_has_fetcharg(const char *readme, const char *arg)
{
	const char *p, *line_end;

	if (!readme || !arg)
		return 0;
	/* Only the fetcharg part of the probe syntax counts, not prose. */
	for (p = strstr(readme, arg); p; p = strstr(p + 1, arg)) {
		const char *line = p;

		while (line > readme && line[-1] != '\n')
			line--;
		line_end = strchr(p, '\n');
		if (!line_end)
			line_end = p + strlen(p);
		if (memmem(line, line_end - line, "fetcharg", 8) ||
		    memmem(line, line_end - line, "probes support", 14) ||
		    memmem(line, line_end - line, "$stack", 6))
			return 1;
	}
	return 0;
}

static bool word_in_list(const char *list, const char *word);

enum ftx_tracer_place ftx_cap_tracer_place(const char *inst_list, const char *top_list,
					   const char *tracer)
{
	if (word_in_list(inst_list, tracer))
		return FTX_TRACER_IN_INSTANCE;
	if (word_in_list(top_list, tracer))
		return FTX_TRACER_TOP_ONLY;
	return FTX_TRACER_NOT_BUILT;
}

int ftx_cap_from_files(const char *top, const char *name, struct ftx_cap *cap)
{
	enum ftx_cap_status st = FTX_CAP_NOT_BUILT;
	struct ftx_features f;
	const char *why;

	if (ftx_features_probe(top, &f) < 0)
		return -1;
	if (!strcmp(name, "dynamic_events") && !f.dynamic_events) {
		why = "no dynamic_events (before 5.0, or no probe events built)";
	} else if ((!strcmp(name, "kprobe") || !strcmp(name, "kretprobe")) && !f.kprobe_events) {
		why = "no kprobe_events (CONFIG_KPROBE_EVENTS)";
	} else if ((!strcmp(name, "uprobe") || !strcmp(name, "uretprobe")) && !f.uprobe_events) {
		why = "no uprobe_events (CONFIG_UPROBE_EVENTS)";
	} else if (!strcmp(name, "eprobe") && !f.dynamic_events) {
		why = "no dynamic_events (eprobes need 5.15)";
	} else if (!strcmp(name, "fetcharg $argN") && !f.fetch_argn) {
		st = FTX_CAP_NOT_SUPPORTED;
		why = "tracefs README does not list $arg<N> (before 4.20, or no function-argument "
		      "access on this architecture)";
	} else if (!strcmp(name, "buffer_subbuf_size_kb") && !f.subbuf_size) {
		st = FTX_CAP_NOT_SUPPORTED;
		why = "no buffer_subbuf_size_kb (before 6.8): sub-buffers are one page";
	} else {
		return 0;
	}
	memset(cap, 0, sizeof(*cap));
	snprintf(cap->name, sizeof(cap->name), "%s", name);
	cap->status = st;
	snprintf(cap->reason, sizeof(cap->reason), "%s", why);
	return 1;
}

static struct ftx_cap *cap_add(struct probe_ctx *c, enum ftx_cap_status status, const char *name,
			       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct ftx_cap *cap_add(struct probe_ctx *c, enum ftx_cap_status status, const char *name,
			       const char *fmt, ...)
{
	struct ftx_cap *caps, *cap;
	va_list ap;

	if (c->stop)
		return NULL;
	caps = realloc(c->chk->caps, (c->chk->nr + 1) * sizeof(*caps));
	if (!caps) {
		c->stop = true;
		return NULL;
	}
	c->chk->caps = caps;
	cap = &caps[c->chk->nr++];
	memset(cap, 0, sizeof(*cap));
	snprintf(cap->name, sizeof(cap->name), "%s", name);
	cap->status = status;
	va_start(ap, fmt);
	vsnprintf(cap->reason, sizeof(cap->reason), fmt, ap);
	va_end(ap);
	if (c->fn && c->fn(cap, c->arg))
		c->stop = true;
	if (ftx_session_stop_requested())
		c->stop = true;
	return cap;
}

/* Status for a refused write: EPERM/EACCES are policy, the rest is "cannot". */
static enum ftx_cap_status status_of(int err)
{
	if (err == EPERM || err == EACCES)
		return FTX_CAP_NOT_PERMITTED;
	if (err == ENODEV || err == ENOSYS)
		return FTX_CAP_NOT_BUILT;
	return FTX_CAP_NOT_SUPPORTED;
}

static char *top_file_read(struct probe_ctx *c, const char *dir, const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return ftx_read_file(path, NULL);
}

static bool word_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; p && (p = strstr(p, word)); p += n) {
		bool start = p == list || p[-1] == ' ' || p[-1] == '\n' || p[-1] == '[';
		char e = p[n];

		if (start && (e == ' ' || e == '\n' || e == '\0' || e == ']'))
			return true;
	}
	return false;
}

/* A verdict the files decide (what an older kernel lacks): added, true. */
static bool decided(struct probe_ctx *c, const char *name)
{
	struct ftx_cap cap;

	if (ftx_cap_from_files(c->top, name, &cap) != 1)
		return false;
	cap_add(c, cap.status, cap.name, "%s", cap.reason);
	return true;
}

/* Write through the session; on failure fill @reason with the kernel's words. */
static int try_set(struct probe_ctx *c, const char *file, const char *value, char *reason,
		   size_t size, int *err)
{
	if (ftx_session_set(c->s, file, value) == 0)
		return 0;
	*err = errno;
	ftx_tracefs_reason(ftx_session_dir(c->s), value, *err, reason, size);
	return -1;
}

/*
 * Enabling a function tracer patches every traceable call site, which takes
 * minutes under emulation (qemu TCG on a board's image): filter on one
 * function first. Where the filter cannot be written (lockdown gives EPERM
 * on set_ftrace_filter) the tracer write will tell anyway.
 */
static void narrow_filter(struct probe_ctx *c, const char *tracer, bool top)
{
	static const char *const funcs[] = { "vfs_read", "ksys_read", "schedule" };
	size_t i;
	int ret;

	if (strcmp(tracer, "function") && strcmp(tracer, "function_graph"))
		return;
	for (i = 0; i < FTX_ARRAY_SIZE(funcs); i++) {
		ret = top ? ftx_session_set_top(c->s, "set_ftrace_filter", funcs[i]) :
			    ftx_session_set(c->s, "set_ftrace_filter", funcs[i]);
		if (ret == 0 || errno != EINVAL)
			return;
	}
}

static void probe_tracer(struct probe_ctx *c, const char *tracer, const char *inst_list,
			 const char *top_list)
{
	enum ftx_tracer_place place;
	char name[40], reason[256];
	int err;

	snprintf(name, sizeof(name), "tracer %s", tracer);
	if (!strcmp(tracer, "mmiotrace")) {
		cap_add(c, FTX_CAP_NOT_SUPPORTED, name,
			"not tried: enabling it takes all CPUs but one offline");
		return;
	}
	place = ftx_cap_tracer_place(inst_list, top_list, tracer);
	if (place == FTX_TRACER_NOT_BUILT) {
		cap_add(c, FTX_CAP_NOT_BUILT, name, "not in available_tracers");
		return;
	}
	if (place == FTX_TRACER_TOP_ONLY) {
		/* Tracers such as irqsoff, and function_graph before 6.x, refuse
		 * instances: try them at the top level (journaled, restored), but
		 * only while nobody is using it. */
		char *cur = top_file_read(c, c->top, "current_tracer");

		if (!cur || strcmp(ftx_strip(cur), "nop")) {
			cap_add(c, FTX_CAP_NOT_SUPPORTED, name, "top level only, which is in use "
				"(current_tracer=%s); not tried", cur ? cur : "?");
			free(cur);
			return;
		}
		free(cur);
		/* Setting any tracer allocates a top-level ring buffer that was
		 * never used ("7 (expanded: 1408)"), and nothing can give the
		 * memory back: a check must not leave the machine changed. */
		cur = top_file_read(c, c->top, "buffer_size_kb");
		if (cur && strstr(cur, "(expanded:")) {
			free(cur);
			/* function_graph rides on the same ftrace hooks as function */
			if (!strcmp(tracer, "function_graph") && c->function_status == FTX_CAP_OK)
				cap_add(c, FTX_CAP_OK, name, "top level only (instances refuse it); "
					"not set, as that would allocate the unused top-level "
					"ring buffer for good: the function tracer worked");
			else
				cap_add(c, FTX_CAP_NOT_SUPPORTED, name, "top level only; not tried: "
					"it would allocate the unused top-level ring buffer "
					"for good");
			return;
		}
		free(cur);
		narrow_filter(c, tracer, true);
		if (ftx_session_set_top(c->s, "current_tracer", tracer) < 0) {
			err = errno;
			ftx_tracefs_reason(c->top, tracer, err, reason, sizeof(reason));
			cap_add(c, status_of(err), name, "writing current_tracer: %s", reason);
			return;
		}
		ftx_session_set_top(c->s, "current_tracer", "nop");
		cap_add(c, FTX_CAP_OK, name, "top level only (instances refuse it)");
		return;
	}
	narrow_filter(c, tracer, false);
	if (try_set(c, "current_tracer", tracer, reason, sizeof(reason), &err) < 0) {
		if (!strcmp(tracer, "function"))
			c->function_status = status_of(err);
		cap_add(c, status_of(err), name, "writing current_tracer: %s", reason);
		return;
	}
	if (!strcmp(tracer, "function"))
		c->function_status = FTX_CAP_OK;
	cap_add(c, FTX_CAP_OK, name, "set in instance %s", ftx_session_name(c->s) ?
		ftx_session_name(c->s) : "(top level)");
	ftx_session_set(c->s, "current_tracer", "nop");
}

static void probe_tracers(struct probe_ctx *c)
{
	char *inst_list, *top_list, *tok, *save, *copy;
	int inst_err;

	inst_list = top_file_read(c, ftx_session_dir(c->s), "available_tracers");
	inst_err = errno;
	top_list = top_file_read(c, c->top, "available_tracers");
	/* instances without tracer files: every tracer is top level only */
	if (!inst_list && top_list && inst_err == ENOENT)
		inst_list = strdup("");
	if (!inst_list || !top_list) {
		cap_add(c, FTX_CAP_NOT_BUILT, "tracers", "no available_tracers: %s",
			strerror(errno));
		goto out;
	}
	probe_tracer(c, "function", inst_list, top_list);
	probe_tracer(c, "function_graph", inst_list, top_list);
	copy = strdup(top_list);
	for (tok = copy ? strtok_r(copy, " \n", &save) : NULL; tok && !c->stop;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (!strcmp(tok, "function") || !strcmp(tok, "function_graph") ||
		    !strcmp(tok, "nop"))
			continue;
		probe_tracer(c, tok, inst_list, top_list);
	}
	free(copy);
out:
	free(inst_list);
	free(top_list);
}

/*
 * Does the instance's trace file show @what? Read in pieces and at most
 * TRACE_LOOK_MAX bytes: where reading it does not pause the recording
 * (options/pause-on-trace off) the file goes on as long as events come, and
 * each read can make more (a traced check: every read a context switch).
 */
#define TRACE_LOOK_MAX	(4u << 20)

static bool trace_contains(struct probe_ctx *c, const char *what)
{
	size_t wl = strlen(what), keep = 0, total = 0;
	char path[512], buf[8192 + 256];
	bool found = false;
	int fd;

	if (!wl || wl > 256)
		return false;
	snprintf(path, sizeof(path), "%s/trace", ftx_session_dir(c->s));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (!found && total < TRACE_LOOK_MAX) {
		ssize_t n = read(fd, buf + keep, sizeof(buf) - keep);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
		n += keep;
		found = memmem(buf, n, what, wl) != NULL;
		/* the last wl - 1 bytes may begin a match the next piece ends */
		keep = (size_t)n < wl - 1 ? (size_t)n : wl - 1;
		memmove(buf, buf + n - keep, keep);
	}
	close(fd);
	return found;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void probe_tracepoints(struct probe_ctx *c)
{
	const char *sys = "sched", *ev = "sched_switch";
	char path[512], pattern[128];
	int i;

	snprintf(path, sizeof(path), "%s/events/sched/sched_switch", ftx_session_dir(c->s));
	if (access(path, F_OK) < 0) {
		sys = "syscalls";
		ev = "sys_enter_getpid";
		snprintf(path, sizeof(path), "%s/events", ftx_session_dir(c->s));
		if (access(path, F_OK) < 0) {
			cap_add(c, FTX_CAP_NOT_BUILT, "tracepoints", "no events directory");
			return;
		}
	}
	if (ftx_session_event_enable(c->s, sys, ev, NULL) < 0) {
		cap_add(c, status_of(errno), "tracepoints", "%s", ftx_error());
		return;
	}
	snprintf(pattern, sizeof(pattern), "%s:", ev);
	/* Enabled is not enough: make sure events reach the buffer. */
	for (i = 0; i < 50 && !ftx_session_stop_requested(); i++) {
		if (i)
			sleep_ms(10);
		getpid();
		sched_yield();
		if (trace_contains(c, pattern)) {
			cap_add(c, FTX_CAP_OK, "tracepoints", "%s:%s recorded", sys, ev);
			snprintf(path, sizeof(path), "events/%s/%s/enable", sys, ev);
			ftx_session_set(c->s, path, "0");
			return;
		}
	}
	cap_add(c, FTX_CAP_NOT_SUPPORTED, "tracepoints", "%s:%s enabled but nothing recorded",
		sys, ev);
}

/* Create a dynamic event; on failure, reason and status from the kernel. */
static int try_dynevent(struct probe_ctx *c, const char *def, char *reason, size_t size,
			enum ftx_cap_status *status)
{
	int err;

	if (ftx_session_dynevent_create(c->s, def) == 0)
		return 0;
	err = errno;
	ftx_tracefs_reason(c->top, def, err, reason, size);
	*status = status_of(err);
	/* No parser accepted the definition, and none explained why: the
	 * probe type is not built (the README lists eprobes regardless). */
	if (err == EINVAL && !strcmp(reason, strerror(EINVAL)))
		*status = FTX_CAP_NOT_BUILT;
	return -1;
}

static void probe_kprobes(struct probe_ctx *c)
{
	static const char *const syms[] = { "vfs_read", "ksys_read", "do_sys_openat2", "schedule" };
	enum ftx_cap_status st = FTX_CAP_NOT_SUPPORTED;
	char def[256], reason[256] = "";
	size_t i;

	if (decided(c, "kprobe")) {
		decided(c, "kretprobe");
		return;
	}
	for (i = 0; i < FTX_ARRAY_SIZE(syms); i++) {
		snprintf(def, sizeof(def), "p:%s/ftx_check_kprobe_%d %s", CHECK_GROUP,
			 (int)getpid(), syms[i]);
		if (try_dynevent(c, def, reason, sizeof(reason), &st) == 0) {
			c->kprobes = true;
			c->ksym = syms[i];
			break;
		}
		if (st == FTX_CAP_NOT_PERMITTED)
			break;
	}
	if (c->kprobes)
		cap_add(c, FTX_CAP_OK, "kprobe", "created on %s", c->ksym);
	else
		cap_add(c, st, "kprobe", "%s", reason);
	if (!c->kprobes) {
		cap_add(c, st, "kretprobe", "kprobes unavailable: %s", reason);
		return;
	}
	snprintf(def, sizeof(def), "r:%s/ftx_check_kretprobe_%d %s", CHECK_GROUP, (int)getpid(),
		 c->ksym);
	if (try_dynevent(c, def, reason, sizeof(reason), &st) == 0)
		cap_add(c, FTX_CAP_OK, "kretprobe", "created on %s", c->ksym);
	else
		cap_add(c, st, "kretprobe", "%s", reason);
}

/* Run @bin with no arguments and no output, signals at their defaults. */
static void run_binary(const char *bin)
{
	pid_t pid = fork();
	int status, fd;

	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
}

static void probe_uprobes(struct probe_ctx *c)
{
	static const char *const bins[] = { "/bin/true", "/usr/bin/true", "/bin/busybox" };
	enum ftx_cap_status st = FTX_CAP_NOT_SUPPORTED;
	char def[512], reason[256] = "", ev[64];
	size_t i;
	int n;

	if (decided(c, "uprobe")) {
		decided(c, "uretprobe");
		return;
	}
	for (i = 0; i < FTX_ARRAY_SIZE(bins); i++) {
		char real[256];

		if (!realpath(bins[i], real) || ftx_elf_entry_offset(real, &c->uoff) < 0)
			continue;
		snprintf(c->ubin, sizeof(c->ubin), "%s", bins[i]);
		break;
	}
	if (!c->ubin[0]) {
		n = readlink("/proc/self/exe", c->ubin, sizeof(c->ubin) - 1);
		if (n <= 0 || (c->ubin[n] = '\0', ftx_elf_entry_offset(c->ubin, &c->uoff) < 0)) {
			cap_add(c, FTX_CAP_NOT_SUPPORTED, "uprobe", "no ELF binary to probe: %s",
				ftx_error());
			c->ubin[0] = '\0';
			return;
		}
	}
	snprintf(def, sizeof(def), "p:%s/ftx_check_uprobe_%d %s:0x%llx", CHECK_GROUP,
		 (int)getpid(), c->ubin, c->uoff);
	if (try_dynevent(c, def, reason, sizeof(reason), &st) < 0) {
		cap_add(c, st, "uprobe", "%s", reason);
		cap_add(c, st, "uretprobe", "uprobes unavailable: %s", reason);
		return;
	}
	c->uprobes = true;
	/* Created is not enough either: hit it and look for the event. */
	snprintf(ev, sizeof(ev), "ftx_check_uprobe_%d", (int)getpid());
	if (ftx_session_event_enable(c->s, CHECK_GROUP, ev, NULL) < 0) {
		/* An odd entry point is Thumb code (32-bit ARM): the kernel's
		 * uprobes decode ARM instructions only and refuse to arm it. */
		if (errno == EINVAL && (c->uoff & 1))
			cap_add(c, FTX_CAP_NOT_SUPPORTED, "uprobe", "created, but enabling it "
				"gives EINVAL: %s+0x%llx is Thumb code, and uprobes on 32-bit "
				"ARM take ARM instructions only", c->ubin, c->uoff);
		else
			cap_add(c, status_of(errno), "uprobe", "created, cannot enable: %s",
				ftx_error());
	} else {
		run_binary(c->ubin);
		strcat(ev, ":");
		if (trace_contains(c, ev))
			cap_add(c, FTX_CAP_OK, "uprobe", "hit on %s+0x%llx (ELF entry)", c->ubin,
				c->uoff);
		else
			cap_add(c, FTX_CAP_NOT_SUPPORTED, "uprobe",
				"created on %s+0x%llx, but running it recorded nothing", c->ubin,
				c->uoff);
	}
	snprintf(def, sizeof(def), "r:%s/ftx_check_uretprobe_%d %s:0x%llx", CHECK_GROUP,
		 (int)getpid(), c->ubin, c->uoff);
	if (try_dynevent(c, def, reason, sizeof(reason), &st) == 0)
		cap_add(c, FTX_CAP_OK, "uretprobe", "created on %s+0x%llx", c->ubin, c->uoff);
	else
		cap_add(c, st, "uretprobe", "%s", reason);
}

static void probe_eprobe(struct probe_ctx *c)
{
	enum ftx_cap_status st = FTX_CAP_NOT_SUPPORTED;
	char def[256], reason[256];

	if (decided(c, "eprobe"))
		return;
	snprintf(def, sizeof(def), "e:%s/ftx_check_eprobe_%d sched.sched_switch", CHECK_GROUP,
		 (int)getpid());
	if (try_dynevent(c, def, reason, sizeof(reason), &st) == 0)
		cap_add(c, FTX_CAP_OK, "eprobe", "created on sched.sched_switch");
	else if (st == FTX_CAP_NOT_BUILT)
		cap_add(c, st, "eprobe", "'e:' definitions rejected without a reason "
			"(CONFIG_EPROBE_EVENTS)");
	else
		cap_add(c, st, "eprobe", "%s", reason);
}

static void probe_dynamic_events(struct probe_ctx *c)
{
	char path[512];

	if (decided(c, "dynamic_events"))
		return;
	snprintf(path, sizeof(path), "%s/dynamic_events", c->top);
	if (access(path, R_OK | W_OK) == 0)
		cap_add(c, FTX_CAP_OK, "dynamic_events", "one file for all probe types");
	else
		cap_add(c, status_of(errno), "dynamic_events", "%s", strerror(errno));
}

static void probe_fetcharg(struct probe_ctx *c)
{
	enum ftx_cap_status st = FTX_CAP_NOT_SUPPORTED;
	char def[512], reason[256];

	if (decided(c, "fetcharg $argN"))
		return;
	if (c->kprobes)
		snprintf(def, sizeof(def), "p:%s/ftx_check_arg_%d %s a=$arg1", CHECK_GROUP,
			 (int)getpid(), c->ksym);
	else if (c->uprobes)
		snprintf(def, sizeof(def), "p:%s/ftx_check_arg_%d %s:0x%llx a=$arg1",
			 CHECK_GROUP, (int)getpid(), c->ubin, c->uoff);
	else {
		cap_add(c, FTX_CAP_NOT_SUPPORTED, "fetcharg $argN",
			"listed in README, but no probe type to use it with");
		return;
	}
	if (try_dynevent(c, def, reason, sizeof(reason), &st) == 0)
		cap_add(c, FTX_CAP_OK, "fetcharg $argN", "accepted on a %s",
			c->kprobes ? "kprobe" : "uprobe");
	else
		cap_add(c, st == FTX_CAP_NOT_BUILT ? FTX_CAP_NOT_SUPPORTED : st, "fetcharg $argN",
			"%s%s", reason, c->kprobes ? "" : " (kprobes not available)");
}

static void probe_clocks(struct probe_ctx *c)
{
	char *list, *copy, *tok, *save, ok[256] = "", bad[256] = "", reason[256];
	size_t lo = 0, lb = 0;
	int err;

	list = top_file_read(c, ftx_session_dir(c->s), "trace_clock");
	if (!list) {
		cap_add(c, FTX_CAP_NOT_SUPPORTED, "trace clocks", "no trace_clock: %s",
			strerror(errno));
		return;
	}
	copy = strdup(list);
	for (tok = copy ? strtok_r(copy, " \n", &save) : NULL; tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		char clk[64];

		snprintf(clk, sizeof(clk), "%s", tok[0] == '[' ? tok + 1 : tok);
		clk[strcspn(clk, "]")] = '\0';
		if (try_set(c, "trace_clock", clk, reason, sizeof(reason), &err) == 0)
			lo += snprintf(ok + lo, lo < sizeof(ok) ? sizeof(ok) - lo : 0, "%s%s",
				       lo ? " " : "", clk);
		else
			lb += snprintf(bad + lb, lb < sizeof(bad) ? sizeof(bad) - lb : 0, "%s%s",
				       lb ? " " : "", clk);
	}
	free(copy);
	free(list);
	if (lo)
		cap_add(c, FTX_CAP_OK, "trace clocks", "%s%s%s", ok, lb ? "; refused: " : "", bad);
	else
		cap_add(c, FTX_CAP_NOT_PERMITTED, "trace clocks", "all refused: %s", bad);
}

static void probe_subbuf(struct probe_ctx *c)
{
	char *cur, reason[256], want[16];
	unsigned long long kb;
	int err;

	if (decided(c, "buffer_subbuf_size_kb"))
		return;
	cur = top_file_read(c, ftx_session_dir(c->s), "buffer_subbuf_size_kb");
	if (!cur) {
		cap_add(c, FTX_CAP_NOT_SUPPORTED, "buffer_subbuf_size_kb",
			"no buffer_subbuf_size_kb (before 6.8): sub-buffers are one page");
		return;
	}
	ftx_strip(cur);
	if (ftx_parse_uint(cur, &kb) < 0)
		kb = 4;
	free(cur);
	snprintf(want, sizeof(want), "%llu", kb == 8 ? 16ULL : 8ULL);
	if (try_set(c, "buffer_subbuf_size_kb", want, reason, sizeof(reason), &err) == 0)
		cap_add(c, FTX_CAP_OK, "buffer_subbuf_size_kb", "%llu KB, %s KB accepted", kb, want);
	else
		cap_add(c, status_of(err), "buffer_subbuf_size_kb", "%llu KB, cannot change: %s",
			kb, reason);
}

static void probe_lockdown(struct probe_ctx *c)
{
	const char *mode = ftx_lockdown_mode();

	if (!mode)
		cap_add(c, FTX_CAP_NOT_BUILT, "lockdown", "no lockdown LSM (no restrictions)");
	else if (!strcmp(mode, "none"))
		cap_add(c, FTX_CAP_OK, "lockdown", "none");
	else
		cap_add(c, FTX_CAP_NOT_PERMITTED, "lockdown",
			"lockdown=%s: function tracing, kprobes and kernel memory reads may be refused",
			mode);
}

static void probe_perf(struct probe_ctx *c)
{
	struct ftx_pmc_event ev;
	int level;

	/* ftx runs as root, which the setting does not restrict (but for
	 * Debian's level 3 without CAP_PERFMON): say what it means for users. */
	if (ftx_pmc_paranoid(&level) < 0)
		cap_add(c, FTX_CAP_NOT_BUILT, "perf_event_paranoid",
			"no /proc/sys/kernel/perf_event_paranoid (CONFIG_PERF_EVENTS)");
	else
		cap_add(c, FTX_CAP_OK, "perf_event_paranoid", "%d (%s)", level,
			level > 2 ? "users: no perf_event_open at all; root unaffected" :
			level == 2 ? "users: own processes, user space only; root unaffected" :
			level == 1 ? "users: own processes, user and kernel; root unaffected" :
			"users: all events");
	if (ftx_pmc_event_parse("cycles", &ev) == 0) {
		if (ftx_pmc_probe(&ev) == 0)
			cap_add(c, FTX_CAP_OK, "hardware PMU", "cycles counted");
		else
			cap_add(c, errno == ENOSYS ? FTX_CAP_NOT_BUILT : status_of(errno),
				"hardware PMU", "%s", ftx_error());
	}
	if (ftx_pmc_event_parse("cpu-clock", &ev) == 0) {
		if (ftx_pmc_probe(&ev) == 0)
			cap_add(c, FTX_CAP_OK, "software events", "cpu-clock counted");
		else
			cap_add(c, errno == ENOSYS ? FTX_CAP_NOT_BUILT : status_of(errno),
				"software events", "%s", ftx_error());
	}
}

void ftx_check_free(struct ftx_check *chk)
{
	if (!chk)
		return;
	free(chk->caps);
	chk->caps = NULL;
	chk->nr = 0;
}

int ftx_check_run(struct ftx_check *chk, ftx_check_fn fn, void *arg)
{
	struct probe_ctx c = { .chk = chk, .fn = fn, .arg = arg, .function_status = -1 };
	struct utsname u;
	int err;

	memset(chk, 0, sizeof(*chk));
	if (uname(&u) == 0) {
		snprintf(chk->kernel, sizeof(chk->kernel), "%s", u.release);
		snprintf(chk->machine, sizeof(chk->machine), "%s", u.machine);
	}
	c.top = ftx_tracefs_mount();
	if (!c.top)
		return -1;
	snprintf(chk->tracefs, sizeof(chk->tracefs), "%s", c.top);
	cap_add(&c, FTX_CAP_OK, "tracefs", "mounted at %s", c.top);

	c.s = ftx_session_create(0);
	if (c.s) {
		cap_add(&c, FTX_CAP_OK, "instances", "private instance %s", ftx_session_name(c.s));
	} else {
		err = errno;
		cap_add(&c, status_of(err), "instances", "%s", ftx_error());
		c.s = ftx_session_create(FTX_SESSION_TOP);
		if (!c.s)
			return -1;
	}
	if (!c.stop)
		probe_tracers(&c);
	if (!c.stop)
		probe_tracepoints(&c);
	if (!c.stop)
		probe_dynamic_events(&c);
	if (!c.stop)
		probe_kprobes(&c);
	if (!c.stop)
		probe_uprobes(&c);
	if (!c.stop)
		probe_eprobe(&c);
	if (!c.stop)
		probe_fetcharg(&c);
	if (!c.stop)
		probe_clocks(&c);
	if (!c.stop)
		probe_subbuf(&c);
	if (!c.stop)
		probe_lockdown(&c);
	if (!c.stop)
		probe_perf(&c);
	if (ftx_session_restore(c.s) < 0) {
		err = errno;
		ftx_error_prefix("check: ");
		ftx_session_destroy(c.s);
		errno = err;
		return -1;
	}
	ftx_session_destroy(c.s);
	if (c.stop) {
		errno = EINTR;
		ftx_error_set("interrupted");
		return -1;
	}
	return 0;
}
