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

namespace {

/// Token ids feed an integer input and real values a floating-point one;
/// a text example must be exactly as long as the model's context.
Status checkFeatures(const Dataset &data, const StepSignature &signature) {
  bool tokens = data.featureKind == FeatureKind::Token;
  std::vector<int64_t> batch = signature.exampleShape;
  batch.insert(batch.begin(), signature.batchSize);
  std::string input =
      "the model's input %" + signature.featureInput + " " + formatShape(batch);
  if (tokens && !signature.tokenFeatures)
    return makeError("data set '" + data.source + "' holds token ids, but " +
                     input + " is floating-point; token ids feed an i32 input");
  if (!tokens && signature.tokenFeatures)
    return makeError("data set '" + data.source +
                     "' holds real-valued features, but " + input +
                     " is an integer input, which takes token ids");
  if (tokens && data.numFeatures != signature.featureCount)
    return makeError("data set '" + data.source + "' has windows of " +
                     std::to_string(data.numFeatures) +
                     " tokens (context=" + std::to_string(data.numFeatures) +
                     "), but " + input + " takes " +
                     std::to_string(signature.featureCount) + " per example");
  if (feedsImages(data, signature) &&
      data.imageShape() != signature.exampleShape)
    return makeError("data set '" + data.source + "' holds images of shape " +
                     formatShape(data.imageShape()) +
                     " (channels, height, width), but " + input +
                     " takes examples of shape " +
                     formatShape(signature.exampleShape));
  if (data.numFeatures != signature.featureCount)
    return makeError("data set '" + data.source + "' has " +
                     std::to_string(data.numFeatures) +
                     " features per example, but the model's input %" +
                     signature.featureInput + " expects " +
                     std::to_string(signature.featureCount));
  return Status::ok();
}

/// Target rows of whole numbers become class indices, as many per example
/// as the label input takes.
Status targetsToClasses(Dataset &data, const StepSignature &signature) {
  int64_t per = signature.labelsPerExample;
  if (data.targetWidth != per)
    return makeError(
        "data set '" + data.labelSource + "' has " +
        std::to_string(data.targetWidth) +
        " label columns, but the model's input %" + signature.labelInput +
        " takes " +
        (per == 1 ? std::string("one class index")
                  : std::to_string(per) + " class indices per example"));
  std::vector<int32_t> classes(data.targets.size());
  for (size_t i = 0; i < classes.size(); ++i) {
    double v = data.targets[i];
    if (v != std::floor(v) || std::fabs(v) > 2147483647.0)
      return makeError(data.describeLabelOf(int64_t(i) / per) + ": label " +
                       formatValue(v) + " is not a class index");
    classes[i] = int32_t(v);
  }
  data.classes = std::move(classes);
  data.classesPerExample = per;
  data.targets.clear();
  data.targetWidth = 0;
  data.labelKind = LabelKind::Class;
  return Status::ok();
}

Status checkClasses(const Dataset &data, const StepSignature &signature) {
  if (data.classesPerExample != signature.labelsPerExample)
    return makeError("data set '" + data.labelSource + "' has " +
                     std::to_string(data.classesPerExample) +
                     " class labels per example, but the model's input %" +
                     signature.labelInput + " takes " +
                     std::to_string(signature.labelsPerExample));
  int64_t vocabulary = int64_t(data.vocabulary.size());
  if (data.featureKind == FeatureKind::Token &&
      vocabulary > signature.labelWidth)
    return makeError("data set '" + data.source + "' has a vocabulary of " +
                     std::to_string(vocabulary) +
                     " tokens, but the model's output has only " +
                     std::to_string(signature.labelWidth) + " classes");
  for (size_t i = 0; i < data.classes.size(); ++i) {
    int32_t c = data.classes[i];
    if (c < 0 || c >= signature.labelWidth)
      return makeError(
          data.describeLabelOf(int64_t(i) / data.classesPerExample) +
          ": label " + std::to_string(c) + " is outside the class range [0, " +
          std::to_string(signature.labelWidth) + ") of the model's output");
  }
  return Status::ok();
}

} // namespace

Status conformToSignature(Dataset &data, const StepSignature &signature) {
  VOSKHOD_RETURN_IF_ERROR(checkFeatures(data, signature));
  int64_t rows = data.size();
  if (signature.labelKind == LabelKind::Class) {
    if (data.labelKind == LabelKind::Target)
      VOSKHOD_RETURN_IF_ERROR(targetsToClasses(data, signature));
    return checkClasses(data, signature);
  }
  if (data.labelKind == LabelKind::Class) {
    data.targets.assign(data.classes.begin(), data.classes.end());
    data.targetWidth = data.classesPerExample;
    data.classes.clear();
    data.classesPerExample = 1;
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
