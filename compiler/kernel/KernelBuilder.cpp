//===- compiler/kernel/KernelBuilder.cpp - graph ops to kernel bodies -----===//
#include "compiler/kernel/KernelBuilder.h"

#include "support/InternalCheck.h"
#include "support/Philox.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>

namespace voskhod::kernel {
using ir::Node;
using ir::OpKind;
namespace OpTrait = ir::OpTrait;

std::vector<int64_t> rowMajorStrides(const Shape &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

namespace {

/// How a value's dims follow the kernel's domain: dim d of the value is
/// domain index `map[d]`, or index 0 where map[d] is kBroadcast (a dim of
/// size 1 that a broadcast stretches). Layout ops only ever pick, drop or
/// permute domain dims, so one domain column per dim says all a matrix of
/// coefficients would. A build makes a map for every value it reaches and
/// keys its tables by them; up to kInline dims (every kernel in practice)
/// live inline, so a map costs no allocation.
class IndexMap {
public:
  static constexpr int kBroadcast = -1;

  IndexMap() = default;
  /// `rank` dims, each following domain dim `col`.
  IndexMap(size_t rank, int col) {
    for (size_t d = 0; d < rank; ++d)
      push_back(col);
  }
  explicit IndexMap(const std::vector<int> &cols) {
    for (int c : cols)
      push_back(c);
  }
  static IndexMap identity(size_t rank) {
    IndexMap m;
    for (size_t d = 0; d < rank; ++d)
      m.push_back(int(d));
    return m;
  }

  size_t size() const { return size_; }
  int operator[](size_t d) const { return cols()[d]; }
  int &operator[](size_t d) { return spilled() ? spill_[d] : inline_[d]; }
  int back() const { return cols()[size_ - 1]; }

  void push_back(int col) {
    if (size_ < kInline) {
      inline_[size_++] = col;
      return;
    }
    if (size_ == kInline)
      spill_.assign(inline_.begin(), inline_.end());
    spill_.push_back(col);
    ++size_;
  }

  bool operator==(const IndexMap &o) const {
    return size_ == o.size_ && std::equal(cols(), cols() + size_, o.cols());
  }

  bool isIdentity(size_t domainRank) const {
    if (size_ != domainRank)
      return false;
    for (size_t d = 0; d < size_; ++d)
      if ((*this)[d] != int(d))
        return false;
    return true;
  }

private:
  static constexpr size_t kInline = 6;
  bool spilled() const { return size_ > kInline; }
  const int *cols() const { return spilled() ? spill_.data() : inline_.data(); }

  uint32_t size_ = 0;
  std::array<int, kInline> inline_{};
  std::vector<int> spill_; // every column, once there are more than kInline
};

/// Fills `strides` (one per domain dim) for the row-major layout of `shape`
/// read through `map`.
void stridesFor(const Shape &shape, const IndexMap &map, size_t domainRank,
                std::vector<int64_t> &strides) {
  VOSKHOD_CHECK(map.size() == shape.size())
      << "one map entry per dim of the value";
  strides.assign(domainRank, 0);
  int64_t stride = 1;
  for (size_t d = map.size(); d-- > 0;) {
    if (map[d] != IndexMap::kBroadcast)
      strides[map[d]] += stride;
    stride *= shape[d];
  }
}

Access accessFor(int buffer, const Shape &shape, const IndexMap &map,
                 size_t domainRank) {
  Access a;
  a.buffer = buffer;
  stridesFor(shape, map, domainRank, a.strides);
  return a;
}

} // namespace

/// What a build knows about the values its bodies reached, one chain of
/// entries per graph node (head[node] is its latest), and which nodes it
/// marked computed. Kept across builds; a build clears what it touched.
///
/// Bodies and the lists for the planner grow in scratch vectors kept here
/// too and are copied out at their final size: a kernel grown in place
/// would reallocate each vector a few times and keep up to twice the
/// memory it needs, in every kernel of the program.
struct KernelBuilder::Tables {
  explicit Tables(size_t nodes) : head(nodes, -1), computedIn(nodes, 0) {}

  struct Known {
    int body;      // which BodyBuilder of the build
    bool produced; // a member's stored value (else a memoised computation)
    IndexMap map;  // the index it holds at
    int value;     // its SSA value in that body
    int next;      // the node's previous entry, or -1
  };
  std::vector<int> head;
  std::vector<Known> known;
  std::vector<int> touched;         // nodes whose head is set
  std::vector<uint32_t> computedIn; // the build that marked a node computed
  uint32_t build = 0;
  int bodies = 0;
  /// A body as it grows. Its first `numAccesses` accesses are in use; the
  /// rest keep their strides' storage for the next build.
  struct ScratchBody {
    std::vector<Inst> insts;
    std::vector<Access> accesses;
    size_t numAccesses = 0;

    int add(Inst inst) {
      insts.push_back(inst);
      return int(insts.size()) - 1;
    }
  };
  std::deque<ScratchBody> scratchBodies; // by body; a deque keeps them put
  std::vector<LoadedValue> loaded;
  std::vector<const Node *> computed;

  /// The entry for `node` in `body` of that kind (and at `map`, when given),
  /// or -1.
  int find(int node, int body, bool produced, const IndexMap *map) const {
    for (int k = head[node]; k >= 0; k = known[k].next) {
      const Known &e = known[k];
      if (e.body == body && e.produced == produced && (!map || e.map == *map))
        return k;
    }
    return -1;
  }

  void add(int node, int body, bool produced, const IndexMap &map, int value) {
    if (head[node] < 0)
      touched.push_back(node);
    known.push_back({body, produced, map, value, head[node]});
    head[node] = int(known.size()) - 1;
  }

  void startBuild() {
    for (int n : touched)
      head[n] = -1;
    touched.clear();
    known.clear();
    bodies = 0;
    loaded.clear();
    computed.clear();
    ++build;
  }
};

namespace {

struct Context {
  const ir::Graph &g;
  const std::vector<int> &bufferOf;
  const std::vector<Buffer> &buffers;
  std::vector<LoadedValue> &loaded;
  std::vector<const Node *> &computed;
  KernelBuilder::Tables &tables;
  bool writeOut; // false: a check, whose kernel nobody reads
  /// The values the kernel stores: a gather must not read one, whose other
  /// elements may not be written yet.
  const std::vector<const Node *> &members;

  void markComputed(const Node *n) {
    uint32_t &mark = tables.computedIn[n->index()];
    if (mark != tables.build) {
      mark = tables.build;
      computed.push_back(n);
    }
  }
};

/// The scalar code of elementwise node `n` on argument values `a`, emitted
/// through `e`: a BodyBuilder, or the cost model's counter. It is the one
/// place that says what each elementwise graph op computes.
///
/// `index` is the i32 value of the element's row-major index in n's own
/// shape; only dropout_train reads it (its draw is keyed by the element).
template <class Emitter>
int lowerElementwise(const Node *n, const int *a, Emitter &e, int index) {
  DType t = n->dtype();
  auto un = [&](ScalarOp o) { return e.op(o, t, a[0]); };
  auto bin = [&](ScalarOp o) { return e.op(o, t, a[0], a[1]); };
  auto zero = [&] { return e.constant(0, t); };
  switch (n->op()) {
  case OpKind::Neg:
    return un(ScalarOp::Neg);
  case OpKind::Abs:
    return un(ScalarOp::Abs);
  case OpKind::Exp:
    return un(ScalarOp::Exp);
  case OpKind::Log:
    return un(ScalarOp::Log);
  case OpKind::Sqrt:
    return un(ScalarOp::Sqrt);
  case OpKind::Rsqrt:
    return un(ScalarOp::Rsqrt);
  case OpKind::Square:
    return e.op(ScalarOp::Mul, t, a[0], a[0]);
  case OpKind::Sign:
    return un(ScalarOp::Sign);
  case OpKind::Relu:
    return e.op(ScalarOp::Max, t, a[0], zero());
  case OpKind::LeakyRelu: {
    int pos = e.op(ScalarOp::Greater, DType::I1, a[0], zero());
    int neg = e.op(ScalarOp::Mul, t, a[0],
                   e.constant(n->attrs().getFloat("alpha"), t));
    return e.op(ScalarOp::Select, t, pos, a[0], neg);
  }
  case OpKind::Elu: {
    int pos = e.op(ScalarOp::Greater, DType::I1, a[0], zero());
    // expm1, not exp(x) - 1, which loses every digit near zero.
    int em1 = e.op(ScalarOp::Expm1, t, a[0]);
    int neg = e.op(ScalarOp::Mul, t, em1,
                   e.constant(n->attrs().getFloat("alpha"), t));
    return e.op(ScalarOp::Select, t, pos, a[0], neg);
  }
  case OpKind::Sigmoid:
    return un(ScalarOp::Sigmoid);
  case OpKind::Tanh:
    return un(ScalarOp::Tanh);
  case OpKind::Softplus: {
    // max(x, 0) + log1p(exp(-|x|)), stable for every x.
    int pos = e.op(ScalarOp::Max, t, a[0], zero());
    int nabs = e.op(ScalarOp::Neg, t, e.op(ScalarOp::Abs, t, a[0]));
    int tail = e.op(ScalarOp::Log1p, t, e.op(ScalarOp::Exp, t, nabs));
    return e.op(ScalarOp::Add, t, pos, tail);
  }
  case OpKind::Erf:
    return un(ScalarOp::Erf);
  case OpKind::Cos:
    return un(ScalarOp::Cos);
  case OpKind::Sin:
    return un(ScalarOp::Sin);
  case OpKind::Floor:
    return un(ScalarOp::Floor);
  case OpKind::Silu:
    // x σ(x), in the interpreter's order.
    return e.op(ScalarOp::Mul, t, a[0], e.op(ScalarOp::Sigmoid, t, a[0]));
  case OpKind::Gelu: {
    // x/2 (1 + erf(x/√2)), or x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))), in
    // the interpreter's order of operations.
    auto k = [&](double v) { return e.constant(v, t); };
    int inner;
    if (n->attrs().getString("approximate") == "tanh") {
      int cube =
          e.op(ScalarOp::Mul, t, e.op(ScalarOp::Mul, t, a[0], a[0]), a[0]);
      int poly = e.op(ScalarOp::Add, t, a[0],
                      e.op(ScalarOp::Mul, t, k(0.044715), cube));
      inner = e.op(ScalarOp::Tanh, t,
                   e.op(ScalarOp::Mul, t, k(std::sqrt(2 / M_PI)), poly));
    } else {
      inner =
          e.op(ScalarOp::Erf, t, e.op(ScalarOp::Mul, t, a[0], k(M_SQRT1_2)));
    }
    return e.op(ScalarOp::Mul, t, e.op(ScalarOp::Mul, t, k(0.5), a[0]),
                e.op(ScalarOp::Add, t, k(1), inner));
  }
  case OpKind::Convert:
    return un(ScalarOp::Convert);
  case OpKind::Add:
    return bin(ScalarOp::Add);
  case OpKind::Sub:
    return bin(ScalarOp::Sub);
  case OpKind::Mul:
    return bin(ScalarOp::Mul);
  case OpKind::Div:
    return bin(ScalarOp::Div);
  case OpKind::Pow:
    return bin(ScalarOp::Pow);
  case OpKind::Maximum:
    return bin(ScalarOp::Max);
  case OpKind::Minimum:
    return bin(ScalarOp::Min);
  case OpKind::Greater:
    return e.op(ScalarOp::Greater, DType::I1, a[0], a[1]);
  case OpKind::Equal:
    return e.op(ScalarOp::Equal, DType::I1, a[0], a[1]);
  case OpKind::Select:
    return e.op(ScalarOp::Select, t, a[0], a[1], a[2]);
  case OpKind::Dropout:
    // Unspecialised: the evaluation form (ModeSpecialization.h).
    return a[0];
  case OpKind::DropoutTrain: {
    // x * (draw < threshold ? 0 : 1/(1-p)), the interpreter's decision on
    // exact integers; support/Philox.h defines the draw.
    double p = n->attrs().getFloat("p");
    int step = e.op(ScalarOp::Convert, DType::I32, a[1]);
    int draw = e.draw(a[2], step, index, uint32_t(n->attrs().getInt("key")));
    int drop = e.op(ScalarOp::Greater, DType::I1,
                    e.constant(dropoutThreshold(p), DType::I32), draw);
    int mask =
        e.op(ScalarOp::Select, t, drop, zero(), e.constant(dropoutScale(p), t));
    return e.op(ScalarOp::Mul, t, a[0], mask);
  }
  default:
    return e.fail();
  }
}

/// Emits one body's SSA, memoising each (node, index map) so a value used
/// twice at the same point is computed once. The body grows in scratch and
/// is copied to `target` when the builder goes out of scope.
class BodyBuilder {
public:
  BodyBuilder(Body &target, size_t domainRank, Context &ctx)
      : target_(target), ctx_(ctx), t_(ctx.tables), id_(t_.bodies++),
        body_(scratch(t_, id_)), rank_(domainRank) {}
  ~BodyBuilder() {
    if (failed_ || !ctx_.writeOut)
      return; // nothing reads the body
    target_.insts = body_.insts;
    target_.accesses.assign(body_.accesses.begin(),
                            body_.accesses.begin() + body_.numAccesses);
  }
  BodyBuilder(const BodyBuilder &) = delete;
  BodyBuilder &operator=(const BodyBuilder &) = delete;

  bool failed() const { return failed_; }
  /// Gives up on the body (an op with no scalar lowering).
  int fail() {
    failed_ = true;
    return 0;
  }

  int constant(double v, DType t) {
    Inst i{ScalarOp::Const, t};
    i.constant = v;
    return body_.add(i);
  }
  int op(ScalarOp o, DType t, int a, int b = -1, int c = -1) {
    Inst i{o, t};
    i.args[0] = a, i.args[1] = b, i.args[2] = c;
    return body_.add(i);
  }
  int draw(int seed, int step, int index, uint32_t key) {
    int v = op(ScalarOp::DropoutDraw, DType::I32, seed, step, index);
    body_.insts[v].constant = double(key);
    return v;
  }
  DType typeOf(int v) const { return body_.insts[v].dtype; }
  int special(ScalarOp o, DType t, int dim) {
    Inst i{o, t};
    i.dim = dim;
    return body_.add(i);
  }
  /// Loads `buffer` (of `shape`) at `m`, sharing an equal access.
  int load(int buffer, const Shape &shape, const IndexMap &m, DType t) {
    // Built in the next free slot, which becomes used unless an equal
    // access is there already.
    std::vector<Access> &accesses = body_.accesses;
    if (body_.numAccesses == accesses.size())
      accesses.emplace_back();
    Access &next = accesses[body_.numAccesses];
    next.buffer = buffer;
    next.offset = 0;
    stridesFor(shape, m, rank_, next.strides);
    auto used = accesses.begin() + body_.numAccesses;
    int idx = int(std::find(accesses.begin(), used, next) - accesses.begin());
    if (idx == int(body_.numAccesses))
      ++body_.numAccesses;
    Inst i{ScalarOp::Load, t};
    i.access = idx;
    return body_.add(i);
  }

  /// Reads element `index` (an i32 value) of `n`'s buffer; the caller keeps
  /// the index in range. Fails when `n` has no buffer (the planner gives
  /// the operands of gathering ops one).
  int gather(const Node *n, int index) {
    int buffer = ctx_.bufferOf[n->index()];
    const auto &members = ctx_.members;
    if (buffer < 0 ||
        std::find(members.begin(), members.end(), n) != members.end())
      return fail();
    ctx_.loaded.push_back({n, /*identity=*/false});
    std::vector<Access> &accesses = body_.accesses;
    if (body_.numAccesses == accesses.size())
      accesses.emplace_back();
    Access &next = accesses[body_.numAccesses];
    next.buffer = buffer;
    // No affine access reads at offset -1, so the in-place analysis never
    // takes a gather for a read of the element a store writes.
    next.offset = -1;
    next.strides.assign(rank_, 0);
    auto used = accesses.begin() + body_.numAccesses;
    int idx = int(std::find(accesses.begin(), used, next) - accesses.begin());
    if (idx == int(body_.numAccesses))
      ++body_.numAccesses;
    Inst i{ScalarOp::Gather, n->dtype()};
    i.access = idx;
    i.args[0] = index;
    return body_.add(i);
  }

  /// Marks `n` as computed in this kernel, valid at index map `home`.
  void produce(const Node *n, const IndexMap &home, int value) {
    int k = t_.find(n->index(), id_, /*produced=*/true, nullptr);
    if (k < 0)
      return t_.add(n->index(), id_, /*produced=*/true, home, value);
    t_.known[k].map = home;
    t_.known[k].value = value;
  }

  int value(const Node *n, const IndexMap &m) {
    if (failed_)
      return 0;
    if (int k = t_.find(n->index(), id_, /*produced=*/true, nullptr); k >= 0) {
      if (t_.known[k].map != m) {
        failed_ = true;
        return 0;
      }
      return t_.known[k].value;
    }
    int buffer = ctx_.bufferOf[n->index()];
    if (buffer < 0 && n->is(OpKind::Const))
      return constant(n->constValues().empty() ? 0 : n->constValues()[0],
                      n->dtype());
    if (buffer >= 0) {
      ctx_.loaded.push_back(
          {n, m.isIdentity(rank_) && int64_t(rank_) == n->rank()});
      return load(buffer, ctx_.buffers[buffer].type.shape, m, n->dtype());
    }
    return compute(n, m);
  }

  /// The value of `n` computed from its operands, ignoring its own buffer.
  int compute(const Node *n, const IndexMap &m) {
    if (int k = t_.find(n->index(), id_, /*produced=*/false, &m); k >= 0)
      return t_.known[k].value;
    int v = computeUncached(n, m);
    ctx_.markComputed(n);
    t_.add(n->index(), id_, /*produced=*/false, m, v);
    return v;
  }

private:
  /// Scratch body `id`, emptied.
  static KernelBuilder::Tables::ScratchBody &scratch(KernelBuilder::Tables &t,
                                                     int id) {
    if (t.scratchBodies.size() <= size_t(id))
      t.scratchBodies.emplace_back();
    KernelBuilder::Tables::ScratchBody &b = t.scratchBodies[id];
    b.insts.clear();
    b.numAccesses = 0;
    return b;
  }

  int computeUncached(const Node *n, const IndexMap &m) {
    if (n->hasTrait(OpTrait::Elementwise)) {
      int args[3] = {-1, -1, -1};
      for (size_t i = 0; i < n->numOperands(); ++i)
        args[i] = value(n->operand(i), m);
      if (failed_)
        return 0;
      return lowerElementwise(n, args, *this,
                              n->is(OpKind::DropoutTrain) ? elementIndex(n, m)
                                                          : -1);
    }
    switch (n->op()) {
    case OpKind::Broadcast: {
      const Node *x = n->operand(0);
      size_t lead = n->rank() - x->rank();
      IndexMap xm;
      for (int64_t d = 0; d < x->rank(); ++d) {
        bool stretched = x->shape()[d] == 1 && n->shape()[lead + d] != 1;
        xm.push_back(stretched ? IndexMap::kBroadcast : m[lead + d]);
      }
      return value(x, xm);
    }
    case OpKind::Transpose: {
      const auto &perm = n->attrs().getInts("perm");
      IndexMap xm(perm.size(), IndexMap::kBroadcast);
      for (size_t k = 0; k < perm.size(); ++k)
        xm[perm[k]] = m[k];
      return value(n->operand(0), xm);
    }
    case OpKind::OneHot: {
      IndexMap im;
      for (size_t d = 0; d + 1 < m.size(); ++d)
        im.push_back(m[d]);
      int idx = value(n->operand(0), im);
      int cls = domainIndex(m.back());
      int eq = op(ScalarOp::Equal, DType::I1, cls, idx);
      return n->dtype() == DType::I1 ? eq
                                     : op(ScalarOp::Convert, n->dtype(), eq);
    }
    case OpKind::Gather:
      return gatherValue(n, m);
    case OpKind::Pad:
      return padValue(n, m);
    case OpKind::Slice:
      return sliceValue(n, m);
    case OpKind::Concat:
      return concatValue(n, m);
    default:
      // Everything else is materialised by the planner.
      failed_ = true;
      return 0;
    }
  }

  int i32(int64_t v) { return constant(double(v), DType::I32); }
  int addI32(int a, int b) {
    return a < 0 ? b : op(ScalarOp::Add, DType::I32, a, b);
  }
  /// `x` clamped into [0, size - 1].
  int clampI32(int x, int64_t size) {
    int hi = op(ScalarOp::Min, DType::I32, x, i32(size - 1));
    return op(ScalarOp::Max, DType::I32, hi, i32(0));
  }
  /// Adds `stride * x` to the running element index `flat` (-1: none yet).
  int addTerm(int flat, int x, int64_t stride) {
    if (stride != 1)
      x = op(ScalarOp::Mul, DType::I32, x, i32(stride));
    return addI32(flat, x);
  }

  /// pad: the operand at the index shifted by the befores where that is
  /// inside it, else `value`. The index is clamped so that the gather stays
  /// in the buffer; each axis that pads selects `value` where clamping moved
  /// its index.
  int padValue(const Node *n, const IndexMap &m) {
    const Node *x = n->operand(0);
    const std::vector<int64_t> &pads = n->attrs().getInts("pads");
    size_t rank = size_t(x->rank());
    std::vector<int64_t> strides = rowMajorStrides(x->shape());
    std::vector<int> insides; // per padded axis: whether it is inside
    int flat = -1;
    for (size_t d = 0; d < rank; ++d) {
      int i = domainIndex(m[d]);
      if (pads[d] == 0 && pads[rank + d] == 0) {
        flat = addTerm(flat, i, strides[d]);
        continue;
      }
      int shifted = op(ScalarOp::Sub, DType::I32, i, i32(pads[d]));
      int clamped = clampI32(shifted, x->shape()[d]);
      insides.push_back(op(ScalarOp::Equal, DType::I1, shifted, clamped));
      flat = addTerm(flat, clamped, strides[d]);
    }
    int v = gather(x, flat < 0 ? i32(0) : flat);
    int fill = constant(n->attrs().getFloat("value"), n->dtype());
    for (int inside : insides)
      v = op(ScalarOp::Select, n->dtype(), inside, v, fill);
    return v;
  }

  /// gather: the table row the index names. The read is clamped into the
  /// table, so compiled code never reads outside it; an index out of range
  /// yields NaN, which --check-numerics reports at this op.
  int gatherValue(const Node *n, const IndexMap &m) {
    const Node *table = n->operand(0), *indices = n->operand(1);
    size_t axis = size_t(n->attrs().getInt("axis"));
    size_t count = size_t(indices->rank());
    IndexMap im;
    for (size_t d = 0; d < count; ++d)
      im.push_back(m[axis + d]);
    int index = value(indices, im);
    int64_t rows = table->shape()[axis];
    int clamped = clampI32(index, rows);
    int inside = op(ScalarOp::Equal, DType::I1, index, clamped);
    std::vector<int64_t> strides = rowMajorStrides(table->shape());
    int flat = -1;
    for (size_t d = 0; d < size_t(table->rank()); ++d) {
      if (d == axis)
        flat = addTerm(flat, clamped, strides[d]);
      else if (table->shape()[d] != 1)
        flat = addTerm(flat, domainIndex(m[d < axis ? d : d + count - 1]),
                       strides[d]);
    }
    int v = gather(table, flat < 0 ? i32(0) : flat);
    int nan = constant(std::numeric_limits<double>::quiet_NaN(), n->dtype());
    return op(ScalarOp::Select, n->dtype(), inside, v, nan);
  }

  /// slice: the operand at starts + index * steps, always in range.
  int sliceValue(const Node *n, const IndexMap &m) {
    const Node *x = n->operand(0);
    const std::vector<int64_t> &starts = n->attrs().getInts("starts");
    const std::vector<int64_t> &steps = n->attrs().getInts("steps");
    std::vector<int64_t> strides = rowMajorStrides(x->shape());
    int flat = -1;
    int64_t offset = 0;
    for (size_t d = 0; d < size_t(x->rank()); ++d) {
      offset += starts[d] * strides[d];
      if (x->shape()[d] != 1)
        flat = addTerm(flat, domainIndex(m[d]), steps[d] * strides[d]);
    }
    if (offset != 0 || flat < 0)
      flat = addI32(flat, i32(offset));
    return gather(x, flat);
  }

  /// concat: every operand gathered at the index clamped into it along the
  /// axis, and the one whose range holds the index selected.
  int concatValue(const Node *n, const IndexMap &m) {
    size_t axis = size_t(n->attrs().getInt("axis"));
    int at = domainIndex(m[axis]);
    int v = -1;
    int64_t offset = n->shape()[axis];
    for (size_t k = n->numOperands(); k-- > 0;) {
      const Node *x = n->operand(k);
      offset -= x->shape()[axis];
      std::vector<int64_t> strides = rowMajorStrides(x->shape());
      int flat = -1;
      for (size_t d = 0; d < size_t(x->rank()); ++d) {
        int i = domainIndex(m[d]);
        if (d == axis)
          i = clampI32(offset ? op(ScalarOp::Sub, DType::I32, i, i32(offset))
                              : i,
                       x->shape()[d]);
        if (x->shape()[d] != 1)
          flat = addTerm(flat, i, strides[d]);
      }
      int g = gather(x, flat < 0 ? i32(0) : flat);
      if (v < 0) {
        v = g;
        continue;
      }
      // Operand k holds the indices below the next operand's offset.
      int64_t next = offset + x->shape()[axis];
      int below = op(ScalarOp::Greater, DType::I1, i32(next), at);
      v = op(ScalarOp::Select, n->dtype(), below, g, v);
    }
    return v;
  }

  /// The index along domain dim `col` (0 for a broadcast dim).
  int domainIndex(int col) {
    if (col == IndexMap::kBroadcast)
      return constant(0, DType::I32);
    return special(ScalarOp::Index, DType::I32, col);
  }

  /// n's row-major element index at map `m`, from the domain indices.
  int elementIndex(const Node *n, const IndexMap &m) {
    int index = -1;
    int64_t stride = 1;
    for (int64_t d = n->rank(); d-- > 0;) {
      if (n->shape()[d] != 1) {
        int term = domainIndex(m[d]);
        if (stride != 1)
          term = op(ScalarOp::Mul, DType::I32, term,
                    constant(double(stride), DType::I32));
        index = index < 0 ? term : op(ScalarOp::Add, DType::I32, index, term);
      }
      stride *= n->shape()[d];
    }
    return index < 0 ? constant(0, DType::I32) : index;
  }

  Body &target_;
  Context &ctx_;
  KernelBuilder::Tables &t_;
  int id_; // this body among the build's, in the tables
  KernelBuilder::Tables::ScratchBody &body_; // t_.scratchBodies[id_]
  size_t rank_;
  bool failed_ = false;
};

/// The scalar op a reduction folds its rows with, the one place that says
/// it; reduce_mean scales the sum afterwards. Empty for an op that is no
/// reduction or has no fold yet.
std::optional<ScalarOp> reductionFold(OpKind op) {
  switch (op) {
  case OpKind::ReduceSum:
  case OpKind::ReduceMean:
    return ScalarOp::Add;
  case OpKind::ReduceMax:
    return ScalarOp::Max;
  case OpKind::ReduceMin:
    return ScalarOp::Min;
  case OpKind::ReduceProd:
    return ScalarOp::Mul;
  default:
    return std::nullopt;
  }
}

/// The reduction's row geometry: which input dims are rows (outer) and which
/// are reduced (inner), and where each dim of the input and the root sit in
/// the domain.
struct RowGeometry {
  Shape outer, inner;
  std::vector<int> inputCols; // input dim -> domain dim
  std::vector<int> rootCols;  // root dim -> outer dim, -1 for kept 1s
  size_t rank() const { return outer.size() + inner.size(); }
};

RowGeometry geometry(const Node *x, const std::vector<int64_t> &axes,
                     bool keepdims) {
  RowGeometry geo;
  std::vector<bool> reduced(x->rank(), false);
  for (int64_t a : axes)
    reduced[a] = true;
  for (int64_t d = 0; d < x->rank(); ++d)
    if (!reduced[d])
      geo.outer.push_back(x->shape()[d]);
  geo.inputCols.resize(x->rank());
  int o = 0, i = 0;
  for (int64_t d = 0; d < x->rank(); ++d) {
    if (reduced[d]) {
      geo.inner.push_back(x->shape()[d]);
      geo.inputCols[d] = int(geo.outer.size()) + i++;
    } else {
      if (keepdims)
        geo.rootCols.push_back(o);
      geo.inputCols[d] = o++;
    }
    if (reduced[d] && keepdims)
      geo.rootCols.push_back(-1);
  }
  if (!keepdims)
    for (size_t d = 0; d < geo.outer.size(); ++d)
      geo.rootCols.push_back(int(d));
  return geo;
}

std::vector<int64_t> trailingAxis(const Node *x) { return {x->rank() - 1}; }

class Builder {
public:
  Builder(const ir::Graph &g, const KernelSpec &spec,
          const std::vector<int> &bufferOf, const std::vector<Buffer> &buffers,
          KernelBuilder::Tables &tables, bool writeOut)
      : spec_(spec),
        ctx_{g,      bufferOf, buffers,     tables.loaded, tables.computed,
             tables, writeOut, spec.members} {}

  std::optional<BuildResult> run() {
    Kernel &k = result_.kernel;
    k.kind = spec_.kind;
    if (spec_.kind != KernelKind::Loop)
      ctx_.markComputed(spec_.members.front());
    bool ok = false;
    switch (spec_.kind) {
    case KernelKind::Loop:
      ok = buildLoop();
      break;
    case KernelKind::Reduction:
      ok = buildReduction();
      break;
    case KernelKind::Contraction:
      ok = buildContraction();
      break;
    }
    if (!ok)
      return std::nullopt;
    result_.loaded = ctx_.loaded;
    if (ctx_.writeOut)
      result_.computed = ctx_.computed;
    return std::move(result_);
  }

private:
  int bufferOf(const Node *n) const { return ctx_.bufferOf[n->index()]; }

  /// Appends a store of `value` to `buffer` (of `shape`, at `map` over a
  /// domain of `rank` dims); a check has no kernel to add it to.
  void store(std::vector<Store> &stores, int buffer, const Shape &shape,
             const IndexMap &map, size_t rank, int value) {
    if (ctx_.writeOut)
      stores.push_back({accessFor(buffer, shape, map, rank), value});
  }

  /// Stores each member from `first` on, computed at `home` in `bb`.
  bool storeMembers(BodyBuilder &bb, size_t first, const Shape &shape,
                    const IndexMap &home) {
    Kernel &k = result_.kernel;
    for (size_t i = first; i < spec_.members.size(); ++i) {
      const Node *n = spec_.members[i];
      if (n->shape() != shape)
        return false;
      int v = bb.compute(n, home);
      if (bb.failed())
        return false;
      bb.produce(n, home, v);
      if (int buf = bufferOf(n); buf >= 0)
        store(k.stores, buf, n->shape(), home, rank_, v);
    }
    return !bb.failed();
  }

  bool buildLoop() {
    Kernel &k = result_.kernel;
    k.domain = spec_.members.front()->shape();
    rank_ = k.domain.size();
    BodyBuilder bb(k.body, rank_, ctx_);
    return storeMembers(bb, 0, k.domain, IndexMap::identity(rank_));
  }

  /// Index map of a matmul operand over its body's domain, batch ++ [rows,
  /// cols]: its batch dims right-aligned to the product's (a size-1 dim the
  /// product stretches broadcast), its matrix dims swapped when transposed.
  static IndexMap operandMap(const Node *x, const Shape &batch,
                             bool transposed) {
    size_t nb = batch.size(), xb = size_t(x->rank()) - 2;
    IndexMap map;
    for (size_t d = 0; d < xb; ++d) {
      int col = int(nb - xb + d);
      bool stretched = x->shape()[d] == 1 && batch[col] != 1;
      map.push_back(stretched ? IndexMap::kBroadcast : col);
    }
    map.push_back(int(nb) + (transposed ? 1 : 0));
    map.push_back(int(nb) + (transposed ? 0 : 1));
    return map;
  }

  bool buildContraction() {
    Kernel &k = result_.kernel;
    const Node *mm = spec_.members.front();
    const Node *a = mm->operand(0), *b = mm->operand(1);
    bool ta = mm->attrs().getBool("transpose_a");
    bool tb = mm->attrs().getBool("transpose_b");
    const Shape &out = mm->shape();
    size_t nb = out.size() - 2, rank = nb + 2;
    Shape batch(out.begin(), out.begin() + int64_t(nb));
    int64_t m = out[nb], n = out[nb + 1];
    int64_t kk = ta ? a->shape()[a->rank() - 2] : a->shape()[a->rank() - 1];
    k.domain = batch;
    k.domain.insert(k.domain.end(), {m, n, kk});
    k.numBatch = int(nb);
    BodyBuilder ab(k.a, rank, ctx_), bbld(k.b, rank, ctx_);
    k.aValue = ab.value(a, operandMap(a, batch, ta));
    k.bValue = bbld.value(b, operandMap(b, batch, tb));
    if (ab.failed() || bbld.failed())
      return false;
    rank_ = rank;
    BodyBuilder eb(k.body, rank, ctx_);
    IndexMap home = IndexMap::identity(rank);
    int acc = eb.special(ScalarOp::Acc, mm->dtype(), -1);
    eb.produce(mm, home, acc);
    if (int buf = bufferOf(mm); buf >= 0)
      store(k.stores, buf, out, home, rank, acc);
    return storeMembers(eb, 1, out, home);
  }

  /// Adds a phase folding `fn(bb)` over the row with `combine`.
  template <typename Fn> int phase(ScalarOp combine, Fn fn) {
    Kernel &k = result_.kernel;
    k.phases.emplace_back();
    Phase &p = k.phases.back();
    VOSKHOD_CHECK(isFoldCombine(combine))
        << "a row cannot be folded with '" << scalarOpName(combine) << "'";
    p.kind = PhaseKind::Fold;
    p.combine = combine;
    BodyBuilder bb(p.body, rank_, ctx_);
    p.value = fn(bb);
    if (bb.failed())
      failed_ = true;
    return int(k.phases.size()) - 1;
  }

  bool buildReduction() {
    Kernel &k = result_.kernel;
    const Node *r = spec_.members.front();
    const Node *x = r->operand(0);
    DType t = r->dtype();
    RowGeometry geo;
    bool reduceOp = r->hasTrait(OpTrait::Reduction);
    bool rowWise = r->hasTrait(OpTrait::RowWise);
    bool classLoss = r->is(OpKind::SoftmaxCrossEntropy);
    if (reduceOp)
      geo = geometry(x, r->attrs().getInts("axes"),
                     r->attrs().getBool("keepdims"));
    else if (rowWise)
      geo = geometry(x, {r->attrs().getInt("axis")}, true);
    else if (classLoss)
      geo = geometry(x, trailingAxis(x), false);
    else {
      std::vector<int64_t> all(x->rank());
      for (int64_t d = 0; d < x->rank(); ++d)
        all[d] = d;
      geo = geometry(x, all, false);
    }
    k.domain = geo.outer;
    k.domain.insert(k.domain.end(), geo.inner.begin(), geo.inner.end());
    k.numOuter = int(geo.outer.size());
    rank_ = geo.rank();
    IndexMap xm = IndexMap(geo.inputCols);
    int64_t innerCount = 1;
    for (int64_t d : geo.inner)
      innerCount *= d;

    // Row values, then the row body.
    auto rowValue = [&](BodyBuilder &bb, int phaseIndex) {
      return bb.special(ScalarOp::RowValue, t, phaseIndex);
    };
    // A causal softmax's row (query i, the outer dim before the inner one)
    // sees keys j <= i; the others read as −inf, whose exp is 0.
    bool causal = r->is(OpKind::Softmax) && r->attrs().getBool("causal");
    auto hiddenKey = [&](BodyBuilder &bb) {
      int query = bb.special(ScalarOp::Index, DType::I32, k.numOuter - 1);
      int key = bb.special(ScalarOp::Index, DType::I32, k.numOuter);
      return bb.op(ScalarOp::Greater, DType::I1, key, query);
    };
    auto rowInput = [&](BodyBuilder &bb) {
      int v = bb.value(x, xm);
      if (!causal)
        return v;
      return bb.op(ScalarOp::Select, t, hiddenKey(bb),
                   bb.constant(-std::numeric_limits<double>::infinity(), t), v);
    };
    auto maxThenSumExp = [&] {
      int mx = phase(ScalarOp::Max, rowInput);
      int se = phase(ScalarOp::Add, [&](BodyBuilder &bb) {
        int d = bb.op(ScalarOp::Sub, t, rowInput(bb), rowValue(bb, mx));
        return bb.op(ScalarOp::Exp, t, d);
      });
      return std::make_pair(mx, se);
    };

    size_t outerRank = geo.outer.size();
    IndexMap home = IndexMap(geo.rootCols);
    BodyBuilder rb(k.body, outerRank, ctx_);
    int rowResult = -1;
    if (reduceOp) {
      int p = phase(*reductionFold(r->op()),
                    [&](BodyBuilder &bb) { return bb.value(x, xm); });
      rowResult = rowValue(rb, p);
      if (r->is(OpKind::ReduceMean))
        rowResult = rb.op(ScalarOp::Mul, t, rowResult,
                          rb.constant(1.0 / double(innerCount), t));
    } else if (rowWise) {
      auto [mx, se] = maxThenSumExp();
      // Built in place, after the phases it reads, so that its body is
      // written out when mb goes out of scope.
      Phase &map = k.phases.emplace_back();
      map.kind = PhaseKind::Map;
      BodyBuilder mb(map.body, rank_, ctx_);
      int d = mb.op(ScalarOp::Sub, t, rowInput(mb), rowValue(mb, mx));
      int out;
      if (r->is(OpKind::Softmax))
        out = mb.op(ScalarOp::Div, t, mb.op(ScalarOp::Exp, t, d),
                    rowValue(mb, se));
      else
        out = mb.op(ScalarOp::Sub, t, d,
                    mb.op(ScalarOp::Log, t, rowValue(mb, se)));
      // Exactly 0, whatever the visible keys hold (exp(−inf − NaN) is NaN).
      if (causal)
        out = mb.op(ScalarOp::Select, t, hiddenKey(mb), mb.constant(0, t), out);
      if (mb.failed() || bufferOf(r) < 0)
        return false;
      store(map.stores, bufferOf(r), r->shape(), xm, rank_, out);
      // The result exists only inside the map phase: nothing else fuses.
      return spec_.members.size() == 1 && !failed_;
    } else if (classLoss) {
      const Node *y = r->operand(1);
      auto [mx, se] = maxThenSumExp();
      int lse = rb.op(ScalarOp::Add, t, rowValue(rb, mx),
                      rb.op(ScalarOp::Log, t, rowValue(rb, se)));
      if (y->dtype() == DType::I32) {
        std::vector<int> cols(outerRank);
        for (size_t d = 0; d < outerRank; ++d)
          cols[d] = int(d);
        IndexMap ym = IndexMap(cols);
        int picked = phase(ScalarOp::Add, [&](BodyBuilder &bb) {
          int cls = bb.special(ScalarOp::Index, DType::I32, int(outerRank));
          int hit = bb.op(ScalarOp::Equal, DType::I1, cls, bb.value(y, ym));
          return bb.op(ScalarOp::Select, t, hit, bb.value(x, xm),
                       bb.constant(0, t));
        });
        rowResult = rb.op(ScalarOp::Sub, t, lse, rowValue(rb, picked));
      } else {
        int tx = phase(ScalarOp::Add, [&](BodyBuilder &bb) {
          return bb.op(ScalarOp::Mul, t, bb.value(y, xm), bb.value(x, xm));
        });
        int ts = phase(ScalarOp::Add,
                       [&](BodyBuilder &bb) { return bb.value(y, xm); });
        rowResult = rb.op(ScalarOp::Sub, t,
                          rb.op(ScalarOp::Mul, t, lse, rowValue(rb, ts)),
                          rowValue(rb, tx));
      }
      if (outerRank > 0) {
        int64_t rows = 1;
        for (int64_t d : geo.outer)
          rows *= d;
        if (spec_.members.size() != 1 || bufferOf(r) < 0 || failed_ ||
            rb.failed())
          return false;
        k.totalValue = rowResult;
        k.totalScale = 1.0 / double(rows);
        k.totalStore = accessFor(bufferOf(r), r->shape(), {}, 0);
        result_.totalRows = rows;
        return true;
      }
    } else {
      // Pointwise losses: the mean of one term per element.
      const Node *y = r->operand(1);
      int p = phase(ScalarOp::Add, [&](BodyBuilder &bb) {
        int xv = bb.value(x, xm), yv = bb.value(y, xm);
        switch (r->op()) {
        case OpKind::SigmoidCrossEntropy: {
          int pos = bb.op(ScalarOp::Max, t, xv, bb.constant(0, t));
          int xy = bb.op(ScalarOp::Mul, t, xv, yv);
          int nabs = bb.op(ScalarOp::Neg, t, bb.op(ScalarOp::Abs, t, xv));
          int tail = bb.op(ScalarOp::Log1p, t, bb.op(ScalarOp::Exp, t, nabs));
          return bb.op(ScalarOp::Add, t, bb.op(ScalarOp::Sub, t, pos, xy),
                       tail);
        }
        case OpKind::MseLoss: {
          int d = bb.op(ScalarOp::Sub, t, xv, yv);
          return bb.op(ScalarOp::Mul, t, d, d);
        }
        default:
          return bb.op(ScalarOp::Abs, t, bb.op(ScalarOp::Sub, t, xv, yv));
        }
      });
      rowResult = rb.op(ScalarOp::Mul, t, rowValue(rb, p),
                        rb.constant(1.0 / double(innerCount), t));
    }
    if (failed_ || rb.failed())
      return false;
    rb.produce(r, home, rowResult);
    if (int buf = bufferOf(r); buf >= 0)
      store(k.stores, buf, r->shape(), home, outerRank, rowResult);
    rank_ = outerRank;
    return storeMembers(rb, 1, r->shape(), home);
  }

  const KernelSpec &spec_;
  BuildResult result_;
  Context ctx_;
  size_t rank_ = 0;
  bool failed_ = false;
};

} // namespace

KernelBuilder::KernelBuilder(const ir::Graph &g)
    : g_(g), tables_(std::make_unique<Tables>(g.size())) {}

KernelBuilder::~KernelBuilder() = default;

std::optional<BuildResult>
KernelBuilder::build(const KernelSpec &spec, const std::vector<int> &bufferOf,
                     const std::vector<Buffer> &buffers) {
  VOSKHOD_CHECK(!spec.members.empty()) << "a kernel computes something";
  tables_->startBuild();
  return Builder(g_, spec, bufferOf, buffers, *tables_, /*writeOut=*/true)
      .run();
}

std::optional<std::vector<LoadedValue>>
KernelBuilder::check(const KernelSpec &spec, const std::vector<int> &bufferOf,
                     const std::vector<Buffer> &buffers) {
  VOSKHOD_CHECK(!spec.members.empty()) << "a kernel computes something";
  tables_->startBuild();
  auto built =
      Builder(g_, spec, bufferOf, buffers, *tables_, /*writeOut=*/false).run();
  if (!built)
    return std::nullopt;
  return std::move(built->loaded);
}

bool hasKernelLowering(const ir::Node *n) {
  if (n->hasTrait(OpTrait::Leaf))
    return true;
  if (n->hasTrait(OpTrait::Elementwise)) {
    /// Emits nothing; notes whether the lowering gave up.
    struct Checker {
      bool failed = false;
      int constant(double, DType) { return 0; }
      int op(ScalarOp, DType, int, int = -1, int = -1) { return 0; }
      int draw(int, int, int, uint32_t) { return 0; }
      int fail() {
        failed = true;
        return 0;
      }
    } checker;
    const int args[3] = {0, 0, 0};
    lowerElementwise(n, args, checker, 0);
    return !checker.failed;
  }
  if (n->hasTrait(OpTrait::Reduction))
    return reductionFold(n->op()).has_value();
  // The ops Builder and computeUncached know by name.
  switch (n->op()) {
  case OpKind::Matmul:
  case OpKind::Transpose:
  case OpKind::Reshape:
  case OpKind::Broadcast:
  case OpKind::Softmax:
  case OpKind::LogSoftmax:
  case OpKind::OneHot:
  case OpKind::Gather:
  case OpKind::Pad:
  case OpKind::Slice:
  case OpKind::Concat:
  case OpKind::SoftmaxCrossEntropy:
  case OpKind::SigmoidCrossEntropy:
  case OpKind::MseLoss:
  case OpKind::L1Loss:
    return true;
  default:
    return false;
  }
}

int elementwiseCost(const ir::Node *n) {
  /// Emits nothing; keeps the dearest op's cost.
  struct CostCounter {
    int cost = 0;
    int constant(double, DType) { return 0; }
    int op(ScalarOp o, DType, int, int = -1, int = -1) {
      cost = std::max(cost, scalarOpCost(o));
      return 0;
    }
    int draw(int, int, int, uint32_t) {
      cost = std::max(cost, scalarOpCost(ScalarOp::DropoutDraw));
      return 0;
    }
    int fail() { return 0; }
  } counter;
  const int args[3] = {0, 0, 0};
  lowerElementwise(n, args, counter, 0);
  return counter.cost;
}

} // namespace voskhod::kernel
