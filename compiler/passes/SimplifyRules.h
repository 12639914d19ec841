//===- compiler/passes/SimplifyRules.h - the algebraic rewrite rules ------===//
///
/// The AlgebraicSimplifier's rule table: each rule matches one op and
/// returns the node to use instead (of the same type), or null. A rule
/// builds nothing unless it fires, and it never fires to worse code: the
/// replacement is an existing value, or fewer or cheaper nodes.
///
/// Rules keep IEEE results exact, with two deliberate exceptions that only
/// make results more accurate or drop a sign of zero: `x + 0 → x` turns
/// −0 + 0 = +0 into −0, and a reduce_sum of a broadcast becomes one
/// multiplication instead of a sum of equal terms. `x · 0 → 0` fires only when
/// x is a constant whose values are all finite, since inf · 0 and NaN · 0 are
/// NaN; for the same reason `x − x` and `x / x` are left alone.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <span>
#include <string_view>

namespace voskhod::passes {

struct SimplifyRule {
  std::string_view name;
  ir::OpKind op;
  ir::Node *(*apply)(ir::Graph &g, ir::Node *n);
};

/// Identities of arithmetic, negation, powers, select, convert, one_hot.
std::span<const SimplifyRule> arithmeticRules();
/// Transposes, reshapes, broadcasts and reductions.
std::span<const SimplifyRule> layoutRules();

} // namespace voskhod::passes
