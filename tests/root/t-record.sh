#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx record around a command and until SIGINT: the files must be complete and
# readable by trace-cmd report, comms right, errors one line with the right status.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
command -v trace-cmd >/dev/null || { echo "SKIP: t-record: trace-cmd not installed"; exit 0; }
tmp=$(mktemp -d /tmp/ftx-t-record.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# 1. around a command: its openat events are there and the file names its pid
# cat. (Which name trace-cmd prints on them depends on the sched_switch events
# before them: a switch to the child before its exec registers "ftx" for the
# pid, and if cat then runs on that CPU without another switch, its events
# print as ftx-PID until its last switch. That is trace-cmd's behaviour.)
"$FTX" record -q -e sched:sched_switch -e syscalls:sys_enter_openat -o cmd.dat \
	-- cat /etc/hostname > out.txt 2> err.txt || die "record around cat failed: $(cat err.txt)"
cmp -s out.txt /etc/hostname || die "the command's output was lost"
trace-cmd report -i cmd.dat > rep.txt 2> rep.err || die "trace-cmd report failed: $(cat rep.err)"
trace-cmd dump --cmd-lines -i cmd.dat > cmdlines.txt 2>&1 || die "trace-cmd dump failed"
catpid=$(awk '$2 == "cat" { print $1 }' cmdlines.txt)
[ -n "$catpid" ] && [ "$(echo "$catpid" | wc -l)" -eq 1 ] ||
	die "the file's cmdlines name no single pid cat: $(tr '\n' ' ' < cmdlines.txt | cut -c1-200)"
grep -Eq "^ +(cat|ftx)-$catpid +\[[0-9]{3}\] +[0-9]+\.[0-9]{6}: sys_enter_openat:" rep.txt ||
	die "no openat event of cat (pid $catpid) in the report"
# without sched_switch events the file's name is the only one: cat
"$FTX" record -q -e syscalls:sys_enter_openat -o open.dat -- cat /etc/hostname > /dev/null ||
	die "record of openat around cat failed"
trace-cmd report -i open.dat 2>/dev/null |
	grep -Eq '^ +cat-[0-9]+ +\[[0-9]{3}\] +[0-9]+\.[0-9]{6}: sys_enter_openat:' ||
	die "no openat event named cat in the report of open.dat"
grep -q 'sched_switch:' rep.txt || die "no sched_switch event in the report"
[ ! -s rep.err ] || die "trace-cmd warned: $(cat rep.err)"
ls "$tmp" | grep -q 'ftx-cpu' && die "temp files left behind"

# 2. -F: nothing but the command's events
"$FTX" record -q -F -e syscalls:sys_enter_openat -o only.dat -- cat /etc/hostname > /dev/null ||
	die "record -F failed"
n=$(trace-cmd report -i only.dat | grep -c 'sys_enter_openat')
others=$(trace-cmd report -i only.dat | grep 'sys_enter_openat' | grep -vc '^ *cat-')
[ "$n" -gt 0 ] || die "-F recorded no event of the command"
[ "$others" -eq 0 ] || die "-F recorded $others events of other tasks"

# 3. until SIGINT: the summary, a complete file, the instance gone
"$FTX" record -e sched -e irq -o sig.dat > /dev/null 2> sig.err &
pid=$!
# (from its "recording" line on; a fixed wait was short under ASan and load)
wait_grep sig.err recording $pid || die "record did not start: $(cat sig.err)"
sleep 1
inst=/sys/kernel/tracing/instances/ftx-$pid
[ -d "$inst" ] || die "no private instance ftx-$pid while recording"
kill -INT $pid
wait $pid || die "record stopped by SIGINT exited $?: $(cat sig.err)"
[ -d "$inst" ] && die "instance ftx-$pid left behind"
grep -q '^total' sig.err || die "no per-CPU summary: $(cat sig.err)"
events=$(awk '$1 == "total" { print $2 }' sig.err)
trace-cmd report -i sig.dat > sig.txt 2>/dev/null
# trace-cmd marks a sub-buffer that lost events with a "CPU:N [... DROPPED]" line;
# under load a second of sched events can overflow, and then ftx must say so
lines=$(grep -v '^cpus=' sig.txt | grep -Evc '^CPU:[0-9]+ \[.*EVENTS DROPPED\]$')
marks=$(grep -Ec '^CPU:[0-9]+ \[.*EVENTS DROPPED\]$' sig.txt)
[ "$events" -gt 0 ] || die "nothing recorded in a second of sched events"
[ "$events" -eq "$lines" ] || die "summary says $events events, the report has $lines"
if [ "$marks" -gt 0 ]; then
	grep -q 'events lost' sig.err || die "the file has $marks DROPPED marks, the summary no loss"
fi

# 3b. a second SIGINT aborts the drain: whatever is left, tracefs is restored and
# no temp file remains; a file, if any, is complete
"$FTX" record -q -b 8192 -e sched -e irq -e syscalls -o abort.dat > /dev/null 2>&1 &
pid=$!
sleep 1
kill -INT $pid; kill -INT $pid
wait $pid
rc=$?
[ -d /sys/kernel/tracing/instances/ftx-$pid ] && die "instance ftx-$pid left after a double SIGINT"
ls -a | grep -Eq 'abort\.dat\.|ftx-cpu' && die "temp files left after a double SIGINT: $(ls -a)"
if [ -e abort.dat ]; then
	trace-cmd report -i abort.dat > /dev/null 2>&1 || die "abort.dat exists but is unreadable (rc $rc)"
fi

# 3c. -P with -c: an existing task and what it starts
(while :; do cat /etc/hostname > /dev/null; sleep 0.05; done) &
loop=$!
"$FTX" record -q -P $loop -c -e syscalls:sys_enter_openat -o pid.dat -- sleep 0.5 ||
	{ kill $loop; die "record -P failed"; }
kill $loop
trace-cmd report -i pid.dat | grep -q '^ *cat-[0-9]* .*sys_enter_openat' || die "-P -c: no openat of the loop's cat"
others=$(trace-cmd report -i pid.dat | grep sys_enter_openat | grep -Evc '^ *(cat|sleep|bash)-')
[ "$others" -eq 0 ] || die "-P -c recorded $others events of unrelated tasks"

# 4. ftx report prints exactly what trace-cmd report prints on these files
if "$FTX" help report > /dev/null 2>&1; then
	for f in cmd only sig; do
		trace-cmd report -i $f.dat > $f.tc 2>&1
		"$FTX" report -i $f.dat > $f.ftx 2>&1 || die "ftx report $f.dat failed: $(tail -1 $f.ftx)"
		cmp -s $f.tc $f.ftx || die "ftx report differs from trace-cmd on $f.dat: $(diff $f.tc $f.ftx | head -5)"
	done
else
	echo "note: no ftx report in this build, trace-cmd only"
fi

# 5. every event ('-e all' skips ftrace's tracer-only events) and -e NAME of any system
"$FTX" record -q -b 4096 -e all -o all.dat -- sleep 0.1 2> all.err || die "record -e all failed: $(cat all.err)"
trace-cmd report -i all.dat > /dev/null 2> all.tc-err && [ ! -s all.tc-err ] ||
	die "trace-cmd report of -e all: $(head -3 all.tc-err)"
"$FTX" record -q -e sched_switch -o name.dat -- true || die "record -e sched_switch failed"
trace-cmd report -i name.dat | grep -q ' sched_switch: ' || die "-e sched_switch recorded no sched_switch"

# 6. errors: one line, exit 1; usage errors exit 2
"$FTX" record -e sched:no_such_event -- true 2> e1.txt; rc=$?
[ $rc -eq 1 ] || die "unknown event: exit $rc"
[ "$(wc -l < e1.txt)" -eq 1 ] && grep -q '^ftx record: .*no such event' e1.txt ||
	die "unknown event message: $(cat e1.txt)"
"$FTX" record -e sched -- /nonexistent/cmd 2> e2.txt; rc=$?
[ $rc -eq 1 ] || die "missing command: exit $rc"
grep -q 'cannot run /nonexistent/cmd' e2.txt || die "missing command message: $(cat e2.txt)"
"$FTX" record -f 'x>1' 2> /dev/null; rc=$?
[ $rc -eq 2 ] || die "usage error: exit $rc"
[ -e trace.dat ] && die "a failed record left trace.dat"
echo "t-record: ok"
