//===- tests/unit/training/TextbookOptimizers.h - update rules in loops ---===//
///
/// Every optimiser of Optimizers.def written the way the papers and the
/// PyTorch documentation state it, as plain loops over doubles, for
/// comparison with the graph ops buildTrainStep emits. Written for
/// readability, not in PyTorch's operation order: Adam here divides the
/// moments by their bias corrections, the graph divides √v by √(1−β2ᵗ), so
/// the two agree to rounding, not bitwise.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace voskhod::training::testing {

struct TextbookSettings {
  std::string optimizer;
  std::map<std::string, double> values; // every setting; booleans as 0/1
  double operator[](const std::string &name) const { return values.at(name); }
};

/// One parameter's state: its value and the optimiser's slots by PyTorch's
/// state name.
struct TextbookState {
  std::vector<double> param;
  std::map<std::string, std::vector<double>> slots;
};

/// One step with gradient `grad`; `t` is the step's 1-based number.
inline void textbookStep(const TextbookSettings &s, TextbookState &st,
                         const std::vector<double> &grad, int t) {
  auto &p = st.param;
  const size_t n = p.size();
  double lr = s["lr"], wd = s["weight_decay"];
  if (s.optimizer == "sgd") {
    auto &b = st.slots["momentum_buffer"];
    b.resize(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      double g = grad[i] + wd * p[i];
      double d = g;
      if (s["momentum"] != 0) {
        b[i] = t == 1 ? g : s["momentum"] * b[i] + (1 - s["dampening"]) * g;
        d = s["nesterov"] != 0 ? g + s["momentum"] * b[i] : b[i];
      }
      p[i] -= lr * d;
    }
    if (s["momentum"] == 0)
      st.slots.erase("momentum_buffer");
  } else if (s.optimizer == "adagrad") {
    auto &sum = st.slots["sum"];
    sum.resize(n, s["initial_accumulator_value"]);
    double clr = lr / (1 + (t - 1) * s["lr_decay"]);
    for (size_t i = 0; i < n; ++i) {
      double g = grad[i] + wd * p[i];
      sum[i] += g * g;
      p[i] -= clr * g / (std::sqrt(sum[i]) + s["eps"]);
    }
  } else if (s.optimizer == "rmsprop") {
    double rho = s["alpha"], mu = s["momentum"];
    bool centered = s["centered"] != 0;
    auto &v = st.slots["square_avg"];
    v.resize(n, 0.0);
    std::vector<double> *a = nullptr, *b = nullptr;
    if (centered)
      (a = &st.slots["grad_avg"])->resize(n, 0.0);
    if (mu > 0)
      (b = &st.slots["momentum_buffer"])->resize(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      double g = grad[i] + wd * p[i];
      v[i] = rho * v[i] + (1 - rho) * g * g;
      double var = v[i];
      if (a) {
        (*a)[i] = rho * (*a)[i] + (1 - rho) * g;
        var -= (*a)[i] * (*a)[i];
      }
      double step = g / (std::sqrt(var) + s["eps"]);
      if (b)
        step = (*b)[i] = mu * (*b)[i] + step;
      p[i] -= lr * step;
    }
  } else { // adam, adamw
    bool decoupled = s.optimizer == "adamw";
    double b1 = s["beta1"], b2 = s["beta2"];
    auto &m = st.slots["exp_avg"];
    auto &v = st.slots["exp_avg_sq"];
    m.resize(n, 0.0);
    v.resize(n, 0.0);
    std::vector<double> *vmax = nullptr;
    if (s["amsgrad"] != 0)
      (vmax = &st.slots["max_exp_avg_sq"])->resize(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      double g = grad[i];
      if (decoupled)
        p[i] *= 1 - lr * wd;
      else
        g += wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      double second = v[i];
      if (vmax)
        second = (*vmax)[i] = std::max((*vmax)[i], v[i]);
      double mHat = m[i] / (1 - std::pow(b1, t));
      double vHat = second / (1 - std::pow(b2, t));
      p[i] -= lr * mHat / (std::sqrt(vHat) + s["eps"]);
    }
  }
}

/// PyTorch's clip_grad_norm_ (the norm of every gradient together, 2 or
/// inf; scaled by max_norm / (norm + 1e-6) when that is below 1) and
/// clip_grad_value_ (clamped to [-clip_value, clip_value]), on every
/// parameter's gradient at once.
inline void textbookClip(const ir::GradClip &clip,
                         std::vector<std::vector<double>> &grads) {
  if (clip.kind == ir::GradClipKind::Value) {
    for (auto &g : grads)
      for (double &v : g)
        v = std::min(std::max(v, -clip.limit), clip.limit);
    return;
  }
  double norm = 0;
  for (const auto &g : grads)
    for (double v : g)
      norm = clip.normType == 2 ? norm + v * v : std::max(norm, std::abs(v));
  if (clip.normType == 2)
    norm = std::sqrt(norm);
  double scale = std::min(clip.limit / (norm + 1e-6), 1.0);
  for (auto &g : grads)
    for (double &v : g)
      v *= scale;
}

} // namespace voskhod::training::testing
