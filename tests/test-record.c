// SPDX-License-Identifier: GPL-2.0
/*
 * ftx record and ftx stream: the pure option parsers, tested by including
 * the command files (their parsers are static), the -e argument parser of
 * the recorder and stream's merge order.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>

#include <event-parse.h>

#include "../src/cmd-record.c"
#include "../src/cmd-stream.c"
#include "../src/lib/record/recorder-local.h"
#include "ftx/tracedat.h"

/* The dispatcher's helpers live in src/ftx.c, which is not in the test binary. */
__attribute__((weak)) void ftx_cmd_err(const char *fmt, ...)
{
}

__attribute__((weak)) int ftx_cmd_usage_error(const struct ftx_cmd *cmd, const char *fmt, ...)
{
	return FTX_EXIT_USAGE;
}

__attribute__((weak)) int ftx_cmd_help(const struct ftx_cmd *cmd)
{
	return FTX_EXIT_OK;
}

__attribute__((weak)) void ftx_cmd_recorder_summary(struct ftx_recorder *r, bool quiet,
						    bool cpu_time)
{
}

/* argv from a string, as the shell would split it (no quoting) */
static int split(char *line, char **argv, int max)
{
	int argc = 0;

	for (char *t = strtok(line, " "); t && argc < max - 1; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return argc;
}

static int parse(const char *cmdline, struct record_params *p)
{
	static char buf[512];
	static char *argv[64];
	int argc;

	snprintf(buf, sizeof(buf), "%s", cmdline);
	argc = split(buf, argv, 64);
	return record_parse(argc, argv, p);
}

START_TEST(test_event_parse)
{
	struct ftx_record_event ev;
	char a[] = "sched:sched_switch", b[] = "irq", c[] = "all", d[] = "syscalls/sys_enter_*";
	char e1[] = ":x", e2[] = "sched:", e3[] = "a:b:c", e4[] = "";

	ck_assert_int_eq(ftx_record_event_parse(a, &ev), 0);
	ck_assert_str_eq(ev.system, "sched");
	ck_assert_str_eq(ev.event, "sched_switch");
	ck_assert(!ev.either);
	ck_assert_int_eq(ftx_record_event_parse(b, &ev), 0);
	ck_assert_str_eq(ev.system, "irq");
	ck_assert_ptr_null(ev.event);
	ck_assert(ev.either);
	ck_assert_int_eq(ftx_record_event_parse(c, &ev), 0);
	ck_assert_ptr_null(ev.system);
	ck_assert_ptr_null(ev.event);
	ck_assert_int_eq(ftx_record_event_parse(d, &ev), 0);
	ck_assert_str_eq(ev.system, "syscalls");
	ck_assert_str_eq(ev.event, "sys_enter_*");
	ck_assert_int_eq(ftx_record_event_parse(e1, &ev), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ftx_record_event_parse(e2, &ev), -1);
	ck_assert_int_eq(ftx_record_event_parse(e3, &ev), -1);
	ck_assert_int_eq(ftx_record_event_parse(e4, &ev), -1);
}
END_TEST

START_TEST(test_parse_full)
{
	struct record_params p;

	ck_assert_int_eq(parse("record -e sched:sched_switch -f prev_pid>0 -e irq -o out.dat "
			       "-b 4096 -C mono -M 3 -q -- cat /etc/hostname", &p), 0);
	ck_assert_uint_eq(p.cli.nr_events, 2);
	ck_assert_str_eq(p.cli.events[0].system, "sched");
	ck_assert_str_eq(p.cli.events[0].filter, "prev_pid>0");
	ck_assert_ptr_null(p.cli.events[1].filter);
	ck_assert_str_eq(p.output, "out.dat");
	ck_assert_uint_eq(p.cli.buffer_kb, 4096);
	ck_assert_str_eq(p.cli.clock, "mono");
	ck_assert_str_eq(p.cli.cpumask, "3");
	ck_assert(p.cli.quiet);
	ck_assert_ptr_nonnull(p.command);
	ck_assert_str_eq(p.command[0], "cat");
	ck_assert_str_eq(p.command[1], "/etc/hostname");
	ck_assert_ptr_null(p.command[2]);
}
END_TEST

START_TEST(test_parse_defaults_and_command_options)
{
	struct record_params p;

	ck_assert_int_eq(parse("record -e sched", &p), 0);
	ck_assert_str_eq(p.output, "trace.dat");
	ck_assert_ptr_null(p.command);
	ck_assert_uint_eq(p.cli.buffer_kb, 0);
	/* options after the command belong to the command */
	ck_assert_int_eq(parse("record -e sched -F ls -l -e", &p), 0);
	ck_assert(p.cli.only_command);
	ck_assert_str_eq(p.command[0], "ls");
	ck_assert_str_eq(p.command[1], "-l");
	ck_assert_int_eq(parse("record --event=sched --only-command --children sleep 1", &p), 0);
	ck_assert(p.cli.only_command && p.cli.children);
	ck_assert_int_eq(parse("record -e sched -P 12,34 -P 56 -c", &p), 0);
	ck_assert_uint_eq(p.cli.nr_pids, 3);
	ck_assert_int_eq(p.cli.pids[0], 12);
	ck_assert_int_eq(p.cli.pids[2], 56);
	ck_assert_int_eq(parse("record -e sched --threads 4", &p), 0);
	ck_assert_uint_eq(p.threads, 4);
	/* trace-cmd's -m (KB per CPU), -a (every format), -k (keep) */
	ck_assert_int_eq(parse("record -e sched", &p), 0);
	ck_assert(!p.max_kb && !p.all_formats && !p.keep);
	ck_assert_int_eq(parse("record -m 1024 -a -k -e sched", &p), 0);
	ck_assert_uint_eq(p.max_kb, 1024);
	ck_assert(p.all_formats && p.keep);
	ck_assert_int_eq(parse("record -h", &p), 1);
}
END_TEST

START_TEST(test_parse_tracers)
{
	struct record_params p;

	/* trace-cmd's shorthands: -g means function_graph, -l the function tracer */
	ck_assert_int_eq(parse("record -g do_sys_openat2 -O funcgraph-proc ls", &p), 0);
	ck_assert_str_eq(p.tracer.tracer, "function_graph");
	ck_assert_int_eq(p.tracer.graph.n, 1);
	ck_assert_str_eq(p.tracer.graph.v[0], "do_sys_openat2");
	ck_assert_str_eq(p.tracer.options.v[0], "funcgraph-proc");
	ck_assert_str_eq(p.command[0], "ls");
	record_params_free(&p);
	ck_assert_int_eq(parse("record -l vfs_* -l do_sys_* -n vfs_write -e sched", &p), 0);
	ck_assert_str_eq(p.tracer.tracer, "function");
	ck_assert_int_eq(p.tracer.filter.n, 2);
	ck_assert_int_eq(p.tracer.notrace.n, 1);
	record_params_free(&p);
	ck_assert_int_eq(parse("record -p function_graph --max-graph-depth 5 "
			       "--graph-notrace schedule -F ls", &p), 0);
	ck_assert_int_eq(p.tracer.max_graph_depth, 5);
	ck_assert_str_eq(p.tracer.graph_notrace.v[0], "schedule");
	ck_assert_int_eq(p.cli.nr_events, 0);
	record_params_free(&p);
	ck_assert_int_eq(parse("record -p function --func-stack -l schedule", &p), 0);
	ck_assert(p.tracer.func_stack);
	record_params_free(&p);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const char *const bad[][2] = {
		{ "record", "nothing to record" },
		{ "record -O funcgraph-proc ls", "need -p" },
		{ "record -p function_graph --func-stack", "--func-stack goes with -p function" },
		{ "record -p function --max-graph-depth 0", "bad graph depth" },
		{ "record -p a/b", "bad tracer" },
		{ "record -f x>1 -e sched", "-f must follow" },
		{ "record -e sched -f a -f b", "only one -f" },
		{ "record -e sched -b 0", "bad buffer size" },
		{ "record -e sched -b 12k", "bad buffer size" },
		{ "record -e sched -P 0", "bad pid" },
		{ "record -e sched -P abc", "bad pid" },
		{ "record -e sched -M xyz", "bad cpumask" },
		{ "record -e sched -F", "-F needs a command" },
		{ "record -e sched -c", "-c needs -F or -P" },
		{ "record -e sched -F -P 1 ls", "cannot be combined" },
		{ "record -e sched -x", "unknown option '-x'" },
		{ "record -e", "needs an argument" },
		{ "record -e a:b:c", "bad event" },
		{ "record -e sched --threads 0", "bad thread count" },
		{ "record -e sched -C [x]", "bad clock" },
		{ "record -e sched -m 0", "-m 0: KB per CPU" },
		{ "record -e sched -m 1M", "-m 1M: KB per CPU" },
		{ "record -e sched -m", "needs an argument" },
		{ "record -e sched -B foo", "-B: not supported: ftx records one buffer" },
		/* failures after -l/-g/-O copied their arguments: nothing may be left */
		{ "record -l vfs_* -g schedule -O funcgraph-proc -p a/b", "bad tracer" },
		{ "record -g schedule -n x -x", "unknown option '-x'" },
		{ "record -l schedule -e sched -F", "-F needs a command" },
	};
	struct record_params p;

	for (size_t i = 0; i < FTX_ARRAY_SIZE(bad); i++) {
		ck_assert_msg(parse(bad[i][0], &p) == -1, "'%s' accepted", bad[i][0]);
		ck_assert_msg(strstr(p.err, bad[i][1]), "'%s': got '%s'", bad[i][0], p.err);
		ck_assert_msg(!p.tracer.filter.v && !p.tracer.notrace.v && !p.tracer.graph.v &&
			      !p.tracer.graph_notrace.v && !p.tracer.options.v,
			      "'%s' failed but left its vectors allocated", bad[i][0]);
	}
}
END_TEST

START_TEST(test_usage_mentions_every_long_option)
{
	for (const struct option *o = record_long_opts; o->name; o++) {
		char want[64];

		snprintf(want, sizeof(want), "--%s", o->name);
		ck_assert_msg(strstr(record_usage, want), "usage lacks %s", want);
	}
}
END_TEST

START_TEST(test_cpu_lost)
{
	struct ftx_recorder_cpu_stats st = { .online = true };
	bool unknown;

	ck_assert_uint_eq(ftx_recorder_cpu_lost(&st, &unknown), 0);
	ck_assert(!unknown);
	/* counters and page marks count the same events: the larger wins, no sum */
	st.overrun = 100;
	st.dropped = 5;
	st.missed_events = 90;
	st.missed_pages = 3;
	ck_assert_uint_eq(ftx_recorder_cpu_lost(&st, &unknown), 105);
	ck_assert(!unknown);
	st.overrun = st.dropped = 0;
	ck_assert_uint_eq(ftx_recorder_cpu_lost(&st, NULL), 90);
	/* flagged pages without a stored count: lost, number unknown */
	st.missed_events = 0;
	ck_assert_uint_eq(ftx_recorder_cpu_lost(&st, &unknown), 0);
	ck_assert(unknown);
}
END_TEST

/*
 * -m counts the events of the sub-buffers it cuts: rec_page_events() on each
 * page of real kernels' files (64-bit x86 and arm64, -T stacks, function_graph,
 * a 32-bit synthetic one) against the reader's records, which libtraceevent's
 * kbuffer walks.
 */
START_TEST(test_page_events)
{
	static const char *const files[] = {
		"fixtures/host-6.18/sched_stack.v6.dat",
		"fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat",
		"fixtures/linux-6.1-amd64/function_vfs.v6.dat",
		"fixtures/linux-6.1-arm64/kprobe_openat2.v6.dat",
		"fixtures/synth/le32.v6.dat",
	};

	for (size_t f = 0; f < FTX_ARRAY_SIZE(files); f++) {
		struct ftx_tracedat *td = ftx_tracedat_open(files[f], 0);
		unsigned long long want[64] = { 0 }, got[64] = { 0 }, total = 0;
		struct tep_record *rec;
		unsigned int ps;
		int cpus, ls, fd;

		ck_assert_msg(td, "%s: %s", files[f], ftx_error());
		ps = ftx_tracedat_page_size(td);
		ls = ftx_tracedat_long_size(td);
		cpus = ftx_tracedat_cpus(td);
		ck_assert_int_le(cpus, 64);
		while (ftx_tracedat_next(td, &rec) > 0 && rec) {
			ck_assert_int_lt(rec->cpu, 64);
			want[rec->cpu]++;
			total++;
		}
		fd = open(files[f], O_RDONLY);
		ck_assert_int_ge(fd, 0);
		for (int cpu = 0; cpu < cpus; cpu++) {
			uint64_t off, size;
			char *page = malloc(ps);

			if (ftx_tracedat_cpu_data(td, cpu, &off, &size) < 0)
				size = 0;
			for (uint64_t at = 0; at + ps <= size; at += ps) {
				ck_assert_int_eq(pread(fd, page, ps, off + at), ps);
				got[cpu] += rec_page_events(page, ps, ls);
			}
			free(page);
			ck_assert_msg(got[cpu] == want[cpu], "%s cpu%d: %llu events counted, %llu read",
				      files[f], cpu, got[cpu], want[cpu]);
		}
		ck_assert_uint_gt(total, 0);
		close(fd);
		ftx_tracedat_close(td);
	}
}
END_TEST

START_TEST(test_pids_cpumask)
{
	pid_t pids[3];
	size_t nr = 0;
	char a[] = "1,22", b[] = "333,4", c[] = ",", d[] = "5";

	ck_assert_int_eq(ftx_record_pids_parse(a, pids, &nr, 3), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_int_eq(pids[1], 22);
	ck_assert_int_eq(ftx_record_pids_parse(b, pids, &nr, 3), -1);
	ck_assert_int_eq(errno, E2BIG);
	nr = 0;
	ck_assert_int_eq(ftx_record_pids_parse(c, pids, &nr, 3), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ftx_record_pids_parse(d, pids, &nr, 3), 0);
	ck_assert(ftx_cpumask_valid("3"));
	ck_assert(ftx_cpumask_valid("ff,ffffffff"));
	ck_assert(!ftx_cpumask_valid(""));
	ck_assert(!ftx_cpumask_valid(","));
	ck_assert(!ftx_cpumask_valid("0x3"));
}
END_TEST

static int sparse(const char *cmdline, struct stream_params *p)
{
	static char buf[512];
	static char *argv[64];
	int argc;

	snprintf(buf, sizeof(buf), "%s", cmdline);
	argc = split(buf, argv, 64);
	return stream_parse(argc, argv, p);
}

START_TEST(test_stream_parse)
{
	static const char *const bad[][2] = {
		{ "stream", "no events" },
		{ "stream -o x.dat -e sched", "unknown option '-o'" },
		{ "stream -e sched -c", "-c needs -F or -P" },
		{ "stream -e sched -F", "-F needs a command" },
		{ "stream -f a -e sched", "-f must follow" },
		{ "stream -e sched -M 0x", "bad cpumask" },
		{ "stream -e sched -P 1,x", "bad pid" },
	};
	struct stream_params p;

	ck_assert_int_eq(sparse("stream -e sched:sched_switch -f next_pid==1 -N -q -b 100 -C global "
				"-F -c -- sleep 1", &p), 0);
	ck_assert_uint_eq(p.cli.nr_events, 1);
	ck_assert_str_eq(p.cli.events[0].filter, "next_pid==1");
	ck_assert(p.no_plugins && p.cli.quiet && p.cli.only_command && p.cli.children);
	ck_assert_uint_eq(p.cli.buffer_kb, 100);
	ck_assert_str_eq(p.cli.clock, "global");
	ck_assert_str_eq(p.command[0], "sleep");
	ck_assert_int_eq(sparse("stream --help", &p), 1);
	for (size_t i = 0; i < FTX_ARRAY_SIZE(bad); i++) {
		ck_assert_msg(sparse(bad[i][0], &p) == -1, "'%s' accepted", bad[i][0]);
		ck_assert_msg(strstr(p.err, bad[i][1]), "'%s': got '%s'", bad[i][0], p.err);
	}
	for (const struct option *o = stream_long_opts; o->name; o++) {
		char want[64];

		snprintf(want, sizeof(want), "--%s", o->name);
		ck_assert_msg(strstr(stream_usage, want), "usage lacks %s", want);
	}
}
END_TEST

START_TEST(test_stream_merge_order)
{
	struct pending ev[] = {
		{ .ts = 30, .seq = 0, .cpu = 1 },
		{ .ts = 10, .seq = 1, .cpu = 0 },
		{ .ts = 30, .seq = 2, .cpu = 0 },
		{ .ts = 20, .seq = 3, .cpu = 1 },
	};

	/* by timestamp; equal timestamps keep the order they were read in */
	qsort(ev, 4, sizeof(ev[0]), pending_cmp);
	ck_assert_uint_eq(ev[0].ts, 10);
	ck_assert_uint_eq(ev[1].ts, 20);
	ck_assert_uint_eq(ev[2].seq, 0);
	ck_assert_uint_eq(ev[3].seq, 2);
	ck_assert(ftx_clock_in_usecs("local") && ftx_clock_in_usecs("mono_raw"));
	ck_assert(!ftx_clock_in_usecs("x86-tsc") && !ftx_clock_in_usecs("counter") && !ftx_clock_in_usecs("boot"));
}
END_TEST

/* Every long option of a command's table is in its man page (as \-\-name). */
static void check_man(const char *page, const struct option *opts)
{
	char *text = ftx_read_file(page, NULL);

	ck_assert_msg(text, "cannot read %s", page);
	for (const struct option *o = opts; o->name; o++) {
		char want[96], *w = want;

		w += sprintf(w, "\\-\\-");
		for (const char *c = o->name; *c; c++)
			w += *c == '-' ? sprintf(w, "\\-") : sprintf(w, "%c", *c);
		ck_assert_msg(strstr(text, want), "%s lacks --%s", page, o->name);
	}
	free(text);
}

START_TEST(test_man_pages)
{
	check_man("../man/ftx-record.1", record_long_opts);
	check_man("../man/ftx-stream.1", stream_long_opts);
}
END_TEST


/*
 * CPU -> drain thread: every thread gets its share (within one), the CPUs of
 * a thread are consecutive without topology, and SMT siblings (x86 numbers
 * them n and n + cores; some arm64/POWER parts n and n + 1) never share a
 * thread while there are enough threads to part them.
 */
static void check_assign(unsigned int n, unsigned int t, int smt_layout)
{
	unsigned int thread[512], count[512] = { 0 }, i, lo = n, hi = 0;
	int core[512];

	ck_assert_uint_le(n, 512);
	for (i = 0; i < n; i++)	/* 0: none; 1: n and n + n/2 siblings; 2: n and n ^ 1 */
		core[i] = smt_layout == 1 ? (int)(i % ((n + 1) / 2)) : smt_layout == 2 ? (int)(i / 2) : (int)i;
	rec_cpus_assign(n, smt_layout ? core : NULL, t, thread);
	for (i = 0; i < n; i++) {
		ck_assert_uint_lt(thread[i], t);
		count[thread[i]]++;
		if (!smt_layout && i)
			ck_assert_uint_ge(thread[i], thread[i - 1]);	/* blocks */
	}
	for (i = 0; i < t && i < n; i++) {
		lo = count[i] < lo ? count[i] : lo;
		hi = count[i] > hi ? count[i] : hi;
	}
	ck_assert_uint_le(hi - lo, 1);
	if (smt_layout && t >= 2 && n >= 2)
		for (i = 0; i < n; i++)
			for (unsigned int j = i + 1; j < n; j++)
				if (core[i] == core[j])
					ck_assert_msg(thread[i] != thread[j],
						      "%u CPUs, %u threads, layout %d: siblings %u and %u on thread %u",
						      n, t, smt_layout, i, j, thread[i]);
}

START_TEST(test_cpu_thread_assignment)
{
	static const unsigned int cpus[] = { 1, 2, 64, 65, 256 };

	for (size_t k = 0; k < sizeof(cpus) / sizeof(cpus[0]); k++) {
		unsigned int n = cpus[k], t = n < 64 ? n : 64;

		for (int layout = 0; layout < 3; layout++) {
			check_assign(n, t, layout);
			check_assign(n, 1, layout);
		}
	}
	/* 256 CPUs on 64 threads, no topology: 4 consecutive CPUs a thread */
	{
		unsigned int thread[256];

		rec_cpus_assign(256, NULL, 64, thread);
		ck_assert_uint_eq(thread[0], 0);
		ck_assert_uint_eq(thread[3], 0);
		ck_assert_uint_eq(thread[4], 1);
		ck_assert_uint_eq(thread[255], 63);
		/* x86's sibling of CPU 0 is CPU 128: another thread */
		ck_assert_uint_ne(thread[0], thread[128]);
	}
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_event_parse);
	tcase_add_test(tc, test_parse_full);
	tcase_add_test(tc, test_parse_defaults_and_command_options);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_parse_tracers);
	tcase_add_test(tc, test_usage_mentions_every_long_option);
	tcase_add_test(tc, test_stream_parse);
	tcase_add_test(tc, test_stream_merge_order);
	tcase_add_test(tc, test_man_pages);
	tcase_add_test(tc, test_cpu_lost);
	tcase_add_test(tc, test_page_events);
	tcase_add_test(tc, test_pids_cpumask);
	tcase_add_test(tc, test_cpu_thread_assignment);
	suite_add_tcase(s, tc);
	return s;
}
