//===- compiler/kernel/KernelPrinter.cpp - `--emit=kernels` text ----------===//
#include "compiler/kernel/KernelPrinter.h"

#include <charconv>
#include <cstdint>
#include <sstream>
#include <string_view>
#include <vector>

namespace voskhod::kernel {

namespace {

/// Appends to one string: on a program of 10^5 kernels a stream insertion
/// per field, and a temporary string per buffer named, cost more than
/// deciding what to print.
class Text {
public:
  Text &operator<<(std::string_view s) {
    out_ += s;
    return *this;
  }
  Text &operator<<(char c) {
    out_ += c;
    return *this;
  }
  Text &operator<<(int64_t v) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    out_.append(digits, end);
    return *this;
  }
  Text &shape(const Shape &shape) {
    *this << '[';
    for (size_t i = 0; i < shape.size(); ++i) {
      if (i)
        *this << ", ";
      *this << shape[i];
    }
    return *this << ']';
  }
  Text &type(const ir::TensorType &t) {
    return (*this << ir::dtypeName(t.dtype)).shape(t.shape);
  }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

void bufferRef(Text &out, const KernelProgram &p, int id) {
  const Buffer &b = p.buffers[id];
  (out << '%' << b.name << ' ').type(b.type);
}

void list(Text &out, const KernelProgram &p, const std::vector<int> &ids) {
  if (ids.empty()) {
    out << '-';
    return;
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    int id = ids[i];
    if (i)
      out << ", ";
    bufferRef(out, p, id);
    int storage = p.storageOf(id);
    if (storage != id && !p.buffers[id].isView)
      out << " (in %" << p.buffers[storage].name << ')';
  }
}

/// "sum" for a fold by add, the combine's name for other folds, "map".
std::string_view phaseName(const Phase &ph) {
  if (ph.kind == PhaseKind::Map)
    return "map";
  return ph.combine == ScalarOp::Add ? "sum" : scalarOpName(ph.combine);
}

void printKernel(const KernelProgram &p, const Kernel &k, Text &out) {
  out << k.name << ": " << kernelKindName(k.kind);
  switch (k.kind) {
  case KernelKind::Loop:
    out << ' ';
    out.shape(k.domain);
    break;
  case KernelKind::Reduction: {
    Shape outer(k.domain.begin(), k.domain.begin() + k.numOuter);
    Shape inner(k.domain.begin() + k.numOuter, k.domain.end());
    out << " rows ";
    out.shape(outer) << " over ";
    out.shape(inner) << ", phases";
    for (const Phase &ph : k.phases)
      out << ' ' << phaseName(ph);
    if (k.totalValue >= 0)
      out << ", mean over rows";
    break;
  }
  case KernelKind::Contraction: {
    size_t nb = size_t(k.numBatch);
    if (nb > 0) {
      out << " batch ";
      out.shape(Shape(k.domain.begin(), k.domain.begin() + int64_t(nb)));
    }
    out << " [" << k.domain[nb] << ", " << k.domain[nb + 1] << "] x "
        << k.domain[nb + 2];
    break;
  }
  }
  out << "\n  ops:";
  bool first = true;
  for (const FusedOp &f : k.fused) {
    out << (first ? " " : ", ") << f.op;
    first = false;
    if (!f.name.empty())
      out << " %" << f.name;
    if (f.loc.known())
      out << " (line " << int64_t(f.loc.line) << ')';
  }
  out << "\n  reads: ";
  list(out, p, k.reads);
  out << "\n  writes: ";
  list(out, p, k.writes);
  out << '\n';
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
    case ScalarOp::Gather:
      os << " %" << p.buffers[body.accesses[in.access].buffer].name << "[v"
         << in.args[0] << "]";
      break;
    case ScalarOp::Index:
    case ScalarOp::RowValue:
      os << " " << in.dim;
      break;
    default:
      for (int j = 0; j < scalarOpArity(in.op); ++j)
        os << (j ? ", v" : " v") << in.args[j];
      if (in.op == ScalarOp::DropoutDraw)
        os << " key " << uint32_t(in.constant);
    }
    os << "\n";
  }
  return os.str();
}

std::string printKernels(const KernelProgram &p) {
  Text out;
  out << "kernels @" << p.name << " (" << int64_t(p.kernels.size()) << ")\n";
  for (const Kernel &k : p.kernels)
    printKernel(p, k, out);
  const MemoryPlan &m = p.memory;
  out << "memory: arena " << m.arenaBytes << " bytes at peak, "
      << m.sumTempBytes << " bytes if every temporary had its own\n";
  // The buffers living in each storage, in id order, found in one pass.
  std::vector<std::vector<int>> sharers(p.buffers.size());
  for (const Buffer &b : p.buffers)
    if (int storage = p.storageOf(b.id); storage != b.id)
      sharers[storage].push_back(b.id);
  for (const Placement &pl : m.placements) {
    out << "  ";
    bufferRef(out, p, pl.buffer);
    out << ": offset " << pl.offset << ", " << pl.bytes << " bytes, live "
        << p.kernels[pl.firstKernel].name << ".."
        << p.kernels[pl.lastKernel].name;
    for (int id : sharers[pl.buffer]) {
      const Buffer &b = p.buffers[id];
      out << (b.isView ? ", view %" : ", reused by %") << b.name;
    }
    out << '\n';
  }
  for (const Buffer &b : p.buffers)
    if ((b.kind == BufferKind::Temp) && b.aliasOf >= 0 && !b.isView &&
        isExternal(p.buffers[p.storageOf(b.id)].kind)) {
      (out << "  %" << b.name << ' ').type(b.type)
          << ": in place in %" << p.buffers[p.storageOf(b.id)].name << '\n';
    }
  return out.take();
}

} // namespace voskhod::kernel
