//===- compiler/ir/Builder.h - the checked way to add nodes to a graph ----===//
///
/// Both doors into the IR (the `.vg` parser and the C++ frontend) build
/// through these functions, so they produce the same graphs: attributes are
/// validated and canonicalised, result types inferred, and NumPy broadcasting
/// made explicit as `broadcast` nodes (the IR itself never broadcasts
/// implicitly). Errors are messages without a location; callers add theirs.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "support/Error.h"

namespace voskhod::ir {

/// Adds a node of a non-leaf op after checking it.
Expected<Node *> buildNode(Graph &g, OpKind op, std::vector<Node *> operands,
                           Attrs attrs = {}, SourceLoc loc = {},
                           std::string name = "");

/// Like buildNode, but first broadcasts the operands of an elementwise op to
/// their common shape (and, for select, the condition too).
Expected<Node *> buildBroadcasting(Graph &g, OpKind op,
                                   std::vector<Node *> operands,
                                   Attrs attrs = {}, SourceLoc loc = {},
                                   std::string name = "");

/// `value` itself when it already has `shape`, else a broadcast node.
Expected<Node *> broadcastTo(Graph &g, Node *value, const Shape &shape,
                             SourceLoc loc = {});

Expected<Node *> buildInput(Graph &g, TensorType type, SourceLoc loc,
                            std::string name);
Expected<Node *> buildParam(Graph &g, TensorType type, InitSpec init,
                            SourceLoc loc, std::string name);
Expected<Node *> buildState(Graph &g, TensorType type, InitSpec init,
                            SourceLoc loc, std::string name);
/// `values` has one entry per element, or exactly one to fill them all.
Expected<Node *> buildConst(Graph &g, TensorType type,
                            std::vector<double> values, SourceLoc loc = {},
                            std::string name = "");
/// A rank-0 constant.
Node *buildScalar(Graph &g, double value, DType dtype, SourceLoc loc = {});

/// Marks `loss` as the value to minimise with `optimizer`; `settings` are
/// checked against the optimiser's schema and completed with defaults.
Status setMinimize(Graph &g, Node *loss, OptimizerKind optimizer,
                   Attrs settings, SourceLoc loc = {});
/// Adds gradient clipping to the graph's `minimize` clause (which must
/// exist): a limit that is finite and not negative, and for a norm a
/// norm_type of 2 or infinity.
Status setGradClip(Graph &g, GradClip clip);
/// Sets the graph's `minimize` clause (which must exist) to accumulate the
/// gradients of `steps` micro-batches per update, 1 to
/// kMaxAccumulationSteps.
Status setGradAccumulation(Graph &g, int64_t steps, SourceLoc loc = {});

} // namespace voskhod::ir
