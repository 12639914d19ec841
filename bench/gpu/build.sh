#!/usr/bin/env bash
#===- bench/gpu/build.sh - the binaries check.sh carries to a GPU machine ===#
#
# Builds, on a machine with the project's packages (CLI11, GoogleTest, zlib,
# fmt's CMake package, the CUDA toolkit's NVRTC), the three programs the GPU
# check runs: voskhod, unit_cuda and bench_cuda. When a voskhod with the
# LLVM backend is at hand ($VOSKHOD_AOT, default build/compiler/driver/
# voskhod), a fourth: aot_gpu_app, tests/aot/cuda/gpu_app.c linked with the
# seed classifier compiled by `voskhod compile --target=cuda` for sm_90 (the
# GPU machine has no LLVM to write that object). The build leaves out the
# LLVM backend (VOSKHOD_ENABLE_LLVM=OFF) and links libstdc++, libgcc, zlib
# and GoogleTest statically, so the binaries need only glibc, libnvrtc.so.13
# and, when they run kernels, the driver's libcuda.so.1 (opened with
# dlopen). They land stripped in BUILD/bin (default build-gpu/bin), a few
# MiB in all; carry that folder to the GPU machine and run check.sh there.
#
# Usage: bench/gpu/build.sh [BUILD_DIR]
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-gpu}
jobs=${JOBS:-2}

mkdir -p "$build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVOSKHOD_ENABLE_LLVM=OFF -DZLIB_USE_STATIC_LIBS=ON \
  -DCMAKE_EXE_LINKER_FLAGS="-static-libstdc++ -static-libgcc -Wl,--as-needed" \
  >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
ninja -C "$build" -j"$jobs" voskhod unit_cuda bench_cuda

mkdir -p "$build/bin"
for target in compiler/driver/voskhod tests/unit_cuda bench/gpu/bench_cuda; do
  strip -o "$build/bin/$(basename "$target")" "$build/$target"
done
aot=${VOSKHOD_AOT:-$root/build/compiler/driver/voskhod}
if [ -x "$aot" ]; then
  mkdir -p "$build/aot"
  "$aot" compile "$root/examples/classifier.vg" --target=cuda --gpu-arch=sm_90 \
    --name gpu -o "$build/aot/gpu.o" --header "$build/aot/gpu.h"
  cc -std=c99 -O2 -Wall -Werror -I"$build/aot" "$root/tests/aot/cuda/gpu_app.c" \
    "$build/aot/gpu.o" -lm -lpthread -ldl -o "$build/bin/aot_gpu_app"
else
  echo "build.sh: no voskhod with the LLVM backend at $aot; no aot_gpu_app" >&2
fi
# Nothing but glibc (libc, libm and its libpthread, librt, libdl stubs),
# NVRTC and the loader may remain dynamic.
for bin in "$build"/bin/*; do
  extra=$(ldd "$bin" | awk '{print $1}' |
    grep -v -E '^(linux-vdso|/lib64/ld-linux|lib(c|m|pthread|rt|dl)\.so|libnvrtc\.so)' || true)
  if [ -n "$extra" ]; then
    echo "build.sh: $bin needs more than glibc and NVRTC: $extra" >&2
    exit 1
  fi
done
du -sh "$build/bin"
