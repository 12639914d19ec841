//===- frontend/LrSchedules.h - learning-rate schedules for minimize ------===//
///
/// One aggregate per PyTorch scheduler (torch.optim.lr_scheduler), with its
/// class name, its arguments in camelCase and its defaults, attached to
/// Graph::minimize as the `.vg` clause's `schedule` part:
///
///     g.minimize(loss, optim::AdamW{.lr = 1e-3},
///                optim::SequentialLR{
///                    .schedulers = {optim::LinearLR{.startFactor = 0.01,
///                                                   .totalIters = 20},
///                                   optim::CosineAnnealingLR{.tMax = 280}},
///                    .milestones = {20}});
///
/// Settings PyTorch requires (StepLR's step_size, ...) start as NaN or 0
/// here and are reported missing or invalid by minimize. The schedule is
/// graph structure: compiler/training/LrScheduling computes it from the
/// step counter inside the compiled step.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/LrSchedule.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace voskhod::optim {

namespace detail {
constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();
} // namespace detail

struct ConstantLR {
  double factor = 1.0 / 3;
  int64_t totalIters = 5;
};
struct StepLR {
  int64_t stepSize = 0;
  double gamma = 0.1;
};
struct MultiStepLR {
  std::vector<int64_t> milestones;
  double gamma = 0.1;
};
struct ExponentialLR {
  double gamma = detail::kUnset;
};
struct CosineAnnealingLR {
  double tMax = detail::kUnset;
  double etaMin = 0.0;
};
struct LinearLR {
  double startFactor = 1.0 / 3;
  double endFactor = 1.0;
  int64_t totalIters = 5;
};
struct OneCycleLR {
  /// The rule's lr (a run-time hyperparameter) when not given.
  std::optional<double> maxLr;
  int64_t totalSteps = 0;
  double pctStart = 0.3;
  std::string annealStrategy = "cos";
  bool cycleMomentum = true;
  double baseMomentum = 0.85;
  double maxMomentum = 0.95;
  double divFactor = 25.0;
  double finalDivFactor = 1e4;
  bool threePhase = false;
};
struct SequentialLR;

using Schedule =
    std::variant<ConstantLR, StepLR, MultiStepLR, ExponentialLR,
                 CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR>;

struct SequentialLR {
  std::vector<Schedule> schedulers;
  std::vector<int64_t> milestones;
};

/// The schedule as the IR records it (unchecked: ir::checkLrSchedule).
ir::LrSchedule toIR(const Schedule &schedule);

} // namespace voskhod::optim
