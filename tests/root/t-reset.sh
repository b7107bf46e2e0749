#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx reset removes what dead ftx processes left (a SIGKILLed check, an
# instance ftx-<deadpid>, a stray probe in group ftx*) and nothing else: not
# an instance named "other", not a probe of another group, not what a live
# ftx process is using.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
tmp=$(mktemp -d /tmp/ftx-t-reset.XXXXXX)
live=
cleanup() {
	[ -n "$live" ] && kill -INT "$live" 2>/dev/null && wait "$live" 2>/dev/null
	rmdir "$T/instances/other-$$" 2>/dev/null
	echo "-:ftxtest_other$$/keep" >> "$T/dynamic_events" 2>/dev/null
	echo "-:keep$$/keep" >> "$T/dynamic_events" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# Others may share this tracefs: compare what ftx check and this test touch.
own_snapshot() {
	tracefs_snapshot | grep -v -e '^instances:' -e '^saved_cmdlines_size:' \
		-e '^dynamic_events:' -e '^uprobe_events:' -e '^kprobe_events:'
	grep -e "keep$$" "$T/dynamic_events" 2>/dev/null
}
before=$(own_snapshot)

wait_for_line() {
	local i
	for i in $(seq 1 200); do
		grep -q "^$3 " "$2" 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# 1. a SIGKILLed check leaves its instance, probes and journal behind
FTX_TEST_PAUSE_MS=400 "$FTX" check > "$tmp/killed" 2>&1 &
dead=$!
wait_for_line $dead "$tmp/killed" uretprobe || die "check never reached uretprobe"
kill -KILL $dead
wait $dead 2>/dev/null
[ -d "$T/instances/ftx-$dead" ] || die "SIGKILL left no instance to reset?"
grep -q "ftx/ftx_check_uprobe_$dead " "$T/dynamic_events" || die "SIGKILL left no probe to reset?"
[ -e "/run/ftx/$dead" ] || die "SIGKILL left no journal?"

# 2. a hand-made instance of a dead pid, and things that are not ours
sleep 0 & stale=$!
wait $stale
mkdir "$T/instances/ftx-$stale" || die "mkdir ftx-$stale"
mkdir "$T/instances/other-$$" || die "mkdir other-$$"
bin=$(readlink -f /bin/true)
echo "p:keep$$/keep $bin:0x0" >> "$T/dynamic_events" 2>/dev/null ||
	echo "p:keep$$/keep $bin:0x10" >> "$T/dynamic_events" || die "cannot add a foreign probe"

# 3. a live ftx, in the middle of its check
FTX_TEST_PAUSE_MS=2000 "$FTX" check > "$tmp/live" 2>&1 &
live=$!
wait_for_line $live "$tmp/live" instances || die "live check did not start"

"$FTX" reset > "$tmp/reset" 2>&1 || die "ftx reset failed: $(cat "$tmp/reset")"
cat "$tmp/reset"
grep -qx "removed instance ftx-$dead (pid $dead is gone)" "$tmp/reset" || die "ftx-$dead not reported"
grep -qx "removed instance ftx-$stale (pid $stale is gone)" "$tmp/reset" || die "ftx-$stale not reported"
grep -qx "removed dynamic event ftx/ftx_check_uprobe_$dead (ftx pid $dead)" "$tmp/reset" ||
	die "the probe of the killed check not reported"
grep -qx "removed journal /run/ftx/$dead" "$tmp/reset" || die "journal not reported"
[ -d "$T/instances/ftx-$dead" ] && die "ftx-$dead still there"
[ -d "$T/instances/ftx-$stale" ] && die "ftx-$stale still there"
grep -q "_$dead " "$T/dynamic_events" && die "killed check's probes still there"
[ -e "/run/ftx/$dead" ] && die "journal still there"
[ -d "$T/instances/other-$$" ] || die "reset removed instance other-$$"
grep -q "keep$$/keep" "$T/dynamic_events" || die "reset removed a probe of another group"
[ -d "$T/instances/ftx-$live" ] || die "reset removed the live check's instance"
grep -q "other-$$\|keep$$\|ftx-$live" "$tmp/reset" && die "reset reported what it must not touch"

# the live check carries on and cleans up itself
kill -INT $live
wait $live
[ -d "$T/instances/ftx-$live" ] && die "live check left its instance"
live=

# 4. nothing left: says so
rmdir "$T/instances/other-$$"
echo "-:keep$$/keep" >> "$T/dynamic_events"
"$FTX" reset > "$tmp/reset2" 2>&1 || die "second reset failed"
grep -q "ftx-$dead\|ftx-$stale" "$tmp/reset2" && die "second reset found leftovers again"
after=$(own_snapshot)
[ "$before" = "$after" ] || die "tracefs changed: $(diff <(echo "$before") <(echo "$after"))"
exit 0
