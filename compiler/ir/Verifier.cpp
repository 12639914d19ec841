//===- compiler/ir/Verifier.cpp - the graph's invariants ------------------===//
#include "compiler/ir/Verifier.h"

#include "compiler/ir/ShapeInference.h"
#include "support/FlatHashSet.h"

#include <span>
#include <utility>

namespace voskhod::ir {

std::string describeNode(const Node *n) {
  if (!n->name().empty())
    return "%" + n->name();
  return "'" + std::string(opName(n->op())) + "' node #" +
         std::to_string(n->index());
}

bool verify(const Graph &g, DiagnosticEngine &diags) {
  size_t before = diags.errorCount();
  // Lookups only, never iterated, so hashing cannot reach the output. The
  // views point into the nodes' names, which outlive the check.
  // Sized for every node up front so that no growth rehashes the names.
  FlatHashSet<std::string_view> names(g.size());
  // Scratch reused across nodes, so checking a node allocates nothing when
  // it is valid: the verifier runs after every pass on every node.
  std::vector<TensorType> types;
  TensorType inferred;
  Attrs attrs;
  for (size_t i = 0; i < g.size(); ++i) {
    Node *n = g.node(i);
    auto fail = [&](const std::string &msg) {
      diags.error(n->loc(), describeNode(n) + ": " + msg);
    };
    if (n->index() != int(i)) {
      fail("node index is stale (run sortAndPrune after rewriting)");
      continue;
    }
    if (!n->name().empty() && !names.insert(n->name()).second)
      fail("name is defined twice");
    bool operandsOk = true;
    for (Node *o : n->operands()) {
      if (!o || o->index() < 0 || size_t(o->index()) >= i ||
          g.node(o->index()) != o) {
        fail("operand is not an earlier node of this graph");
        operandsOk = false;
      }
    }
    if (!operandsOk)
      continue;

    if (n->hasTrait(OpTrait::Leaf)) {
      if (!n->operands().empty())
        fail("leaf has operands");
      if (!checkedElementCount(n->shape()))
        fail("type " + n->type().str() + " is not a valid tensor type");
      else if (n->is(OpKind::Const) &&
               int64_t(n->constValues().size()) != n->type().numElements())
        fail("constant has " + std::to_string(n->constValues().size()) +
             " values for type " + n->type().str());
      continue;
    }
    // Assigning into kept elements reuses their shape buffers.
    if (types.size() < n->numOperands())
      types.resize(n->numOperands());
    for (size_t k = 0; k < n->numOperands(); ++k)
      types[k] = n->operand(k)->type();
    attrs = n->attrs();
    if (Status s =
            inferTypeInto(n->op(), std::span(types.data(), n->numOperands()),
                          attrs, inferred);
        !s) {
      fail(s.message());
      continue;
    }
    if (inferred != n->type())
      fail("recorded type " + n->type().str() + " differs from inferred " +
           inferred.str());
    if (attrs != n->attrs())
      fail("attributes are not in canonical form");
  }

  auto inGraph = [&](const Node *n) {
    return n && n->index() >= 0 && size_t(n->index()) < g.size() &&
           g.node(n->index()) == n;
  };
  if (g.results().empty())
    diags.error(g.resultsLoc(), "graph @" + g.name() + " has no 'return'");
  for (Node *r : g.results())
    if (!inGraph(r))
      diags.error(g.resultsLoc(), "returned value is not in the graph");
  if (const auto &m = g.minimize()) {
    if (!inGraph(m->loss))
      diags.error(m->loc, "minimized value is not in the graph");
    else if (!m->loss->type().isScalar() || !isFloat(m->loss->dtype()))
      diags.error(m->loc, "'minimize' needs a floating-point scalar, got " +
                              m->loss->type().str());
  }
  std::vector<uint8_t> assigned(g.size(), 0); // by Node::index()
  for (const Update &u : g.updates()) {
    if (!inGraph(u.target) || !inGraph(u.value)) {
      diags.error({}, "update names a value that is not in the graph");
      continue;
    }
    if (!u.target->hasTrait(OpTrait::Stateful))
      diags.error(u.value->loc(), "update target " + describeNode(u.target) +
                                      " is not a param or state");
    else if (u.target->type() != u.value->type())
      diags.error(u.value->loc(), "update of " + describeNode(u.target) +
                                      " with " + u.value->type().str() +
                                      " (expected " + u.target->type().str() +
                                      ")");
    if (std::exchange(assigned[size_t(u.target->index())], 1))
      diags.error(u.value->loc(), describeNode(u.target) + " is updated twice");
  }
  return diags.errorCount() == before;
}

} // namespace voskhod::ir
