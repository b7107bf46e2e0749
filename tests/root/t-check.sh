#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx check: one line per capability, and each verdict agrees with what the
# shell finds out independently on this kernel (listing files, trying writes).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
tmp=$(mktemp -d /tmp/ftx-t-check.XXXXXX)
probe=$T/instances/ftx-t-check-$$
trap 'rmdir "$probe" 2>/dev/null; rm -rf "$tmp"' EXIT

"$FTX" check > "$tmp/out" 2> "$tmp/err" &
pid=$!
wait $pid || die "ftx check exited $?: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || die "ftx check wrote to stderr: $(cat "$tmp/err")"
cat "$tmp/out"

# status of capability NAME (the text between the name column and the reason)
status() {
	awk -v n="$1" 'substr($0, 1, 23) == sprintf("%-23s", n) {
		s = substr($0, 24); sub(/^ +/, "", s)
		if (s ~ /^not (permitted|built|supported)/) { split(s, w, " "); print w[1] " " w[2] }
		else { split(s, w, " "); print w[1] } }' "$tmp/out"
}
expect() {
	local got
	got=$(status "$1")
	[ "$got" = "$2" ] || die "'$1': expected '$2', got '${got:-no line}' ($3)"
}

# Every line is "<name> <status> <reason>" with one of the four statuses.
while IFS= read -r line; do
	s=$(printf '%s\n' "$line" | cut -c24- | sed 's/^ *//')
	case "$s" in
	ok*|"not permitted"*|"not built"*|"not supported"*) ;;
	*) die "malformed line: $line" ;;
	esac
done < "$tmp/out"
for n in kernel tracefs instances "tracer function" "tracer function_graph" tracepoints \
	 dynamic_events kprobe kretprobe uprobe uretprobe eprobe 'fetcharg $argN' \
	 "trace clocks" buffer_subbuf_size_kb lockdown perf_event_paranoid "hardware PMU" \
	 "software events"; do
	[ -n "$(status "$n")" ] || die "no line for '$n'"
done
grep -q "^kernel .* $(uname -r)\$" "$tmp/out" || die "kernel line does not show $(uname -r)"

# Independent evidence, gathered with plain shell writes in a scratch instance.
mkdir "$probe" || die "cannot create a scratch instance"
expect instances ok "mkdir in instances/ works"
expect tracepoints ok "events are listed and instances work"
if ! grep -qw function_graph "$T/available_tracers"; then
	expect "tracer function_graph" "not built" "not in available_tracers"
fi
if grep -qw function "$probe/available_tracers"; then
	if echo function 2>/dev/null > "$probe/current_tracer"; then
		echo nop > "$probe/current_tracer"
		expect "tracer function" ok "writing it works from the shell"
	else
		expect "tracer function" "not permitted" "the shell's write was refused"
		grep "^tracer function " "$tmp/out" | grep -q 'lockdown=' ||
			die "function: the reason does not name the lockdown mode"
	fi
fi
rmdir "$probe"
if [ ! -e "$T/kprobe_events" ]; then
	expect kprobe "not built" "no kprobe_events"
	expect kretprobe "not built" "no kprobe_events"
fi
if [ -e "$T/uprobe_events" ]; then
	expect uprobe ok "uprobe_events exists and root can write it"
	expect uretprobe ok "uprobe_events exists"
fi
[ -e "$T/dynamic_events" ] && expect dynamic_events ok "dynamic_events exists"
# $argN on a uprobe: the kernel's own words from error_log must be the reason
if [ ! -e "$T/kprobe_events" ] && [ -e "$T/dynamic_events" ] && grep -q 'arg<N>' "$T/README"; then
	if ! echo "p:ftxtcheck$$/a $(readlink -f /bin/true):0x0 a=\$arg1" \
		>> "$T/dynamic_events" 2>/dev/null; then
		msg=$(grep ' error: ' "$T/error_log" | tail -n 1 | sed 's/.* error: //')
		[ -n "$msg" ] || die "the shell's \$arg1 uprobe left no error_log entry"
		grep '^fetcharg \$argN ' "$tmp/out" | grep -qF -- "$msg" ||
			die "fetcharg reason is not the kernel's '$msg': $(grep '^fetcharg' "$tmp/out")"
	else
		echo "-:ftxtcheck$$/a" >> "$T/dynamic_events"
		expect 'fetcharg $argN' ok "the shell created a uprobe with \$arg1"
	fi
fi
if [ ! -e /sys/bus/event_source/devices/cpu ] && [ ! -e /sys/bus/event_source/devices/armv8_pmuv3_0 ]; then
	expect "hardware PMU" "not supported" "no cpu PMU in /sys/bus/event_source/devices"
fi
[ -e /sys/bus/event_source/devices/software ] && expect "software events" ok "software PMU listed"
subbuf_settable
case $? in
0) expect buffer_subbuf_size_kb ok "the shell set 8 KB sub-buffers in an instance" ;;
2) case $SUBBUF_WHY in
   *"not permitted"*) expect buffer_subbuf_size_kb "not permitted" "the shell's write: $SUBBUF_WHY" ;;
   esac ;;
esac
p=$(cat /proc/sys/kernel/perf_event_paranoid)
grep -q "^perf_event_paranoid .* $p " "$tmp/out" || die "perf_event_paranoid does not show $p"
# every clock listed in trace_clock is reported as working
for c in $(sed 's/[][]//g' "$T/trace_clock"); do
	grep "^trace clocks " "$tmp/out" | grep -qw -- "$c" || die "clock $c not reported"
done

# Nothing the check made is left: its instance, its probes, its journal.
[ -e "$T/instances/ftx-$pid" ] && die "instance ftx-$pid was left"
grep -q "ftx/ftx_check_[a-z]*_$pid " "$T/dynamic_events" && die "probes left: $(cat "$T/dynamic_events")"
[ -e "/run/ftx/$pid" ] && die "journal /run/ftx/$pid left"

# Usage errors exit 2 with one line.
"$FTX" check --bogus > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] || die "check --bogus exited $rc, not 2"
head -1 "$tmp/err" | grep -q "^ftx check: unknown option '--bogus'" || die "bad usage message"
exit 0
