// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat reader, metadata: v6 and v7 (none/zstd/zlib), either endianness,
 * 32- and 64-bit kernels. Layout: shared/docs/trace-dat-format.md. Opens and
 * closes the reader, parses the headers, formats and options, builds the CPU
 * table the iterator (tracedat-iter.c) walks.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "ftx/error.h"
#include "ftx/format-check.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"
#include "tracedat-local.h"

/* make check-asan: what is left on purpose is not a leak (LeakSanitizer's own call) */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FTX_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FTX_LSAN 1
#endif
#ifdef FTX_LSAN
#include <sanitizer/lsan_interface.h>
#define ftx_lsan_ignore(p) __lsan_ignore_object(p)
#else
#define ftx_lsan_ignore(p) ((void)(p))
#endif

/*
 * A libtraceevent handle whose parser faulted is never freed (its state is
 * unknown) but stays reachable from this list, so neither valgrind nor
 * LeakSanitizer takes what it holds for a leak of ftx's.
 */
struct poisoned_tep {
	struct poisoned_tep *next;
	struct tep_handle *tep;
};
static struct poisoned_tep *poisoned_teps;
static pthread_mutex_t poisoned_lock = PTHREAD_MUTEX_INITIALIZER;

static void keep_poisoned(struct tep_handle *tep)
{
	struct poisoned_tep *p = malloc(sizeof(*p));

	if (!p) {
		ftx_lsan_ignore(tep);
		return;
	}
	p->tep = tep;
	pthread_mutex_lock(&poisoned_lock);
	p->next = poisoned_teps;
	poisoned_teps = p;
	pthread_mutex_unlock(&poisoned_lock);
}

/* ---------------------------------------------------------------- errors */

/* the prefetch thread: its failures are handed to the reader's thread (tracedat-iter.c) */
__thread bool td_in_prefetch;

int td_fail(struct ftx_tracedat *td, uint64_t off, const char *fmt, ...)
{
	char msg[FTX_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ftx_error_set("%s: offset %llu: %s", td->name, (unsigned long long)off, msg);
	if (!td_in_prefetch)
		td->failed = true;
	errno = EINVAL;
	return -1;
}

int td_nomem(struct ftx_tracedat *td)
{
	ftx_error_set("%s: out of memory", td->name);
	errno = ENOMEM;
	if (!td_in_prefetch)
		td->failed = true;
	return -1;
}

/* ---------------------------------------------------------------- parse calls (td_guarded) */

static void call_header_page(struct parse_call *pc)
{
	pc->ret = tep_parse_header_page(pc->tep, pc->buf, pc->size, pc->long_size);
}

static void call_event(struct parse_call *pc)
{
	pc->ret = tep_parse_event(pc->tep, pc->buf, pc->size, pc->sys);
}

static void call_kallsyms(struct parse_call *pc)
{
	tep_parse_kallsyms(pc->tep, pc->buf);
}

static void call_printk(struct parse_call *pc)
{
	tep_parse_printk_formats(pc->tep, pc->buf);
}

static void call_cmdlines(struct parse_call *pc)
{
	tep_parse_saved_cmdlines(pc->tep, pc->buf);
}

/* ---------------------------------------------------------------- raw I/O */

int td_pread(struct ftx_tracedat *td, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t r;

	if (off > td->fsize || len > td->fsize - off)
		return td_fail(td, off, "truncated file: %zu bytes needed, file size %llu",
			       len, (unsigned long long)td->fsize);
	if (td->mem) {
		memcpy(buf, td->mem + off, len);
		return 0;
	}
	while (done < len) {
		r = pread(td->fd, (char *)buf + done, len - done, off + done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			ftx_error_set("%s: offset %llu: read error: %s", td->name,
				      (unsigned long long)(off + done), strerror(e));
			td->failed = true;
			errno = e;
			return -1;
		}
		done += r;
	}
	return 0;
}

uint64_t td_num(struct ftx_tracedat *td, const void *p, int size)
{
	return ftx_read_uint(p, size, td->swap);
}

/* ---------------------------------------------------------------- cursors */

/*
 * A cursor reads either the file (mem == NULL, positions are file offsets)
 * or a decompressed section in memory (positions index mem; errors name the
 * section's file offset).
 */
struct cur {
	struct ftx_tracedat *td;
	const uint8_t *mem;
	uint64_t pos, end;
	uint64_t sec_off;
};

static uint64_t cur_err_off(const struct cur *c)
{
	return c->mem ? c->sec_off : c->pos;
}

/* @pos lies past the end of the file or of the section: say so, without wrapping */
static int cur_beyond(struct cur *c, const char *what)
{
	struct ftx_tracedat *td = c->td;

	td->failed = true;
	errno = EINVAL;
	if (c->mem)
		ftx_error_set("%s: offset %llu: %s: position %llu is beyond the end of its section "
			      "(%llu bytes)", td->name, (unsigned long long)c->sec_off, what,
			      (unsigned long long)c->pos, (unsigned long long)c->end);
	else
		ftx_error_set("%s: offset %llu: %s: the offset is beyond the end of the file "
			      "(size %llu)", td->name, (unsigned long long)c->pos, what,
			      (unsigned long long)td->fsize);
	return -1;
}

static int cur_read(struct cur *c, void *buf, size_t len, const char *what)
{
	if (c->pos > c->end || (!c->mem && c->pos >= c->td->fsize && len))
		return cur_beyond(c, what);
	if (len > c->end - c->pos) {
		if (c->mem)
			return td_fail(c->td, c->sec_off,
				       "%s: section too short (%zu bytes needed at %llu of %llu)",
				       what, len, (unsigned long long)c->pos,
				       (unsigned long long)c->end);
		return td_fail(c->td, c->pos, "%s: truncated (%zu bytes needed, %llu left)",
			       what, len, (unsigned long long)(c->end - c->pos));
	}
	if (c->mem)
		memcpy(buf, c->mem + c->pos, len);
	else if (td_pread(c->td, c->pos, buf, len))
		return -1;
	c->pos += len;
	return 0;
}

static int cur_num(struct cur *c, int size, uint64_t *val, const char *what)
{
	uint8_t b[8];

	if (cur_read(c, b, size, what))
		return -1;
	*val = td_num(c->td, b, size);
	return 0;
}

/* A NUL-terminated string of at most 4 KiB; *out is malloc()ed */
static int cur_str(struct cur *c, char **out, const char *what)
{
	char buf[4096];
	size_t n = 0;
	uint64_t start = c->pos;

	for (;;) {
		if (n == sizeof(buf)) {
			c->pos = start;
			return td_fail(c->td, cur_err_off(c), "%s: string too long", what);
		}
		if (cur_read(c, buf + n, 1, what))
			return -1;
		if (!buf[n])
			break;
		n++;
	}
	*out = strdup(buf);
	if (!*out)
		return td_nomem(c->td);
	return 0;
}

/* @len bytes + a NUL into a malloc()ed buffer; the size is checked first */
static int cur_blob(struct cur *c, uint64_t len, char **out, const char *what)
{
	char *buf;

	if (c->pos > c->end)
		return cur_beyond(c, what);
	if (len > c->end - c->pos) {
		return td_fail(c->td, cur_err_off(c),
			       "%s: size %llu is larger than the %llu bytes left", what,
			       (unsigned long long)len, (unsigned long long)(c->end - c->pos));
	}
	buf = malloc(len + 1);
	if (!buf)
		return td_nomem(c->td);
	if (cur_read(c, buf, len, what)) {
		free(buf);
		return -1;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

static int cur_expect(struct cur *c, const char *magic, size_t len, const char *what)
{
	char buf[32];
	uint64_t at = cur_err_off(c);

	if (cur_read(c, buf, len, what))
		return -1;
	if (memcmp(buf, magic, len))
		return td_fail(c->td, at, "%s expected", what);
	return 0;
}

/* ---------------------------------------------------------------- compression */

int td_decompress(struct ftx_tracedat *td, uint64_t at, const void *src, size_t slen,
		  void *dst, size_t dlen)
{
	return td_decompress_ctx(td, &td->zctx, at, src, slen, dst, dlen);
}

void td_zctx_free(void *zctx)
{
	ZSTD_freeDCtx(zctx);
}

int td_decompress_ctx(struct ftx_tracedat *td, void **zctx, uint64_t at, const void *src,
		      size_t slen, void *dst, size_t dlen)
{
	if (td->comp == COMP_ZSTD) {
		size_t r;

		/* one context per file and thread: ZSTD_decompress() makes one per chunk */
		if (!*zctx) {
			*zctx = ZSTD_createDCtx();
			if (!*zctx)
				return td_nomem(td);
		}
		r = ZSTD_decompressDCtx(*zctx, dst, dlen, src, slen);

		if (ZSTD_isError(r))
			return td_fail(td, at, "zstd: %s", ZSTD_getErrorName(r));
		if (r != dlen)
			return td_fail(td, at, "zstd: %zu bytes instead of %zu", r, dlen);
		return 0;
	}
	if (td->comp == COMP_ZLIB) {
		uLongf out = dlen;
		int r = uncompress(dst, &out, src, slen);

		if (r != Z_OK)
			return td_fail(td, at, "zlib: %s", zError(r));
		if (out != dlen)
			return td_fail(td, at, "zlib: %lu bytes instead of %zu", out, dlen);
		return 0;
	}
	return td_fail(td, at, "compressed section in an uncompressed file");
}

/*
 * Open the v7 section whose header is at @off: check its id, and set @c to
 * its body (decompressed into *@owned when compressed). @c NULL: the header
 * checks alone.
 */
static int section_open(struct ftx_tracedat *td, uint64_t off, unsigned int want_id,
			struct cur *c, uint8_t **owned, const char *what)
{
	struct cur h = { .td = td, .pos = off, .end = td->fsize };
	uint64_t id, flags, desc, size, csize, usize;
	uint8_t *src, *dst;

	if (owned)
		*owned = NULL;
	if (cur_num(&h, 2, &id, what) || cur_num(&h, 2, &flags, what) ||
	    cur_num(&h, 4, &desc, what) || cur_num(&h, 8, &size, what))
		return -1;
	if (id != want_id)
		return td_fail(td, off, "%s: section id %llu, expected %u", what,
			       (unsigned long long)id, want_id);
	if (size > td->fsize - h.pos)
		return td_fail(td, off, "%s: section size %llu is beyond the end of the file",
			       what, (unsigned long long)size);
	if (!(flags & 1)) {
		if (c)
			*c = (struct cur){ .td = td, .pos = h.pos, .end = h.pos + size };
		return 0;
	}
	/* the two sizes are part of the body: a shorter one would wrap size - 8 */
	if (size < 8)
		return td_fail(td, off, "%s: compressed section of %llu bytes, too short for its sizes",
			       what, (unsigned long long)size);
	if (cur_num(&h, 4, &csize, what) || cur_num(&h, 4, &usize, what))
		return -1;
	if (csize > size - 8)
		return td_fail(td, off, "%s: compressed size %llu larger than the section",
			       what, (unsigned long long)csize);
	/*
	 * Metadata compresses 4-10 times (kallsyms, formats); a section claiming
	 * far more is a damaged size or a bomb: refused before it costs memory.
	 */
	if (usize > MAX_META || usize > META_RATIO * csize + (1u << 20))
		return td_fail(td, off, "%s: %llu bytes compressed claim %llu uncompressed, "
			       "more than a section can hold", what, (unsigned long long)csize,
			       (unsigned long long)usize);
	if (!c)
		return 0;
	src = malloc(csize ? csize : 1);
	dst = malloc(usize ? usize : 1);
	if (!src || !dst) {
		free(src);
		free(dst);
		return td_nomem(td);
	}
	if (td_pread(td, h.pos, src, csize) ||
	    td_decompress(td, off, src, csize, dst, usize)) {
		free(src);
		free(dst);
		return -1;
	}
	free(src);
	*owned = dst;
	*c = (struct cur){ .td = td, .mem = dst, .pos = 0, .end = usize, .sec_off = off };
	return 0;
}

/* ---------------------------------------------------------------- headers */

static int defer(struct ftx_tracedat *td, const char *sys, char *buf, size_t size, uint64_t off)
{
	struct td_deferred *n = realloc(td->deferred, (td->ndeferred + 1) * sizeof(*n));

	if (!n || (sys && !(sys = strdup(sys)))) {
		if (n)
			td->deferred = n;
		free(buf);
		return td_nomem(td);
	}
	td->deferred = n;
	n[td->ndeferred++] = (struct td_deferred){ (char *)sys, buf, size, off };
	return 0;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/*
 * Does the NUL-terminated @p start with the @n characters of @lit? What
 * !strncmp() says, inline: it stops at the first difference (a NUL is one)
 */
static inline __attribute__((always_inline)) bool starts(const char *p, const char *lit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != lit[i])
			return false;
	return true;
}

/* A field name of a plain format: [p, end) */
struct plain_name {
	const char *p, *end;
};

static const char *plain_field_line_name(const char *p, struct plain_name *n);

/*
 * One "\tfield: decl;\toffset:N;\tsize:N;\tsigned:N;\n" line as the kernel
 * writes it: returns what follows it, or NULL.
 */
static const char *plain_field_line(const char *p)
{
	return plain_field_line_name(p, NULL);
}

/* Where a field's name ends in the declaration [@p, @semi): past blanks and one "[...]" */
static const char *decl_name_end(const char *p, const char *semi)
{
	const char *q = semi;

	while (q > p && q[-1] == ' ')
		q--;
	if (q > p && q[-1] == ']') {
		while (q > p && q[-1] != '[')
			q--;
		if (q > p)
			q--;
	}
	while (q > p && q[-1] == ' ')
		q--;
	return q;
}

/*
 * A field's name in the plain declaration [@p, @semi) as format_has_field()
 * finds it: the identifier before the ';', past blanks and one "[...]"
 */
static void plain_field_name(const char *p, const char *semi, struct plain_name *n)
{
	const char *q = decl_name_end(p, semi);

	n->end = q;
	while (q > p && ident_char(q[-1]))
		q--;
	n->p = q;
}

/* The bytes of a plain declaration: identifiers, blanks, '*' and brackets (no NUL) */
static const bool decl_char[256] = {
	['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true, ['_'] = true,
	[' '] = true, ['*'] = true, ['['] = true, [']'] = true,
};

/* plain_field_line(), the line's field name into *@n when @n is not NULL */
static const char *plain_field_line_name(const char *p, struct plain_name *n)
{
	const char *decl;

	if (!starts(p, "\tfield:", 7))
		return NULL;
	decl = p + 7;
	for (p += 7; *p != ';'; p++)
		if (!decl_char[(unsigned char)*p])
			return NULL;
	if (n)
		plain_field_name(decl, p, n);
	if (!starts(p, ";\toffset:", 9))
		return NULL;
	for (p += 9; *p >= '0' && *p <= '9'; p++)
		;
	if (!starts(p, ";\tsize:", 7))
		return NULL;
	for (p += 7; *p >= '0' && *p <= '9'; p++)
		;
	if (!starts(p, ";\tsigned:", 9) || (p[9] != '0' && p[9] != '1') ||
	    !starts(p + 10, ";\n", 2))
		return NULL;
	return p + 12;
}

/* header_page as the kernel writes it: "\tfield: decl;\toffset:N;\tsize:N;\tsigned:N;\n"... */
static bool header_page_is_plain(const char *p)
{
	while (*p) {
		p = plain_field_line(p);
		if (!p)
			return false;
	}
	return true;
}

/* Takes @buf */
static int apply_header_page(struct ftx_tracedat *td, char *buf, size_t size, uint64_t off)
{
	struct parse_call pc = { td->tep, buf, size, NULL, td->user_long_size, 0 };
	int commit;

	if (td_guarded(td, off, "header_page", call_header_page, &pc)) {
		free(buf);
		return -1;
	}
	if (pc.ret) {
		free(buf);
		return td_fail(td, off, "cannot parse header_page");
	}
	free(buf);
	commit = tep_get_header_page_size(td->tep);
	/* The kernel's long is the size of the commit field, not the recorder's */
	if (commit == 4 || commit == 8)
		td->long_size = commit;
	else
		td->long_size = td->user_long_size;
	tep_set_long_size(td->tep, td->long_size);
	return 0;
}

/* "field: TYPE @name;\toffset:N;\tsize:M;" of a header_page text; false if absent */
static bool hp_field(const char *text, const char *name, unsigned long *off, unsigned long *size)
{
	size_t n = strlen(name);
	const char *p = text;

	while ((p = strstr(p, name))) {
		if (p > text && ident_char(p[-1])) {
			p += n;
			continue;
		}
		p += n;
		if (sscanf(p, ";\toffset:%lu;\tsize:%lu;", off, size) == 2)
			return true;
	}
	return false;
}

/*
 * The ring-buffer page as header_page describes it must be the one the
 * kernel writes: u64 timestamp at 0, the commit word (4 or 8 bytes) at 8,
 * the data right after it. trace-cmd refuses a file otherwise ("failed to
 * init data"); its data field also tells the page size.
 */
static int check_header_page(struct ftx_tracedat *td, const char *buf, uint64_t at)
{
	unsigned long toff, tsize, coff, csize, doff, dsize;

	if (!hp_field(buf, "timestamp", &toff, &tsize) || !hp_field(buf, "commit", &coff, &csize) ||
	    !hp_field(buf, "data", &doff, &dsize))
		return td_fail(td, at, "header_page lacks its timestamp, commit or data field");
	if (toff != 0 || tsize != 8)
		return td_fail(td, at, "header_page: timestamp of %lu bytes at offset %lu (8 at 0 expected); "
			       "trace-cmd refuses this file too", tsize, toff);
	if (coff != 8 || (csize != 4 && csize != 8) || doff != 8 + csize)
		return td_fail(td, at, "header_page: commit of %lu bytes at offset %lu, data at %lu "
			       "(4 or 8 bytes at 8, data after it expected)", csize, coff, doff);
	if (dsize > MAX_PAGE)
		return td_fail(td, at, "header_page: data field of %lu bytes", dsize);
	td->hp_page_size = doff + dsize;
	return 0;
}

static int parse_header_info(struct ftx_tracedat *td, struct cur *c)
{
	uint64_t size, at;
	char *buf;

	if (td->progress)
		*td->progress = cur_err_off(c);
	if (cur_expect(c, "header_page", 12, "header_page") ||
	    cur_num(c, 8, &size, "header_page size"))
		return -1;
	at = cur_err_off(c);
	if (cur_blob(c, size, &buf, "header_page"))
		return -1;
	if (check_header_page(td, buf, at)) {
		free(buf);
		return -1;
	}
	if (!td->canary && (memchr(buf, 0, size) || !header_page_is_plain(buf))) {
		if (defer(td, NULL, buf, size, cur_err_off(c)))
			return -1;
	} else if (apply_header_page(td, buf, size, cur_err_off(c))) {
		return -1;
	}

	if (cur_expect(c, "header_event", 13, "header_event") ||
	    cur_num(c, 8, &size, "header_event size"))
		return -1;
	if (size > c->end - c->pos)
		return td_fail(td, cur_err_off(c), "header_event: size %llu beyond the end",
			       (unsigned long long)size);
	c->pos += size;
	return 0;
}

/* Is @name (of @len bytes) declared by a "field:" line of the format? */
static bool format_has_field(const char *fmt, const char *name, size_t len)
{
	const char *p = fmt, *end, *q;

	while ((p = strstr(p, "field:"))) {
		p += 6;
		end = strchr(p, ';');
		if (!end)
			return false;
		/* "char name[16]", "__data_loc char[] msg" */
		q = decl_name_end(p, end);
		if ((size_t)(q - p) >= len && !memcmp(q - len, name, len) &&
		    (q - len == p || !ident_char(*(q - len - 1))))
			return true;
		p = end;
	}
	return false;
}

/*
 * Is this format text shaped exactly as the kernel writes them? Formats that
 * are (every real one) go to libtraceevent directly; anything else is first
 * tried by the canary child (see td_canary_start()), because libtraceevent's
 * parser crashes on some malformed text. False alarms only cost time.
 */
#define PLAIN_NAMES	128

/*
 * Is @name (@len bytes) one of the @n field names format_is_plain() kept?
 * What format_has_field() says, without a search of the text each time.
 */
static bool plain_has_field(const struct plain_name *names, int n, const char *name, size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if ((size_t)(names[i].end - names[i].p) >= len &&
		    !memcmp(names[i].end - len, name, len) &&
		    (names[i].end - len == names[i].p))
			return true;
	return false;
}

static bool format_is_plain(const char *t)
{
	const char *p = t, *q, *fmt;
	char stack[64];
	int depth = 0, nnames = 0;
	size_t n;
	struct plain_name names[PLAIN_NAMES];
	/* the names as the field lines give them, unless a line holds more or "field:" recurs */
	bool listed = true;

	if (!starts(p, "name: ", 6))
		return false;
	p += 6;
	while (ident_char(*p))
		p++;
	if (!starts(p, "\nID: ", 5))
		return false;
	p += 5;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (!starts(p, "\nformat:\n", 9))
		return false;
	p += 9;
	for (;;) {
		if (*p == '\n') {
			p++;
			continue;
		}
		if (!starts(p, "\tfield:", 7))
			break;
		p = plain_field_line_name(p, nnames < PLAIN_NAMES ? &names[nnames] : NULL);
		if (!p)
			return false;
		if (nnames < PLAIN_NAMES)
			nnames++;
		else
			listed = false;
	}
	if (strncmp(p, "print fmt: \"", 12))
		return false;
	fmt = p;
	/* format_has_field() finds "field:" anywhere: in the print fmt, it reads on from there */
	if (strstr(fmt, "field:"))
		listed = false;
	p = td_skip_quoted(p + 11);
	if (!p)
		return false;
	/* the arguments: C expressions over REC->field, helpers, literals */
	for (p++; *p; p++) {
		if (*p == '"' || *p == '\'') {
			p = td_skip_quoted(p);
			if (!p)
				return false;
		} else if (*p == '(' || *p == '[' || *p == '{') {
			if (depth == (int)sizeof(stack))
				return false;
			stack[depth++] = *p == '(' ? ')' : *p == '[' ? ']' : '}';
		} else if (*p == ')' || *p == ']' || *p == '}') {
			if (!depth || stack[--depth] != *p)
				return false;
		} else if (ident_char(*p)) {
			q = p;
			while (ident_char(*p))
				p++;
			n = p - q;
			if (n == 3 && !memcmp(q, "REC", 3) && p[0] == '-' && p[1] == '>') {
				p += 2;
				q = p;
				while (ident_char(*p))
					p++;
				if (p == q || !(listed ? plain_has_field(names, nnames, q, p - q) :
							 format_has_field(t, q, p - q)))
					return false;
			}
			p--;
		} else if (!strchr(" \t\n,.-><=!&|^~+*/%?:", *p)) {
			return false;
		}
	}
	return depth == 0;
}

/*
 * Takes @buf. @tried: the canary child parsed it (or is this child): a
 * format failing ftx_format_check() is given to libtraceevent only then.
 */
static int apply_format(struct ftx_tracedat *td, const char *system, char *buf, size_t size,
			uint64_t off, bool tried)
{
	struct parse_call pc = { td->tep, buf, size, system, 0, 0 };
	char why[128];
	int ret;

	/*
	 * trace-cmd goes on when libtraceevent refuses a format, so do we: its
	 * events print as [UNKNOWN EVENT]. Formats no kernel writes are tried
	 * in the canary child first (libtraceevent crashes on some). A field that
	 * ends past a page is a damaged file: libtraceevent would read its
	 * records out of bounds.
	 */
	bool bad = ftx_format_check(buf, size, td->page_size, why, sizeof(why)) != 0;
	/* (the page check alone failing leaves its reason in @why) */
	bool odd = bad && ftx_format_check(buf, size, 0, why, sizeof(why)) != 0;

	if (odd && !tried && !td->canary)
		return defer(td, system, buf, size, off);
	if (odd) {
		/*
		 * What libtraceevent refuses, trace-cmd shows as [UNKNOWN EVENT];
		 * what it accepts could then crash it when printing.
		 */
		struct tep_handle *scratch = tep_alloc();

		if (!scratch) {
			free(buf);
			return td_nomem(td);
		}
		tep_set_file_bigendian(scratch, td->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
		tep_set_long_size(scratch, td->long_size);
		tep_set_page_size(scratch, td->page_size);
		pc.tep = scratch;
		ret = td_guarded(td, off, "event format", call_event, &pc);
		if (ret) {
			keep_poisoned(scratch);	/* faulted: not freed, not lost either */
		} else {
			tep_free(scratch);
			if (!pc.ret)
				ret = td_fail(td, off, "corrupt %s event format (%s)", system, why);
		}
	} else if (bad) {
		ret = td_fail(td, off, "corrupt %s event format (%s)", system, why);
	} else {
		if (!tried && !td->canary && (td->flags & FTX_TRACEDAT_LAZY_FORMATS)) {
			ret = td_lazy_add(td, system, buf, size, off);
			if (ret <= 0)
				return ret;	/* kept (or freed on failure) */
		}
		ret = td_guarded(td, off, "event format", call_event, &pc);
	}
	free(buf);
	return ret;
}

static int parse_formats(struct ftx_tracedat *td, struct cur *c, const char *system)
{
	uint64_t count, size, i;
	char *buf;

	if (cur_num(c, 4, &count, "event count"))
		return -1;
	for (i = 0; i < count; i++) {
		if (cur_num(c, 8, &size, "event format size"))
			return -1;
		if (td->progress)
			*td->progress = cur_err_off(c);
		if (cur_blob(c, size, &buf, "event format"))
			return -1;
		if (!td->canary && !memchr(buf, 0, size) && !format_is_plain(buf)) {
			if (defer(td, system, buf, size, cur_err_off(c)))
				return -1;
			continue;
		}
		if (apply_format(td, system, buf, size, cur_err_off(c), false))
			return -1;
	}
	return 0;
}

static int parse_event_systems(struct ftx_tracedat *td, struct cur *c)
{
	uint64_t nsys, i;
	char *sys;
	int ret;

	if (cur_num(c, 4, &nsys, "system count"))
		return -1;
	for (i = 0; i < nsys; i++) {
		if (cur_str(c, &sys, "system name"))
			return -1;
		ret = parse_formats(td, c, sys);
		free(sys);
		if (ret)
			return -1;
	}
	return 0;
}

static int parse_text_block(struct ftx_tracedat *td, struct cur *c, int size_bytes, int which)
{
	uint64_t size;
	char *buf;

	if (cur_num(c, size_bytes, &size, "size"))
		return -1;
	if (td->progress)
		*td->progress = cur_err_off(c);
	if (td->canary && which != OPT_PRINTK) {
		/* kallsyms and cmdlines are parsed with sscanf: no need to try them */
		if (size > c->end - c->pos)
			return td_fail(td, cur_err_off(c), "text block: size %llu beyond the end",
				       (unsigned long long)size);
		c->pos += size;
		return 0;
	}
	if (which == OPT_KALLSYMS && (td->flags & FTX_TRACEDAT_LAZY_KALLSYMS)) {
		/* remember where it is; ftx_tracedat_load_kallsyms() parses it */
		if (size > c->end - c->pos)
			return td_fail(td, cur_err_off(c), "kallsyms: size %llu beyond the end",
				       (unsigned long long)size);
		td->ksyms_pending = true;
		td->ksyms_off = c->mem ? c->sec_off : c->pos - size_bytes;
		td->ksyms_in_section = c->mem != NULL || td->version >= 7;
		c->pos += size;
		return 0;
	}
	if (cur_blob(c, size, &buf, "text block"))
		return -1;
	if (size) {
		struct parse_call pc = { td->tep, buf, size, NULL, 0, 0 };
		uint64_t at = cur_err_off(c);
		int ret = 0;

		switch (which) {
		case OPT_KALLSYMS:
			ret = td_guarded(td, at, "kallsyms", call_kallsyms, &pc);
			break;
		case OPT_PRINTK:
			/* libtraceevent 1.7 overruns on lines not shaped "0xADDR : \"fmt\"" */
			pc.buf = ftx_printk_sanitize(buf, size, &pc.size);
			if (!pc.buf) {
				free(buf);
				return td_nomem(td);
			}
			if (*pc.buf)
				ret = td_guarded(td, at, "printk formats", call_printk, &pc);
			free(pc.buf);
			break;
		case OPT_CMDLINES:
			ret = td_guarded(td, at, "saved cmdlines", call_cmdlines, &pc);
			break;
		}
		if (ret) {
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}

/* ---------------------------------------------------------------- options */

/*
 * As trace-cmd reads it: the first word (split at spaces) that starts with
 * '[' names the clock, up to ']' or a blank. 1: a clock, 0: none (trace-cmd
 * then prints microseconds), -1: an empty name (trace-cmd crashes on it).
 */
static int parse_trace_clock(struct ftx_tracedat *td, const char *text)
{
	const char *p = text;
	size_t n;

	for (;;) {
		p += strspn(p, " ");
		if (!*p)
			return 0;
		if (*p == '[')
			break;
		p += strcspn(p, " ");
	}
	p++;
	n = strcspn(p, "] \t\n\r\v\f");
	if (!n)
		return -1;
	free(td->clock);
	td->clock = strndup(p, n);
	return 1;
}

static int add_cpu_data(struct ftx_tracedat *td, uint64_t at, int cpu, uint64_t off,
			uint64_t size)
{
	if (cpu < 0 || cpu >= MAX_CPUS)
		return td_fail(td, at, "CPU id %d out of range", cpu);
	if (off > td->fsize || size > td->fsize - off)
		return td_fail(td, at, "CPU %d data (offset %llu, size %llu) beyond the end of the file",
			       cpu, (unsigned long long)off, (unsigned long long)size);
	if (cpu >= td->ncpus) {
		struct td_cpu *n = realloc(td->cpu, (cpu + 1) * sizeof(*n));

		if (!n)
			return td_nomem(td);
		memset(n + td->ncpus, 0, (cpu + 1 - td->ncpus) * sizeof(*n));
		for (int i = td->ncpus; i <= cpu; i++)
			n[i].cpu = i;
		td->cpu = n;
		td->ncpus = cpu + 1;
	}
	if (td->cpu[cpu].size)
		return td_fail(td, at, "CPU %d has two data blocks", cpu);
	td->cpu[cpu].off = off;
	td->cpu[cpu].size = size;
	td->cpu[cpu].listed = true;
	td->cpu[cpu].table_off = at;
	return 0;
}

static struct td_buffer *add_buffer(struct ftx_tracedat *td, char *name, uint64_t off)
{
	struct td_buffer *b = realloc(td->buffers, (td->nr_buffers + 1) * sizeof(*b));

	if (!b) {
		td_nomem(td);
		return NULL;
	}
	td->buffers = b;
	b += td->nr_buffers++;
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->off = off;
	b->index = td->nr_buffers;
	return b;
}

static int parse_buffer_v7(struct ftx_tracedat *td, struct cur *o, uint64_t at, bool text)
{
	uint64_t off, psize, n, cpu, coff, csize, i, k;
	char *name = NULL, *clock = NULL;
	int ret = -1;

	if (cur_num(o, 8, &off, "buffer offset") || cur_str(o, &name, "buffer name") ||
	    cur_str(o, &clock, "buffer clock"))
		goto out;
	if (*name) {
		struct td_buffer *b = add_buffer(td, name, off);

		if (!b)
			goto out;
		name = NULL;
		if (text || cur_num(o, 4, &psize, "buffer page size") ||
		    cur_num(o, 4, &n, "buffer CPU count")) {
			ret = text ? 0 : -1;
			goto out;
		}
		if (n > MAX_CPUS) {
			ret = td_fail(td, at, "buffer CPU count %llu out of range",
				      (unsigned long long)n);
			goto out;
		}
		/* trace-cmd divides by it (SIGFPE) or overruns on such sizes */
		if (psize < 64 || psize > MAX_PAGE) {
			ret = td_fail(td, at, "instance %s: BUFFER option: bad page size %llu",
				      b->name, (unsigned long long)psize);
			goto out;
		}
		b->cpus = calloc(n ? n : 1, sizeof(*b->cpus));
		if (!b->cpus) {
			ret = td_nomem(td);
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (cur_num(o, 4, &cpu, "buffer CPU") ||
			    cur_num(o, 8, &coff, "CPU data offset") ||
			    cur_num(o, 8, &csize, "CPU data size"))
				goto out;
			if (cpu >= MAX_CPUS || coff > td->fsize || csize > td->fsize - coff) {
				ret = td_fail(td, at, "instance %s: CPU %llu data beyond the end of the file",
					      b->name, (unsigned long long)cpu);
				goto out;
			}
			for (k = 0; k < i; k++)
				if (b->cpus[k].cpu == cpu)
					break;
			/* trace-cmd prints nothing of such a file, rc 0 */
			if (k < i) {
				ret = td_fail(td, at, "instance %s: CPU %llu listed twice",
					      b->name, (unsigned long long)cpu);
				goto out;
			}
			b->cpus[i].cpu = cpu;
			b->cpus[i].off = coff;
			b->cpus[i].size = csize;
			b->ncpus = i + 1;
		}
		ret = 0;
		goto out;
	}
	if (td->have_top_buffer) {
		/* a later OPTIONS section may repeat it: the last one counts */
		free(td->cpu);
		td->cpu = NULL;
		td->ncpus = 0;
	}
	td->have_top_buffer = true;
	td->sec_off[text ? OPT_BUFFER_TEXT : OPT_BUFFER] = off;
	if (!td->clock) {
		td->clock = clock;
		clock = NULL;
	}
	if (text) {
		td->latency = true;
		ret = 0;
		goto out;
	}
	if (cur_num(o, 4, &psize, "buffer page size") || cur_num(o, 4, &n, "buffer CPU count"))
		goto out;
	if (psize && (psize < 64 || psize > MAX_PAGE)) {
		ret = td_fail(td, at, "BUFFER option: bad page size %llu", (unsigned long long)psize);
		goto out;
	}
	if (psize) {
		td->page_size = psize;
		td->page_size_off = at;
		td->page_size_from_buffer = true;
	}
	if (n > MAX_CPUS) {
		ret = td_fail(td, at, "buffer CPU count %llu out of range", (unsigned long long)n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (cur_num(o, 4, &cpu, "buffer CPU") || cur_num(o, 8, &coff, "CPU data offset") ||
		    cur_num(o, 8, &csize, "CPU data size"))
			goto out;
		if (add_cpu_data(td, at, (int)cpu, coff, csize))
			goto out;
	}
	ret = 0;
out:
	free(name);
	free(clock);
	return ret;
}

static int parse_option(struct ftx_tracedat *td, unsigned int id, struct cur *o, uint64_t at)
{
	uint64_t len = o->end - o->pos, v;
	char *buf;

	switch (id) {
	case OPT_DATE:
	case OPT_OFFSET:
		if (cur_blob(o, len, &buf, "option"))
			return -1;
		v = strtoll(buf, NULL, 0);
		td->ts_offset += id == OPT_DATE ? (long long)v * 1000 : (long long)v;
		free(buf);
		break;
	case OPT_CPUSTAT: {
		char *n;

		if (!len)
			break;
		if (cur_blob(o, len, &buf, "CPUSTAT option"))
			return -1;
		/* trace-cmd turns the final NUL into a newline and concatenates */
		buf[len - 1] = '\n';
		n = realloc(td->cpustats, td->cpustats_len + len + 1);
		if (!n) {
			free(buf);
			return td_nomem(td);
		}
		memcpy(n + td->cpustats_len, buf, len);
		td->cpustats_len += len;
		n[td->cpustats_len] = 0;
		td->cpustats = n;
		free(buf);
		break;
	}
	case OPT_BUFFER:
	case OPT_BUFFER_TEXT:
		if (td->version >= 7)
			return parse_buffer_v7(td, o, at, id == OPT_BUFFER_TEXT);
		if (cur_num(o, 8, &v, "buffer offset") || cur_str(o, &buf, "buffer name"))
			return -1;
		/* trace-cmd drops such an instance's events without a word: refuse */
		if (!*buf) {
			free(buf);
			return td_fail(td, at, "BUFFER option: an instance without a name");
		}
		if (!add_buffer(td, buf, v)) {
			free(buf);
			return -1;
		}
		break;
	case OPT_TRACECLOCK: {
		int named;

		if (cur_blob(o, len, &buf, "TRACECLOCK option"))
			return -1;
		named = parse_trace_clock(td, buf);
		free(buf);
		if (named < 0)
			return td_fail(td, at, "TRACECLOCK option: the clock's name in [] is empty");
		td->use_trace_clock = true;
		td->clock_named = named;
		break;
	}
	case OPT_UNAME:
	case OPT_VERSION:
		if (cur_blob(o, len, &buf, "option"))
			return -1;
		if (id == OPT_UNAME) {
			free(td->uname);
			td->uname = buf;
		} else {
			free(td->tool_version);
			td->tool_version = buf;
		}
		break;
	case OPT_CPUCOUNT:
		if (len < 4)
			return td_fail(td, at, "CPUCOUNT option too short");
		if (cur_num(o, 4, &v, "CPUCOUNT"))
			return -1;
		if (v > MAX_CPUS)
			return td_fail(td, at, "CPU count %llu out of range", (unsigned long long)v);
		td->hdr_cpus = v;
		break;
	case OPT_TSC2NSEC:
		if (len < 16)
			break;	/* trace-cmd ignores a short one too */
		if (cur_num(o, 4, &v, "TSC2NSEC mult"))
			return -1;
		td->tsc_mult = v;
		if (cur_num(o, 4, &v, "TSC2NSEC shift"))
			return -1;
		td->tsc_shift = v & 63;
		break;
	case OPT_HEADER_INFO ... OPT_CMDLINES:
		if (len < 8)
			return td_fail(td, at, "section option %u too short", id);
		if (cur_num(o, 8, &v, "section offset"))
			return -1;
		td->sec_off[id] = v;
		break;
	default:
		/* HOOK, PROCMAPS, guests, unknown ids: not needed to report */
		break;
	}
	return 0;
}

/* v6 options: {u16 id, u32 size, data} until a bare u16 0 */
static int parse_options_v6(struct ftx_tracedat *td, struct cur *c)
{
	uint64_t id, size;
	struct cur o;

	for (;;) {
		uint64_t at = c->pos;

		if (cur_num(c, 2, &id, "option id"))
			return -1;
		if (id == OPT_DONE)
			return 0;
		if (cur_num(c, 4, &size, "option size"))
			return -1;
		if (size > c->end - c->pos)
			return td_fail(td, at, "option %llu: size %llu beyond the end of the file",
				       (unsigned long long)id, (unsigned long long)size);
		o = (struct cur){ .td = td, .pos = c->pos, .end = c->pos + size };
		if (parse_option(td, id, &o, at))
			return -1;
		c->pos += size;
	}
}

/* v7: a chain of OPTIONS sections, each ending with DONE = next offset */
static int parse_options_v7(struct ftx_tracedat *td, uint64_t off)
{
	int sections = 0;

	while (off) {
		uint64_t id, size, next = 0;
		uint8_t *owned;
		struct cur c, o;
		bool done = false;

		if (++sections > 1024)
			return td_fail(td, off, "too many OPTIONS sections (loop?)");
		if (section_open(td, off, OPT_DONE, &c, &owned, "OPTIONS section"))
			return -1;
		while (!done) {
			uint64_t at = c.mem ? off : c.pos;

			if (cur_num(&c, 2, &id, "option id") || cur_num(&c, 4, &size, "option size"))
				goto fail;
			if (size > c.end - c.pos) {
				td_fail(td, at, "option %llu: size %llu beyond the end of its section",
					(unsigned long long)id, (unsigned long long)size);
				goto fail;
			}
			o = c;
			o.end = c.pos + size;
			if (id == OPT_DONE) {
				if (size < 8) {
					td_fail(td, at, "DONE option of %llu bytes (8 expected)",
						(unsigned long long)size);
					goto fail;
				}
				if (cur_num(&o, 8, &next, "next options offset"))
					goto fail;
				done = true;
			} else if (parse_option(td, id, &o, at)) {
				goto fail;
			}
			c.pos += size;
		}
		free(owned);
		if (next && next <= off)
			return td_fail(td, off, "OPTIONS chain goes backwards");
		off = next;
		continue;
fail:
		free(owned);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- open */

static int parse_v6(struct ftx_tracedat *td, struct cur *c)
{
	uint64_t v, cpus, off, size, i;
	char kind[10];

	if (parse_header_info(td, c) || parse_formats(td, c, "ftrace") ||
	    parse_event_systems(td, c) || parse_text_block(td, c, 4, OPT_KALLSYMS) ||
	    parse_text_block(td, c, 4, OPT_PRINTK) || parse_text_block(td, c, 8, OPT_CMDLINES))
		return -1;
	if (cur_num(c, 4, &cpus, "CPU count"))
		return -1;
	if (cpus > MAX_CPUS)
		return td_fail(td, c->pos - 4, "CPU count %llu out of range",
			       (unsigned long long)cpus);
	td->hdr_cpus = cpus;
	v = c->pos;
	if (cur_read(c, kind, 10, "options/flyrecord tag"))
		return -1;
	if (!memcmp(kind, "options  ", 10)) {
		if (parse_options_v6(td, c))
			return -1;
		v = c->pos;
		if (cur_read(c, kind, 10, "flyrecord tag"))
			return -1;
	}
	if (!memcmp(kind, "latency  ", 10)) {
		td->latency = true;
		td->latency_off = c->pos;
		td->ncpus = td->hdr_cpus;
		return 0;
	}
	if (memcmp(kind, "flyrecord", 10))
		return td_fail(td, v, "neither \"flyrecord\" nor \"latency\"");
	/* the CPU count option overrides the header's count (instances) */
	cpus = td->hdr_cpus;
	for (i = 0; i < cpus; i++) {
		uint64_t at = c->pos;

		if (cur_num(c, 8, &off, "CPU data offset") || cur_num(c, 8, &size, "CPU data size"))
			return -1;
		if (off > td->fsize || size > td->fsize - off)
			return td_fail(td, at, "CPU %llu data (offset %llu, size %llu) beyond the end of the file",
				       (unsigned long long)i, (unsigned long long)off,
				       (unsigned long long)size);
	}
	/* second pass: allocate now that the table is known to be sane */
	td->cpu = calloc(cpus ? cpus : 1, sizeof(*td->cpu));
	if (!td->cpu)
		return td_nomem(td);
	td->ncpus = cpus;
	c->pos -= 16 * cpus;
	for (i = 0; i < cpus; i++) {
		td->cpu[i].table_off = c->pos;
		cur_num(c, 8, &off, "CPU data offset");
		cur_num(c, 8, &size, "CPU data size");
		td->cpu[i].cpu = i;
		td->cpu[i].off = off;
		td->cpu[i].size = size;
		td->cpu[i].listed = true;
	}
	return 0;
}

static int parse_v7(struct ftx_tracedat *td, uint64_t opt_off)
{
	static const struct { int id; const char *what; bool required; } secs[] = {
		/* kallsyms first: it is parsed while the canary checks the formats */
		{ OPT_KALLSYMS, "KALLSYMS", false },
		{ OPT_PRINTK, "PRINTK", false },
		{ OPT_CMDLINES, "CMDLINES", false },
		{ OPT_HEADER_INFO, "HEADER_INFO", true },
		{ OPT_FTRACE_EVENTS, "FTRACE_EVENTS", true },
		{ OPT_EVENT_FORMATS, "EVENT_FORMATS", true },
	};
	uint64_t id, flags;
	struct cur c;
	uint8_t *owned;
	size_t i;
	int ret;

	if (parse_options_v7(td, opt_off))
		return -1;
	for (i = 0; i < FTX_ARRAY_SIZE(secs); i++) {
		uint64_t off = td->sec_off[secs[i].id];

		if (!off) {
			if (secs[i].required)
				return td_fail(td, opt_off, "no %s section", secs[i].what);
			continue;
		}
		if (secs[i].id == OPT_KALLSYMS && (td->flags & FTX_TRACEDAT_LAZY_KALLSYMS)) {
			/*
			 * Its header checked, its body (MBs, compressed) left for
			 * ftx_tracedat_load_kallsyms(): decompressing it here only
			 * to skip it was most of an open's time
			 */
			if (section_open(td, off, secs[i].id, NULL, NULL, secs[i].what))
				return -1;
			td->ksyms_pending = true;
			td->ksyms_in_section = true;
			continue;
		}
		if (section_open(td, off, secs[i].id, &c, &owned, secs[i].what))
			return -1;
		switch (secs[i].id) {
		case OPT_HEADER_INFO:
			ret = parse_header_info(td, &c);
			break;
		case OPT_FTRACE_EVENTS:
			ret = parse_formats(td, &c, "ftrace");
			break;
		case OPT_EVENT_FORMATS:
			ret = parse_event_systems(td, &c);
			break;
		case OPT_CMDLINES:
			ret = parse_text_block(td, &c, 8, secs[i].id);
			break;
		default:
			ret = parse_text_block(td, &c, 4, secs[i].id);
			break;
		}
		free(owned);
		if (ret)
			return -1;
	}
	if (!td->have_top_buffer)
		return td_fail(td, opt_off, "no BUFFER option for the top instance");
	if (td->latency) {
		struct cur h = { .td = td, .pos = td->sec_off[OPT_BUFFER_TEXT], .end = td->fsize };

		if (cur_num(&h, 2, &id, "BUFFER_TEXT section") ||
		    cur_num(&h, 2, &flags, "BUFFER_TEXT section"))
			return -1;
		if (flags & 1)
			return td_fail(td, h.pos - 4, "compressed latency text is not supported");
		td->latency_off = h.pos + 12;
		if (td->latency_off > td->fsize)
			return td_fail(td, h.pos, "BUFFER_TEXT section truncated");
		return 0;
	}
	/*
	 * The CPU count is CPUCOUNT's (trace-cmd's "cpus=N"), not the highest CPU
	 * with data: CPUs that recorded nothing have no entry in BUFFER.
	 */
	if (td->hdr_cpus > td->ncpus) {
		struct td_cpu *n = realloc(td->cpu, td->hdr_cpus * sizeof(*n));

		if (!n)
			return td_nomem(td);
		memset(n + td->ncpus, 0, (td->hdr_cpus - td->ncpus) * sizeof(*n));
		for (int k = td->ncpus; k < td->hdr_cpus; k++)
			n[k].cpu = k;
		td->cpu = n;
		td->ncpus = td->hdr_cpus;
	}
	/* the BUFFER section's flag says whether CPU data is chunk-compressed */
	{
		struct cur h = { .td = td, .pos = td->sec_off[OPT_BUFFER], .end = td->fsize };

		if (cur_num(&h, 2, &id, "BUFFER section") || cur_num(&h, 2, &flags, "BUFFER section"))
			return -1;
		if (id != OPT_BUFFER)
			return td_fail(td, td->sec_off[OPT_BUFFER], "BUFFER section id %llu, expected 3",
				       (unsigned long long)id);
		td->data_compressed = flags & 1;
		if (td->data_compressed && td->comp == COMP_NONE)
			return td_fail(td, td->sec_off[OPT_BUFFER],
				       "compressed CPU data in a file without compression");
	}
	return 0;
}

static int push_cpu(struct ftx_tracedat *td, struct td_buffer *b, int cpu, uint64_t off,
		    uint64_t size, bool compressed)
{
	struct td_cpu *n = realloc(td->cpu, (td->nall + 1) * sizeof(*n));

	if (!n)
		return td_nomem(td);
	td->cpu = n;
	n += td->nall++;
	memset(n, 0, sizeof(*n));
	n->cpu = cpu;
	n->buf = b;
	n->off = off;
	n->size = size;
	n->compressed = compressed;
	n->table_off = b->off;
	return 0;
}

/*
 * The instances' CPUs go after the top's in cpu[], so the merge order (lowest
 * index first on equal timestamps) is trace-cmd's: top, then instances in
 * file order, each by CPU.
 */
static int add_instance_cpus(struct ftx_tracedat *td)
{
	int i, k;

	for (i = 0; i < td->ncpus; i++)
		td->cpu[i].compressed = td->data_compressed;
	td->nall = td->ncpus;
	for (i = 0; i < td->nr_buffers; i++) {
		struct td_buffer *b = &td->buffers[i];

		if (td->version >= 7) {
			uint64_t id, flags;
			struct cur h = { .td = td, .pos = b->off, .end = td->fsize };

			if (!b->ncpus)
				continue;
			if (cur_num(&h, 2, &id, "instance BUFFER section") ||
			    cur_num(&h, 2, &flags, "instance BUFFER section"))
				return -1;
			if (id == OPT_BUFFER_TEXT)
				continue;	/* a latency (text) instance */
			/* trace-cmd reads on, drops the instance or crashes, by what is there */
			if (id != OPT_BUFFER)
				return td_fail(td, b->off, "instance %s: section id %llu at its BUFFER "
					       "option's offset, not a BUFFER section", b->name,
					       (unsigned long long)id);
			if ((flags & 1) && td->comp == COMP_NONE)
				return td_fail(td, b->off, "compressed instance data in a file without compression");
			for (k = 0; k < (int)b->ncpus; k++)
				if (push_cpu(td, b, b->cpus[k].cpu, b->cpus[k].off, b->cpus[k].size,
					     flags & 1))
					return -1;
		} else {
			struct cur c = { .td = td, .pos = b->off, .end = td->fsize };
			char kind[10];

			if (cur_read(&c, kind, 10, "instance flyrecord tag"))
				return -1;
			if (!memcmp(kind, "latency  ", 10))
				continue;	/* latency instance: text, not reported */
			/* trace-cmd says "could not retrieve handle" and drops its events */
			if (memcmp(kind, "flyrecord", 10))
				return td_fail(td, b->off, "instance %s: neither \"flyrecord\" nor "
					       "\"latency\" at its BUFFER option's offset", b->name);
			for (k = 0; k < td->hdr_cpus; k++) {
				uint64_t at = c.pos, off, size;

				if (cur_num(&c, 8, &off, "instance CPU data offset") ||
				    cur_num(&c, 8, &size, "instance CPU data size"))
					return -1;
				if (off > td->fsize || size > td->fsize - off)
					return td_fail(td, at, "instance %s: CPU %d data beyond the end of the file",
						       b->name, k);
				if (push_cpu(td, b, k, off, size, false))
					return -1;
			}
		}
	}
	return 0;
}

static int td_setup_cpus(struct ftx_tracedat *td)
{
	enum kbuffer_long_size ls = td->long_size == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4;
	enum kbuffer_endian en = td->big_endian ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE;
	int i;

	/*
	 * A page size other than the one header_page describes would make every
	 * page be read at the wrong places: events lost or invented, silently.
	 */
	if (td->hp_page_size && td->hp_page_size != td->page_size)
		return td_fail(td, td->page_size_off, "page size %u (from the %s) does not match "
			       "header_page's %u-byte pages", td->page_size,
			       td->page_size_from_buffer ? "BUFFER option" : "file header",
			       td->hp_page_size);
	if (add_instance_cpus(td))
		return -1;
	for (i = 0; i < td->nall; i++) {
		struct td_cpu *c = &td->cpu[i];

		c->selected = true;
		c->pos = c->off;
		if (!c->size) {
			c->done = true;
			continue;
		}
		/* the recorder saves whole pages; a part page would be dropped unread */
		if (!c->compressed && c->size % td->page_size)
			return td_fail(td, c->table_off, "CPU %d%s%s: data size %llu (at offset %llu) is "
				       "not a whole number of %u-byte pages", c->cpu,
				       c->buf ? " of instance " : "", c->buf ? c->buf->name : "",
				       (unsigned long long)c->size, (unsigned long long)c->off,
				       td->page_size);
		c->kbuf = kbuffer_alloc(ls, en);
		if (!c->kbuf)
			return td_nomem(td);
		if (tep_is_old_format(td->tep))
			kbuffer_set_old_format(c->kbuf);
	}
	td->walk = !td->big_endian && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&
		   !tep_is_old_format(td->tep);
	return 0;
}

static int apply_deferred(struct ftx_tracedat *td);

struct ftx_tracedat *td_open(struct ftx_tracedat *td)
{
	uint8_t magic[MAGIC_LEN] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	struct cur c = { .td = td, .pos = 0, .end = td->fsize };
	char *ver = NULL, *cname = NULL, *cver = NULL;
	uint64_t v, opt_off = 0;
	char *end;
	long version;

	td->pending = -1;
	if (cur_expect(&c, (const char *)magic, MAGIC_LEN, "trace.dat magic")) {
		ftx_error_set("%s: offset 0: bad magic (not a trace.dat file)", td->name);
		goto fail;
	}
	if (cur_str(&c, &ver, "version"))
		goto fail;
	version = strtol(ver, &end, 10);
	if (end == ver || version < 6 || version > 7) {
		td_fail(td, MAGIC_LEN, "unsupported file version \"%.16s\" (6 and 7 are known)", ver);
		goto fail;
	}
	td->version = version;
	if (cur_num(&c, 1, &v, "endianness"))
		goto fail;
	if (v > 1) {
		td_fail(td, c.pos - 1, "bad endianness byte %llu", (unsigned long long)v);
		goto fail;
	}
	td->big_endian = v;
	td->swap = td->big_endian != (__BYTE_ORDER == __BIG_ENDIAN);
	if (cur_num(&c, 1, &v, "long size"))
		goto fail;
	if (v != 4 && v != 8) {
		td_fail(td, c.pos - 1, "bad long size %llu", (unsigned long long)v);
		goto fail;
	}
	td->user_long_size = td->long_size = v;
	if (cur_num(&c, 4, &v, "page size"))
		goto fail;
	if (v < 64 || v > MAX_PAGE) {
		td_fail(td, c.pos - 4, "bad page size %llu", (unsigned long long)v);
		goto fail;
	}
	td->page_size = v;
	td->page_size_off = c.pos - 4;

	td->tep = tep_alloc();
	if (!td->tep) {
		td_nomem(td);
		goto fail;
	}
	tep_set_file_bigendian(td->tep, td->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(td->tep, __BYTE_ORDER == __BIG_ENDIAN ?
				TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_long_size(td->tep, td->long_size);
	tep_set_page_size(td->tep, td->page_size);

	if (td->version >= 7) {
		uint64_t at = c.pos;

		if (cur_str(&c, &cname, "compression name") ||
		    cur_str(&c, &cver, "compression version"))
			goto fail;
		if (!strcmp(cname, "none"))
			td->comp = COMP_NONE;
		else if (!strcmp(cname, "zstd"))
			td->comp = COMP_ZSTD;
		else if (!strcmp(cname, "zlib"))
			td->comp = COMP_ZLIB;
		else {
			td_fail(td, at, "unknown compression \"%.32s\"", cname);
			goto fail;
		}
		if (cur_num(&c, 8, &opt_off, "options offset"))
			goto fail;
		if (parse_v7(td, opt_off))
			goto fail;
	} else if (parse_v6(td, &c)) {
		goto fail;
	}
	if (td_lazy_finish(td))
		goto fail;
	if (td->canary) {
		free(ver);
		free(cname);
		free(cver);
		return td;
	}
	if (td->ndeferred) {
		/* unusual format text: let a child try libtraceevent on it first */
		td_canary_start(td);
		if (td_canary_wait(td) || apply_deferred(td))
			goto fail;
	}
	if (!(td->flags & FTX_TRACEDAT_NO_PLUGINS))
		td->plugins = tep_load_plugins(td->tep);
	if (td->hdr_cpus)
		tep_set_cpus(td->tep, td->hdr_cpus);
	/* a TRACECLOCK option naming no clock: trace-cmd prints raw counts then */
	td->in_usecs = td->tsc_mult || !td->use_trace_clock || !td->clock_named ||
		       (td->clock && ftx_clock_in_usecs(td->clock));
	if (!td->clock)
		td->clock = strdup("local");
	if (!td->clock) {
		td_nomem(td);
		goto fail;
	}
	if (!td->latency && td_setup_cpus(td))
		goto fail;
	free(ver);
	free(cname);
	free(cver);
	td->failed = false;
	return td;
fail:
	free(ver);
	free(cname);
	free(cver);
	ftx_tracedat_close(td);
	errno = EINVAL;
	return NULL;
}


static int apply_deferred(struct ftx_tracedat *td)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < td->ndeferred; i++) {
		struct td_deferred *d = &td->deferred[i];

		if (!ret && !d->sys)
			ret = apply_header_page(td, d->buf, d->size, d->off);
		else if (!ret)
			ret = apply_format(td, d->sys, d->buf, d->size, d->off, true);
		else
			free(d->buf);
		free(d->sys);
	}
	free(td->deferred);
	td->deferred = NULL;
	td->ndeferred = 0;
	return ret;
}

struct ftx_tracedat *ftx_tracedat_open(const char *path, unsigned int flags)
{
	struct ftx_tracedat *td;
	struct stat st;
	int fd, e;

	/* O_NONBLOCK: a FIFO must not block the open; regular files ignore it */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		ftx_error_set("%s: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		ftx_error_set("%s: %s", path, strerror(e));
		close(fd);
		errno = e;
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		ftx_error_set("%s: not a regular file (%s)", path,
			      S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
			      S_ISCHR(st.st_mode) ? "a character device" :
			      S_ISSOCK(st.st_mode) ? "a socket" : "a block device");
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	td = calloc(1, sizeof(*td));
	if (!td) {
		close(fd);
		ftx_error_set("%s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	td->name_alloc = strdup(path);
	td->name = td->name_alloc ? td->name_alloc : "trace.dat";
	td->fd = fd;
	td->fsize = st.st_size;
	td->flags = flags;
	return td_open(td);
}

struct ftx_tracedat *ftx_tracedat_open_mem(const void *data, size_t size, const char *name,
					   unsigned int flags)
{
	struct ftx_tracedat *td = calloc(1, sizeof(*td));

	if (!td) {
		ftx_error_set("%s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	td->name_alloc = strdup(name ? name : "trace.dat");
	td->name = td->name_alloc ? td->name_alloc : "trace.dat";
	td->fd = -1;
	td->mem = data;
	td->fsize = size;
	td->flags = flags;
	return td_open(td);
}

void ftx_tracedat_close(struct ftx_tracedat *td)
{
	size_t k;
	int i;

	if (!td)
		return;
	td_canary_stop(td);
	td_prefetch_stop(td);
	td_lazy_free(td);
	for (k = 0; k < td->ndeferred; k++) {
		free(td->deferred[k].sys);
		free(td->deferred[k].buf);
	}
	free(td->deferred);
	for (i = 0; i < (td->nall > td->ncpus ? td->nall : td->ncpus) && td->cpu; i++) {
		kbuffer_free(td->cpu[i].kbuf);
		free(td->cpu[i].blk[0]);
		free(td->cpu[i].blk[1]);
		free(td->cpu[i].pbuf[0]);
		free(td->cpu[i].pbuf[1]);
	}
	free(td->cpu);
	for (i = 0; i < td->nr_buffers; i++) {
		free(td->buffers[i].name);
		free(td->buffers[i].cpus);
	}
	free(td->buffers);
	if (td->tep_poisoned) {
		/* a libtraceevent parser faulted: its state is unknown, leave it */
		keep_poisoned(td->tep);
	} else {
		if (td->plugins)
			tep_unload_plugins(td->plugins, td->tep);
		tep_free(td->tep);
	}
	free(td->clock);
	free(td->cpustats);
	free(td->uname);
	free(td->tool_version);
	free(td->zbuf);
	ZSTD_freeDCtx(td->zctx);
	if (td->fd >= 0 && !td->mem)
		close(td->fd);
	free(td->name_alloc);
	free(td);
}

/* ---------------------------------------------------------------- accessors */

struct tep_handle *ftx_tracedat_tep(struct ftx_tracedat *td)
{
	return td->tep;
}

int ftx_tracedat_cpus(struct ftx_tracedat *td)
{
	return td->ncpus;
}

int ftx_tracedat_version(struct ftx_tracedat *td)
{
	return td->version;
}

const char *ftx_tracedat_clock(struct ftx_tracedat *td)
{
	return td->clock;
}

bool ftx_tracedat_ts_in_usecs(struct ftx_tracedat *td)
{
	return td->in_usecs;
}

const char *ftx_tracedat_cpustats(struct ftx_tracedat *td)
{
	return td->cpustats;
}

const char *ftx_tracedat_uname(struct ftx_tracedat *td)
{
	return td->uname;
}

const char *ftx_tracedat_tool_version(struct ftx_tracedat *td)
{
	return td->tool_version;
}

int ftx_tracedat_cpu_data(struct ftx_tracedat *td, int idx, uint64_t *offset, uint64_t *size)
{
	if (idx < 0 || idx >= td->ncpus || !td->cpu[idx].size)
		return -1;
	*offset = td->cpu[idx].off;
	*size = td->cpu[idx].size;
	return 0;
}

/* Compressed CPU data: the sum of its chunks' uncompressed sizes */
static int cpu_usize(struct ftx_tracedat *td, const struct td_cpu *c, uint64_t *usize)
{
	uint64_t pos = c->off, end = c->off + c->size + 4, n;
	uint8_t h[8];

	*usize = 0;
	if (td_pread(td, pos, h, 4))
		return -1;
	n = td_num(td, h, 4);
	for (pos += 4; n--; pos += 8 + td_num(td, h, 4)) {
		if (pos + 8 > end || td_pread(td, pos, h, 8))
			return -1;
		*usize += td_num(td, h + 4, 4);
	}
	return 0;
}

int ftx_tracedat_cpu_stat(struct ftx_tracedat *td, int idx, uint64_t *offset, uint64_t *size)
{
	uint64_t at = td->page_size, us = 0;
	int i;

	if (idx < 0 || idx >= td->ncpus || !td->cpu[idx].listed)
		return -1;
	if (!td->cpu[idx].compressed || !td->cpu[idx].size) {
		*offset = td->cpu[idx].off;
		*size = td->cpu[idx].size;
		return 0;
	}
	/*
	 * trace-cmd shows compressed data where it lies decompressed: one
	 * page in, each CPU after the one before.
	 */
	for (i = 0; i <= idx; i++) {
		if (!td->cpu[i].listed || !td->cpu[i].size)
			continue;
		if (cpu_usize(td, &td->cpu[i], &us))
			return -1;
		if (i == idx)
			break;
		at += us;
	}
	*offset = at;
	*size = us;
	return 0;
}

unsigned long long ftx_tracedat_lost_events(struct ftx_tracedat *td, int cpu)
{
	return cpu >= 0 && cpu < td->ncpus ? td->cpu[cpu].lost_events : 0;
}

unsigned long long ftx_tracedat_lost_pages(struct ftx_tracedat *td, int cpu)
{
	return cpu >= 0 && cpu < td->ncpus ? td->cpu[cpu].lost_pages : 0;
}

int ftx_tracedat_nr_buffers(struct ftx_tracedat *td)
{
	return td->nr_buffers;
}

const char *ftx_tracedat_buffer_name(struct ftx_tracedat *td, int i)
{
	return i >= 0 && i < td->nr_buffers ? td->buffers[i].name : NULL;
}

int ftx_tracedat_latency_text(struct ftx_tracedat *td, uint64_t *off, uint64_t *len)
{
	uint64_t o = td->latency_off, left = td->fsize - o, size;
	uint8_t b[8];

	if (!td->latency)
		return -1;
	/*
	 * trace-cmd's v6 reader takes a clock block (u64 size + text) after the
	 * tag when the file has a TRACECLOCK option, for latency files too: it
	 * eats the start of the text, so the report shows the same.
	 */
	if (td->version < 7 && td->use_trace_clock && left >= 8 && !td_pread(td, o, b, 8)) {
		size = td_num(td, b, 8);
		o += 8;
		left -= 8;
		if (size <= left) {
			o += size;
			left -= size;
		}
	}
	*off = o;
	*len = left;
	return 0;
}

int ftx_tracedat_load_kallsyms(struct ftx_tracedat *td)
{
	unsigned int flags = td->flags;
	uint8_t *owned = NULL;
	struct cur c;
	int ret;

	if (!td->ksyms_pending)
		return 0;
	td->ksyms_pending = false;
	if (td->ksyms_in_section) {
		/* v7: the section (maybe compressed); its body is u32 size + text */
		if (section_open(td, td->sec_off[OPT_KALLSYMS], OPT_KALLSYMS, &c, &owned,
				 "KALLSYMS"))
			return -1;
	} else {
		c = (struct cur){ .td = td, .pos = td->ksyms_off, .end = td->fsize };
	}
	td->flags &= ~FTX_TRACEDAT_LAZY_KALLSYMS;
	ret = parse_text_block(td, &c, 4, OPT_KALLSYMS);
	td->flags = flags;
	free(owned);
	return ret;
}

int ftx_tracedat_read(struct ftx_tracedat *td, uint64_t off, void *buf, size_t len)
{
	return td_pread(td, off, buf, len);
}

/* ---------------------------------------------------------------- raw access (convert) */

/* The offset right after the initial header; *@opt_off: v7's first OPTIONS section */
static int raw_header_end(struct ftx_tracedat *td, struct cur *c, uint64_t *opt_off)
{
	char *s = NULL;
	int i;

	*c = (struct cur){ .td = td, .pos = MAGIC_LEN, .end = td->fsize };
	if (cur_str(c, &s, "version"))
		return -1;
	free(s);
	c->pos += 1 + 1 + 4;
	*opt_off = 0;
	if (td->version < 7)
		return 0;
	for (i = 0; i < 2; i++) {
		if (cur_str(c, &s, "compression"))
			return -1;
		free(s);
	}
	return cur_num(c, 8, opt_off, "options offset");
}

static int raw_skip(struct cur *c, int size_bytes, const char *what)
{
	uint64_t size;

	if (cur_num(c, size_bytes, &size, what))
		return -1;
	if (size > c->end - c->pos)
		return td_fail(c->td, cur_err_off(c), "%s: size %llu beyond the end", what,
			       (unsigned long long)size);
	c->pos += size;
	return 0;
}

static int raw_skip_formats(struct cur *c)
{
	uint64_t n, i;

	if (cur_num(c, 4, &n, "event count"))
		return -1;
	for (i = 0; i < n; i++)
		if (raw_skip(c, 8, "event format"))
			return -1;
	return 0;
}

/* v6: walk block by block up to the start of @which; *@end gets its end */
static int raw_v6_block(struct ftx_tracedat *td, int which, uint64_t *start, uint64_t *end)
{
	uint64_t opt_off, n, i;
	struct cur c;
	char *sys;
	int b;

	if (raw_header_end(td, &c, &opt_off))
		return -1;
	for (b = 0; b <= which; b++) {
		*start = c.pos;
		switch (b) {
		case FTX_TRACEDAT_HEADER_INFO:
			if (cur_expect(&c, "header_page", 12, "header_page") ||
			    raw_skip(&c, 8, "header_page") ||
			    cur_expect(&c, "header_event", 13, "header_event") ||
			    raw_skip(&c, 8, "header_event"))
				return -1;
			break;
		case FTX_TRACEDAT_FTRACE_EVENTS:
			if (raw_skip_formats(&c))
				return -1;
			break;
		case FTX_TRACEDAT_EVENT_FORMATS:
			if (cur_num(&c, 4, &n, "system count"))
				return -1;
			for (i = 0; i < n; i++) {
				if (cur_str(&c, &sys, "system name"))
					return -1;
				free(sys);
				if (raw_skip_formats(&c))
					return -1;
			}
			break;
		case FTX_TRACEDAT_KALLSYMS:
		case FTX_TRACEDAT_PRINTK:
			if (raw_skip(&c, 4, "text block"))
				return -1;
			break;
		default:
			if (raw_skip(&c, 8, "text block"))
				return -1;
			break;
		}
	}
	*end = c.pos;
	return 0;
}

int ftx_tracedat_block(struct ftx_tracedat *td, enum ftx_tracedat_block which, char **buf,
		       size_t *len)
{
	uint64_t start, end;
	uint8_t *owned;
	struct cur c;
	char *b;

	*buf = NULL;
	*len = 0;
	if (which > FTX_TRACEDAT_CMDLINES) {
		errno = EINVAL;
		return td_fail(td, 0, "no metadata block %d", which);
	}
	if (td->version < 7) {
		if (raw_v6_block(td, which, &start, &end))
			return -1;
		c = (struct cur){ .td = td, .pos = start, .end = end };
		owned = NULL;
	} else {
		uint64_t off = td->sec_off[OPT_HEADER_INFO + which];

		if (!off)
			return 0;
		if (section_open(td, off, OPT_HEADER_INFO + which, &c, &owned, "section"))
			return -1;
	}
	start = c.end - c.pos;
	if (cur_blob(&c, start, &b, "metadata block")) {
		free(owned);
		return -1;
	}
	free(owned);
	*len = start;
	*buf = b;
	return 0;
}

int ftx_tracedat_options_each(struct ftx_tracedat *td,
			      int (*fn)(unsigned int id, const void *data, size_t size, void *arg),
			      void *arg)
{
	uint64_t opt_off, id, size, next;
	uint8_t *owned = NULL;
	char kind[10], *data;
	struct cur c;
	int ret, sections = 0;

	if (td->version < 7) {
		uint64_t start, end;

		if (raw_v6_block(td, FTX_TRACEDAT_CMDLINES, &start, &end))
			return -1;
		c = (struct cur){ .td = td, .pos = end + 4, .end = td->fsize };
		if (cur_read(&c, kind, 10, "options tag"))
			return -1;
		if (memcmp(kind, "options  ", 10))
			return 0;
		for (;;) {
			if (cur_num(&c, 2, &id, "option id"))
				return -1;
			if (id == OPT_DONE)
				return 0;
			if (cur_num(&c, 4, &size, "option size") ||
			    cur_blob(&c, size, &data, "option"))
				return -1;
			ret = fn(id, data, size, arg);
			free(data);
			if (ret)
				return ret;
		}
	}
	if (raw_header_end(td, &c, &opt_off))
		return -1;
	while (opt_off) {
		if (++sections > 1024)
			return td_fail(td, opt_off, "too many OPTIONS sections (loop?)");
		if (section_open(td, opt_off, OPT_DONE, &c, &owned, "OPTIONS section"))
			return -1;
		next = 0;
		for (;;) {
			if (cur_num(&c, 2, &id, "option id") || cur_num(&c, 4, &size, "option size"))
				goto fail;
			if (id == OPT_DONE) {
				if (cur_num(&c, 8, &next, "next options offset"))
					goto fail;
				break;
			}
			if (cur_blob(&c, size, &data, "option"))
				goto fail;
			ret = fn(id, data, size, arg);
			free(data);
			if (ret) {
				free(owned);
				return ret;
			}
		}
		free(owned);
		owned = NULL;
		if (next && next <= opt_off)
			return td_fail(td, opt_off, "OPTIONS chain goes backwards");
		opt_off = next;
	}
	return 0;
fail:
	free(owned);
	return -1;
}

int ftx_tracedat_cpu_pages(struct ftx_tracedat *td, int idx,
			   int (*fn)(const void *pages, size_t len, void *arg), void *arg)
{
	struct td_cpu *c;
	uint64_t pos, end, nr, csize, usize;
	uint8_t hdr[8], *buf = NULL, *z = NULL;
	int ret = -1;

	if (idx < 0 || idx >= td->ncpus) {
		errno = EINVAL;
		return td_fail(td, 0, "no CPU index %d", idx);
	}
	c = &td->cpu[idx];
	if (!c->size)
		return 0;
	pos = c->off;
	if (!c->compressed) {
		end = c->off + c->size;
		buf = malloc(BLOCK_BYTES);
		if (!buf)
			return td_nomem(td);
		while (pos < end) {
			size_t len = end - pos > BLOCK_BYTES ? BLOCK_BYTES : end - pos;

			if (td_pread(td, pos, buf, len))
				goto out;
			ret = fn(buf, len, arg);
			if (ret)
				goto out;
			ret = -1;
			pos += len;
		}
		ret = 0;
		goto out;
	}
	/* compressed: the size in the BUFFER option leaves out the chunk count */
	end = c->off + c->size + 4;
	if (end > td->fsize || td_pread(td, pos, hdr, 4))
		return td_fail(td, c->off, "CPU %d: compressed data too short", c->cpu);
	nr = td_num(td, hdr, 4);
	pos += 4;
	while (nr--) {
		if (end - pos < 8 || td_pread(td, pos, hdr, 8)) {
			td_fail(td, pos, "CPU %d: truncated chunk header", c->cpu);
			goto out;
		}
		csize = td_num(td, hdr, 4);
		usize = td_num(td, hdr + 4, 4);
		pos += 8;
		if (csize > end - pos || usize > (uint64_t)CHUNK_PAGES_MAX * td->page_size) {
			td_fail(td, pos - 8, "CPU %d: bad chunk (%llu bytes, %llu uncompressed)",
				c->cpu, (unsigned long long)csize, (unsigned long long)usize);
			goto out;
		}
		free(z);
		free(buf);
		z = malloc(csize ? csize : 1);
		buf = malloc(usize ? usize : 1);
		if (!z || !buf) {
			td_nomem(td);
			goto out;
		}
		if (td_pread(td, pos, z, csize) || td_decompress(td, pos - 8, z, csize, buf, usize))
			goto out;
		ret = fn(buf, usize, arg);
		if (ret)
			goto out;
		ret = -1;
		pos += csize;
	}
	ret = 0;
out:
	free(z);
	free(buf);
	return ret;
}

bool ftx_tracedat_swapped(struct ftx_tracedat *td)
{
	return td->swap;
}

unsigned int ftx_tracedat_page_size(struct ftx_tracedat *td)
{
	return td->page_size;
}

int ftx_tracedat_long_size(struct ftx_tracedat *td)
{
	return td->user_long_size;
}
