//===- compiler/codegen/llvm/GemmEmitter.cpp - packed GEMM in LLVM IR -----===//
///
/// Emitted pieces, all in the caller's module:
///   NAME        packs its pointer arguments into a context array and runs
///               NAME.blocks over the output blocks (through
///               voskhod_parallel_for when there is more than one), or holds
///               the unpacked loop nest for tiny products;
///   NAME.blocks for each block of C: for each KC slice of K, pack the B
///               slice and the A slice of the block into scratch, then run
///               the register tile over every MR x NR tile of the block;
///   NAME.packA / NAME.packB   panel packing with the prologue applied;
///   NAME.tile   the register tile: MR x NR accumulators, one broadcast of
///               A and NR/W vector loads of B per k, `llvm.fma` each.
/// Edge tiles (fewer than MR rows or NR columns left) run the same tile code
/// on a small local buffer that is copied in from and out to C, so the
/// arithmetic per element never changes: every path is the same fma chain
/// over k in increasing order, partial sums travelling through C between KC
/// slices (an f32 store and load is exact).
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/llvm/GemmEmitter.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <cassert>
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

/// Emits `for (iv = begin; iv < end; iv += step) body(iv)` at the insertion
/// point; afterwards the builder sits after the loop.
void emitFor(IRBuilderBase &b, Value *begin, Value *end, int64_t step,
             function_ref<void(Value *)> body, const Twine &name = "") {
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
  b.CreateCondBr(b.CreateICmpSLT(next, end), loop, exit);
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
    assert(spec.m > 0 && spec.n > 0 && spec.k > 0 && "empty GEMM");
    assert(lda >= (spec.transposeA ? spec.m : spec.k) && "lda too small");
    assert(ldb >= (spec.transposeB ? spec.k : spec.n) && "ldb too small");
    assert(ldc >= spec.n && "ldc too small");
    assert(mr >= 1 && nv >= 1 && "empty register tile");
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
    Function *blocks = emitBlocks();
    // The context is the pointer arguments in order: A, B, C, extras.
    Type *ctxType = ArrayType::get(ptr, args.size());
    Value *context = b.CreateAlloca(ctxType);
    for (unsigned i = 0; i < args.size(); ++i)
      b.CreateStore(args[i], b.CreateConstGEP2_32(ctxType, context, 0, i));
    int64_t items = mBlocks * nBlocks;
    if (items == 1) {
      b.CreateCall(blocks, {context, b.getInt64(0), b.getInt64(1)});
    } else {
      FunctionCallee parallelFor = module.getOrInsertFunction(
          "voskhod_parallel_for",
          FunctionType::get(b.getVoidTy(), {ptr, ptr, i64, i64}, false));
      b.CreateCall(parallelFor,
                   {blocks, context, b.getInt64(items), b.getInt64(1)});
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
    assert(out && out->getType() == value->getType() &&
           "a GEMM hook must return a value of its argument's type");
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
    Value *offset = b.CreateAdd(b.CreateMul(row, b.getInt64(ld)), col);
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
    emitFor(
        b, b.getInt64(0), b.getInt64(spec.m), 1,
        [&](Value *m) {
          if (!spec.accumulate)
            emitFor(
                b, b.getInt64(0), b.getInt64(spec.n), 1,
                [&](Value *n) {
                  b.CreateStore(constant(0.0), at(b, C, m, n, ldc));
                },
                "zero");
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
                    "n");
              },
              "k");
          if (spec.epilogue)
            emitFor(
                b, b.getInt64(0), b.getInt64(spec.n), 1,
                [&](Value *n) {
                  Value *c = at(b, C, m, n, ldc);
                  Value *v = applyHook(b, spec.epilogue, b.CreateLoad(elem, c),
                                       m, n, false, extras);
                  b.CreateStore(v, c);
                },
                "epilogue");
        },
        "m");
  }

  //===--------------------------------------------------------------------===//
  // Blocking plan.
  //===--------------------------------------------------------------------===//
  void planBlocks() {
    const GemmTuning &t = spec.tuning;
    kBlocks = ceilDiv(spec.k, std::max<int64_t>(1, t.kc));
    kc = ceilDiv(spec.k, kBlocks);
    // Enough blocks for the pool to share, each still worth its packing;
    // split the dimension whose blocks hold more register tiles.
    double flops = 2.0 * double(spec.m) * double(spec.n) * double(spec.k);
    int64_t target = std::clamp<int64_t>(
        int64_t(flops / double(std::max<int64_t>(1, t.flopsPerBlock))), 1, 32);
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

  //===--------------------------------------------------------------------===//
  // NAME.blocks(ctx, begin, end): blocks [begin, end) of the output.
  //===--------------------------------------------------------------------===//
  Function *emitBlocks() {
    Function *packA = emitPack(/*isA=*/true);
    Function *packB = emitPack(/*isA=*/false);
    Function *tile = emitTile();
    Function *f = declare(name + ".blocks", {ptr, i64, i64},
                          GlobalValue::InternalLinkage);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    unsigned numArgs = 3 + spec.numExtraArgs;
    Type *ctxType = ArrayType::get(ptr, numArgs);
    SmallVector<Value *> args;
    for (unsigned i = 0; i < numArgs; ++i)
      args.push_back(
          b.CreateLoad(ptr, b.CreateConstGEP2_32(ctxType, f->getArg(0), 0, i)));
    Value *A = args[0], *B = args[1], *C = args[2];
    ArrayRef<Value *> extras = ArrayRef<Value *>(args).drop_front(3);

    // Edge tiles go through this buffer, laid out as a full tile.
    Value *edge = b.CreateAlloca(ArrayType::get(elem, mr * nr));
    cast<AllocaInst>(edge)->setAlignment(Align(64));
    FunctionCallee scratchFn = module.getOrInsertFunction(
        "voskhod_thread_scratch", FunctionType::get(ptr, {i64}, false));
    int64_t aBytes = roundUp(mb * kc * elemBytes, 64);
    int64_t bBytes = roundUp(nb * kc * elemBytes, 64);
    Value *scratch = b.CreateCall(scratchFn, {b.getInt64(aBytes + bBytes)});
    Value *packedA = scratch;
    Value *packedB = b.CreateGEP(b.getInt8Ty(), scratch, b.getInt64(aBytes));

    emitFor(
        b, f->getArg(1), f->getArg(2), 1,
        [&](Value *item) {
          Value *m0 = b.CreateMul(b.CreateSDiv(item, b.getInt64(nBlocks)),
                                  b.getInt64(mb));
          Value *n0 = b.CreateMul(b.CreateSRem(item, b.getInt64(nBlocks)),
                                  b.getInt64(nb));
          Value *mLen =
              smin(b, b.getInt64(mb), b.CreateSub(b.getInt64(spec.m), m0));
          Value *nLen =
              smin(b, b.getInt64(nb), b.CreateSub(b.getInt64(spec.n), n0));
          emitFor(
              b, b.getInt64(0), b.getInt64(kBlocks), 1,
              [&](Value *pc) {
                Value *k0 = b.CreateMul(pc, b.getInt64(kc));
                Value *kLen = smin(b, b.getInt64(kc),
                                   b.CreateSub(b.getInt64(spec.k), k0));
                SmallVector<Value *> packArgs = {B,    packedB, n0,
                                                 nLen, k0,      kLen};
                packArgs.append(extras.begin(), extras.end());
                b.CreateCall(packB, packArgs);
                packArgs = {A, packedA, m0, mLen, k0, kLen};
                packArgs.append(extras.begin(), extras.end());
                b.CreateCall(packA, packArgs);
                Value *loadC = spec.accumulate
                                   ? b.getTrue()
                                   : b.CreateICmpSGT(pc, b.getInt64(0));
                Value *last = b.CreateICmpEQ(pc, b.getInt64(kBlocks - 1));
                emitFor(
                    b, b.getInt64(0), nLen, nr,
                    [&](Value *jn) {
                      emitFor(
                          b, b.getInt64(0), mLen, mr,
                          [&](Value *im) {
                            Value *aPanel = b.CreateGEP(
                                elem, packedA, b.CreateMul(im, b.getInt64(kc)));
                            Value *bPanel = b.CreateGEP(
                                elem, packedB, b.CreateMul(jn, b.getInt64(kc)));
                            Value *row = b.CreateAdd(m0, im);
                            Value *col = b.CreateAdd(n0, jn);
                            Value *rows =
                                smin(b, b.getInt64(mr), b.CreateSub(mLen, im));
                            Value *cols =
                                smin(b, b.getInt64(nr), b.CreateSub(nLen, jn));
                            Value *full = b.CreateAnd(
                                b.CreateICmpEQ(rows, b.getInt64(mr)),
                                b.CreateICmpEQ(cols, b.getInt64(nr)));
                            emitIfElse(
                                b, full,
                                [&] {
                                  SmallVector<Value *> tileArgs = {
                                      aPanel,
                                      bPanel,
                                      kLen,
                                      at(b, C, row, col, ldc),
                                      b.getInt64(ldc),
                                      loadC,
                                      last,
                                      row,
                                      col};
                                  tileArgs.append(extras.begin(), extras.end());
                                  b.CreateCall(tile, tileArgs);
                                },
                                [&] {
                                  emitEdgeTile(b, tile, aPanel, bPanel, kLen, C,
                                               edge, row, col, rows, cols,
                                               loadC, last, extras);
                                });
                          },
                          "ir");
                    },
                    "jr");
              },
              "pc");
        },
        "block");
    b.CreateRetVoid();
    return f;
  }

  Value *smin(IRBuilderBase &b, Value *x, Value *y) {
    return b.CreateSelect(b.CreateICmpSLT(x, y), x, y);
  }

  void emitEdgeTile(IRBuilderBase &b, Function *tile, Value *aPanel,
                    Value *bPanel, Value *kLen, Value *C, Value *edge,
                    Value *row, Value *col, Value *rows, Value *cols,
                    Value *loadC, Value *last, ArrayRef<Value *> extras) {
    auto edgeAt = [&](Value *r, Value *c) {
      return b.CreateGEP(elem, edge,
                         b.CreateAdd(b.CreateMul(r, b.getInt64(nr)), c));
    };
    emitIf(b, loadC, [&] {
      emitFor(
          b, b.getInt64(0), rows, 1,
          [&](Value *r) {
            emitFor(
                b, b.getInt64(0), cols, 1,
                [&](Value *c) {
                  Value *v = b.CreateLoad(elem, at(b, C, b.CreateAdd(row, r),
                                                   b.CreateAdd(col, c), ldc));
                  b.CreateStore(v, edgeAt(r, c));
                },
                "ec");
          },
          "er");
    });
    SmallVector<Value *> tileArgs = {
        aPanel, bPanel,       kLen, edge, b.getInt64(nr),
        loadC,  b.getFalse(), row,  col};
    tileArgs.append(extras.begin(), extras.end());
    b.CreateCall(tile, tileArgs);
    emitFor(
        b, b.getInt64(0), rows, 1,
        [&](Value *r) {
          emitFor(
              b, b.getInt64(0), cols, 1,
              [&](Value *c) {
                Value *m = b.CreateAdd(row, r), *n = b.CreateAdd(col, c);
                Value *v = b.CreateLoad(elem, edgeAt(r, c));
                if (spec.epilogue) {
                  // The epilogue only belongs to the last KC slice.
                  Value *done =
                      applyHook(b, spec.epilogue, v, m, n, false, extras);
                  v = b.CreateSelect(last, done, v);
                }
                b.CreateStore(v, at(b, C, m, n, ldc));
              },
              "oc");
        },
        "or");
  }

  //===--------------------------------------------------------------------===//
  // NAME.packA / NAME.packB (src, dst, p0, pLen, k0, kLen, extras...):
  // panel lines p0 .. p0 + pLen (rows of A or columns of B), k0 .. k0 + kLen,
  // into panels of R lines: line r of panel i, depth kk, goes to
  // dst[i * KC * R + kk * R + r]. Missing lines of the last panel are zero,
  // so the register tile never needs to know about them.
  //===--------------------------------------------------------------------===//
  Function *emitPack(bool isA) {
    SmallVector<Type *> params = {ptr, ptr, i64, i64, i64, i64};
    params.append(spec.numExtraArgs, ptr);
    Function *f = declare(name + (isA ? ".packA" : ".packB"), params,
                          GlobalValue::InternalLinkage);
    f->addParamAttr(0, Attribute::NoAlias);
    f->addParamAttr(1, Attribute::NoAlias);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    Value *src = f->getArg(0), *dst = f->getArg(1);
    Value *p0 = f->getArg(2), *pLen = f->getArg(3);
    Value *k0 = f->getArg(4), *kLen = f->getArg(5);
    SmallVector<Value *> extraArgs;
    for (unsigned i = 0; i < spec.numExtraArgs; ++i)
      extraArgs.push_back(f->getArg(6 + i));
    ArrayRef<Value *> extras = extraArgs;
    int64_t R = isA ? mr : nr;
    bool transposed = isA ? spec.transposeA : spec.transposeB;
    // A is read along k unless transposed; B across k unless transposed.
    SourceRuns runs =
        (isA != transposed) ? SourceRuns::AlongK : SourceRuns::AcrossK;
    int64_t ld = isA ? lda : ldb;
    const GemmHook &hook = isA ? spec.prologueA : spec.prologueB;

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
    auto dstAt = [&](Value *panel, Value *kk, Value *r) {
      Value *offset =
          b.CreateAdd(b.CreateMul(panel, b.getInt64(kc * R)),
                      b.CreateAdd(b.CreateMul(kk, b.getInt64(R)), r));
      return b.CreateGEP(elem, dst, offset);
    };

    Value *panels =
        b.CreateSDiv(b.CreateAdd(pLen, b.getInt64(R - 1)), b.getInt64(R));
    emitFor(
        b, b.getInt64(0), panels, 1,
        [&](Value *panel) {
          Value *first = b.CreateMul(panel, b.getInt64(R));
          Value *linesHere = smin(b, b.getInt64(R), b.CreateSub(pLen, first));
          Value *full = b.CreateICmpEQ(linesHere, b.getInt64(R));
          if (runs == SourceRuns::AcrossK && R % lanes == 0) {
            // Full panels of a row-contiguous source: vector loads and stores.
            emitIfElse(
                b, full,
                [&] {
                  emitFor(
                      b, b.getInt64(0), kLen, 1,
                      [&](Value *kk) {
                        Value *k = b.CreateAdd(k0, kk);
                        for (int64_t v = 0; v < R / lanes; ++v) {
                          Value *p = b.CreateAdd(b.CreateAdd(p0, first),
                                                 b.getInt64(v * lanes));
                          Value *x = b.CreateAlignedLoad(vec, srcAt(p, k),
                                                         Align(elemBytes));
                          x = hooked(x, p, k);
                          b.CreateAlignedStore(
                              x, dstAt(panel, kk, b.getInt64(v * lanes)),
                              Align(elemBytes));
                        }
                      },
                      "kv");
                },
                [&] {
                  emitScalarPanel(b, srcAt, hooked, dstAt, panel, first,
                                  linesHere, p0, k0, kLen, R);
                });
          } else if (runs == SourceRuns::AlongK) {
            emitIfElse(
                b, full,
                [&] {
                  emitAlongKPanel(b, srcAt, hooked, dstAt, panel, first, p0, k0,
                                  kLen, R);
                },
                [&] {
                  emitScalarPanel(b, srcAt, hooked, dstAt, panel, first,
                                  linesHere, p0, k0, kLen, R);
                });
          } else {
            emitScalarPanel(b, srcAt, hooked, dstAt, panel, first, linesHere,
                            p0, k0, kLen, R);
          }
        },
        "panel");
    b.CreateRetVoid();
    return f;
  }

  /// A full panel whose lines are contiguous along k: vector loads along k
  /// (lanes along the stored column), each lane stored to its own k row.
  template <typename SrcAt, typename Hooked, typename DstAt>
  void emitAlongKPanel(IRBuilderBase &b, SrcAt &srcAt, Hooked &hooked,
                       DstAt &dstAt, Value *panel, Value *first, Value *p0,
                       Value *k0, Value *kLen, int64_t R) {
    Value *vectorEnd =
        b.CreateMul(b.CreateSDiv(kLen, b.getInt64(lanes)), b.getInt64(lanes));
    emitFor(
        b, b.getInt64(0), vectorEnd, lanes,
        [&](Value *kk) {
          Value *k = b.CreateAdd(k0, kk);
          for (int64_t r = 0; r < R; ++r) {
            Value *p = b.CreateAdd(b.CreateAdd(p0, first), b.getInt64(r));
            Value *x = b.CreateAlignedLoad(vec, srcAt(p, k), Align(elemBytes));
            x = hooked(x, p, k);
            for (unsigned l = 0; l < lanes; ++l)
              b.CreateStore(
                  b.CreateExtractElement(x, uint64_t(l)),
                  dstAt(panel, b.CreateAdd(kk, b.getInt64(l)), b.getInt64(r)));
          }
        },
        "kvec");
    emitFor(
        b, vectorEnd, kLen, 1,
        [&](Value *kk) {
          Value *k = b.CreateAdd(k0, kk);
          for (int64_t r = 0; r < R; ++r) {
            Value *p = b.CreateAdd(b.CreateAdd(p0, first), b.getInt64(r));
            Value *x = hooked(b.CreateLoad(elem, srcAt(p, k)), p, k);
            b.CreateStore(x, dstAt(panel, kk, b.getInt64(r)));
          }
        },
        "ktail");
  }

  /// Any panel, element by element; lines past the end are zero.
  template <typename SrcAt, typename Hooked, typename DstAt>
  void emitScalarPanel(IRBuilderBase &b, SrcAt &srcAt, Hooked &hooked,
                       DstAt &dstAt, Value *panel, Value *first,
                       Value *linesHere, Value *p0, Value *k0, Value *kLen,
                       int64_t R) {
    emitFor(
        b, b.getInt64(0), kLen, 1,
        [&](Value *kk) {
          Value *k = b.CreateAdd(k0, kk);
          emitFor(
              b, b.getInt64(0), b.getInt64(R), 1,
              [&](Value *r) {
                emitIfElse(
                    b, b.CreateICmpSLT(r, linesHere),
                    [&] {
                      Value *p = b.CreateAdd(b.CreateAdd(p0, first), r);
                      Value *x = hooked(b.CreateLoad(elem, srcAt(p, k)), p, k);
                      b.CreateStore(x, dstAt(panel, kk, r));
                    },
                    [&] { b.CreateStore(constant(0.0), dstAt(panel, kk, r)); });
              },
              "sr");
        },
        "sk");
  }

  //===--------------------------------------------------------------------===//
  // NAME.tile(aPanel, bPanel, kLen, c, ldc, loadC, epilogue, row, col,
  // extras...): c[r * ldc + j] for an MR x NR tile.
  //===--------------------------------------------------------------------===//
  Function *emitTile() {
    SmallVector<Type *> params = {
        ptr, ptr, i64, ptr, i64, Type::getInt1Ty(ctx), Type::getInt1Ty(ctx),
        i64, i64};
    params.append(spec.numExtraArgs, ptr);
    Function *f = declare(name + ".tile", params, GlobalValue::InternalLinkage);
    for (unsigned i : {0u, 1u, 3u})
      f->addParamAttr(i, Attribute::NoAlias);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", f));
    Value *aPanel = f->getArg(0), *bPanel = f->getArg(1);
    Value *kLen = f->getArg(2), *c = f->getArg(3), *ldcArg = f->getArg(4);
    Value *loadC = f->getArg(5), *epilogue = f->getArg(6);
    Value *row0 = f->getArg(7), *col0 = f->getArg(8);
    SmallVector<Value *> extraArgs;
    for (unsigned i = 0; i < spec.numExtraArgs; ++i)
      extraArgs.push_back(f->getArg(9 + i));

    // One alloca per accumulator; SROA turns them into registers.
    SmallVector<Value *> acc;
    for (unsigned i = 0; i < mr * nv; ++i)
      acc.push_back(b.CreateAlloca(vec));
    auto cAt = [&](unsigned r, unsigned v) {
      Value *offset = b.CreateAdd(b.CreateMul(b.getInt64(r), ldcArg),
                                  b.getInt64(int64_t(v) * lanes));
      return b.CreateGEP(elem, c, offset);
    };
    emitIfElse(
        b, loadC,
        [&] {
          for (unsigned r = 0; r < mr; ++r)
            for (unsigned v = 0; v < nv; ++v)
              b.CreateStore(
                  b.CreateAlignedLoad(vec, cAt(r, v), Align(elemBytes)),
                  acc[r * nv + v]);
        },
        [&] {
          for (Value *a : acc)
            b.CreateStore(ConstantFP::get(vec, 0.0), a);
        });

    emitFor(
        b, b.getInt64(0), kLen, 1,
        [&](Value *kk) {
          SmallVector<Value *> bv;
          for (unsigned v = 0; v < nv; ++v) {
            Value *offset = b.CreateAdd(b.CreateMul(kk, b.getInt64(nr)),
                                        b.getInt64(int64_t(v) * lanes));
            bv.push_back(b.CreateAlignedLoad(
                vec, b.CreateGEP(elem, bPanel, offset), Align(elemBytes)));
          }
          for (unsigned r = 0; r < mr; ++r) {
            Value *offset =
                b.CreateAdd(b.CreateMul(kk, b.getInt64(mr)), b.getInt64(r));
            Value *a = b.CreateLoad(elem, b.CreateGEP(elem, aPanel, offset));
            Value *splat = b.CreateVectorSplat(lanes, a);
            for (unsigned v = 0; v < nv; ++v) {
              Value *slot = acc[r * nv + v];
              b.CreateStore(fma(b, splat, bv[v], b.CreateLoad(vec, slot)),
                            slot);
            }
          }
        },
        "k");

    auto store = [&](bool withEpilogue) {
      for (unsigned r = 0; r < mr; ++r)
        for (unsigned v = 0; v < nv; ++v) {
          Value *x = b.CreateLoad(vec, acc[r * nv + v]);
          if (withEpilogue)
            x = applyHook(b, spec.epilogue, x, b.CreateAdd(row0, b.getInt64(r)),
                          b.CreateAdd(col0, b.getInt64(int64_t(v) * lanes)),
                          false, extraArgs);
          b.CreateAlignedStore(x, cAt(r, v), Align(elemBytes));
        }
    };
    if (spec.epilogue)
      emitIfElse(
          b, epilogue, [&] { store(true); }, [&] { store(false); });
    else
      store(false);
    b.CreateRetVoid();
    return f;
  }

  Module &module;
  LLVMContext &ctx;
  std::string name;
  const GemmSpec &spec;
  Type *elem = nullptr;
  FixedVectorType *vec = nullptr;
  Type *i64 = nullptr;
  PointerType *ptr = nullptr;
  int64_t elemBytes = 4;
  unsigned lanes = 1;
  unsigned mr = 1, nv = 1;
  int64_t nr = 1;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int64_t kBlocks = 1, kc = 1, mBlocks = 1, nBlocks = 1, mb = 1, nb = 1;
};

} // namespace

Function *emitGemm(Module &module, StringRef name, const GemmSpec &spec) {
  return GemmBuilder(module, name, spec).emit();
}

} // namespace voskhod::codegen
