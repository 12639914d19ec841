//===- compiler/ir/Verifier.h - the graph's invariants --------------------===//
///
/// Checks that a graph is well formed: operands are earlier nodes of the same
/// graph (topological order, no cycles), every non-leaf node's type and
/// attributes are what its shape rule gives, leaf types are valid, constant
/// payloads have the right size, names are unique, the graph returns
/// something, the loss is a floating-point scalar, and every update assigns a
/// value of the target's type to a param or state leaf. Each failure is
/// reported at the offending node's source location, naming the node.
///
/// It runs after parsing, after building through the API, and after every
/// pass in tests and debug builds. It changes nothing.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

namespace voskhod::ir {

/// Returns true when the graph is valid; reports every problem to `diags`.
bool verify(const Graph &g, DiagnosticEngine &diags);

/// "%name" for named nodes, "'op' node #index" otherwise.
std::string describeNode(const Node *n);

} // namespace voskhod::ir
