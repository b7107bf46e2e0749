// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels the VM test bed cannot boot (Debian has nothing before 5.10):
 * fake tracing trees shaped like 4.9, 4.14 and 4.19 (tests/fixtures/tracefs-4.*,
 * from those kernels' trace.c/trace_kprobe.c/trace_uprobe.c), and every
 * decision ftx takes from files and README text checked on each: where tracing
 * is, 'ftx check's file-decided verdicts, probe syntax, tracer placement,
 * clocks, the sub-buffer size. By what the files say, never by version.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/capability.h"
#include "ftx/features.h"
#include "ftx/probe.h"
#include "ftx/tracedat-write.h"
#include "ftx/tracefs-util.h"
#include "ftx/tracer.h"
#include "ftx/util.h"

static const char *const trees[] = { "4.9", "4.14", "4.19" };

/* tests/fixtures/tracefs-<v>/sys/kernel/debug/tracing, found as ftx finds it */
static void tree_top(int i, char *top, size_t size)
{
	char root[128];

	snprintf(root, sizeof(root), "fixtures/tracefs-%s", trees[i]);
	ck_assert_msg(ftx_tracefs_locate(root, top, size) == 0, "%s: no tracing found", root);
}

START_TEST(test_locate_under_debugfs)
{
	char top[256], want[256];

	/* /sys/kernel/tracing is an empty mount point: only debugfs is mounted */
	snprintf(want, sizeof(want), "fixtures/tracefs-%s/sys/kernel/debug/tracing", trees[_i]);
	tree_top(_i, top, sizeof(top));
	ck_assert_str_eq(top, want);
	ck_assert_int_eq(ftx_tracefs_locate("fixtures/no-such-root", top, sizeof(top)), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_features)
{
	bool v414 = _i >= 1, v419 = _i >= 2;
	struct ftx_features f;
	char top[256];

	tree_top(_i, top, sizeof(top));
	ck_assert_int_eq(ftx_features_probe(top, &f), 0);
	ck_assert(f.instances);
	ck_assert(!f.dynamic_events);	/* 5.0 */
	ck_assert(f.kprobe_events && f.uprobe_events);
	ck_assert(!f.error_log);	/* 5.2: reasons are strerror() */
	ck_assert_int_eq(f.trace_marker_raw, v414);
	ck_assert(!f.subbuf_size);
	ck_assert_int_eq(f.timestamp_mode, v419);
	ck_assert(f.set_event_pid && f.event_fork && f.max_graph_depth);
	ck_assert_int_eq(f.function_fork, v414);
	/* probe syntax from the README */
	ck_assert(!f.fetch_argn);	/* 4.20 */
	ck_assert_int_eq(f.kretprobe_maxactive, v414);
	ck_assert(!f.return_suffix && !f.eprobe_syntax);
	ck_assert(f.fetch_comm);
	/* clocks: the kernel's own list */
	ck_assert(ftx_features_has_clock(&f, "local") && ftx_features_has_clock(&f, "x86-tsc"));
	ck_assert(ftx_features_has_clock(&f, "mono_raw"));
	ck_assert_int_eq(ftx_features_has_clock(&f, "boot"), v414);
	ck_assert(!ftx_features_has_clock(&f, "tai") && !ftx_features_has_clock(&f, "mono_r"));
	ck_assert_int_eq(ftx_features_probe("fixtures/tracefs-4.9", &f), -1);
}
END_TEST

/* The README of a current kernel (6.18, this project's host) lists everything. */
START_TEST(test_features_readme_6_18)
{
	char *readme = ftx_read_file("fixtures/tracefs/README-6.18", NULL);
	struct ftx_features f = { 0 };

	ck_assert_ptr_nonnull(readme);
	ftx_features_parse_readme(readme, &f);
	ck_assert(f.fetch_argn && f.kretprobe_maxactive);
	ck_assert(f.return_suffix && f.eprobe_syntax && f.fetch_comm);
	free(readme);
	/* prose is not syntax */
	ftx_features_parse_readme("  see r[maxactive] and %return in the docs\n", &f);
	ck_assert(!f.kretprobe_maxactive && !f.return_suffix);
	ftx_features_parse_readme(NULL, &f);
	ck_assert(!f.fetch_argn && !f.kretprobe_maxactive);
}
END_TEST

static void expect_cap(const char *top, const char *name, enum ftx_cap_status st,
		       const char *reason)
{
	struct ftx_cap cap;

	ck_assert_msg(ftx_cap_from_files(top, name, &cap) == 1, "%s: '%s' not decided", top, name);
	ck_assert_str_eq(cap.name, name);
	ck_assert_msg(cap.status == st, "%s: '%s' is %s", top, name, ftx_cap_status_name(cap.status));
	ck_assert_msg(strstr(cap.reason, reason), "%s: '%s': %s", top, name, cap.reason);
}

static void expect_tried(const char *top, const char *name)
{
	struct ftx_cap cap;

	ck_assert_msg(ftx_cap_from_files(top, name, &cap) == 0, "%s: '%s' decided without a try",
		      top, name);
}

/* 'ftx check': what the files decide, and what is left to a try. */
START_TEST(test_check_verdicts)
{
	struct ftx_cap cap;
	char top[256];

	tree_top(_i, top, sizeof(top));
	expect_cap(top, "dynamic_events", FTX_CAP_NOT_BUILT, "before 5.0");
	expect_cap(top, "eprobe", FTX_CAP_NOT_BUILT, "eprobes need 5.15");
	expect_cap(top, "fetcharg $argN", FTX_CAP_NOT_SUPPORTED, "does not list $arg<N>");
	expect_cap(top, "buffer_subbuf_size_kb", FTX_CAP_NOT_SUPPORTED, "sub-buffers are one page");
	/* built: only creating one tells (through kprobe_events, no dynamic_events) */
	expect_tried(top, "kprobe");
	expect_tried(top, "kretprobe");
	expect_tried(top, "uprobe");
	expect_tried(top, "uretprobe");
	expect_tried(top, "tracer function");
	ck_assert_int_eq(ftx_cap_from_files("fixtures/tracefs-4.9", "kprobe", &cap), -1);
}
END_TEST

/* A kernel without kprobes (this project's host) is decided from its files too. */
START_TEST(test_check_verdicts_nokprobes)
{
	char dir[] = "/tmp/ftx-test-kernels-XXXXXX", path[300];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	expect_cap(dir, "kprobe", FTX_CAP_NOT_BUILT, "CONFIG_KPROBE_EVENTS");
	expect_cap(dir, "kretprobe", FTX_CAP_NOT_BUILT, "CONFIG_KPROBE_EVENTS");
	expect_cap(dir, "uprobe", FTX_CAP_NOT_BUILT, "CONFIG_UPROBE_EVENTS");
	expect_cap(dir, "fetcharg $argN", FTX_CAP_NOT_SUPPORTED, "README");
	unlink(path);
	rmdir(dir);
}
END_TEST

static char *tree_read(int i, const char *file)
{
	char top[256], path[512];

	tree_top(i, top, sizeof(top));
	snprintf(path, sizeof(path), "%s/%s", top, file);
	return ftx_read_file(path, NULL);
}

/* function runs in an instance; function_graph and its files are top level only. */
START_TEST(test_tracer_placement)
{
	struct ftx_tracer_opts o = { .tracer = "function" };
	char *inst = tree_read(_i, "instances/example/available_tracers");
	char *topl = tree_read(_i, "available_tracers");
	char top[256], dir[300], why[200];

	ck_assert_ptr_nonnull(inst);
	ck_assert_ptr_nonnull(topl);
	ck_assert_int_eq(ftx_cap_tracer_place(inst, topl, "function"), FTX_TRACER_IN_INSTANCE);
	ck_assert_int_eq(ftx_cap_tracer_place(inst, topl, "function_graph"), FTX_TRACER_TOP_ONLY);
	ck_assert_int_eq(ftx_cap_tracer_place(inst, topl, "wakeup_rt"), FTX_TRACER_TOP_ONLY);
	ck_assert_int_eq(ftx_cap_tracer_place(inst, topl, "osnoise"), FTX_TRACER_NOT_BUILT);
	ck_assert_int_eq(ftx_cap_tracer_place("", topl, "function"), FTX_TRACER_TOP_ONLY);
	free(inst);
	free(topl);

	tree_top(_i, top, sizeof(top));
	snprintf(dir, sizeof(dir), "%s/instances/example", top);
	ck_assert_int_eq(ftx_tracer_fits(dir, &o, why, sizeof(why)), 1);
	ftx_strv_push(&o.filter, "vfs_*");
	ftx_strv_push(&o.options, "func_stack_trace");
	ck_assert_int_eq(ftx_tracer_fits(dir, &o, why, sizeof(why)), 1);
	/* -g: instances have no set_graph_function */
	ftx_strv_push(&o.graph, "vfs_read");
	ck_assert_int_eq(ftx_tracer_fits(dir, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "instances have no set_graph_function on this kernel");
	ftx_tracer_opts_free(&o);
	o.tracer = "function_graph";
	ck_assert_int_eq(ftx_tracer_fits(dir, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "function_graph is not available in instances on this kernel");
	o.tracer = "function";
	ftx_strv_push(&o.options, "funcgraph-proc");
	ck_assert_int_eq(ftx_tracer_fits(dir, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "instances have no option funcgraph-proc on this kernel");
	ftx_tracer_opts_free(&o);
	/* the top level has all of them */
	o.tracer = "function_graph";
	ftx_strv_push(&o.graph, "vfs_read");
	ftx_strv_push(&o.options, "funcgraph-proc");
	ck_assert_int_eq(ftx_tracer_fits(top, &o, why, sizeof(why)), 1);
	ftx_tracer_opts_free(&o);
}
END_TEST

/* Instances without tracer files at all: the top level, not an error. */
START_TEST(test_tracer_instance_without_tracers)
{
	struct ftx_tracer_opts o = { .tracer = "function" };
	char dir[] = "/tmp/ftx-test-kernels-XXXXXX", why[200];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(ftx_tracer_fits(dir, &o, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "instances have no tracers on this kernel");
	rmdir(dir);
}
END_TEST

/* Probe syntax: what the probe definitions become on each (no $argN: registers). */
START_TEST(test_probe_syntax)
{
	struct ftx_probe_lines l = { 0 };
	struct ftx_probe_def d;
	struct ftx_probe_env env;
	char top[256];

	tree_top(_i, top, sizeof(top));
	ck_assert_int_eq(ftx_probe_env_load(top, &env), 0);
	ck_assert(env.kprobes && env.uprobes && !env.dynamic_events);
	ck_assert(!env.argn && !env.argn_return && !env.ref_ctr && !env.ustring && !env.imm);
	if (env.arch != FTX_ARCH_X86_64)
		return;	/* the trees are x86-64's; registers differ elsewhere */
	ck_assert_int_eq(ftx_probe_def_parse("do_sys_open dfd=$arg1 name=+0($arg2):string",
					     NULL, &d), 0);
	ck_assert_int_eq(ftx_probe_resolve(&d, &env, NULL, &l), 0);
	ck_assert_int_eq(l.n, 1);
	ck_assert_str_eq(l.line[0], "p:probe/do_sys_open do_sys_open dfd=%di name=+0(%si):string");
	ftx_probe_lines_free(&l);
	ftx_probe_def_free(&d);
	/* no %return suffix before 5.11: a kretprobe line */
	ck_assert_int_eq(ftx_probe_def_parse("do_sys_open%return ret=$retval", NULL, &d), 0);
	ck_assert_int_eq(ftx_probe_resolve(&d, &env, NULL, &l), 0);
	ck_assert_str_eq(l.line[0], "r:probe/do_sys_open__return do_sys_open ret=$retval");
	ftx_probe_lines_free(&l);
	ftx_probe_def_free(&d);
}
END_TEST

/* No error_log (5.2): a refused write is explained by errno alone. */
START_TEST(test_no_error_log)
{
	char top[256], reason[256];

	tree_top(_i, top, sizeof(top));
	ftx_tracefs_reason(top, "p:ftx/x nosuchfunc a=$arg1", EINVAL, reason, sizeof(reason));
	ck_assert_str_eq(reason, strerror(EINVAL));
}
END_TEST

/* One-page sub-buffers, 8-byte longs: from events/header_page, as the recorder reads it. */
START_TEST(test_subbuf_size)
{
	char *hp = tree_read(_i, "events/header_page");
	unsigned int commit = 0;

	ck_assert_ptr_nonnull(hp);
	ck_assert_uint_eq(ftx_tdat_page_size(hp, strlen(hp), &commit), 4096);
	ck_assert_uint_eq(commit, 8);
	free(hp);
}
END_TEST

Suite *kernels_suite(void)
{
	Suite *s = suite_create("kernels");
	TCase *tc = tcase_create("fake-4.x");
	int n = FTX_ARRAY_SIZE(trees);

	tcase_add_loop_test(tc, test_locate_under_debugfs, 0, n);
	tcase_add_loop_test(tc, test_features, 0, n);
	tcase_add_test(tc, test_features_readme_6_18);
	tcase_add_loop_test(tc, test_check_verdicts, 0, n);
	tcase_add_test(tc, test_check_verdicts_nokprobes);
	tcase_add_loop_test(tc, test_tracer_placement, 0, n);
	tcase_add_test(tc, test_tracer_instance_without_tracers);
	tcase_add_loop_test(tc, test_subbuf_size, 0, n);
	tcase_add_loop_test(tc, test_probe_syntax, 0, n);
	tcase_add_loop_test(tc, test_no_error_log, 0, n);
	suite_add_tcase(s, tc);
	return s;
}
