// SPDX-License-Identifier: GPL-2.0
/*
 * ftx stat: count events as perf stat does and print them as perf stat 6.1
 * prints them (text, -x CSV, -j JSON), for a command (counting from its
 * exec, children included, its exit status passed through), for processes
 * or threads, or for CPUs, until the command exits or Ctrl-C.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/pmc.h"
#include "ftx/recorder.h"
#include "ftx/stat.h"
#include "ftx/util.h"

static const char stat_usage[] =
	"usage: ftx stat [options] [--] [command [args...]]\n"
	"\n"
	"Count events (hardware, software, cache, raw, PMU and tracepoint) and print\n"
	"them as perf stat does. With a command, counting starts at its exec and follows\n"
	"its children; ftx exits with its exit status. Without one, counts -a/-C/-p/-t\n"
	"until Ctrl-C.\n"
	"\n"
	"  -e, --event EVENTS          events, comma-separated (perf's syntax: cycles:u,\n"
	"                              {cycles,instructions}, r11, PMU/event=0x11/,\n"
	"                              cpu_cycles, sched:sched_switch); repeatable;\n"
	"                              default: perf stat's set\n"
	"  -a, --all-cpus              every task on every CPU\n"
	"  -C, --cpu CPUS              every task on these CPUs (0-3,6)\n"
	"  -p, --pid PID[,PID...]      these processes (all their threads)\n"
	"  -t, --tid TID[,TID...]      these threads\n"
	"  -I, --interval-print MS     print the counts every MS milliseconds\n"
	"  -r, --repeat N              run the command N times: mean and ( +- x.xx% )\n"
	"  -x, --field-separator SEP   CSV: value,unit,event,run time,%running,metric,unit\n"
	"  -j, --json-output           one JSON object per counter\n"
	"  -A, --no-aggr               a line per CPU (with -a or -C)\n"
	"      --per-core              a line per core (with -a or -C)\n"
	"  -o, --output FILE           write the counts to FILE (default: standard error)\n"
	"  -h, --help                  this text\n";

#define MAX_EVENT_ARGS	64
#define MAX_TIDS	4096

struct stat_params {
	const char *events[MAX_EVENT_ARGS];
	int nr_events;
	bool all_cpus;
	const char *cpus;
	const char *pids;
	const char *tids;
	unsigned long interval_ms;
	unsigned long repeat;
	const char *sep;
	bool json;
	enum ftx_stat_aggr aggr;
	const char *output;
	char **command;
	char err[256];
};

enum {
	OPT_PER_CORE = 256,
};

static const struct option stat_long_opts[] = {
	{ "event",		required_argument,	NULL, 'e' },
	{ "all-cpus",		no_argument,		NULL, 'a' },
	{ "cpu",		required_argument,	NULL, 'C' },
	{ "pid",		required_argument,	NULL, 'p' },
	{ "tid",		required_argument,	NULL, 't' },
	{ "interval-print",	required_argument,	NULL, 'I' },
	{ "repeat",		required_argument,	NULL, 'r' },
	{ "field-separator",	required_argument,	NULL, 'x' },
	{ "json-output",	no_argument,		NULL, 'j' },
	{ "no-aggr",		no_argument,		NULL, 'A' },
	{ "per-core",		no_argument,		NULL, OPT_PER_CORE },
	{ "output",		required_argument,	NULL, 'o' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

static bool id_list(const char *s)
{
	return *s && strspn(s, "0123456789,") == strlen(s) && s[0] != ',' &&
	       s[strlen(s) - 1] != ',' && !strstr(s, ",,");
}

/*
 * stat_parse - the pure option parser: fills @p from argv (borrowed).
 * Returns 0, 1 for --help, or -1 with the reason in @p->err.
 */
static int stat_parse(int argc, char **argv, struct stat_params *p)
{
	unsigned long long v;
	int c, targets;

	memset(p, 0, sizeof(*p));
	p->repeat = 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:e:aC:p:t:I:r:x:jAo:h", stat_long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'e':
			if (p->nr_events == MAX_EVENT_ARGS) {
				snprintf(p->err, sizeof(p->err), "too many -e options");
				return -1;
			}
			p->events[p->nr_events++] = optarg;
			break;
		case 'a':
			p->all_cpus = true;
			break;
		case 'C':
			if (!*optarg || strspn(optarg, "0123456789,-") != strlen(optarg)) {
				snprintf(p->err, sizeof(p->err), "bad CPU list '%s'", optarg);
				return -1;
			}
			p->cpus = optarg;
			break;
		case 'p':
		case 't':
			if (!id_list(optarg)) {
				snprintf(p->err, sizeof(p->err), "bad %s list '%s'",
					 c == 'p' ? "pid" : "tid", optarg);
				return -1;
			}
			if (c == 'p')
				p->pids = optarg;
			else
				p->tids = optarg;
			break;
		case 'I':
			if (ftx_parse_uint(optarg, &v) < 0 || v < 10 || v > 3600000) {
				snprintf(p->err, sizeof(p->err), "bad interval '%s' (10 ms or more)",
					 optarg);
				return -1;
			}
			p->interval_ms = v;
			break;
		case 'r':
			if (ftx_parse_uint(optarg, &v) < 0 || v < 1 || v > 100000) {
				snprintf(p->err, sizeof(p->err), "bad repeat count '%s'", optarg);
				return -1;
			}
			p->repeat = v;
			break;
		case 'x':
			if (!*optarg) {
				snprintf(p->err, sizeof(p->err), "empty field separator");
				return -1;
			}
			p->sep = optarg;
			break;
		case 'j':
			p->json = true;
			break;
		case 'A':
			p->aggr = FTX_STAT_AGGR_NONE;
			break;
		case OPT_PER_CORE:
			p->aggr = FTX_STAT_AGGR_CORE;
			break;
		case 'o':
			if (!*optarg) {
				snprintf(p->err, sizeof(p->err), "empty output file name");
				return -1;
			}
			p->output = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			snprintf(p->err, sizeof(p->err), "option '%s' needs an argument",
				 argv[optind - 1]);
			return -1;
		default:
			snprintf(p->err, sizeof(p->err), "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		p->command = &argv[optind];
	targets = (p->all_cpus || p->cpus) + !!p->pids + !!p->tids;
	if (targets > 1) {
		snprintf(p->err, sizeof(p->err), "give one of -a/-C, -p and -t");
		return -1;
	}
	if (!p->command && !targets) {
		snprintf(p->err, sizeof(p->err), "nothing to count: give a command, -a, -C, -p or -t");
		return -1;
	}
	if (p->command && (p->pids || p->tids)) {
		snprintf(p->err, sizeof(p->err), "-p and -t count running tasks: no command with them");
		return -1;
	}
	if (p->aggr != FTX_STAT_AGGR_GLOBAL && !p->all_cpus && !p->cpus) {
		snprintf(p->err, sizeof(p->err), "-A and --per-core count per CPU: give -a or -C");
		return -1;
	}
	if (p->sep && p->json) {
		snprintf(p->err, sizeof(p->err), "-x and -j do not go together");
		return -1;
	}
	if (p->repeat > 1 && !p->command) {
		snprintf(p->err, sizeof(p->err), "-r repeats a command: give one");
		return -1;
	}
	if (p->repeat > 1 && p->interval_ms) {
		snprintf(p->err, sizeof(p->err), "-r and -I do not go together");
		return -1;
	}
	return 0;
}

/* The threads of processes "PID,PID" (from /proc/PID/task), or the tids themselves. */
static int collect_tids(const char *list, bool processes, pid_t *tids, int max)
{
	char *copy = strdup(list), *tok, *save = NULL, path[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		snprintf(path, sizeof(path), "/proc/%s/task", tok);
		dir = opendir(path);
		if (!dir) {
			ftx_cmd_err("no such %s %s", processes ? "process" : "thread", tok);
			free(copy);
			return -1;
		}
		if (!processes) {
			closedir(dir);
			if (n < max)
				tids[n++] = atoi(tok);
			continue;
		}
		while ((d = readdir(dir)))
			if (d->d_name[0] != '.' && n < max)
				tids[n++] = atoi(d->d_name);
		closedir(dir);
	}
	free(copy);
	return n;
}

static bool tasks_alive(const pid_t *tids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (kill(tids[i], 0) == 0 || errno == EPERM)
			return true;
	return false;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* "'ls -l'", "'system wide'", "'CPU(s) 0-1'", "process id '42'": perf's header words */
static char *target_text(const struct stat_params *p)
{
	size_t len = 16;
	char *s;
	int i;

	if (p->command)
		for (i = 0; p->command[i]; i++)
			len += strlen(p->command[i]) + 1;
	len += p->cpus ? strlen(p->cpus) : 0;
	len += p->pids ? strlen(p->pids) : p->tids ? strlen(p->tids) : 0;
	s = malloc(len + 16);
	if (!s)
		return NULL;
	if (p->all_cpus) {
		strcpy(s, "'system wide'");
	} else if (p->cpus) {
		sprintf(s, "'CPU(s) %s'", p->cpus);
	} else if (p->command) {
		strcpy(s, "'");
		for (i = 0; p->command[i]; i++) {
			if (i)
				strcat(s, " ");
			strcat(s, p->command[i]);
		}
		strcat(s, "'");
	} else if (p->pids) {
		sprintf(s, "process id '%s'", p->pids);
	} else {
		sprintf(s, "thread id '%s'", p->tids);
	}
	return s;
}

static char *online_cpus(void)
{
	char *s = ftx_read_file("/sys/devices/system/cpu/online", NULL);

	if (s)
		ftx_strip(s);
	return s;
}

struct stat_run {
	struct stat_params *p;
	struct ftx_stat *st;
	struct ftx_stat_style_opts style;
	FILE *out;
	double start_ns;
	int interval_nr;
	bool multiplexed, not_counted;
};

static int print_interval(struct stat_run *sr)
{
	struct ftx_stat_result r;
	double t = now_ns() - sr->start_ns;

	if (ftx_stat_interval(sr->st, &r) < 0)
		return -1;
	r.interval = true;
	r.ts.tv_sec = (time_t)(t / 1e9);
	r.ts.tv_nsec = (long)(t - r.ts.tv_sec * 1e9);
	r.interval_nr = sr->interval_nr++;
	ftx_stat_runs_add(&r.wall, sr->p->interval_ms * 1e6);
	return ftx_stat_print(&r, &sr->style, sr->out);
}

/*
 * Wait for the command (@child) or, without one, for a signal or the end of
 * the counted tasks; print an interval every -I. Returns the command's wait
 * status (or 0), -1 on error. *@ru gets the command's resource usage.
 */
static int wait_run(struct stat_run *sr, struct ftx_child *child, const pid_t *tids, int nr_tids,
		    const sigset_t *set)
{
	unsigned long step = sr->p->interval_ms ? sr->p->interval_ms : child ? 1000 : 200;
	double next = sr->start_ns + step * 1e6;
	bool forwarded = false;
	int status = 0;

	for (;;) {
		struct timespec to;
		double left = next - now_ns();
		int sig;

		if (left < 0)
			left = 0;
		to.tv_sec = (time_t)(left / 1e9);
		to.tv_nsec = (long)(left - to.tv_sec * 1e9);
		sig = sigtimedwait(set, NULL, &to);
		if (sig < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (child && (sig == SIGCHLD || sig < 0) && ftx_child_poll(child, &status) == 1)
			return status;
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			if (!child)
				return 0;
			/* the command decides: pass it on once, keep waiting */
			if (!forwarded)
				kill(child->pid, sig);
			forwarded = true;
			continue;
		}
		if (sig < 0 && errno == EAGAIN) {
			if (sr->p->interval_ms && print_interval(sr) < 0)
				return -1;
			next += step * 1e6;
			if (!child && nr_tids && !tasks_alive(tids, nr_tids))
				return 0;
		}
	}
}

static void note_counts(struct stat_run *sr, const struct ftx_stat_result *r)
{
	int i, s;

	for (i = 0; i < r->nr_counters; i++) {
		const struct ftx_stat_counter *c = &r->counters[i];

		if (!c->supported)
			continue;
		for (s = 0; s < r->nr_slots; s++) {
			if (!c->counts[s].run)
				sr->not_counted = true;
			else if (c->counts[s].run < c->counts[s].ena)
				sr->multiplexed = true;
		}
	}
}

/* What perf leaves unsaid: no PMU at all, the NMI watchdog's counter. */
static void explain(struct stat_run *sr, const struct ftx_stat_result *r)
{
	char names[512] = "";
	size_t len = 0;
	int i, wd = 0;
	char *s;

	for (i = 0; i < r->nr_counters; i++) {
		const struct ftx_pmc_event *ev = r->counters[i].ev;

		if (r->counters[i].supported || (ev->type != 0 && ev->type != 3 && ev->type != 4))
			continue;
		if (len < sizeof(names) - 64)
			len += snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "",
					ev->name);
	}
	if (len && !ftx_pmc_have_hw_pmu(NULL))
		ftx_cmd_err("%s: not supported: no hardware PMU (this looks like a virtual machine "
			    "without a virtual PMU)", names);
	note_counts(sr, r);
	s = ftx_read_file("/proc/sys/kernel/nmi_watchdog", NULL);
	if (s)
		wd = atoi(s);
	free(s);
	if (wd && (sr->multiplexed || sr->not_counted))
		ftx_cmd_err("the NMI watchdog holds a hardware counter (kernel.nmi_watchdog=1), so "
			    "events were %s; 'sysctl kernel.nmi_watchdog=0' frees it",
			    sr->multiplexed ? "multiplexed" : "not counted");
}

static int stat_run(int argc, char **argv)
{
	struct ftx_pmc_env env = { 0 };
	struct ftx_pmc_event *evs = NULL;
	struct stat_params p;
	struct stat_run sr = { .p = &p };
	struct ftx_stat_opts so = { 0 };
	struct ftx_stat_result r;
	struct rusage ru0, ru1;
	sigset_t set, old;
	pid_t *tids = NULL;
	char *cpus = NULL, *target = NULL;
	int nr = 0, nr_tids = 0, ret = FTX_EXIT_FAIL, status = 0, pr, i;
	unsigned long run;
	bool blocked = false;
	struct stat stt;

	pr = stat_parse(argc, argv, &p);
	if (pr > 0)
		return ftx_cmd_help(&ftx_cmd_stat);
	if (pr < 0)
		return ftx_cmd_usage_error(&ftx_cmd_stat, "%s", p.err);

	/* apply: events, target, output */
	if (stat("/sys/kernel/tracing/events", &stt) == 0)
		env.tracefs = "/sys/kernel/tracing";
	else if (stat("/sys/kernel/debug/tracing/events", &stt) == 0)
		env.tracefs = "/sys/kernel/debug/tracing";
	for (i = 0; i < p.nr_events; i++) {
		if (ftx_pmc_events_parse(p.events[i], &env, &evs, &nr) < 0) {
			ftx_cmd_err("%s", ftx_error());
			ret = FTX_EXIT_USAGE;
			goto out;
		}
	}
	if (!p.nr_events && ftx_pmc_events_default(p.all_cpus || p.cpus, &env, &evs, &nr) < 0) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	if (p.all_cpus)
		cpus = online_cpus();
	else if (p.cpus)
		cpus = strdup(p.cpus);
	if ((p.all_cpus || p.cpus) && !cpus) {
		ftx_cmd_err("cannot read the online CPUs");
		goto out;
	}
	if (p.pids || p.tids) {
		tids = calloc(MAX_TIDS, sizeof(*tids));
		if (!tids)
			goto out;
		nr_tids = collect_tids(p.pids ? p.pids : p.tids, p.pids != NULL, tids, MAX_TIDS);
		if (nr_tids <= 0)
			goto out;
	}
	so.evs = evs;
	so.nr = nr;
	so.aggr = p.aggr;
	so.cpus = cpus;
	sr.st = ftx_stat_create(&so);
	if (!sr.st) {
		ftx_cmd_err("%s", ftx_error());
		goto out;
	}
	sr.style.style = p.json ? FTX_STAT_JSON : p.sep ? FTX_STAT_CSV : FTX_STAT_TEXT;
	sr.style.sep = p.sep;
	sr.out = stderr;
	if (p.output) {
		sr.out = fopen(p.output, "w");
		if (!sr.out) {
			ftx_cmd_err("cannot write %s: %s", p.output, strerror(errno));
			goto out;
		}
	}
	target = target_text(&p);
	if (!target)
		goto out;

	/* run: signals are taken synchronously (sigtimedwait) so none is lost */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	blocked = true;
	for (run = 0; run < p.repeat; run++) {
		struct ftx_child child = { .pid = -1, .sync_fd = -1, .err_fd = -1 };
		double t1;

		getrusage(RUSAGE_CHILDREN, &ru0);
		if (p.command && ftx_child_spawn(&child, p.command) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
		if (p.command && !cpus ? ftx_stat_open(sr.st, &child.pid, 1, true) :
		    ftx_stat_open(sr.st, tids, nr_tids, false)) {
			ftx_cmd_err("%s", ftx_error());
			ftx_child_abandon(&child);
			goto out;
		}
		if ((cpus || !p.command) && ftx_stat_enable(sr.st) < 0) {
			ftx_cmd_err("%s", ftx_error());
			ftx_child_abandon(&child);
			goto out;
		}
		sr.start_ns = now_ns();
		sr.interval_nr = 0;
		if (p.command && ftx_child_release(&child, p.command[0]) < 0) {
			ftx_cmd_err("%s", ftx_error());
			ret = errno == ENOENT ? 127 : 126;
			goto out;
		}
		status = wait_run(&sr, p.command ? &child : NULL, tids, nr_tids, &set);
		/* the last, partial interval, as perf prints it */
		if (status >= 0 && p.interval_ms && print_interval(&sr) < 0)
			status = -1;
		t1 = now_ns();
		if (status < 0) {
			ftx_cmd_err("waiting: %s", strerror(errno));
			ftx_child_abandon(&child);
			goto out;
		}
		if (ftx_stat_finish(sr.st, t1 - sr.start_ns) < 0) {
			ftx_cmd_err("%s", ftx_error());
			goto out;
		}
		getrusage(RUSAGE_CHILDREN, &ru1);
		if (p.command && WIFSIGNALED(status)) {
			ftx_cmd_err("%s: %s", p.command[0], strsignal(WTERMSIG(status)));
			break;
		}
	}

	ftx_stat_total(sr.st, &r);
	r.target = target;
	r.show_rusage = p.repeat == 1 && p.command && !cpus;
	r.user_s = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
		   (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6;
	r.sys_s = (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
		  (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	if (!p.interval_ms && ftx_stat_print(&r, &sr.style, sr.out) < 0) {
		ftx_cmd_err("error writing the counts: %s", strerror(errno));
		goto out;
	}
	explain(&sr, &r);
	if (!p.command)
		ret = FTX_EXIT_OK;
	else if (WIFEXITED(status))
		ret = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		ret = 128 + WTERMSIG(status);
	else
		ret = FTX_EXIT_OK;
out:
	if (blocked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (sr.out && sr.out != stderr && fclose(sr.out) != 0 && ret == FTX_EXIT_OK) {
		ftx_cmd_err("cannot write %s: %s", p.output, strerror(errno));
		ret = FTX_EXIT_FAIL;
	}
	ftx_stat_destroy(sr.st);
	free(evs);
	free(cpus);
	free(tids);
	free(target);
	return ret;
}

const struct ftx_cmd ftx_cmd_stat = {
	.name = "stat",
	.summary = "count events (PMU, software, tracepoints) as perf stat does",
	.usage = stat_usage,
	.run = stat_run,
};
