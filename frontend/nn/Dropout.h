//===- frontend/nn/Dropout.h - dropout as a layer -------------------------===//
///
/// PyTorch's nn.Dropout: one `dropout` node. Which mode it runs in is not
/// the module's state, as in PyTorch (`train()`/`eval()`), but the entry's:
/// the training step drops, the forward entry (inference, evaluation) does
/// not (compiler/training/ModeSpecialization.h).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Module.h"

#include <optional>

namespace voskhod::nn {

class Dropout : public Module {
public:
  /// p defaults to OpAttrs.def's (PyTorch's 0.5).
  explicit Dropout(std::optional<double> p = std::nullopt) : p_(p) {}
  Tensor forward(const Tensor &x) override;

private:
  std::optional<double> p_;
};

} // namespace voskhod::nn
