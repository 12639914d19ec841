//===- compiler/codegen/cuda/CudaRenderer.h - kernel IR to CUDA C++ -------===//
///
/// Renders a KernelProgram as CUDA C++: one `extern "C" __global__` function
/// per kernel (two for a reduction that also sums its rows into a scalar),
/// the program's constants as module globals, and the launch plan that runs
/// them in schedule order (runtime/cuda/LaunchPlan.h). Every size and stride
/// is a literal in the source, so kernels take only pointers.
///
/// The shapes, each with its elementwise prologue and epilogue inlined:
///   - loop: grid-stride, one thread per element, or per four consecutive
///     elements moved as `float4` where every contiguous access is aligned;
///   - reduction: rows spread over threads so loads coalesce (several
///     threads per row reduce through warp shuffles, or through shared
///     memory when a block owns the row; consecutive threads take
///     consecutive rows when rows are the contiguous dimension), phases in
///     order per row; a loss mean is a second, single-block kernel over the
///     rows' values (a two-stage reduction in a fixed order);
///   - contraction: a shared-memory tiled GEMM (CudaGemm.h).
/// Reductions combine in a fixed tree, and there are no atomics: the same
/// program on the same GPU gives the same bits every run.
///
/// Only accumulations may be reassociated (as on the CPU); nothing is
/// rendered with fast-math intrinsics. The renderer does not compile (see
/// NvrtcCompiler.h) and does not know about graph ops.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"
#include "runtime/cuda/LaunchPlan.h"

#include <string>

namespace voskhod::cuda {

struct RenderedProgram {
  /// The constants and kernels (without the preamble).
  std::string source;
  rt::cuda::EntryPlan plan;
};

/// Renders `program`; every global it defines starts with `prefix` (a C
/// identifier such as `voskhod_step`), so programs can share a module.
RenderedProgram renderCudaProgram(const kernel::KernelProgram &program,
                                  const std::string &prefix);

/// What a translation unit of rendered programs starts with.
std::string cudaPreamble();

} // namespace voskhod::cuda
