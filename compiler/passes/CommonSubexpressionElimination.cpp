//===- compiler/passes/CommonSubexpressionElimination.cpp - merge duplicates //
#include "compiler/passes/CommonSubexpressionElimination.h"

#include "compiler/passes/Rewrite.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <unordered_map>

namespace voskhod::passes {

using namespace ir;

namespace {

struct NodeKey {
  OpKind op;
  std::vector<const Node *> operands;
  TensorType type;
  Attrs attrs;
  std::vector<uint64_t> constBits;

  bool operator==(const NodeKey &) const = default;
};

NodeKey keyOf(const Node *n) {
  NodeKey key{n->op(), {}, n->type(), n->attrs(), {}};
  key.operands.assign(n->operands().begin(), n->operands().end());
  if (n->hasTrait(OpTrait::Commutative))
    std::sort(
        key.operands.begin(), key.operands.end(),
        [](const Node *a, const Node *b) { return a->index() < b->index(); });
  for (double v : n->constValues())
    key.constBits.push_back(std::bit_cast<uint64_t>(v));
  return key;
}

struct NodeKeyHash {
  size_t operator()(const NodeKey &k) const {
    size_t h = std::hash<int>()(int(k.op));
    auto mix = [&h](size_t v) {
      h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    };
    for (const Node *o : k.operands)
      mix(std::hash<int>()(o->index()));
    for (int64_t d : k.type.shape)
      mix(std::hash<int64_t>()(d));
    mix(size_t(k.type.dtype));
    for (const auto &[name, value] : k.attrs.items())
      mix(std::hash<std::string>()(name + "=" + attrValueStr(value)));
    for (uint64_t bits : k.constBits)
      mix(std::hash<uint64_t>()(bits));
    return h;
  }
};

} // namespace

bool CommonSubexpressionElimination::run(Graph &g) {
  // Lookups only: the table is never iterated, so pointer hashing cannot
  // leak into the output order.
  std::unordered_map<NodeKey, Node *, NodeKeyHash> seen;
  Replacements replaced(g);
  for (size_t i = 0; i < g.size(); ++i) {
    Node *n = g.node(i);
    replaced.redirectOperands(n);
    if (n->is(OpKind::Input) || n->is(OpKind::Param) || n->is(OpKind::State))
      continue;
    auto [it, inserted] = seen.try_emplace(keyOf(n), n);
    if (!inserted)
      replaced.replace(n, it->second);
  }
  if (replaced.empty())
    return false;
  replaced.apply(g);
  g.sortAndPrune();
  return true;
}

} // namespace voskhod::passes
