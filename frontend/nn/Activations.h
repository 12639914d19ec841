//===- frontend/nn/Activations.h - activation layers ----------------------===//
///
/// Parameter-free modules over the elementwise activation ops, for use in
/// Sequential. Each is one node of the op of the same name; the alphas
/// default to those of OpAttrs.def (PyTorch's: 0.01 and 1.0).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Module.h"

#include <optional>

namespace voskhod::nn {

class ReLU : public Module {
public:
  Tensor forward(const Tensor &x) override;
};

class LeakyReLU : public Module {
public:
  explicit LeakyReLU(std::optional<double> alpha = std::nullopt)
      : alpha_(alpha) {}
  Tensor forward(const Tensor &x) override;

private:
  std::optional<double> alpha_;
};

class ELU : public Module {
public:
  explicit ELU(std::optional<double> alpha = std::nullopt) : alpha_(alpha) {}
  Tensor forward(const Tensor &x) override;

private:
  std::optional<double> alpha_;
};

class Sigmoid : public Module {
public:
  Tensor forward(const Tensor &x) override;
};

class Tanh : public Module {
public:
  Tensor forward(const Tensor &x) override;
};

class Softplus : public Module {
public:
  Tensor forward(const Tensor &x) override;
};

} // namespace voskhod::nn
