# SPDX-License-Identifier: GPL-2.0
#
# ftx — one non-recursive Makefile.
#   make [V=1] [CROSS_COMPILE=aarch64-linux-gnu-] [LIBPERF_DIR=...]
#   make check | check-unit | check-root | check-mem | check-asan | vm-check | vm-matrix | bench | fuzz
#   make demo | static | install [prefix=/usr/local] [DESTDIR=] | clean

VERSION		:= 0.1
prefix		?= /usr/local
bindir		?= $(prefix)/bin
mandir		?= $(prefix)/share/man
completiondir	?= $(prefix)/share/bash-completion/completions
DESTDIR		?=

ifeq ($(origin CC),default)
CC		:= $(CROSS_COMPILE)gcc
endif
AR		:= $(CROSS_COMPILE)ar
PKG_CONFIG	?= pkg-config

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD		?= build
ifneq ($(CROSS_COMPILE),)
TRIPLET		:= $(patsubst %-,%,$(notdir $(CROSS_COMPILE)))
BUILD		:= build/$(TRIPLET)
# The target's -dev packages unpacked by 'scripts/deps.sh --cross TRIPLET' (no multiarch
# install needed); without it, the multiarch pkg-config wrapper <triplet>-pkg-config.
SYSROOT		?= build/$(TRIPLET)/sysroot
ifneq ($(wildcard $(SYSROOT)/usr/lib/$(TRIPLET)/pkgconfig),)
PKG_CONFIG	:= env PKG_CONFIG_SYSROOT_DIR=$(abspath $(SYSROOT)) \
		   PKG_CONFIG_LIBDIR=$(abspath $(SYSROOT))/usr/lib/$(TRIPLET)/pkgconfig:$(abspath $(SYSROOT))/usr/share/pkgconfig \
		   pkg-config
EXTRA_LDFLAGS	:= -L$(abspath $(SYSROOT))/usr/lib/$(TRIPLET)
else
PKG_CONFIG	:= $(TRIPLET)-pkg-config
endif
endif
LIBPERF_DIR	?= $(BUILD)/libperf

CFLAGS		?= -O2 -g
WARN		:= -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
BASE_CFLAGS	:= -std=gnu11 $(WARN) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -DFTX_VERSION='"$(VERSION)"' \
		   -Iinclude -Isrc -I$(BUILD)/gen -I$(LIBPERF_DIR)/include -MMD -MP

# The libraries are looked up when the Makefile is read, before any recipe
# runs: the targets that install them (deps.sh) do so first, then re-enter make
# (a fresh machine has no pkg-config either). Anything else stops at once with
# one line saying what to run.
SELF_DEPS_GOALS	:= clean deps check demo bench vm-check vm-matrix fuzz
PKG_CHECK := $(shell $(PKG_CONFIG) --exists 'libtracefs >= 1.6' 'libtraceevent >= 1.7' libzstd zlib check 2>/dev/null && echo ok)
ifneq ($(PKG_CHECK),ok)
ifneq ($(CROSS_COMPILE),)
$(warning missing libraries for $(TRIPLET): run 'scripts/deps.sh --cross $(TRIPLET)')
else ifneq ($(filter-out $(SELF_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
$(error missing libraries (libtracefs >= 1.6, libtraceevent >= 1.7, libzstd, zlib, check, via pkg-config): run 'make demo' or 'make check' (they install them), or 'scripts/deps.sh')
endif
endif

PKG_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags libtracefs libtraceevent libzstd zlib 2>/dev/null)
PKG_LIBS	:= $(shell $(PKG_CONFIG) --libs libtracefs libtraceevent libzstd zlib 2>/dev/null)
LIBPERF_LIBS	:= $(LIBPERF_DIR)/lib/libperf.a $(LIBPERF_DIR)/lib/libapi.a

ALL_CFLAGS	= $(BASE_CFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS		= $(LIBPERF_LIBS) $(PKG_LIBS) -lelf -lpthread -ldl -lm

LIB_SRCS	:= $(sort $(wildcard src/lib/*/*.c))
CMD_SRCS	:= $(sort $(wildcard src/cmd-*.c))
CMD_NAMES	:= $(patsubst src/cmd-%.c,%,$(CMD_SRCS))
TEST_SRCS	:= $(sort $(wildcard tests/test-*.c))
SUITE_NAMES	:= $(patsubst tests/test-%.c,%,$(TEST_SRCS))

LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS	:= $(CMD_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/src/ftx.o
TEST_OBJS	:= $(TEST_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/tests/check-main.o

LIBFTX		:= $(BUILD)/libftx.a
FTX		:= $(BUILD)/ftx
TEST_BIN	:= $(BUILD)/ftx-test

.PHONY: all deps static check check-unit check-root check-clients check-mem check-asan check-browser vm-check vm-matrix bench fuzz demo \
	install clean

all: $(FTX)

deps:
	$(Q)scripts/deps.sh

# The library needs libperf's headers; build it when missing.
$(LIBPERF_DIR)/lib/libperf.a:
	$(Q)BUILD=$(abspath $(BUILD)) CROSS_COMPILE=$(CROSS_COMPILE) scripts/deps.sh --build-only

$(BUILD)/gen/commands.h: $(CMD_SRCS) Makefile
	@mkdir -p $(@D)
	$(Q)printf '/* generated from src/cmd-*.c */\n' > $@.tmp
	$(Q)for n in $(subst -,_,$(CMD_NAMES)); do printf 'FTX_CMD(%s)\n' $$n; done >> $@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/gen/suites.h: $(TEST_SRCS) Makefile
	@mkdir -p $(@D)
	$(Q)printf '/* generated from tests/test-*.c */\n' > $@.tmp
	$(Q)for n in $(subst -,_,$(SUITE_NAMES)); do printf 'FTX_SUITE(%s)\n' $$n; done >> $@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/%.o: %.c $(BUILD)/gen/commands.h $(BUILD)/gen/suites.h | $(LIBPERF_DIR)/lib/libperf.a
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBFTX): $(LIB_OBJS)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FTX): $(CMD_OBJS) $(LIBFTX)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJS) $(LIBFTX) $(LDLIBS)

$(TEST_BIN): $(TEST_OBJS) $(LIBFTX)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJS) $(LIBFTX) $(LDLIBS) \
		$(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

# A static binary for boards: copy one file, run 'ftx check'. libperf is built first by
# this make so the inner one (other BUILD) finds it at LIBPERF_DIR. libelf.a needs zlib
# and zstd after it.
static: $(LIBPERF_DIR)/lib/libperf.a
	+$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/static LIBPERF_DIR=$(abspath $(LIBPERF_DIR)) \
		LDFLAGS="-static $(EXTRA_LDFLAGS) $(LDFLAGS)" \
		PKG_LIBS="$(shell $(PKG_CONFIG) --static --libs libtracefs libtraceevent libzstd zlib 2>/dev/null) -lelf -lz -lzstd" all
	@echo "  STATIC  $(BUILD)/static/ftx"

# check: install what is missing, build, run every suite, the unit suite under
# ASan+UBSan and under valgrind too. The unit suite runs last so the run ends
# with Check's summary line.
# The test bed's packages too (qemu, cross compilers, sysroots): on a fresh machine
# 'make check' must run every suite, not skip the VM one.
# Each part's wall time is printed after it (tests/phase.sh: "check: NAME: Ns").
# KernelShark's and the browser's tests mostly wait (seconds given to draw, npm):
# they run in the background while the VM guests keep the CPUs busy, their
# output after the VM suite's (tests/phases.sh). The root tests mostly wait too
# (a third of a CPU): the VM suite's downloads run beside them.
PHASE	:= tests/phase.sh
# the builds make check, demo and bench start: one compiler per CPU
NPROC	:= $(shell nproc 2>/dev/null || echo 1)
check:
	$(Q)$(PHASE) deps scripts/deps.sh --vm
	$(Q)$(PHASE) build $(MAKE) --no-print-directory -j$(NPROC) all $(TEST_BIN)
	$(Q)FTX=$(abspath $(FTX)) tests/phases.sh \
		"vm-download tests/vm/run.sh --if-possible --download-only $(VM_KERNEL_ARGS)" -- \
		root tests/root/run.sh
	$(Q)FTX=$(abspath $(FTX)) tests/phases.sh "kernelshark tests/clients/t-kernelshark.sh" \
		"browser tests/browser/run.sh" -- \
		vm tests/vm/run.sh --if-possible --jobs $(VM_JOBS) $(VM_KERNEL_ARGS)
	$(Q)$(PHASE) check-asan $(MAKE) --no-print-directory check-asan
	$(Q)$(PHASE) check-mem $(MAKE) --no-print-directory check-mem
	$(Q)$(PHASE) check-unit $(MAKE) --no-print-directory check-unit

# The kernels make check boots (make vm-check boots all of tests/vm/kernels;
# VM_CHECK_KERNELS=all makes check do so too): each architecture and kernel
# series of the bed once, and both trace-cmd versions: amd64 6.1 and 5.10 (one
# batch of two guests), arm64 6.1 (the PMU), armhf 5.10 (32-bit). Left to
# vm-check: amd64-6.12 (sub-buffers, which the root tests meet on this host's
# 6.18 too), amd64-6.1-rt (PREEMPT_RT), arm64-5.10, armhf-6.1. Under TCG an arm
# guest boots alone: in a clean-clone make check here the six kernels this list
# had took 20 min (arm64-6.1 449 s, x86 guests 159-226 s two at a time), a third
# of the run. arm64 guests now get pauth-impdef=on (tests/vm/run.sh): arm64-6.1's
# scenarios took 102 s on an idle host, 345 s before.
VM_CHECK_KERNELS ?= amd64-6.1 arm64-6.1 amd64-5.10 armhf-5.10
VM_KERNEL_ARGS	= $(if $(filter all,$(VM_CHECK_KERNELS)),,$(addprefix --kernel ,$(VM_CHECK_KERNELS)))

# x86 guests booted at once by make check's VM suite: two where there are two CPUs
# (each TCG guest is one host thread; arm guests always boot alone)
VM_JOBS	?= $(shell [ "$$(nproc)" -ge 2 ] && echo 2 || echo 1)

# check-unit: the unit suite, one process per Check suite, as many at a time as
# there are CPUs (tests/run-suites.sh: each suite's log is printed if it fails).
check-unit: $(TEST_BIN) $(FTX)
	$(Q)cd tests && FTX=$(abspath $(FTX)) ./run-suites.sh --logs $(abspath $(BUILD))/unit-suites \
		--first "tracedat report-opts report-inspect convert report" -- $(abspath $(TEST_BIN))

# flame graph SVG and Chrome JSON in headless Chromium, speedscope (tests/browser)
check-browser: $(FTX)
	$(Q)FTX=$(abspath $(FTX)) tests/browser/run.sh

check-root: $(FTX)
	$(Q)FTX=$(abspath $(FTX)) tests/root/run.sh

# Real clients of ftx's files: KernelShark under Xvfb (screenshots in build/kernelshark/)
check-clients: $(FTX)
	$(Q)FTX=$(abspath $(FTX)) tests/clients/t-kernelshark.sh

# check-mem: the unit suite under valgrind. Forked children are not checked
# (--child-silent-after-fork): they are the sandboxes that try libtraceevent on
# a format or filter first because it crashes or double-frees on some (the
# reader's canary, the filter trial), and the parent then runs the same ftx
# code itself. The libtraceevent call stack is deep: --num-callers=50.
# The children say their verdict through a pipe or a shared page, not their
# exit status (valgrind's --error-exitcode). --run-libc-freeres=no: valgrind
# runs glibc's freeres when a child _exit()s, whose stdio cleanup seeks the
# file offset a child shares with the parent back (the test reading a fixture
# with fgets() then read lines twice); without valgrind _exit() does none of it.
# The suites run in parallel, one valgrind per suite (tests/run-suites.sh).
# FTX_TEST_ROUNDS_DIV=10 (tests/test-cost.h): valgrind runs the suites in-process
# 30 to 50 times slower, so the tracedat suite's random byte flips run a tenth of
# their rounds here, its prefetch comparisons 6 of 24 and its damaged-page
# comparisons 4 of 12 (the suite took 1061 s, 645 s with the flips cut alone);
# the report suite's golden comparisons read each file one way, serially or
# through the reader thread, in turn (both ways each file across its tests),
# and report-fast compares each file's fast path with or without plugins in
# turn. check-asan sets FTX_TEST_ROUNDS_DIV=2: half the rounds, and the same
# one-way reads; check-unit does all of it.
check-mem: $(TEST_BIN) $(FTX)
	$(Q)cd tests && CK_FORK=no FTX_TEST_ROUNDS_DIV=10 FTX=$(abspath $(FTX)) ./run-suites.sh --logs $(abspath $(BUILD))/mem-suites \
		--first "tracedat report analysis flame convert" -- valgrind -q --leak-check=full \
		--num-callers=50 --child-silent-after-fork=yes --run-libc-freeres=no \
		--suppressions=$(abspath tests/valgrind.supp) \
		--error-exitcode=1 $(abspath $(TEST_BIN))

# check-asan: library, binary and unit suite built with ASan+UBSan in their own
# build dir; the unit suite (it replays tests/fuzz/regress; half the rounds of
# its repeated comparisons, tests/test-cost.h), 'ftx report' on
# every regress input and the root tests run with them (root: take the tracefs
# lock). Reports go to files in $(ASAN_LOGS), so none hides in a test's output:
# any report fails the run. libtraceevent's own leaks: tests/lsan.supp.
ASAN_BUILD	:= $(BUILD)/asan
# clang: GCC 12's libubsan, loaded beside libasan, ignores log_path (its
# reports would reach only stderr, which tests may swallow); clang's one runtime does not.
# Allocation stacks by the fast (frame pointer) unwinder: libtraceevent's frames
# are found so, and glibc's vasprintf, which has none, is replaced in this build by
# src/lib/base/sanitizer.c's (linked in by -u), so its callers are found too.
# The slow unwinder (fast_unwind_on_malloc=0) made the unit suite 13 minutes.
ASAN_CC		?= clang
ASAN_FLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_LOGS	:= $(abspath $(ASAN_BUILD))/logs
ASAN_ENV	:= ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(ASAN_LOGS)/asan \
		   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(ASAN_LOGS)/ubsan \
		   LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
		   CK_TIMEOUT_MULTIPLIER=10 \
		   FTX=$(abspath $(ASAN_BUILD))/ftx FTX_SANITIZER_LOGS=$(ASAN_LOGS)
ASAN_REPORTS	:= tests/sanitizer-reports.sh $(ASAN_LOGS) || { echo "check-asan: sanitizer reports above"; exit 1; }

check-asan: $(LIBPERF_DIR)/lib/libperf.a
	+$(Q)$(MAKE) --no-print-directory -j$(NPROC) CC=$(ASAN_CC) BUILD=$(ASAN_BUILD) \
		LIBPERF_DIR=$(abspath $(LIBPERF_DIR)) EXTRA_CFLAGS="$(EXTRA_CFLAGS) $(ASAN_FLAGS)" \
		LDFLAGS="$(LDFLAGS) -Wl,-u,ftx_sanitizer_stacks" $(ASAN_BUILD)/ftx $(ASAN_BUILD)/ftx-test
	$(Q)rm -rf $(ASAN_LOGS) $(ASAN_LOGS)-suites && mkdir -p $(ASAN_LOGS)
	$(Q)cd tests && $(ASAN_ENV) FTX_TEST_ROUNDS_DIV=2 ./run-suites.sh --logs $(abspath $(ASAN_BUILD))/suites \
		--first "tracedat convert report-inspect report" --sanitizer-logs $(ASAN_LOGS)-suites -- $(abspath $(ASAN_BUILD))/ftx-test
	$(Q)for f in tests/fuzz/regress/*; do \
		$(ASAN_ENV) $(ASAN_BUILD)/ftx report -i $$f >/dev/null 2>&1; \
		$(ASAN_ENV) $(ASAN_BUILD)/ftx report --graph -i $$f >/dev/null 2>&1; \
	done; $(ASAN_REPORTS); echo "check-asan: tests/fuzz/regress replayed by ftx report: no reports"
	$(Q)$(ASAN_ENV) tests/root/run.sh

vm-check:
	$(Q)scripts/deps.sh --vm
	$(Q)$(MAKE) --no-print-directory all
	$(Q)FTX=$(abspath $(FTX)) tests/vm/run.sh

# The READMEs' kernel matrix from the last VM run's results (build/vm).
vm-matrix:
	$(Q)scripts/vm-matrix.sh --update README.md --update README.zh-CN.md

bench: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)FTX=$(abspath $(FTX)) scripts/bench.sh

fuzz: deps
	$(Q)scripts/fuzz.sh

# deps, then a new make: this one read the Makefile before the libraries existed
demo: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)FTX=$(abspath $(FTX)) scripts/demo.sh

# Bash completion, generated from the binary's command and option tables (a cross
# build passes a host binary: COMPLETION_FTX=build/ftx).
COMPLETION_FTX	?= $(FTX)
$(BUILD)/ftx.bash: $(COMPLETION_FTX) scripts/gen-completion.sh
	$(Q)scripts/gen-completion.sh $(COMPLETION_FTX) > $@.tmp && mv $@.tmp $@

install: all $(BUILD)/ftx.bash
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(completiondir)
	install -m 755 $(FTX) $(DESTDIR)$(bindir)/ftx
	install -m 644 man/*.1 $(DESTDIR)$(mandir)/man1/
	install -m 644 $(BUILD)/ftx.bash $(DESTDIR)$(completiondir)/ftx

clean:
	rm -rf build

-include $(shell find $(BUILD) -name libperf-src -prune -o -name '*.d' -type f -print 2>/dev/null)
