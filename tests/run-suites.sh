#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: tests/run-suites.sh [-j N] [--logs DIR] [--sanitizer-logs DIR] [--first "S1 S2..."]
#                            [--] COMMAND...
#
# Runs the unit suite one Check suite per process, N processes at a time
# (default: the number of CPUs), each as CK_RUN_SUITE=<suite> COMMAND, from
# tests/. COMMAND is the test binary, or a wrapper with the binary last
# (valgrind ... build/ftx-test). The suites are those of tests/test-*.c (each
# file's suite is named as the file, without "test-"). Each suite's output goes
# to DIR/<suite>.log (default: a temporary directory, removed at the end) and
# is printed when the suite fails.
#
# A suite fails when its process exits non-zero (a failed check, valgrind's
# --error-exitcode, a sanitizer abort), when it ran no check at all (a suite
# the binary does not know), or, with --sanitizer-logs DIR, when a sanitizer
# wrote a report: each suite then runs with ASan's and UBSan's log_path in
# DIR/<suite>/ (appended to ASAN_OPTIONS and UBSAN_OPTIONS; the last setting
# wins), the ftx processes it starts included, and tests/sanitizer-reports.sh
# judges that directory.
#
# The slowest suites of the last run in DIR (DIR/times) start first; without
# one (a fresh clone), those --first names, then the others. Prints
# one line per suite as it ends, then a Check-style total and the failed
# suites by name; exits 1 if any failed. SUITES="a b" in the environment runs
# only those suites (make check-asan SUITES=..., check-mem SUITES=...).
#
# The whole script is one function, read before it runs, so editing this file
# does not disturb a run in progress.
set -u
main()
{
here=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 1)
logs= san= first=
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--logs) logs=$2; shift 2 ;;
	--sanitizer-logs) san=$2; shift 2 ;;
	--first) first=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run-suites: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -eq 0 ] || ! [ "$jobs" -ge 1 ] 2>/dev/null; then
	echo "usage: tests/run-suites.sh [-j N] [--logs DIR] [--sanitizer-logs DIR] [--first \"S1 S2...\"] [--] COMMAND..." >&2
	exit 2
fi
keep=1
if [ -z "$logs" ]; then
	logs=$(mktemp -d /tmp/ftx-suites-XXXXXX) || exit 1
	keep=0
fi
mkdir -p "$logs" || exit 1
logs=$(cd "$logs" && pwd)

suites=()
if [ -n "${SUITES:-}" ]; then
	for s in $SUITES; do
		[ -e "$here/test-$s.c" ] || { echo "run-suites: no suite '$s' (tests/test-$s.c)" >&2; exit 2; }
		suites+=("$s")
	done
else
	for f in "$here"/test-*.c; do
		n=${f##*/test-}
		suites+=("${n%.c}")
	done
fi
# the slowest first (times of the last run here, else the --first ones)
if [ -s "$logs/times" ]; then
	mapfile -t suites < <(
		for s in "${suites[@]}"; do
			t=$(awk -v s="$s" '$1 == s { print $2 }' "$logs/times")
			echo "${t:-0} $s"
		done | sort -k1,1nr -k2,2 | cut -d' ' -f2)
elif [ -n "$first" ]; then
	mapfile -t suites < <(
		for s in "${suites[@]}"; do
			r=1000 i=0
			for f in $first; do
				[ "$f" = "$s" ] && r=$i
				i=$((i + 1))
			done
			echo "$r $s"
		done | sort -k1,1n -k2,2 | cut -d' ' -f2)
fi

# one suite: its log, exit status and seconds in $logs/<suite>.{log,rc,sec}
run_one()
{
	local s=$1 start end rc
	shift
	start=$(date +%s.%N)
	(
		cd "$here" || exit 1
		if [ -n "$san" ]; then
			rm -rf "$san/$s" && mkdir -p "$san/$s" || exit 1
			export ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=$san/$s/asan"
			export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:log_path=$san/$s/ubsan"
		fi
		CK_RUN_SUITE=$s exec "$@"
	) >"$logs/$s.log" 2>&1 </dev/null
	rc=$?
	end=$(date +%s.%N)
	echo "$rc" >"$logs/$s.rc"
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }' >"$logs/$s.sec"
}

# Check's summary line of a log: "<pct>%: Checks: N, Failures: F, Errors: E"
summary()
{
	grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$1" | tail -n 1
}

checks=0 failures=0 errors=0 failed=()
report()
{
	local s=$1 rc sum why= n f e reports
	rc=$(cat "$logs/$s.rc")
	sum=$(summary "$logs/$s.log")
	if [ -n "$sum" ]; then
		read -r n f e < <(echo "$sum" | sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/')
		checks=$((checks + n)) failures=$((failures + f)) errors=$((errors + e))
	fi
	if [ "$rc" != 0 ]; then
		why="exit $rc"
	elif [ -z "$sum" ] || [ "$n" = 0 ]; then
		why="no check ran"
	fi
	if [ -n "$san" ] && ! reports=$("$here/sanitizer-reports.sh" "$san/$s"); then
		why="${why:+$why, }sanitizer report"
	fi
	echo "  $s: ${sum:-no summary} ($(cat "$logs/$s.sec") s)${why:+ FAILED: $why}"
	if [ -n "$why" ]; then
		failed+=("$s")
		grep -v -E '^(Running suite|[0-9]+%: Checks)' "$logs/$s.log" | head -n 200 | sed 's/^/    /'
		[ -n "${reports:-}" ] && printf '%s\n' "$reports" | sed 's/^/    /'
	fi
	[ -n "$san" ] && rmdir "$san/$s" 2>/dev/null
	echo "$s $(cat "$logs/$s.sec")" >>"$logs/times.new"
}

echo "Running ${#suites[@]} suites, $jobs at a time: $*"
rm -f "$logs/times.new" "$logs"/*.rc
declare -A pid_suite=()
next=0 running=0
while [ $next -lt ${#suites[@]} ] || [ $running -gt 0 ]; do
	while [ $running -lt "$jobs" ] && [ $next -lt ${#suites[@]} ]; do
		run_one "${suites[$next]}" "$@" &
		pid_suite[$!]=${suites[$next]}
		next=$((next + 1)) running=$((running + 1))
	done
	wait -n -p done_pid
	running=$((running - 1))
	report "${pid_suite[$done_pid]}"
	unset "pid_suite[$done_pid]"
done
# a partial run keeps the other suites' times
[ -z "${SUITES:-}" ] && mv -f "$logs/times.new" "$logs/times"
rm -f "$logs/times.new"

pct=100
[ $checks -gt 0 ] && pct=$(( (checks - failures - errors) * 100 / checks ))
echo "$pct%: Checks: $checks, Failures: $failures, Errors: $errors (${#suites[@]} suites)"
[ $keep = 0 ] && rm -rf "$logs"
if [ ${#failed[@]} -gt 0 ]; then
	echo "failed suites: ${failed[*]}"
	exit 1
fi
exit 0
}

main "$@"
exit $?
