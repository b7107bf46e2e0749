// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of 'ftx check': the table line, the JSON schema scripts
 * rely on, README parsing, and the ELF entry offset uprobes are placed at.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/capability.h"
#include "ftx/util.h"

START_TEST(test_status_names)
{
	ck_assert_str_eq(ftx_cap_status_name(FTX_CAP_OK), "ok");
	ck_assert_str_eq(ftx_cap_status_name(FTX_CAP_NOT_PERMITTED), "not permitted");
	ck_assert_str_eq(ftx_cap_status_name(FTX_CAP_NOT_BUILT), "not built");
	ck_assert_str_eq(ftx_cap_status_name(FTX_CAP_NOT_SUPPORTED), "not supported");
}
END_TEST

START_TEST(test_format_line)
{
	struct ftx_cap cap = { .name = "tracer function", .status = FTX_CAP_NOT_PERMITTED,
			       .reason = "writing current_tracer: not permitted (lockdown=integrity)" };
	char buf[256];

	ck_assert_str_eq(ftx_cap_format(&cap, buf, sizeof(buf)),
			 "tracer function        not permitted  writing current_tracer: "
			 "not permitted (lockdown=integrity)");
	cap.reason[0] = '\0';
	cap.status = FTX_CAP_OK;
	/* no trailing blanks when there is no reason */
	ck_assert_str_eq(ftx_cap_format(&cap, buf, sizeof(buf)), "tracer function        ok");
	ck_assert_uint_eq(strlen(ftx_cap_format(&cap, buf, 10)), 9);
}
END_TEST

START_TEST(test_json)
{
	struct ftx_cap caps[2] = {
		{ .name = "uprobe", .status = FTX_CAP_OK, .reason = "hit on /bin/true+0x23d0" },
		{ .name = "fetcharg $argN", .status = FTX_CAP_NOT_SUPPORTED,
		  .reason = "say \"no\"\\\n\ttab\x01" },
	};
	struct ftx_check chk = { .kernel = "6.18.44", .machine = "x86_64",
				 .tracefs = "/sys/kernel/tracing", .caps = caps, .nr = 2 };
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	f = open_memstream(&buf, &size);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftx_check_print_json(f, &chk), 0);
	fclose(f);
	ck_assert_str_eq(buf,
		"{\"kernel\":\"6.18.44\",\"machine\":\"x86_64\",\"tracefs\":\"/sys/kernel/tracing\","
		"\"capabilities\":[\n"
		"  {\"name\":\"uprobe\",\"status\":\"ok\",\"reason\":\"hit on /bin/true+0x23d0\"},\n"
		"  {\"name\":\"fetcharg $argN\",\"status\":\"not supported\","
		"\"reason\":\"say \\\"no\\\"\\\\\\n\\ttab\\u0001\"}\n"
		"]}\n");
	free(buf);
}
END_TEST

START_TEST(test_readme_fetcharg)
{
	char *readme = ftx_read_file("fixtures/tracefs/README-6.18", NULL);

	ck_assert_ptr_nonnull(readme);
	ck_assert(ftx_readme_has_fetcharg(readme, "$arg<N>"));
	ck_assert(ftx_readme_has_fetcharg(readme, "$retval"));
	ck_assert(!ftx_readme_has_fetcharg(readme, "$nosuch"));
	/* mentioned only in prose, not in the fetcharg syntax */
	ck_assert(!ftx_readme_has_fetcharg("see $arg<N> in the docs\n", "$arg<N>"));
	ck_assert(ftx_readme_has_fetcharg("\t fetcharg: $stack<index>, $arg<N>\n", "$arg<N>"));
	ck_assert(!ftx_readme_has_fetcharg(NULL, "$arg<N>"));
	free(readme);
}
END_TEST

/* The entry offset computed independently, from the raw 64-bit headers. */
static long long entry_offset_raw(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	FILE *f = fopen(path, "rb");
	long long ret = -1;
	int i;

	if (!f)
		return -1;
	if (fread(&eh, sizeof(eh), 1, f) != 1 || eh.e_ident[EI_CLASS] != ELFCLASS64)
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (fseek(f, eh.e_phoff + i * eh.e_phentsize, SEEK_SET) ||
		    fread(&ph, sizeof(ph), 1, f) != 1)
			goto out;
		if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr &&
		    eh.e_entry < ph.p_vaddr + ph.p_filesz) {
			ret = eh.e_entry - ph.p_vaddr + ph.p_offset;
			break;
		}
	}
out:
	fclose(f);
	return ret;
}

START_TEST(test_elf_entry)
{
	unsigned long long off;
	long long raw = entry_offset_raw("/proc/self/exe");

	ck_assert_int_eq(ftx_elf_entry_offset("/proc/self/exe", &off), 0);
	if (raw >= 0)
		ck_assert_uint_eq(off, (unsigned long long)raw);
	ck_assert_uint_gt(off, 0);
	ck_assert_int_eq(ftx_elf_entry_offset("fixtures/tracefs/README-6.18", &off), -1);
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_int_eq(ftx_elf_entry_offset("/nonexistent/ftx", &off), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, test_status_names);
	tcase_add_test(tc, test_format_line);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_readme_fetcharg);
	tcase_add_test(tc, test_elf_entry);
	suite_add_tcase(s, tc);
	return s;
}
