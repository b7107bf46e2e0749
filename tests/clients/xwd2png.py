#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# xwd (ZPixmap, 24/32 bpp TrueColor, as Xvfb's root window) to PNG, stdlib only.
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
h = struct.unpack('>25I', d[:100])
hsize, ver, fmt, depth, w, hgt = h[0], h[1], h[2], h[3], h[4], h[5]
byte_order, bpp, bpl = h[7], h[11], h[12]
rmask, gmask, bmask, ncolors = h[14], h[15], h[16], h[19]
if fmt != 2 or bpp not in (24, 32):
    sys.exit('unsupported xwd: format %d, %d bpp' % (fmt, bpp))
off = hsize + ncolors * 12
def shift(m):
    s = 0
    while m and not m & 1:
        m >>= 1; s += 1
    return s
rs, gs, bs = shift(rmask), shift(gmask), shift(bmask)
bp = bpp // 8
rows = []
for y in range(hgt):
    line = d[off + y * bpl: off + y * bpl + w * bp]
    out = bytearray(b'\0')
    for x in range(w):
        px = line[x * bp:(x + 1) * bp]
        v = int.from_bytes(px, 'little' if byte_order == 0 else 'big')
        out += bytes(((v & rmask) >> rs, (v & gmask) >> gs, (v & bmask) >> bs))
    rows.append(bytes(out))
def chunk(t, b):
    return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, hgt, 8, 2, 0, 0, 0))
png += chunk(b'IDAT', zlib.compress(b''.join(rows), 6)) + chunk(b'IEND', b'')
open(sys.argv[2], 'wb').write(png)
# with a third argument: print how many pixels are strongly coloured (KernelShark's
# task bars are; its window, a dialog and the empty screen are grey or black)
if len(sys.argv) > 3:
    n = 0
    for r in rows:
        for x in range(1, len(r) - 2, 3):
            c = r[x:x + 3]
            if max(c) - min(c) > 80:
                n += 1
    print(n)
