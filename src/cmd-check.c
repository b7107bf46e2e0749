// SPDX-License-Identifier: GPL-2.0
/*
 * ftx check: what this kernel allows, decided by trying each capability in a
 * private instance and undoing it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "ftx/capability.h"
#include "ftx/error.h"
#include "ftx/session.h"
#include "ftx/util.h"

static const char check_usage[] =
	"usage: ftx check [--json]\n"
	"\n"
	"Mount tracefs if needed and try, one by one, what ftx can use on this kernel:\n"
	"tracers, tracepoints, instances, kprobes, uprobes, eprobes, dynamic events,\n"
	"$argN fetchargs, trace clocks, sub-buffer size, lockdown, perf_event_paranoid,\n"
	"hardware and software perf events. Each line says ok, not permitted, not built\n"
	"or not supported, with the kernel's reason. Everything tried is undone.\n"
	"\n"
	"  -j, --json     one JSON object for scripts (see ftx-check(1) for the schema)\n"
	"  -h, --help     this text\n";

static const struct option check_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct check_params {
	bool json;
	unsigned int pause_ms;	/* test hook: FTX_TEST_PAUSE_MS */
	bool reader_gone;	/* stdout gave EPIPE */
};

/* Pure: no I/O, no exit. Returns 0, or -1 with a reason in @err. */
int check_parse(int argc, char **argv, struct check_params *p, char *err, size_t size);

int check_parse(int argc, char **argv, struct check_params *p, char *err, size_t size)
{
	int c;

	memset(p, 0, sizeof(*p));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jh", check_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			p->json = true;
			break;
		case 'h':
			snprintf(err, size, "help");
			return 1;
		default:
			snprintf(err, size, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		snprintf(err, size, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

static void pause_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	/* EINTR on the stop signal ends the pause early. */
	nanosleep(&ts, NULL);
}

static int check_line(const struct ftx_cap *cap, void *arg)
{
	struct check_params *p = arg;
	char line[512];

	if (!p->json) {
		puts(ftx_cap_format(cap, line, sizeof(line)));
		/* SIGPIPE is ignored: a reader gone ('ftx check | head') is EPIPE here */
		if (fflush(stdout) != 0 && errno == EPIPE) {
			p->reader_gone = true;
			return -1;
		}
	}
	if (p->pause_ms)
		pause_ms(p->pause_ms);
	return 0;
}

static int check_run(int argc, char **argv)
{
	struct check_params p;
	struct ftx_check chk;
	unsigned long long v;
	const char *env;
	char err[256];
	int ret;

	ret = check_parse(argc, argv, &p, err, sizeof(err));
	if (ret > 0)
		return ftx_cmd_help(&ftx_cmd_check);
	if (ret < 0)
		return ftx_cmd_usage_error(&ftx_cmd_check, "%s", err);
	/* Test hook (documented in ftx-check(1)): pause after each capability so
	 * tests can interrupt a check while its changes are in place. */
	env = getenv("FTX_TEST_PAUSE_MS");
	if (env && ftx_parse_uint(env, &v) == 0 && v < 60000)
		p.pause_ms = v;
	if (ftx_session_catch_signals(NULL) < 0) {
		ftx_cmd_err("%s", ftx_error());
		return FTX_EXIT_FAIL;
	}
	if (!p.json) {
		struct ftx_cap k = { .name = "kernel", .status = FTX_CAP_OK };
		char line[512];

		{
			FILE *f = fopen("/proc/sys/kernel/osrelease", "r");

			if (f) {
				if (fgets(k.reason, sizeof(k.reason), f))
					ftx_strip(k.reason);
				fclose(f);
			}
		}
		puts(ftx_cap_format(&k, line, sizeof(line)));
		fflush(stdout);
	}
	ret = ftx_check_run(&chk, check_line, &p);
	if (ret < 0) {
		if (errno == EINTR && p.reader_gone)
			errno = EPIPE;	/* the reader went away ('ftx check | head'): quiet */
		else if (errno == EINTR && ftx_session_stop_requested())
			ftx_cmd_err("interrupted by SIG%s; tracefs restored",
				    sigabbrev_np(ftx_session_stop_signal()));
		else
			ftx_cmd_err("%s", ftx_error());
		ftx_check_free(&chk);
		return FTX_EXIT_FAIL;
	}
	if (p.json && ftx_check_print_json(stdout, &chk) < 0)
		ret = -1;
	ftx_check_free(&chk);
	return ret < 0 ? FTX_EXIT_FAIL : FTX_EXIT_OK;
}

const struct ftx_cmd ftx_cmd_check = {
	.name = "check",
	.summary = "show what this kernel allows (tracers, probes, clocks, PMU), by trying",
	.usage = check_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = check_run,
};
