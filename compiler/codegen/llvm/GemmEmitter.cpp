//===- compiler/codegen/llvm/GemmEmitter.cpp - packed GEMM in LLVM IR -----===//
///
/// Emitted pieces, all in the caller's module. Shared by every GEMM of the
/// module with the same element type and register tile (SHARED is
/// `voskhod.gemm.<f32|f64>.v<bits>.mr<MR>.nv<NV>`), shape-generic, with the
/// sizes as runtime values:
///   SHARED.blocks   the block driver: for each block of C, for each KC slice
///                   of K, pack the B and A slices through the pack functions
///                   named in its context, run the tile over every MR x NR
///                   tile, and after the last slice the epilogue function;
///   SHARED.tile     the register tile: MR x NR accumulators, one broadcast
///                   of A and NR/W vector loads of B per k, `llvm.fma` each;
///   SHARED.packR.along / .across   hook-free panel packing.
/// Per GEMM, only what its shape or hooks make different:
///   NAME            fills the context (sizes, blocking, pack and epilogue
///                   functions, the extra pointers) and runs SHARED.blocks
///                   over the blocks (through voskhod_parallel_for when there
///                   is more than one), or holds the unpacked loop nest for
///                   tiny products;
///   NAME.packA / NAME.packB   packing with the operand's prologue;
///   NAME.epilogue   the epilogue over a finished tile.
/// So a module with twenty GEMMs compiles one microkernel, and the code is
/// explicit vector IR whose loops opt out of the loop vectoriser and the
/// unroller: the kernel pipeline (HostTarget.h) leaves it as written.
///
/// Edge tiles (fewer than MR rows or NR columns left) run the same tile code
/// on a small local buffer that is copied in from and out to C, so the
/// arithmetic per element never changes: every path is the same fma chain
/// over k in increasing order, partial sums travelling through C between KC
/// slices (an f32 store and load is exact).
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/llvm/GemmEmitter.h"

#include "compiler/codegen/llvm/LoopHints.h"

#include "support/InternalCheck.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <string>
#include <unistd.h>

using namespace llvm;

namespace voskhod::codegen {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

int64_t cacheBytes(int name, int64_t fallback) {
  long bytes = sysconf(name);
  return bytes > 0 ? int64_t(bytes) : fallback;
}

} // namespace

// The blocking is decided when the module is emitted, from the machine doing
// the emitting: the JIT runs where it compiles, and an AOT object for another
// machine still computes correctly with slightly wrong block sizes. Fixed
// fallbacks (32 KiB L1, 512 KiB L2, 8 MiB L3) cover systems where sysconf
// does not know the caches.
GemmTuning GemmTuning::forHost(GemmElement element) {
  GemmTuning t;
  StringMap<bool> features;
  sys::getHostCPUFeatures(features);
  if (features.lookup("avx512f")) {
    t.vectorBits = 512;
    // 32 vector registers: 12 x 2 accumulators + 2 B vectors + 1 broadcast.
    t.mr = 12;
  } else if (features.lookup("avx")) {
    t.vectorBits = 256;
    // 16 vector registers: 6 x 2 accumulators + 2 B vectors + 1 broadcast.
    t.mr = 6;
  } else {
    t.vectorBits = 128;
    t.mr = 6;
  }
  t.nrVectors = 2;
  int64_t elementBytes = element == GemmElement::F32 ? 4 : 8;
  int64_t lanes = t.vectorBits / 8 / elementBytes;
  int64_t nr = lanes * t.nrVectors;
  int64_t l1 = cacheBytes(_SC_LEVEL1_DCACHE_SIZE, 32 << 10);
  int64_t l2 = cacheBytes(_SC_LEVEL2_CACHE_SIZE, 512 << 10);
  int64_t l3 = cacheBytes(_SC_LEVEL3_CACHE_SIZE, 8 << 20);
  // A KC x NR micro-panel of B takes half of L1, leaving room for the A
  // micro-panel streaming through; an MC x KC block of A takes half of L2;
  // a KC x NC block of B a quarter of L3 (shared with other cores).
  t.kc = std::clamp<int64_t>(l1 / 2 / (nr * elementBytes) / 8 * 8, 64, 1024);
  t.mc = std::max<int64_t>(t.mr, l2 / 2 / (t.kc * elementBytes) / t.mr * t.mr);
  t.nc =
      std::clamp<int64_t>(l3 / 4 / (t.kc * elementBytes) / nr * nr, nr, 4096);
  return t;
}

namespace {

/// Loop metadata for loops whose vector code is written out already: the
/// loop vectoriser and the unroller leave them alone, which keeps the
/// optimiser's and the code generator's work proportional to what was
/// emitted.
MDNode *explicitLoop(LLVMContext &ctx) {
  Metadata *vectorize[] = {
      MDString::get(ctx, "llvm.loop.vectorize.width"),
      ConstantAsMetadata::get(ConstantInt::get(Type::getInt32Ty(ctx), 1))};
  Metadata *noUnroll[] = {MDString::get(ctx, "llvm.loop.unroll.disable")};
  Metadata *parts[] = {nullptr, MDNode::get(ctx, vectorize),
                       MDNode::get(ctx, noUnroll)};
  MDNode *loop = MDNode::getDistinct(ctx, parts);
  loop->replaceOperandWith(0, loop);
  return loop;
}

/// Emits `for (iv = begin; iv < end; iv += step) body(iv)` at the insertion
/// point; afterwards the builder sits after the loop. Unless `vectorise` is
/// set, the loop is marked as explicit (see explicitLoop); if it is, a
/// constant trip count that is a multiple of `lanes` leaves it to the
/// vectoriser (LoopHints.h).
void emitFor(IRBuilderBase &b, Value *begin, Value *end, int64_t step,
             function_ref<void(Value *)> body, const Twine &name = "",
             bool vectorise = false, unsigned lanes = 0) {
  Function *f = b.GetInsertBlock()->getParent();
  LLVMContext &ctx = f->getContext();
  BasicBlock *entry = b.GetInsertBlock();
  BasicBlock *loop = BasicBlock::Create(ctx, name + ".loop", f);
  BasicBlock *exit = BasicBlock::Create(ctx, name + ".exit", f);
  b.CreateCondBr(b.CreateICmpSLT(begin, end), loop, exit);
  b.SetInsertPoint(loop);
  PHINode *iv = b.CreatePHI(begin->getType(), 2, name);
  iv->addIncoming(begin, entry);
  body(iv);
  Value *next = b.CreateAdd(iv, ConstantInt::get(iv->getType(), step));
  iv->addIncoming(next, b.GetInsertBlock());
  BranchInst *latch = b.CreateCondBr(b.CreateICmpSLT(next, end), loop, exit);
  if (!vectorise) {
    latch->setMetadata(LLVMContext::MD_loop, explicitLoop(ctx));
  } else if (auto *lo = dyn_cast<ConstantInt>(begin)) {
    if (auto *hi = dyn_cast<ConstantInt>(end); hi && step == 1)
      hintVectorLoop(latch, hi->getSExtValue() - lo->getSExtValue(), lanes);
  }
  b.SetInsertPoint(exit);
}

/// Emits `if (cond) then()` and continues after it.
void emitIf(IRBuilderBase &b, Value *cond, function_ref<void()> then) {
  Function *f = b.GetInsertBlock()->getParent();
  LLVMContext &ctx = f->getContext();
  BasicBlock *thenBlock = BasicBlock::Create(ctx, "then", f);
  BasicBlock *after = BasicBlock::Create(ctx, "endif", f);
  b.CreateCondBr(cond, thenBlock, after);
  b.SetInsertPoint(thenBlock);
  then();
  b.CreateBr(after);
  b.SetInsertPoint(after);
}

/// Emits `if (cond) then() else otherwise()` and continues after it.
void emitIfElse(IRBuilderBase &b, Value *cond, function_ref<void()> then,
                function_ref<void()> otherwise) {
  Function *f = b.GetInsertBlock()->getParent();
  LLVMContext &ctx = f->getContext();
  BasicBlock *thenBlock = BasicBlock::Create(ctx, "then", f);
  BasicBlock *elseBlock = BasicBlock::Create(ctx, "else", f);
  BasicBlock *after = BasicBlock::Create(ctx, "endif", f);
  b.CreateCondBr(cond, thenBlock, elseBlock);
  b.SetInsertPoint(thenBlock);
  then();
  b.CreateBr(after);
  b.SetInsertPoint(elseBlock);
  otherwise();
  b.CreateBr(after);
  b.SetInsertPoint(after);
}

/// Which way a packed panel's source runs: along k (each panel line is a
/// contiguous run of k, as A rows or B^T rows are), or across (each k is a
/// contiguous run of panel lines, as B rows or A^T rows are).
enum class SourceRuns { AlongK, AcrossK };

/// Fields of the context the entry hands to the shared block driver.
enum ContextField : unsigned {
  CtxA,
  CtxB,
  CtxC,
  CtxExtras,
  CtxPackA,
  CtxPackB,
  CtxEpilogue,
  CtxPanel, // the shared packed B panel (shared-panel path)
  CtxM,
  CtxN,
  CtxK,
  CtxLda,
  CtxLdb,
  CtxLdc,
  CtxKc,
  CtxKBlocks,
  CtxMb,
  CtxNb,
  CtxNBlocks,
  CtxAccumulate,
  // Shared-panel path: the panel's first column and width, the K slice,
  // the columns one packing item packs, and the row blocks of A.
  CtxJc,
  CtxNcLen,
  CtxPc,
  CtxPackChunk,
  CtxMBlocks,
  CtxFieldCount
};
constexpr unsigned kFirstIntField = CtxM;

class GemmBuilder {
public:
  GemmBuilder(Module &module, StringRef name, const GemmSpec &spec)
      : module(module), ctx(module.getContext()), name(name.str()), spec(spec) {
    elem = spec.element == GemmElement::F32 ? Type::getFloatTy(ctx)
                                            : Type::getDoubleTy(ctx);
    elemBytes = spec.element == GemmElement::F32 ? 4 : 8;
    lanes = std::max<unsigned>(1, spec.tuning.vectorBits / 8 / elemBytes);
    vec = FixedVectorType::get(elem, lanes);
    mr = spec.tuning.mr;
    nv = spec.tuning.nrVectors;
    nr = int64_t(lanes) * nv;
    i64 = Type::getInt64Ty(ctx);
    ptr = PointerType::getUnqual(ctx);
    lda = spec.lda ? spec.lda : (spec.transposeA ? spec.m : spec.k);
    ldb = spec.ldb ? spec.ldb : (spec.transposeB ? spec.k : spec.n);
    ldc = spec.ldc ? spec.ldc : spec.n;
    VOSKHOD_CHECK(spec.m > 0 && spec.n > 0 && spec.k > 0) << "empty GEMM";
    VOSKHOD_CHECK(lda >= (spec.transposeA ? spec.m : spec.k))
        << "lda too small";
    VOSKHOD_CHECK(ldb >= (spec.transposeB ? spec.k : spec.n))
        << "ldb too small";
    VOSKHOD_CHECK(ldc >= spec.n) << "ldc too small";
    VOSKHOD_CHECK(mr >= 1 && nv >= 1) << "empty register tile";
    // Everything shape-independent is shared by every GEMM of the module
    // with the same element type and register tile.
    shared = "voskhod.gemm." +
             std::string(spec.element == GemmElement::F32 ? "f32" : "f64") +
             ".v" + std::to_string(spec.tuning.vectorBits) + ".mr" +
             std::to_string(mr) + ".nv" + std::to_string(nv);
    SmallVector<Type *> fields(CtxFieldCount, i64);
    for (unsigned i = 0; i < kFirstIntField; ++i)
      fields[i] = ptr;
    contextType = StructType::get(ctx, fields);
  }

  Function *emit() {
    Function *entry =
        declare(name, publicParams(), GlobalValue::ExternalLinkage);
    for (unsigned i = 0; i < 3; ++i)
      entry->addParamAttr(i, Attribute::NoAlias);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", entry));
    SmallVector<Value *> args;
    for (Argument &a : entry->args())
      args.push_back(&a);
    if (spec.m * spec.n * spec.k < spec.tuning.noPackBelow) {
      emitUnpacked(b, args);
      b.CreateRetVoid();
      return entry;
    }
    planBlocks();
    Function *packA =
        spec.prologueA ? emitPack(name + ".packA", true) : sharedPack(true);
    Function *packB =
        spec.prologueB ? emitPack(name + ".packB", false) : sharedPack(false);
    Function *epilogue = spec.epilogue ? emitEpilogue() : nullptr;

    Value *extras = b.CreateAlloca(
        ArrayType::get(ptr, std::max<unsigned>(1, spec.numExtraArgs)));
    for (unsigned i = 0; i < spec.numExtraArgs; ++i)
      b.CreateStore(args[3 + i], b.CreateConstGEP1_64(ptr, extras, i));
    Value *context = b.CreateAlloca(contextType);
    auto set = [&](unsigned field, Value *v) {
      b.CreateStore(v, b.CreateStructGEP(contextType, context, field));
    };
    set(CtxA, args[0]);
    set(CtxB, args[1]);
    set(CtxC, args[2]);
    set(CtxExtras, extras);
    set(CtxPackA, packA);
    set(CtxPackB, packB);
    set(CtxEpilogue, epilogue ? static_cast<Value *>(epilogue)
                              : ConstantPointerNull::get(ptr));
    set(CtxPanel, ConstantPointerNull::get(ptr));
    int64_t values[] = {
        spec.m, spec.n,  spec.k, lda,       ldb,     ldc,
        kc,     kBlocks, mb,     nb,        nBlocks, spec.accumulate ? 1 : 0,
        0,      0,       0,      packChunk, mBlocks};
    static_assert(std::size(values) == CtxFieldCount - kFirstIntField);
    for (unsigned i = 0; i < CtxFieldCount - kFirstIntField; ++i)
      set(kFirstIntField + i, b.getInt64(values[i]));
    if (sharePanels) {
      emitPanelLoops(b, context);
      b.CreateRetVoid();
      return entry;
    }
    Function *driver = sharedDriver();
    int64_t items = mBlocks * nBlocks;
    if (items == 1) {
      b.CreateCall(driver, {context, b.getInt64(0), b.getInt64(1)});
    } else {
      FunctionCallee parallelFor = module.getOrInsertFunction(
          "voskhod_parallel_for",
          FunctionType::get(b.getVoidTy(), {ptr, ptr, i64, i64}, false));
      b.CreateCall(parallelFor,
                   {driver, context, b.getInt64(items), b.getInt64(1)});
    }
    b.CreateRetVoid();
    return entry;
  }

private:
  SmallVector<Type *> publicParams() {
    return SmallVector<Type *>(3 + spec.numExtraArgs, ptr);
  }

  Function *declare(const std::string &fnName, ArrayRef<Type *> params,
                    GlobalValue::LinkageTypes linkage) {
    auto *type = FunctionType::get(Type::getVoidTy(ctx), params, false);
    Function *f = Function::Create(type, linkage, fnName, module);
    f->addFnAttr(Attribute::NoUnwind);
    return f;
  }

  Value *constant(double v) { return ConstantFP::get(elem, v); }

  Value *fma(IRBuilderBase &b, Value *x, Value *y, Value *acc) {
    return b.CreateIntrinsic(Intrinsic::fma, {acc->getType()}, {x, y, acc});
  }

  Value *smin(IRBuilderBase &b, Value *x, Value *y) {
    return b.CreateSelect(b.CreateICmpSLT(x, y), x, y);
  }

  Value *applyHook(IRBuilderBase &b, const GemmHook &hook, Value *value,
                   Value *row, Value *col, bool alongRow,
                   ArrayRef<Value *> extras) {
    if (!hook)
      return value;
    GemmSite site;
    site.row = row;
    site.col = col;
    site.lanes = value->getType()->isVectorTy()
                     ? cast<FixedVectorType>(value->getType())->getNumElements()
                     : 1;
    site.lanesAlongRow = alongRow;
    site.extras = extras;
    Value *out = hook(b, value, site);
    VOSKHOD_CHECK(out && out->getType() == value->getType())
        << "a GEMM hook must return a value of its argument's type";
    return out;
  }

  /// Stored-matrix address of logical A(m, k) / B(k, n).
  Value *addressA(IRBuilderBase &b, Value *base, Value *m, Value *k) {
    return spec.transposeA ? at(b, base, k, m, lda) : at(b, base, m, k, lda);
  }
  Value *addressB(IRBuilderBase &b, Value *base, Value *k, Value *n) {
    return spec.transposeB ? at(b, base, n, k, ldb) : at(b, base, k, n, ldb);
  }
  Value *at(IRBuilderBase &b, Value *base, Value *row, Value *col, int64_t ld) {
    return at(b, base, row, col, b.getInt64(ld));
  }
  Value *at(IRBuilderBase &b, Value *base, Value *row, Value *col, Value *ld) {
    Value *offset = b.CreateAdd(b.CreateMul(row, ld), col);
    return b.CreateGEP(elem, base, offset);
  }

  /// Loads logical A(m, k) and applies the prologue with stored coordinates.
  Value *loadA(IRBuilderBase &b, Value *base, Value *m, Value *k,
               ArrayRef<Value *> extras) {
    Value *v = b.CreateLoad(elem, addressA(b, base, m, k));
    return spec.transposeA
               ? applyHook(b, spec.prologueA, v, k, m, false, extras)
               : applyHook(b, spec.prologueA, v, m, k, false, extras);
  }
  Value *loadB(IRBuilderBase &b, Value *base, Value *k, Value *n,
               ArrayRef<Value *> extras) {
    Value *v = b.CreateLoad(elem, addressB(b, base, k, n));
    return spec.transposeB
               ? applyHook(b, spec.prologueB, v, n, k, false, extras)
               : applyHook(b, spec.prologueB, v, k, n, false, extras);
  }

  //===--------------------------------------------------------------------===//
  // Tiny products: m, then k, then n innermost, so the n loop (contiguous in
  // C and, untransposed, in B) is what the loop vectoriser widens; C's row
  // is the accumulator, so each element is still one fma chain over k.
  //===--------------------------------------------------------------------===//
  void emitUnpacked(IRBuilderBase &b, ArrayRef<Value *> args) {
    Value *A = args[0], *B = args[1], *C = args[2];
    ArrayRef<Value *> extras = args.drop_front(3);
    unsigned lanes = spec.tuning.vectorBits /
                     unsigned(elem->getPrimitiveSizeInBits().getFixedValue());
    emitFor(
        b, b.getInt64(0), b.getInt64(spec.m), 1,
        [&](Value *m) {
          if (!spec.accumulate)
            emitFor(
                b, b.getInt64(0), b.getInt64(spec.n), 1,
                [&](Value *n) {
                  b.CreateStore(constant(0.0), at(b, C, m, n, ldc));
                },
                "zero", true, lanes);
          emitFor(
              b, b.getInt64(0), b.getInt64(spec.k), 1,
              [&](Value *k) {
                Value *a = loadA(b, A, m, k, extras);
                emitFor(
                    b, b.getInt64(0), b.getInt64(spec.n), 1,
                    [&](Value *n) {
                      Value *c = at(b, C, m, n, ldc);
                      Value *bv = loadB(b, B, k, n, extras);
                      b.CreateStore(fma(b, a, bv, b.CreateLoad(elem, c)), c);
                    },
                    "n", true, lanes);
              },
              "k", true);
          if (spec.epilogue)
            emitFor(
                b, b.getInt64(0), b.getInt64(spec.n), 1,
                [&](Value *n) {
                  Value *c = at(b, C, m, n, ldc);
                  Value *v = applyHook(b, spec.epilogue, b.CreateLoad(elem, c),
                                       m, n, false, extras);
                  b.CreateStore(v, c);
                },
                "epilogue", true, lanes);
        },
        "m", true);
  }

  //===--------------------------------------------------------------------===//
  // Blocking plan.
  //===--------------------------------------------------------------------===//
  /// Enough parallel items for the pool to share, each still worth its
  /// packing.
  int64_t itemTarget() const {
    double flops = 2.0 * double(spec.m) * double(spec.n) * double(spec.k);
    return std::clamp<int64_t>(
        int64_t(flops /
                double(std::max<int64_t>(1, spec.tuning.flopsPerBlock))),
        1, 32);
  }

  void planBlocks() {
    const GemmTuning &t = spec.tuning;
    kBlocks = ceilDiv(spec.k, std::max<int64_t>(1, t.kc));
    kc = ceilDiv(spec.k, kBlocks);
    if (planPanels())
      return;
    // Split the dimension whose blocks hold more register tiles.
    int64_t target = itemTarget();
    mBlocks = ceilDiv(spec.m, std::max<int64_t>(mr, t.mc));
    nBlocks = ceilDiv(spec.n, std::max<int64_t>(nr, t.nc));
    while (mBlocks * nBlocks < target) {
      int64_t mTiles = ceilDiv(ceilDiv(spec.m, mBlocks), mr);
      int64_t nTiles = ceilDiv(ceilDiv(spec.n, nBlocks), nr);
      if (mTiles >= nTiles && mTiles > 1)
        ++mBlocks;
      else if (nTiles > 1)
        ++nBlocks;
      else if (mTiles > 1)
        ++mBlocks;
      else
        break;
    }
    mb = roundUp(ceilDiv(spec.m, mBlocks), mr);
    nb = roundUp(ceilDiv(spec.n, nBlocks), nr);
    mBlocks = ceilDiv(spec.m, mb);
    nBlocks = ceilDiv(spec.n, nb);
  }

  /// When A has more than one row block, independent blocks would each
  /// pack their own copy of B's slice, as many times as there are row
  /// blocks. Then B is packed once per (NC panel, KC slice) into a panel
  /// every thread reads (BLIS's order): the entry loops over panels and
  /// slices, packing the panel over the pool, then running row blocks x
  /// column ranges of it over the pool. Each element of C still gets the
  /// same fma chain, slice by slice. False when A has one row block.
  bool planPanels() {
    const GemmTuning &t = spec.tuning;
    int64_t rows =
        roundUp(std::min<int64_t>(std::max<int64_t>(mr, t.mc), spec.m), mr);
    if (ceilDiv(spec.m, rows) < 2)
      return false;
    sharePanels = true;
    // Row blocks of equal height, so none is a sliver.
    mBlocks = ceilDiv(spec.m, rows);
    mb = roundUp(ceilDiv(spec.m, mBlocks), mr);
    mBlocks = ceilDiv(spec.m, mb);
    nc = std::min<int64_t>(roundUp(spec.n, nr),
                           roundUp(std::max<int64_t>(nr, t.nc), nr));
    int64_t columnItems =
        std::clamp<int64_t>(ceilDiv(itemTarget(), mBlocks), 1, ceilDiv(nc, nr));
    nb = roundUp(ceilDiv(nc, columnItems), nr);
    nBlocks = ceilDiv(nc, nb);
    packChunk = nb;
    return true;
  }

  /// The shared-panel path's entry (see planPanels): for each panel and K
  /// slice, pack the panel over the pool, then run its blocks.
  void emitPanelLoops(IRBuilderBase &b, Value *context) {
    auto set = [&](unsigned field, Value *v) {
      b.CreateStore(v, b.CreateStructGEP(contextType, context, field));
    };
    FunctionCallee panelScratch = module.getOrInsertFunction(
        "voskhod_panel_scratch", FunctionType::get(ptr, {i64}, false));
    int64_t panelBytes = roundUp(nc * kc * elemBytes, 64);
    set(CtxPanel, b.CreateCall(panelScratch, {b.getInt64(panelBytes)}));
    FunctionCallee parallelFor = module.getOrInsertFunction(
        "voskhod_parallel_for",
        FunctionType::get(b.getVoidTy(), {ptr, ptr, i64, i64}, false));
    Function *packer = sharedPanelPacker();
    Function *blocks = sharedPanelDriver();
    emitFor(b, b.getInt64(0), b.getInt64(spec.n), nc, [&](Value *jc) {
      Value *ncLen =
          smin(b, b.getInt64(nc), b.CreateSub(b.getInt64(spec.n), jc));
      set(CtxJc, jc);
      set(CtxNcLen, ncLen);
      auto chunks = [&](int64_t width) {
        return b.CreateSDiv(b.CreateAdd(ncLen, b.getInt64(width - 1)),
                            b.getInt64(width));
      };
      Value *packItems = chunks(packChunk);
      Value *blockItems = b.CreateMul(b.getInt64(mBlocks), chunks(nb));
      emitFor(b, b.getInt64(0), b.getInt64(kBlocks), 1, [&](Value *pc) {
        set(CtxPc, pc);
        b.CreateCall(parallelFor, {packer, context, packItems, b.getInt64(1)});
        b.CreateCall(parallelFor, {blocks, context, blockItems, b.getInt64(1)});
      });
    });
  }

  /// SHARED.packPanel(ctx, begin, end): columns [item * packChunk, ...) of
  /// the current panel and K slice, packed into the shared panel.
  Function *sharedPanelPacker() {
    if (Function *f = existing(".packPanel"))
      return f;
    Function *f = declare(shared + ".packPanel", {ptr, i64, i64},
                          GlobalValue::InternalLinkage);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    Context c = loadContext(b, f->getArg(0));
    Value *k0 = b.CreateMul(c.pc, c.kc);
    Value *kLen = smin(b, c.kc, b.CreateSub(c.K, k0));
    emitFor(
        b, f->getArg(1), f->getArg(2), 1,
        [&](Value *item) {
          Value *c0 = b.CreateMul(item, c.packChunk);
          Value *len = smin(b, c.packChunk, b.CreateSub(c.ncLen, c0));
          Value *dst = b.CreateGEP(elem, c.panel, b.CreateMul(c0, c.kc));
          b.CreateCall(packFunctionType(), c.packB,
                       {c.B, c.ldb, dst, b.CreateAdd(c.jc, c0), len, k0, kLen,
                        c.kc, c.extras});
        },
        "chunk");
    b.CreateRetVoid();
    return f;
  }

  /// SHARED.panel(ctx, begin, end): blocks of the current panel and K
  /// slice, row block major; each packs its rows of A into the thread's
  /// scratch and runs the register tile over its columns of the panel.
  Function *sharedPanelDriver() {
    if (Function *f = existing(".panel"))
      return f;
    Function *tile = sharedTile();
    Function *f = declare(shared + ".panel", {ptr, i64, i64},
                          GlobalValue::InternalLinkage);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    Context c = loadContext(b, f->getArg(0));
    Value *edge = edgeBuffer(b);
    Value *packedA = threadScratch(b, lineBytes(b, b.CreateMul(c.mb, c.kc)));
    Value *columnItems = b.CreateSDiv(
        b.CreateAdd(c.ncLen, b.CreateSub(c.nb, b.getInt64(1))), c.nb);
    Value *k0 = b.CreateMul(c.pc, c.kc);
    Value *kLen = smin(b, c.kc, b.CreateSub(c.K, k0));
    emitFor(
        b, f->getArg(1), f->getArg(2), 1,
        [&](Value *item) {
          Value *m0 = b.CreateMul(b.CreateSDiv(item, columnItems), c.mb);
          Value *c0 = b.CreateMul(b.CreateSRem(item, columnItems), c.nb);
          Value *mLen = smin(b, c.mb, b.CreateSub(c.M, m0));
          Value *nLen = smin(b, c.nb, b.CreateSub(c.ncLen, c0));
          b.CreateCall(
              packFunctionType(), c.packA,
              {c.A, c.lda, packedA, m0, mLen, k0, kLen, c.kc, c.extras});
          Value *packedB = b.CreateGEP(elem, c.panel, b.CreateMul(c0, c.kc));
          emitTiles(b, tile,
                    {packedA, packedB, m0, mLen, b.CreateAdd(c.jc, c0), nLen,
                     kLen, c.kc, c.C, c.ldc, edge, loadC(b, c, c.pc),
                     last(b, c, c.pc), c.epilogue, c.extras});
        },
        "block");
    b.CreateRetVoid();
    return f;
  }

  /// The context's fields, loaded at the start of a shared function.
  struct Context {
    Value *A, *B, *C, *extras, *packA, *packB, *epilogue, *panel;
    Value *M, *N, *K, *lda, *ldb, *ldc, *kc, *kBlocks, *mb, *nb, *nBlocks;
    Value *jc, *ncLen, *pc, *packChunk;
    Value *accumulate, *hasEpilogue; // i1
  };

  Context loadContext(IRBuilderBase &b, Value *context) {
    auto field = [&](unsigned i) {
      return b.CreateLoad(i < kFirstIntField ? ptr : i64,
                          b.CreateStructGEP(contextType, context, i));
    };
    Context c;
    c.A = field(CtxA), c.B = field(CtxB), c.C = field(CtxC);
    c.extras = field(CtxExtras);
    c.packA = field(CtxPackA), c.packB = field(CtxPackB);
    c.epilogue = field(CtxEpilogue), c.panel = field(CtxPanel);
    c.M = field(CtxM), c.N = field(CtxN), c.K = field(CtxK);
    c.lda = field(CtxLda), c.ldb = field(CtxLdb), c.ldc = field(CtxLdc);
    c.kc = field(CtxKc), c.kBlocks = field(CtxKBlocks);
    c.mb = field(CtxMb), c.nb = field(CtxNb), c.nBlocks = field(CtxNBlocks);
    c.jc = field(CtxJc), c.ncLen = field(CtxNcLen), c.pc = field(CtxPc);
    c.packChunk = field(CtxPackChunk);
    c.accumulate = b.CreateICmpNE(field(CtxAccumulate), b.getInt64(0));
    c.hasEpilogue = b.CreateICmpNE(c.epilogue, ConstantPointerNull::get(ptr));
    return c;
  }

  /// Whether K slice `pc` adds to what C holds: after the first slice, or
  /// from the first when the GEMM accumulates.
  Value *loadC(IRBuilderBase &b, const Context &c, Value *pc) {
    return b.CreateOr(c.accumulate, b.CreateICmpSGT(pc, b.getInt64(0)));
  }

  /// Whether slice `pc` is the last and there is an epilogue to run.
  Value *last(IRBuilderBase &b, const Context &c, Value *pc) {
    return b.CreateAnd(
        c.hasEpilogue,
        b.CreateICmpEQ(pc, b.CreateSub(c.kBlocks, b.getInt64(1))));
  }

  /// The buffer edge tiles go through, laid out as a full tile.
  Value *edgeBuffer(IRBuilderBase &b) {
    auto *edge = b.CreateAlloca(ArrayType::get(elem, mr * nr));
    edge->setAlignment(Align(64));
    return edge;
  }

  /// `elements` in bytes, rounded up to whole cache lines.
  Value *lineBytes(IRBuilderBase &b, Value *elements) {
    Value *bytes = b.CreateMul(elements, b.getInt64(elemBytes));
    return b.CreateAnd(b.CreateAdd(bytes, b.getInt64(63)), b.getInt64(-64));
  }

  Value *threadScratch(IRBuilderBase &b, Value *bytes) {
    FunctionCallee scratchFn = module.getOrInsertFunction(
        "voskhod_thread_scratch", FunctionType::get(ptr, {i64}, false));
    return b.CreateCall(scratchFn, {bytes});
  }

  /// The shared function `shared + suffix` if this module has it already;
  /// otherwise null, and the caller emits it.
  Function *existing(const std::string &suffix) {
    return module.getFunction(shared + suffix);
  }

  /// Loads the extra pointers from the array a pack or epilogue function
  /// receives.
  SmallVector<Value *> loadExtras(IRBuilderBase &b, Value *array) {
    SmallVector<Value *> out;
    for (unsigned i = 0; i < spec.numExtraArgs; ++i)
      out.push_back(b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, array, i)));
    return out;
  }

  //===--------------------------------------------------------------------===//
  // SHARED.blocks(ctx, begin, end): blocks [begin, end) of the output, for
  // any shape; sizes, leading dimensions and the pack and epilogue functions
  // come from the context. For each block of C and each KC slice of K: pack
  // the B slice and the A slice, then run the register tile over every
  // MR x NR tile, jr outer so one B micro-panel stays in L1 while the A
  // block streams from L2. After the last slice a tile gets the epilogue,
  // read back from C while it is still in L1.
  //===--------------------------------------------------------------------===//
  Function *sharedDriver() {
    if (Function *f = existing(".blocks"))
      return f;
    Function *tile = sharedTile();
    Function *f = declare(shared + ".blocks", {ptr, i64, i64},
                          GlobalValue::InternalLinkage);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    Context c = loadContext(b, f->getArg(0));
    Value *edge = edgeBuffer(b);
    Value *aBytes = lineBytes(b, b.CreateMul(c.mb, c.kc));
    Value *bBytes = lineBytes(b, b.CreateMul(c.nb, c.kc));
    Value *scratch = threadScratch(b, b.CreateAdd(aBytes, bBytes));
    Value *packedA = scratch;
    Value *packedB = b.CreateGEP(b.getInt8Ty(), scratch, aBytes);

    emitFor(
        b, f->getArg(1), f->getArg(2), 1,
        [&](Value *item) {
          Value *m0 = b.CreateMul(b.CreateSDiv(item, c.nBlocks), c.mb);
          Value *n0 = b.CreateMul(b.CreateSRem(item, c.nBlocks), c.nb);
          Value *mLen = smin(b, c.mb, b.CreateSub(c.M, m0));
          Value *nLen = smin(b, c.nb, b.CreateSub(c.N, n0));
          emitFor(
              b, b.getInt64(0), c.kBlocks, 1,
              [&](Value *pc) {
                Value *k0 = b.CreateMul(pc, c.kc);
                Value *kLen = smin(b, c.kc, b.CreateSub(c.K, k0));
                b.CreateCall(
                    packFunctionType(), c.packB,
                    {c.B, c.ldb, packedB, n0, nLen, k0, kLen, c.kc, c.extras});
                b.CreateCall(
                    packFunctionType(), c.packA,
                    {c.A, c.lda, packedA, m0, mLen, k0, kLen, c.kc, c.extras});
                emitTiles(b, tile,
                          {packedA, packedB, m0, mLen, n0, nLen, kLen, c.kc,
                           c.C, c.ldc, edge, loadC(b, c, pc), last(b, c, pc),
                           c.epilogue, c.extras});
              },
              "pc");
        },
        "block");
    b.CreateRetVoid();
    return f;
  }

  /// One block's register tiles after its A and B slices are packed.
  struct TileBlock {
    Value *packedA, *packedB; // panels of the block's rows and columns
    Value *m0, *mLen, *n0, *nLen, *kLen, *kc;
    Value *C, *ldc, *edge, *loadC, *last, *epilogue, *extras;
  };

  /// The register tile over every MR x NR tile of a block, jr outer so one
  /// B micro-panel stays in L1 while the A block streams from L2; after the
  /// last K slice (`last`) each tile gets the epilogue, read back from C
  /// while it is still in L1.
  void emitTiles(IRBuilderBase &b, Function *tile, const TileBlock &t) {
    emitFor(
        b, b.getInt64(0), t.nLen, nr,
        [&](Value *jn) {
          emitFor(
              b, b.getInt64(0), t.mLen, mr,
              [&](Value *im) {
                Value *aPanel =
                    b.CreateGEP(elem, t.packedA, b.CreateMul(im, t.kc));
                Value *bPanel =
                    b.CreateGEP(elem, t.packedB, b.CreateMul(jn, t.kc));
                Value *row = b.CreateAdd(t.m0, im);
                Value *col = b.CreateAdd(t.n0, jn);
                Value *rows = smin(b, b.getInt64(mr), b.CreateSub(t.mLen, im));
                Value *cols = smin(b, b.getInt64(nr), b.CreateSub(t.nLen, jn));
                Value *full = b.CreateAnd(b.CreateICmpEQ(rows, b.getInt64(mr)),
                                          b.CreateICmpEQ(cols, b.getInt64(nr)));
                Value *cTile = at(b, t.C, row, col, t.ldc);
                emitIfElse(
                    b, full,
                    [&] {
                      b.CreateCall(tile, {aPanel, bPanel, t.kLen, cTile, t.ldc,
                                          t.loadC});
                    },
                    [&] {
                      emitEdgeTile(b, tile, aPanel, bPanel, t.kLen, cTile,
                                   t.ldc, t.edge, rows, cols, t.loadC);
                    });
                emitIf(b, t.last, [&] {
                  b.CreateCall(epilogueFunctionType(), t.epilogue,
                               {cTile, t.ldc, row, col, rows, cols, t.extras});
                });
              },
              "ir");
        },
        "jr");
  }

  /// A tile of `rows` x `cols` < MR x NR at `cTile`: copied into the edge
  /// buffer (when C is read), run as a full tile there, copied back.
  void emitEdgeTile(IRBuilderBase &b, Function *tile, Value *aPanel,
                    Value *bPanel, Value *kLen, Value *cTile, Value *ldcV,
                    Value *edge, Value *rows, Value *cols, Value *loadC) {
    auto copy = [&](bool in) {
      emitFor(
          b, b.getInt64(0), rows, 1,
          [&](Value *r) {
            emitFor(
                b, b.getInt64(0), cols, 1,
                [&](Value *c) {
                  Value *inC = at(b, cTile, r, c, ldcV);
                  Value *inEdge = at(b, edge, r, c, nr);
                  Value *from = in ? inC : inEdge, *to = in ? inEdge : inC;
                  b.CreateStore(b.CreateLoad(elem, from), to);
                },
                in ? "ec" : "oc");
          },
          in ? "er" : "or");
    };
    emitIf(b, loadC, [&] { copy(true); });
    b.CreateCall(tile, {aPanel, bPanel, kLen, edge, b.getInt64(nr), loadC});
    copy(false);
  }

  /// void(src, ld, dst, p0, pLen, k0, kLen, kc, extras)
  FunctionType *packFunctionType() {
    return FunctionType::get(Type::getVoidTy(ctx),
                             {ptr, i64, ptr, i64, i64, i64, i64, i64, ptr},
                             false);
  }
  /// void(cTile, ldc, row, col, rows, cols, extras)
  FunctionType *epilogueFunctionType() {
    return FunctionType::get(Type::getVoidTy(ctx),
                             {ptr, i64, i64, i64, i64, i64, ptr}, false);
  }

  /// The hook-free packing of A or B, shared by every GEMM that reads its
  /// operand the same way.
  Function *sharedPack(bool isA) {
    int64_t R = isA ? mr : nr;
    std::string suffix =
        ".pack" + std::to_string(R) +
        (runsOf(isA) == SourceRuns::AlongK ? ".along" : ".across");
    if (Function *f = existing(suffix))
      return f;
    return emitPack(shared + suffix, isA);
  }

  SourceRuns runsOf(bool isA) const {
    bool transposed = isA ? spec.transposeA : spec.transposeB;
    // A is read along k unless transposed; B across k unless transposed.
    return (isA != transposed) ? SourceRuns::AlongK : SourceRuns::AcrossK;
  }

  //===--------------------------------------------------------------------===//
  // Packing (src, ld, dst, p0, pLen, k0, kLen, kc, extras): panel lines
  // p0 .. p0 + pLen (rows of A or columns of B), k0 .. k0 + kLen, into
  // panels of R lines: line r of panel i, depth kk, goes to
  // dst[i * kc * R + kk * R + r]. Missing lines of the last panel are zero,
  // so the register tile never needs to know about them. The operand's
  // prologue, if any, is applied on the way.
  //===--------------------------------------------------------------------===//
  Function *emitPack(const std::string &fnName, bool isA) {
    Function *f = Function::Create(
        packFunctionType(), GlobalValue::InternalLinkage, fnName, module);
    f->addFnAttr(Attribute::NoUnwind);
    f->addParamAttr(0, Attribute::NoAlias);
    f->addParamAttr(2, Attribute::NoAlias);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    Value *src = f->getArg(0), *ld = f->getArg(1), *dst = f->getArg(2);
    Value *p0 = f->getArg(3), *pLen = f->getArg(4);
    Value *k0 = f->getArg(5), *kLen = f->getArg(6), *kcV = f->getArg(7);
    const GemmHook &hook = isA ? spec.prologueA : spec.prologueB;
    SmallVector<Value *> extraArgs;
    if (hook)
      extraArgs = loadExtras(b, f->getArg(8));
    ArrayRef<Value *> extras = extraArgs;
    int64_t R = isA ? mr : nr;
    SourceRuns runs = runsOf(isA);

    // Stored coordinates of (line p, depth k): along-k sources store lines
    // as rows, across-k sources store k as rows.
    auto srcAt = [&](Value *p, Value *k) {
      return runs == SourceRuns::AlongK ? at(b, src, p, k, ld)
                                        : at(b, src, k, p, ld);
    };
    auto hooked = [&](Value *v, Value *p, Value *k) {
      return runs == SourceRuns::AlongK
                 ? applyHook(b, hook, v, p, k, false, extras)
                 : applyHook(b, hook, v, k, p, false, extras);
    };

    Value *panels =
        b.CreateSDiv(b.CreateAdd(pLen, b.getInt64(R - 1)), b.getInt64(R));
    emitFor(
        b, b.getInt64(0), panels, 1,
        [&](Value *panel) {
          Value *first = b.CreateMul(panel, b.getInt64(R));
          Value *line0 = b.CreateAdd(p0, first);
          Value *linesHere = smin(b, b.getInt64(R), b.CreateSub(pLen, first));
          Value *base = b.CreateGEP(
              elem, dst, b.CreateMul(panel, b.CreateMul(kcV, b.getInt64(R))));
          auto dstAt = [&](Value *kk, Value *r) {
            return b.CreateGEP(elem, base,
                               b.CreateAdd(b.CreateMul(kk, b.getInt64(R)), r));
          };
          // One depth of a panel, element by element; with `lines` given,
          // lines past it are zero (their load is clamped to a valid line).
          // Line r of the panel (r < R at run time) along every depth; when
          // the line is contiguous (along k), whole vectors are loaded and
          // their lanes stored to successive depths.
          auto copyLine = [&](Value *r) {
            Value *p = b.CreateAdd(line0, r);
            Value *scalarFrom = b.getInt64(0);
            if (runs == SourceRuns::AlongK && lanes > 1) {
              scalarFrom = b.CreateMul(b.CreateSDiv(kLen, b.getInt64(lanes)),
                                       b.getInt64(lanes));
              emitFor(
                  b, b.getInt64(0), scalarFrom, lanes,
                  [&](Value *kk) {
                    Value *k = b.CreateAdd(k0, kk);
                    Value *x =
                        b.CreateAlignedLoad(vec, srcAt(p, k), Align(elemBytes));
                    x = hooked(x, p, k);
                    for (unsigned l = 0; l < lanes; ++l)
                      b.CreateStore(b.CreateExtractElement(x, uint64_t(l)),
                                    dstAt(b.CreateAdd(kk, b.getInt64(l)), r));
                  },
                  "kv");
            }
            emitFor(
                b, scalarFrom, kLen, 1,
                [&](Value *kk) {
                  Value *k = b.CreateAdd(k0, kk);
                  Value *x = hooked(b.CreateLoad(elem, srcAt(p, k)), p, k);
                  b.CreateStore(x, dstAt(kk, r));
                },
                "kl");
          };
          auto fullPanel = [&] {
            if (runs == SourceRuns::AlongK) {
              // Lines are contiguous along k: one line at a time.
              emitFor(b, b.getInt64(0), b.getInt64(R), 1, copyLine, "line");
            } else if (R % lanes == 0) {
              // Each depth is R contiguous source elements: vector copies.
              emitFor(
                  b, b.getInt64(0), kLen, 1,
                  [&](Value *kk) {
                    Value *k = b.CreateAdd(k0, kk);
                    for (int64_t v = 0; v < R / lanes; ++v) {
                      Value *p = b.CreateAdd(line0, b.getInt64(v * lanes));
                      Value *x = b.CreateAlignedLoad(vec, srcAt(p, k),
                                                     Align(elemBytes));
                      b.CreateAlignedStore(hooked(x, p, k),
                                           dstAt(kk, b.getInt64(v * lanes)),
                                           Align(elemBytes));
                    }
                  },
                  "kv");
            } else {
              // R contiguous source elements per depth, element by element.
              emitFor(
                  b, b.getInt64(0), kLen, 1,
                  [&](Value *kk) {
                    Value *k = b.CreateAdd(k0, kk);
                    for (int64_t r = 0; r < R; ++r) {
                      Value *p = b.CreateAdd(line0, b.getInt64(r));
                      Value *x = hooked(b.CreateLoad(elem, srcAt(p, k)), p, k);
                      b.CreateStore(x, dstAt(kk, b.getInt64(r)));
                    }
                  },
                  "ks");
            }
          };
          // The last panel: its lines, then zeros.
          auto edgePanel = [&] {
            emitFor(
                b, b.getInt64(0), b.getInt64(R), 1,
                [&](Value *r) {
                  emitIfElse(
                      b, b.CreateICmpSLT(r, linesHere), [&] { copyLine(r); },
                      [&] {
                        emitFor(
                            b, b.getInt64(0), kLen, 1,
                            [&](Value *kk) {
                              b.CreateStore(constant(0.0), dstAt(kk, r));
                            },
                            "kz");
                      });
                },
                "edge");
          };
          emitIfElse(b, b.CreateICmpEQ(linesHere, b.getInt64(R)), fullPanel,
                     edgePanel);
        },
        "panel");
    b.CreateRetVoid();
    return f;
  }

  //===--------------------------------------------------------------------===//
  // NAME.epilogue(cTile, ldc, row, col, rows, cols, extras): the epilogue
  // over a finished tile of C whose top-left element is C[row, col]; whole
  // vectors when the tile has all NR columns.
  //===--------------------------------------------------------------------===//
  Function *emitEpilogue() {
    Function *f =
        Function::Create(epilogueFunctionType(), GlobalValue::InternalLinkage,
                         name + ".epilogue", module);
    f->addFnAttr(Attribute::NoUnwind);
    f->addParamAttr(0, Attribute::NoAlias);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    Value *c = f->getArg(0), *ldcV = f->getArg(1);
    Value *row0 = f->getArg(2), *col0 = f->getArg(3);
    Value *rows = f->getArg(4), *cols = f->getArg(5);
    SmallVector<Value *> extras = loadExtras(b, f->getArg(6));
    emitIfElse(
        b, b.CreateICmpEQ(cols, b.getInt64(nr)),
        [&] {
          emitFor(
              b, b.getInt64(0), rows, 1,
              [&](Value *r) {
                for (unsigned v = 0; v < nv; ++v) {
                  Value *cc = b.getInt64(int64_t(v) * lanes);
                  Value *address = at(b, c, r, cc, ldcV);
                  Value *x =
                      b.CreateAlignedLoad(vec, address, Align(elemBytes));
                  x = applyHook(b, spec.epilogue, x, b.CreateAdd(row0, r),
                                b.CreateAdd(col0, cc), false, extras);
                  b.CreateAlignedStore(x, address, Align(elemBytes));
                }
              },
              "vr");
        },
        [&] {
          emitFor(
              b, b.getInt64(0), rows, 1,
              [&](Value *r) {
                emitFor(
                    b, b.getInt64(0), cols, 1,
                    [&](Value *cc) {
                      Value *address = at(b, c, r, cc, ldcV);
                      Value *x = b.CreateLoad(elem, address);
                      x = applyHook(b, spec.epilogue, x, b.CreateAdd(row0, r),
                                    b.CreateAdd(col0, cc), false, extras);
                      b.CreateStore(x, address);
                    },
                    "sc");
              },
              "sr");
        });
    b.CreateRetVoid();
    return f;
  }

  //===--------------------------------------------------------------------===//
  // SHARED.tile(aPanel, bPanel, kLen, c, ldc, loadC): c[r * ldc + j] for an
  // MR x NR tile, the accumulators kept in SSA values (no allocas to
  // promote), so the tile needs no optimisation beyond instruction
  // selection to stay in registers.
  //===--------------------------------------------------------------------===//
  Function *sharedTile() {
    if (Function *f = existing(".tile"))
      return f;
    Function *f = declare(shared + ".tile",
                          {ptr, ptr, i64, ptr, i64, Type::getInt1Ty(ctx)},
                          GlobalValue::InternalLinkage);
    for (unsigned i : {0u, 1u, 3u})
      f->addParamAttr(i, Attribute::NoAlias);
    Value *aPanel = f->getArg(0), *bPanel = f->getArg(1);
    Value *kLen = f->getArg(2), *c = f->getArg(3), *ldcArg = f->getArg(4);
    Value *loadC = f->getArg(5);
    BasicBlock *entry = BasicBlock::Create(ctx, "entry", f);
    BasicBlock *load = BasicBlock::Create(ctx, "load", f);
    BasicBlock *start = BasicBlock::Create(ctx, "start", f);
    BasicBlock *loop = BasicBlock::Create(ctx, "k", f);
    BasicBlock *done = BasicBlock::Create(ctx, "done", f);
    IRBuilder<> b(entry);
    auto cAt = [&](unsigned r, unsigned v) {
      Value *offset = b.CreateAdd(b.CreateMul(b.getInt64(r), ldcArg),
                                  b.getInt64(int64_t(v) * lanes));
      return b.CreateGEP(elem, c, offset);
    };
    unsigned count = mr * nv;
    b.CreateCondBr(loadC, load, start);
    b.SetInsertPoint(load);
    SmallVector<Value *> loaded;
    for (unsigned r = 0; r < mr; ++r)
      for (unsigned v = 0; v < nv; ++v)
        loaded.push_back(b.CreateAlignedLoad(vec, cAt(r, v), Align(elemBytes)));
    b.CreateBr(start);

    b.SetInsertPoint(start);
    SmallVector<Value *> init;
    for (unsigned i = 0; i < count; ++i) {
      PHINode *phi = b.CreatePHI(vec, 2);
      phi->addIncoming(ConstantFP::get(vec, 0.0), entry);
      phi->addIncoming(loaded[i], load);
      init.push_back(phi);
    }
    b.CreateCondBr(b.CreateICmpSGT(kLen, b.getInt64(0)), loop, done);

    b.SetInsertPoint(loop);
    PHINode *kk = b.CreatePHI(i64, 2, "kk");
    kk->addIncoming(b.getInt64(0), start);
    SmallVector<PHINode *> acc;
    for (unsigned i = 0; i < count; ++i) {
      acc.push_back(b.CreatePHI(vec, 2));
      acc.back()->addIncoming(init[i], start);
    }
    SmallVector<Value *> bv;
    for (unsigned v = 0; v < nv; ++v) {
      Value *offset = b.CreateAdd(b.CreateMul(kk, b.getInt64(nr)),
                                  b.getInt64(int64_t(v) * lanes));
      bv.push_back(b.CreateAlignedLoad(vec, b.CreateGEP(elem, bPanel, offset),
                                       Align(elemBytes)));
    }
    SmallVector<Value *> next(count);
    for (unsigned r = 0; r < mr; ++r) {
      Value *offset =
          b.CreateAdd(b.CreateMul(kk, b.getInt64(mr)), b.getInt64(r));
      Value *a = b.CreateLoad(elem, b.CreateGEP(elem, aPanel, offset));
      Value *splat = b.CreateVectorSplat(lanes, a);
      for (unsigned v = 0; v < nv; ++v)
        next[r * nv + v] = fma(b, splat, bv[v], acc[r * nv + v]);
    }
    Value *kNext = b.CreateAdd(kk, b.getInt64(1));
    kk->addIncoming(kNext, loop);
    for (unsigned i = 0; i < count; ++i)
      acc[i]->addIncoming(next[i], loop);
    b.CreateCondBr(b.CreateICmpSLT(kNext, kLen), loop, done)
        ->setMetadata(LLVMContext::MD_loop, explicitLoop(ctx));

    b.SetInsertPoint(done);
    SmallVector<Value *> result;
    for (unsigned i = 0; i < count; ++i) {
      PHINode *x = b.CreatePHI(vec, 2);
      x->addIncoming(init[i], start);
      x->addIncoming(next[i], loop);
      result.push_back(x);
    }
    for (unsigned r = 0; r < mr; ++r)
      for (unsigned v = 0; v < nv; ++v)
        b.CreateAlignedStore(result[r * nv + v], cAt(r, v), Align(elemBytes));
    b.CreateRetVoid();
    return f;
  }

  Module &module;
  LLVMContext &ctx;
  std::string name, shared;
  const GemmSpec &spec;
  Type *elem = nullptr;
  FixedVectorType *vec = nullptr;
  Type *i64 = nullptr;
  PointerType *ptr = nullptr;
  StructType *contextType = nullptr;
  int64_t elemBytes = 4;
  unsigned lanes = 1;
  unsigned mr = 1, nv = 1;
  int64_t nr = 1;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int64_t kBlocks = 1, kc = 1, mBlocks = 1, nBlocks = 1, mb = 1, nb = 1;
  /// The shared-panel path (planPanels): panel width, columns per packing
  /// item.
  bool sharePanels = false;
  int64_t nc = 1, packChunk = 1;
};

} // namespace

Function *emitGemm(Module &module, StringRef name, const GemmSpec &spec) {
  return GemmBuilder(module, name, spec).emit();
}

} // namespace voskhod::codegen
