//===- compiler/driver/ExecutableRunner.h - a compiled step for the Trainer =//
///
/// Adapts a compiled rt::Executable (JIT or GPU) to the Trainer's
/// rt::StepRunner: which inputs hold features and labels, how wide the
/// predictions are, and which tensors make up the training state, all read
/// off the forward graph. The feature input is the graph's first
/// floating-point input, or, in a model with none, its first i32 input
/// other than the labels, which takes token ids; the label input is the input
/// the loss compares the predictions with (i32 class indices or float targets);
/// predictions are the graph's first returned value.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "runtime/Executable.h"
#include "trainer/Trainer.h"

#include <memory>
#include <vector>

namespace voskhod::driver {

/// The Trainer's view of a graph's inputs and outputs, or why the graph does
/// not fit the (features, labels) → loss shape the Trainer drives.
Expected<rt::StepSignature> signatureOf(const ir::Graph &forward);

class ExecutableRunner : public rt::StepRunner {
public:
  ExecutableRunner(rt::Executable &exe, rt::StepSignature signature,
                   std::string predictionName);

  rt::StepSignature signature() const override { return signature_; }
  Status setBatch(const rt::Batch &batch) override;
  Expected<double> step() override;
  Expected<std::vector<float>> predict(const rt::Batch &batch) override;
  std::vector<rt::TensorSpec> stateSpecs() const override;
  Expected<rt::TensorData> readState(const std::string &name) const override;
  Status writeState(const std::string &name,
                    const rt::TensorData &value) override;
  Status setHparam(const std::string &name, double value) override {
    return exe_.setHparam(name, value);
  }
  Expected<double> hparam(const std::string &name) const override {
    return exe_.hparam(name);
  }

private:
  Status copyFeatures(const rt::Batch &batch);

  rt::Executable &exe_;
  rt::StepSignature signature_;
  std::string predictionName_;
  /// The batch's token ids as the i32 an integer feature input holds.
  std::vector<int32_t> tokens_;
};

/// Name of the tensor holding the forward graph's first returned value.
std::string predictionTensorName(const rt::Executable &exe);

} // namespace voskhod::driver
