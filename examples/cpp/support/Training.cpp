//===- examples/cpp/support/Training.cpp - compile and train a built graph ===//
#include "examples/cpp/support/Training.h"

#include "compiler/codegen/llvm/CpuBackend.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/text/Printer.h"
#include "compiler/training/TrainStep.h"
#include "trainer/data/DataLoader.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>

namespace voskhod::examples {
namespace {

Status diagnosticsError(const ir::DiagnosticEngine &diags) {
  std::ostringstream os;
  diags.print(os);
  return makeError(os.str());
}

/// The forward entry's first output, the tensor predictions are read from.
const rt::TensorInfo *predictionTensor(const rt::Executable &exe) {
  for (const rt::TensorInfo &t : exe.tensors())
    if (t.forwardOutput)
      return &t;
  return nullptr;
}

Status feed(rt::Executable &exe, const rt::Batch &batch, const Feed &names,
            bool withLabels) {
  if (Status s = exe.copyIn(names.features, batch.features.data(),
                            int64_t(batch.features.size() * sizeof(float)));
      !s)
    return s;
  if (!withLabels)
    return Status::ok();
  if (!batch.classes.empty())
    return exe.copyIn(names.labels, batch.classes.data(),
                      int64_t(batch.classes.size() * sizeof(int32_t)));
  return exe.copyIn(names.labels, batch.targets.data(),
                    int64_t(batch.targets.size() * sizeof(float)));
}

int64_t batchSizeOf(const rt::Executable &exe, const std::string &input) {
  int index = exe.find(input);
  if (index < 0 || exe.tensors()[index].shape.empty())
    return 0;
  return exe.tensors()[index].shape[0];
}

} // namespace

Expected<CompiledModel> compile(const Graph &g, uint64_t seed) {
  auto forward = g.build();
  if (!forward)
    return forward.status();
  ir::DiagnosticEngine diags;
  std::unique_ptr<ir::Graph> step = training::buildTrainStep(**forward, diags);
  if (!step)
    return diagnosticsError(diags);
  if (!passes::runSimplifyPipeline(*step, diags))
    return diagnosticsError(diags);
  // The models here are tiny and train in well under a second, less than
  // LLVM takes to optimise them; a real model wants the default options.
  cpu::CpuOptions quick;
  quick.optLevel = 0;
  quick.packedGemm = false;
  auto program = kernel::lowerModel(step.get(), forward->get());
  if (!program)
    return program.status();
  auto exe = cpu::compileForCpu(*program, quick);
  if (!exe)
    return exe.status();
  (*exe)->initialize(seed);
  return CompiledModel{forward.take(), exe.take()};
}

Expected<std::vector<double>> trainSteps(rt::Executable &exe, int64_t steps) {
  std::vector<double> losses;
  for (int64_t i = 0; i < steps; ++i) {
    if (Status s = exe.step(); !s)
      return s;
    auto loss = exe.loss();
    if (!loss)
      return loss.status();
    if (!std::isfinite(*loss))
      return makeError("the loss is not finite at step " + std::to_string(i));
    losses.push_back(*loss);
  }
  return losses;
}

Expected<std::vector<double>> trainEpochs(rt::Executable &exe,
                                          const rt::Dataset &data,
                                          const Feed &names, int64_t epochs,
                                          uint64_t seed) {
  int64_t batchSize = batchSizeOf(exe, names.features);
  if (batchSize <= 0)
    return makeError("the model has no batched input '" + names.features + "'");
  rt::DataLoader loader(data, {.batchSize = batchSize, .seed = seed});
  rt::Batch batch;
  std::vector<double> losses;
  for (int64_t epoch = 0; epoch < epochs; ++epoch)
    for (int64_t i = 0; i < loader.batchesPerEpoch(); ++i) {
      loader.fill(epoch, i, batch);
      if (Status s = feed(exe, batch, names, true); !s)
        return s;
      auto loss = trainSteps(exe, 1);
      if (!loss)
        return loss.status();
      losses.push_back(loss->front());
    }
  return losses;
}

Expected<std::vector<float>>
predict(rt::Executable &exe, const rt::Dataset &data, const Feed &names) {
  const rt::TensorInfo *out = predictionTensor(exe);
  int64_t batchSize = batchSizeOf(exe, names.features);
  if (!out || batchSize <= 0 || out->type != rt::ElementType::F32)
    return makeError("the model has no f32 prediction for batched input '" +
                     names.features + "'");
  int64_t width = out->numElements() / batchSize;
  rt::DataLoader loader(data, {.batchSize = batchSize,
                               .shuffle = false,
                               .partial = rt::PartialBatch::Pad});
  rt::Batch batch;
  std::vector<float> all, rows(size_t(out->numElements()));
  for (int64_t i = 0; i < loader.batchesPerEpoch(); ++i) {
    loader.fill(0, i, batch);
    if (Status s = feed(exe, batch, names, false); !s)
      return s;
    if (Status s = exe.forward(); !s)
      return s;
    if (Status s = exe.copyOut(out->name, rows.data(), out->bytes()); !s)
      return s;
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

std::vector<double> values(const rt::Executable &exe, const std::string &name) {
  int index = exe.find(name);
  if (index < 0)
    return {};
  const rt::TensorInfo &info = exe.tensors()[index];
  std::vector<double> out(size_t(info.numElements()));
  const void *data = exe.data(name);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = info.type == rt::ElementType::F64
                 ? static_cast<const double *>(data)[i]
                 : double(static_cast<const float *>(data)[i]);
  return out;
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
    auto graph = g.build();
    if (!graph) {
      std::cerr << graph.message() << "\n";
      return 1;
    }
    ir::printGraph(**graph, std::cout);
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
