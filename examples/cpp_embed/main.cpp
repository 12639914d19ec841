//===- examples/cpp_embed/main.cpp - the installed C++ API, end to end ----===//
///
/// Builds a two-layer classifier as a custom nn::Module, compiles it for the
/// CPU, trains it in-process on a CSV of 2-D points in three classes with
/// the Trainer, saves a checkpoint, loads it into a second model compiled
/// from the same graph and predicts every point with it. Exits 1 unless the
/// reloaded model predicts as the trained one does and gets at least 90% of
/// the points right (the classes overlap a little).
///
//===----------------------------------------------------------------------===//
#include <voskhod/voskhod.h>

#include <algorithm>
#include <cstdio>
#include <string>

using namespace voskhod;

constexpr int64_t kBatch = 16, kClasses = 3;

class PointClassifier : public nn::Module {
public:
  PointClassifier(Graph &g, int64_t hidden)
      : hidden_(g, 2, hidden), out_(g, hidden, kClasses) {
    registerModule("hidden", hidden_);
    registerModule("out", out_);
  }
  Tensor forward(const Tensor &x) override { return out_(hidden_(x).tanh()); }

private:
  nn::Linear hidden_, out_;
};

void build(Graph &g) {
  Tensor x = g.input("x", f32({kBatch, 2}));
  Tensor y = g.input("y", i32({kBatch}));
  PointClassifier net(g, 16);
  Tensor logits = net(x).named("logits");
  g.minimize(nn::softmaxCrossEntropy(logits, y).named("loss"),
             optim::Adam{.lr = 0.03});
  g.returns({logits});
}

/// The class each row of `data` gets, batch by batch (the last one padded).
Expected<std::vector<int>> predict(Model &model, const rt::Dataset &data) {
  std::vector<int> classes;
  for (int64_t start = 0; start < data.size(); start += kBatch) {
    std::vector<float> x(size_t(kBatch * 2), 0.0f);
    int64_t rows = std::min(kBatch, data.size() - start);
    std::copy_n(data.features.begin() + start * 2, rows * 2, x.begin());
    VOSKHOD_ASSIGN_OR_RETURN(
        std::vector<Array> out,
        model.forward({{"x", TensorView(x, {kBatch, 2})}}));
    VOSKHOD_ASSIGN_OR_RETURN(std::vector<float> logits, out[0].values<float>());
    for (int64_t r = 0; r < rows; ++r) {
      const float *row = logits.data() + r * kClasses;
      classes.push_back(int(std::max_element(row, row + kClasses) - row));
    }
  }
  return classes;
}

Status run(const std::string &csv, const std::string &checkpoint) {
  Graph g("points");
  build(g);
  VOSKHOD_ASSIGN_OR_RETURN(Model model, compile(g, {.seed = 1}));

  VOSKHOD_ASSIGN_OR_RETURN(rt::Dataset points, rt::readCsv(csv));
  rt::DataSplits data{.train = points};
  rt::TrainerOptions options;
  options.epochs = 30;
  options.standardize = false; // predict() feeds the raw features
  options.progressStyle = rt::ProgressReporter::Style::Quiet;
  VOSKHOD_ASSIGN_OR_RETURN(rt::TrainReport report, model.fit(data, options));
  std::printf("trained %lld steps, last loss %.4f\n",
              (long long)report.stepsDone, report.stepLosses.back());
  VOSKHOD_RETURN_IF_ERROR(model.save(checkpoint));

  // A second model from the same graph, its parameters from the file only.
  VOSKHOD_ASSIGN_OR_RETURN(Model reloaded, compile(g, {.initialize = false}));
  VOSKHOD_RETURN_IF_ERROR(reloaded.load(checkpoint));
  VOSKHOD_ASSIGN_OR_RETURN(std::vector<int> before, predict(model, points));
  VOSKHOD_ASSIGN_OR_RETURN(std::vector<int> after, predict(reloaded, points));
  if (before != after)
    return makeError("the reloaded model predicts differently");
  int64_t right = 0;
  for (size_t i = 0; i < after.size(); ++i)
    right += after[i] == points.classes[i];
  double accuracy = 100.0 * double(right) / double(points.size());
  std::printf("reloaded model: %.1f%% of %lld points right\n", accuracy,
              (long long)points.size());
  if (accuracy < 90)
    return makeError("accuracy below 90%");
  return Status::ok();
}

int main(int argc, char **argv) {
  std::string csv = argc > 1 ? argv[1] : EMBED_DATA;
  std::string checkpoint = argc > 2 ? argv[2] : "points.safetensors";
  if (Status s = run(csv, checkpoint); !s) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}
