#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# trace-cmd habits of ftx record: --file-version 7 files (zstd, none) read by
# trace-cmd 3.1.6 exactly as ftx reads them; ftx's own threads are left out
# of the trace unless --no-filter; the start message says what ends it;
# --date and --subbuf-size as trace-cmd (the reports of both tools match).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
command -v trace-cmd >/dev/null || die "trace-cmd is not installed (scripts/deps.sh installs it)"
tmp=$(mktemp -d /tmp/ftx-t-habits.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# 1. version 7
for c in zstd none; do
	"$FTX" record -q --file-version 7 --compression $c -e sched -o "$tmp/v7.dat" -- sleep 0.2 ||
		die "record --file-version 7 --compression $c failed"
	[ "$(head -c 12 "$tmp/v7.dat" | tail -c 2 | od -An -c | tr -d ' ')" = '7\0' ] ||
		die "not a version 7 file"
	"$FTX" report -i "$tmp/v7.dat" > "$tmp/ftx.txt" || die "ftx report failed"
	trace-cmd report -i "$tmp/v7.dat" > "$tmp/tc.txt" 2> "$tmp/tc.err" || die "trace-cmd report failed"
	[ -s "$tmp/tc.err" ] && die "trace-cmd report wrote on stderr: $(head -3 "$tmp/tc.err")"
	cmp -s "$tmp/ftx.txt" "$tmp/tc.txt" || die "$c: ftx and trace-cmd report differ"
	trace-cmd dump -v -i "$tmp/v7.dat" > /dev/null 2>&1 || die "$c: trace-cmd dump -v refuses it"
	echo "ok: version 7 $c: $(wc -l < "$tmp/ftx.txt") lines, $(stat -c %s "$tmp/v7.dat") bytes"
done
"$FTX" record --compression zstd -e sched -- true 2>/dev/null
[ $? = 2 ] || die "--compression without --file-version 7 is not a usage error"

# 2. ftx's threads: none of their syscalls with the filter, some without
own_events() {	# $1: extra option; prints the count of raw_syscalls events of ftx's threads
	"$FTX" record $1 -e raw_syscalls -o "$tmp/n.dat" -- sleep 1 2> "$tmp/msg" &
	local pid=$! tids= i want=$(( $(nproc) < 64 ? $(nproc) + 1 : 65 ))
	for i in $(seq 1 50); do
		tids=$(ls "/proc/$pid/task" 2>/dev/null | tr '\n' ' ')
		[ "$(echo $tids | wc -w)" -ge "$want" ] && break
		sleep 0.02
	done
	wait $pid || die "record $1 failed: $(cat "$tmp/msg")"
	[ -n "$tids" ] || die "never saw the recorder's threads"
	"$FTX" report -i "$tmp/n.dat" | awk -v tids=" $tids" '
		{ n = split($1, a, "-"); if (index(tids, " " a[n] " ")) c++ } END { print c + 0 }'
}
with=$(own_events "")
without=$(own_events --no-filter)
echo "ftx's own syscall events: $with filtered, $without with --no-filter"
[ "$with" = 0 ] || die "ftx's own threads are in the trace ($with events)"
[ "$without" -gt 0 ] || die "--no-filter kept none of ftx's events"
grep -q "recording until sleep exits (Ctrl-C stops it sooner)" "$tmp/msg" ||
	die "start message: $(cat "$tmp/msg")"

# 2a. the main thread sleeps until the command exits (pidfd, ppoll): its own
# syscalls do not grow with the recording's length (a 50 ms poll made ~80
# events a second of it)
main_events() {	# $1: seconds; the raw_syscalls events of ftx's main thread
	"$FTX" record -q --no-filter -e raw_syscalls -o "$tmp/m.dat" -- sleep "$1" &
	local pid=$!
	wait $pid || die "record -- sleep $1 failed"
	"$FTX" report -i "$tmp/m.dat" | awk -v p="$pid" '
		{ n = split($1, a, "-"); if (a[n] == p) c++ } END { print c + 0 }'
}
m1=$(main_events 0.5)
m3=$(main_events 2.5)
echo "ftx's main thread: $m1 syscall events over sleep 0.5, $m3 over sleep 2.5"
[ "$m1" -gt 0 ] || die "no events of the main thread at all: the count proves nothing"
[ $((m3 - m1)) -lt 20 ] || die "the main thread woke while it waited: $m1 events in 0.5 s, $m3 in 2.5 s"

# 2b. system-wide: another task's events all there (dd's 20000 one-byte reads and
# writes, each a sys_enter and a sys_exit; 8 MB per CPU hold them undrained), and
# none of the recorder's threads
"$FTX" record -e raw_syscalls -b 8192 -o "$tmp/sw.dat" 2> "$tmp/sw.err" &
rec=$!
wait_grep "$tmp/sw.err" 'recording; Ctrl-C' $rec || die "system-wide record: $(cat "$tmp/sw.err")"
tids=$(ls "/proc/$rec/task" | tr '\n' ' ')
dd if=/dev/zero of=/dev/null bs=1 count=20000 2> /dev/null &
ddpid=$!
wait $ddpid
kill -INT $rec
wait $rec || die "system-wide record failed: $(cat "$tmp/sw.err")"
awk '$1 == "total" && $4 != 0 { bad = 1 } END { exit bad }' "$tmp/sw.err" ||
	die "system-wide record lost events: $(grep '^total' "$tmp/sw.err")"
"$FTX" report -i "$tmp/sw.dat" | awk -v dd="$ddpid" -v tids=" $tids" '
	{ n = split($1, a, "-"); p = a[n] }
	index(tids, " " p " ") { own++ }
	p == dd && /sys_(enter|exit): +NR [01] / { split($0, b, "NR "); c[$4 " " substr(b[2], 1, 1)]++ }
	END {
		printf "system-wide: ftx threads %d events; dd: %d/%d read, %d/%d write enter/exit\n", own,
			c["sys_enter: 0"], c["sys_exit: 0"], c["sys_enter: 1"], c["sys_exit: 1"]
		exit !(own == 0 && c["sys_enter: 0"] >= 20000 && c["sys_exit: 0"] >= 20000 &&
		       c["sys_enter: 1"] >= 20000 && c["sys_exit: 1"] >= 20000)
	}' > "$tmp/sw.count" || die "$(cat "$tmp/sw.count")"
echo "ok: $(cat "$tmp/sw.count")"

# 3. -T: a kernel_stack after the events, printed as trace-cmd prints it
"$FTX" record -q -T -e sched:sched_process_exec -o "$tmp/T.dat" -- true || die "record -T failed"
"$FTX" report -i "$tmp/T.dat" > "$tmp/ftx.txt"
trace-cmd report -i "$tmp/T.dat" > "$tmp/tc.txt" 2>/dev/null
grep -q "kernel_stack:  *<stack trace >" "$tmp/ftx.txt" || die "-T: no kernel_stack events"
cmp -s "$tmp/ftx.txt" "$tmp/tc.txt" || die "-T: ftx and trace-cmd report differ"
[ "$(cat /sys/kernel/tracing/options/stacktrace 2>/dev/null || echo 0)" = 0 ] ||
	die "-T left the top-level stacktrace option on"
echo "ok: -T"

# 4. --user: the command runs as nobody; -r: ftx's threads SCHED_FIFO, the command not
[ "$("$FTX" record -q --user nobody -e sched:sched_process_exec -o "$tmp/u.dat" -- id -u)" = \
  "$(id -u nobody)" ] || die "--user nobody: the command did not run as nobody"
"$FTX" record -q -r 10 -e sched:sched_switch -o "$tmp/r.dat" -- sleep 0.6 &
pid=$!
# the command runs (and so every thread of ftx): polled, not a fixed wait
for i in $(seq 100); do child=$(pgrep -P $pid sleep) && break; sleep 0.1; done
pols=$(for t in /proc/$pid/task/*; do chrt -p "${t##*/}" | grep -c "SCHED_FIFO"; done | sort -u)
cpol=$(chrt -p "$child" | head -1)
wait $pid || die "record -r failed"
[ "$pols" = 1 ] || die "-r 10: not every ftx thread is SCHED_FIFO"
case $cpol in *SCHED_OTHER*) ;; *) die "-r: the command's policy changed: $cpol" ;; esac
echo "ok: --user, -r"

# 5. -m, -a, -k and -B's refusal: t-record-opts.sh

# 5b. --date: the DATE option puts the time of day in both reports, the same bytes
t0=$(date +%s)
"$FTX" record --date -q -e sched:sched_switch -o "$tmp/d.dat" -- sleep 0.2 ||
	die "record --date failed"
t1=$(date +%s)
trace-cmd report "$tmp/d.dat" > "$tmp/d.tc" 2> "$tmp/d.tcerr" || die "trace-cmd report --date file"
[ -s "$tmp/d.tcerr" ] && die "trace-cmd on the --date file: $(head -2 "$tmp/d.tcerr")"
"$FTX" report -i "$tmp/d.dat" > "$tmp/d.ftx" || die "ftx report on the --date file"
cmp -s "$tmp/d.tc" "$tmp/d.ftx" || die "--date: ftx report differs from trace-cmd's"
ts=$(awk '/sched_switch:/ { sub(":", "", $3); print int($3); exit }' "$tmp/d.tc")
[ -n "$ts" ] && [ "$ts" -ge $((t0 - 1)) ] && [ "$ts" -le $((t1 + 1)) ] ||
	die "--date: first event at $ts, not between $t0 and $t1"
"$FTX" record --date -C counter -q -e sched -o "$tmp/e.dat" -- true 2> "$tmp/err" &&
	die "--date with the counter clock succeeded"
grep -q "has no time of day" "$tmp/err" || die "--date -C counter said: $(cat "$tmp/err")"
echo "ok: --date"

# 5c. --subbuf-size: sub-buffers of that size in the file, trace-cmd reads them
subbuf_settable
sb=$?
if [ $sb = 0 ]; then
	"$FTX" record --subbuf-size 8 -q -e sched:sched_switch -o "$tmp/s.dat" -- sleep 0.2 ||
		die "record --subbuf-size 8 failed"
	trace-cmd dump --head-page "$tmp/s.dat" 2>&1 | grep -q "size:8176;" ||
		die "--subbuf-size 8: the file's header page is not 8 KB"
	trace-cmd report "$tmp/s.dat" > "$tmp/s.tc" 2> "$tmp/s.tcerr" || die "trace-cmd on 8 KB sub-buffers"
	[ -s "$tmp/s.tcerr" ] && die "trace-cmd on 8 KB sub-buffers: $(head -2 "$tmp/s.tcerr")"
	grep -q "sched_switch:" "$tmp/s.tc" || die "--subbuf-size 8: no events"
	"$FTX" report -i "$tmp/s.dat" > "$tmp/s.ftx" || die "ftx report on 8 KB sub-buffers"
	cmp -s "$tmp/s.tc" "$tmp/s.ftx" || die "--subbuf-size: ftx report differs from trace-cmd's"
	echo "ok: --subbuf-size"
elif [ $sb = 2 ]; then
	# refused (lockdown): one line naming the file and the kernel's reason, no file
	"$FTX" record --subbuf-size 8 -q -e sched -o "$tmp/s.dat" -- true 2> "$tmp/err" &&
		die "--subbuf-size succeeded where the shell's write was refused ($SUBBUF_WHY)"
	[ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "buffer_subbuf_size_kb: not permitted" "$tmp/err" ||
		die "--subbuf-size refused said: $(cat "$tmp/err")"
	[ -e "$tmp/s.dat" ] && die "--subbuf-size refused left $tmp/s.dat"
	echo "ok: --subbuf-size refused: $(cat "$tmp/err")"
else
	"$FTX" record --subbuf-size 8 -q -e sched -o "$tmp/s.dat" -- true 2> "$tmp/err" &&
		die "--subbuf-size without buffer_subbuf_size_kb succeeded"
	grep -q "no buffer_subbuf_size_kb" "$tmp/err" || die "--subbuf-size said: $(cat "$tmp/err")"
	echo "ok: --subbuf-size refused (no buffer_subbuf_size_kb)"
fi

# 6. the status line: on a terminal only, not with -q, erased before the summary
if command -v script > /dev/null; then
	script -qec "$FTX record -e sched -o $tmp/p.dat -- sleep 1" /dev/null > "$tmp/pty.txt" 2>&1
	grep -aq "s: [0-9]* events, [0-9.]* MB written, [0-9]* lost" "$tmp/pty.txt" ||
		die "no status line on a terminal: $(head -c 300 "$tmp/pty.txt")"
	grep -aq "total " "$tmp/pty.txt" || die "no closing summary after the status line"
	script -qec "$FTX record -q -e sched -o $tmp/p.dat -- sleep 0.5" /dev/null > "$tmp/pty.txt" 2>&1
	grep -aq " MB written" "$tmp/pty.txt" && die "status line with -q"
	"$FTX" record -e sched -o "$tmp/p.dat" -- sleep 0.5 2> "$tmp/nopty.txt"
	grep -q " MB written" "$tmp/nopty.txt" && die "status line when stderr is not a terminal"
	echo "ok: status line"
else
	echo "SKIP: status line: no script(1) for a terminal"
fi
exit 0
