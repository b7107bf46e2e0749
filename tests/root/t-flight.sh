#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The flight recorder: ftx start leaves the instance ftx-flight tracing in
# overwrite mode after it exits (settings as documented, a journal for the
# top-level change), refuses a second one; ftx extract writes what it holds
# as a trace.dat trace-cmd reads cleanly, keeps the newest events when the
# buffer wrapped, and leaves it running; ftx status names it; ftx stop and
# ftx reset remove it and restore saved_cmdlines_size; a failed start leaves
# nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
command -v trace-cmd >/dev/null || die "trace-cmd is not installed (scripts/deps.sh installs it)"
tmp=$(mktemp -d /tmp/ftx-t-flight.XXXXXX)
I="$T/instances/ftx-flight"
cleanup() {
	[ -d "$I" ] && "$FTX" stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -d "$I" ] && die "a flight recording runs already on this machine"
cmdlines=$(cat "$T/saved_cmdlines_size")
journals() { grep -l '^instance ftx-flight$' /run/ftx/* 2>/dev/null; }
[ -z "$(journals)" ] || die "a flight recorder journal is left from before"

# 1. start: the instance as documented, no ftx process left
"$FTX" start -e sched:sched_switch -e sched:sched_wakeup -b 64 > "$tmp/start" 2>&1 ||
	{ cat "$tmp/start"; die "ftx start failed"; }
grep -q "flight recorder on in instances/ftx-flight" "$tmp/start" || die "start said: $(cat "$tmp/start")"
[ -d "$I" ] || die "no instance ftx-flight after ftx start"
[ "$(cat "$I/tracing_on")" = 1 ] || die "tracing is off in ftx-flight"
[ "$(cat "$I/options/overwrite")" = 1 ] || die "ftx-flight is not in overwrite mode"
kb=$(cat "$I/buffer_size_kb")
[ "$kb" -ge 64 ] && [ "$kb" -lt 100 ] || die "buffer_size_kb after -b 64: $kb"
[ "$(cat "$I/events/sched/sched_switch/enable")" = 1 ] || die "sched_switch not enabled"
[ "$(cat "$I/events/sched/sched_wakeup/enable")" = 1 ] || die "sched_wakeup not enabled"
[ "$(cat "$I/events/irq/enable")" = 0 ] || die "irq enabled, not asked for"
[ "$(cat "$T/saved_cmdlines_size")" -ge 32768 ] || die "saved_cmdlines_size not raised"
[ -n "$(journals)" ] || die "no journal names ftx-flight"

# 2. one at a time
"$FTX" start -e sched > "$tmp/second" 2>&1 && die "a second ftx start succeeded"
grep -q "running already" "$tmp/second" || die "second start said: $(cat "$tmp/second")"
[ "$(cat "$I/events/sched/sched_wakeup/enable")" = 1 ] || die "the second start changed the first"

# 3. extract: a trace.dat trace-cmd reads, tracing goes on
for i in $(seq 1 20); do sleep 0.01; done
"$FTX" extract -o "$tmp/a.dat" > "$tmp/ex" 2>&1 || { cat "$tmp/ex"; die "extract failed"; }
grep -q "wrote $tmp/a.dat" "$tmp/ex" || die "extract said: $(cat "$tmp/ex")"
trace-cmd report "$tmp/a.dat" > "$tmp/a.txt" 2> "$tmp/a.err" || die "trace-cmd report a.dat failed"
[ -s "$tmp/a.err" ] && die "trace-cmd report a.dat: $(head -3 "$tmp/a.err")"
grep -q "sched_switch:" "$tmp/a.txt" || die "no sched_switch in the extract"
grep -q -e "irq_handler" -e "sys_enter" "$tmp/a.txt" && die "events that were not enabled"
[ "$(cat "$I/tracing_on")" = 1 ] || die "extract stopped tracing"
[ -d "$I" ] || die "extract removed the instance"

# 4. a wrapped buffer: the oldest pages went, the newest are in the file
for i in $(seq 1 1500); do sleep 0.001; done
echo "ftx-flight-newest-$$" > "$I/trace_marker"
over=0
for c in "$I"/per_cpu/cpu*/stats; do
	o=$(sed -n 's/^overrun: //p' "$c"); over=$((over + o))
done
[ "$over" -gt 0 ] || die "the 64 KB buffer never wrapped (overrun 0)"
"$FTX" extract -q -o "$tmp/b.dat" --file-version 7 > "$tmp/ex2" 2>&1 || die "extract 2: $(cat "$tmp/ex2")"
[ -s "$tmp/ex2" ] && die "extract -q said: $(cat "$tmp/ex2")"
trace-cmd report "$tmp/b.dat" > "$tmp/b.txt" 2> "$tmp/b.err" || die "trace-cmd report b.dat failed"
[ -s "$tmp/b.err" ] && die "trace-cmd report b.dat: $(head -3 "$tmp/b.err")"
grep -q "ftx-flight-newest-$$" "$tmp/b.txt" || die "the newest event is not in the extract"
head -c 256 "$tmp/b.dat" | grep -a -q zstd || die "--file-version 7 is not zstd-compressed"

# 5. status names it
"$FTX" status > "$tmp/status" 2>&1 || die "ftx status failed"
grep -q "ftx-flight.*flight recorder" "$tmp/status" || die "status: $(grep -i flight "$tmp/status")"

# 6. stop: instance and journal gone, saved_cmdlines_size restored
"$FTX" stop > "$tmp/stop" 2>&1 || die "ftx stop failed: $(cat "$tmp/stop")"
grep -q "^removed instance ftx-flight$" "$tmp/stop" || die "stop said: $(cat "$tmp/stop")"
[ -d "$I" ] && die "ftx stop left ftx-flight"
[ "$(cat "$T/saved_cmdlines_size")" = "$cmdlines" ] || die "saved_cmdlines_size not restored"
[ -z "$(journals)" ] || die "ftx stop left the journal $(journals)"
"$FTX" stop > "$tmp/stop2" 2>&1 && die "a second ftx stop succeeded"
grep -q "no flight recording is running" "$tmp/stop2" || die "stop 2 said: $(cat "$tmp/stop2")"
"$FTX" extract -o "$tmp/c.dat" > "$tmp/ex3" 2>&1 && die "extract without a flight recorder succeeded"
grep -q "no flight recording is running" "$tmp/ex3" || die "extract said: $(cat "$tmp/ex3")"
[ -e "$tmp/c.dat" ] && die "extract without a recorder wrote a file"

# 7. reset ends it too
"$FTX" start -q -e sched:sched_switch > "$tmp/start2" 2>&1 || die "start 2: $(cat "$tmp/start2")"
[ -s "$tmp/start2" ] && die "start -q said: $(cat "$tmp/start2")"
"$FTX" reset > "$tmp/reset" 2>&1 || die "ftx reset failed: $(cat "$tmp/reset")"
grep -q "removed instance ftx-flight (the flight recorder)" "$tmp/reset" || die "reset: $(cat "$tmp/reset")"
[ -d "$I" ] && die "ftx reset left ftx-flight"
[ "$(cat "$T/saved_cmdlines_size")" = "$cmdlines" ] || die "reset did not restore saved_cmdlines_size"
[ -z "$(journals)" ] || die "ftx reset left the journal"

# 8. a start that fails leaves nothing
"$FTX" start -e sched:no_such_event_ftx > "$tmp/bad" 2>&1 && die "start with a bad event succeeded"
grep -q "no_such_event_ftx" "$tmp/bad" || die "bad start said: $(cat "$tmp/bad")"
[ -d "$I" ] && die "a failed start left ftx-flight"
[ "$(cat "$T/saved_cmdlines_size")" = "$cmdlines" ] || die "a failed start left saved_cmdlines_size"
[ -z "$(journals)" ] || die "a failed start left a journal"
"$FTX" start 2>&1 | grep -q "nothing to record" || die "start without events"
echo "flight recorder: start, extract (overrun $over), status, stop, reset, failures"
