#!/usr/bin/env python3
"""corrupt.py MODE IN OUT writes a damaged copy of the checkpoint IN to OUT.

MODE: truncate (drop the last 10 bytes), flip-data (one bit of the last
tensor byte), flip-header (one bit of a digit inside the JSON header),
huge-header (a header length of 2^63), random (4 KiB of seeded noise), empty.
"""
import random
import struct
import sys

mode, src, dst = sys.argv[1:4]
data = bytearray(open(src, "rb").read())
if mode == "truncate":
    data = data[:-10]
elif mode == "flip-data":
    data[-1] ^= 0x04
elif mode == "flip-header":
    n = struct.unpack("<Q", bytes(data[:8]))[0]
    header = data[8:8 + n]
    at = 8 + max(i for i, c in enumerate(header) if chr(c).isdigit())
    data[at] ^= 0x01
elif mode == "huge-header":
    data[:8] = struct.pack("<Q", 1 << 63)
elif mode == "random":
    rng = random.Random(3)
    data = bytearray(rng.randrange(256) for _ in range(4096))
elif mode == "empty":
    data = bytearray()
else:
    sys.exit("corrupt.py: unknown mode " + mode)
open(dst, "wb").write(bytes(data))
