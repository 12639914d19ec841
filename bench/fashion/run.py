#!/usr/bin/python3
"""Fashion-MNIST epochs: voskhod against PyTorch eager, in the same run.

Trains examples/fashion_mlp.vg (784-256-128-10, ReLU, He init, Adam with
lr 0.001, batch 128, inputs standardised per pixel with statistics of the
training split) with `voskhod train`, then the same model in PyTorch eager
on the same data, the same thread count and the same number of epochs, and
prints per epoch the training time and test accuracy of each and the ratio
of epoch times.

An epoch's time is the training loop only, on both sides: batch assembly
(shuffled rows gathered from the standardised split in memory), the step,
and reading the loss back; it excludes loading the files, voskhod's JIT
compile and the evaluation after each epoch.

Usage: /usr/bin/python3 bench/fashion/run.py [--epochs N] [--threads N]
                                             [--build DIR] [--lr X]
--threads defaults to 1 for both sides: while other jobs load the machine,
PyTorch's OpenMP threads spin against them and its two-thread epochs come
out several times slower than its one-thread epochs, which would flatter
the ratio.
(/usr/bin/python3 has Debian's python3-torch and python3-numpy; the data
come from Debian's dataset-fashion-mnist). --build defaults to build/,
configured as the Release build scripts/setup.sh makes on first use.
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import build, loadavg, EPOCH_LINE  # noqa: E402
DATA = "/usr/share/datasets/fashion-mnist"
MODEL = os.path.join(ROOT, "examples", "fashion_mlp.vg")


def run_voskhod(exe, epochs, threads, lr):
    cmd = [exe, "train", MODEL, "--data", "fashion-mnist", "--epochs", str(epochs),
           "--threads", str(threads)]
    if lr:
        cmd += ["--lr", str(lr)]
    print("$ " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c
                          for c in cmd), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    wall = time.perf_counter() - t0
    rows = []
    for line in proc.stdout.splitlines():
        m = EPOCH_LINE.match(line)
        if m:
            print("  voskhod " + line, flush=True)
            rows.append((float(m.group(3)), float(m.group(2))))
    if proc.returncode != 0 or len(rows) != epochs:
        sys.exit("voskhod train failed:\n" + proc.stdout)
    return rows, wall


def read_idx(name):
    with gzip.open(os.path.join(DATA, name + ".gz")) as f:
        raw = f.read()
    import numpy as np
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def run_torch(epochs, threads, lr, seed=0):
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    xtr = read_idx("train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32)
    ytr = read_idx("train-labels-idx1-ubyte").astype(np.int64)
    xte = read_idx("t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32)
    yte = read_idx("t10k-labels-idx1-ubyte").astype(np.int64)
    # voskhod's Standardizer: population deviation, a constant pixel is only
    # centred.
    mean = xtr.astype(np.float64).mean(0)
    std = xtr.astype(np.float64).std(0)
    scale = np.where(std > 0, 1 / np.where(std > 0, std, 1), 1)
    xtr = torch.from_numpy(((xtr - mean) * scale).astype(np.float32))
    xte = torch.from_numpy(((xte - mean) * scale).astype(np.float32))
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)

    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                              torch.nn.Linear(256, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 10))
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    opt = torch.optim.Adam(net.parameters(), lr=lr or 0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = 128
    batches = xtr.shape[0] // batch  # the last partial batch is dropped
    gen = torch.Generator().manual_seed(seed)
    rows = []
    for epoch in range(epochs):
        net.train()
        t0 = time.perf_counter()
        order = torch.randperm(xtr.shape[0], generator=gen)
        total = 0.0
        for b in range(batches):
            idx = order[b * batch:(b + 1) * batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            total += loss.item()
        seconds = time.perf_counter() - t0
        net.eval()
        with torch.no_grad():
            acc = (net(xte).argmax(1) == yte).double().mean().item() * 100
        print("  pytorch epoch %d/%d: train loss %.5g, test acc %.2f%% (%.3g s)"
              % (epoch + 1, epochs, total / batches, acc, seconds), flush=True)
        rows.append((seconds, acc))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1,
                    help="threads for both (default 1: on a loaded machine, "
                    "two OpenMP threads make PyTorch several times slower)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--lr", type=float, default=0,
                    help="learning rate for both (default: the example's 0.001)")
    args = ap.parse_args()
    exe = build(args.build)
    print("load average before: %s on %d cores" % (loadavg(), os.cpu_count()), flush=True)
    ours, wall = run_voskhod(exe, args.epochs, args.threads, args.lr)
    print("load average after voskhod: %s" % loadavg(), flush=True)
    import torch
    print("$ PyTorch %s eager, %d thread(s)" % (torch.__version__, args.threads), flush=True)
    theirs = run_torch(args.epochs, args.threads, args.lr)
    print("load average after PyTorch: %s" % loadavg(), flush=True)
    print()
    print("| epoch | voskhod s | voskhod test acc | PyTorch s | PyTorch test acc | "
          "voskhod / PyTorch time |")
    print("|---|---|---|---|---|---|")
    for i, ((vs, va), (ts, ta)) in enumerate(zip(ours, theirs)):
        print("| %d | %.2f | %.2f%% | %.2f | %.2f%% | %.2f |" % (i + 1, vs, va, ts, ta, vs / ts))
    vs = sum(r[0] for r in ours) / len(ours)
    ts = sum(r[0] for r in theirs) / len(theirs)
    print("| mean | %.2f | | %.2f | | %.2f (target <= 0.33: %s) |"
          % (vs, ts, vs / ts, "met" if vs / ts <= 1 / 3 else "not met"))
    print("voskhod wall time, compile and evaluation included: %.1f s" % wall)


if __name__ == "__main__":
    main()
