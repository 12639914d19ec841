#!/usr/bin/env bash
#===- bench/gpu/check.sh - the CUDA backend on a real GPU -----------------===#
#
# Runs on a machine with an NVIDIA GPU: the CUDA execution tests (every op,
# fused pattern and training model against the float64 interpreter, graph
# replay against kernel-by-kernel launches), `voskhod train --target=cuda`
# on the seed classifier, a C program linked with the classifier's GPU
# object (aot_gpu_app, when build.sh made it), then the benchmarks: f32
# GEMM GFLOP/s against cuBLAS through PyTorch, the MLP training step
# (784→512→512→10, batch 128, Adam) against PyTorch on the same GPU, and
# the launch cost per kernel with and without the CUDA graph. It prints a
# short table last. Logs go to $OUT when it is set (else to a temporary
# folder, named at the end). It takes about 3 minutes on an H200; the
# stages' time limits add up to under 8.
#
# What the GPU machine needs: the NVIDIA driver (libcuda.so.1), CUDA 13's
# NVRTC and ptxas under $CUDA_HOME (default /usr/local/cuda), and python3
# with PyTorch for the comparison (without it the table shows voskhod's
# numbers alone). No internet, no LLVM, none of the project's packages.
#
# What travels: the binaries that bench/gpu/build.sh makes on a development
# machine, in build-gpu/bin (voskhod, unit_cuda, bench_cuda: Release builds
# without the LLVM backend, libstdc++/libgcc/zlib/GoogleTest linked in;
# they need only glibc 2.36 or newer, libnvrtc.so.13 and the driver), about
# 9 MiB. Carry build-gpu/bin, or point $VOSKHOD_GPU_BIN at another folder
# of them. When they are missing the script tries `bench/gpu/build.sh`
# there, which works only where the project's build dependencies are
# installed (and takes minutes of the budget). From a development session:
#   bench/gpu/build.sh            # here, once
#   run: bash bench/gpu/check.sh  with carry = [build-gpu/bin]
#
# Exit status: 0 when the tests passed and the benchmarks ran.
#===----------------------------------------------------------------------===#
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VOSKHOD_GPU_BIN:-$root/build-gpu/bin}
cuda=${CUDA_HOME:-/usr/local/cuda}
logs=${OUT:-$(mktemp -d /tmp/voskhod-gpu-check.XXXXXX)}
mkdir -p "$logs"
export LD_LIBRARY_PATH="$cuda/lib64:$cuda/lib:${LD_LIBRARY_PATH:-}"
export VOSKHOD_CACHE_DIR=${VOSKHOD_CACHE_DIR:-/tmp/voskhod-gpu-check-cache}
status=0

say() { echo "== $*" | tee -a "$logs/check.log"; }
run() { # run NAME SECONDS COMMAND...: logs to $logs/NAME.log
  local name=$1 limit=$2
  shift 2
  say "$name: $*"
  local t0=$SECONDS
  timeout "$limit" "$@" >"$logs/$name.log" 2>&1
  local rc=$?
  say "$name: exit $rc after $((SECONDS - t0)) s"
  return $rc
}

say "GPU: $(nvidia-smi -L 2>&1 | head -1)"
if [ ! -x "$bin/voskhod" ] || [ ! -x "$bin/unit_cuda" ] || [ ! -x "$bin/bench_cuda" ]; then
  say "no prebuilt binaries in $bin: building them here"
  if ! run build 420 "$root/bench/gpu/build.sh" "$root/build-gpu"; then
    tail -20 "$logs/build.log"
    say "cannot build here; run bench/gpu/build.sh on a development machine and carry build-gpu/bin"
    exit 1
  fi
  bin=$root/build-gpu/bin
fi

if ! run unit_cuda 200 "$bin/unit_cuda" --gtest_brief=1; then
  status=1
  tail -40 "$logs/unit_cuda.log"
fi
grep -E "PASSED|FAILED|SKIPPED" "$logs/unit_cuda.log" | tail -5

if ! run train 40 "$bin/voskhod" train "$root/examples/classifier.vg" \
    --target=cuda --steps 200 --print-every 50; then
  status=1
fi
cat "$logs/train.log"

# The AOT object for the GPU: trains, saves, loads and runs inference.
if [ -x "$bin/aot_gpu_app" ]; then
  if ! run aot_gpu 30 "$bin/aot_gpu_app" "$logs/aot_gpu.safetensors"; then
    status=1
  fi
  cat "$logs/aot_gpu.log"
else
  say "aot_gpu: no aot_gpu_app in $bin (build.sh makes it where LLVM is)"
fi

run bench_cuda 120 "$bin/bench_cuda" || status=1
run torch 100 python3 "$root/bench/gpu/torch_bench.py" ||
  echo '{"kind": "error", "message": "the PyTorch benchmark failed (see torch.log)"}' >>"$logs/torch.log"

echo
python3 "$root/bench/gpu/table.py" "$logs/bench_cuda.log" "$logs/torch.log" |
  tee "$logs/table.txt"
echo "logs: $logs"
exit $status
