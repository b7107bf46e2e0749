#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx stream: live lines in report's format around a command, until SIGINT,
# and into a pipe closed early; tracefs left as found every time.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
tmp=$(mktemp -d /tmp/ftx-t-stream.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
line_re='^ +[^ ].*-[0-9]+ +\[[0-9]{3}\] +[0-9]+\.[0-9]{6}: [a-z_]+: '

# 1. around a command: its events, with its comm, and its own output intact
"$FTX" stream -q -e sched:sched_switch -e syscalls:sys_enter_openat -- cat /etc/hostname \
	> out.txt 2> err.txt &
spid=$!
( sleep 20; kill -TERM $spid 2>/dev/null ) &
watchdog=$!
wait $spid
rc=$?
kill $watchdog 2>/dev/null
[ $rc -eq 0 ] || die "stream around cat failed ($rc): $(cat err.txt)"
grep -qxF "$(cat /etc/hostname)" out.txt || die "the command's output is missing"
grep -Eq '^ +cat-[0-9]+ +\[[0-9]{3}\] +[0-9]+\.[0-9]{6}: sys_enter_openat: ' out.txt ||
	die "no openat line of cat: $(head -5 out.txt)"
# (its own pid: other ftx processes on the machine are fair game)
grep -Eq "^ +ftx-$spid .*sys_enter_openat" out.txt && die "the streamer's own syscalls were traced"
[ ! -s err.txt ] || die "-q still printed: $(cat err.txt)"
# lines are in timestamp order
grep -E "$line_re" out.txt | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]{6}:$/) { t = $i + 0; if (t < last) bad++; last = t } } END { exit bad > 0 }' ||
	die "lines out of timestamp order"

# 2. until SIGINT: lines, the summary, the instance gone
# (waits for the instance and a first line rather than a fixed time: under
# ASan on a loaded machine one second was not always enough to start)
"$FTX" stream -e sched > sig.txt 2> sig.err &
pid=$!
for i in $(seq 100); do
	[ -d /sys/kernel/tracing/instances/ftx-$pid ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
[ -d /sys/kernel/tracing/instances/ftx-$pid ] || die "no private instance while streaming: $(cat sig.err)"
for i in $(seq 100); do
	grep -Eq "$line_re" sig.txt && break
	sleep 0.1	# (itself sched events of another task)
done
kill -INT $pid
wait $pid || die "stream stopped by SIGINT exited $?: $(cat sig.err)"
[ -d /sys/kernel/tracing/instances/ftx-$pid ] && die "instance ftx-$pid left behind"
grep -Eq "$line_re" sig.txt || die "no event line streamed in 10 seconds of sched events"
grep -q '^total' sig.err || die "no summary: $(cat sig.err)"

# 3. the reader goes away: stream ends by itself and cleans up
timeout 20 "$FTX" stream -e sched -e irq 2> pipe.err | head -3 > head.txt
rc=${PIPESTATUS[0]}
[ "$rc" -ne 124 ] || die "stream kept running after its reader exited"
[ "$(wc -l < head.txt)" -eq 3 ] || die "head got $(wc -l < head.txt) lines"

# 4. errors
"$FTX" stream -e nosuch:event 2> e1.txt; rc=$?
[ $rc -eq 1 ] && grep -q '^ftx stream: .*no such event' e1.txt || die "unknown event: exit $rc, $(cat e1.txt)"
"$FTX" stream -o x 2> /dev/null; rc=$?
[ $rc -eq 2 ] || die "usage error: exit $rc"
echo "t-stream: ok"
