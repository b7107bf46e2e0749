// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat v6 writer: files built from hand-made ring-buffer pages are read
 * back structurally here, and by trace-cmd report when it is installed (the
 * reference reader; skipped with a printed reason otherwise).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/tracedat-write.h"
#include "ftx/util.h"

/* events/header_page and header_event of an x86_64 6.x kernel */
static const char hp64[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";
static const char hp32[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:12;\tsize:4084;\tsigned:0;\n";
static const char he[] =
	"# compressed entry header\n"
	"\ttype_len    :    5 bits\n"
	"\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n"
	"\n"
	"\tpadding     : type == 29\n"
	"\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n"
	"\tdata max type_len  == 28\n";
static const char fmt_test[] =
	"name: ftx_test\n"
	"ID: 900\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int value;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"value=%d\", REC->value\n";
static const char fmt_print[] =
	"name: print\n"
	"ID: 5\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:char buf[];\toffset:16;\tsize:0;\tsigned:0;\n"
	"\n"
	"print fmt: \"%ps: %s\", (void *)REC->ip, REC->buf\n";

#define PAGE 4096

/* One sub-buffer holding ftx_test events from @pid with the given values, 1 us apart. */
static void make_page(uint8_t *page, uint64_t ts, int pid, const int *values, int n, bool missed)
{
	uint32_t off = 16;
	uint64_t commit;
	int i;

	memset(page, 0, PAGE);
	memcpy(page, &ts, 8);
	for (i = 0; i < n; i++) {
		uint32_t hdr = 3 | ((i ? 1000u : 0u) << 5);	/* type_len 3: 12-byte payload */
		uint16_t type = 900;

		memcpy(page + off, &hdr, 4);
		memcpy(page + off + 4, &type, 2);
		page[off + 6] = 0;
		page[off + 7] = 0;
		memcpy(page + off + 8, &pid, 4);
		memcpy(page + off + 12, &values[i], 4);
		off += 16;
	}
	commit = off - 16;
	if (missed)
		commit |= 1ull << 31;
	memcpy(page + 8, &commit, 8);
}

static int tmpfile_with(const void *data, size_t len)
{
	char path[] = "/tmp/ftx-tdw-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	return fd;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static const uint8_t *find(const uint8_t *hay, size_t len, const char *needle, size_t nlen)
{
	return memmem(hay, len, needle, nlen);
}

/* Builds a 2-CPU file (CPU1 empty) at @path; returns the CPU0 page. */
static void write_sample(const char *path, uint8_t *page)
{
	static const int values[] = { 7, -3, 42 };
	struct ftx_tdat_format ev[] = { { "ftxtest", "ftx_test", fmt_test, sizeof(fmt_test) - 1 } };
	struct ftx_tdat_format ft[] = { { "ftrace", "print", fmt_print, sizeof(fmt_print) - 1 } };
	static const char cmdlines[] = "4321 myproc\n";
	static const char uname_s[] = "Linux test 6.1.0 x86_64";
	static const char clock[] = "[local] global counter\n";
	struct ftx_tdat_option opts[] = {
		{ FTX_TDAT_OPT_TRACECLOCK, sizeof(clock), clock },
		{ FTX_TDAT_OPT_UNAME, sizeof(uname_s), uname_s },
	};
	struct ftx_tdat_cpu_data cpus[2];
	struct ftx_tdat_info info = {
		.page_size = PAGE,
		.header_page = hp64, .header_page_len = sizeof(hp64) - 1,
		.header_event = he, .header_event_len = sizeof(he) - 1,
		.ftrace_formats = ft, .nr_ftrace_formats = 1,
		.event_formats = ev, .nr_event_formats = 1,
		.cmdlines = cmdlines, .cmdlines_len = sizeof(cmdlines) - 1,
		.nr_cpus = 2,
		.options = opts, .nr_options = 2,
		.clock = "local",
	};
	int fd, in;

	make_page(page, 1500000000ull, 4321, values, 3, false);
	in = tmpfile_with(page, PAGE);
	cpus[0] = (struct ftx_tdat_cpu_data){ in, 0, PAGE };
	cpus[1] = (struct ftx_tdat_cpu_data){ -1, 0, 0 };
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftx_tdat_write(fd, &info, cpus), 0);
	close(fd);
	close(in);
}

START_TEST(test_page_size)
{
	unsigned int cs = 0;

	ck_assert_uint_eq(ftx_tdat_page_size(hp64, sizeof(hp64) - 1, &cs), 4096);
	ck_assert_uint_eq(cs, 8);
	ck_assert_uint_eq(ftx_tdat_page_size(hp32, sizeof(hp32) - 1, &cs), 4096);
	ck_assert_uint_eq(cs, 4);
	ck_assert_uint_eq(ftx_tdat_page_size("garbage", 7, &cs), 0);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_layout)
{
	char path[] = "/tmp/ftx-tdw-out-XXXXXX";
	uint8_t page[PAGE];
	const uint8_t *p;
	uint8_t *buf;
	size_t len;
	uint64_t off0;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_sample(path, page);
	buf = (uint8_t *)ftx_read_file(path, &len);
	unlink(path);
	ck_assert_ptr_nonnull(buf);

	/* initial header: magic, "tracing", "6", endian, long size, page size */
	ck_assert_mem_eq(buf, "\x17\x08\x44tracing6\0", 12);
	ck_assert_uint_eq(buf[12], 0);
	ck_assert_uint_eq(buf[13], sizeof(long));
	ck_assert_uint_eq(rd32(buf + 14), PAGE);
	ck_assert_mem_eq(buf + 18, "header_page\0", 12);
	ck_assert_uint_eq(rd64(buf + 30), sizeof(hp64) - 1);

	/* options block, terminated by a bare u16 0, right before "flyrecord" */
	p = find(buf, len, "options  \0", 10);
	ck_assert_ptr_nonnull(p);
	p = find(buf, len, "flyrecord\0", 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[-1], 0);
	ck_assert_uint_eq(p[-2], 0);
	p += 10;
	off0 = rd64(p);
	ck_assert_uint_eq(off0 % PAGE, 0);
	ck_assert_uint_eq(rd64(p + 8), PAGE);
	ck_assert_uint_eq(rd64(p + 16), 0);	/* CPU1: no data */
	ck_assert_uint_eq(rd64(p + 24), 0);
	ck_assert_uint_eq(rd64(p + 32), 7);	/* clock block */
	ck_assert_mem_eq(p + 40, "[local]", 7);
	ck_assert_uint_eq(len, off0 + PAGE);
	ck_assert_mem_eq(buf + off0, page, PAGE);
	free(buf);
}
END_TEST

START_TEST(test_trace_cmd_reads_it)
{
	char path[] = "/tmp/ftx-tdw-rep-XXXXXX", cmd[256], *out;
	uint8_t page[PAGE];
	size_t len;
	FILE *f;
	int fd;

	/* make check installs trace-cmd (scripts/deps.sh): without it this fails */
	ck_assert_msg(access("/usr/bin/trace-cmd", X_OK) == 0 || system("trace-cmd -h >/dev/null 2>&1") == 0,
		      "trace-cmd is not installed (scripts/deps.sh installs it)");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_sample(path, page);
	snprintf(cmd, sizeof(cmd), "trace-cmd report -i %s 2>&1", path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	out = calloc(1, 65536);
	len = fread(out, 1, 65535, f);
	pclose(f);
	unlink(path);
	out[len] = '\0';
	/* page timestamp 1.5 s, then +1000 ns deltas; comm from the cmdlines block */
	ck_assert_msg(strstr(out, "cpus=2"), "%s", out);
	ck_assert_msg(strstr(out, "myproc-4321  [000]     1.500000: ftx_test:             value=7"),
		      "%s", out);
	ck_assert_msg(strstr(out, "myproc-4321  [000]     1.500001: ftx_test:             value=-3"),
		      "%s", out);
	ck_assert_msg(strstr(out, "1.500002: ftx_test:             value=42"), "%s", out);
	ck_assert_msg(!strstr(out, "rror"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_bad_info)
{
	struct ftx_tdat_info info = { .page_size = 3000, .header_page = hp64, .header_event = he };
	int fd = open("/dev/null", O_WRONLY);

	ck_assert_int_eq(ftx_tdat_write(fd, &info, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	info.page_size = PAGE;
	info.nr_cpus = 2;
	ck_assert_int_eq(ftx_tdat_write(fd, &info, NULL), -1);
	/* version 6 is never compressed; only 6 and 7 exist */
	info.nr_cpus = 0;
	info.compression = FTX_TDAT_COMP_ZSTD;
	ck_assert_int_eq(ftx_tdat_write(fd, &info, NULL), -1);
	info.version = 8;
	ck_assert_int_eq(ftx_tdat_write(fd, &info, NULL), -1);
	close(fd);
}
END_TEST

START_TEST(test_short_source)
{
	struct ftx_tdat_cpu_data cpus[1];
	struct ftx_tdat_info info = {
		.page_size = PAGE,
		.header_page = hp64, .header_page_len = sizeof(hp64) - 1,
		.header_event = he, .header_event_len = sizeof(he) - 1,
		.nr_cpus = 1,
	};
	uint8_t page[PAGE] = { 0 };
	char path[] = "/tmp/ftx-tdw-short-XXXXXX";
	int in = tmpfile_with(page, PAGE), fd = mkstemp(path);

	unlink(path);
	/* the temp file holds one page, the table claims two: an error, not a short file */
	cpus[0] = (struct ftx_tdat_cpu_data){ in, 0, 2 * PAGE };
	ck_assert_int_eq(ftx_tdat_write(fd, &info, cpus), -1);
	close(fd);
	close(in);
}
END_TEST

Suite *tracedat_write_suite(void)
{
	Suite *s = suite_create("tracedat-write");
	TCase *tc = tcase_create("writer");

	tcase_add_test(tc, test_page_size);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_trace_cmd_reads_it);
	tcase_add_test(tc, test_bad_info);
	tcase_add_test(tc, test_short_source);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
