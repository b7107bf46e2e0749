#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx profile -- COMMAND records function_graph first: where the kernel lacks
# it, one line says so, nothing is written or left, exit 1; where it has it,
# the profile lists the traced function (the VM scenario profile.sh checks
# the numbers against trace-cmd).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
T=$(ftx_tracefs_dir) || die "no tracefs"
tmp=$(mktemp -d /tmp/ftx-t-profile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

before=$(ls /tmp/ftx-profile-*.dat 2>/dev/null)
"$FTX" profile -g do_sys_openat2 -- ls / > "$tmp/out" 2> "$tmp/err"
rc=$?
if ! grep -qw function_graph "$T/available_tracers"; then
	[ $rc -eq 1 ] || die "exit $rc, want 1"
	[ "$(cat "$tmp/err")" = "ftx profile: function_graph tracer: not built into this kernel" ] ||
		die "got: $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || die "printed a profile: $(head -3 "$tmp/out")"
	echo "refused: $(cat "$tmp/err")"
else
	[ $rc -eq 0 ] || die "exit $rc: $(tail -3 "$tmp/err")"
	grep -q ' do_sys_openat2$' "$tmp/out" || die "no do_sys_openat2 row: $(head -5 "$tmp/out")"
fi
[ "$(ls /tmp/ftx-profile-*.dat 2>/dev/null)" = "$before" ] || die "left a temporary recording"
# usage errors: no recording without a command, no file with one
"$FTX" profile -g x > /dev/null 2>&1; [ $? -eq 2 ] || die "-g without a command: not a usage error"
"$FTX" profile -i x.dat -- true > /dev/null 2>&1; [ $? -eq 2 ] || die "-i with a command: not a usage error"
exit 0
