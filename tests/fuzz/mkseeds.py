#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make small fuzz seeds from real trace.dat v6 files.

Keeps the headers, every format and option as recorded, a slice of kallsyms
and the first pages of each CPU, so a seed parses in microseconds while still
exercising every part of the reader. Usage: mkseeds.py OUT_DIR FILE.dat...
"""
import os
import struct
import sys


class Reader:
    def __init__(self, data):
        self.d, self.o, self.e = data, 0, "<"

    def take(self, n):
        b = self.d[self.o:self.o + n]
        if len(b) != n:
            raise ValueError("truncated at %d" % self.o)
        self.o += n
        return b

    def u(self, fmt):
        return struct.unpack(self.e + fmt, self.take(struct.calcsize(fmt)))[0]

    def cstr(self):
        end = self.d.index(b"\0", self.o)
        s = self.d[self.o:end]
        self.o = end + 1
        return s


def shrink(data, pages=2, ksyms_lines=400, max_system_bytes=16384):
    r = Reader(data)
    out = bytearray()
    hdr = r.take(10)
    ver = r.cstr()
    if hdr[:3] != b"\x17\x08\x44" or ver != b"6":
        raise ValueError("not a v6 trace.dat")
    endian = r.take(1)
    r.e = ">" if endian == b"\x01" else "<"
    e = r.e
    longsz = r.take(1)
    page = r.u("I")
    out += hdr + ver + b"\0" + endian + longsz + struct.pack(e + "I", page)
    for name in (b"header_page\0", b"header_event\0"):
        r.take(len(name))
        n = r.u("Q")
        out += name + struct.pack(e + "Q", n) + r.take(n)
    cnt = r.u("I")
    out += struct.pack(e + "I", cnt)
    for _ in range(cnt):
        n = r.u("Q")
        out += struct.pack(e + "Q", n) + r.take(n)
    nsys = r.u("I")
    systems = []
    kept = 0
    for _ in range(nsys):
        name = r.cstr()
        fmts = [r.take(r.u("Q")) for _ in range(r.u("I"))]
        # big systems (trace-cmd -a saves them all) make a seed slow to parse
        size = sum(len(f) for f in fmts)
        if size <= max_system_bytes - kept:
            systems.append((name, fmts))
            kept += size
    out += struct.pack(e + "I", len(systems))
    for name, fmts in systems:
        out += name + b"\0" + struct.pack(e + "I", len(fmts))
        for f in fmts:
            out += struct.pack(e + "Q", len(f)) + f
    ks = r.take(r.u("I"))
    ks = b"".join(ks.splitlines(True)[:ksyms_lines])
    out += struct.pack(e + "I", len(ks)) + ks
    pk = r.take(r.u("I"))
    out += struct.pack(e + "I", len(pk)) + pk
    cl = r.take(r.u("Q"))
    out += struct.pack(e + "Q", len(cl)) + cl
    cpus = r.u("I")
    out += struct.pack(e + "I", cpus)
    tag = r.take(10)
    if tag == b"options  \0":
        out += tag
        while True:
            oid = r.u("H")
            out += struct.pack(e + "H", oid)
            if oid == 0:
                break
            n = r.u("I")
            out += struct.pack(e + "I", n) + r.take(n)
        tag = r.take(10)
    if tag != b"flyrecord\0":
        raise ValueError("no flyrecord")
    table = [(r.u("Q"), r.u("Q")) for _ in range(cpus)]
    clock = r.take(r.u("Q"))
    out += tag
    table_at = len(out)
    out += b"\0" * (16 * cpus)
    out += struct.pack(e + "Q", len(clock)) + clock
    newtab = []
    for off, size in table:
        size = min(size, pages * page)
        if size == 0:
            newtab.append((0, 0))
            continue
        out += b"\0" * ((-len(out)) % page)
        newtab.append((len(out), size))
        out += data[off:off + size]
    out[table_at:table_at + 16 * cpus] = b"".join(
        struct.pack(e + "QQ", o, s) for o, s in newtab)
    return bytes(out)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        name = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(shrink(data))


if __name__ == "__main__":
    main()
