/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session journal: /run/ftx/<pid>[.<n>], one per session, written ahead
 * of every change a session makes outside its private instance, so that
 * 'ftx reset' can undo the changes of a run that was SIGKILLed.
 *
 * Format (text, one item a line):
 *   ftx-journal 1
 *   instance NAME|-                    the session's instance, "-" at the top level
 *   op GROUP A|T PATH DATA             write DATA to PATH (Append or Truncate);
 *                                      DATA escaped: \\ \n \xHH
 * Groups are undone newest first, the ops of one group in order. The owner
 * holds an flock on the file for its whole life: a journal whose lock can be
 * taken belongs to a dead process, even if its pid was reused.
 */
#ifndef FTX_JOURNAL_H
#define FTX_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

/* Where sessions journal their top-level changes: FTX_JOURNAL_DIR/<pid>[.<n>] */
#ifndef FTX_JOURNAL_DIR
#define FTX_JOURNAL_DIR		"/run/ftx"
#endif

/* One undo write: also what a session replays itself on restore. */
struct ftx_journal_op {
	unsigned int group;
	bool append;		/* O_APPEND, else O_TRUNC */
	char *path;
	char *data;
	size_t len;
};

/* A journal being written; fd -1 while none is open. */
struct ftx_journal {
	char *path;		/* malloc()ed */
	int fd;			/* locked, O_APPEND */
	unsigned int seq;	/* next group */
};

#define FTX_JOURNAL_INIT	{ .path = NULL, .fd = -1, .seq = 0 }

/**
 * ftx_journal_open - create and lock this process's next journal, naming
 * @instance (NULL: the top level). The file is created under a temporary
 * name, locked, then linked to its final name, so 'ftx reset' never sees
 * it unlocked. Idempotent. Returns 0, or -1 with errno and ftx_error() set.
 */
int ftx_journal_open(struct ftx_journal *j, const char *instance);

/** ftx_journal_note_instance - record the instance made after the journal was opened */
int ftx_journal_note_instance(struct ftx_journal *j, const char *instance);

/**
 * ftx_journal_add - append @nr ops as the next group (their @group fields
 * are ignored), in one write. Returns 0, or -1 with errno and ftx_error() set.
 */
int ftx_journal_add(struct ftx_journal *j, const struct ftx_journal_op *ops, int nr);

/**
 * ftx_journal_close - unlink the journal when @remove (before closing, so it
 * is never seen unlocked), close it, free the path. Safe on a closed journal.
 */
void ftx_journal_close(struct ftx_journal *j, bool remove);

/**
 * ftx_journal_parse - parse a session journal (text of /run/ftx/<pid>)
 * @ops: receives a malloc()ed array the caller frees with ftx_journal_free()
 * @instance: if not NULL, receives the instance name (malloc()ed) or NULL
 * Returns the number of ops, or -1 (EINVAL) for a malformed journal.
 */
int ftx_journal_parse(const char *text, struct ftx_journal_op **ops, char **instance);

/** ftx_journal_free - free what ftx_journal_parse() returned; NULL is fine */
void ftx_journal_free(struct ftx_journal_op *ops, int nr);

#endif /* FTX_JOURNAL_H */
