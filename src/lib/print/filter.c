// SPDX-License-Identifier: GPL-2.0
/*
 * User filters (-F, --pid) for libtraceevent, made safe: libtraceevent 1.7's
 * filter parser reads past the end of an unclosed string, dereferences NULL
 * on an expression that ends with an operator, and strcpy()s the expression
 * into a 1 KiB error buffer. The shapes it crashes on are refused here with
 * the column; whatever else it might crash on is found by compiling the
 * filter once in a forked child first.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "ftx/filter.h"
#include "ftx/util.h"

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '*' || c == '.' || c == '-';
}

/*
 * libtraceevent spells an event "system/event" and matches names as regular
 * expressions; perf and ftx users write "system:event" and globs
 * ("sched:*", "sched:sched_wak*"). Returns the filter in libtraceevent's
 * spelling, malloc()ed; only the event list changes, not the expression.
 */
static char *filter_normalize(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1), *o = out;
	const char *p = s, *q, *r;

	if (!out)
		return NULL;
	for (;;) {
		while (*p == ' ')
			*o++ = *p++;
		for (q = p; is_name_char(*q); q++)
			;
		r = q;
		if (q > p && *q == ':' && is_name_char(q[1])) {
			for (r = q + 1; is_name_char(*r); r++)
				;
			if (*r && *r != ':' && *r != ',' && *r != ' ')
				r = q;
		}
		/* [p, r) is one event name: "sys:event" or "name" */
		for (; p < r; p++) {
			if (*p == ':')
				*o++ = '/';
			else if (*p == '*' && (p == s || p[-1] != '.'))
				o += sprintf(o, ".*");
			else
				*o++ = *p;
		}
		while (*p == ' ')
			*o++ = *p++;
		if (*p != ',')
			break;
		*o++ = *p++;
	}
	strcpy(o, p);
	return out;
}

/* libtraceevent's token classes (event-parse.c get_type()) */
static bool tok_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool tok_item(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool tok_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == ',';
}

/* "&&", "||", "!": what libtraceevent combines comparisons with */
static bool op_is_logic(const char *op, size_t n)
{
	size_t i;

	if (memmem(op, n, "&&", 2) || memmem(op, n, "||", 2))
		return true;
	for (i = 0; i < n && op[i] == '!'; i++)
		;
	return i == n;
}

enum tok_kind { TOK_END, TOK_VALUE, TOK_OP, TOK_LOGIC, TOK_LPAREN, TOK_RPAREN, TOK_COMMA,
		TOK_OPEN_STRING };

/* The token at @p (spaces skipped): its kind, start and end */
static enum tok_kind next_token(const char *p, const char **start, const char **end)
{
	unsigned char c;

	while (tok_space(*p))
		p++;
	*start = p;
	c = *p;
	if (!c) {
		*end = p;
		return TOK_END;
	}
	if (c == '"' || c == '\'') {
		const char *q = p + 1;

		/*
		 * As libtraceevent reads it: a quote right after a backslash does not
		 * close the string, even after "\\" (its cancelling of a doubled
		 * backslash is undone on the next character).
		 */
		while (*q && (*q != c || q[-1] == '\\'))
			q++;
		*end = *q ? q + 1 : q;
		return *q ? TOK_VALUE : TOK_OPEN_STRING;
	}
	if (tok_item(c)) {
		while (tok_item(*p))
			p++;
		*end = p;
		return TOK_VALUE;
	}
	if (tok_delim(c)) {
		*end = p + 1;
		return c == '(' ? TOK_LPAREN : c == ')' ? TOK_RPAREN : TOK_COMMA;
	}
	/* an operator (libtraceevent splits runs of them as C does) */
	while (*p && !tok_space(*p) && !tok_item(*p) && !tok_delim(*p) && *p != '"' && *p != '\'')
		p++;
	*end = p;
	return op_is_logic(*start, p - *start) ? TOK_LOGIC : TOK_OP;
}

/*
 * The shape check of an already normalized filter. libtraceevent's parser
 * crashes when the expression ends in an operator, when a string is not
 * closed, and when "&&", "||" or "!" is followed by a value that is not
 * compared to anything ("x == 1 && y"): those are refused here.
 */
static int check_normalized(const char *s, ssize_t delta, char *why, size_t len)
{
	const char *expr = strchr(s, ':'), *p, *tok, *end, *op = NULL, *bare = NULL;
	bool after_logic = false;
	enum tok_kind k;
	int depth = 0;

	for (p = s; *p; p++) {
		unsigned char c = *p;

		if ((c < 0x20 && !tok_space(c)) || c == 0x7f) {
			snprintf(why, len, "a control character (\\x%02x) at column %zu", c,
				 (size_t)(p - s) + 1 + delta);
			return -1;
		}
	}
	if (!expr)
		return 0;
	expr++;
	if (strlen(expr) > FTX_FILTER_EXPR_MAX) {
		snprintf(why, len, "the expression is longer than %d characters", FTX_FILTER_EXPR_MAX);
		return -1;
	}
	for (p = expr;; p = end) {
		k = next_token(p, &tok, &end);
		if (k == TOK_OPEN_STRING) {
			snprintf(why, len, "the string opened at column %zu is not closed",
				 (size_t)(tok - s) + 1 + delta);
			return -1;
		}
		/* a value after a logic operator must be compared */
		if (bare && k != TOK_OP) {
			snprintf(why, len, "the value at column %zu is not compared to anything "
				 "(write e.g. 'field == 1')", (size_t)(bare - s) + 1 + delta);
			return -1;
		}
		bare = NULL;
		if (k == TOK_END)
			break;
		if (k == TOK_RPAREN && op) {
			snprintf(why, len, "the operator '%.*s' at column %zu has no value after it",
				 (int)(p - op), op, (size_t)(op - s) + 1 + delta);
			return -1;
		}
		if (k == TOK_RPAREN && --depth < 0) {
			snprintf(why, len, "the ')' at column %zu closes nothing", (size_t)(tok - s) + 1 + delta);
			return -1;
		}
		if (k == TOK_LPAREN)
			depth++;
		if (k == TOK_VALUE && after_logic)
			bare = tok;
		after_logic = k == TOK_LOGIC;
		op = k == TOK_OP || k == TOK_LOGIC ? tok : NULL;
	}
	if (op) {
		snprintf(why, len, "the expression ends after the operator '%.*s' at column %zu: a value is missing",
			 (int)(p - op), op, (size_t)(op - s) + 1 + delta);
		return -1;
	}
	if (depth > 0) {
		snprintf(why, len, "%d '(' not closed", depth);
		return -1;
	}
	return 0;
}

char *ftx_filter_prepare(const char *s, char *why, size_t len)
{
	char *n = filter_normalize(s);

	if (!n) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	if (check_normalized(n, strlen(s) - strlen(n), why, len)) {
		free(n);
		return NULL;
	}
	return n;
}

int ftx_filter_check(const char *s, char *why, size_t len)
{
	char *n = ftx_filter_prepare(s, why, len);

	free(n);
	return n ? 0 : -1;
}

/*
 * libtraceevent's message is "<expression>\n<spaces>^\n<what>": make it one
 * line, "<what> at column N" with N counted in the user's whole filter.
 */
static void tep_message(const char *err, size_t expr_col, char *out, size_t len)
{
	const char *l2 = strchr(err, '\n'), *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	const char *caret;

	if (!l3) {
		snprintf(out, len, "%s", err);
		return;
	}
	caret = memchr(l2 + 1, '^', l3 - l2 - 1);
	if (caret)
		snprintf(out, len, "%s at column %zu", l3 + 1, expr_col + (size_t)(caret - l2 - 1));
	else
		snprintf(out, len, "%s", l3 + 1);
}

/*
 * Compile @s in a child: 0 it compiles, 1 libtraceevent refuses it (@why
 * says why, columns counted in @s), -1 its parser crashed or hung there. If
 * no child can be made, 0: the shape check has to do. The child's verdict is
 * the first byte it writes ('0', or '1' and the message); a child that wrote
 * none crashed, hung, or made valgrind report a memory error (under valgrind
 * a double free does not abort, and the exit status is valgrind's).
 */
static int trial_compile(struct tep_handle *tep, const char *s, ssize_t delta, char *why,
			 size_t len)
{
	int status = 0, pfd[2], verdict;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pfd))
		return 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return 0;
	}
	if (pid == 0) {
		struct rlimit nocore = { 0, 0 };
		struct tep_event_filter *f;
		unsigned int vg_errors = ftx_memcheck_errors();
		char err[1024], msg[512];
		const char *colon = strchr(s, ':');
		int ret, null;

		close(pfd[0]);
		null = open("/dev/null", O_WRONLY);

		/* glibc's "double free detected" and libtraceevent's warnings: not the user's */
		if (null >= 0)
			dup2(null, 2);
		setrlimit(RLIMIT_CORE, &nocore);
		alarm(10);
		f = tep_filter_alloc(tep);
		if (!f)
			_exit(write(pfd[1], "0", 1) < 0);
		ret = tep_filter_add_filter_str(f, s);
		if (ftx_memcheck_errors() != vg_errors)
			_exit(2);
		if (ret >= 0)
			_exit(write(pfd[1], "0", 1) < 0);
		err[0] = 0;
		tep_filter_strerror(f, ret, err, sizeof(err));
		msg[0] = '1';
		tep_message(err, colon ? (size_t)(colon - s) + 2 + delta : 1, msg + 1, sizeof(msg) - 1);
		_exit(write(pfd[1], msg, strlen(msg)) < 0);
	}
	close(pfd[1]);
	while (got < (ssize_t)len - 1) {
		n = read(pfd[0], why + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	why[got] = 0;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	if (!got)
		return -1;
	verdict = why[0] - '0';
	memmove(why, why + 1, got);
	return verdict;
}

/*
 * libtraceevent crashed on @s (often: freeing twice on an error found after
 * "&&"). Find where by compiling each comparison alone, in place (the rest
 * blanked, so columns stay): the first one it refuses is the place.
 */
static void locate_crash(struct tep_handle *tep, const char *s, ssize_t delta, char *why,
			 size_t len)
{
	const char *expr = strchr(s, ':') + 1, *p, *tok, *end, *atom = NULL;
	size_t n = strlen(s);
	char *t = malloc(n + 1);
	enum tok_kind k;

	snprintf(why, len, "libtraceevent's filter parser crashes on it");
	if (!t)
		return;
	for (p = expr;; p = end) {
		k = next_token(p, &tok, &end);
		if (k == TOK_VALUE || k == TOK_OP) {
			if (!atom)
				atom = tok;
			continue;
		}
		if (atom) {
			memcpy(t, s, n + 1);
			memset(t + (expr - s), ' ', atom - expr);
			memset(t + (p - s), ' ', n - (p - s));
			if (trial_compile(tep, t, delta, why, len) == 1)
				break;
			snprintf(why, len, "libtraceevent's filter parser crashes on it");
			atom = NULL;
		}
		if (k == TOK_END)
			break;
	}
	free(t);
}

struct tep_event_filter *ftx_filter_compile(struct tep_handle *tep, const char *s)
{
	struct tep_event_filter *flt;
	char why[512], *str;
	ssize_t delta;
	int ret;

	str = ftx_filter_prepare(s, why, sizeof(why));
	if (!str)
		goto bad;
	delta = strlen(s) - strlen(str);
	ret = trial_compile(tep, str, delta, why, sizeof(why));
	if (ret < 0)
		locate_crash(tep, str, delta, why, sizeof(why));
	if (ret)
		goto bad;
	flt = tep_filter_alloc(tep);
	if (!flt) {
		free(str);
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return NULL;
	}
	ret = tep_filter_add_filter_str(flt, str);
	if (ret < 0) {
		/* refused here though the child compiled it: only without a child */
		const char *colon = strchr(str, ':');
		char err[1024];

		err[0] = 0;
		tep_filter_strerror(flt, ret, err, sizeof(err));
		tep_filter_free(flt);
		tep_message(err, colon ? (size_t)(colon - str) + 2 + delta : 1, why, sizeof(why));
		goto bad;
	}
	free(str);
	return flt;
bad:
	free(str);
	errno = EINVAL;
	ftx_error_set("bad filter '%s': %s", s, why);
	return NULL;
}
