//===- compiler/passes/CommonSubexpressionElimination.cpp - merge duplicates //
#include "compiler/passes/CommonSubexpressionElimination.h"

#include "compiler/passes/Rewrite.h"
#include "support/FlatHashSet.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <variant>

namespace voskhod::passes {

using namespace ir;

namespace {

// The table holds the nodes themselves and hashes and compares what they
// compute in place: copying a key (type, attributes, constant values) out of
// every node cost more than the rest of the pass. A node's operands are final
// once the sweep reaches it and stay so until the sweep ends, so a node in the
// table never changes under its hash. Operands are compared by identity and
// a commutative op's operands as a set, so they are ordered by address, which
// does not need to read the operand nodes: the hash only decides buckets (the
// node kept is always the first one seen), so it may depend on addresses.

bool byAddress(const Node *a, const Node *b) { return std::less<>()(a, b); }

/// The operands as a key sees them: in order, or sorted for a commutative op
/// so that `add %a, %b` and `add %b, %a` merge.
template <typename F> void forKeyOperands(const Node *n, F &&f) {
  const std::vector<Node *> &ops = n->operands();
  if (!n->hasTrait(OpTrait::Commutative)) {
    for (const Node *o : ops)
      f(o);
    return;
  }
  if (ops.size() == 2) { // every commutative op is binary
    auto [first, second] = std::minmax(ops[0], ops[1], byAddress);
    f(first);
    f(second);
    return;
  }
  std::vector<const Node *> sorted(ops.begin(), ops.end());
  std::sort(sorted.begin(), sorted.end(), byAddress);
  for (const Node *o : sorted)
    f(o);
}

bool sameKeyOperands(const Node *a, const Node *b) {
  if (a->numOperands() != b->numOperands())
    return false;
  if (!a->hasTrait(OpTrait::Commutative))
    return a->operands() == b->operands();
  if (a->numOperands() == 2) {
    const std::vector<Node *> &x = a->operands(), &y = b->operands();
    auto [x0, x1] = std::minmax(x[0], x[1], byAddress);
    auto [y0, y1] = std::minmax(y[0], y[1], byAddress);
    return x0 == y0 && x1 == y1;
  }
  std::vector<const Node *> left, right;
  forKeyOperands(a, [&](const Node *o) { left.push_back(o); });
  forKeyOperands(b, [&](const Node *o) { right.push_back(o); });
  return left == right;
}

/// Hashes an attribute by value (std::hash has no case for int lists).
size_t hashAttr(const AttrValue &value) {
  struct Visitor {
    size_t operator()(int64_t v) const { return std::hash<int64_t>()(v); }
    size_t operator()(double v) const { return std::hash<double>()(v); }
    size_t operator()(bool v) const { return std::hash<bool>()(v); }
    size_t operator()(DType v) const { return std::hash<int>()(int(v)); }
    size_t operator()(const std::string &v) const {
      return std::hash<std::string>()(v);
    }
    size_t operator()(const std::vector<int64_t> &v) const {
      size_t h = v.size();
      for (int64_t x : v)
        h = h * 31 + std::hash<int64_t>()(x);
      return h;
    }
  };
  return std::visit(Visitor{}, value) * 7 + value.index();
}

struct SameValue {
  bool operator()(const Node *a, const Node *b) const {
    if (a->op() != b->op() || a->type() != b->type() ||
        a->attrs() != b->attrs())
      return false;
    if (!sameKeyOperands(a, b))
      return false;
    const std::vector<double> &x = a->constValues(), &y = b->constValues();
    if (x.size() != y.size())
      return false;
    for (size_t i = 0; i < x.size(); ++i) // bit for bit: -0 and NaNs differ
      if (std::bit_cast<uint64_t>(x[i]) != std::bit_cast<uint64_t>(y[i]))
        return false;
    return true;
  }
};

struct ValueHash {
  size_t operator()(const Node *n) const {
    size_t h = std::hash<int>()(int(n->op()));
    auto mix = [&h](size_t v) {
      h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    };
    forKeyOperands(n,
                   [&](const Node *o) { mix(std::hash<const Node *>()(o)); });
    // The shape is left to the comparison: it follows from the op, operands
    // and attributes except for constants, and reading it costs a miss.
    mix(size_t(n->dtype()));
    for (const auto &[name, value] : n->attrs().items()) {
      mix(std::hash<std::string>()(name));
      mix(hashAttr(value));
    }
    for (double v : n->constValues())
      mix(std::hash<uint64_t>()(std::bit_cast<uint64_t>(v)));
    return h;
  }
};

} // namespace

bool CommonSubexpressionElimination::run(Graph &g) {
  // Lookups only: the table is never iterated, so pointer hashing cannot
  // leak into the output order.
  FlatHashSet<Node *, ValueHash, SameValue> seen(g.size());
  Replacements replaced(g);
  for (size_t i = 0; i < g.size(); ++i) {
    Node *n = g.node(i);
    replaced.redirectOperands(n);
    if (n->is(OpKind::Input) || n->is(OpKind::Param) || n->is(OpKind::State))
      continue;
    auto [kept, inserted] = seen.insert(n);
    if (!inserted)
      replaced.replace(n, kept);
  }
  if (replaced.empty())
    return false;
  replaced.apply(g);
  g.sortAndPrune();
  return true;
}

} // namespace voskhod::passes
