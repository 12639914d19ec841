//===- compiler/autodiff/Autodiff.cpp - the reverse-mode driver -----------===//
///
/// Steps: (1) mark the nodes that depend on a requested value and carry
/// floating-point values, and the nodes the loss depends on; a node gets a
/// gradient only when both hold. (2) Seed the loss with 1 and walk the graph
/// backwards from it; a node's gradient is the sum of its users'
/// contributions, all known by the time the walk reaches it because users
/// come later in topological order. (3) Ask the node's rule for the operand
/// gradients that are needed. Contributions are summed in the order the walk
/// produces them, so the output is deterministic.
///
//===----------------------------------------------------------------------===//
#include "compiler/autodiff/Autodiff.h"

#include "compiler/autodiff/GradientRules.h"
#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"
#include "support/InternalCheck.h"

#include <string>
#include <unordered_set>

namespace voskhod::autodiff {

using namespace ir;

namespace {

bool inGraph(const Graph &g, const Node *n) {
  return n && n->index() >= 0 && size_t(n->index()) < g.size() &&
         g.node(size_t(n->index())) == n;
}

Status report(DiagnosticEngine &diags, SourceLoc loc, std::string message) {
  diags.error(loc, message);
  return makeError(std::move(message));
}

/// A zero of `n`'s type: a scalar constant, broadcast when `n` is not one.
Node *zerosLike(Graph &g, const Node *n) {
  Node *zero = buildScalar(g, 0.0, n->dtype(), n->loc());
  Expected<Node *> z = broadcastTo(g, zero, n->shape(), n->loc());
  VOSKHOD_CHECK(z) << "a scalar broadcasts to any shape";
  return *z;
}

} // namespace

Expected<std::vector<Node *>>
appendGradientsWithRules(const GradRuleTable &rules, Graph &g, Node *loss,
                         const std::vector<Node *> &wrt,
                         DiagnosticEngine &diags) {
  if (!inGraph(g, loss))
    return report(diags, {},
                  "the loss to differentiate is not in graph @" + g.name());
  if (!loss->type().isScalar() || !isFloat(loss->dtype()))
    return report(diags, loss->loc(),
                  "cannot differentiate " + describeNode(loss) + " of type " +
                      loss->type().str() +
                      ": the loss must be a floating-point scalar");
  for (Node *w : wrt) {
    if (!inGraph(g, w))
      return report(diags, {},
                    "a value to differentiate with respect to is "
                    "not in graph @" +
                        g.name());
    if (!isFloat(w->dtype()))
      return report(diags, w->loc(),
                    "cannot differentiate with respect to " + describeNode(w) +
                        " of type " + w->type().str() +
                        ": only floating-point values have gradients");
  }

  const size_t count = g.size();
  std::vector<char> fromWrt(count, 0), toLoss(count, 0);
  for (Node *w : wrt)
    fromWrt[size_t(w->index())] = 1;
  for (size_t i = 0; i < count; ++i) {
    Node *n = g.node(i);
    if (!isFloat(n->dtype()))
      continue;
    for (Node *o : n->operands())
      fromWrt[i] |= fromWrt[size_t(o->index())];
  }
  const size_t lossIndex = size_t(loss->index());
  toLoss[lossIndex] = 1;
  for (size_t i = lossIndex + 1; i-- > 0;)
    if (toLoss[i])
      for (Node *o : g.node(i)->operands())
        toLoss[size_t(o->index())] = 1;
  auto active = [&](const Node *n) {
    return fromWrt[size_t(n->index())] && toLoss[size_t(n->index())];
  };

  std::vector<std::vector<Node *>> contributions(count);
  std::vector<Node *> gradient(count, nullptr);
  if (active(loss))
    contributions[lossIndex].push_back(
        buildScalar(g, 1.0, loss->dtype(), loss->loc()));

  for (size_t i = lossIndex + 1; i-- > 0;) {
    Node *n = g.node(i);
    if (contributions[i].empty())
      continue;
    GradBuilder b(g, n->loc());
    Node *sum = contributions[i].front();
    for (size_t k = 1; k < contributions[i].size(); ++k)
      sum = b.add(sum, contributions[i][k]);
    gradient[i] = sum;

    OperandMask needs(n->numOperands(), false);
    bool any = false;
    for (size_t k = 0; k < n->numOperands(); ++k)
      any |= needs[k] = active(n->operand(k));
    if (!any)
      continue;
    GradRule rule = rules.get(n->op());
    if (!rule)
      return report(diags, n->loc(),
                    "cannot differentiate through '" +
                        std::string(opName(n->op())) + "' (" + describeNode(n) +
                        "): it has no gradient rule");
    std::vector<Node *> grads = rule(b, n, sum, needs);
    if (b.failed() || grads.size() != n->numOperands())
      return report(diags, n->loc(),
                    "internal error: the gradient rule of '" +
                        std::string(opName(n->op())) + "' failed" +
                        (b.failed() ? ": " + b.status().message() : ""));
    for (size_t k = 0; k < grads.size(); ++k) {
      if (!needs[k] || !grads[k])
        continue;
      Node *operand = n->operand(k);
      if (grads[k]->type() != operand->type())
        return report(diags, n->loc(),
                      "internal error: the gradient rule of '" +
                          std::string(opName(n->op())) + "' gave " +
                          grads[k]->type().str() + " for an operand of type " +
                          operand->type().str());
      contributions[size_t(operand->index())].push_back(grads[k]);
    }
  }

  std::vector<Node *> out;
  out.reserve(wrt.size());
  for (Node *w : wrt) {
    Node *grad = gradient[size_t(w->index())];
    out.push_back(grad ? grad : zerosLike(g, w));
  }
  return out;
}

Expected<std::vector<Node *>> appendGradients(Graph &g, Node *loss,
                                              const std::vector<Node *> &wrt,
                                              DiagnosticEngine &diags) {
  return appendGradientsWithRules(gradientRules(), g, loss, wrt, diags);
}

bool addParamGradients(Graph &g, DiagnosticEngine &diags) {
  if (!g.minimize()) {
    diags.error(g.resultsLoc(), "graph @" + g.name() +
                                    " has no 'minimize': there is no loss to "
                                    "differentiate");
    return false;
  }
  std::vector<Node *> params = g.params();
  auto grads = appendGradients(g, g.minimize()->loss, params, diags);
  if (!grads)
    return false;
  // Names in use, looked up (never iterated) so that naming n gradients
  // does not scan the graph n times.
  std::unordered_set<std::string> taken;
  for (Node *n : g)
    if (!n->name().empty())
      taken.insert(n->name());
  for (size_t i = 0; i < params.size(); ++i) {
    Node *grad = (*grads)[i];
    // Two params can share one gradient node (the loss uses their sum);
    // it keeps the first name.
    if (grad->name().empty()) {
      std::string name = params[i]->name() + ".grad";
      for (int suffix = 1; taken.count(name); ++suffix)
        name = params[i]->name() + ".grad." + std::to_string(suffix);
      taken.insert(name);
      grad->setName(std::move(name));
    }
    g.results().push_back(grad);
  }
  return true;
}

} // namespace voskhod::autodiff
