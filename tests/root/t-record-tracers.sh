#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx record -p: where the kernel refuses or lacks a tracer, one exact line,
# exit 1, and nothing changed (run.sh compares tracefs before and after).
# Where the kernel allows the function tracer, a real recording instead.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
tmp=$(mktemp -d /tmp/ftx-t-rtr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# function_graph: absent from available_tracers means not built
if ! grep -qw function_graph "$T/available_tracers"; then
	"$FTX" record -p function_graph -g do_sys_openat2 -O funcgraph-proc -o "$tmp/g.dat" ls \
		> "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ $rc -eq 1 ] || die "function_graph: exit $rc, want 1"
	grep -qx "ftx record: function_graph tracer: not built into this kernel" "$tmp/err" ||
		die "function_graph: got: $(cat "$tmp/err")"
	[ ! -e "$tmp/g.dat" ] || die "function_graph: wrote a file"
	echo "function_graph refused: $(cat "$tmp/err")"
fi

# function: is it refused here? ask the kernel directly in a scratch instance
inst=$T/instances/ftx-t-rtr-$$
mkdir "$inst" || die "cannot create $inst"
if echo function > "$inst/current_tracer" 2>/dev/null; then
	echo nop > "$inst/current_tracer"
	rmdir "$inst"
	"$FTX" record -q -p function -l 'vfs_*' -o "$tmp/f.dat" cat /etc/hostname ||
		die "record -p function failed"
	"$FTX" report -i "$tmp/f.dat" | grep -q 'vfs_read' || die "no vfs_read in the trace"
	echo "function tracer recorded"
	exit 0
fi
rmdir "$inst"
# securityfs may not be mounted: read it in a private mount namespace, made
# private from /sys down ("/" need not be a mount point: in a chroot, as in
# scripts/fresh-machine.sh, unshare's default --propagation private fails)
lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null ||
	unshare -m --propagation unchanged sh -c 'mount --make-rprivate /sys &&
		mount -t securityfs none /sys/kernel/security &&
		cat /sys/kernel/security/lockdown' 2>/dev/null)
mode=$(printf '%s\n' "$lockdown" | sed -n 's/.*\[\(.*\)\].*/\1/p')
"$FTX" record -p function -o "$tmp/f.dat" true > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] || die "function: exit $rc, want 1"
if [ -n "$mode" ] && [ "$mode" != none ]; then
	want="ftx record: function tracer: current_tracer: not permitted: the kernel is locked down (lockdown=$mode)"
else
	want="ftx record: function tracer: current_tracer: not permitted by this kernel"
fi
grep -qxF "$want" "$tmp/err" || die "function: got '$(cat "$tmp/err")', want '$want'"
[ ! -e "$tmp/f.dat" ] || die "function: wrote a file"
echo "function refused: $(cat "$tmp/err")"

# an unreadable function list is said, then the kernel's refusal
"$FTX" record -p function -l 'vfs_*' -o "$tmp/f.dat" true > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] || die "function -l: want exit 1"
grep -q "set_ftrace_filter: not permitted" "$tmp/err" || die "function -l: got $(cat "$tmp/err")"
exit 0
