//===- trainer/data/DataSpec.h - the --data argument ----------------------===//
///
/// One string names the data a run trains and tests on:
///
///   fashion-mnist              Debian's dataset-fashion-mnist, read from
///                              /usr/share/datasets/fashion-mnist
///   mnist:DIR                  a folder holding the four standard IDX files
///   fashion-mnist:DIR          (train-images-idx3-ubyte, train-labels-idx1-
///                              ubyte, t10k-images-idx3-ubyte, t10k-labels-
///                              idx1-ubyte, each gzip'd with .gz or not)
///   idx:TRAIN_IMAGES,TRAIN_LABELS[,TEST_IMAGES,TEST_LABELS]
///   cifar10:DIR                CIFAR-10's binary version: data_batch_1.bin
///                              … data_batch_5.bin (train) and
///                              test_batch.bin (test), gzip'd or not
///   csv:FILE[,label=COL...][,test=FILE]
///                              COL is a header name or a 0-based index
///                              (default: the last column); several
///                              label=COL options make multi-label data,
///                              one target per label in the order given;
///                              the test file has the same columns
///   text:FILE[,context=N][,valid=FRACTION]
///                              characters of one file (TextReader.h):
///                              windows of N byte-token ids (default 128)
///                              at stride N, each with the next id of every
///                              position as its labels; the last FRACTION
///                              (default 0.1, in [0, 1)) of the file is the
///                              test split
///
/// Images keep their shape: IDX images [H, W] and CIFAR-10's [3, 32, 32]
/// feed a model input [N, C, H, W] of that (C, H, W) (C = 1 for IDX), or a
/// rank-2 input [N, C*H*W] as flat rows (Dataset.h). Text feeds an
/// i32[B, N] token input and an i32[B, N] label input.
///
/// Every form also takes `,limit=N`: keep the first N examples of each
/// split, for quick runs. Paths cannot contain commas. Parsing checks only
/// the form; whether the files exist and hold good data is `loadData`'s
/// business, so the error about a file names that file.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/CsvReader.h"
#include "trainer/data/Dataset.h"
#include "trainer/data/TextReader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::rt {

/// Where Debian's dataset-fashion-mnist installs its files.
inline constexpr const char *kFashionMnistDir =
    "/usr/share/datasets/fashion-mnist";

struct DataSpec {
  enum class Format { Idx, Csv, Cifar10, Text } format = Format::Idx;
  // trainLabels is unused for CSV and text.
  std::string trainFeatures, trainLabels;
  std::string testFeatures, testLabels; // empty: no test split
  /// CIFAR-10's training files, read in order in place of trainFeatures;
  /// its testFeatures is test_batch.bin, and it has no labels files.
  std::vector<std::string> trainBatches;
  CsvOptions csv;
  TextOptions text;
  /// 0: every example.
  int64_t limit = 0;
};

Expected<DataSpec> parseDataSpec(const std::string &text);

Expected<DataSplits> loadData(const DataSpec &spec);

} // namespace voskhod::rt
