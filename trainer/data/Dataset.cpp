//===- trainer/data/Dataset.cpp - matching a data set to the model --------===//
#include "trainer/data/Dataset.h"

#include <cmath>
#include <cstdio>

namespace voskhod::rt {
namespace {

std::string formatValue(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

} // namespace

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    s += (d ? ", " : "") + std::to_string(shape[d]);
  return s + "]";
}

std::vector<int64_t> Dataset::imageShape() const {
  if (exampleShape.size() == 3)
    return exampleShape;
  if (exampleShape.size() == 2)
    return {1, exampleShape[0], exampleShape[1]};
  return {};
}

bool feedsImages(const Dataset &data, const StepSignature &signature) {
  return signature.exampleShape.size() == 3 && !data.imageShape().empty();
}

std::string Dataset::describeLabelOf(int64_t row) const {
  if (row < int64_t(sourceLines.size()))
    return labelSource + ":" + std::to_string(sourceLines[row]);
  return labelSource + ": item " + std::to_string(row);
}

Status conformToSignature(Dataset &data, const StepSignature &signature) {
  if (feedsImages(data, signature) &&
      data.imageShape() != signature.exampleShape) {
    std::vector<int64_t> batch = signature.exampleShape;
    batch.insert(batch.begin(), signature.batchSize);
    return makeError("data set '" + data.source + "' holds images of shape " +
                     formatShape(data.imageShape()) +
                     " (channels, height, width), but the model's input %" +
                     signature.featureInput + " " + formatShape(batch) +
                     " takes examples of shape " +
                     formatShape(signature.exampleShape));
  }
  if (data.numFeatures != signature.featureCount)
    return makeError("data set '" + data.source + "' has " +
                     std::to_string(data.numFeatures) +
                     " features per example, but the model's input %" +
                     signature.featureInput + " expects " +
                     std::to_string(signature.featureCount));
  int64_t rows = data.size();
  if (signature.labelKind == LabelKind::Class) {
    if (data.labelKind == LabelKind::Target) {
      if (data.targetWidth != 1)
        return makeError("data set '" + data.labelSource + "' has " +
                         std::to_string(data.targetWidth) +
                         " label columns, but the model's input %" +
                         signature.labelInput + " takes one class index");
      std::vector<int32_t> classes(rows);
      for (int64_t r = 0; r < rows; ++r) {
        double v = data.targets[r];
        if (v != std::floor(v) || std::fabs(v) > 2147483647.0)
          return makeError(data.describeLabelOf(r) + ": label " +
                           formatValue(v) + " is not a class index");
        classes[r] = int32_t(v);
      }
      data.classes = std::move(classes);
      data.targets.clear();
      data.targetWidth = 0;
      data.labelKind = LabelKind::Class;
    }
    for (int64_t r = 0; r < rows; ++r) {
      int32_t c = data.classes[r];
      if (c < 0 || c >= signature.labelWidth)
        return makeError(
            data.describeLabelOf(r) + ": label " + std::to_string(c) +
            " is outside the class range [0, " +
            std::to_string(signature.labelWidth) + ") of the model's output");
    }
    return Status::ok();
  }
  if (data.labelKind == LabelKind::Class) {
    data.targets.assign(data.classes.begin(), data.classes.end());
    data.targetWidth = 1;
    data.classes.clear();
    data.labelKind = LabelKind::Target;
  }
  if (data.targetWidth != signature.labelWidth)
    return makeError("data set '" + data.labelSource + "' has " +
                     std::to_string(data.targetWidth) +
                     " target values per example, but the model's input %" +
                     signature.labelInput + " expects " +
                     std::to_string(signature.labelWidth));
  if (signature.multiLabel)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < data.targetWidth; ++c) {
        float v = data.targets[r * data.targetWidth + c];
        if (!(v >= 0.f && v <= 1.f))
          return makeError(data.describeLabelOf(r) + ": target " +
                           formatValue(v) + " of label " + std::to_string(c) +
                           " is outside [0, 1], which the sigmoid "
                           "cross-entropy of the model takes");
      }
  return Status::ok();
}

} // namespace voskhod::rt
