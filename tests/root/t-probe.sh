#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx probe with uprobes on this host: a program the test builds (PIE and not),
# libc's malloc, bash's readline%return under a pty, a stripped binary with and
# without its debug file. The values recorded must be those the programs
# printed; ftx report must print the probe events as trace-cmd report does.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
fix=$here/../fixtures/probe
T=$(ftx_tracefs_dir) || die "no tracefs"
[ -e "$T/uprobe_events" ] || { echo "SKIP: t-probe: no uprobe_events (CONFIG_UPROBE_EVENTS)"; exit 0; }
command -v trace-cmd >/dev/null || { echo "SKIP: t-probe: trace-cmd not installed"; exit 0; }
tmp=$(mktemp -d /tmp/ftx-t-probe.XXXXXX)
cleanup() {
	"$FTX" probe -q --del 'probe_prog*:*' --del 'probe_libc:*' --del 'probe_bash:*' \
		2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1

gcc -O1 -o prog "$fix/prog.c" || die "cannot build prog.c"
gcc -O1 -no-pie -fno-pie -o prog_nopie "$fix/prog.c" || die "cannot build prog.c without PIE"

# the report of a file by ftx and by trace-cmd, with and without plugins
same_report() {
	"$FTX" report -i "$1" > "$1.ftx" 2>&1 || die "ftx report $1: $(cat "$1.ftx")"
	trace-cmd report -i "$1" > "$1.tc" 2> "$1.tc-err" || die "trace-cmd report $1 failed"
	cmp -s "$1.ftx" "$1.tc" || die "ftx report differs from trace-cmd on $1: $(diff "$1.ftx" "$1.tc" | head -5)"
	"$FTX" report -N -i "$1" > "$1.ftxN" 2>&1 || die "ftx report -N $1"
	trace-cmd report -N -i "$1" > "$1.tcN" 2>/dev/null
	cmp -s "$1.ftxN" "$1.tcN" || die "ftx report -N differs from trace-cmd -N on $1: $(diff "$1.ftxN" "$1.tcN" | head -5)"
}

# 1. uprobe and uretprobe with arguments, PIE and non-PIE
for bin in prog prog_nopie; do
	"$FTX" probe -q -x ./$bin --add 'add a=$arg1:s32 b=$arg2:s32' \
		--add 'add%return r=$retval:s32' --add 'greet%return s=+0($retval):string' ||
		die "probe --add on $bin failed"
	"$FTX" record -q -F -e probe_$bin -o $bin.dat -- ./$bin 4 > $bin.out 2> $bin.err ||
		die "record of $bin failed: $(cat $bin.err)"
	same_report $bin.dat
	for i in 0 1 2 3; do
		a=$i b=$((-3 * i)) r=$((-2 * i))
		grep -q "^add $a $b = $r\$" $bin.out || die "$bin did not print add $a $b"
		grep -Eq " add: +\([0-9a-f]+\) a=$a b=$b\$" $bin.dat.ftx || die "$bin: no add a=$a b=$b"
		grep -Eq " add__return: +\([0-9a-f]+ <- [0-9a-f]+\) r=$r\$" $bin.dat.ftx ||
			die "$bin: no add__return r=$r"
		grep -q " greet__return: .* s=\"hello w$i\"\$" $bin.dat.ftx || die "$bin: no greet w$i"
	done
	[ "$(grep -c ' add: ' $bin.dat.ftx)" = 4 ] || die "$bin: not 4 add events"
	"$FTX" probe -l "probe_$bin:add" > list.txt || die "probe -l failed"
	grep -Eq "^  probe_$bin:add +\(.*\)  4 hits\$" list.txt || die "probe -l: $(cat list.txt)"
	"$FTX" probe -q --del "probe_$bin:*" || die "probe --del failed"
done
grep -q 'probe_prog' "$T/uprobe_events" && die "probes left after --del"

# 2. -D prints the line, writes nothing, and its output parses back to itself
line=$("$FTX" probe -x ./prog -D 'add a=$arg1:s32') || die "probe -D failed"
case "$line" in
"p:probe_prog/add $tmp/prog:0x"*" a=%di:s32") ;;
*) die "probe -D: $line" ;;
esac
again=$("$FTX" probe -D "$line") || die "probe -D of its own output failed"
[ "$again" = "$line" ] || die "probe -D round trip: '$line' -> '$again'"
off=$(printf '%s\n' "$line" | sed 's/.*:0x\([0-9a-f]*\) .*/\1/')
want=$(readelf -sW prog | awk '$8 == "add" { print $2 }' | sed 's/^0*//')
# a PIE's text is at file offset == vaddr with ld.bfd
[ "$off" = "$want" ] || die "offset of add: $off, readelf says $want"
grep -q 'probe_prog' "$T/uprobe_events" && die "-D wrote a probe"
"$FTX" probe -x ./prog -D nosuch_function 2> err.txt && die "unknown function accepted"
grep -q "no function 'nosuch_function'" err.txt || die "unknown function: $(cat err.txt)"
"$FTX" probe -x ./prog -D 'ad a=$arg1' 2> err.txt && die "misspelt function accepted"
grep -q "closest: add" err.txt || die "no closest name: $(cat err.txt)"
"$FTX" probe -x ./prog -D 'add+4096' 2> err.txt && die "offset beyond the function accepted"
grep -q "beyond add" err.txt || die "offset check: $(cat err.txt)"
"$FTX" probe -x ./prog -D 'add filename' 2> err.txt; [ $? = 1 ] || die "C variable: exit status"
grep -q 'needs debuginfo' err.txt || die "C variable: $(cat err.txt)"
"$FTX" probe --bogus 2> /dev/null; [ $? = 2 ] || die "a usage error must exit 2"
"$FTX" probe -q --del 'probe_nothing_here:*' 2> err.txt && die "--del of nothing succeeded"
grep -q "no probe event matches" err.txt || die "--del of nothing: $(cat err.txt)"
# the kernel's refusal: its reason, its command line and the caret under the bad token
"$FTX" probe -x ./prog --add 'add a=%zz' 2> err.txt && die "a bad register was accepted"
grep -q '^ftx probe: cannot create probe_prog:add: ' err.txt || die "refusal: $(cat err.txt)"
grep -q "^  Command: p:probe_prog/add $tmp/prog:0x[0-9a-f]* a=%zz\$" err.txt ||
	die "no Command: line: $(cat err.txt)"
caret=$(awk 'NR == 3 { print index($0, "^") }' err.txt)
bad=$(awk 'NR == 2 { print index($0, "%zz") }' err.txt)
[ "$caret" -gt 0 ] && [ "$caret" = "$bad" ] ||
	die "the caret (column $caret) is not under %zz (column $bad): $(cat err.txt)"
grep -q 'probe_prog' "$T/uprobe_events" && die "a refused probe was left"
if [ ! -e "$T/kprobe_events" ]; then
	# this host: kprobes not built; one line says so
	"$FTX" probe --add do_sys_open 2> err.txt && die "a kprobe was created without kprobes?"
	grep -q 'kprobes are not built into this kernel' err.txt || die "no kprobes: $(cat err.txt)"
	[ "$(wc -l < err.txt)" = 1 ] || die "more than one line: $(cat err.txt)"
fi

# 3. libc's malloc, the library found through the ld.so cache
"$FTX" probe -q -x libc --add 'malloc size=$arg1:u64' || die "probe on libc malloc failed"
"$FTX" record -q -F -e probe_libc:malloc -o malloc.dat -- ./prog 3 > malloc.out 2> malloc.err ||
	die "record of malloc failed: $(cat malloc.err)"
same_report malloc.dat
for s in 1000 1001 1002; do
	[ "$(grep -c "malloc: .* size=$s\$" malloc.dat.ftx)" = 1 ] || die "not one malloc($s)"
done
"$FTX" probe -q --del probe_libc:malloc || die "--del malloc"

# 4. the seed's bash readline%return, typed into bash under a pty
if command -v script >/dev/null; then
	"$FTX" probe -q -x /bin/bash 'readline%return +0($retval):string' ||
		die "probe on bash readline failed"
	{ sleep 1; echo 'echo ftx-line-one'; sleep 0.5; echo 'echo ftx-line-two'; sleep 0.5
	  echo exit; sleep 0.5; } |
		"$FTX" record -q -e probe_bash:readline__return -o rl.dat -- \
			script -qec 'bash --norc --noprofile -i' /dev/null > rl.out 2> rl.err ||
		die "record of bash failed: $(cat rl.err)"
	same_report rl.dat
	grep -q 'readline__return: .* arg1="echo ftx-line-one"$' rl.dat.ftx ||
		die "line one not seen: $(head -5 rl.dat.ftx)"
	grep -q 'readline__return: .* arg1="echo ftx-line-two"$' rl.dat.ftx || die "line two not seen"
	"$FTX" probe -q --del 'probe_bash:*' || die "--del readline"
else
	echo "note: no script(1): bash readline under a pty not tested"
fi

# 5. a stripped binary: a clear error naming the debug files tried; its
#    .gnu_debuglink file, when present, is used
cp prog prog_stripped && strip prog_stripped
"$FTX" probe -x ./prog_stripped -D add 2> err.txt && die "stripped binary accepted"
grep -q 'stripped and no debug file was found (tried /usr/lib/debug/.build-id/' err.txt ||
	die "stripped: $(cat err.txt)"
[ "$(wc -l < err.txt)" = 1 ] || die "stripped: more than one line"
objcopy --only-keep-debug prog prog.debug && cp prog prog_linked && strip prog_linked &&
	objcopy --add-gnu-debuglink=prog.debug prog_linked || die "cannot make a debuglink"
l2=$("$FTX" probe -x ./prog_linked -D add 2>err.txt) || die "debuglink not used: $(cat err.txt)"
[ "${l2##*:}" = "0x$off" ] || die "debuglink offset '${l2##*:}' != 0x$off"
echo "t-probe: uprobes, uretprobes, malloc, readline, stripped binaries fine"
