#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx check --json: valid JSON in the documented schema, same verdicts as the table.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
command -v python3 >/dev/null || { echo "SKIP: t-check-json: no python3"; exit 0; }
tmp=$(mktemp -d /tmp/ftx-t-check-json.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$FTX" check --json > "$tmp/json" || die "ftx check --json exited $?"
"$FTX" check > "$tmp/text" || die "ftx check exited $?"
python3 - "$tmp/json" "$tmp/text" "$(uname -r)" <<'PY' || die "JSON check failed"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"kernel", "machine", "tracefs", "capabilities"}, d.keys()
assert d["kernel"] == sys.argv[3], d["kernel"]
caps = d["capabilities"]
assert len(caps) >= 15, len(caps)
statuses = {"ok", "not permitted", "not built", "not supported"}
for c in caps:
    assert set(c) == {"name", "status", "reason"}, c
    assert c["status"] in statuses, c
text = {}
for line in open(sys.argv[2]):
    name = line[:23].rstrip()
    rest = line[23:].strip()
    for s in sorted(statuses, key=len, reverse=True):
        if rest.startswith(s):
            text[name] = s
            break
for c in caps:
    assert text.get(c["name"]) == c["status"], (c, text.get(c["name"]))
names = [c["name"] for c in caps]
assert len(names) == len(set(names)), "duplicate names"
for n in ("tracefs", "instances", "tracepoints", "uprobe", "kprobe", "hardware PMU",
          "software events", "lockdown", "tracer function"):
    assert n in names, n
PY
exit 0
