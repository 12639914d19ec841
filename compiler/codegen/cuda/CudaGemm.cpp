//===- compiler/codegen/cuda/CudaGemm.cpp - contraction kernels as tiled GEMM //
#include "compiler/codegen/cuda/CudaGemm.h"

#include <cassert>

namespace voskhod::cuda {
using namespace kernel;
using kernel::DType;

GemmTile chooseGemmTile(int64_t m, int64_t n, int64_t k, DType t) {
  // Every tile has 256 threads. A block per SM-pair's worth of blocks on a
  // large GPU (132 SMs) is the target; register tiles shrink for doubles.
  static const GemmTile f32Tiles[] = {{128, 128, 8, 8, 8},
                                      {64, 64, 16, 4, 4},
                                      {32, 32, 16, 2, 2},
                                      {16, 16, 16, 1, 1}};
  static const GemmTile f64Tiles[] = {
      {64, 64, 8, 4, 4}, {32, 32, 16, 2, 2}, {16, 16, 16, 1, 1}};
  const GemmTile *begin =
      t == DType::F64 ? std::begin(f64Tiles) : std::begin(f32Tiles);
  const GemmTile *end =
      t == DType::F64 ? std::end(f64Tiles) : std::end(f32Tiles);
  const int64_t enough = 132;
  for (const GemmTile *g = begin; g != end; ++g) {
    int64_t blocks = ((m + g->bm - 1) / g->bm) * ((n + g->bn - 1) / g->bn);
    if (blocks >= enough)
      return *g;
  }
  (void)k;
  return *(end - 1);
}

namespace {

/// Whether some load of `body` walks dim `d` with stride 1.
bool contiguousAlong(const Body &body, int d) {
  for (const Inst &in : body.insts)
    if (in.op == ScalarOp::Load) {
      const Access &a = body.accesses[in.access];
      if (d < int(a.strides.size()) && a.strides[d] == 1)
        return true;
    }
  return false;
}

/// Renders the loop that fills shared tile `tile` ([BK][rows + pad]) with
/// operand `body` over the operand's domain (rowDim: the dim the tile's
/// second index follows, M for A and N for B; kDim: K's dim in the body;
/// `batch`: the index names of the batch dims before them).
void renderTileLoad(KernelContext &ctx, CodeWriter &w, const Body &body,
                    int value, const std::string &tile, int kDim, int rowDim,
                    int64_t rowExtent, int64_t kExtent, int rows, int bk,
                    const std::string &rowBase, DType t,
                    const std::vector<std::string> &batch) {
  const std::string &it = ctx.indexType();
  int fastDim = contiguousAlong(body, kDim) || !contiguousAlong(body, rowDim)
                    ? kDim
                    : rowDim;
  int fastTile = fastDim == kDim ? bk : rows;
  int slowTile = fastDim == kDim ? rows : bk;
  int64_t fastExtent = fastDim == kDim ? kExtent : rowExtent;

  Point point;
  point.dimIndex = batch;
  point.dimIndex.resize(batch.size() + 2);
  point.dimIndex[kDim] = "kk_g";
  point.dimIndex[rowDim] = "rr_g";
  if (fastExtent % 4 == 0 && fastTile % 4 == 0) {
    Point four = point;
    four.lanes = 4;
    four.laneDim = fastDim;
    for (const Inst &in : body.insts)
      if (in.op == ScalarOp::Load &&
          ctx.vectorAccess(body.accesses[in.access], four))
        point = four;
  }
  unsigned lanes = point.lanes;
  int perSlow = fastTile / int(lanes);
  int units = fastTile * slowTile / int(lanes);
  const char *vt = valueTypeName(t);

  w.open("for (unsigned e = threadIdx.x; e < " + std::to_string(units) +
         "u; e += blockDim.x)");
  std::string fastIdx =
      "(e % " + std::to_string(perSlow) + "u) * " + std::to_string(lanes) + "u";
  std::string slowIdx = "e / " + std::to_string(perSlow) + "u";
  bool kFast = fastDim == kDim;
  w.line("const unsigned kk = " + (kFast ? fastIdx : slowIdx) + ";");
  w.line("const unsigned rr = " + (kFast ? slowIdx : fastIdx) + ";");
  w.line("const " + it + " kk_g = k0 + kk;");
  w.line("const " + it + " rr_g = " + rowBase + " + rr;");
  for (unsigned l = 0; l < lanes; ++l)
    w.line(std::string(vt) + " x" + std::to_string(l) + " = " + literal(t, 0) +
           ";");
  w.open("if (kk_g < " + ctx.index(kExtent) + " && rr_g < " +
         ctx.index(rowExtent) + ")");
  BodyValues v = ctx.renderBody(w, body, point, {value});
  for (unsigned l = 0; l < lanes; ++l)
    w.line("x" + std::to_string(l) + " = " +
           (v[value].size() == 1 ? v[value][0] : v[value][l]) + ";");
  w.close();
  for (unsigned l = 0; l < lanes; ++l) {
    std::string ls = l ? " + " + std::to_string(l) + "u" : "";
    std::string k = "kk" + (kFast ? ls : "");
    std::string r = "rr" + (kFast ? "" : ls);
    w.line(tile + "[" + k + "][" + r + "] = x" + std::to_string(l) + ";");
  }
  w.close();
}

} // namespace

void renderContraction(KernelContext &ctx, CodeWriter &w,
                       std::vector<rt::cuda::KernelLaunch> &launches) {
  const Kernel &k = ctx.kernel();
  const std::string &it = ctx.indexType();
  size_t nb = size_t(k.numBatch);
  int64_t M = k.domain[nb], N = k.domain[nb + 1], K = k.domain[nb + 2];
  DType t = k.a.insts[k.aValue].dtype;
  for (const Inst &in : k.body.insts)
    if (in.op == ScalarOp::Acc)
      t = in.dtype;
  GemmTile g = chooseGemmTile(M, N, K, t);
  const char *vt = valueTypeName(t);
  std::string BM = std::to_string(g.bm), BN = std::to_string(g.bn);
  std::string TM = std::to_string(g.tm), TN = std::to_string(g.tn);
  std::string BK = std::to_string(g.bk);
  int64_t blocksN = (N + g.bn - 1) / g.bn, blocksM = (M + g.bm - 1) / g.bm;

  w.open(ctx.signature(g.threads()));
  // Rows padded by 4 elements: column-wise tile stores then spread over
  // banks, and rows stay 16-byte aligned for the vector reads below.
  w.line("__shared__ __align__(16) " + std::string(vt) + " As[" + BK + "][" +
         BM + " + 4];");
  w.line("__shared__ __align__(16) " + std::string(vt) + " Bs[" + BK + "][" +
         BN + " + 4];");
  w.line("const unsigned tx = threadIdx.x % " + std::to_string(g.bn / g.tn) +
         "u, ty = threadIdx.x / " + std::to_string(g.bn / g.tn) + "u;");
  // Batches stack their tiles along blockIdx.x: block x is tile
  // x % tiles of batch x / tiles, whose indices are b0, b1, ...
  int64_t batches = 1;
  for (size_t d = 0; d < nb; ++d)
    batches *= k.domain[d];
  std::string tileIdx = "blockIdx.x";
  std::vector<std::string> batch;
  if (nb > 0) {
    std::string tiles = std::to_string(blocksM * blocksN) + "u";
    w.line("const unsigned tile = blockIdx.x % " + tiles + ";");
    w.line(it + " bz = " + it + "(blockIdx.x / " + tiles + ");");
    for (size_t d = nb; d-- > 0;) {
      std::string name = "b" + std::to_string(d);
      std::string size = ctx.index(k.domain[d]);
      w.line("const " + it + " " + name + " = bz % " + size + ";");
      if (d > 0)
        w.line("bz /= " + size + ";");
    }
    for (size_t d = 0; d < nb; ++d)
      batch.push_back("b" + std::to_string(d));
    tileIdx = "tile";
  }
  w.line("const " + it + " m0 = " + it + "(" + tileIdx + " / " +
         std::to_string(blocksN) + "u) * " + BM + "u;");
  w.line("const " + it + " n0 = " + it + "(" + tileIdx + " % " +
         std::to_string(blocksN) + "u) * " + BN + "u;");
  w.line(std::string(vt) + " acc[" + TM + "][" + TN + "];");
  w.line("#pragma unroll");
  w.open("for (int i = 0; i < " + TM + "; ++i)");
  w.line("#pragma unroll");
  w.line("for (int j = 0; j < " + TN + "; ++j) acc[i][j] = " + literal(t, 0) +
         ";");
  w.close();
  w.open("for (" + it + " k0 = 0; k0 < " + ctx.index(K) + "; k0 += " + BK +
         "u)");
  int kA = int(nb) + 1, mA = int(nb), kB = int(nb), nB = int(nb) + 1;
  renderTileLoad(ctx, w, k.a, k.aValue, "As", kA, mA, M, K, g.bm, g.bk, "m0", t,
                 batch);
  renderTileLoad(ctx, w, k.b, k.bValue, "Bs", kB, nB, N, K, g.bn, g.bk, "n0", t,
                 batch);
  w.line("__syncthreads();");
  w.line("#pragma unroll");
  w.open("for (int kk = 0; kk < " + BK + "; ++kk)");
  w.line(std::string(vt) + " ra[" + TM + "], rb[" + TN + "];");
  w.line("#pragma unroll");
  w.line("for (int i = 0; i < " + TM + "; ++i) ra[i] = As[kk][ty * " + TM +
         " + i];");
  w.line("#pragma unroll");
  w.line("for (int j = 0; j < " + TN + "; ++j) rb[j] = Bs[kk][tx * " + TN +
         " + j];");
  w.line("#pragma unroll");
  w.open("for (int i = 0; i < " + TM + "; ++i)");
  w.line("#pragma unroll");
  w.line("for (int j = 0; j < " + TN + "; ++j) acc[i][j] += ra[i] * rb[j];");
  w.close();
  w.close();
  w.line("__syncthreads();");
  w.close();

  // The epilogue, four columns at a time where the stores allow.
  Point point;
  point.dimIndex = batch;
  point.dimIndex.push_back("m");
  point.dimIndex.push_back("n");
  unsigned lanes = 1;
  if (g.tn % 4 == 0 && N % 4 == 0) {
    Point four = point;
    four.lanes = 4;
    four.laneDim = int(nb) + 1;
    for (const Store &s : k.stores)
      if (ctx.vectorAccess(s.access, four))
        lanes = 4;
  }
  if (lanes == 4) {
    point.lanes = 4;
    point.laneDim = int(nb) + 1;
    point.acc = {"acc[i][j]", "acc[i][j + 1]", "acc[i][j + 2]",
                 "acc[i][j + 3]"};
  } else {
    point.acc = {"acc[i][j]"};
  }
  w.line("#pragma unroll");
  w.open("for (int i = 0; i < " + TM + "; ++i)");
  w.line("const " + it + " m = m0 + ty * " + TM + "u + i;");
  w.line("#pragma unroll");
  w.open("for (int j = 0; j < " + TN + "; j += " + std::to_string(lanes) + ")");
  w.line("const " + it + " n = n0 + tx * " + TN + "u + j;");
  w.open("if (m < " + ctx.index(M) + " && n < " + ctx.index(N) + ")");
  BodyValues v =
      ctx.renderBody(w, k.body, point, KernelContext::storeRoots(k.stores));
  for (const Store &s : k.stores)
    ctx.renderStore(w, s, v, point);
  w.close();
  w.close();
  w.close();
  w.close();
  launches.push_back({ctx.functionName(), unsigned(batches * blocksM * blocksN),
                      g.threads(), 0, ctx.launchArgs()});
}

} // namespace voskhod::cuda
