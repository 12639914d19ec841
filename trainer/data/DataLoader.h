//===- trainer/data/DataLoader.h - shuffled mini-batches ------------------===//
///
/// Cuts a data set into mini-batches of the step's fixed batch size. The
/// order of an epoch is a pure function of (seed, epoch): a Fisher-Yates
/// shuffle whose draws are Philox numbers (runtime/Random.h) at counter
/// (position, epoch). A batch is therefore addressed by (epoch, index)
/// alone, which is what lets a resumed run continue with exactly the
/// batches, and so the losses, of the run it continues.
///
/// A compiled step has a static batch dimension, so the examples left over
/// at the end of an epoch either are dropped (the default for training:
/// padding would put fake rows into a mean loss the graph cannot mask) or
/// fill a last batch padded with zero rows whose mask entry is 0 (what
/// evaluation uses, so every test example counts exactly once).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "trainer/data/Dataset.h"

#include <cstdint>
#include <vector>

namespace voskhod::rt {

enum class PartialBatch { Drop, Pad };

struct LoaderOptions {
  int64_t batchSize = 1;
  uint64_t seed = 0;
  bool shuffle = true;
  PartialBatch partial = PartialBatch::Drop;
};

struct Batch {
  /// Rows in the batch, padded ones included: always the batch size.
  int64_t size = 0;
  /// Rows that hold real examples; they come first.
  int64_t valid = 0;
  /// size × numFeatures.
  std::vector<float> features;
  /// size × classesPerExample class indices (LabelKind::Class; 0 in padded
  /// rows).
  std::vector<int32_t> classes;
  /// size × targetWidth (LabelKind::Target; 0 in padded rows).
  std::vector<float> targets;
  /// 1 for a real row, 0 for padding.
  std::vector<float> mask;
  /// Data set row of each real example.
  std::vector<int64_t> rows;
};

class DataLoader {
public:
  /// `data` must outlive the loader.
  DataLoader(const Dataset &data, LoaderOptions options);

  int64_t batchesPerEpoch() const;
  const LoaderOptions &options() const { return options_; }
  const Dataset &data() const { return data_; }

  /// The order in which epoch `epoch` visits the rows.
  std::vector<int64_t> epochOrder(int64_t epoch) const;

  /// Fills `batch` with batch `index` of epoch `epoch`; reusing one Batch
  /// across calls avoids reallocating.
  void fill(int64_t epoch, int64_t index, Batch &batch);

private:
  const Dataset &data_;
  LoaderOptions options_;
  int64_t cachedEpoch_ = -1;
  std::vector<int64_t> order_;
};

} // namespace voskhod::rt
