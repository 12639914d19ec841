//===- compiler/driver/ExecutableRunner.cpp - a compiled step for the Trainer //
#include "compiler/driver/ExecutableRunner.h"

#include <cstring>

namespace voskhod::driver {
using namespace ir;

namespace {

/// The input the first loss compares its predictions with, other than
/// `features`, and that loss; null when there is none.
std::pair<const Node *, const Node *> labelInputOf(const Graph &forward,
                                                   const Node *features) {
  std::vector<const Node *> stack{forward.minimize()->loss};
  std::vector<bool> seen(forward.size(), false);
  while (!stack.empty()) {
    const Node *n = stack.back();
    stack.pop_back();
    if (seen[n->index()])
      continue;
    seen[n->index()] = true;
    if (n->hasTrait(OpTrait::Loss)) {
      const Node *t = n->operand(1);
      while (t->is(OpKind::Convert) || t->is(OpKind::Reshape))
        t = t->operand(0);
      if (t->is(OpKind::Input) && t != features)
        return {t, n};
    }
    for (Node *o : n->operands())
      stack.push_back(o);
  }
  return {nullptr, nullptr};
}

} // namespace

Expected<rt::StepSignature> signatureOf(const Graph &forward) {
  rt::StepSignature sig;
  if (!forward.minimize())
    return makeError("the graph has no 'minimize' statement");
  const Node *features = nullptr;
  for (Node *in : forward.inputs())
    if (isFloat(in->dtype())) {
      features = in;
      break;
    }
  auto [labels, lossOp] = labelInputOf(forward, features);
  // A model without a floating-point input reads token ids: its feature
  // input is the first i32 input that is not the labels.
  if (!features)
    for (Node *in : forward.inputs())
      if (in->dtype() == DType::I32 && in != labels) {
        features = in;
        sig.tokenFeatures = true;
        break;
      }
  if (!features || features->rank() < 1)
    return makeError("training on data needs a floating-point input (or an "
                     "i32 input of token ids) with a batch dimension for the "
                     "features");
  sig.featureInput = features->name();
  sig.batchSize = features->shape()[0];
  sig.featureCount = features->type().numElements() / sig.batchSize;
  sig.exampleShape.assign(features->shape().begin() + 1,
                          features->shape().end());
  if (!labels)
    return makeError("training on data needs a loss (softmax_cross_entropy, "
                     "sigmoid_cross_entropy, mse_loss or l1_loss) whose second "
                     "operand is an input holding the labels");
  if (labels->shape().empty() || labels->shape()[0] != sig.batchSize)
    return makeError("labels %" + labels->name() + " " + labels->type().str() +
                     " do not have the batch size " +
                     std::to_string(sig.batchSize) + " of %" +
                     features->name());
  sig.labelInput = labels->name();
  if (labels->dtype() == DType::I32) {
    sig.labelKind = rt::LabelKind::Class;
    sig.labelWidth = lossOp->operand(0)->shape().back();
    sig.labelsPerExample = labels->type().numElements() / sig.batchSize;
  } else {
    sig.labelKind = rt::LabelKind::Target;
    sig.labelWidth = labels->type().numElements() / sig.batchSize;
    sig.multiLabel = lossOp->is(OpKind::SigmoidCrossEntropy);
  }
  if (forward.results().empty())
    return makeError("the graph returns nothing to predict with");
  const Node *prediction = forward.results()[0];
  if (prediction->shape().empty() || prediction->shape()[0] != sig.batchSize)
    return makeError("the first returned value " + prediction->type().str() +
                     " has no batch dimension of " +
                     std::to_string(sig.batchSize));
  sig.outputWidth = prediction->type().numElements() / sig.batchSize;
  return sig;
}

std::string predictionTensorName(const rt::Executable &exe) {
  for (const rt::TensorInfo &t : exe.tensors())
    if (t.forwardOutput)
      return t.name;
  return "";
}

ExecutableRunner::ExecutableRunner(rt::Executable &exe,
                                   rt::StepSignature signature,
                                   std::string predictionName)
    : exe_(exe), signature_(std::move(signature)),
      predictionName_(std::move(predictionName)) {}

Status ExecutableRunner::copyFeatures(const rt::Batch &batch) {
  if (signature_.tokenFeatures) {
    // Token ids are whole numbers below 2^24, exact in the batch's floats.
    tokens_.assign(batch.features.begin(), batch.features.end());
    return exe_.copyIn(signature_.featureInput, tokens_.data(),
                       int64_t(tokens_.size() * sizeof(int32_t)));
  }
  int64_t bytes = int64_t(batch.features.size() * sizeof(float));
  return exe_.copyIn(signature_.featureInput, batch.features.data(), bytes);
}

Status ExecutableRunner::setBatch(const rt::Batch &batch) {
  VOSKHOD_RETURN_IF_ERROR(copyFeatures(batch));
  if (signature_.labelKind == rt::LabelKind::Class)
    return exe_.copyIn(signature_.labelInput, batch.classes.data(),
                       int64_t(batch.classes.size() * sizeof(int32_t)));
  return exe_.copyIn(signature_.labelInput, batch.targets.data(),
                     int64_t(batch.targets.size() * sizeof(float)));
}

Expected<double> ExecutableRunner::step() {
  VOSKHOD_RETURN_IF_ERROR(exe_.step());
  return exe_.loss();
}

Expected<std::vector<float>> ExecutableRunner::predict(const rt::Batch &batch) {
  VOSKHOD_RETURN_IF_ERROR(copyFeatures(batch));
  VOSKHOD_RETURN_IF_ERROR(exe_.forward());
  std::vector<float> out(size_t(signature_.batchSize * signature_.outputWidth));
  VOSKHOD_RETURN_IF_ERROR(exe_.copyOut(predictionName_, out.data(),
                                       int64_t(out.size() * sizeof(float))));
  return out;
}

static rt::DType checkpointType(rt::ElementType t) {
  switch (t) {
  case rt::ElementType::F64:
    return rt::DType::F64;
  case rt::ElementType::I32:
  case rt::ElementType::I1:
    return rt::DType::I32;
  case rt::ElementType::F32:
    break;
  }
  return rt::DType::F32;
}

std::vector<rt::TensorSpec> ExecutableRunner::stateSpecs() const {
  std::vector<rt::TensorSpec> specs;
  for (const rt::TensorInfo &t : exe_.tensors())
    if (t.role == rt::TensorRole::Param || t.role == rt::TensorRole::State)
      specs.push_back({t.name, checkpointType(t.type), t.shape});
  return specs;
}

Expected<rt::TensorData>
ExecutableRunner::readState(const std::string &name) const {
  int index = exe_.find(name);
  if (index < 0)
    return makeError("no tensor '" + name + "' in the compiled step");
  const rt::TensorInfo &info = exe_.tensors()[index];
  if (info.type == rt::ElementType::I1)
    return makeError("tensor '" + name + "' is boolean; not checkpointable");
  rt::TensorData data;
  data.dtype = checkpointType(info.type);
  data.shape = info.shape;
  data.bytes.resize(size_t(info.bytes()));
  VOSKHOD_RETURN_IF_ERROR(exe_.copyOut(name, data.bytes.data(), info.bytes()));
  return data;
}

Status ExecutableRunner::writeState(const std::string &name,
                                    const rt::TensorData &value) {
  int index = exe_.find(name);
  if (index < 0)
    return makeError("no tensor '" + name + "' in the compiled step");
  const rt::TensorInfo &info = exe_.tensors()[index];
  if (value.dtype != checkpointType(info.type) || value.shape != info.shape)
    return makeError("checkpoint tensor '" + name +
                     "' does not match the model's type");
  return exe_.copyIn(name, value.bytes.data(), int64_t(value.bytes.size()));
}

} // namespace voskhod::driver
