#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what ftx needs to build and test, and build libperf from the
# kernel tree in Debian's linux-source-6.1 package into build/libperf.
# Idempotent; silent when everything is already present.
#
# usage: scripts/deps.sh [--build-only] [--vm]
#   --build-only  only what compiling needs (no trace-cmd)
#   --vm          also the packages the qemu test bed needs
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
want_vm=0
build_only=0
for a in "$@"; do
	case "$a" in
	--vm) want_vm=1 ;;
	--build-only) build_only=1 ;;
	*) echo "deps.sh: unknown option $a" >&2; exit 2 ;;
	esac
done

pkgs=(gcc make pkg-config libtracefs-dev libtraceevent-dev check libelf-dev
      libzstd-dev zlib1g-dev xz-utils linux-source-6.1)
[ "$build_only" = 1 ] || pkgs+=(trace-cmd)
[ "$want_vm" = 1 ] && pkgs+=(qemu-system-x86 qemu-system-arm busybox-static cpio
			     dpkg-dev xz-utils)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages: ${missing[*]}" >&2
		echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine may have no (or stale) package lists: update and retry once.
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	fi
fi

# libperf from the kernel's tools/lib/perf (Debian has no libperf package).
lp=$build/libperf
if [ ! -f "$lp/lib/libperf.a" ] || [ ! -f "$lp/lib/libapi.a" ]; then
	src=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -1)
	if [ -z "$src" ]; then
		echo "deps.sh: /usr/src/linux-source-6.1.tar.* not found (apt-get install linux-source-6.1)" >&2
		exit 1
	fi
	echo "deps.sh: building libperf from $src"
	tmp=$build/libperf-src
	rm -rf "$tmp" "$lp"
	mkdir -p "$tmp" "$lp"
	tar -xf "$src" -C "$tmp" --strip-components=1 linux-source-6.1/tools
	cc=${CROSS_COMPILE:-}gcc
	# libperf's own build; 'install' wants asciidoc for docs, so install parts.
	make -s -C "$tmp/tools/lib/perf" CC="$cc" prefix="$lp" libdir_relative=lib \
		install_lib install_headers install_pkgconfig >"$build/libperf.log" 2>&1 || {
		echo "deps.sh: libperf build failed, see $build/libperf.log" >&2; exit 1; }
	make -s -C "$tmp/tools/lib/api" CC="$cc" >>"$build/libperf.log" 2>&1 || {
		echo "deps.sh: libapi build failed, see $build/libperf.log" >&2; exit 1; }
	[ -d "$lp/lib" ] || mv "$lp/lib64" "$lp/lib"
	cp "$tmp/tools/lib/api/libapi.a" "$lp/lib/"
	rm -rf "$tmp"
fi
exit 0
