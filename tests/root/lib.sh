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

# subbuf_settable: does the kernel let a new instance's sub-buffers be 8 KB?
# 0 yes; 1 no buffer_subbuf_size_kb (before 6.8); 2 the write refused (a
# lockdown may: this host's 6.18.44 says EPERM), $SUBBUF_WHY the shell's error
subbuf_settable()
{
	local T d rc=0
	T=$(ftx_tracefs_dir) || return 1
	[ -e "$T/buffer_subbuf_size_kb" ] || return 1
	d=$T/instances/ftx-t-subbuf-$$
	mkdir "$d" 2>/dev/null || { SUBBUF_WHY="cannot make an instance"; return 2; }
	SUBBUF_WHY=$( { echo 8 > "$d/buffer_subbuf_size_kb"; } 2>&1 ) || rc=2
	rmdir "$d"
	return $rc
}

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
