//===- frontend/Optimizers.h - optimiser specs for Graph::minimize --------===//
///
/// One aggregate per update rule of compiler/ir/Optimizers.def, written with
/// designated initialisers the way PyTorch takes keyword arguments:
///
///     g.minimize(loss, optim::SGD{.lr = 0.01, .momentum = 0.9,
///                                 .nesterov = true, .weightDecay = 0.05});
///
/// Fields and defaults are exactly PyTorch's (the .def file's), in
/// camelCase, with Adam's `betas` a pair as in PyTorch; a unit test holds
/// them equal. They only describe the rule: the training
/// module turns it into graph ops. Designated initialisers must follow
/// declaration order, which is the order listed here.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/Graph.h"
#include "compiler/ir/Optimizer.h"

#include <array>
#include <optional>
#include <variant>

namespace voskhod::optim {

struct SGD {
  double lr = 0.001;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  double weightDecay = 0.0;
};

struct Adagrad {
  double lr = 0.01;
  double lrDecay = 0.0;
  double weightDecay = 0.0;
  double initialAccumulatorValue = 0.0;
  double eps = 1e-10;
};

/// `alpha` is the smoothing constant. `rho` is its old name, kept as an
/// alias: when set it is the smoothing constant, and giving both (an alpha
/// other than the default) is an error.
struct RMSProp {
  double lr = 0.01;
  double alpha = 0.99;
  double eps = 1e-8;
  double weightDecay = 0.0;
  double momentum = 0.0;
  bool centered = false;
  std::optional<double> rho = std::nullopt;
};

/// `betas` as PyTorch's tuple: `.betas = {0.8, 0.95}`; the IR keeps them as
/// two settings, `beta1` and `beta2`.
struct Adam {
  double lr = 0.001;
  std::array<double, 2> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weightDecay = 0.0;
  bool amsgrad = false;
};

/// Adam with decoupled weight decay.
struct AdamW {
  double lr = 0.001;
  std::array<double, 2> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weightDecay = 0.01;
  bool amsgrad = false;
};

using Spec = std::variant<SGD, Adagrad, RMSProp, Adam, AdamW>;

/// Gradient clipping before the update, as PyTorch's clip_grad_norm_
/// (norm type 2 or infinity) and clip_grad_value_:
///
///     g.minimize(loss, optim::AdamW{}, optim::ClipGradNorm{.maxNorm = 1});
struct ClipGradNorm {
  double maxNorm = 1.0;
  double normType = 2.0;
};
struct ClipGradValue {
  double clipValue = 1.0;
};
using Clip = std::variant<ClipGradNorm, ClipGradValue>;
ir::GradClip toIR(const Clip &clip);

/// The rule as the IR records it: its kind and every setting, by the .def
/// file's snake_case names.
struct IRSpec {
  ir::OptimizerKind kind;
  ir::Attrs settings;
};
IRSpec toIR(const Spec &spec);

} // namespace voskhod::optim
