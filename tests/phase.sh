#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: tests/phase.sh NAME COMMAND...
# Runs COMMAND, then prints "check: NAME: <seconds>s (exit <status>)" and exits
# with COMMAND's status: make check names each of its parts' wall time, so a
# slow one is seen in CI's log.
set -u
name=${1:?usage: tests/phase.sh NAME COMMAND...}
shift
start=$(date +%s)
"$@"
st=$?
echo "check: $name: $(( $(date +%s) - start ))s (exit $st)"
exit $st
