# SPDX-License-Identifier: GPL-2.0
# vm-requires: check
#
# What ftx exists for on these kernels: function, function_graph and kprobes must
# be usable on every one of them (check.sh compares each verdict with the shell's
# own attempt; this one holds the project to its requirement).
uname -r > uname-r
"$FTX" check > check.out 2> check.err
echo $? > check.rc
exit 0
