//===- tests/unit/trainer/LinearModel.h - a hand-made step ----*- C++ -*-===//
///
/// Softmax (or linear) regression written out by hand as a StepRunner, and
/// synthetic data for it, so the Trainer's tests need no compiler.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Random.h"
#include "trainer/Trainer.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <utility>
#include <vector>

namespace voskhod::rt::testing {

/// x·W + b trained by SGD on softmax cross-entropy (classification), mean
/// squared error (regression) or sigmoid cross-entropy (multi-label, with
/// `multiLabel` set on a regression model), in float like a compiled step.
class LinearModel : public StepRunner {
public:
  LinearModel(int64_t features, int64_t outputs, int64_t batch, bool regress,
              uint64_t initSeed)
      : f_(features), c_(outputs), b_(batch), regress_(regress),
        w_(features * outputs), bias_(outputs, 0.f) {
    for (size_t i = 0; i < w_.size(); ++i)
      w_[i] = float(0.1 * standardNormal(initSeed, 9, i));
  }

  int64_t raiseAtStep = -1;  // sends SIGINT to itself during this step
  int64_t poisonAtStep = -1; // returns NaN at this step
  float lr = 0.1f;
  bool multiLabel = false;

  StepSignature signature() const override {
    StepSignature s;
    s.batchSize = b_;
    s.featureCount = f_;
    s.labelKind = regress_ ? LabelKind::Target : LabelKind::Class;
    s.labelWidth = c_;
    s.outputWidth = c_;
    s.multiLabel = multiLabel;
    return s;
  }
  Status setBatch(const Batch &batch) override {
    batch_ = batch;
    return Status::ok();
  }
  Expected<double> step() override {
    ++step_;
    if (int64_t(step_) == raiseAtStep)
      std::raise(SIGINT);
    if (int64_t(step_) == poisonAtStep)
      return std::nan("");
    std::vector<float> out = forward(batch_);
    std::vector<float> grad(b_ * c_);
    float loss = 0;
    for (int64_t r = 0; r < b_; ++r) {
      float *o = &out[r * c_];
      if (multiLabel) {
        for (int64_t k = 0; k < c_; ++k) {
          float z = o[k], t = batch_.targets[r * c_ + k];
          loss +=
              (std::max(z, 0.f) - z * t + std::log1p(std::exp(-std::fabs(z)))) /
              float(b_ * c_);
          grad[r * c_ + k] = (1 / (1 + std::exp(-z)) - t) / float(b_ * c_);
        }
        continue;
      }
      if (regress_) {
        for (int64_t k = 0; k < c_; ++k) {
          float d = o[k] - batch_.targets[r * c_ + k];
          loss += d * d / float(b_ * c_);
          grad[r * c_ + k] = 2 * d / float(b_ * c_);
        }
        continue;
      }
      float top = *std::max_element(o, o + c_), sum = 0;
      for (int64_t k = 0; k < c_; ++k)
        sum += std::exp(o[k] - top);
      int32_t y = batch_.classes[r];
      loss += (top + std::log(sum) - o[y]) / float(b_);
      for (int64_t k = 0; k < c_; ++k)
        grad[r * c_ + k] = (std::exp(o[k] - top) / sum - (k == y)) / float(b_);
    }
    for (int64_t k = 0; k < c_; ++k) {
      float gb = 0;
      for (int64_t r = 0; r < b_; ++r)
        gb += grad[r * c_ + k];
      bias_[k] -= lr * gb;
      for (int64_t j = 0; j < f_; ++j) {
        float gw = 0;
        for (int64_t r = 0; r < b_; ++r)
          gw += batch_.features[r * f_ + j] * grad[r * c_ + k];
        w_[j * c_ + k] -= lr * gw;
      }
    }
    return double(loss);
  }
  Expected<std::vector<float>> predict(const Batch &batch) override {
    return forward(batch);
  }
  // The learning rate is a run-time hyperparameter, a state as a compiled
  // step keeps it.
  std::vector<TensorSpec> stateSpecs() const override {
    return {{"w", DType::F32, {f_, c_}},
            {"b", DType::F32, {c_}},
            {"step", DType::F32, {}},
            {"hparam.lr", DType::F32, {}}};
  }
  Expected<TensorData> readState(const std::string &name) const override {
    if (name == "w")
      return TensorData::fromF32({f_, c_}, w_);
    if (name == "b")
      return TensorData::fromF32({c_}, bias_);
    if (name == "hparam.lr")
      return TensorData::fromF32({}, {lr});
    return TensorData::fromF32({}, {step_});
  }
  Status writeState(const std::string &name, const TensorData &v) override {
    if (name == "w")
      w_ = v.toF32();
    else if (name == "b")
      bias_ = v.toF32();
    else if (name == "hparam.lr")
      lr = v.toF32()[0];
    else
      step_ = v.toF32()[0];
    return Status::ok();
  }
  Status setHparam(const std::string &name, double value) override {
    if (name != "lr")
      return makeError("no hyperparameter '" + name + "' (its: lr)");
    lr = float(value);
    lrSets.push_back({int64_t(step_), value});
    return Status::ok();
  }
  Expected<double> hparam(const std::string &name) const override {
    if (name != "lr")
      return makeError("no hyperparameter '" + name + "' (its: lr)");
    return double(lr);
  }
  /// Every setHparam("lr"): the steps done before it, and the value.
  std::vector<std::pair<int64_t, double>> lrSets;
  const std::vector<float> &weights() const { return w_; }

private:
  std::vector<float> forward(const Batch &batch) const {
    std::vector<float> out(b_ * c_);
    for (int64_t r = 0; r < b_; ++r)
      for (int64_t k = 0; k < c_; ++k) {
        float acc = bias_[k];
        for (int64_t j = 0; j < f_; ++j)
          acc += batch.features[r * f_ + j] * w_[j * c_ + k];
        out[r * c_ + k] = acc;
      }
    return out;
  }

  int64_t f_, c_, b_;
  bool regress_;
  std::vector<float> w_, bias_;
  float step_ = 0;
  Batch batch_;
};

/// Features around 3 ± 2 (so standardisation matters); the class is the
/// arg-max of a fixed random projection, the target that projection.
inline Dataset syntheticData(int64_t rows, bool regress, uint64_t seed) {
  Dataset d;
  d.source = d.labelSource = "synthetic-" + std::to_string(seed);
  d.numFeatures = 4;
  d.labelKind = regress ? LabelKind::Target : LabelKind::Class;
  d.targetWidth = regress ? 3 : 0;
  for (int64_t r = 0; r < rows; ++r) {
    double x[4], score[3] = {0, 0, 0};
    for (int j = 0; j < 4; ++j) {
      x[j] = 3 + 2 * standardNormal(seed, 1, r * 4 + j);
      d.features.push_back(float(x[j]));
      for (int k = 0; k < 3; ++k)
        score[k] += (x[j] - 3) * standardNormal(99, 2, j * 3 + k);
    }
    if (regress)
      for (int k = 0; k < 3; ++k)
        d.targets.push_back(float(score[k]));
    else
      d.classes.push_back(int32_t(std::max_element(score, score + 3) - score));
  }
  return d;
}

inline DataSplits splits(bool regress = false) {
  return {syntheticData(200, regress, 1), syntheticData(60, regress, 2)};
}

inline TrainerOptions quietOptions(int64_t epochs) {
  TrainerOptions o;
  o.epochs = epochs;
  o.seed = 5;
  o.progressStyle = ProgressReporter::Style::Quiet;
  return o;
}

} // namespace voskhod::rt::testing
