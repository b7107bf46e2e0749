// SPDX-License-Identifier: GPL-2.0
/*
 * The session journal (format in ftx/journal.h): written ahead of every
 * top-level change by the session, parsed by 'ftx reset'.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/journal.h"

static void journal_escape(FILE *f, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = data[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

int ftx_journal_open(struct ftx_journal *j, const char *instance)
{
	char tmp[64], path[64];
	unsigned int n = 0;
	int fd;

	if (j->fd >= 0)
		return 0;
	if (mkdir(FTX_JOURNAL_DIR, 0700) < 0 && errno == ENOENT) {
		/* An initramfs without /run */
		char parent[sizeof(FTX_JOURNAL_DIR)], *slash;

		memcpy(parent, FTX_JOURNAL_DIR, sizeof(parent));
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			mkdir(parent, 0755);
		}
		mkdir(FTX_JOURNAL_DIR, 0700);
	}
	if (access(FTX_JOURNAL_DIR, W_OK) < 0)
		goto fail;
	snprintf(tmp, sizeof(tmp), "%s/.new-%d-%p", FTX_JOURNAL_DIR, (int)getpid(), (void *)j);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if (flock(fd, LOCK_EX) < 0 ||
	    dprintf(fd, "ftx-journal 1\ninstance %s\n", instance ? instance : "-") < 0)
		goto fail_tmp;
	for (;;) {
		if (n)
			snprintf(path, sizeof(path), "%s/%d.%u", FTX_JOURNAL_DIR, (int)getpid(), n);
		else
			snprintf(path, sizeof(path), "%s/%d", FTX_JOURNAL_DIR, (int)getpid());
		if (link(tmp, path) == 0)
			break;
		/* A dead process's journal of our pid waits for 'ftx reset'. */
		if (errno != EEXIST || ++n > 64)
			goto fail_tmp;
	}
	unlink(tmp);
	j->path = strdup(path);
	j->fd = fd;
	return 0;
fail_tmp:
	{
		int saved = errno;

		unlink(tmp);
		close(fd);
		errno = saved;
	}
fail:
	ftx_error_set("cannot write the journal in %s: %s", FTX_JOURNAL_DIR, strerror(errno));
	return -1;
}

int ftx_journal_note_instance(struct ftx_journal *j, const char *instance)
{
	if (j->fd < 0)
		return 0;
	return dprintf(j->fd, "instance %s\n", instance) < 0 ? -1 : 0;
}

int ftx_journal_add(struct ftx_journal *j, const struct ftx_journal_op *ops, int nr)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int i, ret;

	f = open_memstream(&buf, &size);
	if (!f) {
		ftx_error_set("out of memory");
		return -1;
	}
	for (i = 0; i < nr; i++) {
		fprintf(f, "op %u %c %s ", j->seq, ops[i].append ? 'A' : 'T', ops[i].path);
		journal_escape(f, ops[i].data, ops[i].len);
		fputc('\n', f);
	}
	j->seq++;
	if (fclose(f) != 0) {
		free(buf);
		ftx_error_set("out of memory");
		return -1;
	}
	ret = write(j->fd, buf, size) == (ssize_t)size ? 0 : -1;
	if (ret < 0)
		ftx_error_set("cannot write the journal %s: %s", j->path, strerror(errno));
	free(buf);
	return ret;
}

void ftx_journal_close(struct ftx_journal *j, bool remove)
{
	if (j->path && remove)
		unlink(j->path);
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	free(j->path);
	j->path = NULL;
}

void ftx_journal_free(struct ftx_journal_op *ops, int nr)
{
	int i;

	if (!ops)
		return;
	for (i = 0; i < nr; i++) {
		free(ops[i].path);
		free(ops[i].data);
	}
	free(ops);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undo journal_escape(); returns a malloc()ed buffer. */
static char *journal_unescape(const char *s, size_t n, size_t *len)
{
	char *out = malloc(n + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		if (++i >= n)
			goto inval;
		if (s[i] == '\\') {
			*o++ = '\\';
		} else if (s[i] == 'n') {
			*o++ = '\n';
		} else if (s[i] == 'x' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			*o++ = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			i += 2;
		} else {
			goto inval;
		}
	}
	*o = '\0';
	*len = o - out;
	return out;
inval:
	free(out);
	errno = EINVAL;
	return NULL;
}

int ftx_journal_parse(const char *text, struct ftx_journal_op **ops, char **instance)
{
	struct ftx_journal_op *arr = NULL, *na;
	const char *line, *next, *end;
	int nr = 0, lineno = 0;

	*ops = NULL;
	if (instance)
		*instance = NULL;
	for (line = text; line && *line; line = next) {
		unsigned int group;
		char kind, path[4096];
		int off = 0;

		end = strchr(line, '\n');
		next = end ? end + 1 : line + strlen(line);
		if (!end)
			end = next;
		lineno++;
		if (lineno == 1) {
			if (strncmp(line, "ftx-journal 1", 13) || line + 13 != end)
				goto inval;
			continue;
		}
		if (end == line)
			continue;
		if (!strncmp(line, "instance ", 9)) {
			if (instance && !*instance && end - line - 9 > 0 &&
			    strncmp(line + 9, "-", end - line - 9))
				*instance = strndup(line + 9, end - line - 9);
			continue;
		}
		if (sscanf(line, "op %u %c %4095s %n", &group, &kind, path, &off) < 3 || !off ||
		    line + off > end + 1 || (kind != 'A' && kind != 'T') || path[0] != '/')
			goto inval;
		/* "%n" may have skipped the newline of an op with empty data. */
		if (line + off > end)
			off = end - line;
		na = realloc(arr, (nr + 1) * sizeof(*arr));
		if (!na)
			goto fail;
		arr = na;
		arr[nr].group = group;
		arr[nr].append = kind == 'A';
		arr[nr].path = strdup(path);
		arr[nr].data = journal_unescape(line + off, end - line - off, &arr[nr].len);
		if (!arr[nr].path || !arr[nr].data) {
			free(arr[nr].path);
			free(arr[nr].data);
			goto fail;
		}
		nr++;
	}
	if (lineno == 0)
		goto inval;
	*ops = arr;
	return nr;
inval:
	errno = EINVAL;
fail:
	ftx_journal_free(arr, nr);
	if (instance) {
		free(*instance);
		*instance = NULL;
	}
	return -1;
}

