// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled fast path against libtraceevent, byte for byte: every record
 * of every 64-bit fixture (with plugins and without), mutated copies of them
 * (values the recordings never had), and synthetic formats for the odd cases
 * (__print_symbolic with negative, hex, unknown and named values, __data_loc
 * at and past the end, empty and unterminated strings, printf widths). Each
 * op kind the fast path compiles must have been run and compared.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "ftx/error.h"
#include "ftx/strbuf.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"
#include "lib/print/report-fast.h"
#include "test-cost.h"

#define PAD	(64u << 10)	/* libtraceevent may read a __data_loc string past the record */
#define MUTANTS	24

struct diff_ctx {
	struct tep_handle *tep;
	struct ftx_fast *fast;
	struct trace_seq seq;
	struct ftx_strbuf out;
	unsigned long compared[8];
	unsigned long fallbacks;
	const char *what;
};

static void diff_init(struct diff_ctx *d, struct tep_handle *tep, const char *what)
{
	memset(d, 0, sizeof(*d));
	d->tep = tep;
	d->fast = ftx_fast_alloc(tep);
	trace_seq_init(&d->seq);
	d->what = what;
}

static void diff_done(struct diff_ctx *d, unsigned long *total)
{
	int k;

	for (k = 0; k < 8; k++)
		total[k] += d->compared[k];
	ftx_fast_free(d->fast);
	trace_seq_destroy(&d->seq);
	ftx_strbuf_release(&d->out);
}

static void show(char *dst, size_t n, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < n; i++)
		o += snprintf(dst + o, n - o, (unsigned char)s[i] >= 32 && s[i] != 127 ? "%c" :
			      "\\x%02x", (unsigned char)s[i]);
	dst[o] = 0;
}

/* One record both ways */
static void diff_one(struct diff_ctx *d, struct tep_event *ev, struct tep_record *rec)
{
	unsigned int kinds = ftx_fast_kinds(d->fast, ev);
	char a[600], b[600];
	int ret, k;

	if (!kinds)
		return;
	d->out.len = 0;
	ret = ftx_fast_run(d->fast, ev, rec, &d->out);
	TEST_REQUIRE(ret >= 0, "%s: %s:%s: the fast path failed (%d)", d->what, ev->system,
		     ev->name, ret);
	if (ret) {
		/* a fallback leaves nothing behind */
		TEST_REQUIRE(d->out.len == 0, "%s: %s:%s: a fallback left %zu bytes", d->what,
			     ev->system, ev->name, d->out.len);
		d->fallbacks++;
		return;
	}
	trace_seq_reset(&d->seq);
	tep_print_event(d->tep, &d->seq, rec, "%s", TEP_PRINT_INFO);
	if (d->out.len != d->seq.len || memcmp(d->out.buf, d->seq.buffer, d->seq.len)) {
		show(a, sizeof(a), d->out.buf, d->out.len);
		show(b, sizeof(b), d->seq.buffer, d->seq.len);
		ck_abort_msg("%s: %s:%s differs\n fast: %s\n  tep: %s", d->what, ev->system,
			     ev->name, a, b);
	}
	for (k = 0; k < 8; k++)
		if (kinds & (1u << k))
			d->compared[k]++;
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Mutants of @rec: bytes after the common fields changed, record otherwise the same */
static void diff_mutants(struct diff_ctx *d, struct tep_event *ev, struct tep_record *rec,
			 uint32_t *seed)
{
	static uint8_t buf[4096 + PAD];
	struct tep_record r = *rec;
	int m, k, n;

	if (rec->size <= 8 || rec->size > 4096)
		return;
	for (m = 0; m < MUTANTS; m++) {
		memset(buf, 0, rec->size + PAD);
		memcpy(buf, rec->data, rec->size);
		n = 1 + rnd(seed) % 3;
		for (k = 0; k < n; k++) {
			int at = 8 + rnd(seed) % (rec->size - 8);
			uint32_t v = rnd(seed);

			/* small numbers, all ones, sign bits, anything */
			switch (v % 5) {
			case 0: buf[at] = v >> 8 & 0x3f; break;
			case 1: buf[at] = 0xff; break;
			case 2: buf[at] = 0x80; break;
			case 3: buf[at] = 0; break;
			default: buf[at] = v >> 8; break;
			}
		}
		r.data = buf;
		diff_one(d, ev, &r);
	}
}

static const char *const files[] = {
	"fixtures/linux-6.1-amd64/sched_syscalls.v7.dat",
	"fixtures/linux-6.1-amd64/kprobe_openat2.v6.dat",
	"fixtures/linux-6.1-amd64/function_vfs.v6.dat",
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat",
	"fixtures/linux-6.1-arm64/kprobe_openat2.v6.dat",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat",
	"fixtures/converted/fgraph_612_cpucount.v7.dat",
	"fixtures/synth/le64.v6.dat",
	"fixtures/synth/be64.v6.dat",
	"fixtures/synth/be64-inst-zstd.v7.dat",
	"fixtures/synth/le64-zstd.v7.dat",
};

static unsigned long total[8];

static void fast_fixture(int i)
{
	unsigned int flags = i & 1 ? FTX_TRACEDAT_NO_PLUGINS : 0;
	const char *path = files[i / 2];
	static int seen[4096];
	struct ftx_tracedat *td = ftx_tracedat_open(path, flags);
	struct tep_record *rec;
	struct diff_ctx d;
	uint32_t seed = 0x9e3779b9u + i;

	memset(seen, 0, sizeof(seen));
	ck_assert_msg(td, "%s", ftx_error());
	ftx_tracedat_load_kallsyms(td);
	diff_init(&d, ftx_tracedat_tep(td), path);
	ck_assert_msg(d.fast, "%s: no fast path", path);
	while (ftx_tracedat_next(td, &rec) > 0) {
		struct tep_event *ev = rec->size >= 8 ? tep_find_event_by_record(d.tep, rec) : NULL;

		if (!ev)
			continue;
		diff_one(&d, ev, rec);
		if (ev->id >= 0 && ev->id < 4096 && seen[ev->id]++ < 40)
			diff_mutants(&d, ev, rec, &seed);
	}
	diff_done(&d, total);
	ftx_tracedat_close(td);
}

/* ---------------------------------------------------------------- synthetic */

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

static const char *const synth_formats[] = {
	"name: sym\nID: 901\nformat:\n" COMMON
	"\tfield:int v;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long u;\toffset:16;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"v=%s u=%s w=%-8s| c=%s\", __print_symbolic(REC->v, { -22, \"EINVAL\" }, "
	"{ 0x10, \"HEX\" }, { 10abc, \"TEN\" }, { HI_SOFTIRQ, \"HI\" }, { RCU_SOFTIRQ, \"RCU\" }, "
	"{ NOSUCH, \"NOSUCH\" }, { 2, \"TWO\" }), __print_symbolic(REC->u, { 0, \"ZERO\" }, "
	"{ -1, \"MINUS1\" }, { -22, \"UNEG\" }, { 18446744073709551615, \"MAX\" }), "
	"__print_symbolic((unsigned int)REC->v, { 4294967274, \"U22\" }, { 3, \"THREE\" }), "
	"__print_symbolic(REC->u, { 1, \"one\" })\n",

	"name: dloc\nID: 902\nformat:\n" COMMON
	"\tfield:int n;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:__data_loc char[] s;\toffset:12;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"n=%d s=%s t=[%10s] u=[%-6s]\", REC->n, __get_str(s), __get_str(s), "
	"__get_str(s)\n",

	"name: nums\nID: 903\nformat:\n" COMMON
	"\tfield:u64 a;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:int b;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\tfield:short c;\toffset:20;\tsize:2;\tsigned:1;\n"
	"\tfield:unsigned char d;\toffset:22;\tsize:1;\tsigned:0;\n"
	"\tfield:char name[8];\toffset:23;\tsize:8;\tsigned:0;\n"
	"\tfield:int ok;\toffset:32;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"%hhx %hx %x %lx %llx %d %ld %u %#x %08x %-5d| %llu %5d %-3u| %hhd %hd "
	"%s %.3s [%6s] %s %%\", REC->a, REC->a, REC->a, REC->a, REC->a, REC->b, REC->b, REC->b, "
	"REC->b, REC->b, REC->c, REC->a, REC->c, REC->d, REC->a, REC->a, REC->name, REC->name, "
	"REC->name, REC->ok ? \"yes\" : \"no\"\n",

	"name: flg\nID: 904\nformat:\n" COMMON
	"\tfield:unsigned long f;\toffset:8;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"f=%s\", __print_flags(REC->f, \"|\", { 1, \"A\" }, { 2, \"B\" }, "
	"{ -1, \"NEG\" }, { 0x100, \"C\" })\n",
};

static void put_u(uint8_t *p, unsigned long long v, int size)
{
	memcpy(p, &v, size);	/* little-endian host, little-endian tep */
}

static struct tep_record synth_rec(uint8_t *buf, int id, int size)
{
	struct tep_record r = { .data = buf, .size = size, .cpu = 0, .ts = 1000 };

	put_u(buf, id, 2);
	put_u(buf + 4, 77, 4);
	return r;
}

static void fast_synthetic(void)
{
	static uint8_t buf[512 + PAD];
	static const long long vals[] = {
		-22, -1, 0, 1, 2, 3, 9, 10, 16, 0x7fffffff, -2147483647 - 1, 4294967274LL,
		0xffffffffffffffffLL, 0x100, 0x101, 0x80000000LL,
	};
	static const unsigned int locs[][2] = {
		/* offset, length of the __data_loc; the string "hello" at 16 */
		{ 16, 6 }, { 16, 0 }, { 16, 1 }, { 16, 100 }, { 20, 2 }, { 22, 1 }, { 21, 1 },
		{ 0, 4 }, { 0, 0 }, { 8, 4 }, { 23, 1 }, { 24, 0 }, { 24, 1 }, { 65535, 65535 },
		{ 18, 5 }, { 17, 6 },
	};
	struct tep_handle *tep = tep_alloc();
	struct tep_event *ev;
	struct tep_record r;
	struct diff_ctx d;
	size_t i, j;

	ck_assert_ptr_nonnull(tep);
	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	for (i = 0; i < FTX_ARRAY_SIZE(synth_formats); i++)
		ck_assert_int_eq(tep_parse_event(tep, synth_formats[i], strlen(synth_formats[i]),
						 "synth"), 0);
	diff_init(&d, tep, "synthetic");
	ck_assert_ptr_nonnull(d.fast);

	ev = tep_find_event(tep, 901);
	ck_assert_uint_ne(ftx_fast_kinds(d.fast, ev) & (1u << FTX_FAST_SYM), 0);
	for (i = 0; i < FTX_ARRAY_SIZE(vals); i++)
		for (j = 0; j < FTX_ARRAY_SIZE(vals); j++) {
			memset(buf, 0, 24 + PAD);
			r = synth_rec(buf, 901, 24);
			put_u(buf + 8, vals[i], 4);
			put_u(buf + 16, vals[j], 8);
			diff_one(&d, ev, &r);
		}

	ev = tep_find_event(tep, 902);
	ck_assert_uint_ne(ftx_fast_kinds(d.fast, ev) & (1u << FTX_FAST_DSTR), 0);
	for (i = 0; i < FTX_ARRAY_SIZE(locs); i++)
		for (j = 0; j < 3; j++) {
			int size = j == 0 ? 22 : j == 1 ? 24 : 21;	/* exact, padded, cut */

			memset(buf, 0, 64 + PAD);
			r = synth_rec(buf, 902, size);
			put_u(buf + 8, -5, 4);
			put_u(buf + 12, locs[i][0] | locs[i][1] << 16, 4);
			memcpy(buf + 16, "hello", 6);
			buf[22] = 'X';	/* what follows the record */
			buf[23] = 'Y';
			diff_one(&d, ev, &r);
			memcpy(buf + 16, "\0ello", 6);	/* an empty string */
			diff_one(&d, ev, &r);
		}

	ev = tep_find_event(tep, 903);
	ck_assert_uint_ne(ftx_fast_kinds(d.fast, ev) & (1u << FTX_FAST_NUM), 0);
	for (i = 0; i < FTX_ARRAY_SIZE(vals); i++) {
		memset(buf, 0, 36 + PAD);
		r = synth_rec(buf, 903, 36);
		put_u(buf + 8, vals[i], 8);
		put_u(buf + 16, vals[i], 4);
		put_u(buf + 20, vals[i], 2);
		put_u(buf + 22, vals[i], 1);
		memcpy(buf + 23, i & 1 ? "abcdefgh" : "ab\0cdefg", 8);	/* full and short */
		put_u(buf + 32, i & 2 ? 0 : vals[i], 4);
		diff_one(&d, ev, &r);
	}

	ev = tep_find_event(tep, 904);
	for (i = 0; i < FTX_ARRAY_SIZE(vals); i++) {
		memset(buf, 0, 16 + PAD);
		r = synth_rec(buf, 904, 16);
		put_u(buf + 8, vals[i], 8);
		diff_one(&d, ev, &r);
	}
	diff_done(&d, total);
	ftx_fast_free(NULL);
	tep_free(tep);
}

/* One test (Check forks per test): all of it, then every op kind must have been compared */
START_TEST(test_fast_differential)
{
	static const char *const names[] = {
		"literal", "number", "char array", "__get_str", "__print_symbolic", "cond ?:",
		"sched_switch plugin", "sched_wakeup plugin",
	};
	size_t i;
	int k;

	memset(total, 0, sizeof(total));
	/* each file with and without plugins; under make check-mem one of the two, in turn */
	for (i = 0; i < 2 * FTX_ARRAY_SIZE(files); i++)
		if (test_rounds_div() == 1 || (i & 1) == (i / 2 & 1))
			fast_fixture(i);
	fast_synthetic();
	for (k = 0; k < 8; k++)
		ck_assert_msg(total[k] >= 20, "fast-path %s ops compared only %lu times", names[k],
			      total[k]);
}
END_TEST

Suite *report_fast_suite(void)
{
	Suite *s = suite_create("report-fast");
	TCase *tc = tcase_create("differential");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fast_differential);
	suite_add_tcase(s, tc);
	return s;
}
