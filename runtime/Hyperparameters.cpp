//===- runtime/Hyperparameters.cpp - run-time hyperparameters -------------===//
///
/// Executable's view of the update rule's hyperparameters: scalar state
/// tensors named `hparam.<setting>` (support/Hyperparameters.h) that the
/// step reads, so setting one is writing a scalar between steps.
///
//===----------------------------------------------------------------------===//
#include "support/Hyperparameters.h"
#include "runtime/Executable.h"

#include <cmath>

namespace voskhod::rt {
namespace {

bool isHparam(const TensorInfo &t) {
  return t.role == TensorRole::State && t.numElements() == 1 &&
         (t.type == ElementType::F32 || t.type == ElementType::F64) &&
         !hparamOfTensor(t.name).empty();
}

std::string joined(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

} // namespace

std::vector<std::string> Executable::hparamNames() const {
  std::vector<std::string> names;
  for (const TensorInfo &t : tensors())
    if (isHparam(t))
      names.emplace_back(hparamOfTensor(t.name));
  return names;
}

Status Executable::setHparam(std::string_view name, double value) {
  int i = find(hparamTensorName(name));
  if (i < 0 || !isHparam(tensors()[size_t(i)]))
    return makeError(
        "no hyperparameter '" + std::string(name) +
        "' in this step (its hyperparameters: " + joined(hparamNames()) + ")");
  if (!std::isfinite(value) || value < 0)
    return makeError("hyperparameter '" + std::string(name) +
                     "' must be a finite non-negative number, got " +
                     std::to_string(value));
  void *p = data(tensors()[size_t(i)].name);
  if (tensors()[size_t(i)].type == ElementType::F32)
    *static_cast<float *>(p) = float(value);
  else
    *static_cast<double *>(p) = value;
  return hostTensorChanged(i);
}

Expected<double> Executable::hparam(std::string_view name) const {
  int i = find(hparamTensorName(name));
  if (i < 0 || !isHparam(tensors()[size_t(i)]))
    return makeError(
        "no hyperparameter '" + std::string(name) +
        "' in this step (its hyperparameters: " + joined(hparamNames()) + ")");
  const void *p = data(tensors()[size_t(i)].name);
  if (tensors()[size_t(i)].type == ElementType::F32)
    return double(*static_cast<const float *>(p));
  return *static_cast<const double *>(p);
}

Expected<bool> Executable::stepUpdated() const {
  if (find(kMicroStepTensor) < 0)
    return true;
  float micro = 0;
  if (Status s = copyOut(kMicroStepTensor, &micro, sizeof micro); !s)
    return s;
  return micro == 0.0f;
}

Status Executable::hostTensorChanged(int) { return Status::ok(); }

} // namespace voskhod::rt
