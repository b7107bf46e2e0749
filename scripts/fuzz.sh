#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: build the libFuzzer target for the trace.dat reader with ASan and
# UBSan (Debian's clang) and run it. Seeds are shrunk copies of the real
# fixtures (tests/fuzz/mkseeds.py), also converted to v7 zstd/zlib by
# trace-cmd. Inputs that crashed once are kept in tests/fuzz/regress/ and are
# replayed first; the unit suite replays them too. Leaks are left to
# valgrind (make check-mem): libtraceevent leaks on some malformed formats.
#
#   FUZZ_SECONDS=600 (default) make fuzz
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/fuzz
secs=${FUZZ_SECONDS:-600}

missing=()
for p in clang libclang-rt-14-dev python3 trace-cmd; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "fuzz.sh: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >/dev/null
fi
scripts/deps.sh --build-only

mkdir -p "$out/obj" "$out/seeds" "$out/corpus" "$out/crashes"
flags="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
	-std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -Ibuild/gen -Ibuild/libperf/include
	$(pkg-config --cflags libtracefs libtraceevent)"
objs=()
for src in src/lib/*/*.c; do
	o=$out/obj/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	clang $flags -c "$src" -o "$o"
	objs+=("$o")
done
# shellcheck disable=SC2086
clang $flags -fsanitize=fuzzer tests/fuzz/fuzz-tracedat.c "${objs[@]}" -o "$out/fuzz-tracedat" \
	build/libperf/lib/libperf.a build/libperf/lib/libapi.a \
	$(pkg-config --libs libtracefs libtraceevent libzstd zlib) -lelf

python3 tests/fuzz/mkseeds.py "$out/seeds" tests/fixtures/*/*.v6.dat
for f in "$out"/seeds/*kprobe*.v6.dat; do
	for c in zstd zlib; do
		trace-cmd convert -i "$f" -o "${f%.v6.dat}.v7-$c.dat" --file-version 7 \
			--compression "$c" >/dev/null 2>&1 || true
	done
done

echo "fuzz.sh: replaying tests/fuzz/regress"
if ls tests/fuzz/regress/* >/dev/null 2>&1; then
	ASAN_OPTIONS=detect_leaks=0 "$out/fuzz-tracedat" -runs=0 tests/fuzz/regress/* 2>&1 | tail -n 2
fi

echo "fuzz.sh: fuzzing for ${secs}s (crashes go to $out/crashes; keep them in tests/fuzz/regress)"
ASAN_OPTIONS=detect_leaks=0 "$out/fuzz-tracedat" -max_total_time="$secs" -max_len=131072 \
	-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$out/crashes/" "$out/corpus" "$out/seeds" 2>&1 | tail -n 25
