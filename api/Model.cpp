//===- api/Model.cpp - a compiled model, ready to train and run -----------===//
#include "api/ModelImpl.h"

#include "compiler/driver/ExecutableRunner.h"
#include "trainer/Checkpoint.h"

#include <algorithm>
#include <cmath>

namespace voskhod {
namespace {

ir::DType dtypeOfElement(rt::ElementType type) {
  switch (type) {
  case rt::ElementType::F32:
    return ir::DType::F32;
  case rt::ElementType::F64:
    return ir::DType::F64;
  case rt::ElementType::I32:
    return ir::DType::I32;
  case rt::ElementType::I1:
    return ir::DType::I1;
  }
  return ir::DType::F32;
}

TensorSpec specOf(const rt::TensorInfo &t) {
  return {t.name, dtypeOfElement(t.type), t.shape};
}

std::string joined(const std::vector<std::string> &names) {
  std::string text;
  for (const std::string &n : names)
    text += (text.empty() ? "" : ", ") + n;
  return text.empty() ? "none" : text;
}

/// Checks `view` against tensor `t` before anything is copied.
Status checkView(const rt::TensorInfo &t, const TensorView &view,
                 const std::string &what) {
  ir::DType expected = dtypeOfElement(t.type);
  if (view.dtype != expected || view.shape != t.shape)
    return makeError(what + " '" + t.name + "' is " +
                     describeType(expected, t.shape) + ", given " +
                     describeType(view.dtype, view.shape));
  if (!view.data)
    return makeError(what + " '" + t.name + "' is given no memory");
  if (view.elements != t.numElements())
    return makeError(what + " '" + t.name + "': the view holds " +
                     std::to_string(view.elements) + " values, its shape " +
                     describeType(view.dtype, view.shape) + " needs " +
                     std::to_string(t.numElements()));
  return Status::ok();
}

/// Copies exactly the inputs `expected` names: an unknown name, a missing
/// input or a mismatched view is an error before the entry runs.
Status feed(rt::Executable &exe, const std::vector<std::string> &expected,
            const Inputs &inputs, const std::string &model, const char *entry) {
  for (const auto &[name, view] : inputs)
    if (std::find(expected.begin(), expected.end(), name) == expected.end())
      return makeError("model '" + model + "' has no input '" + name +
                       "' for " + entry + " (its inputs: " + joined(expected) +
                       ")");
  for (const std::string &name : expected) {
    auto it = inputs.find(name);
    if (it == inputs.end())
      return makeError(std::string(entry) + " of model '" + model +
                       "' needs input '" + name +
                       "' (its inputs: " + joined(expected) + ")");
    const rt::TensorInfo &t = exe.tensors()[size_t(exe.find(name))];
    VOSKHOD_RETURN_IF_ERROR(checkView(t, it->second, "input"));
    VOSKHOD_RETURN_IF_ERROR(exe.copyIn(name, it->second.data, t.bytes()));
  }
  return Status::ok();
}

Array arrayOf(const rt::Executable &exe, const rt::TensorInfo &t) {
  Array a;
  a.name = t.name;
  a.dtype = dtypeOfElement(t.type);
  a.shape = t.shape;
  const auto *data = static_cast<const uint8_t *>(exe.data(t.name));
  a.bytes.assign(data, data + t.bytes());
  return a;
}

std::vector<TensorSpec> specsOf(const rt::Executable &exe,
                                const std::vector<std::string> &names) {
  std::vector<TensorSpec> specs;
  for (const std::string &name : names)
    specs.push_back(specOf(exe.tensors()[size_t(exe.find(name))]));
  return specs;
}

} // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model &&) noexcept = default;
Model &Model::operator=(Model &&) noexcept = default;
Model::~Model() = default;

/// What a moved-from Model answers: it has no tensors and runs nothing.
static const std::string kMovedFromName;
static Status movedFrom() {
  return makeError("the model was moved from; use the Model it was moved to");
}

const std::string &Model::name() const {
  return impl_ ? impl_->name : kMovedFromName;
}
Target Model::target() const { return impl_ ? impl_->target : Target::Cpu; }

std::vector<TensorSpec> Model::inputs() const {
  if (!impl_)
    return {};
  return specsOf(*impl_->exe, impl_->stepInputs);
}

std::vector<TensorSpec> Model::forwardInputs() const {
  if (!impl_)
    return {};
  return specsOf(*impl_->exe, impl_->forwardInputs);
}

std::vector<TensorSpec> Model::parameters() const {
  if (!impl_)
    return {};
  std::vector<TensorSpec> specs;
  for (const rt::TensorInfo &t : impl_->exe->tensors())
    if (t.role == rt::TensorRole::Param)
      specs.push_back(specOf(t));
  return specs;
}

std::vector<TensorSpec> Model::outputs() const {
  if (!impl_)
    return {};
  std::vector<TensorSpec> specs;
  for (const rt::TensorInfo &t : impl_->exe->tensors())
    if (t.forwardOutput)
      specs.push_back(specOf(t));
  return specs;
}

void Model::initialize(uint64_t seed) {
  if (!impl_)
    return;
  impl_->exe->initialize(seed);
  impl_->initialized = true;
}

bool Model::initialized() const { return impl_ && impl_->initialized; }

/// Running on parameters nobody set would train on zeros, silently.
static Status requireInitialized(const Model::Impl &impl, const char *what) {
  if (impl.initialized)
    return Status::ok();
  return makeError(std::string(what) + " of model '" + impl.name +
                   "' before its parameters are set: call initialize(seed) "
                   "or load(checkpoint) first");
}

Expected<double> Model::trainStep(const Inputs &inputs) {
  if (!impl_)
    return movedFrom();
  rt::Executable &exe = *impl_->exe;
  if (!exe.hasStep())
    return makeError("model '" + impl_->name +
                     "' has no training step: its graph has no 'minimize'");
  VOSKHOD_RETURN_IF_ERROR(requireInitialized(*impl_, "trainStep"));
  VOSKHOD_RETURN_IF_ERROR(
      feed(exe, impl_->stepInputs, inputs, impl_->name, "trainStep"));
  VOSKHOD_RETURN_IF_ERROR(exe.step());
  VOSKHOD_ASSIGN_OR_RETURN(double loss, exe.loss());
  if (!std::isfinite(loss))
    return makeError("model '" + impl_->name + "': the loss is " +
                     (std::isnan(loss) ? "nan" : "infinite") +
                     " (CompileOptions::checkNumerics names the kernel that "
                     "first computes a non-finite value)");
  return loss;
}

Expected<std::vector<Array>> Model::forward(const Inputs &inputs) {
  if (!impl_)
    return movedFrom();
  rt::Executable &exe = *impl_->exe;
  if (!exe.hasForward())
    return makeError("model '" + impl_->name +
                     "' has no forward pass: its graph returns nothing");
  VOSKHOD_RETURN_IF_ERROR(requireInitialized(*impl_, "forward"));
  VOSKHOD_RETURN_IF_ERROR(
      feed(exe, impl_->forwardInputs, inputs, impl_->name, "forward"));
  VOSKHOD_RETURN_IF_ERROR(exe.forward());
  std::vector<Array> outputs;
  for (const rt::TensorInfo &t : exe.tensors())
    if (t.forwardOutput)
      outputs.push_back(arrayOf(exe, t));
  return outputs;
}

/// A parameter or optimiser slot by name.
static Expected<const rt::TensorInfo *> trainedTensor(const Model::Impl &impl,
                                                      std::string_view name) {
  int index = impl.exe->find(name);
  if (index < 0 ||
      (impl.exe->tensors()[size_t(index)].role != rt::TensorRole::Param &&
       impl.exe->tensors()[size_t(index)].role != rt::TensorRole::State))
    return makeError("model '" + impl.name + "' has no parameter '" +
                     std::string(name) + "'");
  return &impl.exe->tensors()[size_t(index)];
}

Expected<Array> Model::parameter(std::string_view name) const {
  if (!impl_)
    return movedFrom();
  VOSKHOD_ASSIGN_OR_RETURN(const rt::TensorInfo *t,
                           trainedTensor(*impl_, name));
  return arrayOf(*impl_->exe, *t);
}

std::vector<std::string> Model::hparamNames() const {
  return impl_ ? impl_->exe->hparamNames() : std::vector<std::string>{};
}

Status Model::setHparam(std::string_view name, double value) {
  if (!impl_)
    return movedFrom();
  VOSKHOD_RETURN_IF_ERROR(requireInitialized(*impl_, "setHparam"));
  return impl_->exe->setHparam(name, value);
}

Expected<double> Model::hparam(std::string_view name) const {
  if (!impl_)
    return movedFrom();
  return impl_->exe->hparam(name);
}

Expected<bool> Model::stepUpdated() const {
  if (!impl_)
    return movedFrom();
  return impl_->exe->stepUpdated();
}

Status Model::setParameter(std::string_view name, const TensorView &value) {
  if (!impl_)
    return movedFrom();
  VOSKHOD_ASSIGN_OR_RETURN(const rt::TensorInfo *t,
                           trainedTensor(*impl_, name));
  VOSKHOD_RETURN_IF_ERROR(checkView(*t, value, "parameter"));
  return impl_->exe->copyIn(t->name, value.data, t->bytes());
}

Status Model::save(const std::string &path) const {
  if (!impl_)
    return movedFrom();
  VOSKHOD_RETURN_IF_ERROR(requireInitialized(*impl_, "save"));
  // The runner's state access needs no signature: any model can be saved.
  driver::ExecutableRunner runner(*impl_->exe, {}, "");
  rt::Checkpoint checkpoint;
  for (const rt::TensorSpec &spec : runner.stateSpecs()) {
    VOSKHOD_ASSIGN_OR_RETURN(checkpoint.tensors[spec.name],
                             runner.readState(spec.name));
  }
  checkpoint.metadata["model"] = impl_->name;
  return rt::saveCheckpoint(path, checkpoint);
}

Status Model::load(const std::string &path) {
  if (!impl_)
    return movedFrom();
  VOSKHOD_ASSIGN_OR_RETURN(rt::Checkpoint checkpoint, rt::loadCheckpoint(path));
  auto model = checkpoint.metadata.find("model");
  if (model != checkpoint.metadata.end() && model->second != impl_->name)
    return makeError("checkpoint '" + path + "' is of model '" + model->second +
                     "', not '" + impl_->name + "'");
  driver::ExecutableRunner runner(*impl_->exe, {}, "");
  std::vector<rt::TensorSpec> specs = runner.stateSpecs();
  // Everything is checked before anything is written, so a checkpoint that
  // does not fit leaves the model as it was.
  VOSKHOD_RETURN_IF_ERROR(rt::verifyTensors(checkpoint, specs, path));
  for (const rt::TensorSpec &spec : specs)
    VOSKHOD_RETURN_IF_ERROR(
        runner.writeState(spec.name, checkpoint.tensors.at(spec.name)));
  impl_->initialized = true;
  return Status::ok();
}

Expected<rt::TrainReport> Model::fit(rt::DataSplits &data,
                                     rt::TrainerOptions options) {
  if (!impl_)
    return movedFrom();
  VOSKHOD_RETURN_IF_ERROR(requireInitialized(*impl_, "fit"));
  VOSKHOD_ASSIGN_OR_RETURN(rt::StepSignature signature,
                           driver::signatureOf(*impl_->graph));
  if (options.modelName.empty())
    options.modelName = impl_->name;
  driver::ExecutableRunner runner(*impl_->exe, signature,
                                  driver::predictionTensorName(*impl_->exe));
  return rt::train(runner, data, options);
}

} // namespace voskhod
