//===- compiler/autodiff/GradCheck.h - gradients against finite differences
//===//
///
/// Checks every param's symbolic gradient (built by appendGradients on a copy
/// of the graph and evaluated in the float64 interpreter) against central
/// finite differences of the minimized loss, (L(p + ε) − L(p − ε)) / 2ε, one
/// element at a time, at the given leaf values.
///
/// The relative error of one element is |a − b| / max(|a| + |b|, 1e-8): it is
/// 0 for equal values, at most 1 for values of opposite sign, and the floor
/// keeps it from blowing up where both the gradient and its estimate are
/// (near) zero, so a vanishing gradient measures its absolute error instead.
/// The checker reports numbers; deciding what tolerance passes is the
/// caller's business. It does not choose the leaf values: the driver passes
/// training::initialLeafValues (a library that links against this one).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/Graph.h"
#include "support/Error.h"

#include <string>
#include <vector>

namespace voskhod::autodiff {

struct ParamGradError {
  std::string param;
  double maxRelError = 0;
  double maxAbsError = 0;
};

/// Floor of the denominator of the relative error (see above).
constexpr double kRelErrorFloor = 1e-8;

/// |a − b| / max(|a| + |b|, kRelErrorFloor).
double relativeError(double a, double b);

/// One entry per param of `g`, in graph order. `values` holds every input,
/// param and state leaf of `g`. Fails when the graph has no `minimize`, a
/// gradient cannot be built, or evaluation fails.
Expected<std::vector<ParamGradError>>
checkGradients(const ir::Graph &g, const ir::LeafValues &values,
               double epsilon = 1e-6);

} // namespace voskhod::autodiff
