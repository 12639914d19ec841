//===- compiler/codegen/cuda/CudaGemm.h - contraction kernels as tiled GEMM //
///
/// C[m, n] = epilogue(Σ_k A(m, k) · B(k, n)) as one CUDA kernel. A block owns
/// a BM×BN tile of C; per step of BK along k its threads evaluate the A and
/// B prologue bodies (loads with transposes folded into strides, plus
/// elementwise work such as a ReLU mask) for the BM×BK and BK×BN tiles into
/// shared memory, with coalesced and, where contiguous and aligned, 4-wide
/// global loads; then each thread accumulates a TM×TN register tile from
/// shared memory. The epilogue body runs on the register tile as it is
/// written out (bias, activation, an optimiser update in place), 4-wide
/// where the stores allow.
///
/// Tile sizes are chosen per shape: the largest tile that still gives the
/// GPU enough blocks. Accumulation order along k is fixed, so results are
/// deterministic. Tensor-core (TF32/BF16 mma) variants are not here.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/cuda/KernelContext.h"

#include <vector>

namespace voskhod::cuda {

struct GemmTile {
  int bm, bn, bk, tm, tn;
  unsigned threads() const { return unsigned((bm / tm) * (bn / tn)); }
};

GemmTile chooseGemmTile(int64_t m, int64_t n, int64_t k, kernel::DType t);

void renderContraction(KernelContext &ctx, CodeWriter &w,
                       std::vector<rt::cuda::KernelLaunch> &launches);

} // namespace voskhod::cuda
