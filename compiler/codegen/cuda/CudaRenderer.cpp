//===- compiler/codegen/cuda/CudaRenderer.cpp - kernel IR to CUDA C++ -----===//
#include "compiler/codegen/cuda/CudaRenderer.h"

#include "compiler/codegen/cuda/CudaGemm.h"
#include "compiler/codegen/cuda/KernelContext.h"
#include "compiler/kernel/KernelDescription.h"
#include "compiler/kernel/KernelSignature.h"
#include "compiler/kernel/LoopCollapse.h"
#include "support/InternalCheck.h"
#include "support/Philox.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>
#include <unordered_map>

namespace voskhod::cuda {
using namespace kernel;
using kernel::DType;
using rt::cuda::KernelLaunch;
using rt::cuda::LaunchArg;

namespace {

unsigned blocksFor(int64_t work, int64_t perBlock) {
  return unsigned(
      std::clamp<int64_t>((work + perBlock - 1) / perBlock, 1, kMaxBlocks));
}

/// Declares the group indices of linear index `linear` (groups outermost
/// first; the last group counts in steps of `lanes`), only those `used`
/// mentions. Group g's index is named `names[g]`.
void unflatten(CodeWriter &w, const KernelContext &ctx,
               const std::vector<DimGroup> &groups,
               const std::vector<std::string> &names, const std::string &linear,
               unsigned lanes, const std::string &used) {
  const std::string &it = ctx.indexType();
  auto scaled = [&](size_t g, const std::string &x) {
    return g + 1 == groups.size() && lanes > 1
               ? "(" + x + ") * " + ctx.index(lanes)
               : x;
  };
  if (groups.empty())
    return;
  bool anyUsed = false;
  for (const std::string &n : names)
    anyUsed |= mentions(used, n);
  if (!anyUsed)
    return;
  if (groups.size() == 1) {
    w.line("const " + it + " " + names[0] + " = " + scaled(0, linear) + ";");
    return;
  }
  std::string rest = "r_" + names[0];
  w.line(it + " " + rest + " = " + linear + ";");
  for (size_t g = groups.size(); g-- > 1;) {
    int64_t size = groups[g].size / (g + 1 == groups.size() ? lanes : 1);
    if (mentions(used, names[g]))
      w.line("const " + it + " " + names[g] + " = " +
             scaled(g, rest + " % " + ctx.index(size)) + ";");
    w.line(rest + " /= " + ctx.index(size) + ";");
  }
  if (mentions(used, names[0]))
    w.line("const " + it + " " + names[0] + " = " + rest + ";");
  else
    w.line("(void)" + rest + ";");
}

std::vector<std::string> groupNames(const char *stem, size_t n) {
  std::vector<std::string> out;
  for (size_t g = 0; g < n; ++g)
    out.push_back(stem + std::to_string(g));
  return out;
}

// ---- loop kernels -------------------------------------------------------

void renderLoop(KernelContext &ctx, CodeWriter &w,
                std::vector<KernelLaunch> &launches) {
  const Kernel &k = ctx.kernel();
  const std::string &it = ctx.indexType();
  LoopAccesses uses;
  uses.addBody(k.body);
  uses.addStores(k.stores);
  int rank = int(k.domain.size());
  std::vector<DimGroup> groups = collapse(k.domain, 0, rank, uses);
  std::vector<std::string> names = groupNames("i", groups.size());
  Point point;
  point.dimIndex.assign(size_t(rank), "");
  for (size_t g = 0; g < groups.size(); ++g)
    point.dimIndex[groups[g].inner()] = names[g];
  // Four lanes when the innermost group splits evenly and some access moves
  // as a vector.
  if (!groups.empty() && groups.back().size % 4 == 0) {
    Point four = point;
    four.lanes = 4;
    four.laneDim = groups.back().inner();
    for (const Access *a : uses.accesses)
      if (ctx.vectorAccess(*a, four))
        point = four;
  }
  int64_t units = product(groups) / point.lanes;

  CodeWriter body(w.depth() + 2);
  std::vector<int> roots = KernelContext::storeRoots(k.stores);
  BodyValues v = ctx.renderBody(body, k.body, point, roots);
  for (const Store &s : k.stores)
    ctx.renderStore(body, s, v, point);

  w.open(ctx.signature(kBlockThreads));
  w.open("for (" + it + " i = blockIdx.x * " + it + "(blockDim.x) + " +
         "threadIdx.x; i < " + ctx.index(units) + "; i += " + it +
         "(gridDim.x) * blockDim.x)");
  unflatten(w, ctx, groups, names, "i", point.lanes, body.text());
  w.append(body);
  w.close();
  w.close();
  launches.push_back({ctx.functionName(), blocksFor(units, kBlockThreads),
                      kBlockThreads, 0, ctx.launchArgs()});
}

// ---- reduction kernels --------------------------------------------------

/// How a reduction's rows map onto a block of kBlockThreads threads: R
/// rows per block, T threads per row. Lane-major blocks give each row T
/// consecutive threads (T <= 32 reduce by warp shuffles, T = 256 through
/// shared memory too); row-major blocks give consecutive threads
/// consecutive rows, for rows that are the contiguous dimension.
struct RowMapping {
  unsigned rowsPerBlock = 1, threadsPerRow = kBlockThreads;
  bool rowMajor = false;
};

unsigned nextPowerOfTwo(int64_t n) {
  unsigned p = 1;
  while (p < n && p < 32)
    p *= 2;
  return p;
}

RowMapping chooseRowMapping(int64_t rows, int64_t inner, bool rowsContiguous,
                            bool innerContiguous) {
  RowMapping m;
  if (rows >= 32 && rowsContiguous && !innerContiguous && inner > 1) {
    m.rowMajor = true;
    m.rowsPerBlock = 32;
    m.threadsPerRow = kBlockThreads / 32;
    return m;
  }
  if (inner <= 32) {
    m.threadsPerRow = nextPowerOfTwo(inner);
  } else {
    bool fewRows = rows * 32 < 16384;
    m.threadsPerRow =
        (fewRows && inner >= 512) || inner > 4096 ? kBlockThreads : 32;
  }
  m.rowsPerBlock = kBlockThreads / m.threadsPerRow;
  return m;
}

std::string sharedName(DType t) {
  return std::string("red_") + std::string(kernel::dtypeName(t));
}

/// Leaves in every thread of a row the row's combined `acc`.
void reduceAcrossRow(CodeWriter &w, const RowMapping &m, ScalarOp combine,
                     DType t, const std::string &acc) {
  unsigned T = m.threadsPerRow;
  if (T == 1)
    return;
  std::string red = sharedName(t);
  if (m.rowMajor) {
    w.line(red + "[threadIdx.x] = " + acc + ";");
    w.line("__syncthreads();");
    w.line(acc + " = " + red + "[row_in_block];");
    w.open("for (unsigned l = 1; l < " + std::to_string(T) + "u; ++l)");
    w.line(acc + " = " +
           binaryExpression(combine, t, acc,
                            red + "[l * " + std::to_string(m.rowsPerBlock) +
                                "u + row_in_block]") +
           ";");
    w.close();
    w.line("__syncthreads();");
    return;
  }
  unsigned width = std::min(T, 32u);
  w.open("for (int o = " + std::to_string(width / 2) + "; o > 0; o /= 2)");
  w.line("const " + std::string(valueTypeName(t)) +
         " other = __shfl_xor_sync(0xffffffffu, " + acc + ", o);");
  w.line(acc + " = " + binaryExpression(combine, t, acc, "other") + ";");
  w.close();
  if (T <= 32)
    return;
  w.line("if ((threadIdx.x & 31u) == 0) " + red +
         "[threadIdx.x >> 5] = " + acc + ";");
  w.line("__syncthreads();");
  w.line(acc + " = " + red + "[0];");
  w.open("for (unsigned l = 1; l < " + std::to_string(T / 32) + "u; ++l)");
  w.line(acc + " = " + binaryExpression(combine, t, acc, red + "[l]") + ";");
  w.close();
  w.line("__syncthreads();");
}

void renderReductionTotal(KernelContext &ctx, CodeWriter &w,
                          std::vector<KernelLaunch> &launches, int64_t rows);

void renderReduction(KernelContext &ctx, CodeWriter &w,
                     std::vector<KernelLaunch> &launches) {
  const Kernel &k = ctx.kernel();
  const std::string &it = ctx.indexType();
  int rank = int(k.domain.size()), numOuter = k.numOuter;

  // Inner dims: what the phases touch; outer dims: that and the row body.
  LoopAccesses phaseUses;
  for (const Phase &ph : k.phases) {
    phaseUses.addBody(ph.body);
    phaseUses.addStores(ph.stores);
  }
  LoopAccesses allUses = phaseUses;
  allUses.addBody(k.body);
  allUses.addStores(k.stores);
  std::vector<DimGroup> outer = collapse(k.domain, 0, numOuter, allUses);
  std::vector<DimGroup> inner = collapse(k.domain, numOuter, rank, phaseUses);
  int64_t rows = product(outer), innerCount = product(inner);

  auto contiguousAlong = [&](const std::vector<DimGroup> &groups) {
    if (groups.empty())
      return false;
    int d = groups.back().inner();
    for (const Phase &ph : k.phases)
      for (const Inst &in : ph.body.insts)
        if (in.op == ScalarOp::Load) {
          const Access &a = ph.body.accesses[in.access];
          if (d < int(a.strides.size()) && a.strides[d] == 1)
            return true;
        }
    return false;
  };
  RowMapping m = chooseRowMapping(rows, innerCount, contiguousAlong(outer),
                                  contiguousAlong(inner));
  std::string R = std::to_string(m.rowsPerBlock) + "u";
  std::string T = std::to_string(m.threadsPerRow) + "u";

  std::vector<std::string> outerNames = groupNames("o", outer.size());
  std::vector<std::string> innerNames = groupNames("j", inner.size());
  Point rowPoint;
  rowPoint.dimIndex.assign(size_t(rank), "");
  for (size_t g = 0; g < outer.size(); ++g)
    rowPoint.dimIndex[outer[g].inner()] = outerNames[g];
  Point innerPoint = rowPoint;
  for (size_t g = 0; g < inner.size(); ++g)
    innerPoint.dimIndex[inner[g].inner()] = innerNames[g];

  // The row's work, rendered first so the indices it needs are known.
  CodeWriter rowWork(w.depth() + 2);
  std::set<DType> sharedTypes;
  std::vector<std::string> rowValues;
  for (size_t pi = 0; pi < k.phases.size(); ++pi) {
    const Phase &ph = k.phases[pi];
    innerPoint.rowValues = rowValues;
    std::string loop = "for (" + it + " j = lane; j < " +
                       ctx.index(innerCount) + "; j += " + T + ")";
    if (ph.kind == PhaseKind::Map) {
      rowWork.open("if (valid)").open(loop);
      CodeWriter body(rowWork.depth());
      BodyValues v = ctx.renderBody(body, ph.body, innerPoint,
                                    KernelContext::storeRoots(ph.stores));
      for (const Store &s : ph.stores)
        ctx.renderStore(body, s, v, innerPoint);
      unflatten(rowWork, ctx, inner, innerNames, "j", 1, body.text());
      rowWork.append(body).close().close();
      rowWork.line("__syncthreads();");
      rowValues.push_back("");
      continue;
    }
    DType t = ph.body.insts[ph.value].dtype;
    VOSKHOD_CHECK(t != DType::I1) << "accumulating booleans";
    std::string acc = "acc" + std::to_string(pi);
    double init = foldIdentity(ph.combine, t);
    rowWork.line(std::string(valueTypeName(t)) + " " + acc + " = " +
                 literal(t, init) + ";");
    rowWork.open("if (valid)").open(loop);
    CodeWriter body(rowWork.depth());
    BodyValues v = ctx.renderBody(body, ph.body, innerPoint, {ph.value});
    body.line(acc + " = " +
              binaryExpression(ph.combine, t, acc, v[ph.value][0]) + ";");
    unflatten(rowWork, ctx, inner, innerNames, "j", 1, body.text());
    rowWork.append(body).close().close();
    reduceAcrossRow(rowWork, m, ph.combine, t, acc);
    if (m.threadsPerRow > 1 && (m.rowMajor || m.threadsPerRow > 32))
      sharedTypes.insert(t);
    rowValues.push_back(acc);
  }
  rowPoint.rowValues = rowValues;
  {
    rowWork.open("if (valid && lane == 0)");
    CodeWriter body(rowWork.depth());
    std::vector<int> roots = KernelContext::storeRoots(k.stores);
    if (k.totalValue >= 0)
      roots.push_back(k.totalValue);
    BodyValues v = ctx.renderBody(body, k.body, rowPoint, roots);
    for (const Store &s : k.stores)
      ctx.renderStore(body, s, v, rowPoint);
    if (k.totalValue >= 0)
      body.line(ctx.pointer(k.totalScratch) + "[row] = " + v[k.totalValue][0] +
                ";");
    rowWork.append(body).close();
  }

  w.open(ctx.signature(kBlockThreads));
  for (DType t : sharedTypes)
    w.line("__shared__ " + std::string(valueTypeName(t)) + " " + sharedName(t) +
           "[" +
           std::to_string(m.rowMajor ? kBlockThreads : kBlockThreads / 32) +
           "];");
  if (m.rowMajor) {
    w.line("const unsigned row_in_block = threadIdx.x % " + R + ";");
    w.line("const unsigned lane = threadIdx.x / " + R + ";");
  } else {
    w.line("const unsigned row_in_block = threadIdx.x / " + T + ";");
    w.line("const unsigned lane = threadIdx.x % " + T + ";");
  }
  // Every thread runs every iteration (rows past the end do no memory
  // work), so shuffles and barriers see the whole block.
  w.open("for (" + it + " first = " + it + "(blockIdx.x) * " + R +
         "; first < " + ctx.index(rows) + "; first += " + it +
         "(gridDim.x) * " + R + ")");
  w.line("const " + it + " row = first + row_in_block;");
  w.line("const bool valid = row < " + ctx.index(rows) + ";");
  unflatten(w, ctx, outer, outerNames, "row", 1, rowWork.text());
  w.append(rowWork);
  w.close();
  w.close();
  launches.push_back({ctx.functionName(), blocksFor(rows, m.rowsPerBlock),
                      kBlockThreads, 0, ctx.launchArgs()});
  if (k.totalValue >= 0)
    renderReductionTotal(ctx, w, launches, rows);
}

/// The loss mean's second stage: one block sums the rows' values in a fixed
/// order and scales the sum.
void renderReductionTotal(KernelContext &ctx, CodeWriter &w,
                          std::vector<KernelLaunch> &launches, int64_t rows) {
  const Kernel &k = ctx.kernel();
  const KernelProgram &p = ctx.program();
  DType t = p.buffers[k.totalScratch].type.dtype;
  DType outType = p.buffers[k.totalStore.buffer].type.dtype;
  const char *vt = valueTypeName(t);
  std::string name = ctx.functionName() + "_total";
  w.line("");
  w.open("extern \"C\" __global__ void __launch_bounds__(" +
         std::to_string(kBlockThreads) + ") " + name + "(const " +
         storageTypeName(t) + " *__restrict__ rows, " +
         storageTypeName(outType) + " *__restrict__ out)");
  w.line("__shared__ " + std::string(vt) + " " + sharedName(t) + "[" +
         std::to_string(kBlockThreads / 32) + "];");
  w.line(std::string(vt) + " acc = " + literal(t, 0) + ";");
  w.open("for (unsigned r = threadIdx.x; r < " + std::to_string(rows) +
         "u; r += " + std::to_string(kBlockThreads) + "u)");
  w.line("acc += rows[r];");
  w.close();
  RowMapping block;
  reduceAcrossRow(w, block, ScalarOp::Add, t, "acc");
  w.open("if (threadIdx.x == 0)");
  w.line("out[" + std::to_string(k.totalStore.offset) +
         "] = " + std::string(valueTypeName(outType)) + "(acc * " +
         literal(t, k.totalScale) + ");");
  w.close();
  w.close();
  launches.push_back(
      {name,
       1,
       kBlockThreads,
       0,
       {ctx.launchArg(k.totalScratch), ctx.launchArg(k.totalStore.buffer)}});
}

// ---- constants ----------------------------------------------------------

void renderConstant(CodeWriter &w, const Buffer &b, const std::string &name) {
  DType t = b.type.dtype;
  const char *bitsType = t == DType::F64  ? "unsigned long long"
                         : t == DType::I1 ? "unsigned char"
                                          : "unsigned int";
  std::string values;
  for (size_t i = 0; i < b.constValues.size(); ++i) {
    double v = b.constValues[i];
    char text[32];
    switch (t) {
    case DType::F32: {
      float f = float(v);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      std::snprintf(text, sizeof text, "0x%08xu", bits);
      break;
    }
    case DType::F64: {
      uint64_t bits;
      std::memcpy(&bits, &v, 8);
      std::snprintf(text, sizeof text, "0x%016llxull",
                    (unsigned long long)bits);
      break;
    }
    case DType::I32:
      std::snprintf(text, sizeof text, "0x%08xu", uint32_t(int32_t(v)));
      break;
    case DType::I1:
      std::snprintf(text, sizeof text, "%d", v != 0 ? 1 : 0);
      break;
    }
    values += (i ? (i % 8 ? ", " : ",\n    ") : "") + std::string(text);
  }
  w.line("// " + b.name + ": " + b.type.str());
  w.line("__device__ __align__(16) const " + std::string(bitsType) + " " +
         name + "[" +
         std::to_string(std::max<size_t>(1, b.constValues.size())) + "] = {" +
         (values.empty() ? "0" : values) + "};");
}

} // namespace

std::string cudaPreamble() {
  // vk_dropout_draw is support/Philox.h's dropoutDraw, round for round.
  std::ostringstream os;
  os << std::hex << std::showbase;
  os << "// Generated by voskhod: CUDA C++ for NVRTC. Every size is a "
        "literal;\n// kernels take only pointers.\n"
        "__device__ __forceinline__ int vk_dropout_draw(unsigned k0, "
        "unsigned c1,\n    unsigned c0, unsigned c2) {\n"
        "  unsigned c3 = 0u, k1 = 0u;\n"
        "  for (int round = 0; round < 10; ++round) {\n"
     << "    const unsigned hi0 = __umulhi(" << kPhiloxM0
     << "u, c0), lo0 = " << kPhiloxM0 << "u * c0;\n"
     << "    const unsigned hi1 = __umulhi(" << kPhiloxM1
     << "u, c2), lo1 = " << kPhiloxM1 << "u * c2;\n"
     << "    c0 = hi1 ^ c1 ^ k0;\n    c2 = hi0 ^ c3 ^ k1;\n"
        "    c1 = lo1;\n    c3 = lo0;\n"
     << "    k0 += " << kPhiloxW0 << "u;\n    k1 += " << kPhiloxW1 << "u;\n"
     << "  }\n  return int(c0 >> 8);\n}\n";
  return os.str();
}

namespace {

/// A kernel's storages as launch arguments, in kernelStorages order; a
/// constant (a module global, not an argument) as external -2 with its id.
std::vector<LaunchArg> storageArgs(const KernelProgram &program,
                                   const ProgramIndex &index,
                                   const std::vector<int> &storages) {
  std::vector<LaunchArg> out;
  for (int s : storages)
    out.push_back(program.buffers[s].kind == BufferKind::Const
                      ? LaunchArg{-2, s}
                      : index.launchArg(s));
  return out;
}

/// Kernels of equal signature that read the same constants compute the
/// same function of their pointer arguments; the key says both.
std::string renderKey(const KernelProgram &program, const Kernel &k,
                      const std::vector<LaunchArg> &args) {
  std::string key = kernelSignature(program, k);
  for (const LaunchArg &a : args)
    if (a.external == -2)
      key += "|c" + std::to_string(a.arenaOffset);
  return key;
}

/// The launches a rendered kernel pushed, and the storages it was rendered
/// for, so a kernel of the same key reuses its functions.
struct RenderedKernel {
  size_t firstLaunch = 0, numLaunches = 0;
  std::vector<LaunchArg> args;
};

/// `rendered`'s launches with each argument taken from `args` at the
/// position the rendered kernel had it.
void repeatLaunches(const RenderedKernel &rendered,
                    const std::vector<LaunchArg> &args,
                    std::vector<KernelLaunch> &launches) {
  for (size_t i = 0; i < rendered.numLaunches; ++i) {
    KernelLaunch l = launches[rendered.firstLaunch + i];
    for (LaunchArg &a : l.args) {
      auto it = std::find(rendered.args.begin(), rendered.args.end(), a);
      VOSKHOD_CHECK(it != rendered.args.end())
          << "launch argument of no storage";
      a = args[size_t(it - rendered.args.begin())];
    }
    launches.push_back(std::move(l));
  }
}

} // namespace

RenderedProgram renderCudaProgram(const KernelProgram &program,
                                  const std::string &prefix) {
  RenderedProgram out;
  out.plan.numExternals = int(program.external.size());
  out.plan.arenaBytes = program.memory.arenaBytes;
  CodeWriter w;
  w.line("// ---- " + prefix + ": graph @" + program.name + " ----");
  for (const Buffer &b : program.buffers)
    if (b.kind == BufferKind::Const && program.storageOf(b.id) == b.id)
      renderConstant(w, b, constantName(prefix, b.id));
  ProgramIndex index(program);
  // Deep models repeat kernels on other buffers: each distinct kernel is
  // rendered once, so NVRTC's work grows with the distinct layers.
  std::unordered_map<std::string, RenderedKernel> rendered;
  std::vector<KernelLaunch> &launches = out.plan.launches;
  for (const Kernel &k : program.kernels) {
    InternalContext at("CUDA kernel renderer", k, describeKernel);
    std::vector<LaunchArg> args =
        storageArgs(program, index, kernelStorages(program, k));
    auto [it, isNew] = rendered.try_emplace(renderKey(program, k, args));
    if (!isNew) {
      repeatLaunches(it->second, args, launches);
      continue;
    }
    it->second.firstLaunch = launches.size();
    it->second.args = args;
    w.line("");
    std::string fused;
    for (const FusedOp &f : k.fused)
      fused += (fused.empty() ? "" : ", ") + f.op +
               (f.name.empty() ? "" : " %" + f.name);
    w.line("// " + std::string(kernelKindName(k.kind)) + " kernel " + k.name +
           ": " + fused);
    KernelContext ctx(program, index, k, prefix + "_" + identifier(k.name),
                      prefix);
    switch (k.kind) {
    case KernelKind::Loop:
      renderLoop(ctx, w, launches);
      break;
    case KernelKind::Reduction:
      renderReduction(ctx, w, launches);
      break;
    case KernelKind::Contraction:
      renderContraction(ctx, w, launches);
      break;
    }
    it->second.numLaunches = launches.size() - it->second.firstLaunch;
  }
  out.source = w.take();
  return out;
}

} // namespace voskhod::cuda
