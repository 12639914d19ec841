//===- trainer/data/Cifar10Reader.h - CIFAR-10's binary batches -----------===//
///
/// The binary version of CIFAR-10 (cifar-10-binary.tar.gz unpacked):
/// data_batch_1.bin … data_batch_5.bin hold the training split and
/// test_batch.bin the test split. Each file is a sequence of 3073-byte
/// records, one label byte (0..9) and then 3072 pixel bytes: the 32×32
/// red plane, then green, then blue, each row-major. That is an example of
/// shape [3, 32, 32], channel-major, which is how it is kept.
///
/// Every defect — a missing or empty file, a size that is not a whole
/// number of records, a label outside 0..9 — is an error naming the file
/// and, for a record, its index and byte offset. Pixel values are kept as
/// they are (0..255), as the IDX reader keeps them: scaling is the
/// standardiser's job. Files may be gzip'd (FileBytes.h).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::rt {

inline constexpr int64_t kCifar10Channels = 3;
inline constexpr int64_t kCifar10Side = 32;
inline constexpr int64_t kCifar10Pixels =
    kCifar10Channels * kCifar10Side * kCifar10Side;
inline constexpr int64_t kCifar10RecordBytes = 1 + kCifar10Pixels;
inline constexpr int kCifar10Classes = 10;

/// The training files of a CIFAR-10 folder, in order.
std::vector<std::string> cifar10TrainFiles(const std::string &dir);
/// Its test file.
std::string cifar10TestFile(const std::string &dir);

/// The records of `files`, in order, as one data set. `limit` > 0 stops
/// after that many examples, so a quick run reads only the files it needs.
Expected<Dataset> loadCifar10Dataset(const std::vector<std::string> &files,
                                     int64_t limit = 0);

} // namespace voskhod::rt
