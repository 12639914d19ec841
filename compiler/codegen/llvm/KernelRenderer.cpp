//===- compiler/codegen/llvm/KernelRenderer.cpp - kernel IR to LLVM IR ----===//
#include "compiler/codegen/llvm/KernelRenderer.h"

#include "compiler/codegen/llvm/GemmEmitter.h"
#include "compiler/codegen/llvm/LoopHints.h"
#include "compiler/codegen/llvm/ScheduleTable.h"
#include "compiler/codegen/llvm/VectorMath.h"
#include "compiler/kernel/KernelDescription.h"
#include "compiler/kernel/KernelSignature.h"
#include "compiler/kernel/LoopCollapse.h"

#include "support/InternalCheck.h"
#include "support/Philox.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace voskhod::codegen {
using namespace kernel;
using llvm::BasicBlock;
using llvm::Function;
using llvm::IRBuilder;
using llvm::Type;
using llvm::Value;

namespace {

/// Elements per parallel chunk: big enough that a chunk outweighs the
/// pool's hand-off, small enough that 4 threads share a 128x512 layer.
constexpr int64_t kChunkElements = 16384;

class Renderer {
public:
  Renderer(llvm::Module &m, const KernelProgram &p, const RenderOptions &o)
      : m_(m), ctx_(m.getContext()), p_(p), options_(o) {}

  Function *run(llvm::StringRef entryName) {
    auto *ptrTy = llvm::PointerType::getUnqual(ctx_);
    auto *voidTy = Type::getVoidTy(ctx_);
    auto *entryTy = llvm::FunctionType::get(voidTy, {ptrTy, ptrTy}, false);
    entry_ =
        Function::Create(entryTy, Function::ExternalLinkage, entryName, m_);
    entry_->getArg(0)->setName("externals");
    entry_->getArg(1)->setName("arena");
    setAttributes(entry_);
    prefix_ = entryName.str() + ".";
    indexStorages();
    bool inlined = p_.kernels.size() <= options_.maxInlineKernels;
    std::vector<ScheduledLaunch> table;
    IRBuilder<> b(ctx_);
    if (inlined)
      b.SetInsertPoint(BasicBlock::Create(ctx_, "entry", entry_));
    for (const Kernel &k : p_.kernels) {
      InternalContext at("LLVM kernel renderer", k, describeKernel);
      std::vector<int> storages = kernelStorages(p_, k);
      Function *launch = launchFor(k, storages, inlined);
      if (inlined) {
        Function *check =
            options_.checkNumerics ? emitNumericsCheck(k, storages) : nullptr;
        callLaunch(b, k, storages, launch, check);
        continue;
      }
      ScheduledLaunch &l = table.emplace_back();
      l.launch = launch;
      for (int s : storages)
        l.args.push_back(argumentRef(s));
      if (!options_.checkNumerics)
        continue;
      // The table's check is data: no function a kernel.
      for (int w : checkedWrites(k)) {
        const Buffer &buf = p_.buffers[w];
        auto at = std::find(storages.begin(), storages.end(), p_.storageOf(w));
        l.checks.push_back({int(at - storages.begin()), buf.type.numElements(),
                            buf.type.dtype == DType::F64, "%" + buf.name});
      }
      if (!l.checks.empty())
        l.what = describeKernel(k);
    }
    if (inlined)
      b.CreateRetVoid();
    else
      emitScheduleTable(*entry_, table, prefix_);
    return entry_;
  }

private:
  // ---- types and helpers ------------------------------------------------
  Type *storageType(DType t) {
    switch (t) {
    case DType::F32:
      return Type::getFloatTy(ctx_);
    case DType::F64:
      return Type::getDoubleTy(ctx_);
    case DType::I32:
      return Type::getInt32Ty(ctx_);
    case DType::I1:
      return Type::getInt8Ty(ctx_);
    }
    return nullptr;
  }
  Type *scalarType(DType t) {
    return t == DType::I1 ? Type::getInt1Ty(ctx_) : storageType(t);
  }
  Type *valueType(DType t, unsigned lanes) {
    Type *s = scalarType(t);
    return lanes == 1 ? s : llvm::FixedVectorType::get(s, lanes);
  }
  llvm::Constant *constant(DType t, double v, unsigned lanes) {
    Type *s = scalarType(t);
    llvm::Constant *c;
    if (isFloat(t))
      c = llvm::ConstantFP::get(s, v);
    else if (t == DType::I1)
      c = llvm::ConstantInt::get(s, v != 0);
    else
      c = llvm::ConstantInt::get(s, uint64_t(int64_t(v)), true);
    return lanes == 1 ? c
                      : llvm::ConstantVector::getSplat(
                            llvm::ElementCount::getFixed(lanes), c);
  }
  Value *i64(int64_t v) {
    return llvm::ConstantInt::get(Type::getInt64Ty(ctx_), uint64_t(v), true);
  }

  void setAttributes(Function *f) {
    f->addFnAttr(llvm::Attribute::NoUnwind);
    f->addFnAttr("prefer-vector-width", std::to_string(options_.vectorBits));
  }

  /// for (i = lo; i < hi; ++i) body(i), with loop-carried values;
  /// `tripCount` is hi - lo when known (see LoopHints.h), else 0.
  std::vector<Value *>
  loop(llvm::IRBuilderBase &b, Value *lo, Value *hi,
       std::vector<Value *> carried,
       const std::function<std::vector<Value *>(Value *, std::vector<Value *>)>
           &body,
       int64_t tripCount = 0) {
    Function *f = b.GetInsertBlock()->getParent();
    BasicBlock *pre = b.GetInsertBlock();
    BasicBlock *header = BasicBlock::Create(ctx_, "loop", f);
    BasicBlock *bodyBB = BasicBlock::Create(ctx_, "body", f);
    BasicBlock *exit = BasicBlock::Create(ctx_, "exit", f);
    b.CreateBr(header);
    b.SetInsertPoint(header);
    llvm::PHINode *i = b.CreatePHI(lo->getType(), 2, "i");
    i->addIncoming(lo, pre);
    std::vector<llvm::PHINode *> phis;
    std::vector<Value *> current;
    for (Value *c : carried) {
      llvm::PHINode *phi = b.CreatePHI(c->getType(), 2);
      phi->addIncoming(c, pre);
      phis.push_back(phi);
      current.push_back(phi);
    }
    b.CreateCondBr(b.CreateICmpSLT(i, hi), bodyBB, exit);
    b.SetInsertPoint(bodyBB);
    std::vector<Value *> next = body(i, current);
    Value *inc =
        b.CreateAdd(i, llvm::ConstantInt::get(i->getType(), 1), "", true, true);
    BasicBlock *latch = b.GetInsertBlock();
    i->addIncoming(inc, latch);
    for (size_t k = 0; k < phis.size(); ++k)
      phis[k]->addIncoming(next[k], latch);
    hintVectorLoop(b.CreateBr(header), tripCount, options_.vectorBits / 32);
    b.SetInsertPoint(exit);
    return current;
  }

  /// Nested loops over `groups` (each from 0), innermost last.
  std::vector<Value *>
  nest(llvm::IRBuilderBase &b, const std::vector<DimGroup> &groups,
       size_t first, std::vector<Value *> &vars, std::vector<Value *> carried,
       const std::function<std::vector<Value *>(std::vector<Value *>)> &body) {
    if (first == groups.size())
      return body(std::move(carried));
    return loop(
        b, i64(0), i64(groups[first].size), std::move(carried),
        [&](Value *i, std::vector<Value *> c) {
          vars[first] = i;
          return nest(b, groups, first + 1, vars, std::move(c), body);
        },
        groups[first].size);
  }

  // ---- bodies ------------------------------------------------------------
  /// Where a body's loop variables are: a value per dim group (lane 0 when
  /// vectorised), the group of each domain dim, and the lane layout.
  struct Env {
    const std::vector<DimGroup> *groups = nullptr;
    std::vector<Value *> vars;
    std::map<int, int> groupOfDim;
    std::vector<Value *> rowValues;
    Value *acc = nullptr;
    unsigned lanes = 1;
    int laneGroup = -1; // the group lanes advance along
    /// Pointer arguments by storage buffer id.
    std::map<int, Value *> storage;
    /// A load to replace by a given value (a GEMM operand already loaded).
    int givenAccess = -1;
    Value *given = nullptr;

    void setGroups(const std::vector<DimGroup> &g) {
      groups = &g;
      vars.assign(g.size(), nullptr);
      groupOfDim.clear();
      for (size_t i = 0; i < g.size(); ++i)
        for (int d : g[i].dims)
          groupOfDim[d] = int(i);
    }
  };

  /// Element index of lane 0 and the stride between lanes.
  std::pair<Value *, int64_t> elementIndex(llvm::IRBuilderBase &b,
                                           const Env &env, const Access &a) {
    Value *idx = i64(a.offset);
    int64_t laneStride = 0;
    for (size_t g = 0; g < env.groups->size(); ++g) {
      int d = (*env.groups)[g].inner();
      int64_t s = d < int(a.strides.size()) ? a.strides[d] : 0;
      if (!s)
        continue;
      idx = b.CreateAdd(idx, b.CreateMul(env.vars[g], i64(s)));
      if (int(g) == env.laneGroup)
        laneStride = s;
    }
    return {idx, laneStride};
  }

  Value *pointer(llvm::IRBuilderBase &b, const Env &env, const Access &a,
                 Value *idx) {
    int storage = p_.storageOf(a.buffer);
    Type *t = storageType(p_.buffers[a.buffer].type.dtype);
    return b.CreateInBoundsGEP(t, env.storage.at(storage), idx);
  }

  Value *fromStorage(llvm::IRBuilderBase &b, Value *v, DType t) {
    if (t != DType::I1)
      return v;
    return b.CreateICmpNE(v, llvm::Constant::getNullValue(v->getType()));
  }
  Value *toStorage(llvm::IRBuilderBase &b, Value *v, DType t) {
    if (t != DType::I1)
      return v;
    Type *st = storageType(t);
    if (auto *vt = llvm::dyn_cast<llvm::FixedVectorType>(v->getType()))
      st = llvm::FixedVectorType::get(st, vt->getNumElements());
    return b.CreateZExt(v, st);
  }

  Value *load(llvm::IRBuilderBase &b, const Env &env, const Access &a,
              DType t) {
    auto [idx, laneStride] = elementIndex(b, env, a);
    Type *st = storageType(t);
    if (env.lanes == 1)
      return fromStorage(b, b.CreateLoad(st, pointer(b, env, a, idx)), t);
    if (env.laneGroup >= 0 && laneStride == 1) {
      auto *vt = llvm::FixedVectorType::get(st, env.lanes);
      auto *ld =
          b.CreateAlignedLoad(vt, pointer(b, env, a, idx),
                              llvm::Align(st->getPrimitiveSizeInBits() / 8));
      return fromStorage(b, ld, t);
    }
    if (laneStride == 0) {
      Value *s = b.CreateLoad(st, pointer(b, env, a, idx));
      return fromStorage(b, b.CreateVectorSplat(env.lanes, s), t);
    }
    Value *vec =
        llvm::PoisonValue::get(llvm::FixedVectorType::get(st, env.lanes));
    for (unsigned l = 0; l < env.lanes; ++l) {
      Value *li = b.CreateAdd(idx, i64(int64_t(l) * laneStride));
      vec = b.CreateInsertElement(vec, b.CreateLoad(st, pointer(b, env, a, li)),
                                  uint64_t(l));
    }
    return fromStorage(b, vec, t);
  }

  /// Element `index` (i32, a vector of them when vectorised) of a's buffer,
  /// one scalar load per lane.
  Value *gather(llvm::IRBuilderBase &b, const Env &env, const Access &a,
                Value *index, DType t) {
    Type *st = storageType(t);
    Type *i64t = Type::getInt64Ty(ctx_);
    if (env.lanes == 1)
      return fromStorage(
          b, b.CreateLoad(st, pointer(b, env, a, b.CreateSExt(index, i64t))),
          t);
    Value *vec =
        llvm::PoisonValue::get(llvm::FixedVectorType::get(st, env.lanes));
    for (unsigned l = 0; l < env.lanes; ++l) {
      Value *li =
          b.CreateSExt(b.CreateExtractElement(index, uint64_t(l)), i64t);
      vec = b.CreateInsertElement(vec, b.CreateLoad(st, pointer(b, env, a, li)),
                                  uint64_t(l));
    }
    return fromStorage(b, vec, t);
  }

  void store(llvm::IRBuilderBase &b, const Env &env, const Access &a,
             Value *v) {
    DType t = p_.buffers[a.buffer].type.dtype;
    v = toStorage(b, v, t);
    auto [idx, laneStride] = elementIndex(b, env, a);
    Type *st = storageType(t);
    if (env.lanes == 1) {
      b.CreateStore(v, pointer(b, env, a, idx));
      return;
    }
    if (laneStride == 1) {
      b.CreateAlignedStore(v, pointer(b, env, a, idx),
                           llvm::Align(st->getPrimitiveSizeInBits() / 8));
      return;
    }
    for (unsigned l = 0; l < env.lanes; ++l) {
      Value *li = b.CreateAdd(idx, i64(int64_t(l) * laneStride));
      b.CreateStore(b.CreateExtractElement(v, uint64_t(l)),
                    pointer(b, env, a, li));
    }
  }

  Value *intrinsic(llvm::IRBuilderBase &b, llvm::Intrinsic::ID id,
                   std::vector<Value *> args) {
    return b.CreateIntrinsic(id, {args[0]->getType()}, args);
  }

  /// The interpreter's float max/min: NaN if either operand is NaN, else
  /// std::max/std::min, which give `a` on ties (max(+0, -0) is +0, max(-0,
  /// +0) is -0). The first select alone would return `a` when `b` is NaN;
  /// the second lets that NaN through. On AVX2 the pair is vcmpltps,
  /// vcmpunordps, vorps, vblendvps. llvm.maximum is no alternative: it
  /// orders -0 below +0, and LLVM 16 cannot select it on x86 at all.
  Value *floatMinMax(llvm::IRBuilderBase &b, bool isMax, Value *a, Value *x) {
    Value *pick = isMax ? b.CreateFCmpOLT(a, x) : b.CreateFCmpOLT(x, a);
    Value *m = b.CreateSelect(pick, x, a);
    return b.CreateSelect(b.CreateFCmpUNO(x, x), x, m);
  }

  /// A binary scalar op on `a0` and `a1` (of type `argT`), giving `t`: the
  /// body's arithmetic and comparisons, and what a Fold phase combines with.
  Value *binary(llvm::IRBuilderBase &b, ScalarOp op, DType t, DType argT,
                unsigned lanes, Value *a0, Value *a1) {
    bool fp = isFloat(t);
    switch (op) {
    case ScalarOp::Add:
      return fp ? b.CreateFAdd(a0, a1) : b.CreateAdd(a0, a1);
    case ScalarOp::Sub:
      return fp ? b.CreateFSub(a0, a1) : b.CreateSub(a0, a1);
    case ScalarOp::Mul:
      return fp ? b.CreateFMul(a0, a1) : b.CreateMul(a0, a1);
    case ScalarOp::Div: {
      if (fp)
        return b.CreateFDiv(a0, a1);
      // Integer division by zero gives 0 instead of trapping.
      Value *zero = constant(t, 0, lanes);
      Value *isZero = b.CreateICmpEQ(a1, zero);
      Value *d = b.CreateSelect(isZero, constant(t, 1, lanes), a1);
      return b.CreateSelect(isZero, zero, b.CreateSDiv(a0, d));
    }
    case ScalarOp::Pow: {
      if (fp)
        return intrinsic(b, llvm::Intrinsic::pow, {a0, a1});
      Type *dt = valueType(DType::F64, lanes);
      Value *r = intrinsic(b, llvm::Intrinsic::pow,
                           {b.CreateSIToFP(a0, dt), b.CreateSIToFP(a1, dt)});
      return b.CreateFPToSI(r, valueType(t, lanes));
    }
    case ScalarOp::Max:
    case ScalarOp::Min: {
      bool isMax = op == ScalarOp::Max;
      return fp ? floatMinMax(b, isMax, a0, a1)
                : b.CreateSelect(isMax ? b.CreateICmpSLT(a0, a1)
                                       : b.CreateICmpSLT(a1, a0),
                                 a1, a0);
    }
    case ScalarOp::Greater:
      return isFloat(argT) ? b.CreateFCmpOGT(a0, a1)
                           : (argT == DType::I1 ? b.CreateICmpUGT(a0, a1)
                                                : b.CreateICmpSGT(a0, a1));
    case ScalarOp::Equal:
      return isFloat(argT) ? b.CreateFCmpOEQ(a0, a1) : b.CreateICmpEQ(a0, a1);
    default:
      break;
    }
    VOSKHOD_CHECK(false) << "'" << scalarOpName(op) << "' is not binary";
    return nullptr;
  }

  /// support/Philox.h's dropoutDraw on `lanes` elements at once: 32-bit
  /// vector arithmetic, each high half of a product from a 64-bit multiply.
  Value *dropoutDraw(llvm::IRBuilderBase &b, Value *seed, Value *step,
                     Value *index, uint32_t key, unsigned lanes) {
    auto splat = [&](llvm::Constant *c) -> Value * {
      return lanes == 1 ? c
                        : llvm::ConstantVector::getSplat(
                              llvm::ElementCount::getFixed(lanes), c);
    };
    auto u32 = [&](uint32_t x) {
      return splat(llvm::ConstantInt::get(Type::getInt32Ty(ctx_), x));
    };
    auto u64 = [&](uint64_t x) {
      return splat(llvm::ConstantInt::get(Type::getInt64Ty(ctx_), x));
    };
    Type *wide = Type::getInt64Ty(ctx_);
    if (lanes > 1)
      wide = llvm::FixedVectorType::get(wide, lanes);
    Type *narrow = valueType(DType::I32, lanes);
    auto product = [&](Value *c, uint32_t m, Value *&hi, Value *&lo) {
      Value *p = b.CreateMul(b.CreateZExt(c, wide), u64(m));
      hi = b.CreateTrunc(b.CreateLShr(p, u64(32)), narrow);
      lo = b.CreateTrunc(p, narrow);
    };
    Value *c0 = index, *c1 = step, *c2 = u32(key), *c3 = u32(0);
    Value *k0 = seed, *k1 = u32(0);
    for (int round = 0; round < 10; ++round) {
      Value *hi0, *lo0, *hi1, *lo1;
      product(c0, kPhiloxM0, hi0, lo0);
      product(c2, kPhiloxM1, hi1, lo1);
      c0 = b.CreateXor(b.CreateXor(hi1, c1), k0);
      c2 = b.CreateXor(b.CreateXor(hi0, c3), k1);
      c1 = lo1;
      c3 = lo0;
      k0 = b.CreateAdd(k0, u32(kPhiloxW0));
      k1 = b.CreateAdd(k1, u32(kPhiloxW1));
    }
    return b.CreateLShr(c0, u32(8));
  }

  Value *convert(llvm::IRBuilderBase &b, Value *v, DType from, DType to,
                 unsigned lanes) {
    if (from == to)
      return v;
    Type *tt = valueType(to, lanes);
    if (to == DType::I1) {
      if (isFloat(from))
        return b.CreateFCmpUNE(v, constant(from, 0, lanes));
      return b.CreateICmpNE(v, constant(from, 0, lanes));
    }
    if (from == DType::I1)
      return isFloat(to) ? b.CreateUIToFP(v, tt) : b.CreateZExt(v, tt);
    if (isFloat(from) && isFloat(to))
      return b.CreateFPCast(v, tt);
    if (isFloat(from))
      return b.CreateFPToSI(v, tt);
    if (isFloat(to))
      return b.CreateSIToFP(v, tt);
    return b.CreateSExtOrTrunc(v, tt);
  }

  /// Renders `body` at the point `env` describes; returns every value.
  std::vector<Value *> renderBody(llvm::IRBuilderBase &b, const Body &body,
                                  const Env &env) {
    std::vector<Value *> v(body.insts.size(), nullptr);
    unsigned lanes = env.lanes;
    for (size_t i = 0; i < body.insts.size(); ++i) {
      const Inst &in = body.insts[i];
      DType t = in.dtype;
      auto arg = [&](int k) { return v[in.args[k]]; };
      auto argType = [&](int k) { return body.insts[in.args[k]].dtype; };
      bool fp = isFloat(t);
      switch (in.op) {
      case ScalarOp::Const:
        v[i] = constant(t, in.constant, lanes);
        break;
      case ScalarOp::Load:
        v[i] = int(in.access) == env.givenAccess
                   ? env.given
                   : load(b, env, body.accesses[in.access], t);
        break;
      case ScalarOp::Gather:
        v[i] = gather(b, env, body.accesses[in.access], arg(0), t);
        break;
      case ScalarOp::Index: {
        auto it = env.groupOfDim.find(in.dim);
        Value *x = it == env.groupOfDim.end() ? i64(0) : env.vars[it->second];
        x = b.CreateTrunc(x, Type::getInt32Ty(ctx_));
        if (lanes > 1) {
          x = b.CreateVectorSplat(lanes, x);
          if (it != env.groupOfDim.end() && it->second == env.laneGroup) {
            std::vector<llvm::Constant *> steps;
            for (unsigned l = 0; l < lanes; ++l)
              steps.push_back(
                  llvm::ConstantInt::get(Type::getInt32Ty(ctx_), l));
            x = b.CreateAdd(x, llvm::ConstantVector::get(steps));
          }
        }
        v[i] = x;
        break;
      }
      case ScalarOp::RowValue:
        v[i] = lanes == 1 ? env.rowValues[in.dim]
                          : b.CreateVectorSplat(lanes, env.rowValues[in.dim]);
        break;
      case ScalarOp::Acc:
        v[i] = env.acc;
        break;
      case ScalarOp::Neg:
        v[i] = fp ? b.CreateFNeg(arg(0)) : b.CreateNeg(arg(0));
        break;
      case ScalarOp::Abs:
        v[i] =
            fp ? intrinsic(b, llvm::Intrinsic::fabs, {arg(0)})
               : b.CreateSelect(b.CreateICmpSLT(arg(0), constant(t, 0, lanes)),
                                b.CreateNeg(arg(0)), arg(0));
        break;
      case ScalarOp::Sigmoid:
        v[i] = emitMathFunction(b, "sigmoid", arg(0));
        break;
      case ScalarOp::Sqrt:
        v[i] = intrinsic(b, llvm::Intrinsic::sqrt, {arg(0)});
        break;
      case ScalarOp::Floor:
        v[i] = intrinsic(b, llvm::Intrinsic::floor, {arg(0)});
        break;
      case ScalarOp::Rsqrt:
        v[i] = b.CreateFDiv(constant(t, 1, lanes),
                            intrinsic(b, llvm::Intrinsic::sqrt, {arg(0)}));
        break;
      case ScalarOp::Sign: {
        Value *x = arg(0), *zero = constant(t, 0, lanes);
        Value *pos = fp ? b.CreateFCmpOGT(x, zero) : b.CreateICmpSGT(x, zero);
        Value *neg = fp ? b.CreateFCmpOLT(x, zero) : b.CreateICmpSLT(x, zero);
        v[i] =
            b.CreateSelect(pos, constant(t, 1, lanes),
                           b.CreateSelect(neg, constant(t, -1, lanes), zero));
        break;
      }
      case ScalarOp::Convert:
        v[i] = convert(b, arg(0), argType(0), t, lanes);
        break;
      case ScalarOp::Add:
      case ScalarOp::Sub:
      case ScalarOp::Mul:
      case ScalarOp::Div:
      case ScalarOp::Pow:
      case ScalarOp::Max:
      case ScalarOp::Min:
      case ScalarOp::Greater:
      case ScalarOp::Equal:
        v[i] = binary(b, in.op, t, argType(0), lanes, arg(0), arg(1));
        break;
      case ScalarOp::Select:
        v[i] = b.CreateSelect(arg(0), arg(1), arg(2));
        break;
      case ScalarOp::DropoutDraw:
        v[i] = dropoutDraw(b, arg(0), arg(1), arg(2), uint32_t(in.constant),
                           lanes);
        break;
      default:
        // The math calls (ScalarOps.def), by name.
        v[i] = isMathCall(in.op)
                   ? emitMathFunction(b, scalarOpName(in.op), arg(0))
                   : nullptr;
        VOSKHOD_CHECK(v[i])
            << "no CPU rendering of scalar op '" << scalarOpName(in.op) << "'";
      }
    }
    return v;
  }

  // ---- kernels -----------------------------------------------------------
  /// Where each storage lives: its slot in the entry's `externals`, or its
  /// offset in the arena (-1 where neither applies).
  void indexStorages() {
    externalSlot_.assign(p_.buffers.size(), -1);
    arenaOffset_.assign(p_.buffers.size(), -1);
    for (size_t i = 0; i < p_.external.size(); ++i)
      externalSlot_[p_.external[i]] = int64_t(i);
    for (const Placement &pl : p_.memory.placements)
      arenaOffset_[pl.buffer] = pl.offset;
  }

  /// The storage's address in the entry function.
  Value *entryAddress(llvm::IRBuilderBase &b, int storage) {
    ArgumentRef ref = argumentRef(storage);
    if (ref.global)
      return ref.global;
    auto *ptrTy = llvm::PointerType::getUnqual(ctx_);
    if (ref.externalSlot >= 0)
      return b.CreateLoad(
          ptrTy,
          b.CreateConstInBoundsGEP1_64(ptrTy, entry_->getArg(0),
                                       uint64_t(ref.externalSlot)),
          "%" + p_.buffers[storage].name);
    return b.CreateConstInBoundsGEP1_64(
        Type::getInt8Ty(ctx_), entry_->getArg(1), uint64_t(ref.arenaOffset));
  }

  ArgumentRef argumentRef(int storage) {
    const Buffer &buf = p_.buffers[storage];
    ArgumentRef ref;
    if (buf.kind == BufferKind::Const) {
      ref.global = constGlobal(buf);
    } else if (isExternal(buf.kind)) {
      ref.externalSlot = externalSlot_[storage];
      VOSKHOD_CHECK(ref.externalSlot >= 0)
          << "external buffer not in the table";
    } else {
      ref.arenaOffset = arenaOffset_[storage];
      VOSKHOD_CHECK(ref.arenaOffset >= 0) << "temporary without a placement";
    }
    return ref;
  }

  /// The storage's address inside the launch (or check) function being
  /// rendered: element i of its `args` is the kernel's i-th storage.
  Value *argument(llvm::IRBuilderBase &b, int storage) {
    auto it = std::find(storages_.begin(), storages_.end(), storage);
    VOSKHOD_CHECK(it != storages_.end()) << "storage is not the kernel's";
    auto *ptrTy = llvm::PointerType::getUnqual(ctx_);
    return b.CreateLoad(ptrTy,
                        b.CreateConstInBoundsGEP1_64(
                            ptrTy, args_, uint64_t(it - storages_.begin())),
                        "%" + p_.buffers[storage].name);
  }

  /// An internal function `ret NAME(ptr args)` of a kernel's storages,
  /// alwaysinline when the entry calls it directly; `argument` reads from
  /// its `args` until the next one is made.
  Function *argumentsFunction(Type *ret, const std::string &name,
                              const std::vector<int> &storages, bool inlined) {
    auto *ptrTy = llvm::PointerType::getUnqual(ctx_);
    Function *f =
        Function::Create(llvm::FunctionType::get(ret, {ptrTy}, false),
                         Function::InternalLinkage, prefix_ + name, m_);
    setAttributes(f);
    if (inlined)
      f->addFnAttr(llvm::Attribute::AlwaysInline);
    args_ = f->getArg(0);
    args_->setName("args");
    storages_ = storages;
    return f;
  }

  /// `<kernel>.launch(ptr args)`, which runs kernel `k` on the storages in
  /// `args`: one per kernel signature, so repeated kernels share it. Marked
  /// alwaysinline when the entry calls it directly.
  Function *launchFor(const Kernel &k, const std::vector<int> &storages,
                      bool inlined) {
    auto [it, created] = launches_.try_emplace(kernelSignature(p_, k));
    if (!created)
      return it->second;
    Function *f = argumentsFunction(Type::getVoidTy(ctx_), k.name + ".launch",
                                    storages, inlined);
    IRBuilder<> b(BasicBlock::Create(ctx_, "entry", f));
    renderKernel(k, b);
    b.CreateRetVoid();
    it->second = f;
    return f;
  }

  /// The straight-line entry's call of one kernel: its storages' addresses
  /// into an array, the launch, and the numerics check if there is one.
  void callLaunch(llvm::IRBuilderBase &b, const Kernel &k,
                  const std::vector<int> &storages, Function *launch,
                  Function *check) {
    auto *ptrTy = llvm::PointerType::getUnqual(ctx_);
    auto *arrayTy =
        llvm::ArrayType::get(ptrTy, std::max<size_t>(storages.size(), 1));
    Value *args;
    {
      IRBuilder<> ab(&entry_->getEntryBlock(), entry_->getEntryBlock().begin());
      args = ab.CreateAlloca(arrayTy, nullptr, k.name + ".args");
    }
    for (size_t i = 0; i < storages.size(); ++i)
      b.CreateStore(entryAddress(b, storages[i]),
                    b.CreateConstInBoundsGEP1_64(ptrTy, args, i));
    b.CreateCall(launch, {args});
    if (!check)
      return;
    Value *bad = b.CreateCall(check, {args});
    BasicBlock *fault = BasicBlock::Create(ctx_, k.name + ".fault", entry_);
    BasicBlock *next = BasicBlock::Create(ctx_, k.name + ".checked", entry_);
    b.CreateCondBr(b.CreateICmpNE(bad, b.getInt32(0)), fault, next);
    IRBuilder<>(fault).CreateRetVoid();
    b.SetInsertPoint(next);
  }

  llvm::GlobalVariable *constGlobal(const Buffer &buf) {
    auto it = consts_.find(buf.id);
    if (it != consts_.end())
      return it->second;
    Type *et = storageType(buf.type.dtype);
    std::vector<llvm::Constant *> values;
    for (double v : buf.constValues)
      values.push_back(buf.type.dtype == DType::I1
                           ? llvm::ConstantInt::get(et, v != 0)
                           : constant(buf.type.dtype, v, 1));
    auto *at = llvm::ArrayType::get(et, values.size());
    auto *g = new llvm::GlobalVariable(
        m_, at, true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantArray::get(at, values), prefix_ + buf.name + ".const");
    g->setAlignment(llvm::Align(64));
    consts_[buf.id] = g;
    return g;
  }

  /// Creates `<kernel>.body(ptr noalias..., i64 begin, i64 end)` and the
  /// `.chunk(ptr args, i64, i64)` trampoline the thread pool calls; emits the
  /// call from the launch function `lb` builds, whose `args` array the chunk
  /// reads. `fill` renders the body for [begin, end).
  void emitKernelFunction(llvm::IRBuilderBase &lb, const Kernel &k,
                          int64_t count, int64_t grain,
                          const std::function<void(llvm::IRBuilderBase &, Env &,
                                                   Value *, Value *)> &fill) {
    const std::vector<int> &storages = storages_;
    auto *ptrTy = llvm::PointerType::getUnqual(ctx_);
    auto *i64Ty = Type::getInt64Ty(ctx_);
    std::vector<Type *> params(storages.size(), ptrTy);
    params.push_back(i64Ty);
    params.push_back(i64Ty);
    auto *voidTy = Type::getVoidTy(ctx_);
    Function *body = Function::Create(
        llvm::FunctionType::get(voidTy, params, false),
        Function::InternalLinkage, prefix_ + k.name + ".body", m_);
    setAttributes(body);
    Env env;
    for (size_t i = 0; i < storages.size(); ++i) {
      body->getArg(i)->addAttr(llvm::Attribute::NoAlias);
      body->getArg(i)->setName("%" + p_.buffers[storages[i]].name);
      env.storage[storages[i]] = body->getArg(i);
    }
    {
      IRBuilder<> b(BasicBlock::Create(ctx_, "entry", body));
      fill(b, env, body->getArg(storages.size()),
           body->getArg(storages.size() + 1));
      b.CreateRetVoid();
    }
    Function *chunk = Function::Create(
        llvm::FunctionType::get(voidTy, {ptrTy, i64Ty, i64Ty}, false),
        Function::InternalLinkage, prefix_ + k.name + ".chunk", m_);
    setAttributes(chunk);
    {
      IRBuilder<> b(BasicBlock::Create(ctx_, "entry", chunk));
      std::vector<Value *> args;
      for (size_t i = 0; i < storages.size(); ++i)
        args.push_back(b.CreateLoad(
            ptrTy, b.CreateConstInBoundsGEP1_64(ptrTy, chunk->getArg(0), i)));
      args.push_back(chunk->getArg(1));
      args.push_back(chunk->getArg(2));
      b.CreateCall(body, args);
      b.CreateRetVoid();
    }
    if (count <= grain) {
      // One call on the calling thread: inlined into the launch (the kernel
      // pipeline's always-inline), so the body's bounds become constants
      // and a small kernel costs no call and no runtime trip counts.
      body->addFnAttr(llvm::Attribute::AlwaysInline);
      chunk->addFnAttr(llvm::Attribute::AlwaysInline);
      lb.CreateCall(chunk, {args_, i64(0), i64(count)});
      return;
    }
    llvm::FunctionCallee pf = m_.getOrInsertFunction(
        "voskhod_parallel_for",
        llvm::FunctionType::get(voidTy, {ptrTy, ptrTy, i64Ty, i64Ty}, false));
    lb.CreateCall(pf, {chunk, args_, i64(count), i64(grain)});
  }

  /// What --check-numerics scans after kernel `k`: the floating-point
  /// buffers it writes (not its scratch).
  std::vector<int> checkedWrites(const Kernel &k) {
    std::vector<int> checked;
    for (int w : k.writes) {
      const Buffer &buf = p_.buffers[w];
      DType t = buf.type.dtype;
      if (buf.kind != BufferKind::Scratch &&
          (t == DType::F32 || t == DType::F64))
        checked.push_back(w);
    }
    return checked;
  }

  /// `i32 <kernel>.check(ptr args)`, for --check-numerics in the
  /// straight-line entry: hands each buffer of checkedWrites to the
  /// runtime's voskhod_check_finite (runtime/NumericsCheck.h) and returns 1
  /// at the first fault, so the entry stops there and the fault names this
  /// kernel. Null when the kernel writes nothing to check.
  Function *emitNumericsCheck(const Kernel &k,
                              const std::vector<int> &storages) {
    std::vector<int> checked = checkedWrites(k);
    if (checked.empty())
      return nullptr;
    auto *ptrTy = llvm::PointerType::getUnqual(ctx_);
    auto *i32Ty = Type::getInt32Ty(ctx_);
    Function *f = argumentsFunction(i32Ty, k.name + ".check", storages, true);
    llvm::FunctionCallee check = m_.getOrInsertFunction(
        "voskhod_check_finite",
        llvm::FunctionType::get(
            i32Ty, {ptrTy, ptrTy, ptrTy, Type::getInt64Ty(ctx_), i32Ty},
            false));
    IRBuilder<> b(BasicBlock::Create(ctx_, "entry", f));
    Value *what =
        b.CreateGlobalStringPtr(describeKernel(k), prefix_ + k.name + ".what");
    for (int w : checked) {
      const Buffer &buf = p_.buffers[w];
      Value *name =
          b.CreateGlobalStringPtr("%" + buf.name, prefix_ + k.name + ".buffer");
      Value *bad = b.CreateCall(
          check, {what, name, argument(b, p_.storageOf(w)),
                  i64(buf.type.numElements()),
                  llvm::ConstantInt::get(i32Ty, buf.type.dtype == DType::F64)});
      BasicBlock *fault = BasicBlock::Create(ctx_, "fault", f);
      BasicBlock *next = BasicBlock::Create(ctx_, "checked", f);
      b.CreateCondBr(b.CreateICmpNE(bad, llvm::ConstantInt::get(i32Ty, 0)),
                     fault, next);
      IRBuilder<>(fault).CreateRet(b.getInt32(1));
      b.SetInsertPoint(next);
    }
    b.CreateRet(b.getInt32(0));
    return f;
  }

  void renderKernel(const Kernel &k, llvm::IRBuilderBase &eb) {
    switch (k.kind) {
    case KernelKind::Loop:
      renderLoop(k, eb);
      break;
    case KernelKind::Reduction:
      renderReduction(k, eb);
      break;
    case KernelKind::Contraction:
      if (!options_.packedGemm || !renderPackedContraction(k, eb))
        renderContraction(k, eb);
      break;
    }
  }

  void renderLoop(const Kernel &k, llvm::IRBuilderBase &eb) {
    LoopAccesses uses;
    uses.addBody(k.body);
    uses.addStores(k.stores);
    auto groups = std::make_shared<std::vector<DimGroup>>(
        collapse(k.domain, 0, int(k.domain.size()), uses));
    int64_t count = groups->empty() ? 1 : groups->front().size;
    int64_t inner = 1;
    for (size_t g = 1; g < groups->size(); ++g)
      inner *= (*groups)[g].size;
    int64_t grain = std::max<int64_t>(1, kChunkElements / inner);
    if (groups->size() == 1)
      grain = (grain + 63) / 64 * 64;
    emitKernelFunction(
        eb, k, count, grain,
        [&](llvm::IRBuilderBase &b, Env &env, Value *lo, Value *hi) {
          env.setGroups(*groups);
          auto emitPoint = [&] {
            std::vector<Value *> v = renderBody(b, k.body, env);
            for (const Store &s : k.stores)
              store(b, env, s.access, v[s.value]);
          };
          if (groups->empty()) {
            emitPoint();
            return;
          }
          // One call runs the whole range when count <= grain.
          loop(
              b, lo, hi, {},
              [&](Value *i, std::vector<Value *>) {
                env.vars[0] = i;
                nest(b, *groups, 1, env.vars, {}, [&](std::vector<Value *>) {
                  emitPoint();
                  return std::vector<Value *>{};
                });
                return std::vector<Value *>{};
              },
              count <= grain ? count : 0);
        });
  }

  /// One step of a Fold phase: `acc` combined with `x`.
  Value *fold(llvm::IRBuilderBase &b, ScalarOp combine, DType t, Value *acc,
              Value *x) {
    Value *r = binary(b, combine, t, t, 1, acc, x);
    // Reassociation lets the vectoriser keep partial sums per lane; the
    // order is still a function of the row length alone.
    if (combine == ScalarOp::Add && isFloat(t)) {
      llvm::FastMathFlags fmf;
      fmf.setAllowReassoc();
      llvm::cast<llvm::Instruction>(r)->setFastMathFlags(fmf);
    }
    return r;
  }

  void renderReduction(const Kernel &k, llvm::IRBuilderBase &eb) {
    size_t rank = k.domain.size();
    int numOuter = k.numOuter;
    // Inner dims: what the phases touch; outer dims: that and the row body.
    LoopAccesses innerUses;
    for (const Phase &ph : k.phases) {
      innerUses.addBody(ph.body);
      innerUses.addStores(ph.stores);
    }
    LoopAccesses outerUses = innerUses;
    outerUses.addBody(k.body);
    outerUses.addStores(k.stores);
    std::vector<DimGroup> outer = collapse(k.domain, 0, numOuter, outerUses);
    std::vector<DimGroup> inner =
        collapse(k.domain, numOuter, int(rank), innerUses);
    std::vector<DimGroup> all = outer;
    all.insert(all.end(), inner.begin(), inner.end());
    int64_t rows = 1, innerCount = 1;
    for (const DimGroup &g : outer)
      rows *= g.size;
    for (const DimGroup &g : inner)
      innerCount *= g.size;
    int64_t work = innerCount * std::max<int64_t>(1, int64_t(k.phases.size()));
    int64_t grain = std::max<int64_t>(1, kChunkElements / work);
    emitKernelFunction(
        eb, k, rows, grain,
        [&](llvm::IRBuilderBase &b, Env &env, Value *lo, Value *hi) {
          loop(b, lo, hi, {}, [&](Value *r, std::vector<Value *>) {
            Env penv = env;
            penv.setGroups(all);
            Value *rem = r;
            for (size_t g = outer.size(); g-- > 0;) {
              if (g == 0) {
                penv.vars[g] = rem;
                break;
              }
              penv.vars[g] = b.CreateURem(rem, i64(outer[g].size));
              rem = b.CreateUDiv(rem, i64(outer[g].size));
            }
            std::vector<Value *> rowValues;
            for (const Phase &ph : k.phases) {
              penv.rowValues = rowValues;
              if (ph.kind == PhaseKind::Map) {
                nest(b, all, outer.size(), penv.vars, {},
                     [&](std::vector<Value *>) {
                       std::vector<Value *> v = renderBody(b, ph.body, penv);
                       for (const Store &s : ph.stores)
                         store(b, penv, s.access, v[s.value]);
                       return std::vector<Value *>{};
                     });
                rowValues.push_back(nullptr);
                continue;
              }
              DType t = ph.body.insts[ph.value].dtype;
              double init = foldIdentity(ph.combine, t);
              std::vector<Value *> res =
                  nest(b, all, outer.size(), penv.vars, {constant(t, init, 1)},
                       [&](std::vector<Value *> acc) {
                         std::vector<Value *> v = renderBody(b, ph.body, penv);
                         return std::vector<Value *>{
                             fold(b, ph.combine, t, acc[0], v[ph.value])};
                       });
              rowValues.push_back(res[0]);
            }
            Env renv = env;
            renv.setGroups(outer);
            for (size_t g = 0; g < outer.size(); ++g)
              renv.vars[g] = penv.vars[g];
            renv.rowValues = rowValues;
            std::vector<Value *> v = renderBody(b, k.body, renv);
            for (const Store &s : k.stores)
              store(b, renv, s.access, v[s.value]);
            if (k.totalValue >= 0) {
              DType t = p_.buffers[k.totalScratch].type.dtype;
              Value *ptr = b.CreateInBoundsGEP(
                  storageType(t), env.storage.at(p_.storageOf(k.totalScratch)),
                  r);
              b.CreateStore(v[k.totalValue], ptr);
            }
            return std::vector<Value *>{};
          });
        });
    if (k.totalValue < 0)
      return;
    // The loss mean: rows summed in order on the calling thread.
    DType t = p_.buffers[k.totalScratch].type.dtype;
    Type *st = storageType(t);
    Value *scratch = argument(eb, p_.storageOf(k.totalScratch));
    Value *out = argument(eb, p_.storageOf(k.totalStore.buffer));
    std::vector<Value *> sum =
        loop(eb, i64(0), i64(rows), {constant(t, 0, 1)},
             [&](Value *r, std::vector<Value *> acc) {
               Value *x =
                   eb.CreateLoad(st, eb.CreateInBoundsGEP(st, scratch, r));
               return std::vector<Value *>{eb.CreateFAdd(acc[0], x)};
             });
    Value *mean = eb.CreateFMul(sum[0], constant(t, k.totalScale, 1));
    eb.CreateStore(mean,
                   eb.CreateInBoundsGEP(st, out, i64(k.totalStore.offset)));
  }

  /// The indices along `batch` of flat batch index `flat`.
  std::vector<Value *> unravelBatch(llvm::IRBuilderBase &b, Value *flat,
                                    const Shape &batch) {
    std::vector<Value *> idx(batch.size());
    for (size_t d = batch.size(); d-- > 1;) {
      idx[d] = b.CreateURem(flat, i64(batch[d]));
      flat = b.CreateUDiv(flat, i64(batch[d]));
    }
    if (!batch.empty())
      idx[0] = flat;
    return idx;
  }

  /// One group per dim of `batch` ++ `matrix`.
  static std::vector<DimGroup> batchedDims(const Shape &batch,
                                           std::initializer_list<int64_t> mat) {
    Shape dims = batch;
    dims.insert(dims.end(), mat);
    return separateDims(dims);
  }

  /// A plain loop nest: rows of C (of every batch) in parallel; per row,
  /// acc[n] += A(m,k) * B(k,n) over k in order (unit stride in n, so it
  /// vectorises), then the epilogue.
  void renderContraction(const Kernel &k, llvm::IRBuilderBase &eb) {
    size_t nb = size_t(k.numBatch);
    Shape batch(k.domain.begin(), k.domain.begin() + int64_t(nb));
    int64_t M = k.domain[nb], N = k.domain[nb + 1], K = k.domain[nb + 2];
    int64_t batches = 1;
    for (int64_t d : batch)
      batches *= d;
    std::vector<DimGroup> aGroups = batchedDims(batch, {M, K});
    std::vector<DimGroup> bGroups = batchedDims(batch, {K, N});
    std::vector<DimGroup> eGroups = batchedDims(batch, {M, N});
    DType t = DType::F32;
    for (const Inst &in : k.body.insts)
      if (in.op == ScalarOp::Acc)
        t = in.dtype;
    Type *st = storageType(t);
    int64_t grain = std::max<int64_t>(1, (int64_t(1) << 16) / (N * K));
    emitKernelFunction(
        eb, k, batches * M, grain,
        [&](llvm::IRBuilderBase &b, Env &env, Value *lo, Value *hi) {
          Value *acc;
          {
            Function *f = b.GetInsertBlock()->getParent();
            IRBuilder<> ab(&f->getEntryBlock(), f->getEntryBlock().begin());
            acc = ab.CreateAlloca(llvm::ArrayType::get(st, uint64_t(N)),
                                  nullptr, "acc");
          }
          Env aEnv = env, bEnv = env, eEnv = env;
          aEnv.setGroups(aGroups);
          bEnv.setGroups(bGroups);
          eEnv.setGroups(eGroups);
          auto accAt = [&](Value *n) {
            return b.CreateInBoundsGEP(st, acc, n);
          };
          auto with = [](std::vector<Value *> vars, Value *x, Value *y) {
            vars.push_back(x);
            vars.push_back(y);
            return vars;
          };
          loop(b, lo, hi, {}, [&](Value *row, std::vector<Value *>) {
            // Row `row` of the batches' stacked C: batch row / M, row m.
            Value *m = row;
            std::vector<Value *> at;
            if (nb > 0) {
              m = b.CreateURem(row, i64(M));
              at = unravelBatch(b, b.CreateUDiv(row, i64(M)), batch);
            }
            loop(b, i64(0), i64(N), {}, [&](Value *n, std::vector<Value *>) {
              b.CreateStore(constant(t, 0, 1), accAt(n));
              return std::vector<Value *>{};
            });
            loop(b, i64(0), i64(K), {}, [&](Value *kk, std::vector<Value *>) {
              aEnv.vars = with(at, m, kk);
              Value *av = renderBody(b, k.a, aEnv)[k.aValue];
              loop(b, i64(0), i64(N), {}, [&](Value *n, std::vector<Value *>) {
                bEnv.vars = with(at, kk, n);
                Value *bv = renderBody(b, k.b, bEnv)[k.bValue];
                Value *sum = b.CreateFAdd(b.CreateLoad(st, accAt(n)),
                                          b.CreateFMul(av, bv));
                b.CreateStore(sum, accAt(n));
                return std::vector<Value *>{};
              });
              return std::vector<Value *>{};
            });
            loop(b, i64(0), i64(N), {}, [&](Value *n, std::vector<Value *>) {
              eEnv.vars = with(at, m, n);
              eEnv.acc = b.CreateLoad(st, accAt(n));
              std::vector<Value *> v = renderBody(b, k.body, eEnv);
              for (const Store &s : k.stores)
                store(b, eEnv, s.access, v[s.value]);
              return std::vector<Value *>{};
            });
            return std::vector<Value *>{};
          });
        });
  }

  /// The load in `body` that reads a dense [rows, cols] operand, as stored
  /// (`transposed` when it is stored [cols, rows]), at an offset each batch
  /// index of `batch` moves it by; -1 if there is none.
  int denseOperand(const Body &body, const Shape &batch, int64_t rows,
                   int64_t cols, DType t, bool &transposed) {
    size_t nb = batch.size();
    for (const Inst &in : body.insts) {
      if (in.op != ScalarOp::Load)
        continue;
      const Access &a = body.accesses[in.access];
      const Buffer &buf = p_.buffers[a.buffer];
      // The buffer holds one matrix per batch index it is not broadcast
      // along.
      int64_t elements = rows * cols;
      for (size_t d = 0; d < nb; ++d)
        if (a.strides[d] != 0)
          elements *= batch[d];
      if (a.offset != 0 || buf.type.dtype != t ||
          buf.type.numElements() != elements)
        continue;
      std::vector<int64_t> matrix(a.strides.begin() + int64_t(nb),
                                  a.strides.end());
      if (matrix == std::vector<int64_t>{cols, 1}) {
        transposed = false;
        return in.access;
      }
      if (matrix == std::vector<int64_t>{1, rows}) {
        transposed = true;
        return in.access;
      }
    }
    return -1;
  }

  /// The contraction through GemmEmitter: A and B are the dense operands
  /// their bodies load (the rest of each body is the packing prologue), C is
  /// a dense store of the epilogue that nothing in the kernel reads; the
  /// epilogue's other stores happen in its hook. False when the kernel does
  /// not have that form. Batches run as an outer loop, one GEMM call per
  /// batch index on operands moved to that batch's matrices; the hooks read
  /// the batch indices through one more extra pointer.
  bool renderPackedContraction(const Kernel &k, llvm::IRBuilderBase &eb) {
    size_t nb = size_t(k.numBatch);
    Shape batch(k.domain.begin(), k.domain.begin() + int64_t(nb));
    int64_t M = k.domain[nb], N = k.domain[nb + 1], K = k.domain[nb + 2];
    int64_t batches = 1;
    for (int64_t d : batch)
      batches *= d;
    DType t = DType::F32;
    for (const Inst &in : k.body.insts)
      if (in.op == ScalarOp::Acc)
        t = in.dtype;
    if (t != DType::F32 && t != DType::F64)
      return false;
    bool ta = false, tb = false;
    int aAccess = denseOperand(k.a, batch, M, K, t, ta);
    int bAccess = denseOperand(k.b, batch, K, N, t, tb);
    if (aAccess < 0 || bAccess < 0)
      return false;
    std::set<int> readStorage;
    for (const Body *body : {&k.a, &k.b, &k.body})
      for (const Access &a : body->accesses)
        readStorage.insert(p_.storageOf(a.buffer));
    Shape cShape = batch;
    cShape.insert(cShape.end(), {M, N});
    std::vector<int64_t> cStrides(cShape.size(), 1); // dense, row-major
    for (size_t d = cShape.size() - 1; d-- > 0;)
      cStrides[d] = cStrides[d + 1] * cShape[d + 1];
    const Store *c = nullptr;
    for (const Store &s : k.stores) {
      const Buffer &buf = p_.buffers[s.access.buffer];
      int storage = p_.storageOf(s.access.buffer);
      bool shared = false;
      for (const Store &o : k.stores)
        shared |= &o != &s && p_.storageOf(o.access.buffer) == storage;
      if (!c && s.access.offset == 0 && s.access.strides == cStrides &&
          buf.type.dtype == t && buf.type.numElements() == batches * M * N &&
          !readStorage.count(storage) && !shared)
        c = &s;
    }
    if (!c)
      return false;
    int aStorage = p_.storageOf(k.a.accesses[aAccess].buffer);
    int bStorage = p_.storageOf(k.b.accesses[bAccess].buffer);
    int cStorage = p_.storageOf(c->access.buffer);
    std::vector<int> extras;
    auto addExtra = [&](int buffer) {
      int s = p_.storageOf(buffer);
      if (s != cStorage &&
          std::find(extras.begin(), extras.end(), s) == extras.end())
        extras.push_back(s);
    };
    for (const Body *body : {&k.a, &k.b, &k.body})
      for (const Access &a : body->accesses)
        addExtra(a.buffer);
    for (const Store &s : k.stores)
      if (&s != c)
        addExtra(s.access.buffer);

    std::vector<DimGroup> aGroups = batchedDims(batch, {M, K});
    std::vector<DimGroup> bGroups = batchedDims(batch, {K, N});
    std::vector<DimGroup> eGroups = batchedDims(batch, {M, N});
    auto siteEnv = [&](llvm::IRBuilderBase &b,
                       const std::vector<DimGroup> &groups,
                       const GemmSite &site, bool transposed) {
      Env env;
      env.setGroups(groups);
      // Site coordinates are those of the stored matrix.
      Value *first = transposed ? site.col : site.row;
      Value *second = transposed ? site.row : site.col;
      env.vars.clear();
      // The batch indices, from the extra pointer after the buffers'.
      for (size_t d = 0; d < nb; ++d)
        env.vars.push_back(b.CreateLoad(
            Type::getInt64Ty(ctx_),
            b.CreateConstInBoundsGEP1_64(Type::getInt64Ty(ctx_),
                                         site.extras[extras.size()], d)));
      env.vars.push_back(first);
      env.vars.push_back(second);
      env.lanes = site.lanes;
      bool alongSecond = site.lanesAlongRow == transposed;
      env.laneGroup = site.lanes == 1 ? -1 : int(nb) + (alongSecond ? 1 : 0);
      for (size_t i = 0; i < extras.size(); ++i)
        env.storage[extras[i]] = site.extras[i];
      return env;
    };
    auto prologue = [&](const Body &body, int value, int access,
                        const std::vector<DimGroup> &groups,
                        bool transposed) -> GemmHook {
      if (body.insts.size() == 1)
        return nullptr; // the plain operand
      return [&, value, access, transposed](llvm::IRBuilderBase &b, Value *v,
                                            const GemmSite &site) {
        Env env = siteEnv(b, groups, site, transposed);
        env.givenAccess = access;
        env.given = v;
        return renderBody(b, body, env)[value];
      };
    };
    GemmSpec spec;
    spec.m = M, spec.n = N, spec.k = K;
    spec.element = t == DType::F32 ? GemmElement::F32 : GemmElement::F64;
    spec.transposeA = ta;
    spec.transposeB = tb;
    spec.numExtraArgs = unsigned(extras.size() + (nb > 0 ? 1 : 0));
    spec.tuning = GemmTuning::forHost(spec.element);
    spec.prologueA = prologue(k.a, k.aValue, aAccess, aGroups, ta);
    spec.prologueB = prologue(k.b, k.bValue, bAccess, bGroups, tb);
    bool plainEpilogue = k.stores.size() == 1 && k.body.insts.size() == 1;
    if (!plainEpilogue)
      spec.epilogue = [&](llvm::IRBuilderBase &b, Value *v,
                          const GemmSite &site) {
        Env env = siteEnv(b, eGroups, site, false);
        env.acc = v;
        std::vector<Value *> values = renderBody(b, k.body, env);
        for (const Store &s : k.stores)
          if (&s != c)
            store(b, env, s.access, values[s.value]);
        return values[c->value];
      };
    Function *gemm = emitGemm(m_, prefix_ + k.name + ".gemm", spec);
    if (nb == 0) {
      std::vector<Value *> args = {argument(eb, aStorage),
                                   argument(eb, bStorage),
                                   argument(eb, cStorage)};
      for (int e : extras)
        args.push_back(argument(eb, e));
      eb.CreateCall(gemm, args);
      return true;
    }
    // Products too small to fill the pool on their own run batches in
    // parallel (a GEMM inside a parallel loop runs on its thread); larger
    // ones run batches in order, each GEMM spreading over the pool. The
    // arithmetic of an element is the same either way.
    int64_t flops = 2 * M * N * K;
    int64_t grain =
        flops >= spec.tuning.flopsPerBlock
            ? batches
            : std::max<int64_t>(1, spec.tuning.flopsPerBlock / flops);
    const std::vector<int64_t> &aStrides = k.a.accesses[aAccess].strides;
    const std::vector<int64_t> &bStrides = k.b.accesses[bAccess].strides;
    emitKernelFunction(
        eb, k, batches, grain,
        [&](llvm::IRBuilderBase &b, Env &env, Value *lo, Value *hi) {
          Type *i64Ty = Type::getInt64Ty(ctx_);
          Value *coords;
          {
            Function *f = b.GetInsertBlock()->getParent();
            IRBuilder<> ab(&f->getEntryBlock(), f->getEntryBlock().begin());
            coords = ab.CreateAlloca(llvm::ArrayType::get(i64Ty, nb), nullptr,
                                     "batch");
          }
          Type *st = storageType(t);
          loop(b, lo, hi, {}, [&](Value *flat, std::vector<Value *>) {
            std::vector<Value *> at = unravelBatch(b, flat, batch);
            auto moved = [&](int storage, const std::vector<int64_t> &strides) {
              Value *offset = i64(0);
              for (size_t d = 0; d < nb; ++d)
                if (strides[d] != 0)
                  offset =
                      b.CreateAdd(offset, b.CreateMul(at[d], i64(strides[d])));
              return b.CreateInBoundsGEP(st, env.storage.at(storage), offset);
            };
            for (size_t d = 0; d < nb; ++d)
              b.CreateStore(at[d],
                            b.CreateConstInBoundsGEP1_64(i64Ty, coords, d));
            std::vector<Value *> args = {moved(aStorage, aStrides),
                                         moved(bStorage, bStrides),
                                         moved(cStorage, cStrides)};
            for (int e : extras)
              args.push_back(env.storage.at(e));
            args.push_back(coords);
            b.CreateCall(gemm, args);
            return std::vector<Value *>{};
          });
        });
    return true;
  }

  llvm::Module &m_;
  llvm::LLVMContext &ctx_;
  const KernelProgram &p_;
  const RenderOptions &options_;
  Function *entry_ = nullptr;
  std::string prefix_;
  std::map<int, llvm::GlobalVariable *> consts_;
  std::vector<int64_t> externalSlot_, arenaOffset_; // by buffer id
  /// Launch functions by kernel signature.
  std::unordered_map<std::string, Function *> launches_;
  /// The function being rendered: its `args` and the storages they hold.
  Value *args_ = nullptr;
  std::vector<int> storages_;
};

} // namespace

llvm::Function *renderProgram(llvm::Module &module,
                              const KernelProgram &program,
                              llvm::StringRef entryName,
                              const RenderOptions &options) {
  return Renderer(module, program, options).run(entryName);
}

} // namespace voskhod::codegen
