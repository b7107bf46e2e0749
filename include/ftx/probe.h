/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dynamic probes: kprobes, kretprobes, uprobes, uretprobes and USDT probes,
 * from perf probe's syntax or the kernel's own, to the lines tracefs takes.
 *
 *   parse     text -> struct ftx_probe_def          (pure)
 *   resolve   def -> tracefs line(s): symbols to file offsets, USDT notes,
 *             $argN to registers where the kernel has no $argN  (reads ELF)
 *   create    a line -> dynamic_events, with the kernel's error_log reason
 */
#ifndef FTX_PROBE_H
#define FTX_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ftx_session;
struct ftx_elf;

enum ftx_arch {
	FTX_ARCH_UNKNOWN,
	FTX_ARCH_X86_64,
	FTX_ARCH_ARM64,
	FTX_ARCH_ARM,
	FTX_ARCH_RISCV64,
};

/** ftx_arch_from_machine - "x86_64", "aarch64", "armv7l", "riscv64" (uname -m) */
enum ftx_arch ftx_arch_from_machine(const char *machine);

/** ftx_arch_from_elf - from an ELF e_machine and class */
enum ftx_arch ftx_arch_from_elf(unsigned int machine, bool is64);

/** ftx_arch_name - "x86_64", "arm64", "arm", "riscv64", "unknown" */
const char *ftx_arch_name(enum ftx_arch arch);

/* What the kernel offers, from the tracefs README (never from the version). */
struct ftx_probe_env {
	enum ftx_arch arch;	/* the running kernel's */
	bool argn;		/* $arg<N> (kprobes, 4.20+) */
	bool argn_return;	/* $arg<N> in kretprobes too (6.x) */
	bool ustring;		/* the ustring type (5.3+) */
	bool ref_ctr;		/* uprobe (ref_ctr_offset): USDT semaphores (4.20+) */
	bool imm;		/* \imm fetchargs (5.7+) */
	bool symstr;		/* the symstr type */
	bool kprobes;		/* kprobe_events exists */
	bool uprobes;		/* uprobe_events exists */
	bool dynamic_events;	/* dynamic_events exists (5.0+) */
};

/**
 * ftx_probe_env_parse - decide @env from the tracefs README text and the
 * kernel's machine name. Pure. The *probes/dynamic_events fields are left
 * false (they need the files).
 */
void ftx_probe_env_parse(const char *readme, const char *machine, struct ftx_probe_env *env);

/**
 * ftx_probe_env_load - the same from @top (tracefs) and uname(); also sets
 * kprobes, uprobes and dynamic_events. Returns 0 or -1 with ftx_error().
 */
int ftx_probe_env_load(const char *top, struct ftx_probe_env *env);

struct ftx_probe_arg {
	char *name;		/* NULL: the kernel names it argN */
	char *fetch;		/* "$arg2", "+0($arg2)", "%di", "@+0x1234" */
	char *type;		/* NULL: the kernel's default (x64/x32) */
};

struct ftx_probe_def {
	bool retprobe;		/* %return or r: */
	unsigned int maxactive;	/* r<N>: (kretprobes) */
	char *group;		/* NULL: the default (probe, probe_<bin>, sdt_<provider>) */
	char *event;		/* NULL: from the function */
	char *module;		/* kprobe MOD:FUNC */
	char *symbol;		/* the function; NULL when an address is given */
	uint64_t offset;	/* FUNC+OFFS */
	bool has_addr;		/* kprobe ADDR, uprobe PATH:0xOFF (a file offset) */
	uint64_t addr;
	char *binary;		/* uprobe: the file; NULL for a kprobe */
	bool has_ref_ctr;	/* uprobe (REF_CTR_OFFSET) */
	uint64_t ref_ctr;
	char *sdt_provider;	/* USDT: -x BIN sdt:PROVIDER:NAME, %sdt_PROVIDER:NAME */
	char *sdt_name;
	struct ftx_probe_arg *args;
	int nr_args;
};

#define FTX_PROBE_MAX_ARGS 128

/**
 * ftx_probe_def_parse - parse one definition: perf probe's
 * "[[GROUP:]EVENT=]FUNC[+OFFS|%return] [ARG...]" (kprobe "MOD:FUNC"; with
 * @binary, FUNC is a symbol of it, or "sdt:PROVIDER:NAME"/"%sdt_PROVIDER:NAME"),
 * ARG = "[NAME=]FETCH[:TYPE]", or the kernel's own "p|r[N][:[GRP/]EVENT] PLACE
 * [ARG...]" (so that -D output parses back)
 * @binary: -x BINARY as given (copied), NULL for kernel probes
 * Pure. Returns 0 with @d filled (free with ftx_probe_def_free()), or -1
 * with errno EINVAL and ftx_error() naming the bad part.
 */
int ftx_probe_def_parse(const char *text, const char *binary, struct ftx_probe_def *d);

/** ftx_probe_def_free - free what @d holds (not @d); NULL and zeroed are fine */
void ftx_probe_def_free(struct ftx_probe_def *d);

/**
 * ftx_probe_words_parse - the WORDS of 'record --probe': "[-x BINARY] DEF..."
 * Pure. Returns 0 or -1 as ftx_probe_def_parse().
 */
int ftx_probe_words_parse(const char *words, struct ftx_probe_def *d);

/**
 * ftx_probe_def_format - the tracefs line of a resolved definition (group,
 * event and a kernel place set: symbol or address; uprobes need has_addr)
 * Returns a malloc()ed string, or NULL with errno EINVAL.
 */
char *ftx_probe_def_format(const struct ftx_probe_def *d);

/**
 * ftx_probe_name_sanitize - perf's event/group name rules: characters other
 * than [A-Za-z0-9_] become '_', a leading digit gets a '_' before it.
 * Writes at most @size bytes into @out.
 */
void ftx_probe_name_sanitize(const char *in, char *out, size_t size);

/**
 * ftx_probe_default_group - "probe" for kernel probes, "probe_<bin>" for
 * user space (basename up to its first '.'), "sdt_<provider>" for USDT
 */
void ftx_probe_default_group(const struct ftx_probe_def *d, char *out, size_t size);

/**
 * ftx_probe_default_event - FUNC, FUNC_OFFS, PROVIDER's NAME, + "__return"
 */
void ftx_probe_default_event(const struct ftx_probe_def *d, char *out, size_t size);

/**
 * ftx_probe_fetch_translate - rewrite every $argN in @fetch (nested ones
 * too: "+0($arg2)") for @arch's calling convention, and x86's %rdi-style
 * names to the kernel's %di
 * @keep_argn: the kernel has $argN for this probe (kprobes with README $arg<N>)
 * @at_entry: a probe on a function's first instruction (stack arguments
 *	can only be found there)
 * @retprobe: a return probe (registers no longer hold arguments)
 * Pure. Returns 0 with the result in @out, or -1 with errno and ftx_error().
 */
int ftx_probe_fetch_translate(const char *fetch, enum ftx_arch arch, bool keep_argn,
			      bool at_entry, bool retprobe, char *out, size_t size);

/**
 * ftx_probe_type_valid - @type is a fetcharg type tracefs knows: u8..u64,
 * s8..s64, x8..x64, char, string, ustring, symbol, symstr, %pd, %pD,
 * b<W>@<O>/<C>, and TYPE[N] arrays of those
 */
bool ftx_probe_type_valid(const char *type);

/* Lookup for RIP-relative USDT arguments: file offset of symbol+0 (0 or -1). */
typedef int (*ftx_usdt_sym_fn)(void *arg, const char *sym, uint64_t *fileoff);

/**
 * ftx_usdt_arg_translate - one USDT argument spec ("-4@%edi", "8@-8(%rbp)",
 * "-4@[sp, 96]", "4@#5", ...) to a uprobe fetcharg and type
 * @spec: one space-free argument of the note
 * @sym: resolves "sym" in "4@sym+8(%rip)" (may be NULL: such args refused)
 * @imm: the kernel takes \IMM
 * Pure. Returns 0 with @fetch and @type filled, or -1 with errno
 * EOPNOTSUPP (tracefs cannot express it: index registers) or EINVAL, the
 * reason in @why.
 */
int ftx_usdt_arg_translate(const char *spec, enum ftx_arch arch, ftx_usdt_sym_fn sym,
			   void *sym_arg, bool imm, char *fetch, size_t fsize, char *type,
			   size_t tsize, char *why, size_t wsize);

/* A resolved definition: the lines to write (owned). */
struct ftx_probe_lines {
	char **line;
	char **where;		/* human place per line: "readline%return in /usr/bin/bash" */
	int n;
	char group[64];
	char event[160];
	bool kernel;		/* kprobe lines */
};

/** ftx_probe_lines_free - NULL-tolerant; leaves @l empty */
void ftx_probe_lines_free(struct ftx_probe_lines *l);

/**
 * ftx_probe_resolve - turn @d into tracefs lines: kernel probes as written
 * ($argN kept or translated per @env); user probes through the binary's
 * symbols and PT_LOAD segments (FUNC+OFFS checked against the symbol's
 * size), USDT probes at every location of PROVIDER:NAME with their
 * argument specs translated (a spec tracefs cannot express is dropped with
 * a warning through the log hook) and semaphores through (REF_CTR_OFFSET)
 * @group: force this group (ftx's own for run-only probes), NULL: @d's or the default
 * Returns 0, or -1 with errno and ftx_error() set.
 */
int ftx_probe_resolve(const struct ftx_probe_def *d, const struct ftx_probe_env *env,
		      const char *group, struct ftx_probe_lines *out);

/* A probe event that exists in tracefs. */
struct ftx_probe_info {
	char group[64];
	char event[160];
	const char *line;	/* its dynamic_events line (borrowed) */
	char type;		/* 'p' or 'r' */
	bool user;		/* a uprobe */
	bool have_hits;
	unsigned long long hits;
	unsigned long long misses;
};

/**
 * ftx_probe_list - every kprobe and uprobe event in @top, with hit counts
 * from kprobe_profile and uprobe_profile; @fn returns non-zero to stop
 * Returns the number listed, or -1 with ftx_error().
 */
int ftx_probe_list(const char *top, int (*fn)(const struct ftx_probe_info *, void *), void *arg);

/**
 * ftx_probe_exists - is GROUP/EVENT a dynamic event in @top?
 */
bool ftx_probe_exists(const char *top, const char *group, const char *event);

/**
 * ftx_probe_create - write one probe line to dynamic_events (kprobe_events or
 * uprobe_events before 5.0). On a refusal ftx_error() gives the kernel's
 * reason and what ftx makes of it (unknown symbol: the closest names;
 * kprobes not built; lockdown); ftx_probe_error_detail() the kernel's lines.
 * Returns 0 or -1 with errno.
 */
int ftx_probe_create(const char *top, const char *line);

/**
 * ftx_probe_error_detail - the "Command:" line of @line's error_log entry and
 * the caret under the bad token, as the kernel wrote them (two lines, no
 * trailing newline); "" when there is none
 */
void ftx_probe_error_detail(const char *top, const char *line, char *buf, size_t size);

/**
 * ftx_probe_explain - after a failed write of @line (errno kept): set
 * ftx_error() to the kernel's reason plus ftx's reading of it
 */
void ftx_probe_explain(const char *top, const char *line);

/**
 * ftx_probe_delete - remove the probe events matching @pattern
 * ("GROUP:EVENT", "GROUP/EVENT" or "EVENT", globs); groups ftx* (probes of
 * running ftx commands) only when the pattern names the group
 * @fn: called with each removed "GROUP:EVENT"; may be NULL
 * @dry_run: match only
 * Returns how many matched, or -1 with ftx_error() (EBUSY: enabled somewhere).
 */
int ftx_probe_delete(const char *top, const char *pattern, bool dry_run,
		     void (*fn)(const char *name, void *arg), void *arg);

/**
 * ftx_probe_kfuncs_load - kernel functions a kprobe can take: names from
 * available_filter_functions (else the text symbols of /proc/kallsyms)
 * minus the kprobe blacklist; an index of struct ftx_funcs (tracer.h)
 */
struct ftx_funcs *ftx_probe_kfuncs_load(const char *top);

/**
 * ftx_probe_kfuncs_list - @fn with each kernel function a kprobe can take
 * (sorted, once each), those matching @glob when not NULL
 * Returns how many, or -1 with ftx_error().
 */
int ftx_probe_kfuncs_list(const char *top, const char *glob,
			  void (*fn)(const char *name, void *arg), void *arg);

/**
 * ftx_probe_lines_create - create the lines of one resolved definition:
 * through @s (journaled, removed when the session ends) or, @s NULL, for
 * good. Several locations (a USDT probe's inlined copies) share the event
 * where the kernel allows it (5.4+), else become EVENT_1, EVENT_2, ...
 * An event of that name must not exist yet.
 * @fn: called with each event created and the index of its first line
 * @detail: receives the kernel's error_log lines on a refusal (may be NULL)
 * Returns 0 or -1 with errno and ftx_error() set; what was created before a
 * failure stays (the session removes it; without one, the caller).
 */
int ftx_probe_lines_create(const char *top, struct ftx_session *s,
			   const struct ftx_probe_lines *l,
			   void (*fn)(const char *event, int index, void *arg), void *arg,
			   char *detail, size_t dsize);

/* Probes created for one record/stream run, in ftx's group, undone with the session. */
struct ftx_probe_run;

/**
 * ftx_probe_run_create - parse, resolve and create each of @words (the
 * arguments of --probe) through @s, journaled, so that the session's end
 * or 'ftx reset' after a SIGKILL removes them
 * Returns the run (free with ftx_probe_run_free()), or NULL with errno and
 * ftx_error() set; @detail receives the kernel's error_log lines, if any.
 */
struct ftx_probe_run *ftx_probe_run_create(struct ftx_session *s, const char *const *words,
					   size_t n, char *detail, size_t dsize);

/**
 * ftx_probe_run_foreach - @fn with each event's group and name (borrowed,
 * valid while @run is); stops at and returns @fn's first non-zero result
 */
int ftx_probe_run_foreach(const struct ftx_probe_run *run,
			  int (*fn)(void *arg, const char *group, const char *event), void *arg);

/** ftx_probe_run_count - how many events the run created */
size_t ftx_probe_run_count(const struct ftx_probe_run *run);

/** ftx_probe_run_event - the @i-th event's group and name (borrowed) */
void ftx_probe_run_event(const struct ftx_probe_run *run, size_t i, const char **group,
			 const char **event);

/* Kernel probes a recording enables, to say afterwards which never fired. */
struct ftx_probe_watch;

/**
 * ftx_probe_watch_start - note the hits (kprobe_profile) of every kprobe
 * event that @match (GROUP, EVENT) selects: the events a recording enables
 * Returns a watch (free with ftx_probe_watch_free()), NULL when there is
 * none to watch or on error.
 */
struct ftx_probe_watch *ftx_probe_watch_start(const char *top,
					      bool (*match)(void *arg, const char *group,
							    const char *event), void *arg);

/**
 * ftx_probe_watch_report - for each watched probe whose hits did not grow,
 * @fn gets "probe GROUP:EVENT (on FUNC) never fired while tracing; similar
 * functions: ..." (from the kernel's probe-able functions)
 */
void ftx_probe_watch_report(const struct ftx_probe_watch *w,
			    void (*fn)(const char *msg, void *arg), void *arg);

/** ftx_probe_watch_free - NULL is fine */
void ftx_probe_watch_free(struct ftx_probe_watch *w);

/** ftx_probe_run_free - NULL is fine; the probes stay until the session ends */
void ftx_probe_run_free(struct ftx_probe_run *run);

#endif /* FTX_PROBE_H */
