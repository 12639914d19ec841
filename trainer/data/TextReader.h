//===- trainer/data/TextReader.h - a character-level text data set --------===//
///
/// `text:FILE` turns one file into next-character prediction examples. The
/// vocabulary is the distinct bytes of the whole file, sorted by value, and
/// a byte's token id is its rank there, so ids are dense, 0..V-1, and the
/// same in both splits. The last `valid` fraction of the file is the
/// validation (test) split, the rest the training split. Each split is cut
/// into non-overlapping windows of N = `context` ids with stride N,
/// each with the next id of every position as its target: features
/// ids[i, i+N) and labels ids[i+1, i+N+1) for i = 0, N, 2N, ... Windows
/// never cross the split boundary (the held-out byte count is rounded
/// down); a split's tail too short for another window is dropped.
///
/// Bytes are tokens as they are: no decoding of UTF-8, no normalising of
/// line ends. Files may be gzip'd (FileBytes.h). An empty file, and a
/// split too short for one window (context + 1 bytes), are errors naming
/// the file and the split.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <cstdint>
#include <string>

namespace voskhod::rt {

/// 128 characters: a few lines of text, enough context for a small
/// character model to learn words and line structure.
inline constexpr int64_t kDefaultTextContext = 128;
inline constexpr double kDefaultTextValidation = 0.1;

struct TextOptions {
  int64_t context = kDefaultTextContext;
  /// The fraction of the file, from its end, held out; in [0, 1). 0 leaves
  /// no test split.
  double valid = kDefaultTextValidation;
};

/// The training and (when `valid` > 0) test windows of `path`. `limit` > 0
/// keeps the first `limit` windows of each split.
Expected<DataSplits> loadTextDataset(const std::string &path,
                                     const TextOptions &options,
                                     int64_t limit = 0);

} // namespace voskhod::rt
