#!/usr/bin/python3
"""Training-step speed of voskhod's CPU backend against PyTorch eager.

Builds bench_cpu_step (bench/cpu/StepBench.cpp) in a Release build
directory, runs it, then times the same two models in PyTorch eager on the
same thread count, in the same run, and prints a table of ratios:

  seed classifier 3-10-20-3, batch 2, SGD with weight decay: us/step
  MLP 784-512-512-10, batch 128, Adam: ms/step
  JIT compile time of each step

Usage: /usr/bin/python3 bench/cpu/run.py [--build DIR] [--threads N]
(/usr/bin/python3 has Debian's python3-torch). --build defaults to
build-bench, configured as a Release build on first use.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build(build_dir):
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja",
                               "-DCMAKE_BUILD_TYPE=Release",
                               "-DVOSKHOD_BUILD_TESTS=OFF"])
    subprocess.check_call(["ninja", "-C", build_dir, "-j2", "bench_cpu_step"])
    exe = os.path.join(build_dir, "bench", "cpu", "bench_cpu_step")
    if not os.path.exists(exe):
        sys.exit("bench_cpu_step was not built: is bench/cpu added to the build?")
    return exe


def voskhod(exe, threads):
    out = subprocess.check_output([exe, str(threads)], text=True)
    return {r["model"]: r for r in map(json.loads, out.strip().splitlines())}


def torch_step_time(model, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if model == "classifier":
        net = torch.nn.Sequential(torch.nn.Linear(3, 10), torch.nn.ReLU(),
                                  torch.nn.Linear(10, 20), torch.nn.ReLU(),
                                  torch.nn.Linear(20, 3))
        opt = torch.optim.SGD(net.parameters(), lr=0.01, weight_decay=0.05)
        x, y, steps = torch.randn(2, 3), torch.randint(0, 3, (2,)), 5000
    else:
        net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 10))
        opt = torch.optim.Adam(net.parameters(), lr=0.001)
        x, y, steps = torch.randn(128, 784), torch.randint(0, 10, (128,)), 30
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(steps // 10 + 1):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - t0) / steps * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    ours = voskhod(build(args.build), args.threads)
    try:
        theirs = {m: torch_step_time(m, args.threads) for m in ours}
    except ImportError:
        theirs = {}
        print("PyTorch is not installed (Debian: python3-torch); voskhod only")
    print(f"threads: {args.threads}")
    print(f"{'model':<12}{'voskhod':>14}{'pytorch':>14}{'speed-up':>10}{'compile':>12}")
    for m, r in ours.items():
        unit, scale = ("us", 1.0) if m == "classifier" else ("ms", 1e-3)
        v = r["step_us"] * scale
        t = theirs.get(m)
        ratio = f"{theirs[m] / r['step_us']:.2f}x" if t else "-"
        tt = f"{t * scale:.3f} {unit}" if t else "-"
        print(f"{m:<12}{v:>11.3f} {unit}{tt:>14}{ratio:>10}{r['compile_ms']:>9.0f} ms")


if __name__ == "__main__":
    main()
