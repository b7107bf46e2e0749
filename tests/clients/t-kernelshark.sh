#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# KernelShark (Debian's 2.2.1) as a real client: ftx-written files — tracepoints,
# function_graph and kprobes, trace.dat v7 zstd and v6 (ftx convert of the
# fixtures) — are opened under Xvfb as an unprivileged user (as root KernelShark
# stops at a dialog); each must load without an error and draw its CPU plots
# (a screenshot with the task colours, saved as build/kernelshark/NAME.png).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
FTX=${FTX:-$top/build/ftx}
out=${KS_OUT:-$top/build/kernelshark}
die() { echo "FAIL: $*" >&2; exit 1; }
for t in kernelshark Xvfb xwd python3; do
	command -v $t >/dev/null || { echo "SKIP: kernelshark client test: $t missing (scripts/deps.sh installs kernelshark, xvfb, x11-apps)"; exit 0; }
done
tmp=$(mktemp -d /tmp/ftx-ks.XXXXXX)
chmod 755 "$tmp"
xpid= kpid=
cleanup() {
	[ -n "$kpid" ] && kill "$kpid" 2>/dev/null
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$out"

# an unprivileged user: nobody when we are root
as_user() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}
home=$tmp/home
mkdir -m 700 "$home"
[ "$(id -u)" = 0 ] && chown nobody "$home"

# a free display number
for d in $(seq 90 120); do [ -e /tmp/.X$d-lock ] || break; done
Xvfb :$d -screen 0 1280x800x24 -nolisten tcp > "$tmp/xvfb.log" 2>&1 &
xpid=$!
sleep 2
kill -0 $xpid 2>/dev/null || die "Xvfb :$d did not start: $(cat "$tmp/xvfb.log")"

fx=$top/tests/fixtures/linux-6.1-amd64
pass=0
for spec in "tracepoints:sched_syscalls.v7:7" "tracepoints-v6:sched_syscalls.v7:6" \
	    "function_graph:fgraph_openat2.v6:7" "kprobes:kprobe_openat2.v6:7"; do
	IFS=: read -r name src ver <<< "$spec"
	f=$tmp/$name.dat
	"$FTX" convert -i "$fx/$src.dat" -o "$f" --file-version "$ver" || die "ftx convert $src failed"
	chmod 644 "$f"
	as_user env HOME="$home" XDG_RUNTIME_DIR="$home" DISPLAY=:$d kernelshark "$f" \
		> "$tmp/$name.log" 2>&1 &
	kpid=$!
	# KernelShark loads, then draws; give it time under load
	for i in $(seq 1 30); do
		sleep 1
		grep -q "ERROR" "$tmp/$name.log" && break
		[ $i -ge 8 ] && break
	done
	kill -0 $kpid 2>/dev/null || die "$name: kernelshark exited: $(cat "$tmp/$name.log")"
	DISPLAY=:$d xwd -root -silent -out "$tmp/$name.xwd" || die "$name: xwd failed"
	kill $kpid 2>/dev/null
	wait $kpid 2>/dev/null
	kpid=
	coloured=$(python3 "$here/xwd2png.py" "$tmp/$name.xwd" "$out/$name.png" count) ||
		die "$name: cannot convert the screenshot"
	grep -q "ERROR" "$tmp/$name.log" && die "$name: kernelshark: $(grep ERROR "$tmp/$name.log" | head -2)"
	grep -q "Loading" "$tmp/$name.log" || die "$name: kernelshark never loaded the file"
	[ "$coloured" -gt 3000 ] || die "$name: no CPU plots on the screenshot ($coloured coloured pixels; $out/$name.png)"
	echo "ok: kernelshark $name (v$ver): $coloured coloured pixels, $out/$name.png"
	pass=$((pass + 1))
done
echo "kernelshark: $pass files opened"
