// SPDX-License-Identifier: GPL-2.0
/*
 * Bash completion: scripts/gen-completion.sh generates it from the real
 * binary ($FTX); here bash sources it and completes lines as a user would
 * type them: every command of 'ftx help' and every option of each command's
 * help is offered, and option values come from a fake tracefs (events,
 * tracers, clocks) or the file system. Run from tests/.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ftx/util.h"

static char dir[] = "/tmp/ftx-compl-XXXXXX";

static void setup(void)
{
	char cmd[1024];
	FILE *f;

	ck_assert_ptr_nonnull(getenv("FTX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "../scripts/gen-completion.sh %s > %s/ftx.bash", getenv("FTX"),
		 dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/tracefs", dir);
	ck_assert_int_eq(mkdir(cmd, 0755), 0);
	snprintf(cmd, sizeof(cmd), "%s/tracefs/available_events", dir);
	f = fopen(cmd, "w");
	fputs("sched:sched_switch\nsched:sched_wakeup\nirq:irq_handler_entry\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s/tracefs/available_tracers", dir);
	f = fopen(cmd, "w");
	fputs("function_graph function nop\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s/tracefs/trace_clock", dir);
	f = fopen(cmd, "w");
	fputs("[local] global counter\n", f);
	fclose(f);
}

static void teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* The completions bash offers for @line (cursor at its end), one per line */
static char *complete(const char *line)
{
	char cmd[2048], *out = calloc(1, 1 << 16);
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "FTX_COMPLETION_TRACEFS=%s/tracefs bash -c '. %s/ftx.bash; COMP_LINE=\"$0\"; "
		 "COMP_POINT=${#COMP_LINE}; _ftx; printf \"%%s\\n\" \"${COMPREPLY[@]}\" | sort' '%s'",
		 dir, dir, line);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, (1 << 16) - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static void expect(const char *line, const char *want)
{
	char *got = complete(line);

	ck_assert_msg(!strcmp(got, want), "'%s': got\n%s\nwanted\n%s", line, got, want);
	free(got);
}

START_TEST(test_values)
{
	expect("ftx rec", "record\n");
	expect("ftx help st", "start\nstat\nstatus\nstop\nstream\n");
	expect("ftx record --ev", "--event\n");
	expect("ftx record -e sched:sched_s", "sched:sched_switch\n");
	expect("ftx record -e ", "irq\nirq:irq_handler_entry\nsched\nsched:sched_switch\n"
	       "sched:sched_wakeup\n");
	expect("ftx record -p func", "function\nfunction_graph\n");
	expect("ftx stream -C g", "global\n");
	expect("ftx convert --compression z", "zlib\nzstd\n");
	expect("ftx report -i fixtures/linux-6.1-amd64/sched_sys",
	       "fixtures/linux-6.1-amd64/sched_syscalls.v7.dat\n"
	       "fixtures/linux-6.1-amd64/sched_syscalls.v7.report-noplugins.txt\n"
	       "fixtures/linux-6.1-amd64/sched_syscalls.v7.report.txt\n");
	expect("ftx record -e sched -- trace-cm", "trace-cmd\n");
}
END_TEST

/* Every command and every long option of its help: generated, never stale */
START_TEST(test_every_command_and_option)
{
	char cmd[512], *cmds, *c, *save = NULL, *all;
	FILE *p;
	size_t n;
	int checked = 0;

	all = complete("ftx ");
	snprintf(cmd, sizeof(cmd), "%s help | awk '/^Commands:/{f=1;next} f&&/^  [a-z]/{print $1} "
		 "/^$/{f=0}'", getenv("FTX"));
	cmds = calloc(1, 4096);
	p = popen(cmd, "r");
	n = fread(cmds, 1, 4095, p);
	cmds[n] = '\0';
	pclose(p);
	for (c = strtok_r(cmds, "\n", &save); c; c = strtok_r(NULL, "\n", &save)) {
		char word[64], line[128], *opts, *help, *o;

		snprintf(word, sizeof(word), "\n%s\n", c);
		ck_assert_msg(strstr(all, word) || !strncmp(all, word + 1, strlen(word) - 1),
			      "command %s not completed", c);
		snprintf(line, sizeof(line), "ftx %s --", c);
		opts = complete(line);
		snprintf(cmd, sizeof(cmd), "%s help %s | grep -o -- '--[a-z][a-z0-9-]*' | sort -u",
			 getenv("FTX"), c);
		help = calloc(1, 1 << 16);
		p = popen(cmd, "r");
		n = fread(help, 1, (1 << 16) - 1, p);
		help[n] = '\0';
		pclose(p);
		for (o = strtok(help, "\n"); o; o = strtok(NULL, "\n")) {
			char needle[80];

			snprintf(needle, sizeof(needle), "%s\n", o);
			/* options named inside a description are not the command's own */
			snprintf(cmd, sizeof(cmd), "%s help %s | grep -qE -- '^ +(-[A-Za-z0-9], )?%s( |$)'",
				 getenv("FTX"), c, o);
			if (system(cmd) != 0)
				continue;
			ck_assert_msg(strstr(opts, needle), "ftx %s: %s not completed", c, o);
			checked++;
		}
		free(help);
		free(opts);
	}
	ck_assert_int_gt(checked, 30);
	free(cmds);
	free(all);
}
END_TEST

Suite *completion_suite(void)
{
	Suite *s = suite_create("completion");
	TCase *tc = tcase_create("bash");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_every_command_and_option);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
