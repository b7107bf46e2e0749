// SPDX-License-Identifier: GPL-2.0
/*
 * Golden tests: ftx's report of every fixture must equal, byte for byte, what
 * trace-cmd 3.1.6 printed for it (fixtures/<kernel>/<name>.report*.txt), with
 * libtraceevent's plugins loaded and without them (-N). Run from tests/.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "ftx/graph.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"
#include "test-cost.h"

static const char *const fixtures[] = {
	"fixtures/linux-6.1-amd64/sched_syscalls.v7",
	"fixtures/linux-6.1-amd64/kprobe_openat2.v6",
	"fixtures/linux-6.1-amd64/function_vfs.v6",
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6",
	"fixtures/linux-6.1-arm64/kprobe_openat2.v6",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6",
	/* the command's pid named 'ftx' (before its exec) by sched events first */
	"fixtures/linux-6.1-arm64/sched_comm_exec.v7",
	/* the same pid named by the very first event's sched_switch plugin comm */
	"fixtures/linux-5.10-arm64/sched_comm_first.v7",
};

static int sb_write(void *ctx, const char *buf, size_t len)
{
	struct ftx_strbuf *sb = ctx;

	if (ftx_strbuf_reserve(sb, len))
		return -1;
	memcpy(sb->buf + sb->len, buf, len);
	sb->len += len;
	sb->buf[sb->len] = 0;
	return 0;
}

/* First differing line, for a readable failure */
static void report_diff(const char *name, const char *got, size_t glen, const char *want,
			size_t wlen)
{
	size_t i = 0, line = 1, ls = 0;

	while (i < glen && i < wlen && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			ls = i + 1;
		}
		i++;
	}
	ck_abort_msg("%s: differs at line %zu:\n got: %.160s\nwant: %.160s", name, line,
		     got + ls, ls < wlen ? want + ls : "(end)");
}

/* @n picks the reader modes under make check-mem (test_reader_modes()) */
static void check_golden(const char *base, bool no_plugins, unsigned int flags,
			 const char *suffix, int n)
{
	struct ftx_report_opts o = { .no_plugins = no_plugins, .fmt_flags = flags };
	struct ftx_strbuf got = FTX_STRBUF_INIT;
	char path[256], gpath[256];
	int last;
	size_t wlen;
	char *want;

	snprintf(path, sizeof(path), "%s.dat", base);
	snprintf(gpath, sizeof(gpath), "%s.%s.txt", base, suffix);
	o.input = path;
	want = ftx_read_file(gpath, &wlen);
	ck_assert_msg(want, "cannot read %s", gpath);
	/* read serially and through the reader thread: the same text */
	test_reader_modes(n, &o.threads, &last);
	for (; o.threads <= last; o.threads++) {
		got.len = 0;
		ck_assert_msg(ftx_report_run(&o, sb_write, &got) == 0, "%s: %s", path, ftx_error());
		if (got.len != wlen || memcmp(got.buf, want, wlen))
			report_diff(gpath, got.buf ? got.buf : "", got.len, want, wlen);
	}
	ftx_strbuf_release(&got);
	free(want);
}

/* Plugins are a Debian package detail: skip (saying why) when not installed */
static bool plugins_present(void)
{
	struct ftx_tracedat *td = ftx_tracedat_open(
		"fixtures/linux-6.1-amd64/sched_syscalls.v7.dat", 0);
	struct tep_event *ev;
	bool ok;

	ck_assert_ptr_nonnull(td);
	ev = tep_find_event_by_name(ftx_tracedat_tep(td), "sched", "sched_switch");
	ok = ev && ev->handler;
	ftx_tracedat_close(td);
	return ok;
}

START_TEST(test_golden_plugins)
{
	if (!plugins_present()) {
		printf("SKIP golden with plugins: libtraceevent plugins not installed "
		       "(sched_switch has no plugin handler)\n");
		return;
	}
	check_golden(fixtures[_i], false, 0, "report", _i);
}
END_TEST

START_TEST(test_golden_noplugins)
{
	check_golden(fixtures[_i], true, 0, "report-noplugins", _i + 1);
}
END_TEST

/* The slow path (libtraceevent for every info) must give the same text */
START_TEST(test_golden_nofast)
{
	check_golden(fixtures[_i], true, FTX_REPORT_NO_FAST, "report-noplugins", _i);
}
END_TEST

START_TEST(test_parse_cpus)
{
	bool *m;
	int n;

	ck_assert_int_eq(ftx_report_parse_cpus("0-2,5", &m, &n), 0);
	ck_assert_int_eq(n, 6);
	ck_assert(m[0] && m[1] && m[2] && !m[3] && !m[4] && m[5]);
	free(m);
	ck_assert_int_eq(ftx_report_parse_cpus("3", &m, &n), 0);
	ck_assert_int_eq(n, 4);
	ck_assert(!m[0] && m[3]);
	free(m);
	ck_assert_int_eq(ftx_report_parse_cpus("2-1", &m, &n), -1);
	ck_assert_int_eq(ftx_report_parse_cpus("a", &m, &n), -1);
	ck_assert_int_eq(ftx_report_parse_cpus("1,", &m, &n), 0);
	free(m);
	ck_assert_int_eq(ftx_report_parse_cpus("", &m, &n), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Count lines of a report run with @o */
static size_t report_lines(struct ftx_report_opts *o, struct ftx_strbuf *got)
{
	size_t n = 0, i;

	got->len = 0;
	ck_assert_msg(ftx_report_run(o, sb_write, got) == 0, "%s", ftx_error());
	for (i = 0; i < got->len; i++)
		n += got->buf[i] == '\n';
	return n;
}

START_TEST(test_cpu_filter)
{
	struct ftx_report_opts o = {
		.input = "fixtures/linux-6.1-amd64/sched_syscalls.v7.dat", .no_plugins = true,
	};
	struct ftx_strbuf got = FTX_STRBUF_INIT;
	size_t all, c0, c1;
	bool m0[] = { true, false }, m1[] = { false, true };

	all = report_lines(&o, &got);
	o.cpus = m0;
	o.ncpus = 2;
	c0 = report_lines(&o, &got);
	ck_assert_ptr_null(strstr(got.buf, "[001]"));
	o.cpus = m1;
	c1 = report_lines(&o, &got);
	ck_assert_ptr_null(strstr(got.buf, "[000]"));
	/* each has its own "cpus=2" line */
	ck_assert_uint_eq(c0 + c1, all + 1);
	ftx_strbuf_release(&got);
}
END_TEST

START_TEST(test_event_filter)
{
	const char *flt[] = { "sched:sched_switch" };
	const char *bad[] = { "no_such_event_xyz" };
	const char *pids[] = { "137" };
	struct ftx_report_opts o = {
		.input = "fixtures/linux-6.1-amd64/sched_syscalls.v7.dat", .no_plugins = true,
		.filters = flt, .nfilters = 1,
	};
	struct ftx_strbuf got = FTX_STRBUF_INIT;
	char *line, *save;
	size_t n;

	n = report_lines(&o, &got);
	ck_assert_uint_gt(n, 100);
	line = strtok_r(got.buf, "\n", &save);
	ck_assert_str_eq(line, "cpus=2");
	while ((line = strtok_r(NULL, "\n", &save)))
		ck_assert_msg(strstr(line, " sched_switch: "), "unexpected line %s", line);

	o.filters = bad;
	ck_assert_int_eq(ftx_report_run(&o, sb_write, &got), -1);
	ck_assert_int_eq(errno, FTX_REPORT_EFILTER);
	ck_assert_str_eq(ftx_error(), "bad filter 'no_such_event_xyz': no event found");

	o.filters = NULL;
	o.nfilters = 0;
	o.pids = pids;
	o.npids = 1;
	n = report_lines(&o, &got);
	ck_assert_uint_gt(n, 10);
	line = strtok_r(got.buf, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save)))
		ck_assert_msg(strstr(line, "-137 ") || strstr(line, "pid=137 ") ||
			      strstr(line, "next_pid=137"), "unexpected line %s", line);
	ftx_strbuf_release(&got);
}
END_TEST

/* --stat: trace-cmd's text first, byte for byte, then ftx's own blocks */
static const char *const stat_files[] = {
	"linux-6.1-amd64/sched_syscalls.v7", "converted/fgraph_612_cpucount.v7",
	"synth/le64-inst.v6", "synth/be64-inst-zstd.v7", "linux-6.1-amd64/kprobe_openat2.v6",
};

START_TEST(test_stat)
{
	struct ftx_report_opts o = { .stat = true };
	struct ftx_strbuf got = FTX_STRBUF_INIT;
	char in[256], gpath[256], *want, *p;
	size_t wlen;

	snprintf(in, sizeof(in), "fixtures/%s.dat", stat_files[_i]);
	snprintf(gpath, sizeof(gpath), "fixtures/options/stat_%s.txt", stat_files[_i]);
	for (p = gpath + strlen("fixtures/options/stat_"); *p; p++)
		if (*p == '/')
			*p = '_';
	o.input = in;
	want = ftx_read_file(gpath, &wlen);
	ck_assert_msg(want, "cannot read %s", gpath);
	report_lines(&o, &got);
	if (got.len < wlen || memcmp(got.buf, want, wlen))
		report_diff(gpath, got.buf, got.len, want, wlen);
	ck_assert_msg(!strncmp(got.buf + wlen, "\nEvents in the file:\n", 21), "%s: %s", in,
		      got.buf + wlen);
	ck_assert_ptr_nonnull(strstr(got.buf + wlen, "  total\n\nLost events (from the pages' "
				     "missed-events flags):\n"));
	ftx_strbuf_release(&got);
	free(want);
}
END_TEST

/* --graph on a file without function_graph events: one line, not a page of comments */
START_TEST(test_graph_no_fgraph)
{
	FILE *out = tmpfile();

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(ftx_graph_report("fixtures/linux-6.1-amd64/kprobe_openat2.v6.dat", 0, NULL,
					  0, NULL, out), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(ftx_error(), "fixtures/linux-6.1-amd64/kprobe_openat2.v6.dat: no "
			 "function_graph events: --graph draws call stacks from them (record with "
			 "-p function_graph)");
	ck_assert_int_eq(ftell(out), 0);
	fclose(out);
}
END_TEST

/* A full disk: one line with the real reason, report and --graph alike */
START_TEST(test_full_disk)
{
	const char *ftx = getenv("FTX");
	char cmd[512], out[1024];
	size_t n;
	FILE *p;

	ck_assert_msg(ftx, "FTX is not set (run through make check-unit)");
	snprintf(cmd, sizeof(cmd), "%s report %s -i fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat "
		 "2>&1 >/dev/full; echo rc=$?", ftx, _i ? "--graph" : "");
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	pclose(p);
	ck_assert_str_eq(out, "ftx report: error writing output: No space left on device\nrc=1\n");
}
END_TEST

/* ftx report -N as trace-cmd report -N: no plugins, and not trace-cmd's own function printing */
static const char *const n_cases[][2] = {
	{ "fixtures/options/function_N.txt", "fixtures/linux-6.1-amd64/function_vfs.v6.dat" },
	{ "fixtures/options/fgraph_N.txt", "fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat" },
};

START_TEST(test_cli_no_plugins)
{
	const char *ftx = getenv("FTX");
	char cmd[1024];
	int st;

	ck_assert_msg(ftx, "FTX is not set (run through make check-unit)");
	snprintf(cmd, sizeof(cmd), "%s report -N -i %s 2>&1 | cmp -s - %s", ftx, n_cases[_i][1],
		 n_cases[_i][0]);
	st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ftx report -N -i %s differs from %s",
		      n_cases[_i][1], n_cases[_i][0]);
}
END_TEST

/* v7: the CPU count is CPUCOUNT's, not the highest CPU with data (CPU 1 is empty) */
START_TEST(test_converted_golden)
{
	check_golden("fixtures/converted/fgraph_612_cpucount.v7", false, 0, "report", 1);
}
END_TEST

/* Options against trace-cmd's output with the same options (fixtures/options/README.md) */
struct opt_case {
	const char *golden;
	const char *input;
	unsigned int flags;
	int cpu;		/* --cpu N, or -1 */
	const char *filters[2];
	const char *pid;
	bool no_plugins;
};

static const struct opt_case opt_cases[] = {
	{ "sched_cpu0", "linux-6.1-amd64/sched_syscalls.v7", 0, 0, { NULL }, NULL, false },
	{ "sched_F_switch", "linux-6.1-amd64/sched_syscalls.v7", 0, -1, { "sched_switch" }, NULL,
	  false },
	{ "sched_F_expr", "linux-6.1-amd64/sched_syscalls.v7", 0, -1,
	  { "irq_handler_entry: irq == 25", "sched:sched_wakeup" }, NULL, false },
	{ "sched_pid137", "linux-6.1-amd64/sched_syscalls.v7", 0, -1, { NULL }, "137", false },
	{ "fgraph_lt", "linux-6.1-amd64/fgraph_openat2.v6", FTX_REPORT_LATENCY | FTX_REPORT_NSEC,
	  -1, { NULL }, NULL, false },
	{ "fgraph_exits", "linux-6.1-arm64/fgraph_openat2.v6", 0, -1, { "funcgraph_exit" }, NULL,
	  false },
	{ "function_cpu0", "linux-6.1-amd64/function_vfs.v6", 0, 0, { NULL }, NULL, false },
	{ "function_N_t", "linux-6.1-amd64/kprobe_openat2.v6", FTX_REPORT_NSEC, -1, { NULL },
	  NULL, true },
	{ "kprobe_l", "linux-6.1-amd64/kprobe_openat2.v6", FTX_REPORT_LATENCY, -1, { NULL }, NULL,
	  false },
	{ "kprobe_arm64_t", "linux-6.1-arm64/kprobe_openat2.v6", FTX_REPORT_NSEC, -1, { NULL },
	  NULL, false },
	/* the lookahead sees the hidden CPU: entries do not fold across its events */
	{ "fgraph_arm64_cpu0", "linux-6.1-arm64/fgraph_openat2.v6", 0, 0, { NULL }, NULL, false },
	{ "inst_cpu0", "synth/le64-inst.v6", 0, 0, { NULL }, NULL, false },
	/* entries fold with the exits the filter drops (the reader thread keeps them) */
	{ "fgraph_entries", "linux-6.1-arm64/fgraph_openat2.v6", 0, -1, { "funcgraph_entry" },
	  NULL, false },
	{ "fgraph_pid110", "linux-6.1-amd64/fgraph_openat2.v6", 0, -1, { NULL }, "110", false },
	/* --pid decided by the bytes: stack traces after a shown record of their CPU */
	{ "stack_pid7388", "host-6.18/sched_stack.v6", 0, -1, { NULL }, "7388", false },
	/* no function_graph lookahead (-N): the other CPUs are not read */
	{ "comm_exec_N_cpu1", "linux-6.1-arm64/sched_comm_exec.v7", 0, 1, { NULL }, NULL, true },
	/* no entry on the CPU shown (a look at it alone first): the other one is not read */
	{ "comm_exec_cpu0", "linux-6.1-arm64/sched_comm_exec.v7", 0, 0, { NULL }, NULL, false },
	/* entries on the smaller CPU: the lookahead sees the other one */
	{ "fgraph_arm64_cpu1", "linux-6.1-arm64/fgraph_openat2.v6", 0, 1, { NULL }, NULL, false },
};

/* @n picks the reader modes under make check-mem (test_reader_modes()) */
static void check_output(const struct ftx_report_opts *o, const char *gpath, int n)
{
	struct ftx_report_opts t = *o;
	struct ftx_strbuf got = FTX_STRBUF_INIT;
	size_t wlen;
	int last;
	char *want = ftx_read_file(gpath, &wlen);

	ck_assert_msg(want, "cannot read %s", gpath);
	test_reader_modes(n, &t.threads, &last);
	for (; t.threads <= last; t.threads++) {
		got.len = 0;
		ck_assert_msg(ftx_report_run(&t, sb_write, &got) == 0, "%s: %s", o->input,
			      ftx_error());
		if (got.len != wlen || memcmp(got.buf, want, wlen))
			report_diff(gpath, got.buf ? got.buf : "", got.len, want, wlen);
	}
	ftx_strbuf_release(&got);
	free(want);
}

START_TEST(test_options_golden)
{
	const struct opt_case *c = &opt_cases[_i];
	struct ftx_report_opts o = { .fmt_flags = c->flags, .no_plugins = c->no_plugins };
	char in[256], gpath[256];
	bool mask[8] = { false };
	const char *pids[1];

	if (!c->no_plugins && !plugins_present()) {
		printf("SKIP %s: libtraceevent plugins not installed\n", c->golden);
		return;
	}
	snprintf(in, sizeof(in), "fixtures/%s.dat", c->input);
	snprintf(gpath, sizeof(gpath), "fixtures/options/%s.txt", c->golden);
	o.input = in;
	if (c->cpu >= 0) {
		mask[c->cpu] = true;
		o.cpus = mask;
		o.ncpus = 8;
	}
	o.filters = c->filters;
	o.nfilters = c->filters[1] ? 2 : c->filters[0] ? 1 : 0;
	if (c->pid) {
		pids[0] = c->pid;
		o.pids = pids;
		o.npids = 1;
	}
	check_output(&o, gpath, _i);
}
END_TEST

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Lost events: the same page edits trace-cmd's golden was made from */
START_TEST(test_dropped)
{
	char path[] = "/tmp/ftx-dropped-XXXXXX";
	struct ftx_report_opts o = { .input = path };
	size_t len;
	uint8_t *d;
	uint64_t c;
	int fd;

	if (!plugins_present()) {
		printf("SKIP dropped: libtraceevent plugins not installed\n");
		return;
	}
	d = (uint8_t *)ftx_read_file("fixtures/linux-6.1-amd64/function_vfs.v6.dat", &len);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_gt(len, 0x4bf000);
	c = get64(d + 0x4bc000 + 8);
	put64(d + 0x4bc000 + 8, c | 1ull << 31);
	c = get64(d + 0x4be000 + 8);
	ck_assert_uint_eq(c & ((1u << 27) - 1), 4060);
	put64(d + 0x4be000 + 8, c | 1ull << 31 | 1ull << 30);
	put64(d + 0x4be000 + 16 + 4060, 1234);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, d, len), (ssize_t)len);
	close(fd);
	free(d);
	check_output(&o, "fixtures/options/function_dropped.txt", 1);
	unlink(path);
}
END_TEST

/* Hand-made files (fixtures/synth/gen.py): big-endian, 32-bit, v7 none/zstd/zlib, instances */
static const char *const synth[] = {
	"le64.v6", "be64.v6", "le32.v6", "be32.v6", "le64-none.v7", "le64-zstd.v7",
	"be32-zstd.v7", "le64-zlib.v7", "be32-zlib.v7", "le64-inst.v6", "be64-inst-zstd.v7",
	"le64-latency.v6", "le64-tsc.v6", "le64-tsc2nsec.v6", "le64-date.v6",
};

START_TEST(test_synth_golden)
{
	struct ftx_report_opts o = { .no_plugins = true };
	char in[128], gpath[128], *z;

	snprintf(in, sizeof(in), "fixtures/synth/%s.dat", synth[_i]);
	/* trace-cmd here has no zlib: the zlib files carry the zstd files' data */
	snprintf(gpath, sizeof(gpath), "fixtures/synth/%s.report.txt", synth[_i]);
	z = strstr(gpath, "zlib");
	if (z)
		memcpy(z, "zstd", 4);
	o.input = in;
	check_output(&o, gpath, _i);
	o.no_plugins = false;
	check_output(&o, gpath, _i + 1);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("golden");
	TCase *opt = tcase_create("options");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_golden_plugins, 0, FTX_ARRAY_SIZE(fixtures));
	tcase_add_loop_test(tc, test_golden_noplugins, 0, FTX_ARRAY_SIZE(fixtures));
	tcase_add_loop_test(tc, test_golden_nofast, 0, FTX_ARRAY_SIZE(fixtures));
	suite_add_tcase(s, tc);
	tcase_set_timeout(opt, 60);
	tcase_add_test(opt, test_parse_cpus);
	tcase_add_test(opt, test_cpu_filter);
	tcase_add_test(opt, test_event_filter);
	tcase_add_loop_test(opt, test_stat, 0, FTX_ARRAY_SIZE(stat_files));
	tcase_add_test(opt, test_converted_golden);
	tcase_add_test(opt, test_graph_no_fgraph);
	tcase_add_loop_test(opt, test_full_disk, 0, 2);
	tcase_add_loop_test(opt, test_cli_no_plugins, 0, 2);
	tcase_add_loop_test(opt, test_options_golden, 0, FTX_ARRAY_SIZE(opt_cases));
	tcase_add_test(opt, test_dropped);
	tcase_add_loop_test(opt, test_synth_golden, 0, FTX_ARRAY_SIZE(synth));
	suite_add_tcase(s, opt);
	return s;
}
