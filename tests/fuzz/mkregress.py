#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Variants of a v6 file (a fuzz seed) with one metadata block changed and its
size fixed, so they pass the reader's size checks and reach libtraceevent's
parsers; the length change is absorbed in the zero padding before the first
CPU data page. The "-parsed"/"-refused" inputs of tests/fuzz/regress come from
build/fuzz/seeds/linux-6.1-amd64-kprobe_openat2.v6.dat (make fuzz writes it):

  mkregress.py SEED printk-no-newline|printk-lines|cut-print-fmt:N OUT
"""
import struct, sys
def parse(d):
    assert d[:10] == b'\x17\x08Dtracing' and d[10:12] == b'6\x00'
    le = d[12] == 0
    E = '<' if le else '>'
    p = 18
    blocks = {}
    for tag in (b'header_page\x00', b'header_event\x00'):
        assert d[p:p + len(tag)] == tag, (p, d[p:p+20]); p += len(tag)
        n, = struct.unpack_from(E + 'Q', d, p); p += 8 + n
    fm = []
    cnt, = struct.unpack_from(E + 'I', d, p); p += 4
    for i in range(cnt):
        n, = struct.unpack_from(E + 'Q', d, p); fm.append((p, 8, n)); p += 8 + n
    nsys, = struct.unpack_from(E + 'I', d, p); p += 4
    for s in range(nsys):
        e = d.index(b'\x00', p); p = e + 1
        cnt, = struct.unpack_from(E + 'I', d, p); p += 4
        for i in range(cnt):
            n, = struct.unpack_from(E + 'Q', d, p); fm.append((p, 8, n)); p += 8 + n
    n, = struct.unpack_from(E + 'I', d, p); blocks['kallsyms'] = (p, 4, n); p += 4 + n
    n, = struct.unpack_from(E + 'I', d, p); blocks['printk'] = (p, 4, n); p += 4 + n
    n, = struct.unpack_from(E + 'Q', d, p); blocks['cmdlines'] = (p, 8, n); p += 8 + n
    return E, fm, blocks
def replace(d, E, blk, new):
    p, w, n = blk
    out = d[:p] + struct.pack(E + ('I' if w == 4 else 'Q'), len(new)) + new + d[p + w + n:]
    k = len(out) - len(d)
    # the padding: zeros right before the first page-aligned CPU data
    fr = out.rindex(b'flyrecord\x00', 0, len(out))
    first = min(o for o in range(4096, len(out), 4096) if o > fr)
    pad_end = first + k if k > 0 else first + k
    if k > 0:
        assert out[pad_end - k:pad_end] == b'\0' * k, 'no room'
        out = out[:pad_end - k] + out[pad_end:]
    elif k < 0:
        out = out[:pad_end] + b'\0' * (-k) + out[pad_end:]
    assert len(out) == len(d)
    return out
if __name__ == '__main__':
    src, kind, dst = sys.argv[1:4]
    d = open(src, 'rb').read()
    E, fm, blocks = parse(d)
    if kind.startswith('printk'):
        p, w, n = blocks['printk']
        text = d[p + w:p + w + n]
        if kind == 'printk-no-newline':
            assert text.endswith(b'\n'); new = text[:-1]
        elif kind == 'printk-lines':
            new = (b'garbage line\n0xffffffff81000000 : x\n0x1 : "x"\n0x2 : ""\n: "y"\n0x3 : "z\n'
                   + text)
        d = replace(d, E, blocks['printk'], new)
    elif kind.startswith('cut-print-fmt'):
        i = int(kind.split(':')[1])
        p, w, n = fm[i]
        text = d[p + w:p + w + n]
        k = text.index(b'print fmt: "') + 12
        new = text[:k + (len(text) - k) // 2]
        d = replace(d, E, fm[i], new)
    open(dst, 'wb').write(d)
