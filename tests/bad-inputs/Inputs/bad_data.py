#!/usr/bin/env python3
"""bad_data.py DIR writes the data files of the bad-input corpus into DIR:
a valid CSV and IDX pair for tiny.vg / tiny-image.vg and a text file for
tiny-text.vg (so each case changes one thing) and one broken variant per
case. Values come from a fixed seed."""
import gzip
import os
import random
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(7)


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def csv_rows(n, features=3, classes=2):
    return "".join(",".join("%.4f" % rng.uniform(-2, 2) for _ in range(features)) +
                   ",%d\n" % rng.randrange(classes) for _ in range(n))


header = "a,b,c,label\n"
good = header + csv_rows(12)
put("good.csv", good)
put("ragged.csv", header + csv_rows(3) + "0.5,1.5,0\n" + csv_rows(8))
put("word.csv", header + csv_rows(2) + "0.5,heavy,1.0,1\n" + csv_rows(9))
put("empty-cell.csv", header + csv_rows(4) + "0.5,,1.0,1\n" + csv_rows(7))
put("nan-cell.csv", header + csv_rows(5) + "0.5,nan,1.0,1\n" + csv_rows(6))
put("empty.csv", "")
put("label-out-of-range.csv", header + csv_rows(6) + "0.1,0.2,0.3,7\n" + csv_rows(5))
put("negative-label.csv", header + csv_rows(6) + "0.1,0.2,0.3,-1\n" + csv_rows(5))
put("five-features.csv", "a,b,c,d,e,label\n" + csv_rows(12, features=5))
put("two-rows.csv", header + csv_rows(2))
put("truncated.csv.gz", gzip.compress(good.encode(), mtime=0)[:-12])
put("binary.csv", bytes(rng.randrange(256) for _ in range(4096)))


def idx(code, dims, fmt, values):
    return (bytes([0, 0, code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) +
            b"".join(struct.pack(">" + fmt, v) for v in values))


n = 12
images = idx(0x08, [n, 2, 2], "B", [rng.randrange(256) for _ in range(n * 4)])
labels = idx(0x08, [n], "B", [rng.randrange(2) for _ in range(n)])
put("images.idx", images)
put("labels.idx", labels)
put("images-truncated.idx", images[:-5])
put("images-bad-magic.idx", b"\x08\x03" + images[2:])
put("images-rank0.idx", bytes([0, 0, 0x08, 0]))
put("images-trailing.idx", images + b"\0\0\0")
put("images-huge-dims.idx", idx(0x08, [0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], "B", [1, 2, 3]))
put("images-truncated.idx.gz", gzip.compress(images, mtime=0)[:-9])
put("images-empty.idx", b"")
put("labels-short.idx", idx(0x08, [n - 1], "B", [0] * (n - 1)))
put("labels-out-of-range.idx", idx(0x08, [n], "B", [0] * (n - 1) + [9]))
put("labels-rank2.idx", idx(0x08, [n, 1], "B", [0] * n))

# Text for tiny-text.vg (context 4, at most 6 characters): 60 bytes of
# "abcdef" hold out 6, one window of validation text.
put("good.txt", "abcdef" * 10)
put("empty.txt", b"")
put("short.txt", "abcdef" * 3)
put("wide-vocabulary.txt", "abcdefgh" * 10)
