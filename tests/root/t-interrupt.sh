#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A check interrupted while its changes are in place (instance made, probes
# created) must leave tracefs exactly as it found it: SIGINT, SIGTERM, SIGHUP
# (a stop, then the normal restore) and a double SIGINT (the immediate,
# async-signal-safe restore from the handler).
# FTX_TEST_PAUSE_MS is ftx check's documented test hook: pause after each line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
tmp=$(mktemp -d /tmp/ftx-t-interrupt.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -INT $pid 2>/dev/null && sleep 0.1 && kill -INT $pid 2>/dev/null; rm -rf "$tmp"' EXIT

# Other tools and ftx runs may share this tracefs while we run: compare what a
# check can touch, without other processes' instances and probes.
own_snapshot() {
	tracefs_snapshot | grep -v -e '^instances:' -e '^saved_cmdlines_size:' \
		-e '^dynamic_events:' -e '^uprobe_events:' -e '^kprobe_events:'
}

# until the check of $1 printed line $2 (its changes are then in place)
wait_for_line() { wait_grep "$tmp/out" "^$2 " "$1"; }
# until ftx reached test pause point $2 (FTX_TEST_PAUSE_AT, see ftx/test-hook.h)
wait_for_point() { wait_grep "$tmp/point" "^$2\$" "$1"; }

interrupt() {	# signals... ; expected exit status [; pause point before the last signal]
	local sigs=$1 want=$2 point=${3:-} rc before after s lines n=0
	before=$(own_snapshot)
	rm -f "$tmp/out" "$tmp/err" "$tmp/point"	# not the previous run's lines
	FTX_TEST_PAUSE_MS=400 FTX_TEST_PAUSE_AT=$point FTX_TEST_PAUSE_FILE=$tmp/point \
		"$FTX" check > "$tmp/out" 2> "$tmp/err" &
	pid=$!
	# after "uprobe": the instance exists and two uprobes are defined
	wait_for_line $pid uprobe || die "[$sigs${point:+ at $point}] check never reached the uprobe line"
	[ -d "$T/instances/ftx-$pid" ] || die "[$sigs${point:+ at $point}] no instance ftx-$pid while running"
	grep -q "ftx/ftx_check_uprobe_$pid " "$T/dynamic_events" ||
		die "[$sigs${point:+ at $point}] the uprobe is not there while running"
	[ -e "/run/ftx/$pid" ] || die "[$sigs${point:+ at $point}] no journal /run/ftx/$pid while running"
	lines=$(wc -l < "$tmp/out")
	for s in $sigs; do
		n=$((n + 1))
		if [ -n "$point" ] && [ $n -gt 1 ]; then
			wait_for_point $pid "$point" || die "[$sigs $point] never reached $point"
		fi
		kill -s "$s" $pid
		sleep 0.05
	done
	wait $pid
	rc=$?
	[ $rc -eq "$want" ] || die "[$sigs${point:+ at $point}] exit $rc, expected $want ($(cat "$tmp/err"))"
	after=$(own_snapshot)
	[ "$before" = "$after" ] || die "[$sigs${point:+ at $point}] tracefs changed: $(diff <(echo "$before") <(echo "$after"))"
	[ -e "$T/instances/ftx-$pid" ] && die "[$sigs${point:+ at $point}] instance ftx-$pid left"
	grep -q "ftx/ftx_check_[a-z]*_$pid " "$T/dynamic_events" && die "[$sigs${point:+ at $point}] probes left"
	[ -e "/run/ftx/$pid" ] && die "[$sigs${point:+ at $point}] journal left: $(tr "\n" " " < "/run/ftx/$pid" | head -c 600); stderr: $(cat "$tmp/err")"
	# it stops after the capability being tried (at most one more line)
	[ "$(wc -l < "$tmp/out")" -le $((lines + 1)) ] ||
		die "[$sigs${point:+ at $point}] the check went on after the signal: $(tail -n 3 "$tmp/out")"
	echo "[$sigs${point:+ at $point}] ok: $(cat "$tmp/err")"
}

# One signal: stop, restore normally, one line on stderr, exit 1.
interrupt INT 1
grep -q '^ftx check: interrupted by SIGINT; tracefs restored$' "$tmp/err" ||
	die "unexpected message: $(cat "$tmp/err")"
interrupt TERM 1
interrupt HUP 1
# Two signals: the second restores from the handler and dies of the signal.
interrupt "INT INT" 130
# ... wherever the second lands in the normal restore: before it, between the
# restore and the instance's removal, after the journal's removal (the signal
# handler still knows the session: it was unregistered first and a second
# signal in that window left the instance and the journal)
for point in session-destroy session-rmdir session-unregister; do
	interrupt "INT INT" 130 $point
done

# The reader goes away ('ftx check | head -3'): SIGPIPE stops and restores, quietly.
mkfifo "$tmp/fifo"
"$FTX" check > "$tmp/fifo" 2> "$tmp/err" &
pid=$!
head -n 3 < "$tmp/fifo" > "$tmp/head"
wait $pid
rc=$?
pid=
[ "$(wc -l < "$tmp/head")" = 3 ] || die "[PIPE] head got: $(cat "$tmp/head")"
[ $rc -eq 1 ] || die "[PIPE] exit $rc, expected 1"
[ ! -s "$tmp/err" ] || die "[PIPE] not quiet: $(cat "$tmp/err")"
pid=$(sed -n 's/^instances .*private instance ftx-\([0-9]*\)$/\1/p' "$tmp/head")
[ -n "$pid" ] || die "[PIPE] no instance line in: $(cat "$tmp/head")"
[ -e "$T/instances/ftx-$pid" ] && die "[PIPE] instance ftx-$pid left"
[ -e "/run/ftx/$pid" ] && die "[PIPE] journal left"
pid=
echo "[PIPE] ok"
exit 0
