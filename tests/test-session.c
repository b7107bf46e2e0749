// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of the session module: what to write back to restore a
 * tracefs file, the kernel's reason from error_log, names of dynamic events
 * and instances, and the journal 'ftx reset' replays. No root needed.
 */
#include <check.h>
#include <stdio.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/journal.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"

static void restore_eq(const char *file, const char *content, const char *want)
{
	char *v = ftx_tracefs_restore_value(file, content);

	ck_assert_msg(v != NULL, "%s: NULL for '%s'", file, content);
	ck_assert_str_eq(v, want);
	free(v);
}

START_TEST(test_restore_value)
{
	restore_eq("/t/current_tracer", "nop\n", "nop");
	restore_eq("/t/instances/ftx-1/trace_clock",
		   "local global counter uptime perf mono mono_raw boot tai [x86-tsc]\n", "x86-tsc");
	restore_eq("/t/trace_clock", "[local] global counter\n", "local");
	restore_eq("/t/buffer_size_kb", "1408\n", "1408");
	restore_eq("/t/buffer_size_kb", "7 (expanded: 1408)\n", "1408");
	restore_eq("/t/events/sched/sched_switch/filter", "none\n", "0");
	restore_eq("/t/events/sched/sched_switch/filter", "prev_pid != 0\n", "prev_pid != 0");
	restore_eq("/t/events/sched/sched_switch/enable", "0\n", "0");
	restore_eq("/t/events/sched/sched_switch/enable", "1*\n", "1");
	restore_eq("/t/tracing_cpumask", "00000000,00000003\n", "00000000,00000003");
	/* lists: one entry a line, comments and placeholders dropped */
	restore_eq("/t/set_ftrace_filter", "#### all functions enabled ####\n", "");
	restore_eq("/t/set_ftrace_filter", "vfs_read\nvfs_write\n", "vfs_read\nvfs_write\n");
	restore_eq("/t/set_ftrace_pid", "no pid\n", "");
	restore_eq("/t/set_event", "sched:sched_switch\nirq:irq_handler_entry\n",
		   "sched:sched_switch\nirq:irq_handler_entry\n");
	restore_eq("/t/set_event", "", "");
	/* a system's mixed state cannot be written back */
	ck_assert_ptr_null(ftx_tracefs_restore_value("/t/events/sched/enable", "X\n"));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(ftx_tracefs_restore_value("/t/trace_clock", "local global\n"));
	ck_assert(ftx_tracefs_is_list("/t/instances/a/set_event_pid"));
	ck_assert(!ftx_tracefs_is_list("/t/set_event_pid_x"));
	ck_assert(!ftx_tracefs_is_list("/t/current_tracer"));
}
END_TEST

/* Real error_log text from a 6.18 kernel, with an entry of another writer. */
static const char error_log[] =
	"[  362.678266] trace_uprobe: error: $arg* can be used only on function entry or exit\n"
	"  Command: p:ftx/ftxt_arg /bin/true:0x23d0 a=$arg1\n"
	"                                             ^\n"
	"[  595.489637] event filter parse error: error: Field not found\n"
	"  Command: bogus == 1\n"
	"                 ^\n"
	"[  600.000001] trace_uprobe: error: Invalid uprobe address\n"
	"  Command: p:other/x /bin/true:zz\n"
	"                               ^\n";

START_TEST(test_error_log_find)
{
	char reason[128];

	ck_assert_int_eq(ftx_error_log_find(error_log, "p:ftx/ftxt_arg /bin/true:0x23d0 a=$arg1",
					    reason, sizeof(reason)), 0);
	ck_assert_str_eq(reason, "$arg* can be used only on function entry or exit");
	/* the last " error: " of the line is where the message starts */
	ck_assert_int_eq(ftx_error_log_find(error_log, "bogus == 1\n", reason, sizeof(reason)), 0);
	ck_assert_str_eq(reason, "Field not found");
	ck_assert_int_eq(ftx_error_log_find(error_log, "p:other/x /bin/true:zz", reason, 8), 0);
	ck_assert_str_eq(reason, "Invalid");
	ck_assert_int_eq(ftx_error_log_find(error_log, "function", reason, sizeof(reason)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(ftx_error_log_find("", "x", reason, sizeof(reason)), -1);
}
END_TEST

START_TEST(test_lockdown_parse)
{
	char mode[32];

	ck_assert_int_eq(ftx_lockdown_parse("none [integrity] confidentiality\n", mode,
					    sizeof(mode)), 0);
	ck_assert_str_eq(mode, "integrity");
	ck_assert_int_eq(ftx_lockdown_parse("[none] integrity confidentiality\n", mode,
					    sizeof(mode)), 0);
	ck_assert_str_eq(mode, "none");
	ck_assert_int_eq(ftx_lockdown_parse("none integrity\n", mode, sizeof(mode)), -1);
	ck_assert_int_eq(ftx_lockdown_parse("[]", mode, sizeof(mode)), -1);
	ck_assert_int_eq(ftx_lockdown_parse("[confidentiality]", mode, 4), -1);
}
END_TEST

START_TEST(test_dynevent_name)
{
	char g[16], e[32];

	ck_assert_int_eq(ftx_dynevent_parse_name("p:ftx/open /bin/bash:0x1234 a=%di", g,
						 sizeof(g), e, sizeof(e)), 0);
	ck_assert_str_eq(g, "ftx");
	ck_assert_str_eq(e, "open");
	ck_assert_int_eq(ftx_dynevent_parse_name("r10:ftx_r/ret vfs_read", g, sizeof(g), e,
						 sizeof(e)), 0);
	ck_assert_str_eq(g, "ftx_r");
	ck_assert_str_eq(e, "ret");
	ck_assert_int_eq(ftx_dynevent_parse_name("e:ftx/ep sched.sched_switch", g, sizeof(g), e,
						 sizeof(e)), 0);
	ck_assert_str_eq(e, "ep");
	/* as dynamic_events lists them */
	ck_assert_int_eq(ftx_dynevent_parse_name("p:uprobes/p_true_0x23d0 /bin/true:0x00000000000023d0",
						 g, sizeof(g), e, sizeof(e)), 0);
	ck_assert_str_eq(g, "uprobes");
	/* unnamed or malformed */
	ck_assert_int_eq(ftx_dynevent_parse_name("p /bin/true:0x10", g, sizeof(g), e, sizeof(e)), -1);
	ck_assert_int_eq(ftx_dynevent_parse_name("p:open /bin/true:0x10", g, sizeof(g), e,
						 sizeof(e)), -1);
	ck_assert_int_eq(ftx_dynevent_parse_name("p:/x a", g, sizeof(g), e, sizeof(e)), -1);
	ck_assert_int_eq(ftx_dynevent_parse_name("x:ftx/a b", g, sizeof(g), e, sizeof(e)), -1);
	ck_assert_int_eq(ftx_dynevent_parse_name("p:ftx/a", g, 2, e, sizeof(e)), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_instance_name)
{
	pid_t pid;

	ck_assert_int_eq(ftx_instance_name_parse("ftx-1234", &pid), 0);
	ck_assert_int_eq(pid, 1234);
	ck_assert_int_eq(ftx_instance_name_parse("ftx-77-2", &pid), 0);
	ck_assert_int_eq(pid, 77);
	ck_assert_int_eq(ftx_instance_name_parse("ftx-other", &pid), -1);
	ck_assert_int_eq(ftx_instance_name_parse("other", &pid), -1);
	ck_assert_int_eq(ftx_instance_name_parse("ftx-", &pid), -1);
	ck_assert_int_eq(ftx_instance_name_parse("ftx-12x", &pid), -1);
	ck_assert_int_eq(ftx_instance_name_parse("ftx-12-", &pid), -1);
	ck_assert_int_eq(ftx_instance_name_parse("ftx-0", &pid), -1);
	ck_assert_int_eq(ftx_instance_name_parse("ftx-99999999999", &pid), -1);
}
END_TEST

/* A child named @comm that waits to be killed */
static pid_t spawn_named(const char *comm)
{
	int pfd[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ck_assert_int_eq(read(pfd[0], &c, 1), 1);
	close(pfd[0]);
	close(pfd[1]);
	return pid;
}

START_TEST(test_pid_is_ftx)
{
	pid_t ftx = spawn_named("ftx"), other = spawn_named("other");

	ck_assert(ftx_pid_is_ftx(ftx));
	/* a pid reused by another program does not own ftx's leftovers */
	ck_assert(!ftx_pid_is_ftx(other));
	kill(ftx, SIGKILL);
	kill(other, SIGKILL);
	waitpid(ftx, NULL, 0);
	waitpid(other, NULL, 0);
	ck_assert(!ftx_pid_is_ftx(ftx));
	ck_assert(!ftx_pid_is_ftx(0));
	ck_assert(!ftx_pid_is_ftx(0x7ffffff0));
}
END_TEST

START_TEST(test_journal_parse)
{
	static const char text[] =
		"ftx-journal 1\n"
		"instance ftx-42\n"
		"op 0 A /sys/kernel/tracing/dynamic_events -:ftx/open\n"
		"op 1 T /sys/kernel/tracing/set_event_pid \n"
		"op 2 T /sys/kernel/tracing/set_ftrace_filter \n"
		"op 2 A /sys/kernel/tracing/set_ftrace_filter vfs_read\n"
		"op 3 T /sys/kernel/tracing/events/x/filter a == \\x22b c\\\\\\n\n";
	struct ftx_journal_op *ops;
	char *inst;
	int nr;

	nr = ftx_journal_parse(text, &ops, &inst);
	ck_assert_int_eq(nr, 5);
	ck_assert_str_eq(inst, "ftx-42");
	ck_assert_uint_eq(ops[0].group, 0);
	ck_assert(ops[0].append);
	ck_assert_str_eq(ops[0].data, "-:ftx/open");
	ck_assert(!ops[1].append);
	ck_assert_uint_eq(ops[1].len, 0);
	ck_assert_str_eq(ops[1].path, "/sys/kernel/tracing/set_event_pid");
	ck_assert_uint_eq(ops[3].group, 2);
	ck_assert_str_eq(ops[3].data, "vfs_read");
	ck_assert_str_eq(ops[4].data, "a == \"b c\\\n");
	ck_assert_uint_eq(ops[4].len, 11);
	ftx_journal_free(ops, nr);
	free(inst);

	ck_assert_int_eq(ftx_journal_parse("ftx-journal 1\ninstance -\n", &ops, &inst), 0);
	ck_assert_ptr_null(inst);
	free(ops);
	/* the journal is opened before the instance is made, named later */
	ck_assert_int_eq(ftx_journal_parse("ftx-journal 1\ninstance -\ninstance ftx-7\n", &ops,
					   &inst), 0);
	ck_assert_str_eq(inst, "ftx-7");
	free(inst);
	free(ops);
	ck_assert_int_eq(ftx_journal_parse("not a journal\n", &ops, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ftx_journal_parse("ftx-journal 1\nop 0 X /a b\n", &ops, NULL), -1);
	ck_assert_int_eq(ftx_journal_parse("ftx-journal 1\nop 0 T relative b\n", &ops, NULL), -1);
	ck_assert_int_eq(ftx_journal_parse("ftx-journal 1\nop 0 T /a bad\\q\n", &ops, NULL), -1);
	ck_assert_int_eq(ftx_journal_parse("", &ops, NULL), -1);
	ftx_journal_free(NULL, 0);
}
END_TEST


/*
 * What the session writes, 'ftx reset' reads back: every byte of the undo
 * data (newlines, backslashes, control bytes), the instance, the groups.
 */
START_TEST(test_journal_roundtrip)
{
	struct ftx_journal j = FTX_JOURNAL_INIT;
	static const char odd[] = "a\\b\nc\x01\x7f d";
	struct ftx_journal_op w[2] = {
		{ .append = false, .path = "/sys/kernel/tracing/current_tracer",
		  .data = "nop", .len = 3 },
		{ .append = true, .path = "/sys/kernel/tracing/set_event",
		  .data = (char *)odd, .len = sizeof(odd) - 1 },
	}, *r = NULL;
	char *text, *inst = NULL;
	int n;

	if (ftx_journal_open(&j, NULL) < 0) {
		/* a unit run without root: nothing to write to */
		printf("SKIP: journal round trip: %s\n", ftx_error());
		return;
	}
	ck_assert_int_eq(ftx_journal_note_instance(&j, "ftx-1234"), 0);
	ck_assert_int_eq(ftx_journal_add(&j, &w[0], 1), 0);
	ck_assert_int_eq(ftx_journal_add(&j, &w[1], 1), 0);
	text = ftx_read_file(j.path, NULL);
	ck_assert_ptr_nonnull(text);
	ftx_journal_close(&j, true);
	ck_assert_ptr_null(j.path);
	n = ftx_journal_parse(text, &r, &inst);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(inst, "ftx-1234");
	ck_assert_uint_eq(r[0].group, 0);
	ck_assert_uint_eq(r[1].group, 1);
	ck_assert(!r[0].append && r[1].append);
	ck_assert_str_eq(r[0].path, w[0].path);
	ck_assert_uint_eq(r[1].len, w[1].len);
	ck_assert(!memcmp(r[1].data, odd, w[1].len));
	ftx_journal_free(r, n);
	free(inst);
	free(text);
}
END_TEST

Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("parsers");

	tcase_add_test(tc, test_restore_value);
	tcase_add_test(tc, test_error_log_find);
	tcase_add_test(tc, test_lockdown_parse);
	tcase_add_test(tc, test_dynevent_name);
	tcase_add_test(tc, test_instance_name);
	tcase_add_test(tc, test_pid_is_ftx);
	tcase_add_test(tc, test_journal_parse);
	tcase_add_test(tc, test_journal_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}
