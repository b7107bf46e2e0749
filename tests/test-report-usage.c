// SPDX-License-Identifier: GPL-2.0
/*
 * Usage errors, through the binary: exit 2, nothing on stdout and exactly one
 * printable line on stderr ("ftx CMD: reason"), for every command's unknown
 * option, every option of its help text left without its argument, and every
 * numeric option given a word; report's own refusals word for word; bytes of
 * user input from 0x7f up and control bytes come out escaped.
 */
#include <check.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-sh.h"

#define SCHED "fixtures/linux-6.1-amd64/sched_syscalls.v7.dat"

struct run {
	int rc;
	char out[4096], err[4096];
	size_t nout, nerr;
};

static size_t slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_msg(f, "%s", path);
	n = fread(buf, 1, size - 1, f);
	buf[n] = 0;
	fclose(f);
	return n;
}

/* $FTX ARGS (bash words: $'...' for bytes) with stdin from /dev/null */
static void run(struct run *r, const char *args)
{
	char dir[] = "/tmp/ftx-usage-XXXXXX", o[64], e[64], sh[64];
	FILE *f;

	ck_assert_msg(getenv("FTX"), "FTX is not set (run through make check-unit)");
	ck_assert(mkdtemp(dir));
	snprintf(o, sizeof(o), "%s/out", dir);
	snprintf(e, sizeof(e), "%s/err", dir);
	snprintf(sh, sizeof(sh), "%s/cmd.sh", dir);
	f = fopen(sh, "w");
	ck_assert(f);
	fprintf(f, "exec \"$FTX\" %s </dev/null >%s 2>%s\n", args, o, e);
	fclose(f);
	r->rc = test_sh("bash %s", sh);
	r->nout = slurp(o, r->out, sizeof(r->out));
	r->nerr = slurp(e, r->err, sizeof(r->err));
	unlink(o);
	unlink(e);
	unlink(sh);
	rmdir(dir);
}

/* exit 2, no output, one printable line starting with "ftx CMD: " */
static void assert_one_line(const struct run *r, const char *cmd, const char *args)
{
	char prefix[64];
	size_t i;

	ck_assert_msg(r->rc == 2, "ftx %s: exit %d, not 2\n%s", args, r->rc, r->err);
	ck_assert_msg(r->nout == 0, "ftx %s: wrote to stdout: %s", args, r->out);
	ck_assert_msg(r->nerr > 0 && r->err[r->nerr - 1] == '\n', "ftx %s: no line: '%s'",
		      args, r->err);
	ck_assert_msg(strchr(r->err, '\n') == r->err + r->nerr - 1, "ftx %s: more than one line:\n%s",
		      args, r->err);
	for (i = 0; i + 1 < r->nerr; i++)
		ck_assert_msg(r->err[i] >= 0x20 && r->err[i] < 0x7f,
			      "ftx %s: byte 0x%02x at %zu of '%s'", args,
			      (unsigned char)r->err[i], i, r->err);
	snprintf(prefix, sizeof(prefix), "ftx %s: ", cmd);
	ck_assert_msg(!strncmp(r->err, prefix, strlen(prefix)), "ftx %s: '%s'", args, r->err);
}

static char *capture(const char *args, size_t *len)
{
	const char *ftx = getenv("FTX");
	char cmd[512], *buf = malloc(65536);
	FILE *p;

	ck_assert_msg(ftx, "FTX is not set (run through make check-unit)");
	ck_assert(buf);
	snprintf(cmd, sizeof(cmd), "%s %s", ftx, args);
	p = popen(cmd, "r");
	ck_assert(p);
	*len = fread(buf, 1, 65535, p);
	buf[*len] = 0;
	pclose(p);
	return buf;
}

/* the command names: indented lines after "Commands:" in 'ftx help' */
static int commands(char names[][32], int max)
{
	char *out, *line, *save = NULL;
	bool in = false;
	size_t len;
	int n = 0;

	out = capture("help", &len);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "Commands:"))
			in = true;
		else if (in && !strncmp(line, "  ftx ", 6))
			break;
		else if (in && !strncmp(line, "  ", 2) && isalpha((unsigned char)line[2]) && n < max)
			sscanf(line, " %31s", names[n++]);
	}
	free(out);
	return n;
}

static bool numeric_arg(const char *a)
{
	static const char *const kinds[] = { "N", "PID", "TID", "LIST", "CPUS", "SECS", "US", "MS",
					     "PX", "KB", "STEP", NULL };
	int i;

	for (i = 0; kinds[i]; i++)
		if (!strcmp(a, kinds[i]))
			return true;
	return false;
}

START_TEST(test_every_command)
{
	char names[32][32], args[256], want[256], opt[64], arg[32], *help, *p, *line, *save;
	int n = commands(names, 32), i, opts = 0, nums = 0;
	struct run r;
	size_t len;

	ck_assert_int_ge(n, 10);
	/* the recorders only parse here (no command, no event): nothing touches tracefs */
	for (i = 0; i < n; i++) {
		snprintf(args, sizeof(args), "%.31s --bogus-opt", names[i]);
		run(&r, args);
		assert_one_line(&r, names[i], args);
		snprintf(want, sizeof(want), "ftx %.31s: unknown option '--bogus-opt'\n", names[i]);
		ck_assert_str_eq(r.err, want);

		snprintf(args, sizeof(args), "help %.31s", names[i]);
		help = capture(args, &len);
		save = NULL;
		for (line = strtok_r(help, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			/* "  -x, --long ARG   text" or "      --long ARG  text" */
			p = strstr(line, "--");
			if (!p || p - line > 8 || !isalpha((unsigned char)p[2]) ||
			    sscanf(p, "%63[a-z0-9-] %31[A-Z_]", opt, arg) != 2)
				continue;
			snprintf(args, sizeof(args), "%.31s %s", names[i], opt);
			run(&r, args);
			assert_one_line(&r, names[i], args);
			snprintf(want, sizeof(want), "ftx %.31s: option '%s' needs an argument\n",
				 names[i], opt);
			ck_assert_str_eq(r.err, want);
			opts++;
			if (!numeric_arg(arg))
				continue;
			snprintf(args, sizeof(args), "%.31s %s abc", names[i], opt);
			run(&r, args);
			assert_one_line(&r, names[i], args);
			/* profile names record's options as going with '-- COMMAND' */
			ck_assert_msg(strstr(r.err, "abc") || strstr(r.err, "-- COMMAND"),
				      "ftx %s: '%s' does not name the value", args, r.err);
			nums++;
		}
		free(help);
	}
	ck_assert_int_ge(opts, 40);
	ck_assert_int_ge(nums, 30);
}
END_TEST

/* report's refusals, word for word */
static const struct {
	const char *args, *line;
} report_cases[] = {
	{ "--pid abc", "--pid wants a process id, not 'abc'" },
	{ "--pid -1", "--pid wants a process id, not '-1'" },
	{ "--cpu -1", "bad CPU list '-1' (CPUs 0 to 8191, e.g. 0-3,6)" },
	{ "--cpu 99999", "bad CPU list '99999' (CPUs 0 to 8191, e.g. 0-3,6)" },
	{ "--graph --min-duration nan", "--min-duration wants microseconds, not 'nan'" },
	{ "--graph --func ''", "--func wants a function name, not ''" },
	{ "--graph --max-depth 0", "--max-depth wants a depth from 1 to 1000, not '0'" },
	{ "--max-depth 3", "--max-depth, --min-duration and --func go with --graph" },
	{ "--graph -t", "--graph does not combine with -F, -I, -S, -R, -w, -O, --stat, -t, -l, --ts-diff or --ts-offset" },
	{ "--graph -I", "--graph does not combine with -F, -I, -S, -R, -w, -O, --stat, -t, -l, --ts-diff or --ts-offset" },
	{ "--graph --pid 1 --pid 2", "--graph follows one --pid" },
	{ SCHED " other.dat", "one input file: 'other.dat' is an extra argument" },
	{ "-i " SCHED " other.dat", "one input file: 'other.dat' is an extra argument" },
	{ "-i " SCHED " -i other.dat", "one input file: 'other.dat' is an extra one" },
	{ "-i", "option '-i' needs an argument" },
	{ "-x", "unknown option '-x'" },
	{ "-F 'sched_switch: prev_pid =='", "bad filter 'sched_switch: prev_pid ==': the expression "
	  "ends after the operator '==' at column 24: a value is missing" },
	{ "-i " SCHED " -F 'sched_switch: prev_pid > 0 && '", "bad filter 'sched_switch: prev_pid > 0 "
	  "&& ': the expression ends after the operator '&&' at column 28: a value is missing" },
	/* raw bytes of user input come out escaped */
	{ "-F $'sched_switch: prev_comm == \"\\xff\\xc3\\xa9'", "bad filter 'sched_switch: "
	  "prev_comm == \"\\xff\\xc3\\xa9': the string opened at column 28 is not closed" },
	{ "-F $'sched_switch: prev_comm == \"\\x9b31m\\x1b[0m'", "bad filter 'sched_switch: "
	  "prev_comm == \"\\x9b31m\\x1b[0m': a control character (\\x1b) at column 33" },
	{ "-i " SCHED " -F $'\\xc3\\xa9'", "bad filter '\\xc3\\xa9': no event found" },
	{ "-i " SCHED " -F $'sched_switch: prev_comm == \"\\xfe\" && \\xfex == 1'",
	  "bad filter 'sched_switch: prev_comm == \"\\xfe\" && \\xfex == 1': Syntax error at column 35" },
	{ "$'--\\xff'", "unknown option '--\\xff'" },
};

START_TEST(test_report_refusals)
{
	char args[1024], want[1024];
	struct run r;

	snprintf(args, sizeof(args), "report %s", report_cases[_i].args);
	run(&r, args);
	assert_one_line(&r, "report", args);
	snprintf(want, sizeof(want), "ftx report: %s\n", report_cases[_i].line);
	ck_assert_str_eq(r.err, want);
}
END_TEST

/* outside a command: one line too */
START_TEST(test_top_level)
{
	struct run r;

	run(&r, "bogus-command");
	ck_assert_int_eq(r.rc, 2);
	ck_assert_str_eq(r.err, "ftx: unknown command 'bogus-command' (see 'ftx help')\n");
	run(&r, "--bogus");
	ck_assert_int_eq(r.rc, 2);
	ck_assert_str_eq(r.err, "ftx: unknown option '--bogus' (see 'ftx help')\n");
	run(&r, "help bogus");
	ck_assert_int_eq(r.rc, 2);
	ck_assert_str_eq(r.err, "ftx help: unknown command 'bogus' (see 'ftx help')\n");
	ck_assert_int_eq(r.nout, 0);
}
END_TEST

Suite *report_usage_suite(void)
{
	Suite *s = suite_create("report-usage");
	TCase *tc = tcase_create("report-usage");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_command);
	tcase_add_loop_test(tc, test_report_refusals, 0,
			    sizeof(report_cases) / sizeof(report_cases[0]));
	tcase_add_test(tc, test_top_level);
	suite_add_tcase(s, tc);
	return s;
}
