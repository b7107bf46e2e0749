#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx list prints what trace-cmd 3.1.6's list prints on this host's tracefs
# (golden taken live from the real tool); ftx status shows what a hand-made
# instance has set (events, a filter, a pid filter, a clock) and tells an ftx
# instance of a dead pid from one of another tool.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
command -v trace-cmd >/dev/null || die "trace-cmd is not installed (scripts/deps.sh installs it)"
tmp=$(mktemp -d /tmp/ftx-t-list.XXXXXX)
other="$T/instances/other-$$"
dead=
cleanup() {
	if [ -d "$other" ]; then
		echo 0 > "$other/events/sched/sched_switch/enable" 2>/dev/null
		echo 0 > "$other/events/sched/sched_switch/filter" 2>/dev/null
		echo > "$other/set_event_pid" 2>/dev/null
		rmdir "$other" 2>/dev/null
	fi
	[ -n "$dead" ] && rmdir "$T/instances/ftx-$dead" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# 1. list: the same bytes as trace-cmd list
for args in "-e" "-t" "-o" "-C" "-e sched_sw" "-e sched:sched_wakeup" "-e sched -F" \
	    "-e sched_switch -F --full" "-e irq_handler -F --full"; do
	# shellcheck disable=SC2086
	"$FTX" list $args > "$tmp/ftx.txt" 2> "$tmp/ftx.err" || die "ftx list $args failed: $(cat "$tmp/ftx.err")"
	# shellcheck disable=SC2086
	trace-cmd list $args > "$tmp/tc.txt" 2>/dev/null
	[ -s "$tmp/tc.txt" ] || die "trace-cmd list $args printed nothing"
	cmp -s "$tmp/ftx.txt" "$tmp/tc.txt" || {
		diff "$tmp/ftx.txt" "$tmp/tc.txt" | head -n 10
		die "ftx list $args differs from trace-cmd list $args"
	}
	echo "ok: list $args ($(wc -l < "$tmp/ftx.txt") lines)"
done
# without options: trace-cmd's sections, in its order
"$FTX" list > "$tmp/all.txt" || die "ftx list failed"
[ "$(grep -x -e 'event systems:' -e 'events:' -e 'tracers:' -e 'options:' \
	-e 'Supported compression algorithms:' "$tmp/all.txt" | tr '\n' '|')" = \
  "event systems:|events:|tracers:|options:|Supported compression algorithms:|" ] ||
	die "ftx list: sections not as trace-cmd list's"
# a listing the kernel refuses says why in one line
if ! cat "$T/available_filter_functions" > /dev/null 2>&1; then
	"$FTX" list -f > /dev/null 2> "$tmp/f.err" && die "ftx list -f succeeded where reading is refused"
	grep -q "cannot read .*available_filter_functions: not permitted" "$tmp/f.err" ||
		die "ftx list -f: no reason: $(cat "$tmp/f.err")"
	echo "ok: list -f refused: $(cat "$tmp/f.err")"
fi

# 2. status: a hand-made instance and a dead ftx's instance
mkdir "$other" || die "cannot create $other"
echo 1 > "$other/events/sched/sched_switch/enable"
echo 'prev_pid == 0' > "$other/events/sched/sched_switch/filter"
echo $$ > "$other/set_event_pid"
echo global > "$other/trace_clock"
true & dead=$!
wait $dead
mkdir "$T/instances/ftx-$dead" || die "cannot create ftx-$dead"
"$FTX" status > "$tmp/st.txt" 2> "$tmp/st.err" || die "ftx status failed: $(cat "$tmp/st.err")"
grep -q "^Top level: $T$" "$tmp/st.txt" || die "no top level section"
grep -q "^  other-$$ (not ftx's)$" "$tmp/st.txt" || die "other-$$ not listed as not ftx's"
grep -q "^  ftx-$dead (ftx, pid $dead gone: 'ftx reset' removes it)$" "$tmp/st.txt" ||
	die "ftx-$dead not listed as a dead ftx run's"
"$FTX" status -B "other-$$" > "$tmp/one.txt" || die "ftx status -B failed"
for want in "Instance: other-$$ (not ftx's)" "  sched:sched_switch" \
	    "  sched:sched_switch  prev_pid == 0" "  $$" "Clock: global" "Tracing is enabled"; do
	grep -qxF -- "$want" "$tmp/one.txt" || { cat "$tmp/one.txt"; die "status -B: no line '$want'"; }
done
grep -qx "Event pid filter (set_event_pid):" "$tmp/one.txt" || die "status -B: no pid filter"
# the instance part of the full status is the same as -B's
sed -n "/^Instance: other-$$/,/^Instance: /p" "$tmp/st.txt" | grep -q "prev_pid == 0" ||
	die "full status misses the instance's filter"
"$FTX" status -B nosuch-$$ > /dev/null 2>&1 && die "status -B of a missing instance succeeded"
"$FTX" status --top | grep -q "^Instance: " && die "status --top shows instances"
echo "ok: status"
exit 0
