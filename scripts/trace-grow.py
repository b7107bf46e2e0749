#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""trace-grow: a trace.dat v6 K times as long, made of its own real pages.

    trace-grow.py IN.v6.dat K OUT.dat

Every CPU's data is repeated K times; copy i has each sub-buffer's timestamp
moved on by i * (the trace's time span + 1 s), so per-CPU time stays monotonic
and the copies follow each other. Everything before the CPU data (formats,
kallsyms, cmdlines, options) is kept as it is. For benchmarks of how report
and analysis costs grow (make bench); not a general tool: the input must be v6
with one instance (ftx convert --file-version 6 makes one from v7).
"""
import struct
import sys


def fail(msg):
    sys.stderr.write("trace-grow: %s\n" % msg)
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        fail("usage: trace-grow.py IN.v6.dat K OUT.dat")
    data = open(sys.argv[1], "rb").read()
    k = int(sys.argv[2])
    if data[:10] != b"\x17\x08\x44tracing" or data[10:12] != b"6\0":
        fail("%s: not a trace.dat v6 file" % sys.argv[1])
    e = "<" if data[12] == 0 else ">"
    page = struct.unpack_from(e + "I", data, 14)[0]
    pos = 18

    def u(fmt, n):
        nonlocal pos
        v = struct.unpack_from(e + fmt, data, pos)[0]
        pos += n
        return v

    def skip(fmt, n):
        nonlocal pos
        size = u(fmt, n)
        pos += size

    def cstr():
        nonlocal pos
        end = data.index(b"\0", pos)
        s = data[pos:end]
        pos = end + 1
        return s

    for name in (b"header_page", b"header_event"):
        if cstr() != name:
            fail("no %s at offset %d" % (name.decode(), pos))
        skip("Q", 8)
    for _ in range(u("I", 4)):          # ftrace formats
        skip("Q", 8)
    for _ in range(u("I", 4)):          # systems
        cstr()
        for _ in range(u("I", 4)):
            skip("Q", 8)
    skip("I", 4)                        # kallsyms
    skip("I", 4)                        # printk formats
    skip("Q", 8)                        # cmdlines
    ncpus = u("I", 4)
    if data[pos:pos + 10] == b"options  \0":
        pos += 10
        while True:
            oid = u("H", 2)
            if oid == 0:
                break
            if oid == 3:
                fail("more than one instance (BUFFER option): not supported")
            skip("I", 4)
    if data[pos:pos + 10] != b"flyrecord\0":
        fail("no flyrecord at offset %d" % pos)
    pos += 10
    table = pos
    cpus = [struct.unpack_from(e + "QQ", data, table + 16 * i) for i in range(ncpus)]
    pos = table + 16 * ncpus
    clock_len = u("Q", 8)
    head_end = pos + clock_len

    stamps = [struct.unpack_from(e + "Q", data, off + p)[0]
              for off, size in cpus for p in range(0, size, page)]
    if not stamps:
        fail("no CPU data")
    # the span is that of the sub-buffers' start times; the clock's unit is not
    # known here, so "+ 1 s" assumes nanoseconds (local, the default), which
    # for any other clock is merely a larger gap
    step = max(stamps) - min(stamps) + 1000000000

    out = bytearray(data[:head_end])
    off = (len(out) + page - 1) // page * page
    new = []
    for o, size in cpus:
        new.append((off if size else 0, size * k))
        off += size * k
    for i, (o, size) in enumerate(new):
        struct.pack_into(e + "QQ", out, table + 16 * i, o, size)
    out += bytes(((len(out) + page - 1) // page * page) - len(out))
    for o, size in cpus:
        chunk = data[o:o + size]
        for rep in range(k):
            buf = bytearray(chunk)
            for p in range(0, size, page):
                ts = struct.unpack_from(e + "Q", buf, p)[0]
                struct.pack_into(e + "Q", buf, p, ts + rep * step)
            out += buf
    with open(sys.argv[3], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
