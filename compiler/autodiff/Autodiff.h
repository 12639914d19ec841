//===- compiler/autodiff/Autodiff.h - symbolic reverse-mode gradients -----===//
///
/// Appends the gradient of a scalar loss to a graph as ordinary IR nodes, so
/// the backward pass prints, verifies, simplifies and fuses like any other
/// graph. A generic driver walks the nodes between the loss and the requested
/// values in reverse topological order, asks the rule table
/// (GradientRules.h) for each node's operand gradients, and sums the
/// contributions a value receives from several users. Only nodes that both
/// lie on a path from a requested value to the loss get a gradient, so nothing
/// dead is built. Paths through non-differentiable ops (comparisons, sign,
/// one_hot, conversions to integers, integer labels) contribute nothing; an op
/// without a rule is reported at the user's line, naming the op.
///
/// It does not simplify what it builds (compiler/passes does) and it does not
/// differentiate twice: a gradient graph is differentiable again only as far
/// as every op it contains has a rule.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"
#include "support/Error.h"

#include <vector>

namespace voskhod::autodiff {

/// Gradients of the floating-point scalar `loss` with respect to each node of
/// `wrt`, in the same order, appended to `g`. A value the loss does not
/// depend on gets a zero constant of its type. On failure the errors are in
/// `diags` and the returned message repeats the first one.
Expected<std::vector<ir::Node *>>
appendGradients(ir::Graph &g, ir::Node *loss,
                const std::vector<ir::Node *> &wrt,
                ir::DiagnosticEngine &diags);

/// For `voskhod opt --autodiff`: the gradients of the minimized loss with
/// respect to every param, named `<param>.grad` and returned after the
/// graph's existing results. False, with diagnostics, when the graph has no
/// `minimize` or a gradient cannot be built.
bool addParamGradients(ir::Graph &g, ir::DiagnosticEngine &diags);

} // namespace voskhod::autodiff
