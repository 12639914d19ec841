#!/usr/bin/env python3
"""Writes the seed corpora of the IDX, CSV, CIFAR-10, safetensors and text fuzzers.

The seeds are small valid files of every shape each reader accepts (and a
few near misses), so that the fuzzers start from inputs that reach deep
into the readers rather than stopping at the magic number. Run it from
anywhere; it rewrites tests/fuzz/corpus/{idx,csv,cifar10,safetensors,text}/.
"""
import gzip
import json
import os
import random
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20240611)


def write(kind, name, data):
    folder = os.path.join(HERE, "corpus", kind)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# ---- IDX: [u16 big-endian labels length][images file][labels file] -------
IDX_TYPES = {0x08: "B", 0x09: "b", 0x0B: "h", 0x0C: "i", 0x0D: "f", 0x0E: "d"}


def idx(code, dims, values):
    head = bytes([0, 0, code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return head + b"".join(struct.pack(">" + IDX_TYPES[code], v) for v in values)


def idx_pair(images, labels):
    return struct.pack(">H", len(labels)) + images + labels


n = 4
pixels = [rng.randrange(256) for _ in range(n * 3 * 3)]
classes = [rng.randrange(10) for _ in range(n)]
write("idx", "u8-images", idx_pair(idx(0x08, [n, 3, 3], pixels), idx(0x08, [n], classes)))
write("idx", "gzip-images", idx_pair(gzip.compress(idx(0x08, [n, 3, 3], pixels), mtime=0),
                                     idx(0x08, [n], classes)))
for code in (0x09, 0x0B, 0x0C, 0x0D, 0x0E):
    if code in (0x0D, 0x0E):
        vals = [rng.uniform(-4, 4) for _ in range(n * 2)]
    else:
        vals = [rng.randrange(-100, 100) for _ in range(n * 2)]
    write("idx", "type-%02x" % code, idx_pair(idx(code, [n, 2], vals), idx(0x08, [n], classes)))
write("idx", "rank3-labels", idx_pair(idx(0x08, [2, 2], [1, 2, 3, 4]), idx(0x08, [2, 1, 1], [0, 1])))
write("idx", "count-mismatch", idx_pair(idx(0x08, [3, 2], [1] * 6), idx(0x08, [2], [0, 1])))
write("idx", "empty-dim", idx_pair(idx(0x08, [0, 5], []), idx(0x08, [0], [])))

# ---- CSV ------------------------------------------------------------------
rows = [[rng.uniform(-3, 3) for _ in range(3)] + [rng.randrange(3)] for _ in range(6)]
plain = "a,b,c,label\n" + "".join(",".join("%.4g" % v for v in r[:3]) + ",%d\n" % r[3] for r in rows)
write("csv", "classes.csv", plain.encode())
write("csv", "crlf-quoted.csv", ('"a","b ""x""", c ,label\r\n' +
                                  "".join('"%.3f", %.3f ,%.3f,%d\r\n' % tuple(r) for r in rows)).encode())
write("csv", "targets.csv", ("x1,x2,y\n" + "".join("%.5f,%.5f,%.5f\n" % (rng.random(), rng.random(), rng.uniform(-9, 9))
                                                   for _ in range(5))).encode())
write("csv", "blank-lines.csv", b"\n\nx,y\n\n1,0\n\n2e3,1\n-0.5,2\n\n")
write("csv", "gzip.csv", gzip.compress(plain.encode(), mtime=0))
write("csv", "ragged.csv", b"a,b,label\n1,2,0\n3,1\n4,5,6,7\n")
write("csv", "not-numbers.csv", b"a,label\nnan,0\ninf,1\n0x10,1\n,2\n")


# ---- safetensors ------------------------------------------------------------
def safetensors(tensors, metadata=None, checksum=False):
    """tensors: list of (name, dtype, shape, values); widest dtype first."""
    fmt = {"F32": "<f", "F64": "<d", "I32": "<i"}
    header, data = {}, b""
    for name, dtype, shape, values in tensors:
        blob = b"".join(struct.pack(fmt[dtype], v) for v in values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    meta = dict(metadata or {})
    if meta:
        header["__metadata__"] = meta
    if checksum:
        canonical = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
        crc = zlib.crc32(data, zlib.crc32(canonical))
        meta["crc32"] = "%08x" % crc
        header["__metadata__"] = meta
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


w = [rng.gauss(0, 1) for _ in range(6)]
model = [("m/w", "F64", [3], [rng.random() for _ in range(3)]),
         ("w", "F32", [2, 3], w),
         ("step", "I32", [], [7])]
write("safetensors", "plain.safetensors", safetensors(model))
write("safetensors", "voskhod.safetensors",
      safetensors(model, {"writer": "voskhod", "model": "g"}, checksum=True))
write("safetensors", "metadata-only.safetensors", safetensors([], {"note": "empty"}))
write("safetensors", "scalar-i32.safetensors", safetensors([("step", "I32", [], [3])]))
write("safetensors", "zero-size.safetensors", safetensors([("e", "F32", [0, 4], [])]))
write("safetensors", "other-dtype.safetensors",
      struct.pack("<Q", 64) + b'{"h":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}'.ljust(64) + b"\0" * 4)


# ---- CIFAR-10: one batch file of 3073-byte records --------------------------
def cifar10(labels):
    return b"".join(bytes([label]) + bytes(rng.randrange(256) for _ in range(3072)) for label in labels)


two = cifar10([3, 9])
write("cifar10", "two-records.bin", two)
write("cifar10", "five-records.bin", cifar10([0, 1, 2, 7, 8]))
write("cifar10", "gzip.bin.gz", gzip.compress(two, mtime=0))
write("cifar10", "short-last-record.bin", two[:-100])
write("cifar10", "label-10.bin", cifar10([4, 10]))


# ---- text: [context byte][valid byte][the file] -----------------------------
def text(context, valid, body):
    return bytes([context - 1, valid]) + body


verse = (b"The sea is calm tonight.\nThe tide is full, the moon lies fair\n"
         b"Upon the straits;\n%\nA fortune, like a riddle, ends in a blank line.\n")
write("text", "verse", text(8, 1, verse))
write("text", "no-validation", text(4, 0, verse[:40]))
write("text", "gzip", text(6, 2, gzip.compress(verse, mtime=0)))
write("text", "utf8", text(5, 3, "naïve café — Ωμέγα\n".encode() * 3))
write("text", "every-byte", text(16, 5, bytes(range(256))))
write("text", "one-byte-vocabulary", text(3, 4, b"z" * 30))
write("text", "too-short", text(12, 1, b"short\n"))
