//===- trainer/data/Dataset.h - examples as float rows plus labels --------===//
///
/// A data set in memory: one float row of features per example and either
/// int32 class indices or a row of float targets per example. Features are
/// real values (pixels, CSV cells) or token ids (text, TextReader.h); ids
/// are small whole numbers, exact in a float, and reach an i32 model input
/// as integers. Each row remembers where it came from (a CSV line or an IDX
/// item) so that a bad label found later, when the data set is matched
/// against the model, is still reported at its place in the user's file.
///
/// `conformToSignature` is that match: the feature count must equal what the
/// graph's feature input expects, an image fed to an input of rank 4
/// ([N, C, H, W]) must have exactly that (C, H, W) (a 28×28 IDX image is
/// 1×28×28; a rank-2 input takes the same pixels as flat rows), labels are
/// converted to the kind the label input takes (integral values become class
/// indices; class indices become float targets), class indices must lie in the
/// model's class range and the targets of a sigmoid cross-entropy in [0, 1].
/// Token ids feed only an integer input and real values only a floating-point
/// one; a text example has as many class labels (next tokens) as the label
/// input has per example, and the model's class count must cover the
/// vocabulary. It deliberately does not reshape or resample anything: a data
/// set that does not fit is an error, not a guess.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voskhod::rt {

enum class LabelKind { Class, Target };
enum class FeatureKind { Real, Token };

struct Dataset {
  /// The feature file, for messages.
  std::string source;
  /// The label file (the same as `source` for CSV).
  std::string labelSource;
  int64_t numFeatures = 0;
  /// One example's shape before flattening ({28, 28} for MNIST images,
  /// {3, 32, 32} for CIFAR-10's, {numFeatures} for a CSV row).
  std::vector<int64_t> exampleShape;
  /// size() × numFeatures, row-major.
  std::vector<float> features;
  FeatureKind featureKind = FeatureKind::Real;
  /// Token data: the byte each token id stands for, in id order, so ids
  /// map back to text. Its size is the vocabulary size.
  std::vector<uint8_t> vocabulary;
  LabelKind labelKind = LabelKind::Class;
  /// size() × classesPerExample class indices when labelKind is Class.
  std::vector<int32_t> classes;
  /// One for a classifier; one per position for next-token targets.
  int64_t classesPerExample = 1;
  /// size() × targetWidth when labelKind is Target.
  int64_t targetWidth = 0;
  std::vector<float> targets;
  /// 1-based source line of each row (CSV); empty when rows are items.
  std::vector<int64_t> sourceLines;

  int64_t size() const {
    return numFeatures > 0 ? int64_t(features.size()) / numFeatures
                           : int64_t(classes.size()) / classesPerExample;
  }
  /// "data.csv:17" or "labels.idx: item 17", where row `row`'s label lives.
  std::string describeLabelOf(int64_t row) const;
  /// {channels, height, width} when every example is an image (a rank-3
  /// example shape, or a rank-2 one as a single channel), else empty.
  std::vector<int64_t> imageShape() const;
};

/// A training split and, when the user gave one, a test split.
struct DataSplits {
  Dataset train;
  std::optional<Dataset> test;
};

/// What the model's step expects of every batch.
struct StepSignature {
  /// Graph input names, for messages (without the `%`).
  std::string featureInput = "x";
  std::string labelInput = "y";
  int64_t batchSize = 0;
  int64_t featureCount = 0;
  /// The feature input's shape without its batch dimension: {C, H, W} for
  /// an image input [N, C, H, W]; empty when unknown (taken as flat).
  std::vector<int64_t> exampleShape;
  LabelKind labelKind = LabelKind::Class;
  /// The feature input is an integer one (i32 token ids).
  bool tokenFeatures = false;
  /// The number of classes (Class) or the width of a target row (Target).
  int64_t labelWidth = 0;
  /// Class indices per example: 1 for labels [N], T for [N, T].
  int64_t labelsPerExample = 1;
  /// The width of a prediction row (logits or regression outputs).
  int64_t outputWidth = 0;
  /// The loss is a sigmoid cross-entropy: every target is a probability
  /// (0 or 1 for multi-hot labels) and predictions are one logit each.
  bool multiLabel = false;
};

/// Makes `data` fit `signature` or says, naming the file and row, why not.
Status conformToSignature(Dataset &data, const StepSignature &signature);

/// Whether `data` reaches the model as images: it has an image shape and
/// the model's feature input has rank 4 ([N, C, H, W]).
bool feedsImages(const Dataset &data, const StepSignature &signature);

/// "[1, 28, 28]", for messages.
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace voskhod::rt
