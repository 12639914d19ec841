//===- compiler/training/InterpreterTrainer.cpp - training in float64 -----===//
#include "compiler/training/InterpreterTrainer.h"

#include "compiler/training/Initialize.h"
#include "support/Hyperparameters.h"
#include "support/InternalCheck.h"

#include <cmath>
#include <string>

namespace voskhod::training {
using namespace ir;

BatchProvider randomBatches(const Graph &step, uint64_t seed) {
  return [&step, seed](uint64_t index) -> Expected<LeafValues> {
    return randomInputs(step, seed, index);
  };
}

InterpreterTrainer::InterpreterTrainer(const Graph &step, LeafValues state)
    : step_(step), state_(std::move(state)) {
  VOSKHOD_CHECK(!step.results().empty()) << "a training step returns its loss";
}

Expected<double> InterpreterTrainer::runStep(const LeafValues &batch) {
  LeafValues leaves = state_;
  for (const auto &[leaf, value] : batch)
    leaves.insert_or_assign(leaf, value);
  Expected<Evaluation> eval = evaluate(step_, leaves);
  if (!eval)
    return makeError("step " + std::to_string(stepsDone_) + ": " +
                     eval.message());
  const HostTensor &lossValue = eval->value(step_.results().front());
  VOSKHOD_CHECK(lossValue.data.size() == 1) << "the loss is a scalar";
  double loss = lossValue.data[0];
  LeafValues next = nextLeafValues(step_, *eval, leaves);
  // Only params and states carry over; inputs are the next batch's.
  state_.clear();
  for (auto &[leaf, value] : next)
    if (!leaf->is(OpKind::Input))
      state_.emplace(leaf, std::move(value));
  ++stepsDone_;
  return loss;
}

Expected<std::vector<double>>
InterpreterTrainer::run(uint64_t steps, const BatchProvider &batches,
                        const StepObserver &observer) {
  std::vector<double> losses;
  for (uint64_t i = 0; i < steps; ++i) {
    uint64_t index = stepsDone_;
    Expected<LeafValues> batch = batches(index);
    if (!batch)
      return makeError("step " + std::to_string(index) + ": " +
                       batch.message());
    VOSKHOD_ASSIGN_OR_RETURN(double loss, runStep(*batch));
    if (observer)
      observer(index, loss);
    if (!std::isfinite(loss))
      return makeError("step " + std::to_string(index) + ": loss is " +
                       (std::isnan(loss) ? "nan" : "infinite") + "; stopping");
    losses.push_back(loss);
  }
  return losses;
}

Expected<const Node *>
InterpreterTrainer::hparamLeaf(std::string_view name) const {
  const Node *leaf = step_.findByName(hparamTensorName(name));
  if (leaf && leaf->is(OpKind::State) && state_.count(leaf))
    return leaf;
  std::string known;
  for (const Node *n : step_)
    if (n->is(OpKind::State) && !hparamOfTensor(n->name()).empty())
      known +=
          (known.empty() ? "" : ", ") + std::string(hparamOfTensor(n->name()));
  return makeError("no hyperparameter '" + std::string(name) +
                   "' in this step (its hyperparameters: " +
                   (known.empty() ? "none" : known) + ")");
}

Status InterpreterTrainer::setHparam(std::string_view name, double value) {
  VOSKHOD_ASSIGN_OR_RETURN(const Node *leaf, hparamLeaf(name));
  if (!std::isfinite(value) || value < 0)
    return makeError("hyperparameter '" + std::string(name) +
                     "' must be a finite non-negative number, got " +
                     std::to_string(value));
  HostTensor &t = state_.at(leaf);
  t.data.assign(1, leaf->dtype() == DType::F32 ? double(float(value)) : value);
  return Status::ok();
}

Expected<double> InterpreterTrainer::hparam(std::string_view name) const {
  VOSKHOD_ASSIGN_OR_RETURN(const Node *leaf, hparamLeaf(name));
  return state_.at(leaf).data.at(0);
}

} // namespace voskhod::training
