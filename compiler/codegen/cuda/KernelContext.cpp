//===- compiler/codegen/cuda/KernelContext.cpp - one kernel's C++ pieces --===//
#include "compiler/codegen/cuda/KernelContext.h"

#include "support/InternalCheck.h"

#include <algorithm>
#include <set>

namespace voskhod::cuda {
using namespace kernel;
using kernel::DType;

namespace {

const char *mathSuffix(DType t) { return t == DType::F32 ? "f" : ""; }

/// `float4`, `int4`, `uchar4`: the 4-lane vector of a stored type.
const char *vectorTypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "float4";
  case DType::I32:
    return "int4";
  case DType::I1:
    return "uchar4";
  case DType::F64:
    break;
  }
  VOSKHOD_UNREACHABLE("no 4-lane vector for 8-byte elements");
  return "?";
}

const char *laneField(unsigned lane) {
  static const char *fields[] = {".x", ".y", ".z", ".w"};
  return fields[lane];
}

} // namespace

std::string constantName(const std::string &globalPrefix, int id) {
  return globalPrefix + "_const" + std::to_string(id);
}

ProgramIndex::ProgramIndex(const KernelProgram &program)
    : externalSlot_(program.buffers.size(), -1),
      arenaOffset_(program.buffers.size(), -1) {
  for (size_t i = 0; i < program.external.size(); ++i)
    externalSlot_[program.external[i]] = int(i);
  for (const Placement &pl : program.memory.placements)
    arenaOffset_[pl.buffer] = pl.offset;
  for (const Buffer &b : program.buffers)
    largestBuffer_ = std::max(largestBuffer_, b.type.numElements());
}

rt::cuda::LaunchArg ProgramIndex::launchArg(int storage) const {
  rt::cuda::LaunchArg arg;
  arg.external = externalSlot_[storage];
  if (arg.external < 0) {
    VOSKHOD_CHECK(arenaOffset_[storage] >= 0)
        << "temporary without a placement";
    arg.arenaOffset = arenaOffset_[storage];
  }
  return arg;
}

KernelContext::KernelContext(const KernelProgram &program,
                             const ProgramIndex &index, const Kernel &kernel,
                             std::string functionName, std::string globalPrefix)
    : p_(program), index_(index), k_(kernel), name_(std::move(functionName)),
      globalPrefix_(std::move(globalPrefix)) {
  int64_t largest = index.largestBuffer();
  int64_t domain = 1;
  for (int64_t d : k_.domain)
    domain *= d;
  largest = std::max(largest, domain);
  indexType_ = largest < (int64_t(1) << 31) ? "unsigned" : "unsigned long long";
  auto add = [&](int buffer, bool write) {
    int s = p_.storageOf(buffer);
    if (p_.buffers[s].kind == BufferKind::Const)
      return;
    auto it = std::find(storages_.begin(), storages_.end(), s);
    if (it == storages_.end()) {
      storages_.push_back(s);
      written_.push_back(write);
    } else if (write) {
      written_[it - storages_.begin()] = true;
    }
  };
  for (int r : k_.reads)
    add(r, false);
  for (int w : k_.writes)
    add(w, true);
}

std::string KernelContext::index(int64_t v) const {
  return std::to_string(v) + (indexType_ == "unsigned" ? "u" : "ull");
}

static std::string paramName(const KernelProgram &p, int storage) {
  return "p_" + identifier(p.buffers[storage].name) + "_" +
         std::to_string(storage);
}

std::string KernelContext::signature(unsigned threads) const {
  std::string s = "extern \"C\" __global__ void __launch_bounds__(" +
                  std::to_string(threads) + ") " + name_ + "(";
  for (size_t i = 0; i < storages_.size(); ++i) {
    const Buffer &b = p_.buffers[storages_[i]];
    if (i)
      s += ", ";
    s += written_[i] ? "" : "const ";
    s += storageTypeName(b.type.dtype);
    s += " *__restrict__ " + paramName(p_, storages_[i]);
  }
  return s + ")";
}

rt::cuda::LaunchArg KernelContext::launchArg(int buffer) const {
  return index_.launchArg(p_.storageOf(buffer));
}

std::vector<rt::cuda::LaunchArg> KernelContext::launchArgs() const {
  std::vector<rt::cuda::LaunchArg> out;
  for (int s : storages_)
    out.push_back(launchArg(s));
  return out;
}

std::string KernelContext::pointer(int buffer) const {
  int s = p_.storageOf(buffer);
  const Buffer &storage = p_.buffers[s];
  DType t = p_.buffers[buffer].type.dtype;
  std::string base;
  bool isConst = storage.kind == BufferKind::Const;
  if (isConst) {
    base = constantName(globalPrefix_, s);
  } else {
    auto it = std::find(storages_.begin(), storages_.end(), s);
    VOSKHOD_CHECK(it != storages_.end())
        << "buffer not among the kernel's storages";
    base = paramName(p_, s);
    isConst = !written_[it - storages_.begin()];
  }
  // Constants are stored as bit patterns; aliases may differ in dtype.
  if (storage.kind == BufferKind::Const || storage.type.dtype != t)
    return std::string("reinterpret_cast<") + (isConst ? "const " : "") +
           storageTypeName(t) + " *>(" + base + ")";
  return base;
}

std::string KernelContext::elementIndex(const Access &a, const Point &point,
                                        int64_t &laneStride) const {
  laneStride = 0;
  std::string sum;
  if (a.offset)
    sum = index(a.offset);
  for (size_t d = 0; d < a.strides.size() && d < point.dimIndex.size(); ++d) {
    int64_t s = a.strides[d];
    VOSKHOD_CHECK(s >= 0) << "negative stride";
    if (!s || point.dimIndex[d].empty())
      continue;
    if (int(d) == point.laneDim)
      laneStride = s;
    std::string term =
        s == 1 ? point.dimIndex[d] : index(s) + " * " + point.dimIndex[d];
    sum = sum.empty() ? term : sum + " + " + term;
  }
  return sum.empty() ? index(0) : sum;
}

bool KernelContext::vectorAccess(const Access &a, const Point &point) const {
  if (point.lanes != 4 || point.laneDim < 0)
    return false;
  int64_t bytes = kernel::dtypeBytes(p_.buffers[a.buffer].type.dtype);
  if (bytes != 4 && bytes != 1)
    return false;
  if (a.offset % 4)
    return false;
  for (size_t d = 0; d < a.strides.size() && d < point.dimIndex.size(); ++d) {
    if (point.dimIndex[d].empty())
      continue;
    if (int(d) == point.laneDim ? a.strides[d] != 1 : a.strides[d] % 4 != 0)
      return false;
  }
  return int(a.strides.size()) > point.laneDim;
}

std::vector<int> KernelContext::storeRoots(const std::vector<Store> &stores,
                                           std::vector<int> extra) {
  for (const Store &s : stores)
    extra.push_back(s.value);
  extra.erase(std::remove(extra.begin(), extra.end(), -1), extra.end());
  return extra;
}

std::string KernelContext::expression(const Body &body, const Inst &in,
                                      const BodyValues &v, unsigned lane,
                                      const Point &point) const {
  DType t = in.dtype;
  bool fp = kernel::isFloat(t);
  auto arg = [&](int k) -> const std::string & {
    const auto &names = v[in.args[k]];
    return names.size() == 1 ? names[0] : names[lane];
  };
  auto argType = [&](int k) { return body.insts[in.args[k]].dtype; };
  auto lit = [&](double x) { return literal(t, x); };
  auto call = [&](const char *fn, const std::string &x) {
    return std::string(fn) + mathSuffix(t) + "(" + x + ")";
  };
  switch (in.op) {
  case ScalarOp::Const:
    return lit(in.constant);
  case ScalarOp::Index: {
    std::string i = in.dim < int(point.dimIndex.size()) ? point.dimIndex[in.dim]
                                                        : std::string();
    if (i.empty())
      return "0";
    if (in.dim == point.laneDim && lane)
      return "int(" + i + " + " + std::to_string(lane) + ")";
    return "int(" + i + ")";
  }
  case ScalarOp::RowValue:
    return point.rowValues[in.dim];
  case ScalarOp::Acc:
    return point.acc.size() == 1 ? point.acc[0] : point.acc[lane];
  case ScalarOp::Neg:
    return "-" + arg(0);
  case ScalarOp::Abs:
    return fp ? call("fabs", arg(0))
              : "(" + arg(0) + " < 0 ? -" + arg(0) + " : " + arg(0) + ")";
  case ScalarOp::Sqrt:
    return call("sqrt", arg(0));
  case ScalarOp::Floor:
    return call("floor", arg(0));
  case ScalarOp::Rsqrt:
    return lit(1) + " / " + call("sqrt", arg(0));
  case ScalarOp::Sigmoid:
    return lit(1) + " / (" + lit(1) + " + " + call("exp", "-" + arg(0)) + ")";
  case ScalarOp::Sign:
    return "(" + arg(0) + " > " + lit(0) + " ? " + lit(1) + " : (" + arg(0) +
           " < " + lit(0) + " ? " + lit(-1) + " : " + lit(0) + "))";
  case ScalarOp::Convert: {
    DType from = argType(0);
    if (from == t)
      return arg(0);
    if (t == DType::I1)
      return "(" + arg(0) + " != " + literal(from, 0) + ")";
    return std::string(valueTypeName(t)) + "(" + arg(0) + ")";
  }
  case ScalarOp::Add:
  case ScalarOp::Sub:
  case ScalarOp::Mul:
  case ScalarOp::Div:
  case ScalarOp::Pow:
  case ScalarOp::Max:
  case ScalarOp::Min:
  case ScalarOp::Greater:
  case ScalarOp::Equal:
    return binaryExpression(in.op, t, arg(0), arg(1));
  case ScalarOp::Select:
    return "(" + arg(0) + " ? " + arg(1) + " : " + arg(2) + ")";
  case ScalarOp::DropoutDraw:
    // Arguments: seed, step, element index; the key is the node's.
    return "vk_dropout_draw(unsigned(" + arg(0) + "), unsigned(" + arg(1) +
           "), unsigned(" + arg(2) + "), " +
           std::to_string(uint32_t(in.constant)) + "u)";
  case ScalarOp::Load:
  case ScalarOp::Gather:
    VOSKHOD_UNREACHABLE("loads are rendered by renderBody");
  default:
    break;
  }
  // The math calls (ScalarOps.def), by name: `erff(x)`, `erf(x)`.
  VOSKHOD_CHECK(isMathCall(in.op))
      << "no CUDA rendering of scalar op '" << scalarOpName(in.op) << "'";
  return std::string(scalarOpName(in.op)) + mathSuffix(t) + "(" + arg(0) + ")";
  return "";
}

BodyValues KernelContext::renderBody(CodeWriter &w, const Body &body,
                                     const Point &point,
                                     const std::vector<int> &roots) {
  size_t n = body.insts.size();
  std::vector<bool> live(n, false);
  std::vector<int> work(roots.begin(), roots.end());
  while (!work.empty()) {
    int i = work.back();
    work.pop_back();
    if (i < 0 || live[i])
      continue;
    live[i] = true;
    for (int a = 0; a < scalarOpArity(body.insts[i].op); ++a)
      work.push_back(body.insts[i].args[a]);
  }
  std::string prefix = "v" + std::to_string(fresh_++) + "_";
  BodyValues v(n);
  unsigned lanes = std::max(1u, point.lanes);
  for (size_t i = 0; i < n; ++i) {
    if (!live[i])
      continue;
    const Inst &in = body.insts[i];
    std::string name = prefix + std::to_string(i);
    const char *type = valueTypeName(in.dtype);
    if (in.op == ScalarOp::Load) {
      const Access &a = body.accesses[in.access];
      DType st = p_.buffers[a.buffer].type.dtype;
      int64_t laneStride;
      std::string idx = elementIndex(a, point, laneStride);
      std::string ptr = pointer(a.buffer);
      auto fromStorage = [&](const std::string &x) {
        return st == DType::I1 ? "(" + x + " != 0)" : x;
      };
      if (lanes == 1 || laneStride == 0) {
        w.line("const " + std::string(type) + " " + name + " = " +
               fromStorage(ptr + "[" + idx + "]") + ";");
        v[i] = {name};
      } else if (vectorAccess(a, point)) {
        std::string vt = vectorTypeName(st);
        w.line("const " + vt + " " + name + "v = *reinterpret_cast<const " +
               vt + " *>(" + ptr + " + " + idx + ");");
        for (unsigned l = 0; l < lanes; ++l) {
          std::string ln = name + "_" + std::to_string(l);
          w.line("const " + std::string(type) + " " + ln + " = " +
                 fromStorage(name + "v" + laneField(l)) + ";");
          v[i].push_back(ln);
        }
      } else {
        for (unsigned l = 0; l < lanes; ++l) {
          std::string ln = name + "_" + std::to_string(l);
          std::string li =
              l ? "(" + idx + ") + " + index(int64_t(l) * laneStride) : idx;
          w.line("const " + std::string(type) + " " + ln + " = " +
                 fromStorage(ptr + "[" + li + "]") + ";");
          v[i].push_back(ln);
        }
      }
      continue;
    }
    if (in.op == ScalarOp::Gather) {
      const Access &a = body.accesses[in.access];
      DType st = p_.buffers[a.buffer].type.dtype;
      std::string ptr = pointer(a.buffer);
      const std::vector<std::string> &index = v[in.args[0]];
      for (size_t l = 0; l < index.size(); ++l) {
        std::string ln =
            index.size() == 1 ? name : name + "_" + std::to_string(l);
        std::string x = ptr + "[" + index[l] + "]";
        w.line("const " + std::string(type) + " " + ln + " = " +
               (st == DType::I1 ? "(" + x + " != 0)" : x) + ";");
        v[i].push_back(ln);
      }
      continue;
    }
    // A value is the same in every lane unless something it reads varies.
    bool varies = in.op == ScalarOp::Acc     ? point.acc.size() > 1
                  : in.op == ScalarOp::Index ? in.dim == point.laneDim
                                             : false;
    for (int a = 0; a < scalarOpArity(in.op); ++a)
      varies |= v[in.args[a]].size() > 1;
    if (lanes == 1 || !varies) {
      w.line("const " + std::string(type) + " " + name + " = " +
             expression(body, in, v, 0, point) + ";");
      v[i] = {name};
      continue;
    }
    for (unsigned l = 0; l < lanes; ++l) {
      std::string ln = name + "_" + std::to_string(l);
      w.line("const " + std::string(type) + " " + ln + " = " +
             expression(body, in, v, l, point) + ";");
      v[i].push_back(ln);
    }
  }
  return v;
}

void KernelContext::renderStore(CodeWriter &w, const Store &store,
                                const BodyValues &values, const Point &point) {
  const Access &a = store.access;
  DType st = p_.buffers[a.buffer].type.dtype;
  int64_t laneStride;
  std::string idx = elementIndex(a, point, laneStride);
  std::string ptr = pointer(a.buffer);
  const auto &names = values[store.value];
  VOSKHOD_CHECK(!names.empty()) << "storing a value that was not rendered";
  unsigned lanes = std::max(1u, point.lanes);
  auto lane = [&](unsigned l) -> std::string {
    const std::string &x = names.size() == 1 ? names[0] : names[l];
    return st == DType::I1 ? "(unsigned char)(" + x + ")" : x;
  };
  if (lanes == 1) {
    w.line(ptr + "[" + idx + "] = " + lane(0) + ";");
    return;
  }
  VOSKHOD_CHECK(laneStride != 0) << "lanes storing to one element";
  if (vectorAccess(a, point)) {
    std::string vt = vectorTypeName(st);
    std::string make = "make_" + vt + "(";
    for (unsigned l = 0; l < lanes; ++l)
      make += (l ? ", " : "") + lane(l);
    w.line("*reinterpret_cast<" + vt + " *>(" + ptr + " + " + idx +
           ") = " + make + ");");
    return;
  }
  for (unsigned l = 0; l < lanes; ++l) {
    std::string li =
        l ? "(" + idx + ") + " + index(int64_t(l) * laneStride) : idx;
    w.line(ptr + "[" + li + "] = " + lane(l) + ";");
  }
}

} // namespace voskhod::cuda
