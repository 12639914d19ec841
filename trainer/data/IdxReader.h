//===- trainer/data/IdxReader.h - the IDX format of MNIST -----------------===//
///
/// IDX (LeCun's MNIST format): two zero bytes, a type code (0x08 unsigned
/// byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E
/// float64), the number of dimensions, each dimension as a big-endian
/// uint32, then the values, big-endian, row-major. Files may be gzip'd.
///
/// `readIdx` gives any IDX file, its values decoded on demand; `loadIdxDataset`
/// pairs an images file ([N, ...] features) with a labels file ([N] class
/// indices). Every defect — a missing file, a bad magic number, a declared size
/// the data does not hold, item counts that disagree — is an error naming the
/// file. Pixel values are kept as they are (0..255): scaling is the
/// standardiser's job, so one code path serves every source.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::rt {

struct IdxArray {
  uint8_t typeCode = 0;
  std::vector<int64_t> dims;
  /// The file's bytes; values start at `dataOffset`, big-endian. Kept raw
  /// so 47 million MNIST pixels are not first widened to doubles.
  std::vector<uint8_t> bytes;
  size_t dataOffset = 0;
  size_t count = 0;

  /// The i-th value decoded; `i < count` is the caller's to keep.
  double value(size_t i) const;
  std::vector<double> values() const;
};

Expected<IdxArray> readIdx(const std::string &path);

Expected<Dataset> loadIdxDataset(const std::string &imagesPath,
                                 const std::string &labelsPath);

} // namespace voskhod::rt
