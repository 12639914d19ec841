//===- compiler/codegen/llvm/ScheduleTable.cpp - an entry driven by data --===//
#include "compiler/codegen/llvm/ScheduleTable.h"

#include "support/InternalCheck.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

#include <algorithm>
#include <climits>
#include <unordered_map>

namespace voskhod::codegen {
using llvm::BasicBlock;
using llvm::Constant;
using llvm::ConstantInt;
using llvm::Type;
using llvm::Value;

namespace {

/// Numbers distinct pointers in order of first appearance.
template <typename T> class Numbering {
public:
  int32_t operator()(T *x) {
    auto [it, added] = index_.try_emplace(x, int32_t(list_.size()));
    if (added)
      list_.push_back(x);
    return it->second;
  }
  const std::vector<T *> &list() const { return list_; }

private:
  std::unordered_map<T *, int32_t> index_;
  std::vector<T *> list_;
};

/// Where an argument's base address comes from, in the `where` table:
/// externals[where] if where >= 0, the arena if -1, constants[-2 - where].
constexpr int32_t kArena = -1;

/// NUL-terminated strings in one character array, each stored once.
class StringBlob {
public:
  int32_t operator()(const std::string &text) {
    auto [it, added] = offsets_.try_emplace(text, int32_t(bytes_.size()));
    if (added) {
      bytes_.insert(bytes_.end(), text.begin(), text.end());
      bytes_.push_back(0);
      VOSKHOD_CHECK(bytes_.size() < size_t(INT32_MAX))
          << "check strings too long";
    }
    return it->second;
  }
  std::vector<uint8_t> &bytes() { return bytes_; }

private:
  std::unordered_map<std::string, int32_t> offsets_;
  std::vector<uint8_t> bytes_;
};

} // namespace

void emitScheduleTable(llvm::Function &entry,
                       llvm::ArrayRef<ScheduledLaunch> launches,
                       llvm::StringRef prefix) {
  llvm::Module &m = *entry.getParent();
  llvm::LLVMContext &ctx = m.getContext();
  auto *ptrTy = llvm::PointerType::getUnqual(ctx);
  auto *i64Ty = Type::getInt64Ty(ctx);
  auto *i32Ty = Type::getInt32Ty(ctx);
  auto i64 = [&](int64_t v) { return ConstantInt::get(i64Ty, v); };

  // The tables are plain integers (raw bytes in the object, no relocation
  // and no LLVM constant per entry); functions and constants are indices
  // into short pointer arrays, one entry per distinct launch function or
  // constant buffer. Per launch: its function, its argument count, its
  // check count and the offset of its description; its arguments and
  // checks follow the previous launch's.
  std::vector<int32_t> steps, where, checkArg, checkF64, checkName;
  std::vector<int64_t> offsets, checkElements;
  Numbering<llvm::Function> launchFns;
  Numbering<Constant> constants;
  StringBlob strings;
  size_t maxArgs = 1;
  bool anyChecks = false;
  for (const ScheduledLaunch &l : launches) {
    steps.push_back(launchFns(l.launch));
    steps.push_back(int32_t(l.args.size()));
    steps.push_back(int32_t(l.checks.size()));
    steps.push_back(l.checks.empty() ? 0 : strings(l.what));
    for (const ArgumentRef &a : l.args) {
      if (a.global)
        where.push_back(-2 - constants(a.global));
      else
        where.push_back(a.externalSlot >= 0 ? int32_t(a.externalSlot) : kArena);
      offsets.push_back(a.global || a.externalSlot >= 0 ? 0 : a.arenaOffset);
    }
    for (const CheckedArgument &c : l.checks) {
      checkArg.push_back(c.position);
      checkElements.push_back(c.elements);
      checkF64.push_back(c.isF64);
      checkName.push_back(strings(c.name));
    }
    anyChecks |= !l.checks.empty();
    maxArgs = std::max(maxArgs, l.args.size());
  }
  auto global = [&](Constant *init, const char *suffix) {
    return new llvm::GlobalVariable(m, init->getType(), true,
                                    llvm::GlobalValue::PrivateLinkage, init,
                                    prefix + suffix);
  };
  auto pointers = [&](const auto &numbering, const char *suffix) {
    std::vector<Constant *> elements(numbering.list().begin(),
                                     numbering.list().end());
    if (elements.empty())
      elements.push_back(llvm::ConstantPointerNull::get(ptrTy));
    auto *at = llvm::ArrayType::get(ptrTy, elements.size());
    return global(llvm::ConstantArray::get(at, elements), suffix);
  };
  auto ints = [&](auto &list, const char *suffix) {
    if (list.empty())
      list.push_back(0);
    return global(llvm::ConstantDataArray::get(ctx, list), suffix);
  };
  Value *stepTable = ints(steps, "schedule");
  Value *whereTable = ints(where, "arg.where");
  Value *offsetTable = ints(offsets, "arg.offset");
  Value *launchTable = pointers(launchFns, "launches");
  Value *constantTable = pointers(constants, "constants");

  Value *externals = entry.getArg(0), *arena = entry.getArg(1);
  auto block = [&](const char *name) {
    return BasicBlock::Create(ctx, name, &entry);
  };
  BasicBlock *start = block("entry");
  BasicBlock *stepBB = block("step"), *argHead = block("arg.head");
  BasicBlock *argBody = block("arg.body"),
             *fromExternal = block("arg.external");
  BasicBlock *fromOther = block("arg.other"), *argStore = block("arg.store");
  BasicBlock *call = block("call"), *next = block("next"),
             *exit = block("exit");
  llvm::IRBuilder<> b(start);
  Value *args =
      b.CreateAlloca(llvm::ArrayType::get(ptrTy, maxArgs), nullptr, "args");
  b.CreateBr(launches.empty() ? exit : stepBB);

  // for (i = 0, first = 0, firstCheck = 0; i < launches;
  //      first += count, firstCheck += checks, ++i)
  b.SetInsertPoint(stepBB);
  llvm::PHINode *i = b.CreatePHI(i64Ty, 2, "i");
  llvm::PHINode *first = b.CreatePHI(i64Ty, 2, "first");
  llvm::PHINode *firstCheck = b.CreatePHI(i64Ty, 2, "first.check");
  i->addIncoming(i64(0), start);
  first->addIncoming(i64(0), start);
  firstCheck->addIncoming(i64(0), start);
  auto load = [&](Type *t, Value *table, Value *index, const char *name) {
    return b.CreateLoad(t, b.CreateInBoundsGEP(t, table, index), name);
  };
  auto field = [&](unsigned f, const char *name) {
    Value *at = b.CreateAdd(b.CreateMul(i, i64(4)), i64(f));
    return b.CreateSExt(load(i32Ty, stepTable, at, name), i64Ty);
  };
  Value *launch = load(ptrTy, launchTable, field(0, "launch.index"), "launch");
  Value *count = field(1, "count");
  Value *checkCount = field(2, "checks");
  Value *whatOffset = field(3, "what");
  b.CreateBr(argHead);

  //   for (j = 0; j < count; ++j) args[j] = base(where) + offset
  b.SetInsertPoint(argHead);
  llvm::PHINode *j = b.CreatePHI(i64Ty, 2, "j");
  j->addIncoming(i64(0), stepBB);
  b.CreateCondBr(b.CreateICmpSLT(j, count), argBody, call);

  b.SetInsertPoint(argBody);
  Value *arg = b.CreateAdd(first, j);
  Value *w = b.CreateSExt(load(i32Ty, whereTable, arg, "where"), i64Ty);
  Value *offset = load(i64Ty, offsetTable, arg, "offset");
  b.CreateCondBr(b.CreateICmpSGE(w, i64(0)), fromExternal, fromOther);

  b.SetInsertPoint(fromExternal);
  Value *external = load(ptrTy, externals, w, "external");
  b.CreateBr(argStore);

  b.SetInsertPoint(fromOther);
  Value *isArena = b.CreateICmpEQ(w, i64(kArena));
  // A constant's index, clamped so the load stays in the table for the
  // arena too (the select then discards it).
  Value *constantIndex =
      b.CreateSelect(isArena, i64(0), b.CreateSub(i64(-2), w));
  Value *other =
      b.CreateSelect(isArena, b.CreateInBoundsGEP(b.getInt8Ty(), arena, offset),
                     load(ptrTy, constantTable, constantIndex, "constant"));
  b.CreateBr(argStore);

  b.SetInsertPoint(argStore);
  llvm::PHINode *address = b.CreatePHI(ptrTy, 2, "address");
  address->addIncoming(external, fromExternal);
  address->addIncoming(other, fromOther);
  b.CreateStore(address, b.CreateInBoundsGEP(ptrTy, args, j));
  j->addIncoming(b.CreateAdd(j, i64(1)), argStore);
  b.CreateBr(argHead);

  //   launch(args);
  b.SetInsertPoint(call);
  auto *launchTy = llvm::FunctionType::get(b.getVoidTy(), {ptrTy}, false);
  b.CreateCall(launchTy, launch, {args});
  if (anyChecks) {
    //   for (c = 0; c < checks; ++c)
    //     if (voskhod_check_finite(what, name[c], args[arg[c]], ...)) return;
    Value *argTable = ints(checkArg, "check.arg");
    Value *elementsTable = ints(checkElements, "check.elements");
    Value *f64Table = ints(checkF64, "check.f64");
    Value *nameTable = ints(checkName, "check.name");
    Value *blob = global(llvm::ConstantDataArray::get(ctx, strings.bytes()),
                         "check.strings");
    llvm::FunctionCallee checkFinite = m.getOrInsertFunction(
        "voskhod_check_finite",
        llvm::FunctionType::get(i32Ty, {ptrTy, ptrTy, ptrTy, i64Ty, i32Ty},
                                false));
    BasicBlock *checkHead = block("check.head");
    BasicBlock *checkBody = block("check.body");
    BasicBlock *checkOk = block("check.ok");
    b.CreateBr(checkHead);
    b.SetInsertPoint(checkHead);
    llvm::PHINode *c = b.CreatePHI(i64Ty, 2, "c");
    c->addIncoming(i64(0), call);
    b.CreateCondBr(b.CreateICmpSLT(c, checkCount), checkBody, next);
    b.SetInsertPoint(checkBody);
    Value *record = b.CreateAdd(firstCheck, c);
    auto text = [&](Value *offset32) {
      return b.CreateInBoundsGEP(b.getInt8Ty(), blob,
                                 b.CreateSExt(offset32, i64Ty));
    };
    Value *position =
        b.CreateSExt(load(i32Ty, argTable, record, "position"), i64Ty);
    Value *fault = b.CreateCall(checkFinite,
                                {text(whatOffset),
                                 text(load(i32Ty, nameTable, record, "name")),
                                 load(ptrTy, args, position, "data"),
                                 load(i64Ty, elementsTable, record, "elements"),
                                 load(i32Ty, f64Table, record, "f64")});
    b.CreateCondBr(b.CreateICmpNE(fault, b.getInt32(0)), exit, checkOk);
    b.SetInsertPoint(checkOk);
    c->addIncoming(b.CreateAdd(c, i64(1)), checkOk);
    b.CreateBr(checkHead);
  } else {
    b.CreateBr(next);
  }

  b.SetInsertPoint(next);
  Value *nextI = b.CreateAdd(i, i64(1));
  i->addIncoming(nextI, next);
  first->addIncoming(b.CreateAdd(first, count), next);
  firstCheck->addIncoming(b.CreateAdd(firstCheck, checkCount), next);
  b.CreateCondBr(b.CreateICmpULT(nextI, i64(int64_t(launches.size()))), stepBB,
                 exit);

  b.SetInsertPoint(exit);
  b.CreateRetVoid();
}

} // namespace voskhod::codegen
