//===- trainer/data/FileBytes.h - whole files, gzip'd or not --------------===//
///
/// Reads a data file into memory, inflating it through zlib when it is
/// gzip'd (zlib passes plain files through unchanged), so every reader sees
/// the same bytes whether the user kept `train-images-idx3-ubyte.gz` or
/// unpacked it. A truncated or corrupt gzip stream is an error naming the
/// file, not a silently short buffer. It deliberately does not memory-map:
/// the data sets voskhod trains on fit in memory and are read once.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::rt {

Expected<std::vector<uint8_t>> readFileBytes(const std::string &path);

} // namespace voskhod::rt
