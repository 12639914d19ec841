//===- trainer/Checkpoint.h - named tensors in the safetensors format -----===//
///
/// A checkpoint is a set of named tensors (f32, f64, i32) and a map of
/// string metadata, stored as safetensors so that PyTorch, JAX and NumPy
/// users can read it: 8 bytes of little-endian header length, a JSON header
/// `{"NAME": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, ..,
/// "__metadata__": {"key": "value", ..}}` padded with spaces to a multiple
/// of 8, then the raw little-endian data. Tensors are laid out widest dtype
/// first, so every tensor starts aligned for a zero-copy reader.
///
/// Saving is atomic (trainer/AtomicFile.h). voskhod adds the metadata
/// `writer: voskhod` and a `crc32` over the header (without that entry)
/// and the data, so a flipped bit anywhere is reported instead of loaded;
/// files from other writers, without the entries, are still read. Loading
/// validates everything before it trusts it — the header length against the
/// file size, the JSON, every dtype, shape and offset range, and that the
/// tensors exactly tile the data region — so a corrupt file is an error
/// message, never a crash or a huge allocation. JSON errors are caught
/// here and never leave this module as exceptions.
///
/// `verifyTensors` then checks names, dtypes and shapes against what the
/// caller expects. Other safetensors dtypes (BF16, F16, I64, ...) are
/// reported as unsupported rather than converted.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace voskhod::rt {

enum class DType { F32, F64, I32 };

/// The safetensors name: "F32", "F64", "I32".
const char *dtypeName(DType dtype);
int64_t dtypeBytes(DType dtype);

struct TensorData {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// Little-endian, row-major.
  std::vector<uint8_t> bytes;

  int64_t numElements() const;
  static TensorData fromF32(std::vector<int64_t> shape,
                            const std::vector<float> &values);
  static TensorData fromF64(std::vector<int64_t> shape,
                            const std::vector<double> &values);
  static TensorData fromI32(std::vector<int64_t> shape,
                            const std::vector<int32_t> &values);
  /// The values; the dtype must match.
  std::vector<float> toF32() const;
  std::vector<double> toF64() const;
  std::vector<int32_t> toI32() const;

  bool operator==(const TensorData &) const = default;
};

struct TensorSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
};

struct Checkpoint {
  std::map<std::string, TensorData> tensors;
  std::map<std::string, std::string> metadata;
};

std::string encodeSafetensors(const Checkpoint &checkpoint);
/// `source` names the bytes' origin in messages.
Expected<Checkpoint> decodeSafetensors(std::string_view bytes,
                                       const std::string &source);

Status saveCheckpoint(const std::string &path, const Checkpoint &checkpoint);
Expected<Checkpoint> loadCheckpoint(const std::string &path);

/// Every expected tensor must be present with its dtype and shape; other
/// tensors are allowed (a checkpoint also carries data statistics).
Status verifyTensors(const Checkpoint &checkpoint,
                     const std::vector<TensorSpec> &expected,
                     const std::string &source);

} // namespace voskhod::rt
