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

#include <cstdint>
#include <span>
#include <string_view>

namespace voskhod::passes {

/// The nodes a rule looks at: those of one op, or of every op with the given
/// traits (so that a new reduction gets the reduction rules).
class RuleMatch {
public:
  constexpr RuleMatch(ir::OpKind op) : op_(op) {}
  static constexpr RuleMatch everyOpWith(uint32_t traits) {
    RuleMatch m(ir::OpKind{});
    m.traits_ = traits;
    return m;
  }
  bool matches(ir::OpKind kind) const {
    return traits_ ? ir::hasTrait(kind, traits_) : kind == op_;
  }

private:
  ir::OpKind op_;
  uint32_t traits_ = 0;
};

struct SimplifyRule {
  std::string_view name;
  RuleMatch match;
  ir::Node *(*apply)(ir::Graph &g, ir::Node *n);
};

/// Identities of arithmetic, negation, powers, select, convert, one_hot.
std::span<const SimplifyRule> arithmeticRules();
/// Transposes, reshapes, broadcasts and reductions.
std::span<const SimplifyRule> layoutRules();

} // namespace voskhod::passes
