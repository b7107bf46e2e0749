# SPDX-License-Identifier: GPL-2.0
# vm-requires: check reset
#
# ftx check on a stock kernel, where this project's host lacks things: function
# and function_graph tracers, kprobes, $argN. The guest also gathers its own
# evidence with plain shell writes; check.check compares the two on the host.
set -u
snap() {
	ls "$TRACEFS/instances"
	cat "$TRACEFS/current_tracer" "$TRACEFS/trace_clock" "$TRACEFS/dynamic_events" \
		"$TRACEFS/tracing_on" 2>/dev/null
}
snap > before
# Once, as JSON: under TCG, enabling the function tracers (code patching) is
# slow, and the text table is tested on the host.
start=$(date +%s)
"$FTX" check --json > check.json 2> check.err
echo $? > check.rc
echo $(($(date +%s) - start)) > check.seconds
snap > after
"$FTX" reset > reset.txt 2>&1
echo $? > reset.rc

# independent evidence
cat "$TRACEFS/available_tracers" > available_tracers
[ -e "$TRACEFS/kprobe_events" ] && echo yes > kprobe_events || echo no > kprobe_events
[ -e "$TRACEFS/uprobe_events" ] && echo yes > uprobe_events || echo no > uprobe_events
mkdir "$TRACEFS/instances/shell-probe" 2>/dev/null
# one function only: patching them all takes minutes under TCG
echo vfs_read > "$TRACEFS/instances/shell-probe/set_ftrace_filter" 2>/dev/null
echo vfs_read > "$TRACEFS/set_ftrace_filter" 2>/dev/null
for t in function function_graph; do
	if echo "$t" > "$TRACEFS/instances/shell-probe/current_tracer" 2>/dev/null; then
		echo "$t ok"
	elif echo "$t" > "$TRACEFS/current_tracer" 2>/dev/null; then
		echo "$t top-ok"
	else
		echo "$t refused"
	fi
	echo nop > "$TRACEFS/instances/shell-probe/current_tracer" 2>/dev/null
	echo nop > "$TRACEFS/current_tracer" 2>/dev/null
done > tracers-by-shell
echo > "$TRACEFS/set_ftrace_filter" 2>/dev/null
rmdir "$TRACEFS/instances/shell-probe" 2>/dev/null
if echo 'p:shellprobe/vr vfs_read' >> "$TRACEFS/kprobe_events" 2>/dev/null; then
	echo ok > kprobe-by-shell
	echo 'p:shellprobe/arg vfs_read a=$arg1' >> "$TRACEFS/kprobe_events" 2>/dev/null &&
		echo ok > arg-by-shell || echo refused > arg-by-shell
	echo '-:shellprobe/arg' >> "$TRACEFS/kprobe_events" 2>/dev/null
	echo '-:shellprobe/vr' >> "$TRACEFS/kprobe_events" 2>/dev/null
else
	echo refused > kprobe-by-shell
fi
exit 0
