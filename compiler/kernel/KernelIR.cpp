//===- compiler/kernel/KernelIR.cpp - names and small queries -------------===//
#include "compiler/kernel/KernelIR.h"

#include "support/InternalCheck.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace voskhod::kernel {

std::string_view bufferKindName(BufferKind kind) {
  switch (kind) {
  case BufferKind::Input:
    return "input";
  case BufferKind::Param:
    return "param";
  case BufferKind::State:
    return "state";
  case BufferKind::Output:
    return "output";
  case BufferKind::Const:
    return "const";
  case BufferKind::Temp:
    return "temp";
  case BufferKind::Scratch:
    return "scratch";
  }
  return "?";
}

bool isExternal(BufferKind kind) {
  return kind == BufferKind::Input || kind == BufferKind::Param ||
         kind == BufferKind::State || kind == BufferKind::Output;
}

std::string_view scalarOpName(ScalarOp op) {
  switch (op) {
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall)           \
  case ScalarOp::Enum:                                                         \
    return Name;
#include "compiler/kernel/ScalarOps.def"
  }
  return "?";
}

int scalarOpArity(ScalarOp op) {
  switch (op) {
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall)           \
  case ScalarOp::Enum:                                                         \
    return Arity;
#include "compiler/kernel/ScalarOps.def"
  }
  return 0;
}

int scalarOpCost(ScalarOp op) {
  switch (op) {
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall)           \
  case ScalarOp::Enum:                                                         \
    return Cost;
#include "compiler/kernel/ScalarOps.def"
  }
  return 0;
}

bool isTranscendental(ScalarOp op) {
  switch (op) {
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall)           \
  case ScalarOp::Enum:                                                         \
    return Transcendental;
#include "compiler/kernel/ScalarOps.def"
  }
  return false;
}

bool isMathCall(ScalarOp op) {
  switch (op) {
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall)           \
  case ScalarOp::Enum:                                                         \
    return MathCall;
#include "compiler/kernel/ScalarOps.def"
  }
  return false;
}

bool isFoldCombine(ScalarOp op) {
  return op == ScalarOp::Add || op == ScalarOp::Mul || op == ScalarOp::Max ||
         op == ScalarOp::Min;
}

double foldIdentity(ScalarOp combine, DType t) {
  bool fp = ir::isFloat(t);
  switch (combine) {
  case ScalarOp::Add:
    return 0.0;
  case ScalarOp::Mul:
    return 1.0;
  case ScalarOp::Max:
    return fp ? -HUGE_VAL : double(INT32_MIN);
  case ScalarOp::Min:
    return fp ? HUGE_VAL : double(INT32_MAX);
  default:
    break;
  }
  VOSKHOD_CHECK(false) << "'" << scalarOpName(combine) << "' cannot fold a row";
  return 0.0;
}

std::string_view kernelKindName(KernelKind kind) {
  switch (kind) {
  case KernelKind::Loop:
    return "loop";
  case KernelKind::Reduction:
    return "reduction";
  case KernelKind::Contraction:
    return "contraction";
  }
  return "?";
}

int KernelProgram::storageOf(int id) const {
  int steps = 0;
  while (buffers[id].aliasOf >= 0) {
    id = buffers[id].aliasOf;
    VOSKHOD_CHECK(++steps < int(buffers.size())) << "alias cycle";
    (void)steps;
  }
  return id;
}

static void addUnique(std::vector<int> &list, int id) {
  if (std::find(list.begin(), list.end(), id) == list.end())
    list.push_back(id);
}

static void collectBody(const Body &body, std::vector<int> &reads) {
  for (const Inst &inst : body.insts)
    if (inst.op == ScalarOp::Load || inst.op == ScalarOp::Gather)
      addUnique(reads, body.accesses[inst.access].buffer);
}

void collectBufferUses(Kernel &k) {
  k.reads.clear();
  k.writes.clear();
  // Room for every access and store at once, which is about what a kernel
  // uses, rather than growing each list a few times.
  size_t accesses =
      k.a.accesses.size() + k.b.accesses.size() + k.body.accesses.size();
  size_t stores = k.stores.size() + (k.totalValue >= 0 ? 2 : 0);
  for (const Phase &p : k.phases) {
    accesses += p.body.accesses.size();
    stores += p.stores.size();
  }
  k.reads.reserve(accesses);
  k.writes.reserve(stores);
  collectBody(k.a, k.reads);
  collectBody(k.b, k.reads);
  for (const Phase &p : k.phases) {
    collectBody(p.body, k.reads);
    for (const Store &s : p.stores)
      addUnique(k.writes, s.access.buffer);
  }
  collectBody(k.body, k.reads);
  for (const Store &s : k.stores)
    addUnique(k.writes, s.access.buffer);
  if (k.totalValue >= 0) {
    addUnique(k.writes, k.totalStore.buffer);
    addUnique(k.writes, k.totalScratch);
  }
}

} // namespace voskhod::kernel
