#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# record --probe and stream --probe: probes for one run, in group ftx,
# journaled; gone after the run, after SIGINT, and (through ftx reset) after
# SIGKILL. A second run cannot take a live run's probe.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
fix=$here/../fixtures/probe
T=$(ftx_tracefs_dir) || die "no tracefs"
[ -e "$T/uprobe_events" ] || { echo "SKIP: t-probe-record: no uprobe_events"; exit 0; }
command -v trace-cmd >/dev/null || { echo "SKIP: t-probe-record: trace-cmd not installed"; exit 0; }
tmp=$(mktemp -d /tmp/ftx-t-probe-record.XXXXXX)
bg=
cleanup() {
	[ -n "$bg" ] && kill -INT $bg 2>/dev/null && wait $bg 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1
gcc -O1 -o prog "$fix/prog.c" || die "cannot build prog.c"
gcc -O2 -o usdt "$fix/usdt.c" "$fix/usdt-sem.c" || die "cannot build usdt.c"
ours() { grep -c "^[pr]:ftx/" "$T/dynamic_events" 2>/dev/null; }
[ "$(ours)" = 0 ] || die "ftx probes exist before the test: $(cat "$T/dynamic_events")"

# 1. record --probe: arguments and return values, the report as trace-cmd's
"$FTX" record -q -F --probe '-x ./prog add a=$arg1:s32 b=$arg2:s32' \
	--probe '-x ./prog add%return r=$retval:s32' -o rec.dat -- ./prog 3 > rec.out 2> rec.err ||
	die "record --probe failed: $(cat rec.err)"
[ "$(ours)" = 0 ] || die "probes left after the run: $(cat "$T/dynamic_events")"
"$FTX" report -i rec.dat > rec.ftx || die "ftx report failed"
trace-cmd report -i rec.dat > rec.tc 2>/dev/null || die "trace-cmd report failed"
cmp -s rec.ftx rec.tc || die "ftx report differs from trace-cmd: $(diff rec.ftx rec.tc | head -5)"
for i in 0 1 2; do
	grep -Eq " add: +\([0-9a-f]+\) a=$i b=$((-3 * i))\$" rec.ftx || die "no add a=$i"
	grep -Eq " add__return: .* r=$((-2 * i))\$" rec.ftx || die "no add__return r=$((-2 * i))"
done
[ "$(grep -c ' add: ' rec.ftx)" = 3 ] || die "not 3 add events"
# the event's system in the file is ftx's group
trace-cmd report -i rec.dat --events 2>/dev/null | grep -q '^system: ftx$' ||
	die "the probes are not in group ftx"

# 2. stream --probe: a USDT probe, exact count
"$FTX" stream -q -F --probe '-x ./usdt sdt:app:tick' -- ./usdt 6 > st.out 2> st.err ||
	die "stream --probe failed: $(cat st.err)"
[ "$(grep -c ' tick: ' st.out)" = 6 ] || die "stream: not 6 ticks: $(cat st.out)"
[ "$(ours)" = 0 ] || die "probes left after stream"

# 3. what cannot be: one line, exit 1, nothing left
if [ ! -e "$T/kprobe_events" ]; then
	"$FTX" record -q --probe do_sys_open -o k.dat -- true 2> k.err && die "a kprobe without kprobes"
	grep -q 'kprobes are not built into this kernel' k.err || die "kprobe: $(cat k.err)"
fi
"$FTX" record -q --probe '-x ./prog nosuch' -o k.dat -- true 2> k.err && die "unknown function"
grep -q "no function 'nosuch'" k.err || die "unknown function: $(cat k.err)"
"$FTX" record -q --probe '-x ./prog add a=%zz' -o k.dat -- true 2> k.err && die "bad register"
grep -q '^  Command: p:ftx/add ' k.err || die "no kernel command line: $(cat k.err)"
[ "$(ours)" = 0 ] || die "a refused probe was left"

wait_probe() {
	local i
	for i in $(seq 1 100); do
		grep -q "^p:ftx/$2 " "$T/dynamic_events" && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# 4. SIGINT mid-record: probe, instance and journal gone, the file complete
"$FTX" record --probe '-x ./prog add' -o int.dat > int.out 2> int.err &
bg=$!
wait_probe $bg add || die "the probe never appeared: $(cat int.err)"
grep -q -- '-:ftx/add' /run/ftx/$bg || die "the probe is not journaled: $(cat /run/ftx/$bg)"
# a second run cannot take it
"$FTX" record -q --probe '-x ./prog add' -o two.dat -- true 2> two.err && die "two runs, one probe"
grep -q 'ftx:add exists already' two.err || die "second run: $(cat two.err)"
grep -q '^p:ftx/add ' "$T/dynamic_events" || die "the second run removed the first one's probe"
./prog 2 > /dev/null
kill -INT $bg
wait $bg || die "record stopped by SIGINT exited $?: $(cat int.err)"
bg=
[ "$(ours)" = 0 ] || die "SIGINT left the probe: $(cat "$T/dynamic_events")"
[ -e /run/ftx/$! ] && die "journal left"
trace-cmd report -i int.dat 2>/dev/null | grep -c ' add: ' | grep -qx 2 ||
	die "SIGINT: not 2 add events in the file"

# 5. SIGKILL: the journal lets ftx reset remove the probe
"$FTX" record -q --probe '-x ./prog add' -o kill.dat > /dev/null 2>&1 &
bg=$!
wait_probe $bg add || die "the probe never appeared"
kill -KILL $bg
wait $bg 2>/dev/null
dead=$bg
bg=
grep -q '^p:ftx/add ' "$T/dynamic_events" || die "SIGKILL left no probe to reset?"
"$FTX" reset > reset.txt 2>&1 || die "ftx reset failed: $(cat reset.txt)"
grep -qx "removed dynamic event ftx/add (ftx pid $dead)" reset.txt || die "reset: $(cat reset.txt)"
grep -qx "removed instance ftx-$dead (pid $dead is gone)" reset.txt || die "reset: $(cat reset.txt)"
[ "$(ours)" = 0 ] || die "reset left the probe"
echo "t-probe-record: run probes recorded, streamed, removed after exit, SIGINT and SIGKILL"
