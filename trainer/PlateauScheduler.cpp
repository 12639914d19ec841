//===- trainer/PlateauScheduler.cpp - ReduceLROnPlateau over epochs -------===//
#include "trainer/PlateauScheduler.h"

#include <algorithm>
#include <cmath>

namespace voskhod::rt {
namespace {

/// PyTorch's `eps`: a reduction smaller than this is not applied.
constexpr double kMinimalChange = 1e-8;

} // namespace

std::vector<double> PlateauState::toValues() const {
  return {best, double(badEpochs), double(cooldownLeft), lr};
}

std::optional<PlateauState>
PlateauState::fromValues(const std::vector<double> &v) {
  auto isCount = [](double x) {
    return x >= 0 && x <= 1e15 && std::floor(x) == x;
  };
  // best may be +inf (no epoch yet) but never NaN: NaN losses are not kept.
  if (v.size() != 4 || std::isnan(v[0]) || !isCount(v[1]) || !isCount(v[2]) ||
      !(v[3] >= 0 && std::isfinite(v[3])))
    return std::nullopt;
  PlateauState s;
  s.best = v[0];
  s.badEpochs = int64_t(v[1]);
  s.cooldownLeft = int64_t(v[2]);
  s.lr = v[3];
  return s;
}

std::optional<double> stepPlateau(PlateauState &state,
                                  const PlateauOptions &options, double loss) {
  if (loss < state.best * (1 - options.threshold)) {
    state.best = loss;
    state.badEpochs = 0;
  } else {
    ++state.badEpochs;
  }
  if (state.cooldownLeft > 0) {
    --state.cooldownLeft;
    state.badEpochs = 0; // a cooldown epoch is never a bad one
  }
  if (state.badEpochs <= options.patience)
    return std::nullopt;
  state.cooldownLeft = options.cooldown;
  state.badEpochs = 0;
  double reduced = std::max(state.lr * options.factor, options.minLr);
  if (state.lr - reduced <= kMinimalChange)
    return std::nullopt;
  state.lr = reduced;
  return reduced;
}

} // namespace voskhod::rt
