//===- compiler/kernel/KernelPrinter.cpp - `--emit=kernels` text ----------===//
#include "compiler/kernel/KernelPrinter.h"

#include <sstream>
#include <vector>

namespace voskhod::kernel {

namespace {

std::string bufferRef(const KernelProgram &p, int id) {
  const Buffer &b = p.buffers[id];
  return "%" + b.name + " " + b.type.str();
}

std::string list(const KernelProgram &p, const std::vector<int> &ids) {
  std::string out;
  for (int id : ids) {
    if (!out.empty())
      out += ", ";
    out += bufferRef(p, id);
    int storage = p.storageOf(id);
    if (storage != id && !p.buffers[id].isView)
      out += " (in %" + p.buffers[storage].name + ")";
  }
  return out.empty() ? "-" : out;
}

std::string phaseName(PhaseKind kind) {
  switch (kind) {
  case PhaseKind::Sum:
    return "sum";
  case PhaseKind::Max:
    return "max";
  case PhaseKind::Map:
    return "map";
  }
  return "?";
}

void printKernel(const KernelProgram &p, const Kernel &k, std::ostream &os) {
  os << k.name << ": " << kernelKindName(k.kind);
  switch (k.kind) {
  case KernelKind::Loop:
    os << " " << ir::shapeStr(k.domain);
    break;
  case KernelKind::Reduction: {
    Shape outer(k.domain.begin(), k.domain.begin() + k.numOuter);
    Shape inner(k.domain.begin() + k.numOuter, k.domain.end());
    os << " rows " << ir::shapeStr(outer) << " over " << ir::shapeStr(inner)
       << ", phases";
    for (const Phase &ph : k.phases)
      os << " " << phaseName(ph.kind);
    if (k.totalValue >= 0)
      os << ", mean over rows";
    break;
  }
  case KernelKind::Contraction:
    os << " [" << k.domain[0] << ", " << k.domain[1] << "] x " << k.domain[2];
    break;
  }
  os << "\n  ops:";
  bool first = true;
  for (const FusedOp &f : k.fused) {
    os << (first ? " " : ", ") << f.op;
    first = false;
    if (!f.name.empty())
      os << " %" << f.name;
    if (f.loc.known())
      os << " (line " << f.loc.line << ")";
  }
  os << "\n  reads: " << list(p, k.reads) << "\n";
  os << "  writes: " << list(p, k.writes) << "\n";
}

} // namespace

std::string printBody(const KernelProgram &p, const Body &body) {
  std::ostringstream os;
  for (size_t i = 0; i < body.insts.size(); ++i) {
    const Inst &in = body.insts[i];
    os << "  v" << i << " = " << scalarOpName(in.op) << "."
       << ir::dtypeName(in.dtype);
    switch (in.op) {
    case ScalarOp::Const:
      os << " " << in.constant;
      break;
    case ScalarOp::Load: {
      const Access &a = body.accesses[in.access];
      os << " %" << p.buffers[a.buffer].name << "[" << a.offset;
      for (int64_t s : a.strides)
        os << ", " << s;
      os << "]";
      break;
    }
    case ScalarOp::Index:
    case ScalarOp::RowValue:
      os << " " << in.dim;
      break;
    default:
      for (int j = 0; j < scalarOpArity(in.op); ++j)
        os << (j ? ", v" : " v") << in.args[j];
    }
    os << "\n";
  }
  return os.str();
}

std::string printKernels(const KernelProgram &p) {
  std::ostringstream os;
  os << "kernels @" << p.name << " (" << p.kernels.size() << ")\n";
  for (const Kernel &k : p.kernels)
    printKernel(p, k, os);
  const MemoryPlan &m = p.memory;
  os << "memory: arena " << m.arenaBytes << " bytes at peak, " << m.sumTempBytes
     << " bytes if every temporary had its own\n";
  // The buffers living in each storage, in id order, found in one pass.
  std::vector<std::vector<int>> sharers(p.buffers.size());
  for (const Buffer &b : p.buffers)
    if (int storage = p.storageOf(b.id); storage != b.id)
      sharers[storage].push_back(b.id);
  for (const Placement &pl : m.placements) {
    os << "  " << bufferRef(p, pl.buffer) << ": offset " << pl.offset << ", "
       << pl.bytes << " bytes, live " << p.kernels[pl.firstKernel].name << ".."
       << p.kernels[pl.lastKernel].name;
    for (int id : sharers[pl.buffer]) {
      const Buffer &b = p.buffers[id];
      os << (b.isView ? ", view %" : ", reused by %") << b.name;
    }
    os << "\n";
  }
  for (const Buffer &b : p.buffers)
    if ((b.kind == BufferKind::Temp) && b.aliasOf >= 0 && !b.isView &&
        isExternal(p.buffers[p.storageOf(b.id)].kind))
      os << "  %" << b.name << " " << b.type.str() << ": in place in %"
         << p.buffers[p.storageOf(b.id)].name << "\n";
  return os.str();
}

} // namespace voskhod::kernel
