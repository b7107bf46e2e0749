#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The browser tests: ftx's flame graph SVG and Chrome JSON in Debian's headless
# Chromium, driven by puppeteer-core; speedscope loads the folded stacks and the
# JSON (fgraph_pmc's with record --pmc's counter tracks). npm installs the pinned packages (package-lock.json) on first use.
# Screenshots go to build/browser/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
FTX=${FTX:-$top/build/ftx}
out=${BROWSER_OUT:-$top/build/browser}
for t in chromium node npm; do
	command -v "$t" > /dev/null || {
		echo "browser: $t is missing (scripts/deps.sh installs chromium, nodejs, npm)" >&2
		exit 1; }
done
if [ ! -f "$here/node_modules/puppeteer-core/package.json" ] ||
   [ ! -f "$here/node_modules/speedscope/package.json" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$out"
exec node "$here/run.mjs" "$FTX" "$out" \
	"$top/tests/fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat" \
	"$top/tests/fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat" \
	"$top/tests/fixtures/linux-6.1-amd64/fgraph_pmc.v6.dat"
