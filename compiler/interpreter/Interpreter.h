//===- compiler/interpreter/Interpreter.h - the float64 evaluator ---------===//
///
/// Evaluates any graph on the host in float64, one op at a time, with the
/// most direct loops possible. It is slow and obviously correct: every
/// backend, pass and gradient rule is tested against it. Values of every
/// dtype are held as doubles (i32 and i1 exactly); f32 values are not rounded
/// to f32 between ops.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"
#include "support/Error.h"

#include <span>
#include <unordered_map>
#include <vector>

namespace voskhod::ir {

struct HostTensor {
  TensorType type;
  std::vector<double> data; // row-major, type.numElements() values

  HostTensor() = default;
  HostTensor(TensorType t, std::vector<double> d)
      : type(std::move(t)), data(std::move(d)) {}
  explicit HostTensor(TensorType t)
      : type(std::move(t)), data(size_t(type.numElements()), 0.0) {}
};

/// Values for a graph's input, param and state leaves (looked up by node).
using LeafValues = std::unordered_map<const Node *, HostTensor>;

/// The value of every node of an evaluated graph, indexed by Node::index().
class Evaluation {
public:
  explicit Evaluation(std::vector<HostTensor> values)
      : values_(std::move(values)) {}
  const HostTensor &value(const Node *n) const { return values_[n->index()]; }
  HostTensor &value(const Node *n) { return values_[n->index()]; }

private:
  std::vector<HostTensor> values_;
};

/// Evaluates every node of `g`. Fails with a message when a leaf has no
/// value or a value of the wrong type, or when an index (a label, a one_hot
/// index) is out of range.
Expected<Evaluation> evaluate(const Graph &g, const LeafValues &leaves);

/// Like evaluate, and also reports a failure to `diags` at the source
/// location of the node that failed (the leaf without a value, the
/// softmax_cross_entropy whose label is out of range).
Expected<Evaluation> evaluate(const Graph &g, const LeafValues &leaves,
                              DiagnosticEngine &diags);

/// Evaluates a single non-leaf node on the given operand values (used by
/// constant folding).
Expected<HostTensor> evaluateNode(const Node &n,
                                  std::span<const HostTensor *const> operands);

/// The values the graph's updates assign, keyed by their target leaves; i.e.
/// the leaf values for the next step.
LeafValues nextLeafValues(const Graph &g, const Evaluation &eval,
                          const LeafValues &current);

} // namespace voskhod::ir
