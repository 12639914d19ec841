//===- compiler/passes/Rewrite.h - what every rewriting pass needs --------===//
///
/// Small shared pieces of the rewriting passes: replacing a node while
/// keeping the user's name for its value, replacing many nodes in one sweep
/// (`Replacements`), recognising constants (a `const`
/// leaf, possibly broadcast or reshaped, with one repeated value), and
/// building a replacement node that is checked like any other.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <optional>
#include <vector>

namespace voskhod::passes {

/// Redirects every use of `from` to `to`. When `to` has no name it takes
/// `from`'s, so `%h1 = mul %t, 1` simplifies to a `%h1` the user recognises.
void replaceNode(ir::Graph &g, ir::Node *from, ir::Node *to);

/// The replacements one sweep over a graph in topological order decides,
/// applied to every use at once so that a sweep costs time linear in the
/// graph rather than a scan of the graph per replaced node. The sweep calls
/// `redirectOperands(n)` before looking at node `n`: the operands of `n` come
/// before it, so they are final by then and `n` sees the same graph it would
/// if every replacement had been made eagerly with `replaceNode`. `apply`
/// then redirects the remaining uses (later nodes, results, the loss, update
/// values); sortAndPrune drops the replaced nodes.
class Replacements {
public:
  explicit Replacements(const ir::Graph &g) : to_(g.size(), nullptr) {}

  /// `from`, a node of the graph when the sweep began, gives way to `to`;
  /// `to` takes `from`'s name when it has none, as with replaceNode.
  void replace(ir::Node *from, ir::Node *to);
  /// The node that now stands for `n` (itself when not replaced).
  ir::Node *resolve(ir::Node *n) const;
  /// Points `n`'s operands at the nodes that stand for them.
  void redirectOperands(ir::Node *n) const;
  /// Redirects every use in `g`: operands, results, the loss, update values.
  void apply(ir::Graph &g) const;
  bool empty() const { return count_ == 0; }

private:
  std::vector<ir::Node *> to_; // by Node::index() at the start of the sweep
  size_t count_ = 0;
};

/// The value of every element of `n` when it is a constant with one repeated
/// value: a `const` leaf, or a broadcast or reshape of one.
std::optional<double> splatValue(const ir::Node *n);
bool isSplat(const ir::Node *n, double value);

/// The `const` leaf `n` reads all its values from, looking through
/// broadcasts and reshapes; null when `n` is not constant.
const ir::Node *constantSource(const ir::Node *n);

/// A checked node at `loc`, or null when the builder rejects it (a rule
/// that cannot build its replacement simply does not fire).
ir::Node *buildOrNull(ir::Graph &g, ir::OpKind op,
                      std::vector<ir::Node *> operands, ir::Attrs attrs,
                      ir::SourceLoc loc);
/// A scalar constant broadcast to `type` (a plain scalar when rank 0).
ir::Node *splatConstant(ir::Graph &g, double value, const ir::TensorType &type,
                        ir::SourceLoc loc);

} // namespace voskhod::passes
