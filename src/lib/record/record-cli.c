// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/record-cli.h"
#include "ftx/util.h"

static int bad(const char *fmt, const char *arg)
{
	errno = EINVAL;
	ftx_error_set(fmt, arg);
	return -1;
}

int ftx_record_cli_opt(struct ftx_record_cli *cli, int opt, char *arg)
{
	unsigned long long v;

	switch (opt) {
	case 'e':
		if (cli->nr_events == FTX_RECORD_MAX_EVENTS)
			return bad("too many -e (at most %s)", "256");
		if (ftx_record_event_parse(arg, &cli->events[cli->nr_events]) < 0)
			return -1;
		cli->nr_events++;
		return 1;
	case 'f':
		if (!cli->nr_events)
			return bad("-f must follow the -e it filters%s", "");
		if (cli->events[cli->nr_events - 1].filter)
			return bad("only one -f per -e%s", "");
		cli->events[cli->nr_events - 1].filter = arg;
		return 1;
	case 'b':
		if (ftx_parse_uint(arg, &v) < 0 || v == 0 || v > (1ull << 30))
			return bad("bad buffer size '%s' (KB per CPU)", arg);
		cli->buffer_kb = v;
		return 1;
	case 'C':
		if (!*arg || strpbrk(arg, " \t\n[]"))
			return bad("bad clock '%s'", arg);
		cli->clock = arg;
		return 1;
	case 'P':
		return ftx_record_pids_parse(arg, cli->pids, &cli->nr_pids,
					     FTX_RECORD_MAX_PIDS) < 0 ? -1 : 1;
	case 'F':
		cli->only_command = true;
		return 1;
	case 'c':
		cli->children = true;
		return 1;
	case 'M':
		if (!ftx_cpumask_valid(arg))
			return bad("bad cpumask '%s' (hex, e.g. 3 or ff,ffffffff)", arg);
		cli->cpumask = arg;
		return 1;
	case 'q':
		cli->quiet = true;
		return 1;
	case FTX_RECORD_CLI_OPT_PROBE:
		if (!*arg)
			return bad("empty --probe%s", "");
		if (cli->nr_probes == FTX_RECORD_MAX_PROBES)
			return bad("too many --probe (at most %s)", "32");
		cli->probes[cli->nr_probes++] = arg;
		return 1;
	case FTX_RECORD_CLI_OPT_PMC:
		if (!*arg || *arg == '@')
			return bad("--pmc needs events: EVENTS[@MS]%s", "");
		cli->pmc = arg;
		return 1;
	}
	return 0;
}

int ftx_record_cli_add_event(void *arg, const char *system, const char *event)
{
	struct ftx_record_cli *cli = arg;
	struct ftx_record_event *ev;

	if (cli->nr_events == FTX_RECORD_MAX_EVENTS) {
		errno = E2BIG;
		ftx_error_set("too many events (at most %d)", FTX_RECORD_MAX_EVENTS);
		return -1;
	}
	ev = &cli->events[cli->nr_events++];
	memset(ev, 0, sizeof(*ev));
	ev->system = system;
	ev->event = event;
	return 0;
}

bool ftx_record_cli_matches(void *arg, const char *system, const char *event)
{
	const struct ftx_record_cli *cli = arg;
	size_t i;

	for (i = 0; i < cli->nr_events; i++) {
		const struct ftx_record_event *e = &cli->events[i];
		const char *sys = e->system && strcmp(e->system, "all") ? e->system : NULL;

		if (e->either) {
			if (!fnmatch(sys, system, 0) || !fnmatch(sys, event, 0))
				return true;
			continue;
		}
		if ((!sys || !fnmatch(sys, system, 0)) && (!e->event || !fnmatch(e->event, event, 0)))
			return true;
	}
	return false;
}

int ftx_record_cli_check(const struct ftx_record_cli *cli, bool has_command)
{
	if (cli->only_command && !has_command)
		return bad("-F needs a command%s", "");
	if (cli->only_command && cli->nr_pids)
		return bad("-F and -P cannot be combined%s", "");
	if (cli->children && !cli->only_command && !cli->nr_pids)
		return bad("-c needs -F or -P%s", "");
	return 0;
}

void ftx_record_cli_apply(const struct ftx_record_cli *cli, struct ftx_recorder_opts *o)
{
	o->events = cli->events;
	o->nr_events = cli->nr_events;
	o->buffer_kb = cli->buffer_kb;
	o->clock = cli->clock;
	o->cpumask = cli->cpumask;
	o->pids = cli->pids;
	o->nr_pids = cli->nr_pids;
	o->follow_fork = cli->children;
}
