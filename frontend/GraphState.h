//===- frontend/GraphState.h - what a Graph and its Tensors share ---------===//
///
/// The IR graph under construction and its sticky first error, owned by a
/// Graph and pointed to by its Tensors. Internal to the frontend: users see
/// Graph and Tensor; the API's own layers (nn/) build through `buildOp` so they
/// obey the same error rules.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"
#include "frontend/CallSite.h"
#include "frontend/Tensor.h"

#include <initializer_list>
#include <optional>
#include <string>

namespace voskhod::detail {

struct GraphState {
  explicit GraphState(std::string name) : graph(std::move(name)) {}

  ir::Graph graph;
  std::optional<ir::Diagnostic> error;

  bool failed() const { return error.has_value(); }
  /// Records `message` unless an earlier error already is.
  void fail(const CallSite &site, std::string message);
};

struct TensorAccess {
  static GraphState *state(const Tensor &t) { return t.state_; }
  static Tensor make(GraphState *state, ir::Node *node) {
    return Tensor(state, node);
  }
};

/// Checks a user-given node name: `[A-Za-z0-9_.]+` and not taken by another
/// node than `self`. Returns the reason when it is not acceptable.
std::optional<std::string> checkName(const ir::Graph &g,
                                     const std::string &name,
                                     const ir::Node *self = nullptr);

/// Adds `op` over `operands` (broadcasting them, as the parser does) with
/// `attrs`. Records an error and returns an invalid tensor when an operand
/// is invalid, the operands belong to different graphs or the builder
/// rejects the node.
Tensor buildOp(ir::OpKind op, std::initializer_list<Tensor> operands,
               ir::Attrs attrs, const CallSite &site);
Tensor buildOp(ir::OpKind op, const std::vector<Tensor> &operands,
               ir::Attrs attrs, const CallSite &site);

/// A rank-0 constant for a number operand next to `like`, of its dtype.
Tensor scalarLike(const Tensor &like, double value, const CallSite &site);

/// Records an error on `t`'s graph (nothing when `t` belongs to none).
void fail(const Tensor &t, const CallSite &site, std::string message);

} // namespace voskhod::detail
