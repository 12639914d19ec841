//===- frontend/Graph.h - building a graph from C++ -----------------------===//
///
/// The C++ door into the IR, in the spirit of XlaBuilder:
///
///     voskhod::Graph g("regression");
///     Tensor x = g.input("x", f32({8, 3}));
///     Tensor w = g.param("w", f32({3, 1}), init::xavierUniform());
///     Tensor loss = nn::mseLoss(x.matmul(w), g.input("y", f32({8, 1})));
///     g.minimize(loss, optim::Adam{.lr = 0.01});
///     g.returns({loss});
///     auto graph = g.build(); // Expected<std::unique_ptr<ir::Graph>>
///
/// Leaves are created here, ops through Tensor (Tensor.h). Everything goes
/// through ir/Builder.h, so the result is the graph the `.vg` parser builds
/// for the same text, and prints to text that parses back to it.
///
/// Errors are sticky: the first one (bad shape, bad name, ...) is recorded
/// with the C++ line that caused it, later calls add nothing, and build()
/// reports it as `file:line:col: error: message`. Nothing here throws or
/// aborts on user mistakes.
///
/// build() verifies and returns a copy, so a Graph may keep growing after it
/// (say, an inference graph first, then the same graph with a loss).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"
#include "frontend/CallSite.h"
#include "frontend/LrSchedules.h"
#include "frontend/Optimizers.h"
#include "frontend/Tensor.h"
#include "initialisers/Init.h"
#include "support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace voskhod {

namespace detail {
struct GraphState;
}

class Graph {
public:
  /// `name` is the graph's `@name` (`[A-Za-z_][A-Za-z0-9_.]*`).
  explicit Graph(std::string name = "main", CallSite site = {});
  ~Graph();
  // Tensors and modules refer to their Graph: it stays where it was made.
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;

  /// A value fed at every step.
  Tensor input(const std::string &name, ir::TensorType type,
               CallSite site = {});
  /// A trainable floating-point parameter, filled by `init` at start.
  Tensor param(const std::string &name, ir::TensorType type, InitSpec init,
               CallSite site = {});
  /// Non-trainable state carried between steps (optimiser slots, counters).
  Tensor state(const std::string &name, ir::TensorType type, InitSpec init,
               CallSite site = {});
  /// A constant with one value per element (row-major), or one for all.
  Tensor constant(ir::TensorType type, std::vector<double> values,
                  CallSite site = {});
  /// A rank-0 constant.
  Tensor scalar(double value, ir::DType dtype = ir::DType::F32,
                CallSite site = {});

  /// Marks the floating-point scalar `loss` for training with `optimizer`;
  /// a later call replaces an earlier one.
  void minimize(const Tensor &loss, const optim::Spec &optimizer,
                CallSite site = {});
  /// The same, with the gradients clipped before the update.
  void minimize(const Tensor &loss, const optim::Spec &optimizer,
                const optim::Clip &clip, CallSite site = {});
  /// The same, with the learning rate following `schedule` (and the
  /// gradients clipped first, in the second form).
  void minimize(const Tensor &loss, const optim::Spec &optimizer,
                const optim::Schedule &schedule, CallSite site = {});
  void minimize(const Tensor &loss, const optim::Spec &optimizer,
                const optim::Schedule &schedule, const optim::Clip &clip,
                CallSite site = {});
  /// Makes each training step one micro-batch of `steps` per update
  /// (`accumulate = steps` in .vg); call after minimize.
  void accumulateGradients(int64_t steps, CallSite site = {});
  /// What the forward (inference) entry returns; a later call replaces an
  /// earlier one.
  void returns(const std::vector<Tensor> &results, CallSite site = {});

  /// The verified graph, or the first error.
  Expected<std::unique_ptr<ir::Graph>> build(CallSite site = {}) const;

  /// Whether an error has been recorded, and which.
  bool failed() const;
  const std::optional<ir::Diagnostic> &error() const;
  /// The graph as built so far (unverified).
  const ir::Graph &irGraph() const;

private:
  Tensor leaf(Expected<ir::Node *> node, const CallSite &site);
  bool acceptName(const std::string &name, const CallSite &site);

  std::unique_ptr<detail::GraphState> state_;
};

} // namespace voskhod
