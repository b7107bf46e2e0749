// SPDX-License-Identifier: GPL-2.0
/*
 * A sanity check of event format texts before libtraceevent parses them.
 * libtraceevent 1.7 crashes on a print fmt that names a field the format does
 * not declare (trace-cmd report segfaults on such a file too); a kernel never
 * writes one, so a format failing this check comes from a corrupted file.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/format-check.h"

#define MAX_FIELDS 512

struct name {
	const char *p;
	size_t len;
};

/* (ftx never sets a locale: the C one's classes, spelt out so loops over them vectorize) */
static inline bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* isprint() of the C locale, or a newline or tab */
static inline bool text_char(unsigned char c)
{
	return (unsigned char)(c - 0x20) < 0x5f || c == '\n' || c == '\t';
}

/*
 * Does @text hold a byte text_char() refuses? 16 bytes a step in the
 * compiler's vector types (SIMD where the target has it, plain code where not)
 */
static bool has_binary(const char *text, size_t len)
{
	typedef unsigned char v16 __attribute__((vector_size(16)));
	v16 acc = { 0 };
	size_t i = 0;

	for (; len - i >= 16; i += 16) {
		v16 v;

		memcpy(&v, text + i, 16);
		acc |= (v16)((v16)(v - 0x20) >= 0x5f) & (v16)(v != '\n') & (v16)(v != '\t');
	}
	for (int k = 0; k < 16; k++)
		if (acc[k])
			return true;
	for (; i < len; i++)
		if (!text_char(text[i]))
			return true;
	return false;
}

/* The field name in "field:TYPE NAME[N];" */
static bool field_name(const char *line, const char *end, struct name *n)
{
	const char *semi = memchr(line, ';', end - line);
	const char *p;

	if (!semi)
		return false;
	p = semi;
	if (p > line && p[-1] == ']') {
		while (p > line && *p != '[')
			p--;
	}
	while (p > line && !ident_char(p[-1]))
		p--;
	n->len = 0;
	while (p > line && ident_char(p[-1])) {
		p--;
		n->len++;
	}
	n->p = p;
	return n->len > 0;
}

static int fail(char *why, size_t why_len, const char *msg)
{
	snprintf(why, why_len, "%s", msg);
	errno = EINVAL;
	return -1;
}

/*
 * The first @key (@klen > 0 bytes) in [@p, @end), or NULL: memmem()'s answer,
 * found by memchr() of its first byte, cheaper than memmem()'s setup on lines of
 * a few dozen bytes (the format check calls it twice for every field line)
 */
static const char *find_key(const char *p, const char *end, const char *key, size_t klen)
{
	while ((size_t)(end - p) >= klen) {
		p = memchr(p, key[0], end - p - klen + 1);
		if (!p)
			return NULL;
		if (!memcmp(p + 1, key + 1, klen - 1))
			return p;
		p++;
	}
	return NULL;
}

/*
 * The number after the first @key (@klen bytes) in [@p, @end), saturated;
 * NULL without a key followed by a digit. The text holds no NUL (checked
 * first), so memcmp() compares as strncmp() would.
 */
static const char *key_number(const char *p, const char *end, const char *key, size_t klen,
			      unsigned long long *v)
{
	const char *q = find_key(p, end, key, klen);

	if (!q)
		return NULL;
	q += klen;
	if (q >= end || !isdigit((unsigned char)*q))
		return NULL;
	for (*v = 0; q < end && isdigit((unsigned char)*q); q++)
		*v = *v > (1ull << 40) ? *v : *v * 10 + (*q - '0');
	return q;
}

/*
 * "\tfield:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;" with numbers where due;
 * *@fend receives offset + size (saturated)
 */
static bool field_line_ok(const char *p, const char *end, unsigned long long *fend)
{
	unsigned long long off, size;

	if (!key_number(p, end, "offset:", 7, &off) || !key_number(p, end, "size:", 5, &size))
		return false;
	*fend = off + size;
	return true;
}

/* The arguments after the format string: balanced brackets, whole REC-> names */
static int args_ok(const char *p, const char *end, char *why, size_t why_len)
{
	char stack[64];
	int depth = 0;
	bool quoted = false;

	for (; p < end && *p != '\n'; p++) {
		if (quoted) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				quoted = false;
			continue;
		}
		switch (*p) {
		case '"':
			quoted = true;
			break;
		case '(': case '[': case '{':
			if (depth == (int)sizeof(stack))
				return fail(why, why_len, "print fmt nests too deep");
			stack[depth++] = *p == '(' ? ')' : *p == '[' ? ']' : '}';
			break;
		case ')': case ']': case '}':
			if (!depth || stack[--depth] != *p)
				return fail(why, why_len, "print fmt has unbalanced brackets");
			break;
		case '-':
			if (p + 3 < end && p[1] == '>' && !ident_char(p[2]))
				return fail(why, why_len, "print fmt has a dangling ->");
			break;
		}
	}
	if (quoted || depth)
		return fail(why, why_len, "print fmt is cut short");
	return 0;
}

int ftx_format_check(const char *text, size_t len, unsigned int page_size, char *why,
		     size_t why_len)
{
	unsigned long long fend;
	struct name fields[MAX_FIELDS];
	const char *end = text + len, *line, *next, *p, *fmt = NULL;
	int nfields = 0, i;

	if (has_binary(text, len))
		return fail(why, why_len, "format text holds binary bytes");
	if (len < 6 || strncmp(text, "name: ", 6))
		return fail(why, why_len, "format text does not start with its name");
	for (line = text; line < end; line = next) {
		next = memchr(line, '\n', end - line);
		next = next ? next + 1 : end;
		p = line;
		while (p < next && (*p == ' ' || *p == '\t'))
			p++;
		if (next - p > 6 && !strncmp(p, "field:", 6)) {
			if (!field_line_ok(p, next, &fend) || !field_name(p + 6, next, &fields[nfields]))
				return fail(why, why_len, "malformed field line");
			/* a record lives in one page: no field of it can end past one */
			if (page_size && fend > page_size) {
				snprintf(why, why_len, "field %.*s ends at byte %llu, past a %u-byte page",
					 (int)(fields[nfields].len > 64 ? 64 : fields[nfields].len),
					 fields[nfields].p, fend, page_size);
				errno = EINVAL;
				return -1;
			}
			if (nfields < MAX_FIELDS - 1)
				nfields++;
		} else if (next - p > 10 && !strncmp(p, "print fmt:", 10)) {
			fmt = p + 10;
			break;
		}
	}
	if (!fmt)
		return 0;
	/* skip the quoted format string itself */
	p = fmt;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p != '"')
		return fail(why, why_len, "print fmt does not start with a string");
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	if (p >= end)
		return fail(why, why_len, "print fmt string is not terminated");
	if (args_ok(p + 1, end, why, why_len))
		return -1;
	for (; p + 5 < end; p++) {
		const char *id;
		size_t n;

		if (*p != 'R' || memcmp(p, "REC->", 5))
			continue;
		id = p + 5;
		for (n = 0; id + n < end && ident_char(id[n]); n++)
			;
		for (i = 0; i < nfields; i++)
			if (fields[i].len == n && !memcmp(fields[i].p, id, n))
				break;
		if (i == nfields) {
			snprintf(why, why_len, "print fmt uses REC->%.*s, which is not a field",
				 (int)(n > 64 ? 64 : n), id);
			errno = EINVAL;
			return -1;
		}
		p = id + n - 1;
	}
	return 0;
}

/* "0xADDR : "fmt"" — what the kernel's printk_formats file holds */
static bool printk_line_ok(const char *p, size_t len)
{
	size_t i = 2;

	if (len < 7 || p[0] != '0' || p[1] != 'x')
		return false;
	while (i < len && isxdigit((unsigned char)p[i]))
		i++;
	if (i == 2 || len - i < 5 || strncmp(p + i, " : \"", 4))
		return false;
	return p[len - 1] == '"';
}

char *ftx_printk_sanitize(const char *text, size_t len, size_t *out_len)
{
	const char *line = text, *end = text + len, *next;
	char *buf, *out;
	size_t n;

	/* each kept line grows by at most 2 bytes ("\\n") and is at least 7 long */
	buf = malloc(len + len / 3 + 2);
	if (!buf)
		return NULL;
	out = buf;
	while (line < end) {
		next = memchr(line, '\n', end - line);
		n = (next ? next : end) - line;
		if (printk_line_ok(line, n) && !memchr(line, '\0', n)) {
			/*
			 * libtraceevent 1.7 strips the closing quote and then compares
			 * the two bytes before it with "\\n", reading before its copy
			 * of a format shorter than two characters. With a "\\n" added
			 * it strips that too and registers the same text.
			 */
			const char *fmt = memchr(line, '"', n) + 1;

			if (line + n - 1 - fmt < 2) {
				memcpy(out, line, n - 1);
				out += n - 1;
				memcpy(out, "\\n\"", 3);
				out += 3;
			} else {
				memcpy(out, line, n);
				out += n;
			}
			if (next)	/* the last line may lack its newline */
				*out++ = '\n';
		}
		line = next ? next + 1 : end;
	}
	*out = '\0';
	*out_len = out - buf;
	return buf;
}
