#!/usr/bin/env python3
"""The check script's last words: voskhod's and PyTorch's numbers side by side.

Usage: table.py VOSKHOD.jsonl TORCH.jsonl
"""
import json
import sys


def load(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    rows.append(json.loads(line))
    except OSError:
        pass
    return rows


def main():
    ours, theirs = load(sys.argv[1]), load(sys.argv[2])
    their_gemm = {(r["m"], r["n"], r["k"]): r for r in theirs if r["kind"] == "gemm"}
    lines = []
    for r in ours:
        if r["kind"] == "device":
            lines.append(f"device: {r['name']} ({r['arch']})")
    lines.append(f"{'measurement':<34}{'voskhod':>12}{'pytorch':>12}{'ratio':>8}")

    def row(label, a, b, unit):
        ratio = f"{a / b:.2f}" if a and b else "-"
        bs = f"{b:.3f}" if b else "-"
        lines.append(f"{label + ' (' + unit + ')':<34}{a:>12.3f}{bs:>12}{ratio:>8}")

    for r in ours:
        if r["kind"] == "gemm":
            key = (r["m"], r["n"], r["k"])
            t = their_gemm.get(key, {})
            row(f"gemm {key[0]}x{key[1]}x{key[2]}", r["gflops"],
                t.get("gflops"), "GFLOP/s")
    mlp = next((r for r in ours if r["kind"] == "mlp_step"), None)
    tm = next((r for r in theirs if r["kind"] == "mlp_step"), {})
    if mlp:
        row("mlp step, graph", mlp["graph_ms"], tm.get("graph_ms"), "ms")
        row("mlp step, eager launches", mlp["eager_ms"], tm.get("eager_ms"), "ms")
        row("mlp step, batch up + loss down", mlp["host_sync_ms"],
            tm.get("fused_adam_ms"), "ms")
        lines.append(f"  ({mlp['launches']} kernels per voskhod step; pytorch "
                     "columns: CUDA graph, eager Adam, eager fused Adam)")
    launch = next((r for r in ours if r["kind"] == "launch"), None)
    if launch:
        lines.append(f"launch cost per kernel (tiny step, {launch['launches']} "
                     f"kernels): graph {launch['graph_us_per_kernel']:.2f} us, "
                     f"eager {launch['eager_us_per_kernel']:.2f} us")
    if not any(r["kind"] == "gemm" for r in ours):
        lines.append("voskhod: no numbers (see bench_cuda.log)")
    for r in theirs:
        if r["kind"] == "error":
            lines.append("pytorch: " + r["message"])
    print("\n".join(lines))


if __name__ == "__main__":
    main()
