#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel matrix of the README, made from the VM test bed's own results
# (build/vm/<kernel>/: what 'ftx check --json' found in the guest, what the
# guest's tracefs listed, and each scenario's PASS/SKIP/FAIL line), never typed.
#
# usage: scripts/vm-matrix.sh [--update README.md [--update README.zh-CN.md ...]]
#   prints the table; each --update replaces the lines between that file's
#   "<!-- vm-matrix -->" and "<!-- /vm-matrix -->" markers with it (the
#   translation carries the same table: tests/test-readme.c checks they match).
# A kernel of tests/vm/kernels without results (not booted yet) gets a row saying so.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
update=()
while [ $# -gt 0 ]; do
	case "$1" in
	--update) update+=("${2:?--update needs a file}"); shift 2 ;;
	*) echo "vm-matrix.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

table=$(python3 - "$top" <<'PY'
import json, os, re, sys
top = sys.argv[1]
vm = os.path.join(top, "build", "vm")
kernels = []
for line in open(os.path.join(top, "tests", "vm", "kernels")):
    f = line.split()
    if f and not f[0].startswith("#"):
        kernels.append(f[0])

def read(*p):
    try:
        return open(os.path.join(vm, *p)).read()
    except OSError:
        return None

print("| kernel | release | tracers: in instances; top level only | probes | `$argN` | clocks | PMU (paranoid) | sub-buffers | what ftx did (scenarios) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for k in kernels:
    results = read(k, "results")
    chk = read(k, "share", "check", "check.json")
    if not results or not chk:
        print("| %s | not booted yet | | | | | | | |" % k)
        continue
    caps = {c["name"]: c for c in json.loads(chk)["capabilities"]}
    rel = json.loads(chk)["kernel"]
    uname = read(k, "share", "boot", "uname") or ""
    if "PREEMPT_RT" in uname:
        rel += " (PREEMPT_RT)"
    inst, toponly = [], []
    for n, c in caps.items():
        if n.startswith("tracer ") and c["status"] == "ok":
            (inst if c["reason"].startswith("set in instance") else toponly).append(n[7:])
    tracers = "%s; %s" % (" ".join(inst) or "none", " ".join(toponly) or "none")
    probes = []
    for n in ("kprobe", "kretprobe", "uprobe", "uretprobe", "eprobe"):
        c = caps.get(n)
        if c:
            probes.append(n if c["status"] == "ok" else "no %s (%s)" % (n, c["status"]))
    if caps.get("dynamic_events", {}).get("status") == "ok":
        probes.append("via dynamic_events")
    def st(n):
        c = caps.get(n)
        return c["status"] if c else "?"
    clocks = caps.get("trace clocks", {}).get("reason", "?").split(";")[0]
    pmu = caps.get("hardware PMU", {})
    pmu_s = "cycles counted" if pmu.get("status") == "ok" else "none"
    par = caps.get("perf_event_paranoid", {}).get("reason", "?").split(" ")[0]
    sub = caps.get("buffer_subbuf_size_kb", {})
    sub_s = sub.get("reason", "?").split(":")[0] if sub.get("status") == "ok" else "one page"
    passed, skipped, failed = [], [], []
    for line in results.splitlines():
        m = re.match(r"(PASS|SKIP|FAIL): vm %s ([a-z0-9-]+)(:|$)" % re.escape(k), line)
        if not m:
            continue
        {"PASS": passed, "SKIP": skipped, "FAIL": failed}[m.group(1)].append(m.group(2))
    did = "%d passed" % len(passed)
    if skipped:
        did += ", skipped: " + " ".join(skipped)
    if failed:
        did += ", FAILED: " + " ".join(failed)
    if any("trace-cmd 2." in l for l in results.splitlines()):
        v = re.search(r"trace-cmd (2\.[0-9.]+)", results).group(1)
        did += "; trace-cmd %s read every file" % v if "tracecmd-old" in passed else ""
    print("| %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s |" % (
        k, rel, tracers, ", ".join(probes), st("fetcharg $argN"), clocks, pmu_s, par, sub_s, did))
PY
)
if [ ${#update[@]} -eq 0 ]; then
	printf '%s\n' "$table"
	exit 0
fi
# every file checked before any is changed: none is left updated alone
for f in "${update[@]}"; do
	grep -q '^<!-- vm-matrix -->$' "$f" && grep -q '^<!-- /vm-matrix -->$' "$f" ||
		{ echo "vm-matrix.sh: no <!-- vm-matrix --> ... <!-- /vm-matrix --> markers in $f" >&2; exit 1; }
done
for f in "${update[@]}"; do
	awk -v table="$table" '
		/^<!-- vm-matrix -->$/ { print; print table; skip = 1; next }
		/^<!-- \/vm-matrix -->$/ { skip = 0 }
		!skip' "$f" > "$f.tmp" && mv "$f.tmp" "$f"
	echo "vm-matrix.sh: $f updated"
done
