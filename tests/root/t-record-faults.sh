#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx record under faults: a disk that fills up (a 2 MB tmpfs), a tight fd
# limit, the fds a recording costs per CPU, and signals at the worst moments
# (the second SIGINT during the final flush and during the trace.dat write,
# SIGTERM while draining; exact moments through the FTX_TEST_PAUSE_AT hook of
# ftx/test-hook.h). Every time: tracefs as it was, no instance, no journal,
# and the file complete (trace-cmd reads it) or clearly absent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
command -v trace-cmd >/dev/null || { echo "SKIP: t-record-faults: trace-cmd not installed"; exit 0; }
T=$(ftx_tracefs_dir) || die "no tracefs"
tmp=$(mktemp -d /tmp/ftx-t-record-faults.XXXXXX)
small=$tmp/small
pid=
old_sb=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$pid" ] && "$FTX" reset > /dev/null 2>&1
	mountpoint -q "$small" && umount "$small"
	[ -n "$old_sb" ] && echo "$old_sb" > "$T/buffer_subbuf_size_kb"
	[ -d "$T/instances/ftx-t-hp" ] && rmdir "$T/instances/ftx-t-hp"
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1

# what a recording can touch, without other users' instances and probes
own_snapshot() {
	tracefs_snapshot | grep -v -e '^instances:' -e '^dynamic_events:' -e '^uprobe_events:' \
		-e '^kprobe_events:'
}
# $1: pid; nothing of it may be left
nothing_left() {
	[ -e "$T/instances/ftx-$1" ] && die "$2: instance ftx-$1 left"
	[ -e "/run/ftx/$1" ] && die "$2: journal /run/ftx/$1 left: $(tr '\n' ' ' < "/run/ftx/$1")"
	[ "$(own_snapshot)" = "$before" ] || die "$2: tracefs changed: $(diff <(echo "$before") <(own_snapshot))"
}
wait_for() { wait_grep "$1" "$2" "$3"; }	# file pattern pid
# a steady flow of events on every CPU
storm() { while :; do cat /proc/self/stat > /dev/null; done; }
before=$(own_snapshot)
ncpu=$(ls -d "$T"/per_cpu/cpu* | wc -l)

# 1. the fds of a recording: 2 per CPU with a buffer (its buffer, its temp file),
#    4 per drain thread (pipe, epoll, eventfd), nothing per CPU without a buffer;
#    counted above what any process started here inherits
sleep 10 > /dev/null 2> fd.err & sp=$!
inherited=$(ls /proc/$sp/fd | wc -l)
kill $sp; wait $sp 2>/dev/null
"$FTX" record -e sched:sched_switch --threads 1 -o fd.dat > /dev/null 2> fd.err &
pid=$!
wait_for fd.err recording $pid || die "[fd] record did not start: $(cat fd.err)"
fds=$(ls -l /proc/$pid/fd | tail -n +2)
raw=$(grep -c 'trace_pipe_raw' <<< "$fds")
tmpf=$(grep -c 'ftx-cpu' <<< "$fds")
total=$(wc -l <<< "$fds")
[ "$raw" -ge 1 ] && [ "$raw" -le "$ncpu" ] || die "[fd] $raw trace_pipe_raw fds for $ncpu CPUs"
[ "$tmpf" = "$raw" ] || die "[fd] $tmpf temp files for $raw buffers"
# the journal, one thread's pipe, epoll and eventfd: 5 (+3 spare), plus 2 a CPU
[ $((total - inherited)) -le $((2 * raw + 8)) ] ||
	die "[fd] $((total - inherited)) fds for $raw CPUs with a buffer (at most 2 a CPU plus 8): $fds"
kill -INT $pid; wait $pid || die "[fd] record exited $?: $(cat fd.err)"
nothing_left $pid "[fd]"
pid=
echo "[fd] ok: $((total - inherited)) fds of its own for $raw CPUs with a buffer"

# 2. a tight fd limit: the soft one is raised to the hard one; a hard limit that
#    leaves room for 2 a CPU is enough
( ulimit -S -n 7; exec "$FTX" record -q -e sched:sched_switch -o lim1.dat -- true ) 2> lim1.err ||
	die "[ulimit -Sn 7] record failed: $(cat lim1.err)"
# the smallest hard limit it records under (counted above what a process
# started here inherits): the fds it needs, 2 a CPU plus a constant
lim=
for n in $(seq $((inherited + 4)) $((inherited + 2 * ncpu + 40))); do
	if ( ulimit -n $n; exec "$FTX" record -q -e sched:sched_switch -o lim2.dat -- true ) 2> lim2.err
	then
		lim=$n
		break
	fi
done
[ -n "$lim" ] || die "[ulimit] record failed under every limit up to $n: $(cat lim2.err)"
[ $((lim - inherited)) -le $((2 * ncpu + 24)) ] ||
	die "[ulimit] needs ulimit -n $lim ($((lim - inherited)) of its own for $ncpu CPUs)"
trace-cmd report -i lim2.dat > /dev/null 2>&1 || die "[ulimit] trace-cmd cannot read the file"
nothing_left 0 "[ulimit]"
echo "[ulimit] ok: soft 7 raised; records under ulimit -n $lim ($((lim - inherited)) fds of its own, $ncpu CPUs)"

# 3. the disk fills up: one line saying what failed, the recording stops at once,
#    the file holds what was drained and trace-cmd reads it
mkdir -p "$small" && mount -t tmpfs -o size=2m ftx-t-record-faults "$small" ||
	die "[full] cannot mount a tmpfs"
storm & sp=$!
start=$(date +%s)
timeout 60 "$FTX" record -e raw_syscalls -e sched -o "$small/full.dat" > /dev/null 2> full.err &
pid=$!
wait $pid
rc=$?
kill $sp; wait $sp 2>/dev/null
[ $rc = 1 ] || die "[full] exit $rc, expected 1: $(cat full.err)"
[ $(($(date +%s) - start)) -lt 30 ] || die "[full] the recording did not stop at once"
grep -q '^ftx record: recording stopped: cpu[0-9]*: write to temp file: No space left on device$' full.err ||
	die "[full] no line saying what failed: $(cat full.err)"
grep -q "^ftx record: wrote $small/full.dat: what was recorded up to the failure\$" full.err ||
	die "[full] no file written: $(cat full.err)"
trace-cmd report -i "$small/full.dat" > full.txt 2> full.tcerr || die "[full] trace-cmd report failed: $(cat full.tcerr)"
grep -q 'sys_enter:' full.txt || die "[full] no events in the partial file"
nothing_left $pid "[full]"
ls -a "$small" | grep -q 'full.dat.' && die "[full] temp files left: $(ls -a "$small")"
# the file made room for itself: temp files consumed by the copy, kallsyms and
# the newest sub-buffers left out, each loss named
grep -q "^ftx record: warning: no room in $small for kallsyms ([0-9]* bytes): left out, kernel addresses print as hex\$" full.err ||
	die "[full] kallsyms not named as left out: $(cat full.err)"
grep -Eq "^ftx record: warning: no room in $small: the last [0-9]+ sub-buffers of cpu[0-9]+ \([0-9]+ bytes\) left out of the file\$" full.err ||
	die "[full] no sub-buffers named as left out: $(cat full.err)"
echo "[full] ok: $(grep -c . full.txt) lines read by trace-cmd; $(grep -c 'no room' full.err) room warnings"
pid=
umount "$small"

# 3b. no room even for the headers: the temp files on another file system
#     (--tmpdir), the output's file system full; one line says what is lost,
#     no file, no temp file left
mkdir -p "$small" && mount -t tmpfs -o size=1m ftx-t-record-faults "$small" ||
	die "[lost] cannot mount a tmpfs"
mkdir -p "$tmp/tmpd"
head -c 1048576 /dev/zero > "$small/filler" 2> /dev/null
"$FTX" record -q -e sched --tmpdir "$tmp/tmpd" -o "$small/lost.dat" -- sleep 0.2 2> lost.err
rc=$?
[ $rc = 1 ] || die "[lost] exit $rc, expected 1: $(cat lost.err)"
grep -Eq "^ftx record: no room in $small for the trace \(.* needed, .* free\): the recording \([0-9]+ bytes of sub-buffers\) is lost\$" lost.err ||
	die "[lost] no line saying what is lost: $(cat lost.err)"
ls -A "$small" | grep -qv '^filler$' && die "[lost] files left in $small: $(ls -A "$small")"
[ -z "$(ls -A "$tmp/tmpd")" ] || die "[lost] temp files left in --tmpdir: $(ls -A "$tmp/tmpd")"
nothing_left 0 "[lost]"
umount "$small"
echo "[lost] ok: $(cat lost.err)"

# 4. the second SIGINT during the final flush, then during the trace.dat write:
#    the handler restores at once, no file (nor half of one) appears
for point in record-flush record-write; do
	rm -f point
	FTX_TEST_PAUSE_AT=$point FTX_TEST_PAUSE_FILE=$tmp/point \
		"$FTX" record -e sched -e irq -o $point.dat > /dev/null 2> $point.err &
	pid=$!
	wait_for $point.err recording $pid || die "[$point] record did not start: $(cat $point.err)"
	sleep 0.3
	kill -INT $pid
	wait_for point "$point" $pid || die "[$point] never paused at $point: $(cat $point.err)"
	kill -INT $pid
	wait $pid
	rc=$?
	[ $rc = 130 ] || die "[$point] exit $rc, expected 130 (SIGINT): $(cat $point.err)"
	[ -e $point.dat ] && die "[$point] $point.dat exists after the second SIGINT"
	ls -a | grep -Eq "$point\\.dat\\.|ftx-cpu" && die "[$point] temp files left: $(ls -a)"
	nothing_left $pid "[$point]"
	echo "[INT INT at $point] ok"
done
pid=

# 5. SIGTERM while a drain thread is moving pages: a normal stop, a complete file
storm & sp=$!
rm -f point
FTX_TEST_PAUSE_AT=record-drain FTX_TEST_PAUSE_AT_MS=500 FTX_TEST_PAUSE_FILE=$tmp/point \
	"$FTX" record -e raw_syscalls -b 4096 -o term.dat > /dev/null 2> term.err &
pid=$!
wait_for point record-drain $pid || { kill $sp; die "[TERM] no drain: $(cat term.err)"; }
kill -TERM $pid
wait $pid
rc=$?
kill $sp; wait $sp 2>/dev/null
[ $rc = 0 ] || die "[TERM] exit $rc: $(cat term.err)"
trace-cmd report -i term.dat > term.txt 2> term.tcerr || die "[TERM] trace-cmd report failed: $(cat term.tcerr)"
grep -q 'sys_enter:' term.txt || die "[TERM] no events in the file"
nothing_left $pid "[TERM]"
pid=
echo "[TERM during drain] ok"

# 6. a drain thread that cannot start (FTX_TEST_FAIL_AT: the last one's
#    pthread_create says EAGAIN): the ones already running are woken and joined
#    (each reaches its final flush: one pause-file line per started thread),
#    one line, the instance released, tracefs restored, no file
nt=$((ncpu >= 2 ? 2 : 1))
for cmd in "" "sleep 29.5"; do
	rm -f point
	# shellcheck disable=SC2086
	FTX_TEST_FAIL_AT=record-thread-start FTX_TEST_PAUSE_AT=record-flush FTX_TEST_PAUSE_AT_MS=200 \
		FTX_TEST_PAUSE_FILE=$tmp/point "$FTX" record -e sched --threads $nt -o thr.dat \
		${cmd:+-- $cmd} > /dev/null 2> thr.err &
	pid=$!
	wait $pid
	rc=$?
	[ $rc = 1 ] || die "[thread start${cmd:+ with $cmd}] exit $rc, expected 1: $(cat thr.err)"
	[ "$(cat thr.err)" = "ftx record: cannot start a drain thread: Resource temporarily unavailable" ] ||
		die "[thread start${cmd:+ with $cmd}] not the one line: $(cat thr.err)"
	flushed=$(grep -c record-flush point 2> /dev/null)
	[ "$flushed" = $((nt - 1)) ] ||
		die "[thread start${cmd:+ with $cmd}] $flushed of $((nt - 1)) started threads flushed"
	[ -e thr.dat ] && die "[thread start${cmd:+ with $cmd}] thr.dat written"
	pgrep -f "^$cmd\$" > /dev/null && [ -n "$cmd" ] && die "[thread start] '$cmd' runs"
	nothing_left $pid "[thread start${cmd:+ with $cmd}]"
	echo "[thread start${cmd:+ with $cmd}] ok: $flushed started thread(s) joined"
done
pid=

# 7. a failure between the command's fork and its release (tracing_on refused,
#    FTX_TEST_FAIL_AT=record-start), record and stream: the held command keeps
#    nothing of the instance open, so it is removed; the command never runs
for c in record stream; do
	out=
	[ $c = record ] && out="-o start.dat"
	# shellcheck disable=SC2086
	FTX_TEST_FAIL_AT=record-start "$FTX" $c -e sched $out -- sleep 31.5 > /dev/null 2> start.err &
	pid=$!
	wait $pid
	rc=$?
	[ $rc = 1 ] || die "[$c start] exit $rc, expected 1: $(cat start.err)"
	[ "$(cat start.err)" = "ftx $c: cannot write tracing_on: Input/output error (FTX_TEST_FAIL_AT)" ] ||
		die "[$c start] not the one line: $(cat start.err)"
	pgrep -f '^sleep 31.5$' > /dev/null && die "[$c start] the command runs"
	[ -e start.dat ] && die "[$c start] start.dat written"
	nothing_left $pid "[$c start]"
	echo "[$c: failure while the command is held] ok"
done
pid=

# 8. since 6.8 each instance has its own sub-buffer size and header_page: the
#    top level's made different (buffer_subbuf_size_kb 8), the file carries the
#    instance's page format (and trace-cmd reads its 4 KB pages)
subbuf_settable
sb=$?
if [ $sb = 0 ]; then
	old_sb=$(cat "$T/buffer_subbuf_size_kb")
	echo 8 > "$T/buffer_subbuf_size_kb" || die "[header_page] cannot set the top's sub-buffer size"
	top_hp=$(cat "$T/events/header_page")
	"$FTX" record -q -e sched -e raw_syscalls -o hp.dat -- ls -R /proc/self > /dev/null 2> hp.err
	rc=$?
	echo "$old_sb" > "$T/buffer_subbuf_size_kb"
	old_sb=
	[ $rc = 0 ] || die "[header_page] record exited $rc: $(cat hp.err)"
	mkdir "$T/instances/ftx-t-hp" || die "[header_page] cannot make an instance"
	inst_hp=$(cat "$T/instances/ftx-t-hp/events/header_page")
	rmdir "$T/instances/ftx-t-hp"
	[ "$inst_hp" != "$top_hp" ] || die "[header_page] the top's header_page did not change"
	file_hp=$(trace-cmd dump --head-page -i hp.dat 2>&1)
	grep -q "$(grep -o 'size:[0-9]*;' <<< "$inst_hp" | tail -1)" <<< "$file_hp" ||
		die "[header_page] the file's header page is not the instance's: $file_hp"
	trace-cmd report -i hp.dat > hp.txt 2> hp.tcerr || die "[header_page] trace-cmd report failed: $(cat hp.tcerr)"
	grep -q 'sys_enter:' hp.txt || die "[header_page] no events read: $(head -3 hp.txt)"
	nothing_left 0 "[header_page]"
	echo "[header_page] ok: the instance's, not the top's (sub-buffer 8 KB there)"
elif [ $sb = 2 ]; then
	echo "[header_page] not run: the kernel refuses other sub-buffer sizes ($SUBBUF_WHY)"
else
	echo "[header_page] not run: no buffer_subbuf_size_kb (kernel before 6.8)"
fi

# 9. stop signals belong to the main thread: every other thread of a recording
#    (the drain threads, the --pmc sampler) blocks SIGHUP, SIGINT and SIGTERM
"$FTX" record -e sched --pmc cpu-clock@50 -o sig.dat -- sleep 29.7 > /dev/null 2> sig.err &
pid=$!
wait_for sig.err recording $pid || die "[thread signals] record did not start: $(cat sig.err)"
others=0
for t in /proc/$pid/task/*; do
	[ "${t##*/}" = "$pid" ] && continue
	blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "$t/status")
	[ $((0x$blk & 0x4003)) = $((0x4003)) ] ||
		die "[thread signals] thread ${t##*/} ($(cat "$t/comm")) does not block HUP INT TERM: SigBlk $blk"
	others=$((others + 1))
done
[ $others -ge 2 ] || die "[thread signals] $others threads besides the main one"
kill -INT $pid
wait $pid || die "[thread signals] record exited $?: $(cat sig.err)"
pkill -f '^sleep 29.7$'
nothing_left $pid "[thread signals]"
pid=
echo "[thread signals] ok: $others threads block the stop signals"
exit 0
