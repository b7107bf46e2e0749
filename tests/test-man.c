// SPDX-License-Identifier: GPL-2.0
/*
 * Every command has a man page, and every long option its help lists is in
 * that page (roff writes '-' as '\-'). Runs the real binary ($FTX).
 */
#include <check.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/util.h"

static char *run(const char *cmd)
{
	char *buf = malloc(1 << 16);
	size_t n;
	FILE *p;

	ck_assert_ptr_nonnull(buf);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(buf, 1, (1 << 16) - 1, p);
	buf[n] = '\0';
	pclose(p);
	return buf;
}

/* the command names from 'ftx help': indented lines after "Commands:" */
static int commands(char names[][32], int max)
{
	char cmd[512], *out, *line, *save = NULL;
	bool in = false;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "%.400s help", getenv("FTX"));
	out = run(cmd);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "Commands:")) {
			in = true;
			continue;
		}
		/* strtok_r skips the blank line that ends the list: stop at "  ftx help" */
		if (in && !strncmp(line, "  ftx ", 6))
			in = false;
		else if (in && !strncmp(line, "  ", 2) && isalpha((unsigned char)line[2]) && n < max)
			sscanf(line, " %31s", names[n++]);
		else if (in)
			in = false;
	}
	free(out);
	return n;
}

START_TEST(test_every_long_option_in_man_page)
{
	char names[32][32], cmd[512], path[256], opt[64], roff[160];
	char *help, *page, *p;
	int n, i, j, k, checked = 0;

	ck_assert_msg(getenv("FTX"), "FTX (the binary) is not set");
	n = commands(names, 32);
	ck_assert_int_ge(n, 5);
	page = ftx_read_file("../man/ftx.1", NULL);
	ck_assert_msg(page, "man/ftx.1 missing");
	for (i = 0; i < n; i++) {
		snprintf(roff, sizeof(roff), "ftx\\-%.31s", names[i]);
		ck_assert_msg(strstr(page, roff), "man/ftx.1 does not mention %s", roff);
	}
	free(page);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "../man/ftx-%.31s.1", names[i]);
		page = ftx_read_file(path, NULL);
		ck_assert_msg(page, "no man page %s", path);
		snprintf(cmd, sizeof(cmd), "%.400s help %.31s", getenv("FTX"), names[i]);
		help = run(cmd);
		for (p = help; (p = strstr(p, "--")); ) {
			p += 2;
			for (j = 0; j < (int)sizeof(opt) - 1 && (isalnum((unsigned char)p[j]) ||
								   p[j] == '-'); j++)
				opt[j] = p[j];
			opt[j] = '\0';
			if (!j)
				continue;
			/* --max-graph-depth is written \-\-max\-graph\-depth */
			strcpy(roff, "\\-\\-");
			for (k = 0; opt[k]; k++) {
				size_t l = strlen(roff);

				if (opt[k] == '-')
					strcpy(roff + l, "\\-");
				else
					roff[l] = opt[k], roff[l + 1] = '\0';
			}
			ck_assert_msg(strstr(page, roff), "%s: --%s is not in %s", names[i], opt,
				      path);
			checked++;
		}
		free(help);
		free(page);
	}
	ck_assert_int_gt(checked, 20);
}
END_TEST

Suite *man_suite(void)
{
	Suite *s = suite_create("man");
	TCase *tc = tcase_create("pages");

	tcase_add_test(tc, test_every_long_option_in_man_page);
	suite_add_tcase(s, tc);
	return s;
}
