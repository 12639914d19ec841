//===- support/Hyperparameters.h - how run-time hyperparameters are named -===//
///
/// An update rule's scalar settings (lr, momentum, betas, eps, weight decay,
/// ...) are not constants of the compiled step: each is a scalar `state`
/// tensor of the step, named kHparamPrefix + the setting's name
/// (`hparam.lr`), initialised from the value the graph gives and read by
/// the update kernels. So a run can read and change them without
/// recompiling, and checkpoints keep them like any other state.
///
/// The training module (compiler/training) names the tensors and the
/// runtime (runtime/Executable.h) finds them by this prefix, which is why it
/// lives here, below both. The C runtime of AOT objects spells it again
/// (runtime/aot/AotInternal.h, VKAOT_HPARAM_PREFIX); a unit test holds the
/// two equal.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <string_view>

namespace voskhod {

inline constexpr std::string_view kHparamPrefix = "hparam.";

/// The state tensor of hyperparameter `name`.
inline std::string hparamTensorName(std::string_view name) {
  return std::string(kHparamPrefix) + std::string(name);
}

/// The hyperparameter a state tensor holds, or "" when it holds none.
inline std::string_view hparamOfTensor(std::string_view tensor) {
  if (tensor.size() <= kHparamPrefix.size() ||
      tensor.substr(0, kHparamPrefix.size()) != kHparamPrefix)
    return {};
  return tensor.substr(kHparamPrefix.size());
}

/// The f32 scalar state counting the micro-batches since the last update,
/// in a step that accumulates gradients (compiler/training/
/// GradAccumulation.h); 0 right after a step that updated. The AOT runtime
/// spells it VKAOT_MICRO_STEP.
inline constexpr std::string_view kMicroStepTensor = "step.micro";

} // namespace voskhod
