// SPDX-License-Identifier: GPL-2.0
/*
 * README.md and README.zh-CN.md are kept in step: both list the same commands
 * (the rows of their command tables) and mention the same command-line
 * options and make targets (every `-x` / `--long` / `make target` token
 * inside their code spans and blocks, which the translation keeps as they
 * are), and every command of 'ftx help' is in both tables; the kernel matrix
 * (make vm-matrix writes it into both) is the same. Run from tests/.
 */
#include <check.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/util.h"

#define MAX_TOKENS 4096

struct tokens {
	char *v[MAX_TOKENS];
	int n;
};

static void add(struct tokens *t, const char *s, size_t len)
{
	for (int i = 0; i < t->n; i++)
		if (strlen(t->v[i]) == len && !strncmp(t->v[i], s, len))
			return;
	ck_assert_int_lt(t->n, MAX_TOKENS);
	t->v[t->n++] = strndup(s, len);
}

/* Option tokens in a piece of code: -x, --long-name (after a blank or a bracket) */
static void options_in(struct tokens *t, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t j;

		if (p[i] != '-' || (i && !strchr(" \t([|'\"`=", p[i - 1])))
			continue;
		j = i + 1;
		if (j < len && p[j] == '-')
			j++;
		if (j >= len || !isalpha((unsigned char)p[j]))
			continue;
		while (j < len && (isalnum((unsigned char)p[j]) || p[j] == '-' || p[j] == '_'))
			j++;
		if (p[i + 1] != '-' && j - i > 2)
			continue;	/* "-rt", "-cpu": words, not short options */
		add(t, p + i, j - i);
		i = j;
	}
}

/* Commands (table rows "| `ftx NAME` |") and options of one README */
static void scan(const char *path, struct tokens *cmds, struct tokens *opts)
{
	char *text = ftx_read_file(path, NULL), *line, *save = NULL;
	bool fenced = false;

	ck_assert_msg(text, "cannot read %s", path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p, *q;

		if (!strncmp(line, "```", 3)) {
			fenced = !fenced;
			continue;
		}
		if (fenced) {
			options_in(opts, line, strlen(line));
			continue;
		}
		if (!strncmp(line, "| `ftx ", 7)) {
			q = strchr(line + 7, '`');
			if (q)
				add(cmds, line + 7, q - (line + 7));
		}
		for (p = strchr(line, '`'); p && (q = strchr(p + 1, '`')); p = strchr(q + 1, '`'))
			options_in(opts, p + 1, q - p - 1);
	}
	free(text);
}

static void missing(const struct tokens *a, const struct tokens *b, const char *what,
		    const char *from, const char *in)
{
	for (int i = 0; i < a->n; i++) {
		bool found = false;

		for (int j = 0; j < b->n && !found; j++)
			found = !strcmp(a->v[i], b->v[j]);
		ck_assert_msg(found, "%s '%s' of %s is not in %s", what, a->v[i], from, in);
	}
}

START_TEST(test_same_commands_and_options)
{
	struct tokens *ec = calloc(1, sizeof(*ec)), *eo = calloc(1, sizeof(*eo));
	struct tokens *zc = calloc(1, sizeof(*zc)), *zo = calloc(1, sizeof(*zo));
	char cmd[512], name[64];
	FILE *p;
	int n = 0;

	scan("../README.md", ec, eo);
	scan("../README.zh-CN.md", zc, zo);
	ck_assert_int_ge(ec->n, 10);
	ck_assert_int_ge(eo->n, 50);
	missing(ec, zc, "command", "README.md", "README.zh-CN.md");
	missing(zc, ec, "command", "README.zh-CN.md", "README.md");
	missing(eo, zo, "option", "README.md", "README.zh-CN.md");
	missing(zo, eo, "option", "README.zh-CN.md", "README.md");

	/* and the tables list every command of the binary */
	snprintf(cmd, sizeof(cmd), "%.400s help | awk '/^Commands:/{f=1;next} f&&/^  [a-z]/{print $1} "
		 "/^$/{f=0}'", getenv("FTX"));
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fscanf(p, "%63s", name) == 1) {
		struct tokens one = { .n = 0 };

		add(&one, name, strlen(name));
		missing(&one, ec, "command", "'ftx help'", "README.md's table");
		free(one.v[0]);
		n++;
	}
	pclose(p);
	ck_assert_int_ge(n, 10);
	for (int i = 0; i < ec->n; i++)
		free(ec->v[i]);
	for (int i = 0; i < eo->n; i++)
		free(eo->v[i]);
	for (int i = 0; i < zc->n; i++)
		free(zc->v[i]);
	for (int i = 0; i < zo->n; i++)
		free(zo->v[i]);
	free(ec);
	free(eo);
	free(zc);
	free(zo);
}
END_TEST

/* The kernel matrix between "<!-- vm-matrix -->" markers, malloc()ed */
static char *matrix(const char *path)
{
	char *text = ftx_read_file(path, NULL), *a, *b, *m;

	ck_assert_msg(text, "cannot read %s", path);
	a = strstr(text, "\n<!-- vm-matrix -->\n");
	ck_assert_msg(a, "%s has no <!-- vm-matrix --> marker", path);
	b = strstr(a, "\n<!-- /vm-matrix -->\n");
	ck_assert_msg(b, "%s has no <!-- /vm-matrix --> marker", path);
	m = strndup(a, b - a);
	free(text);
	return m;
}

/* make vm-matrix rewrites both; a table edited in one only is stale in the other */
START_TEST(test_same_kernel_matrix)
{
	char *en = matrix("../README.md"), *zh = matrix("../README.zh-CN.md");

	ck_assert_int_gt(strlen(en), 200);
	ck_assert_msg(!strcmp(en, zh), "the kernel matrix of README.zh-CN.md differs from "
		      "README.md's: run make vm-matrix");
	free(en);
	free(zh);
}
END_TEST

Suite *readme_suite(void)
{
	Suite *s = suite_create("readme");
	TCase *tc = tcase_create("translation");

	tcase_add_test(tc, test_same_commands_and_options);
	tcase_add_test(tc, test_same_kernel_matrix);
	suite_add_tcase(s, tc);
	return s;
}
