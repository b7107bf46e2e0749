// SPDX-License-Identifier: GPL-2.0
/* USDT argument specs to uprobe fetchargs: every form of x86_64, arm64 and arm. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "ftx/probe.h"
#include "ftx/util.h"

static int fake_sym(void *arg, const char *sym, uint64_t *off)
{
	if (!strcmp(sym, "counter")) {
		*off = 0x3010;
		return 0;
	}
	return -1;
}

struct usdt_case {
	enum ftx_arch arch;
	const char *spec, *fetch, *type;
};

static const struct usdt_case good[] = {
	{ FTX_ARCH_X86_64, "-4@%edi", "%di", "s32" },
	{ FTX_ARCH_X86_64, "8@%rax", "%ax", "u64" },
	{ FTX_ARCH_X86_64, "2@%si", "%si", "u16" },
	{ FTX_ARCH_X86_64, "1@%dil", "%di", "u8" },
	{ FTX_ARCH_X86_64, "-1@%al", "%ax", "s8" },
	{ FTX_ARCH_X86_64, "1@%ah", "%ax", "b8@8/64" },
	{ FTX_ARCH_X86_64, "-4@%r9d", "%r9", "s32" },
	{ FTX_ARCH_X86_64, "8@%r15", "%r15", "u64" },
	{ FTX_ARCH_X86_64, "8@-8(%rbp)", "-8(%bp)", "u64" },
	{ FTX_ARCH_X86_64, "-4@-20(%rbp)", "-20(%bp)", "s32" },
	{ FTX_ARCH_X86_64, "8@(%rsp)", "+0(%sp)", "u64" },
	{ FTX_ARCH_X86_64, "4@16(%rsp)", "+16(%sp)", "u32" },
	{ FTX_ARCH_X86_64, "-4@$5", "\\5", "s32" },
	{ FTX_ARCH_X86_64, "-4@$-5", "\\-5", "s32" },
	{ FTX_ARCH_X86_64, "4@counter+8(%rip)", "@+0x3018", "u32" },
	{ FTX_ARCH_X86_64, "8@counter(%rip)", "@+0x3010", "u64" },
	{ FTX_ARCH_X86_64, "-8@counter-16(%rip)", "@+0x3000", "s64" },
	{ FTX_ARCH_X86_64, "%rdi", "%di", "u64" },
	{ FTX_ARCH_ARM64, "-8@x4", "%x4", "s64" },
	{ FTX_ARCH_ARM64, "-4@w0", "%x0", "s32" },
	{ FTX_ARCH_ARM64, "-4@[sp, 96]", "+96(%sp)", "s32" },
	{ FTX_ARCH_ARM64, "-4@[sp]", "+0(%sp)", "s32" },
	{ FTX_ARCH_ARM64, "8@[x29, -8]", "-8(%x29)", "u64" },
	{ FTX_ARCH_ARM64, "8@[x1, #16]", "+16(%x1)", "u64" },
	{ FTX_ARCH_ARM64, "4@5", "\\5", "u32" },
	{ FTX_ARCH_ARM64, "8@sp", "%sp", "u64" },
	{ FTX_ARCH_ARM, "-8@r4", "%r4", "s64" },
	{ FTX_ARCH_ARM, "-4@r0", "%r0", "s32" },
	{ FTX_ARCH_ARM, "4@r11", "%fp", "u32" },
	{ FTX_ARCH_ARM, "-4@[fp, #96]", "+96(%fp)", "s32" },
	{ FTX_ARCH_ARM, "-4@[sp, #-8]", "-8(%sp)", "s32" },
	{ FTX_ARCH_ARM, "4@[r3]", "+0(%r3)", "u32" },
	{ FTX_ARCH_ARM, "4@#5", "\\5", "u32" },
	{ FTX_ARCH_ARM, "r1", "%r1", "u32" },
};

START_TEST(test_usdt_forms)
{
	char fetch[128], type[32], why[256];
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(good); i++) {
		const struct usdt_case *c = &good[i];

		if (ftx_usdt_arg_translate(c->spec, c->arch, fake_sym, NULL, true, fetch,
					   sizeof(fetch), type, sizeof(type), why, sizeof(why)) < 0)
			ck_abort_msg("%s (%s): %s", c->spec, ftx_arch_name(c->arch), why);
		if (strcmp(fetch, c->fetch) || strcmp(type, c->type))
			ck_abort_msg("%s (%s): %s:%s, want %s:%s", c->spec, ftx_arch_name(c->arch),
				     fetch, type, c->fetch, c->type);
	}
}
END_TEST

START_TEST(test_usdt_refused)
{
	static const struct { enum ftx_arch arch; const char *spec; int err; const char *why; } bad[] = {
		{ FTX_ARCH_X86_64, "1@-96(%rbp,%rax,8)", EOPNOTSUPP, "index register" },
		{ FTX_ARCH_X86_64, "8@(%rax,%rbx)", EOPNOTSUPP, "index register" },
		{ FTX_ARCH_X86_64, "4@nosuch+8(%rip)", EOPNOTSUPP, "symbol" },
		{ FTX_ARCH_X86_64, "4@8(%rip)", EOPNOTSUPP, "without a symbol" },
		{ FTX_ARCH_X86_64, "4@%xmm0", EINVAL, "unknown register" },
		{ FTX_ARCH_X86_64, "3@%eax", EINVAL, "size" },
		{ FTX_ARCH_X86_64, "4@counter", EOPNOTSUPP, "absolute" },
		{ FTX_ARCH_ARM64, "8@[x1, x2]", EOPNOTSUPP, "index register" },
		{ FTX_ARCH_ARM64, "8@[x1, x2, lsl #3]", EOPNOTSUPP, "shifted" },
		{ FTX_ARCH_ARM, "4@[r1, r2]", EOPNOTSUPP, "index register" },
		{ FTX_ARCH_ARM, "4@q0", EINVAL, "unknown register" },
		{ FTX_ARCH_RISCV64, "4@a0", EOPNOTSUPP, "architecture" },
	};
	char fetch[128], type[32], why[256];
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(bad); i++) {
		errno = 0;
		if (ftx_usdt_arg_translate(bad[i].spec, bad[i].arch, fake_sym, NULL, true, fetch,
					   sizeof(fetch), type, sizeof(type), why,
					   sizeof(why)) == 0)
			ck_abort_msg("%s translated to %s", bad[i].spec, fetch);
		ck_assert_int_eq(errno, bad[i].err);
		if (!strstr(why, bad[i].why) || !strstr(why, bad[i].spec))
			ck_abort_msg("%s: '%s' lacks '%s'", bad[i].spec, why, bad[i].why);
	}
	/* constants need \IMM */
	ck_assert_int_eq(ftx_usdt_arg_translate("-4@$5", FTX_ARCH_X86_64, NULL, NULL, false,
						fetch, sizeof(fetch), type, sizeof(type), why,
						sizeof(why)), -1);
	ck_assert_int_eq(errno, EOPNOTSUPP);
	/* no symbol lookup: RIP-relative refused, not crashed */
	ck_assert_int_eq(ftx_usdt_arg_translate("4@counter(%rip)", FTX_ARCH_X86_64, NULL, NULL,
						true, fetch, sizeof(fetch), type, sizeof(type),
						why, sizeof(why)), -1);
}
END_TEST

Suite *usdt_suite(void)
{
	Suite *s = suite_create("usdt");
	TCase *tc = tcase_create("arguments");

	tcase_add_test(tc, test_usdt_forms);
	tcase_add_test(tc, test_usdt_refused);
	suite_add_tcase(s, tc);
	return s;
}
