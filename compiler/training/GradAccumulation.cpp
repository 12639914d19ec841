//===- compiler/training/GradAccumulation.cpp - k micro-batches per update ===//
#include "compiler/training/GradAccumulation.h"

namespace voskhod::training {
using namespace ir;

GradAccumulation::GradAccumulation(UpdateMath &math, Node *micro, int64_t steps)
    : math_(math), micro_(micro), steps_(steps) {}

Node *GradAccumulation::count() {
  return math_.shared("accumulate.count",
                      [&] { return math_.add(micro_, 1.0); });
}

Node *GradAccumulation::sum(UpdateMath &m, Node *sum, Node *grad) {
  // Keyed by the sum leaf, so meanGradient and sumNext share one add.
  return m.shared("accumulate.sum." + sum->name(),
                  [&] { return m.add(sum, grad); });
}

Node *GradAccumulation::meanGradient(UpdateMath &m, Node *sumLeaf, Node *grad) {
  // Divided by k rather than multiplied by 1/k: exact division keeps the
  // mean as close as the arithmetic allows to the large batch's.
  return m.div(sum(m, sumLeaf, grad), m.constant(double(steps_)));
}

Node *GradAccumulation::sumNext(UpdateMath &m, Node *sumLeaf, Node *grad) {
  return onUpdate(m, m.constant(0), sum(m, sumLeaf, grad));
}

Node *GradAccumulation::onUpdate(UpdateMath &m, Node *next, Node *current) {
  // The count is an integer in f32, so comparing with k − ½ is exact.
  Node *ends = math_.shared("accumulate.ends", [&] {
    return math_.greater(count(), math_.constant(double(steps_) - 0.5));
  });
  return m.where(ends, next, current);
}

Node *GradAccumulation::microNext() {
  return onUpdate(math_, math_.constant(0), count());
}

} // namespace voskhod::training
