//===- trainer/PlateauScheduler.h - ReduceLROnPlateau over epochs ---------===//
///
/// PyTorch's `torch.optim.lr_scheduler.ReduceLROnPlateau` in its default
/// mode (min, relative threshold), stepped once per epoch with the
/// validation loss. A loss counts as better when it is below
/// best · (1 − threshold); after more than `patience` epochs without one the
/// learning rate becomes max(lr · factor, min_lr) — unless that changes it
/// by no more than 1e-8, PyTorch's `eps` — and `cooldown` epochs follow in
/// which bad epochs are not counted. A NaN loss is never better.
///
/// The Trainer applies the new rate through the step's run-time `lr`
/// hyperparameter, so nothing recompiles, and keeps `PlateauState` in the
/// checkpoint: a resumed run reduces on exactly the epochs the
/// uninterrupted one does. It deliberately has no `max` mode or absolute
/// threshold, which a loss does not need.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace voskhod::rt {

/// PyTorch's defaults.
struct PlateauOptions {
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  int64_t cooldown = 0;
  double minLr = 0;
};

struct PlateauState {
  double best = std::numeric_limits<double>::infinity();
  int64_t badEpochs = 0;
  int64_t cooldownLeft = 0;
  double lr = 0;

  /// As stored in a checkpoint: {best, badEpochs, cooldownLeft, lr}.
  std::vector<double> toValues() const;
  static std::optional<PlateauState> fromValues(const std::vector<double> &v);
};

/// Steps `state` with one epoch's validation loss; returns the new learning
/// rate when it changed.
std::optional<double> stepPlateau(PlateauState &state,
                                  const PlateauOptions &options, double loss);

} // namespace voskhod::rt
