#!/usr/bin/env python3
"""Compile time and memory of `voskhod compile` against graph size.

    bench/compile/run.py VOSKHOD [--sizes 250,1000,5000,25000] [--obj-max N]
                         [--cuda]

For each size (layers of make_graph.py's residual MLP; four forward nodes per
layer, about ten more in the training step) it runs, as separate processes:
  front   `voskhod opt --train-step --simplify`: parse, verify, autodiff,
          optimiser, simplification (CSE, folding, DCE);
  kernels `voskhod compile --emit=kernels`: the above plus fusion, lowering,
          memory planning and printing the step's kernels;
  object  `voskhod compile -o model.o`: the above for the step and the
          forward graph, plus LLVM and the object file (up to --obj-max
          layers, default all): repeated layers share one launch function
          and a large program runs from a schedule table, so LLVM's work
          grows with the distinct layers;
  cuda    with --cuda, `voskhod compile --target=cuda --emit=ptx`: the CUDA
          C++ of both programs through NVRTC (each distinct kernel once),
          with an empty NVRTC cache.
It reports CPU seconds (user + system of the child, so a busy machine does
not inflate them) and the largest peak resident memory of the commands,
then the growth exponent between consecutive sizes (time ~ size^k): k near
1 is linear.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("voskhod")
parser.add_argument("--sizes", default="250,1000,5000,25000")
parser.add_argument("--obj-max", type=int, default=None)
parser.add_argument("--cuda", action="store_true")
args = parser.parse_args()
sizes = [int(s) for s in args.sizes.split(",")]
STAGES = ("front", "kernels", "object", "cuda")


def measure(cmd, env=None):
    # wait4 gives this child's own usage: its CPU time and its own peak RSS
    # (RUSAGE_CHILDREN would report the largest child so far).
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit("failed: %s\n%s" % (" ".join(cmd), err.read().decode(errors="replace")))
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0  # MiB


work = tempfile.mkdtemp(prefix="voskhod-bench-compile-")
rows = []
for layers in sizes:
    model = os.path.join(work, "deep%d.vg" % layers)
    with open(model, "w") as f:
        subprocess.run([sys.executable, os.path.join(here, "make_graph.py"), str(layers)],
                       stdout=f, check=True)
    nodes = 4 * layers + 8
    row = {"layers": layers, "nodes": nodes}
    row["front"] = measure([args.voskhod, "opt", model, "--train-step", "--simplify", "-o", os.devnull])
    row["kernels"] = measure([args.voskhod, "compile", model, "--emit=kernels", "-o", os.devnull])
    if args.obj_max is None or layers <= args.obj_max:
        row["object"] = measure([args.voskhod, "compile", model, "-o", os.path.join(work, "m.o")])
    if args.cuda:
        # An empty NVRTC cache, so every size pays for its compile.
        fresh = dict(os.environ, VOSKHOD_CACHE_DIR=tempfile.mkdtemp(dir=work))
        row["cuda"] = measure([args.voskhod, "compile", model, "--target=cuda", "--emit=ptx",
                               "-o", os.path.join(work, "m.ptx")], env=fresh)
    rows.append(row)
    print("%6d layers %7d nodes: " % (layers, nodes) + ", ".join(
        "%s %.2f s" % (k, row[k][0]) for k in STAGES if k in row), flush=True)

print("\n| forward nodes | front end (s) | to kernels (s) | to object (s) | CUDA to PTX (s) | peak RSS (MiB) |")
print("|---:|---:|---:|---:|---:|---:|")
for r in rows:
    cell = lambda k: "%.2f" % r[k][0] if k in r else "-"
    print("| %d | %s | %s | %s | %s | %.0f |" % (
        r["nodes"], cell("front"), cell("kernels"), cell("object"), cell("cuda"),
        max(v[1] for k, v in r.items() if isinstance(v, tuple))))
print("\ngrowth exponent k (time ~ nodes^k) between consecutive sizes:")
for a, b in zip(rows, rows[1:]):
    ratio = math.log(b["nodes"] / a["nodes"])
    parts = []
    for k in STAGES:
        if k in a and k in b and a[k][0] > 0.05:
            parts.append("%s %.2f" % (k, math.log(b[k][0] / a[k][0]) / ratio))
    print("  %d -> %d nodes: %s" % (a["nodes"], b["nodes"], ", ".join(parts)))
