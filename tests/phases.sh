#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: tests/phases.sh "NAME COMMAND ARGS..." ... -- NAME COMMAND...
#
# Runs the phase after -- as tests/phase.sh does, its output as it comes, and
# beside it, in the background, the phases given before --, one after another,
# each as tests/phase.sh NAME COMMAND ARGS... (words split on blanks, no
# quoting), with their output kept in a file. When the foreground phase has
# ended, waits for the others and prints each one's output, which ends in its
# own "check: NAME: Ns (exit N)" line. Exits with the foreground phase's status,
# else the first failed background phase's.
#
# make check runs its waiting phases so (KernelShark and Chromium given seconds
# to draw) beside the VM guests, which keep the CPUs busy. SIGINT or SIGTERM
# stops every phase: each runs in a session of its own (setsid), so a terminal's
# Ctrl-C reaches them through this script.
set -u
here=$(cd "$(dirname "$0")" && pwd)

# the background runner: setsid makes it the leader of its own process group
if [ "${1:-}" = --side ]; then
	logs=$2
	shift 2
	i=0 st=0
	for spec in "$@"; do
		read -r -a cmd <<< "$spec"
		"$here/phase.sh" "${cmd[@]}" > "$logs/$i.log" 2>&1 < /dev/null
		rc=$?
		[ $st != 0 ] || st=$rc
		i=$((i + 1))
	done
	exit $st
fi

sides=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	sides+=("$1")
	shift
done
[ "${1:-}" = -- ] && shift
if [ $# -lt 2 ] || [ ${#sides[@]} = 0 ]; then
	echo "usage: tests/phases.sh \"NAME COMMAND ARGS...\" ... -- NAME COMMAND..." >&2
	exit 2
fi
logs=$(mktemp -d /tmp/ftx-phases-XXXXXX) || exit 1
setsid "$0" --side "$logs" "${sides[@]}" &
side=$!
main=
stop() {
	[ -n "$main" ] && kill -TERM -- -"$main" 2> /dev/null
	kill -TERM -- -"$side" 2> /dev/null
	wait 2> /dev/null
	rm -rf "$logs"
	exit 130
}
trap stop INT TERM
# in a process group of its own too, waited for, so that a signal stops the wait
# at once and then the whole phase
setsid "$here/phase.sh" "$@" &
main=$!
wait "$main"
st=$?
main=
wait "$side"
sst=$?
for ((i = 0; i < ${#sides[@]}; i++)); do
	[ -f "$logs/$i.log" ] && cat "$logs/$i.log"
done
rm -rf "$logs"
[ $st != 0 ] || st=$sst
exit $st
