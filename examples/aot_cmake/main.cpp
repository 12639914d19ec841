//===- examples/aot_cmake/main.cpp - two AOT models in one C++ program ----===//
///
/// Trains the two models this project compiles with voskhod_add_model: a
/// small MLP classifier on four noisy clusters, and a linear regression
/// that must recover known weights. Both generated headers are included
/// into one C++ translation unit and both objects linked into one program;
/// each model's symbols carry its own prefix, so nothing clashes.
///
//===----------------------------------------------------------------------===//
#include "mlp.h"
#include "regression.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

namespace {

/// Owns a handle; the C API's create/destroy pair as a unique_ptr.
template <typename State, void (*Destroy)(State *)> struct Deleter {
  void operator()(State *s) const { Destroy(s); }
};
using Mlp = std::unique_ptr<mlp_state, Deleter<mlp_state, mlp_destroy>>;
using Regression =
    std::unique_ptr<regression_state,
                    Deleter<regression_state, regression_destroy>>;

bool trainMlp() {
  std::mt19937 gen(1);
  std::normal_distribution<float> noise(0.0f, 0.7f);
  constexpr int kFeatures = MLP_INPUT_X_DIM1, kBatch = MLP_INPUT_X_DIM0;
  Mlp model(mlp_create(3));
  std::vector<float> x(MLP_INPUT_X_SIZE);
  std::vector<int32_t> y(MLP_INPUT_Y_SIZE);
  double first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    for (int b = 0; b < kBatch; ++b) {
      int label = int(gen() % MLP_OUTPUT_LG_DIM1);
      y[b] = label;
      for (int f = 0; f < kFeatures; ++f)
        x[b * kFeatures + f] = noise(gen) + (f % 4 == label ? 1.5f : 0.0f);
    }
    double loss = mlp_train_step(model.get(), x.data(), y.data());
    (step == 0 ? first : last) = loss;
    if (step % 50 == 0)
      std::printf("mlp step %3d: loss %.5f\n", step, loss);
  }
  std::printf("mlp loss %.5f -> %.5f\n", first, last);
  return last < first / 2;
}

bool trainRegression() {
  std::mt19937 gen(2);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const float truth[REGRESSION_INPUT_X_DIM1] = {0.5f, -1.0f, 2.0f,  0.0f,
                                                1.5f, -0.5f, 0.25f, 1.0f};
  Regression model(regression_create(3));
  std::vector<float> x(REGRESSION_INPUT_X_SIZE), t(REGRESSION_INPUT_T_SIZE);
  double loss = 0;
  for (int step = 0; step < 400; ++step) {
    for (int b = 0; b < REGRESSION_INPUT_X_DIM0; ++b) {
      float sum = 0.3f;
      for (int f = 0; f < REGRESSION_INPUT_X_DIM1; ++f) {
        float v = normal(gen);
        x[b * REGRESSION_INPUT_X_DIM1 + f] = v;
        sum += truth[f] * v;
      }
      t[b] = sum;
    }
    loss = regression_train_step(model.get(), x.data(), t.data());
  }
  const voskhod_tensor_info *info = nullptr;
  auto *w =
      static_cast<const float *>(regression_param(model.get(), "w", &info));
  double error = 0;
  for (int f = 0; f < info->shape[0]; ++f)
    error = std::fmax(error, std::fabs(w[f] - truth[f]));
  std::printf("regression: final loss %.2e, largest weight error %.2e\n", loss,
              error);
  return error < 1e-2;
}

} // namespace

int main() {
  bool mlpOk = trainMlp();
  bool regressionOk = trainRegression();
  std::printf("%s\n", mlpOk && regressionOk ? "both models trained"
                                            : "training failed");
  return mlpOk && regressionOk ? 0 : 1;
}
