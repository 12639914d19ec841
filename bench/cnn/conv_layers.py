#!/usr/bin/env python3
"""Single conv2d layers, forward and backward: GFLOP/s of voskhod's CPU
backend against PyTorch eager (oneDNN), on the same thread count.

Layers (NCHW input, OIHW weight, 3x3, stride 1, padding 1):
  cnn_conv1   batch 128, 1 -> 32 on 28x28    (examples/fashion_cnn.vg's first)
  cnn_conv2   batch 128, 32 -> 64 on 14x14   (its second)
  resnet_64   batch 8, 64 -> 64 on 56x56     (a ResNet stage-1 layer)

One step is the forward convolution, loss = mean(y * y), and the gradients
with respect to the input and the weight; its FLOPs are counted as
3 x 2·N·O·OH·OW·C·KH·KW (forward and two gradient convolutions), the
elementwise loss left out.

PyTorch: x and w require grad, the step is timed after warm-up for at least
--seconds. voskhod: bench/cnn/layers/<layer>.vg (x a param, so that it gets
a gradient; sgd with lr 0), run as `voskhod train FILE --steps K --threads N`;
a step's time is the difference of the wall times of two runs, K1 and K2
steps, divided by K2 - K1, so process start and JIT compile cancel. The
compile time printed is the wall time of `--steps 1` (process start,
compile, initialisation and one step); the same is printed for
examples/fashion_cnn.vg when it exists. A layer voskhod cannot compile
is reported as skipped with voskhod's message.

Usage: $(scripts/bench-venv.sh) bench/cnn/conv_layers.py [--threads N]
           [--seconds S] [--build DIR | --voskhod EXE] [--no-voskhod]
--threads defaults to 1; --build defaults to build/, configured as a
Release build on first use.
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import build, loadavg  # noqa: E402
LAYERS_DIR = os.path.join(ROOT, "bench", "cnn", "layers")
CNN = os.path.join(ROOT, "examples", "fashion_cnn.vg")

# name: (N, C, O, H=W); 3x3, stride 1, padding 1, so OH = H.
LAYERS = {
    "cnn_conv1": (128, 1, 32, 28),
    "cnn_conv2": (128, 32, 64, 14),
    "resnet_64": (8, 64, 64, 56),
}


def flops(n, c, o, h):
    return 3 * 2 * n * o * h * h * c * 3 * 3


def torch_step_s(shape, threads, seconds):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    n, c, o, h = shape
    x = torch.randn(n, c, h, h, requires_grad=True)
    w = (torch.randn(o, c, 3, 3) * (2 / (c * 9)) ** 0.5).requires_grad_(True)

    def step():
        x.grad = w.grad = None
        y = torch.nn.functional.conv2d(x, w, padding=1)
        (y * y).mean().backward()

    for _ in range(3):
        step()
    reps, t0 = 0, time.perf_counter()
    while reps < 5 or time.perf_counter() - t0 < seconds:
        step()
        reps += 1
    return (time.perf_counter() - t0) / reps


def voskhod_wall(exe, path, steps, threads):
    """Wall seconds of `voskhod train PATH --steps STEPS`, or the error text."""
    cmd = [exe, "train", path, "--steps", str(steps), "--print-every", str(steps),
           "--threads", str(threads)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return None, proc.stdout.strip()
    return wall, None


def voskhod_step_s(exe, path, threads, seconds):
    """(compile seconds, step seconds) of a layer, or (None, error)."""
    compile_s, err = voskhod_wall(exe, path, 1, threads)
    if err:
        return None, err
    # Enough steps for about `seconds` of difference, judged from one step.
    k1 = 3
    probe, err = voskhod_wall(exe, path, k1, threads)
    if err:
        return None, err
    guess = max((probe - compile_s) / (k1 - 1), 1e-4)
    k2 = k1 + max(5, int(seconds / guess))
    wall, err = voskhod_wall(exe, path, k2, threads)
    if err:
        return None, err
    return compile_s, max(wall - probe, 0.0) / (k2 - k1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=2.0,
                    help="time each layer for at least this long (default 2)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--voskhod", metavar="EXE",
                    help="a built voskhod to run instead of building --build")
    ap.add_argument("--no-voskhod", action="store_true", help="PyTorch only")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["MKL_NUM_THREADS"] = str(args.threads)
    import torch
    print("load average before: %s on %d cores; %d thread(s); PyTorch %s (oneDNN %s)"
          % (loadavg(), os.cpu_count(), args.threads, torch.__version__,
             torch.backends.mkldnn.is_available()), flush=True)
    exe = None if args.no_voskhod else (args.voskhod or build(args.build))

    rows = []
    for name, shape in LAYERS.items():
        gflop = flops(*shape) / 1e9
        t = torch_step_s(shape, args.threads, args.seconds)
        print("  pytorch %s: %.2f ms/step, %.1f GFLOP/s; load average %s"
              % (name, t * 1e3, gflop / t, loadavg()), flush=True)
        v = compile_s = None
        if exe:
            path = os.path.join(LAYERS_DIR, name + ".vg")
            compile_s, v = voskhod_step_s(exe, path, args.threads, args.seconds)
            if compile_s is None:
                print("  voskhod %s skipped, it does not compile:\n    %s"
                      % (name, v.replace("\n", "\n    ")), flush=True)
                v = None
            else:
                print("  voskhod %s: %.2f ms/step, %.1f GFLOP/s, compile %.2f s"
                      % (name, v * 1e3, gflop / v if v else float("inf"), compile_s),
                      flush=True)
        rows.append((name, shape, gflop, t, v, compile_s))

    print()
    print("| layer | N, C->O, HxW | GFLOP/step | PyTorch ms | PyTorch GFLOP/s | "
          "voskhod ms | voskhod GFLOP/s | voskhod / PyTorch time | voskhod compile s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (n, c, o, h), gflop, t, v, compile_s in rows:
        vs = ("%.2f | %.1f | %.2f | %.2f" % (v * 1e3, gflop / v, v / t, compile_s)
              if v else "- | - | - | -")
        print("| %s | %d, %d->%d, %dx%d | %.3f | %.2f | %.1f | %s |"
              % (name, n, c, o, h, h, gflop, t * 1e3, gflop / t, vs))

    if exe:
        if not os.path.exists(CNN):
            print("CNN compile time: %s does not exist yet" % os.path.relpath(CNN, ROOT))
        else:
            wall, err = voskhod_wall(exe, CNN, 1, args.threads)
            if err:
                print("CNN compile time: voskhod cannot train %s:\n%s"
                      % (os.path.relpath(CNN, ROOT), err))
            else:
                print("CNN step, `voskhod train %s --steps 1` (compile, "
                      "initialisation, one step): %.2f s"
                      % (os.path.relpath(CNN, ROOT), wall))


if __name__ == "__main__":
    sys.exit(main())
