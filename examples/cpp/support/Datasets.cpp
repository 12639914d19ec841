//===- examples/cpp/support/Datasets.cpp - the examples' synthetic data ---===//
#include "examples/cpp/support/Datasets.h"

#include "runtime/Random.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <numbers>

namespace voskhod::examples {
namespace {

/// Draws of one data set: each named quantity has its own stream, so adding
/// a column to a generator leaves the others' numbers as they were.
class Draws {
public:
  Draws(uint64_t seed, std::string_view dataset)
      : seed_(seed), dataset_(dataset) {}
  double normal(std::string_view what, uint64_t index) const {
    return rt::standardNormal(seed_, stream(what), index);
  }
  double uniform(std::string_view what, uint64_t index) const {
    return rt::uniform01(seed_, stream(what), index);
  }

private:
  uint64_t stream(std::string_view what) const {
    return rt::streamOf(dataset_ + "/" + std::string(what));
  }
  uint64_t seed_;
  std::string dataset_;
};

rt::Dataset emptyDataset(const std::string &source, int64_t features,
                         rt::LabelKind kind) {
  rt::Dataset d;
  d.source = d.labelSource = source;
  d.numFeatures = features;
  d.exampleShape = {features};
  d.labelKind = kind;
  if (kind == rt::LabelKind::Target)
    d.targetWidth = 1;
  return d;
}

void appendShortest(std::string &out, float v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

} // namespace

rt::Dataset blobs(int64_t n, uint64_t seed) {
  Draws draw(seed, "blobs");
  rt::Dataset d = emptyDataset("blobs", 3, rt::LabelKind::Class);
  for (int64_t i = 0; i < n; ++i) {
    int32_t label = int32_t(i % 3);
    for (int64_t j = 0; j < 3; ++j) {
      double centre = j == label ? 3.5 : 0.0;
      d.features.push_back(float(centre + draw.normal("x", i * 3 + j)));
    }
    d.classes.push_back(label);
  }
  return d;
}

rt::Dataset rings(int64_t n, uint64_t seed) {
  Draws draw(seed, "rings");
  rt::Dataset d = emptyDataset("rings", 2, rt::LabelKind::Class);
  for (int64_t i = 0; i < n; ++i) {
    int32_t label = int32_t(i % 3);
    double radius = 1.0 + label + 0.2 * draw.normal("radius", i);
    double angle = 2 * std::numbers::pi * draw.uniform("angle", i);
    d.features.push_back(float(radius * std::cos(angle)));
    d.features.push_back(float(radius * std::sin(angle)));
    d.classes.push_back(label);
  }
  return d;
}

rt::Dataset bumpyRegression(int64_t n, uint64_t seed) {
  Draws draw(seed, "bumpy");
  rt::Dataset d = emptyDataset("bumpy", 3, rt::LabelKind::Target);
  for (int64_t i = 0; i < n; ++i) {
    float x[3];
    for (int64_t j = 0; j < 3; ++j)
      x[j] = float(2 * draw.uniform("x", i * 3 + j) - 1);
    d.features.insert(d.features.end(), x, x + 3);
    // Laplace noise by inverting its distribution function.
    double u = draw.uniform("noise", i) - 0.5;
    double noise = -0.05 * std::copysign(std::log1p(-2 * std::abs(u)), u);
    if (draw.uniform("outlier", i) < 0.05) {
      double size = 1 + 2 * draw.uniform("outlier size", i);
      noise += draw.uniform("outlier sign", i) < 0.5 ? -size : size;
    }
    double y = 2.0 * x[0] - x[1] + std::sin(3.0 * x[2]) + noise;
    d.targets.push_back(float(y));
  }
  return d;
}

std::vector<float> normalMatrix(int64_t rows, int64_t columns, uint64_t seed) {
  Draws draw(seed, "normal");
  std::vector<float> out(size_t(rows * columns));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = float(draw.normal("x", i));
  return out;
}

Status writeCsv(const rt::Dataset &data,
                const std::vector<std::string> &featureNames,
                const std::string &labelName, const std::string &path) {
  std::string text;
  for (const std::string &name : featureNames)
    text += name + ",";
  text += labelName + "\n";
  for (int64_t i = 0; i < data.size(); ++i) {
    for (int64_t j = 0; j < data.numFeatures; ++j) {
      appendShortest(text, data.features[size_t(i * data.numFeatures + j)]);
      text += ",";
    }
    if (data.labelKind == rt::LabelKind::Class)
      text += std::to_string(data.classes[size_t(i)]);
    else
      appendShortest(text, data.targets[size_t(i)]);
    text += "\n";
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out)
    return makeError("cannot write '" + path + "'");
  return Status::ok();
}

std::vector<std::string> numberedNames(const std::string &prefix, int64_t n) {
  std::vector<std::string> names;
  for (int64_t i = 0; i < n; ++i)
    names.push_back(prefix + std::to_string(i));
  return names;
}

} // namespace voskhod::examples
