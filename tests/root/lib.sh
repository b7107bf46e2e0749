# SPDX-License-Identifier: GPL-2.0
# Helpers for tests/root/t-*.sh (sourced).

ftx_tracefs_dir()
{
	local d
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -e "$d/trace" ]; then echo "$d"; return 0; fi
	done
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null && { echo /sys/kernel/tracing; return 0; }
	return 1
}

# What a test must leave as it found it.
tracefs_snapshot()
{
	local T f
	T=$(ftx_tracefs_dir) || return 0
	echo "instances: $(ls "$T/instances" 2>/dev/null | tr '\n' ' ')"
	for f in current_tracer tracing_on buffer_size_kb trace_clock set_event \
		 dynamic_events kprobe_events uprobe_events set_event_pid \
		 saved_cmdlines_size tracing_cpumask buffer_percent events/enable; do
		[ -r "$T/$f" ] && echo "$f: $(cat "$T/$f" 2>/dev/null | tr '\n' ' ')"
	done
	echo "options: $(cat "$T/trace_options" 2>/dev/null | tr '\n' ' ')"
}

die() { echo "$*" >&2; exit 1; }

# wait_grep FILE PATTERN PID: until FILE has a line matching PATTERN (grep -E);
# fails at once when PID is gone, after 10 s otherwise
wait_grep()
{
	local i
	for i in $(seq 1 500); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}
