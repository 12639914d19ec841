//===- compiler/ir/Graph.h - the graph IR: nodes and graphs ---------------===//
///
/// A Graph is an SSA DAG of single-result Nodes kept in topological order: a
/// node's operands always come before it. Leaves are `input` (fed each step),
/// `param` (trainable state), `state` (optimiser slots, step counters) and
/// `const`. Besides its nodes a graph has
///   - results: what the forward (inference) entry returns;
///   - minimize: the scalar loss and the update rule asked for, if any;
///   - updates: `state' = value` assignments that a training step performs,
///     pairing a param or state leaf with the node holding its next value.
///
/// Nodes are created unchecked through `create`; `buildNode` in Builder.h is
/// the checked door (attributes validated, type inferred). Passes rewrite by
/// creating nodes, redirecting uses with `replaceAllUsesWith`, then calling
/// `sortAndPrune` to restore topological order and drop what is dead.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/LrSchedule.h"
#include "compiler/ir/Op.h"
#include "compiler/ir/Optimizer.h"
#include "compiler/ir/SourceLoc.h"
#include "compiler/ir/Type.h"
#include "initialisers/Init.h"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace voskhod::ir {

class Graph;

class Node {
public:
  OpKind op() const { return op_; }
  const OpInfo &info() const { return opInfo(op_); }
  const TensorType &type() const { return type_; }
  DType dtype() const { return type_.dtype; }
  const Shape &shape() const { return type_.shape; }
  int64_t rank() const { return type_.rank(); }

  const std::vector<Node *> &operands() const { return operands_; }
  Node *operand(size_t i) const { return operands_[i]; }
  size_t numOperands() const { return operands_.size(); }
  void setOperand(size_t i, Node *value) { operands_[i] = value; }

  const Attrs &attrs() const { return attrs_; }
  Attrs &mutableAttrs() { return attrs_; }

  /// User-visible name without the '%'; empty for unnamed intermediates.
  const std::string &name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }
  const SourceLoc &loc() const { return loc_; }
  void setLoc(SourceLoc loc) { loc_ = loc; }

  /// Position in the graph's topological order (renumbered by sortAndPrune).
  int index() const { return index_; }

  /// `param` and `state` leaves: how the runtime fills the initial value.
  const InitSpec &init() const { return init_; }
  void setInit(InitSpec init) { init_ = init; }
  /// `const` leaves: one value per element, row-major.
  const std::vector<double> &constValues() const { return constValues_; }
  void setConstValues(std::vector<double> values) {
    constValues_ = std::move(values);
  }

  bool is(OpKind kind) const { return op_ == kind; }
  bool hasTrait(uint32_t trait) const { return ir::hasTrait(op_, trait); }

private:
  friend class Graph;
  Node(OpKind op, std::vector<Node *> operands, TensorType type, Attrs attrs,
       SourceLoc loc, std::string name)
      : op_(op), type_(std::move(type)), operands_(std::move(operands)),
        attrs_(std::move(attrs)), name_(std::move(name)), loc_(loc) {}

  OpKind op_;
  TensorType type_;
  std::vector<Node *> operands_;
  Attrs attrs_;
  std::string name_;
  SourceLoc loc_;
  int index_ = -1;
  InitSpec init_;
  std::vector<double> constValues_;
};

/// Gradient clipping before the update, as PyTorch's
/// `clip_grad_norm_(params, max_norm, norm_type)` (every gradient scaled by
/// min(1, max_norm / (‖g‖ + 1e-6)), ‖g‖ the norm of all of them together)
/// and `clip_grad_value_(params, clip_value)` (each element clamped to
/// [−clip_value, clip_value]). `limit` is max_norm or clip_value.
enum class GradClipKind : uint8_t { Norm, Value };
struct GradClip {
  GradClipKind kind = GradClipKind::Norm;
  double limit = 0;
  double normType = 2; // Norm: 2 or infinity
  SourceLoc loc;
};

/// The most micro-batches one update may accumulate: the micro-step count
/// is an f32 state, exact up to 2^24.
constexpr int64_t kMaxAccumulationSteps = int64_t(1) << 24;

struct Minimize {
  Node *loss = nullptr;
  OptimizerKind optimizer = OptimizerKind::Sgd;
  Attrs settings;
  SourceLoc loc;
  std::optional<GradClip> clip;
  /// The learning rate's schedule: the update rules read its value at the
  /// step counter instead of `lr` itself.
  std::optional<LrSchedule> schedule;
  /// Gradient accumulation: `accumulate = k` makes each step one
  /// micro-batch; gradients are summed over k of them and the k-th step
  /// updates with their mean (PyTorch's recipe of dividing each
  /// micro-batch's loss by k), so k steps of batch B update as one step of
  /// batch k·B. 1 is no accumulation.
  int64_t accumulate = 1;
  SourceLoc accumulateLoc;
};

struct Update {
  Node *target = nullptr; // a param or state leaf
  Node *value = nullptr;  // its value after the step
};

class Graph {
public:
  explicit Graph(std::string name = "main") : name_(std::move(name)) {}
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;

  const std::string &name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }

  /// Appends a node without checking it; see buildNode for the checked path.
  Node *create(OpKind op, std::vector<Node *> operands, TensorType type,
               Attrs attrs = {}, SourceLoc loc = {}, std::string name = "");

  size_t size() const { return nodes_.size(); }
  Node *node(size_t i) const { return nodes_[i].get(); }
  /// Iterates nodes in topological order.
  class iterator {
  public:
    using Inner = std::vector<std::unique_ptr<Node>>::const_iterator;
    explicit iterator(Inner it) : it_(it) {}
    Node *operator*() const { return it_->get(); }
    iterator &operator++() {
      ++it_;
      return *this;
    }
    bool operator!=(const iterator &o) const { return it_ != o.it_; }
    bool operator==(const iterator &o) const { return it_ == o.it_; }

  private:
    Inner it_;
  };
  iterator begin() const { return iterator(nodes_.begin()); }
  iterator end() const { return iterator(nodes_.end()); }

  /// Leaves of one kind, in graph order.
  std::vector<Node *> leaves(OpKind kind) const;
  std::vector<Node *> inputs() const { return leaves(OpKind::Input); }
  std::vector<Node *> params() const { return leaves(OpKind::Param); }
  std::vector<Node *> states() const { return leaves(OpKind::State); }
  Node *findByName(std::string_view name) const;

  std::vector<Node *> &results() { return results_; }
  const std::vector<Node *> &results() const { return results_; }
  SourceLoc resultsLoc() const { return resultsLoc_; }
  void setResultsLoc(SourceLoc loc) { resultsLoc_ = loc; }

  std::optional<Minimize> &minimize() { return minimize_; }
  const std::optional<Minimize> &minimize() const { return minimize_; }

  std::vector<Update> &updates() { return updates_; }
  const std::vector<Update> &updates() const { return updates_; }

  /// Redirects every use of `from` (operands, results, loss, update values)
  /// to `to`. Update targets are leaves and are never redirected.
  void replaceAllUsesWith(Node *from, Node *to);

  /// Restores topological order (stable: a graph already in order keeps it)
  /// and removes nodes that no root reaches. Roots: results, the loss,
  /// update values, and every input, param and state leaf (they are the
  /// graph's interface even when unused).
  void sortAndPrune();

  /// Deep copy; `mapping`, when given, receives old node -> new node.
  std::unique_ptr<Graph>
  clone(std::unordered_map<const Node *, Node *> *mapping = nullptr) const;

  /// Users of each node, indexed by Node::index(); recomputed on each call.
  std::vector<std::vector<Node *>> computeUsers() const;

private:
  void renumber();

  std::string name_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Node *> results_;
  SourceLoc resultsLoc_;
  std::optional<Minimize> minimize_;
  std::vector<Update> updates_;
};

} // namespace voskhod::ir
