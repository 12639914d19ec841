//===- frontend/Optimizers.h - optimiser specs for Graph::minimize --------===//
///
/// One aggregate per update rule of compiler/ir/Optimizers.def, written with
/// designated initialisers the way PyTorch takes keyword arguments:
///
///     g.minimize(loss, optim::SGD{.lr = 0.01, .momentum = 0.9,
///                                 .nesterov = true, .weightDecay = 0.05});
///
/// Fields and defaults are exactly the .def file's (PyTorch's), in camelCase;
/// a unit test holds them equal. They only describe the rule: the training
/// module turns it into graph ops. Designated initialisers must follow
/// declaration order, which is the order listed here.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/Optimizer.h"

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

/// `rho` is PyTorch's `alpha`, the smoothing constant.
struct RMSProp {
  double lr = 0.01;
  double rho = 0.99;
  double eps = 1e-8;
  double weightDecay = 0.0;
  double momentum = 0.0;
  bool centered = false;
};

struct Adam {
  double lr = 0.001;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weightDecay = 0.0;
  bool amsgrad = false;
};

/// Adam with decoupled weight decay.
struct AdamW {
  double lr = 0.001;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weightDecay = 0.01;
  bool amsgrad = false;
};

using Spec = std::variant<SGD, Adagrad, RMSProp, Adam, AdamW>;

/// The rule as the IR records it: its kind and every setting, by the .def
/// file's snake_case names.
struct IRSpec {
  ir::OptimizerKind kind;
  ir::Attrs settings;
};
IRSpec toIR(const Spec &spec);

} // namespace voskhod::optim
