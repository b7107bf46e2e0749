#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: what ftx can do on this machine.
set -u
FTX=${FTX:-build/ftx}
echo "== ftx check: what this kernel allows"
"$FTX" check
