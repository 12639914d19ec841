//===- tests/unit/parser/GraphMatchers.h - structural graph equality ------===//
///
/// Compares two graphs node by node: op, type, attributes, operands (by
/// position), leaf payloads, names, and the results / minimize / update
/// clauses. Source locations are not compared: a printed and re-parsed graph
/// points at the printed text. Names of unnamed nodes may differ when
/// `ignoreUnnamed` is set, because the printer gives them numbers.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <cmath>
#include <cstring>
#include <string>

namespace voskhod::ir::test {

inline bool sameNumber(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0; // tells -0 from 0
}

inline bool sameAttrs(const Attrs &a, const Attrs &b) {
  if (a.items().size() != b.items().size())
    return false;
  for (size_t i = 0; i < a.items().size(); ++i) {
    const auto &[na, va] = a.items()[i];
    const auto &[nb, vb] = b.items()[i];
    if (na != nb || va.index() != vb.index())
      return false;
    if (auto *d = std::get_if<double>(&va)) {
      if (!sameNumber(*d, std::get<double>(vb)))
        return false;
    } else if (va != vb) {
      return false;
    }
  }
  return true;
}

/// Empty when equal, else the first difference in words.
inline std::string graphDifference(const Graph &a, const Graph &b,
                                   bool ignoreUnnamed) {
  if (a.name() != b.name())
    return "graph names differ";
  if (a.size() != b.size())
    return "node counts differ: " + std::to_string(a.size()) + " vs " +
           std::to_string(b.size());
  auto idx = [](const Node *n) { return n ? n->index() : -1; };
  for (size_t i = 0; i < a.size(); ++i) {
    const Node *x = a.node(i), *y = b.node(i);
    std::string at = "node #" + std::to_string(i) + ": ";
    if (x->op() != y->op())
      return at + "ops differ";
    if (x->type() != y->type())
      return at + "types differ: " + x->type().str() + " vs " + y->type().str();
    if (!sameAttrs(x->attrs(), y->attrs()))
      return at + "attributes differ";
    if (x->numOperands() != y->numOperands())
      return at + "operand counts differ";
    for (size_t k = 0; k < x->numOperands(); ++k)
      if (idx(x->operand(k)) != idx(y->operand(k)))
        return at + "operand " + std::to_string(k) + " differs";
    bool namesMatter = !ignoreUnnamed || !x->name().empty();
    if (namesMatter && x->name() != y->name())
      return at + "names differ: '" + x->name() + "' vs '" + y->name() + "'";
    if (x->init().kind != y->init().kind ||
        !sameNumber(x->init().a, y->init().a) ||
        !sameNumber(x->init().b, y->init().b))
      return at + "initialisers differ";
    if (x->constValues().size() != y->constValues().size())
      return at + "constant sizes differ";
    for (size_t k = 0; k < x->constValues().size(); ++k)
      if (!sameNumber(x->constValues()[k], y->constValues()[k]))
        return at + "constant value " + std::to_string(k) + " differs";
  }
  if (a.results().size() != b.results().size())
    return "result counts differ";
  for (size_t k = 0; k < a.results().size(); ++k)
    if (idx(a.results()[k]) != idx(b.results()[k]))
      return "result " + std::to_string(k) + " differs";
  if (a.minimize().has_value() != b.minimize().has_value())
    return "one graph minimizes, the other does not";
  if (a.minimize()) {
    const Minimize &m = *a.minimize(), &n = *b.minimize();
    if (idx(m.loss) != idx(n.loss) || m.optimizer != n.optimizer ||
        !sameAttrs(m.settings, n.settings))
      return "minimize clauses differ";
  }
  if (a.updates().size() != b.updates().size())
    return "update counts differ";
  for (size_t k = 0; k < a.updates().size(); ++k)
    if (idx(a.updates()[k].target) != idx(b.updates()[k].target) ||
        idx(a.updates()[k].value) != idx(b.updates()[k].value))
      return "update " + std::to_string(k) + " differs";
  return "";
}

} // namespace voskhod::ir::test
