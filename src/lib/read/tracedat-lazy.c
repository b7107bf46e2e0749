// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat reader, lazy event formats (FTX_TRACEDAT_LAZY_FORMATS): a file
 * holds the format of every event the kernel had (hundreds), a report meets
 * a few of them. Formats are still read and checked at open; the ones whose
 * parse cannot depend on when it runs are kept as text, indexed by id and
 * name, and given to libtraceevent when first asked for.
 *
 * What makes a later parse the same as one at open: libtraceevent keeps its
 * events sorted by id, equal ids in the order parsed, and finds a name by the
 * first of that order, so the index holds no id twice and no name twice
 * (else all is parsed at once, in file order); the common fields (the record
 * type's offset and size libtraceevent takes from its first event) are the
 * same text in every kept format; the plugins load after the formats and a
 * plugin's print functions would change a later parse of a print fmt calling
 * them, so a format calling anything but libtraceevent's own helpers is
 * parsed at open; odd formats (the canary's) are parsed at open after all
 * kept ones, as before. Each later parse runs under the fault guard.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/tracedat.h"
#include "tracedat-local.h"

#define LAZY_MAX_ID	(1 << 20)

static void call_event(struct parse_call *pc)
{
	pc->ret = tep_parse_event(pc->tep, pc->buf, pc->size, pc->sys);
}

static bool ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* libtraceevent 1.7's own print fmt functions: no plugin can change how they parse */
static bool builtin_call(const char *p, size_t n)
{
	static const char *const names[] = {
		"__print_flags", "__print_symbolic", "__print_hex", "__print_hex_str",
		"__print_array", "__get_str", "__get_rel_str", "__get_bitmask",
		"__get_rel_bitmask", "__get_cpumask", "__get_rel_cpumask",
		"__get_dynamic_array", "__get_dynamic_array_len", "__get_rel_dynamic_array",
		"__get_rel_dynamic_array_len", "__get_sockaddr", "__get_sockaddr_rel",
		"__builtin_expect",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !memcmp(names[i], p, n))
			return true;
	return false;
}

/* Does the print fmt's argument list call only libtraceevent's helpers? */
static bool calls_builtins_only(const char *t)
{
	const char *p = strstr(t, "\nprint fmt: \""), *q;

	if (!p)
		return false;
	p = td_skip_quoted(p + 12);
	if (!p)
		return false;
	for (p++; *p; p++) {
		if (*p == '"' || *p == '\'') {
			p = td_skip_quoted(p);
			if (!p)
				return false;
		} else if (ident(*p)) {
			size_t n;

			q = p;
			while (ident(*p))
				p++;
			n = p - q;
			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			if (*p == '(' && !builtin_call(q, n))
				return false;
			p--;
		}
	}
	return true;
}

static bool id_seen(struct ftx_tracedat *td, int id)
{
	return (size_t)id / 8 < td->lazy_seen_len && (td->lazy_seen[id / 8] & (1u << (id % 8)));
}

static int id_mark(struct ftx_tracedat *td, int id)
{
	if ((size_t)id / 8 >= td->lazy_seen_len) {
		size_t n = ((size_t)id / 8 + 512) & ~(size_t)511;
		uint8_t *s = realloc(td->lazy_seen, n);

		if (!s)
			return -1;
		memset(s + td->lazy_seen_len, 0, n - td->lazy_seen_len);
		td->lazy_seen = s;
		td->lazy_seen_len = n;
	}
	td->lazy_seen[id / 8] |= 1u << (id % 8);
	return 0;
}

static int parse_one(struct ftx_tracedat *td, struct td_lazy *l, bool at_open)
{
	struct parse_call pc = { td->tep, l->buf, l->size, l->sys, 0, 0 };
	int sig;

	l->done = true;
	if (at_open) {
		sig = td_guarded(td, l->off, "event format", call_event, &pc) ? 1 : 0;
	} else {
		/*
		 * td_guarded()'s message, without failing the reader: another
		 * thread may be iterating it (the caller stops on -1 anyway)
		 */
		sig = td_guard_call(call_event, &pc);
		if (sig) {
			td->tep_poisoned = true;
			ftx_error_set("%s: offset %llu: libtraceevent crashed (signal %d) parsing the "
				      "event format here; trace-cmd cannot read this file either",
				      td->name, (unsigned long long)l->off, sig);
			errno = EINVAL;
		}
	}
	free(l->buf);
	l->buf = NULL;
	return sig ? -1 : 0;
}

int td_lazy_flush(struct ftx_tracedat *td)
{
	size_t i;
	int ret = 0;

	td->lazy_off = true;
	for (i = 0; i < td->nlazy; i++)
		if (!td->lazy[i].done && !ret)
			ret = parse_one(td, &td->lazy[i], true);
	return ret;
}

/*
 * "name: NAME\nID: N\nformat:\n" then the common fields up to the empty
 * line (format_is_plain() let only that shape through)
 */
static bool read_head(const char *t, size_t size, char **name, int *id, const char **common,
		      size_t *clen)
{
	const char *p = t + 6, *q, *end;
	unsigned long v = 0;

	if (size < 6 || strncmp(t, "name: ", 6))
		return false;
	q = p;
	while (ident(*p))
		p++;
	if (p == q || strncmp(p, "\nID: ", 5))
		return false;
	*name = strndup(q, p - q);
	if (!*name)
		return false;
	for (p += 5; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > LAZY_MAX_ID)
			goto bad;
	}
	if (strncmp(p, "\nformat:\n", 9))
		goto bad;
	p += 9;
	end = strstr(p, "\n\n");
	if (!end)
		goto bad;
	*id = (int)v;
	*common = p;
	*clen = end + 2 - p;
	return true;
bad:
	free(*name);
	*name = NULL;
	return false;
}

int td_lazy_add(struct ftx_tracedat *td, const char *sys, char *buf, size_t size, uint64_t off)
{
	const char *common;
	struct td_lazy *l;
	size_t clen;
	char *name;
	int id;

	if (td->lazy_off)
		return 1;
	if (!read_head(buf, size, &name, &id, &common, &clen)) {
		/* not indexable: this one and all before it parsed in file order */
		if (td_lazy_flush(td))
			goto fail;
		return 1;
	}
	if (!td->lazy_common) {
		td->lazy_common = strndup(common, clen);
		td->lazy_common_len = clen;
		if (!td->lazy_common)
			goto nomem;
	}
	if (id_seen(td, id) || clen != td->lazy_common_len || memcmp(common, td->lazy_common, clen)) {
		free(name);
		if (td_lazy_flush(td))
			goto fail;
		return 1;
	}
	if (id_mark(td, id))
		goto nomem;
	if (!calls_builtins_only(buf)) {
		free(name);
		return 1;
	}
	if (td->nlazy == td->lazy_cap) {
		size_t n = td->lazy_cap ? 2 * td->lazy_cap : 256;

		l = realloc(td->lazy, n * sizeof(*l));
		if (!l)
			goto nomem;
		td->lazy = l;
		td->lazy_cap = n;
	}
	l = &td->lazy[td->nlazy];
	*l = (struct td_lazy){ .id = id, .name = name, .sys = strdup(sys), .buf = buf,
			       .size = size, .off = off };
	if (!l->sys)
		goto nomem;
	td->nlazy++;
	if (id > td->lazy_max_id)
		td->lazy_max_id = id;
	return 0;
nomem:
	free(name);
	free(buf);
	return td_nomem(td);
fail:
	free(buf);
	return -1;
}

static int by_name(const void *a, const void *b)
{
	const struct td_lazy *x = *(struct td_lazy *const *)a, *y = *(struct td_lazy *const *)b;
	int r = strcmp(x->sys, y->sys);

	return r ? r : strcmp(x->name, y->name);
}

static int by_id(const void *a, const void *b)
{
	const struct td_lazy *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int td_lazy_finish(struct ftx_tracedat *td)
{
	struct td_lazy **v;
	size_t i, n = td->nlazy;
	bool dup = false;

	free(td->lazy_seen);
	td->lazy_seen = NULL;
	td->lazy_seen_len = 0;
	if (!n || td->lazy_off)
		return 0;
	/* odd formats are parsed after every plain one, as without laziness */
	if (td->ndeferred)
		return td_lazy_flush(td);
	/* a name twice (in the index or already parsed): libtraceevent's order decides */
	v = malloc(n * sizeof(*v));
	if (!v)
		return td_nomem(td);
	for (i = 0; i < n; i++)
		v[i] = &td->lazy[i];
	qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < n && !dup; i++)
		dup = (i && !by_name(&v[i - 1], &v[i])) ||
		      tep_find_event_by_name(td->tep, v[i]->sys, v[i]->name);
	free(v);
	if (dup)
		return td_lazy_flush(td);
	qsort(td->lazy, n, sizeof(*td->lazy), by_id);
	/* libtraceevent reads every record's type through its first event */
	if (!tep_get_events_count(td->tep))
		return parse_one(td, &td->lazy[0], true);
	return 0;
}

void td_lazy_free(struct ftx_tracedat *td)
{
	size_t i;

	for (i = 0; i < td->nlazy; i++) {
		free(td->lazy[i].sys);
		free(td->lazy[i].name);
		free(td->lazy[i].buf);
	}
	free(td->lazy);
	free(td->lazy_common);
	free(td->lazy_seen);
	td->lazy = NULL;
	td->nlazy = 0;
}

/* ---------------------------------------------------------------- API */

int ftx_tracedat_load_event(struct ftx_tracedat *td, int id)
{
	struct td_lazy key = { .id = id }, *l;

	if (!td->nlazy || td->lazy_off)
		return 0;
	l = bsearch(&key, td->lazy, td->nlazy, sizeof(*td->lazy), by_id);
	if (!l || l->done)
		return 0;
	return parse_one(td, l, false);
}

int ftx_tracedat_load_events(struct ftx_tracedat *td,
			     bool (*match)(const char *sys, const char *name, void *arg), void *arg)
{
	size_t i;

	if (td->lazy_off)
		return 0;
	for (i = 0; i < td->nlazy; i++) {
		struct td_lazy *l = &td->lazy[i];

		if (!l->done && (!match || match(l->sys, l->name, arg)) && parse_one(td, l, false))
			return -1;
	}
	return 0;
}

int ftx_tracedat_max_event_id(struct ftx_tracedat *td)
{
	int i, n = tep_get_events_count(td->tep), max = td->nlazy ? td->lazy_max_id : -1;

	for (i = 0; i < n; i++) {
		struct tep_event *ev = tep_get_event(td->tep, i);

		if (ev && ev->id > max)
			max = ev->id;
	}
	return max;
}

/* libtraceevent's field of a parsed event, as ftx_tracedat_event_field() says it */
static int tep_field_kind(struct tep_event *ev, const char *name, struct ftx_tracedat_field *fl)
{
	struct tep_format_field *f = tep_find_any_field(ev, name);

	if (!f)
		return 0;
	if ((f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_STRING |
			 TEP_FIELD_IS_POINTER | TEP_FIELD_IS_RELATIVE)) ||
	    (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8) || f->offset < 0)
		return -2;
	fl->offset = f->offset;
	fl->size = f->size;
	fl->is_signed = f->flags & TEP_FIELD_IS_SIGNED;
	return 1;
}

static unsigned long text_num(const char *p, const char *key)
{
	unsigned long v = 0;

	p = strstr(p, key);
	for (p += strlen(key); *p >= '0' && *p <= '9' && v < (1ul << 30); p++)
		v = v * 10 + (*p - '0');
	return v;
}

/*
 * The same from a kept format's text: every field line of it is
 * "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:[01];\n" with DECL of
 * identifiers, blanks, '*' and brackets (format_is_plain() let no other
 * through). A DECL holding @name as any of its identifiers answers: a plain
 * number when it is "TYPE... NAME" alone (no brackets, '*', char, dynamic
 * location), else -2, whatever libtraceevent would make of it.
 */
static int text_field_kind(const char *t, const char *name, struct ftx_tracedat_field *fl)
{
	size_t nlen = strlen(name);
	const char *p = t;

	while ((p = strstr(p, "\tfield:"))) {
		const char *decl = p + 7, *semi = strchr(decl, ';'), *q, *last = NULL;
		bool named = false;
		unsigned long size;

		if (!semi)
			return -2;
		for (q = decl; q < semi;) {
			const char *w = q;

			while (q < semi && (isalnum((unsigned char)*q) || *q == '_'))
				q++;
			if (q == w) {
				q++;
				continue;
			}
			last = w;
			named |= (size_t)(q - w) == nlen && !memcmp(w, name, nlen);
		}
		p = semi;
		if (!named)
			continue;
		if (semi - last != (ptrdiff_t)nlen || memchr(decl, '[', semi - decl) ||
		    memchr(decl, '*', semi - decl) || memmem(decl, semi - decl, "__data_loc", 10) ||
		    memmem(decl, semi - decl, "__rel_loc", 9) || memmem(decl, semi - decl, "char", 4))
			return -2;
		size = text_num(semi, ";\tsize:");
		if (size != 1 && size != 2 && size != 4 && size != 8)
			return -2;
		fl->offset = text_num(semi, ";\toffset:");
		fl->size = size;
		fl->is_signed = text_num(semi, ";\tsigned:") != 0;
		return 1;
	}
	return 0;
}

int ftx_tracedat_event_field(struct ftx_tracedat *td, int id, const char *name,
			     struct ftx_tracedat_field *fl)
{
	struct td_lazy key = { .id = id }, *l = NULL;
	struct tep_event *ev;

	if (td->nlazy && !td->lazy_off)
		l = bsearch(&key, td->lazy, td->nlazy, sizeof(*td->lazy), by_id);
	if (l && !l->done && l->buf)
		return text_field_kind(l->buf, name, fl);
	ev = tep_find_event(td->tep, id);
	return ev ? tep_field_kind(ev, name, fl) : -1;
}
