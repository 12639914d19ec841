//===- examples/cpp/regression_l1.cpp - regression with the L1 loss -------===//
///
/// A 3 → 32 → 1 tanh network fitted with the mean absolute error
/// `1/n · Σ |y − gt|` (l1_loss) to y = 2·x0 − x1 + sin(3·x2) under
/// heavy-tailed noise with outliers (Datasets.h, bumpyRegression). The L1
/// loss estimates the median, so the outliers pull the fit far less than
/// they would pull a squared error. Trained with Adam on shuffled
/// mini-batches of 16 from 512 rows; the program checks the mean absolute
/// error on 256 held-out rows, whose noise alone costs about 0.15.
/// examples/regression_l1.vg is this program's `--print`, and
/// examples/data/bumpy_{train,test}.csv hold these rows for
/// `voskhod train --data`.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/Datasets.h"
#include "examples/cpp/support/ExampleLoop.h"

#include <cstdio>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

constexpr int64_t kBatch = 16, kEpochs = 30;
const Feed kFeed{.features = "x", .labels = "gt"};

void build(Graph &g) {
  Tensor x = g.input("x", f32({kBatch, 3}));
  Tensor gt = g.input("gt", f32({kBatch, 1}));
  nn::Sequential model(
      nn::Linear(g, 3, 32, {.weightInit = init::xavierUniform()}), nn::Tanh(),
      nn::Linear(g, 32, 1));
  nameParameters(model, {"w1", "b1", "w2", "b2"});
  std::vector<Tensor> layers = model.trace(x);
  layers[1].named("h");
  Tensor y = layers[2].named("y");
  Tensor loss = nn::l1Loss(y, gt).named("loss");
  g.minimize(loss, optim::Adam{.lr = 0.01});
  g.returns({y});
}

Expected<bool> train(const Graph &g) {
  rt::Dataset trainSet = bumpyRegression(512, /*seed=*/10);
  rt::Dataset testSet = bumpyRegression(256, /*seed=*/11);
  auto model = compileExample(g, /*seed=*/0);
  if (!model)
    return model.status();
  auto losses = trainEpochs(*model, trainSet, kFeed, kEpochs, /*seed=*/0);
  if (!losses)
    return losses.status();
  std::printf("loss: %.6g at step 0, %.6g at step %zu\n", losses->front(),
              losses->back(), losses->size() - 1);
  auto predictions = predict(*model, testSet, kFeed);
  if (!predictions)
    return predictions.status();
  return reportAtMost("test mean absolute error",
                      meanAbsoluteError(*predictions, testSet), 0.25);
}

} // namespace

int main(int argc, char **argv) {
  return exampleMain(argc, argv, "regression_l1", build, train);
}
