#!/usr/bin/python3
"""Splits Fashion-MNIST's training set into 50,000 training and 10,000
validation images (a seeded permutation), written as IDX files, so that
epochs and learning rates are chosen without looking at the test set.

Usage: /usr/bin/python3 bench/fashion/holdout.py OUT_DIR
then:  voskhod train examples/fashion_mlp.vg --epochs 15 \\
         --data idx:OUT_DIR/train-images,OUT_DIR/train-labels,OUT_DIR/val-images,OUT_DIR/val-labels
(the "test" lines of that run are the validation split).
"""
import gzip
import os
import sys

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"


def read(name):
    with gzip.open(os.path.join(DATA, name + ".gz")) as f:
        return f.read()


def write_idx(path, array):
    kind = {1: b"\x00\x00\x08\x01", 3: b"\x00\x00\x08\x03"}[array.ndim]
    dims = b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with open(path, "wb") as f:
        f.write(kind + dims + array.tobytes())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    images = np.frombuffer(read("train-images-idx3-ubyte"), np.uint8, offset=16)
    labels = np.frombuffer(read("train-labels-idx1-ubyte"), np.uint8, offset=8)
    images = images.reshape(-1, 28, 28)
    order = np.random.default_rng(12345).permutation(len(labels))
    train, val = order[:50000], order[50000:]
    write_idx(os.path.join(out, "train-images"), images[train])
    write_idx(os.path.join(out, "train-labels"), labels[train])
    write_idx(os.path.join(out, "val-images"), images[val])
    write_idx(os.path.join(out, "val-labels"), labels[val])


if __name__ == "__main__":
    main()
