#!/usr/bin/env bash
# GFLOP/s of voskhod's emitted GEMM next to OpenBLAS sgemm (through numpy)
# and the measured single-core FMA peak, all in the same run.
#   bench/gemm/run.sh [THREADS]      (default 1)
# Builds the driver with the host compiler against LLVM 16; needs
# python3-numpy for the OpenBLAS column (the column is skipped without it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="${1:-1}"
out="${TMPDIR:-/tmp}/voskhod-gemm-bench"
mkdir -p "$out"

c++ -std=c++20 -O2 -DNDEBUG -I"$root" $(llvm-config-16 --cxxflags | sed 's/-std=[^ ]*//; s/-fno-exceptions//') \
  "$here/GemmBench.cpp" "$root/compiler/codegen/llvm/GemmEmitter.cpp" \
  "$root/compiler/codegen/llvm/LoopHints.cpp" \
  "$root/runtime/ThreadPool.cpp" \
  $(llvm-config-16 --ldflags) -lLLVM-16 -lpthread -o "$out/gemm-bench"

VOSKHOD_NUM_THREADS="$threads" "$out/gemm-bench" "$threads" > "$out/voskhod.txt"

# OpenBLAS picks its kernels from OPENBLAS_CORETYPE when set; unset it here
# so it uses the host's own.
# Debian's python3-numpy belongs to the system interpreter.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS="$threads" "$py" - "$out/voskhod.txt" <<'PY'
import sys, time
lines = [l.split() for l in open(sys.argv[1])]
try:
    import numpy as np
except ImportError:
    np = None

def blas_gflops(m, n, k, layout):
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (k, m) if layout[0] == 'T' else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if layout[1] == 'T' else (k, n)).astype(np.float32)
    A = a.T if layout[0] == 'T' else a
    B = b.T if layout[1] == 'T' else b
    c = np.empty((m, n), np.float32)
    np.matmul(A, B, out=c)
    best, total, reps = 1e30, 0.0, 0
    while total < 0.2 or reps < 3:
        t = time.perf_counter(); np.matmul(A, B, out=c); s = time.perf_counter() - t
        best = min(best, s); total += s; reps += 1
    return 2.0 * m * n * k / best / 1e9

peak = None
for l in lines:
    if l[0] in ('tuning', 'compile'):
        print(' '.join(l))
    if l[0] == 'peak':
        peak = float(l[2])
threads = None
print(f"FMA peak, one core: {peak:.1f} GFLOP/s")
print(f"{'shape (m x n x k)':>20} {'layout':>6} {'thr':>3} {'voskhod':>9} {'openblas':>9} {'ratio':>6} {'%peak':>6}")
for l in lines:
    if l[0] != 'gemm':
        continue
    m, n, k, layout, thr, g = int(l[1]), int(l[2]), int(l[3]), l[4], int(l[5]), float(l[6])
    blas = blas_gflops(m, n, k, layout) if np is not None else float('nan')
    ratio = g / blas if np is not None else float('nan')
    pct = 100.0 * g / (peak * thr) if peak else float('nan')
    print(f"{f'{m}x{n}x{k}':>20} {layout:>6} {thr:>3} {g:9.1f} {blas:9.1f} {ratio:6.2f} {pct:6.1f}")
PY
