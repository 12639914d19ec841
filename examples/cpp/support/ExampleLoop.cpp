//===- examples/cpp/support/ExampleLoop.cpp - the examples' training loops ===//
#include "examples/cpp/support/ExampleLoop.h"

#include "trainer/data/DataLoader.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace voskhod::examples {
namespace {

Expected<TensorSpec> inputSpec(const Model &model, const std::string &name) {
  for (const TensorSpec &spec : model.inputs())
    if (spec.name == name)
      return spec;
  return makeError("model '" + model.name() + "' has no input '" + name + "'");
}

/// The batch as the model's inputs: features, and labels when training.
Expected<Inputs> batchInputs(const Model &model, const rt::Batch &batch,
                             const Feed &names, bool withLabels) {
  Inputs inputs;
  VOSKHOD_ASSIGN_OR_RETURN(TensorSpec features,
                           inputSpec(model, names.features));
  inputs[names.features] = TensorView(batch.features, features.shape);
  if (!withLabels)
    return inputs;
  VOSKHOD_ASSIGN_OR_RETURN(TensorSpec labels, inputSpec(model, names.labels));
  inputs[names.labels] = batch.classes.empty()
                             ? TensorView(batch.targets, labels.shape)
                             : TensorView(batch.classes, labels.shape);
  return inputs;
}

std::vector<double> asDoubles(const Array &array) {
  if (auto f = array.values<float>())
    return std::vector<double>(f->begin(), f->end());
  if (auto d = array.values<double>())
    return *d;
  return {};
}

} // namespace

Expected<Model> compileExample(const Graph &g, uint64_t seed) {
  return compile(g, {.seed = seed, .optimize = false});
}

Expected<std::vector<double>> trainSteps(Model &model, int64_t steps,
                                         const Inputs &inputs) {
  std::vector<double> losses;
  for (int64_t i = 0; i < steps; ++i) {
    auto loss = model.trainStep(inputs);
    if (!loss)
      return makeError("step " + std::to_string(i) + ": " + loss.message());
    losses.push_back(*loss);
  }
  return losses;
}

Expected<std::vector<double>> trainEpochs(Model &model, const rt::Dataset &data,
                                          const Feed &names, int64_t epochs,
                                          uint64_t seed) {
  VOSKHOD_ASSIGN_OR_RETURN(TensorSpec features,
                           inputSpec(model, names.features));
  if (features.shape.empty())
    return makeError("input '" + names.features + "' has no batch dimension");
  rt::DataLoader loader(data, {.batchSize = features.shape[0], .seed = seed});
  rt::Batch batch;
  std::vector<double> losses;
  for (int64_t epoch = 0; epoch < epochs; ++epoch)
    for (int64_t i = 0; i < loader.batchesPerEpoch(); ++i) {
      loader.fill(epoch, i, batch);
      VOSKHOD_ASSIGN_OR_RETURN(Inputs inputs,
                               batchInputs(model, batch, names, true));
      VOSKHOD_ASSIGN_OR_RETURN(std::vector<double> loss,
                               trainSteps(model, 1, inputs));
      losses.push_back(loss.front());
    }
  return losses;
}

Expected<std::vector<float>> predict(Model &model, const rt::Dataset &data,
                                     const Feed &names) {
  VOSKHOD_ASSIGN_OR_RETURN(TensorSpec features,
                           inputSpec(model, names.features));
  std::vector<TensorSpec> outputs = model.outputs();
  if (features.shape.empty() || outputs.empty() ||
      outputs[0].dtype != ir::DType::F32)
    return makeError("the model has no f32 prediction for batched input '" +
                     names.features + "'");
  int64_t batchSize = features.shape[0];
  rt::DataLoader loader(data, {.batchSize = batchSize,
                               .shuffle = false,
                               .partial = rt::PartialBatch::Pad});
  rt::Batch batch;
  std::vector<float> all;
  for (int64_t i = 0; i < loader.batchesPerEpoch(); ++i) {
    loader.fill(0, i, batch);
    VOSKHOD_ASSIGN_OR_RETURN(Inputs inputs,
                             batchInputs(model, batch, names, false));
    VOSKHOD_ASSIGN_OR_RETURN(std::vector<Array> out, model.forward(inputs));
    VOSKHOD_ASSIGN_OR_RETURN(std::vector<float> rows, out[0].values<float>());
    int64_t width = int64_t(rows.size()) / batchSize;
    all.insert(all.end(), rows.begin(), rows.begin() + batch.valid * width);
  }
  return all;
}

double accuracy(const std::vector<float> &logits, const rt::Dataset &data) {
  int64_t n = data.size();
  int64_t classes = int64_t(logits.size()) / n, right = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = logits.data() + i * classes;
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (row[c] > row[best])
        best = c;
    right += best == data.classes[size_t(i)];
  }
  return double(right) / double(n);
}

double meanAbsoluteError(const std::vector<float> &predictions,
                         const rt::Dataset &data) {
  double sum = 0;
  for (size_t i = 0; i < data.targets.size(); ++i)
    sum += std::abs(double(predictions[i]) - double(data.targets[i]));
  return sum / double(data.targets.size());
}

Expected<std::vector<double>> values(const Model &model,
                                     const std::string &name) {
  VOSKHOD_ASSIGN_OR_RETURN(Array array, model.parameter(name));
  return asDoubles(array);
}

Expected<std::vector<double>> values(const std::vector<Array> &outputs,
                                     const std::string &name) {
  for (const Array &array : outputs)
    if (array.name == name)
      return asDoubles(array);
  return makeError("no output '" + name + "'");
}

bool reportAtLeast(const std::string &what, double value, double target) {
  bool met = value >= target;
  std::printf("%s: %.6g (target >= %g)%s\n", what.c_str(), value, target,
              met ? "" : " NOT REACHED");
  return met;
}

bool reportAtMost(const std::string &what, double value, double target) {
  bool met = value <= target;
  std::printf("%s: %.6g (target <= %g)%s\n", what.c_str(), value, target,
              met ? "" : " NOT REACHED");
  return met;
}

void nameParameters(nn::Module &module, const std::vector<std::string> &names) {
  std::vector<Tensor> params = module.parameters();
  for (size_t i = 0; i < params.size() && i < names.size(); ++i)
    params[i].named(names[i]);
}

int exampleMain(int argc, char **argv, const std::string &graphName,
                const std::function<void(Graph &)> &build,
                const std::function<Expected<bool>(const Graph &)> &train) {
  bool print = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--print") == 0) {
      print = true;
    } else {
      std::fprintf(stderr, "usage: %s [--print]\n", argv[0]);
      return 1;
    }
  }
  Graph g(graphName);
  build(g);
  if (print) {
    auto text = toText(g);
    if (!text) {
      std::cerr << text.message() << "\n";
      return 1;
    }
    std::cout << *text;
    return 0;
  }
  auto reached = train(g);
  if (!reached) {
    std::cerr << "error: " << reached.message() << "\n";
    return 1;
  }
  return *reached ? 0 : 1;
}

} // namespace voskhod::examples
