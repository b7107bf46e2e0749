#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# record -m, -a, -k as trace-cmd documents them:
# -m SIZE: a storm far bigger than SIZE KB leaves at most SIZE KB per CPU in
#   the file (v6 and v7), the newest data (the command's exit, its last
#   reads), what was cut counted and said (the summary's "-m cut" column and
#   a line per CPU; the file's events are the events column exactly);
#   trace-cmd reads it cleanly and prints what ftx prints;
# -a: the format of every event in the file, not only the recorded one's;
# -k: the instance stays as the recording set it (tracing off), 'ftx status'
#   names it, 'ftx reset' removes it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
command -v trace-cmd >/dev/null || die "trace-cmd is not installed (scripts/deps.sh installs it)"
tmp=$(mktemp -d /tmp/ftx-t-opts.XXXXXX)
kept=
cleanup() {
	[ -n "$kept" ] && [ -d "$T/instances/$kept" ] && "$FTX" reset >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# trace-cmd reads FILE with exit 0, nothing on stderr, and prints what ftx prints
both_read() {
	trace-cmd report -i "$1" > "$tmp/tc.txt" 2> "$tmp/tc.err" || die "$2: trace-cmd report failed"
	[ -s "$tmp/tc.err" ] && die "$2: trace-cmd report wrote on stderr: $(head -3 "$tmp/tc.err")"
	"$FTX" report -i "$1" > "$tmp/ftx.txt" || die "$2: ftx report failed"
	cmp -s "$tmp/ftx.txt" "$tmp/tc.txt" || die "$2: ftx and trace-cmd report differ"
}

# 1. -m 256: 200000 one-byte reads (about 9 MB of sys_enter_read) into 256 KB per CPU;
# -F: the command's events only, so the newest are its last (a busy machine's
# other tasks would push its exit out between the exit and the stop)
M=256
reads=200000
for v in 6 7; do
	f="$tmp/m$v.dat"
	"$FTX" record -F -m $M -b 4096 --file-version $v -e syscalls:sys_enter_read \
		-e sched:sched_process_exit -o "$f" -- \
		dd if=/dev/zero of=/dev/null bs=1 count=$reads 2> "$tmp/m.err" ||
		die "record -m $M failed: $(cat "$tmp/m.err")"
	grep -q -- "-m cut" "$tmp/m.err" || die "-m: no '-m cut' column: $(cat "$tmp/m.err")"
	grep -Eq "^ftx record: cpu[0-9]+: -m: [0-9]+ older events cut \([0-9]+ sub-buffers, " \
		"$tmp/m.err" || die "-m: nothing said about the cut: $(cat "$tmp/m.err")"
	both_read "$f" "-m v$v"
	# every CPU's data at most M KB (+ a page); v7's sizes are compressed, so v6 only
	if [ $v = 6 ]; then
		trace-cmd dump --flyrecord "$f" 2>/dev/null |
			awk -v max=$((M * 1024 + 4096)) '/size of cpu/ && $2 ~ /^[0-9]+$/ { if ($2 + 0 > max) bad = bad " " $0 }
				END { if (bad != "") { print "over the limit:" bad; exit 1 } }' ||
			die "-m $M: a CPU holds more than $M KB"
	fi
	# the newest data: dd's exit and its last reads are in; its first ones are not
	grep -Eq "sched_process_exit: +comm=dd " "$tmp/tc.txt" ||
		die "-m v$v: dd's exit is not in the file: $(cat "$tmp/m.err"; tail -3 "$tmp/tc.txt")"
	inf=$(grep -c "sys_enter_read:" "$tmp/tc.txt")
	[ "$inf" -gt 1000 ] && [ "$inf" -lt $reads ] || die "-m v$v: $inf reads in the file"
	last_read=$(awk '/ dd-[0-9]+ .*sys_enter_read:/ { t = $3 } END { sub(":", "", t); print t }' "$tmp/tc.txt")
	exit_ts=$(awk '/sched_process_exit: +comm=dd / { t = $3 } END { sub(":", "", t); print t }' "$tmp/tc.txt")
	awk -v a="$last_read" -v b="$exit_ts" 'BEGIN { exit !(a != "" && b - a < 0.05) }' ||
		die "-m v$v: dd's last read in the file at $last_read, its exit at $exit_ts"
	# the summary's events column counts what the file holds, per CPU
	awk '/^cpu[0-9]+ / && $2 ~ /^[0-9]+$/ { sub("cpu", "", $1); print $1, $2 }' "$tmp/m.err" |
		while read -r cpu n; do
			got=$(grep -c "\[$(printf %03d "$cpu")\]" "$tmp/tc.txt")
			[ "$got" = "$n" ] || die "-m v$v: cpu$cpu: the summary says $n events, the file has $got"
		done || exit 1
	cut=$(awk '$1 == "total" { print $NF }' "$tmp/m.err")
	[ "$cut" -gt 0 ] || die "-m v$v: nothing counted as cut"
	echo "ok: -m $M v$v: $inf of $reads reads kept, $cut events cut, $(stat -c %s "$f") bytes"
done

# 2. -a: every event's format, not only sched_switch's
"$FTX" record -q -e sched:sched_switch -o "$tmp/plain.dat" -- true || die "record failed"
"$FTX" record -q -a -e sched:sched_switch -o "$tmp/a.dat" -- true || die "record -a failed"
both_read "$tmp/a.dat" "-a"
trace-cmd report --events -i "$tmp/plain.dat" > "$tmp/plain.ev" 2>/dev/null
trace-cmd report --events -i "$tmp/a.dat" > "$tmp/a.ev" 2> "$tmp/a.everr" ||
	die "-a: trace-cmd report --events failed"
[ -s "$tmp/a.everr" ] && die "-a: trace-cmd report --events: $(head -3 "$tmp/a.everr")"
np=$(grep -c "^name: " "$tmp/plain.ev")
na=$(grep -c "^name: " "$tmp/a.ev")
avail=$(wc -l < "$T/available_events")
grep -q "^name: irq_handler_entry$" "$tmp/a.ev" || die "-a: no irq_handler_entry format"
grep -q "^name: irq_handler_entry$" "$tmp/plain.ev" && die "without -a: irq_handler_entry's format"
[ "$na" -ge "$avail" ] || die "-a: $na formats, $avail events available"
echo "ok: -a: $na formats ($np without -a, $avail events available)"

# 3. -k: the instance stays as the recording set it, tracing off; ftx reset removes it
"$FTX" record -k -e sched:sched_switch -o "$tmp/k.dat" -- true 2> "$tmp/k.err" ||
	die "record -k failed: $(cat "$tmp/k.err")"
kept=$(sed -n "s/^ftx record: -k: instance \(ftx-[0-9]*\) left as the recording set it (tracing off); 'ftx reset' undoes it$/\1/p" "$tmp/k.err")
[ -n "$kept" ] || die "-k said: $(cat "$tmp/k.err")"
I="$T/instances/$kept"
[ -d "$I" ] || die "-k: no instance $kept afterwards"
[ "$(cat "$I/tracing_on")" = 0 ] || die "-k: tracing is on in $kept"
[ "$(cat "$I/events/sched/sched_switch/enable")" = 1 ] || die "-k: sched_switch not enabled in $kept"
both_read "$tmp/k.dat" "-k"
"$FTX" status > "$tmp/status" 2>&1 || die "ftx status failed"
grep -q "$kept.*gone: 'ftx reset' removes it" "$tmp/status" ||
	die "ftx status does not name $kept: $(grep -n ftx- "$tmp/status" | head -5)"
"$FTX" reset > "$tmp/reset" 2>&1 || die "ftx reset failed: $(cat "$tmp/reset")"
grep -q "$kept" "$tmp/reset" || die "ftx reset did not name $kept: $(cat "$tmp/reset")"
[ -d "$I" ] && die "ftx reset left $kept"
kept=
echo "ok: -k"

# 4. -B stays refused, with its reason
"$FTX" record -B foo -e sched -- true 2> "$tmp/err"
[ $? = 2 ] || die "record -B: not a usage error"
grep -q "not supported: " "$tmp/err" || die "record -B: no reason: $(cat "$tmp/err")"
[ -d "$T/instances/foo" ] && die "record -B foo made an instance"
echo "ok: -B refused"
exit 0
