//===- trainer/Checkpoint.cpp - named tensors in the safetensors format ---===//
#include "trainer/Checkpoint.h"

#include "support/InternalCheck.h"
#include "trainer/AtomicFile.h"
#include "trainer/data/FileBytes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <zlib.h>

namespace voskhod::rt {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; add byte swapping");

namespace {

using Json = nlohmann::json;

constexpr const char *kMetadataKey = "__metadata__";
constexpr const char *kChecksumKey = "crc32";
/// Marks files voskhod wrote, which must carry a checksum: without the
/// marker, a flipped bit in the checksum's own key would pass unnoticed.
constexpr const char *kWriterKey = "writer";
constexpr const char *kWriterName = "voskhod";
/// The safetensors reference implementation's limit on the header.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

bool parseDType(const std::string &name, DType &dtype) {
  for (DType d : {DType::F32, DType::F64, DType::I32})
    if (name == dtypeName(d)) {
      dtype = d;
      return true;
    }
  return false;
}

template <typename T>
TensorData fromValues(DType dtype, std::vector<int64_t> shape,
                      const std::vector<T> &values) {
  TensorData t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  VOSKHOD_CHECK(int64_t(values.size()) == t.numElements())
      << "value count must match the shape";
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty())
    std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

template <typename T> std::vector<T> toValues(const TensorData &t, DType d) {
  VOSKHOD_CHECK(t.dtype == d) << "reading a tensor as the wrong dtype";
  std::vector<T> values(t.bytes.size() / sizeof(T));
  if (!values.empty())
    std::memcpy(values.data(), t.bytes.data(), t.bytes.size());
  return values;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// CRC-32 of the canonical header (sorted keys, no checksum entry) and the
/// data: the same value whatever key order or padding a writer chose.
uint32_t checksumOf(Json header, std::string_view data) {
  if (header.contains(kMetadataKey)) {
    header[kMetadataKey].erase(kChecksumKey);
    if (header[kMetadataKey].empty())
      header.erase(kMetadataKey);
  }
  std::string canonical = header.dump();
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32_z(crc, reinterpret_cast<const Bytef *>(canonical.data()),
                canonical.size());
  crc = crc32_z(crc, reinterpret_cast<const Bytef *>(data.data()), data.size());
  return uint32_t(crc);
}

std::string hex32(uint32_t v) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08x", v);
  return buffer;
}

/// A non-negative integer no larger than `limit`, or false.
bool readCount(const Json &j, uint64_t limit, uint64_t &out) {
  if (!j.is_number_unsigned())
    return false;
  out = j.get<uint64_t>();
  return out <= limit;
}

Expected<Checkpoint> decode(std::string_view bytes, const std::string &source) {
  auto corrupt = [&](const std::string &why) {
    return makeError("checkpoint '" + source + "' is corrupt: " + why);
  };
  if (bytes.size() < 8)
    return makeError("checkpoint '" + source + "' is truncated: it has " +
                     std::to_string(bytes.size()) + " bytes");
  uint64_t headerBytes = 0;
  for (int i = 7; i >= 0; --i)
    headerBytes = (headerBytes << 8) | uint8_t(bytes[i]);
  if (headerBytes > bytes.size() - 8)
    return makeError("checkpoint '" + source +
                     "' is truncated or corrupt: "
                     "its header length " +
                     std::to_string(headerBytes) + " exceeds the " +
                     std::to_string(bytes.size() - 8) +
                     " bytes after the length field");
  if (headerBytes > kMaxHeaderBytes)
    return corrupt("header length " + std::to_string(headerBytes) +
                   " is implausibly large");
  std::string_view headerText = bytes.substr(8, headerBytes);
  if (headerText.empty() || headerText[0] != '{')
    return corrupt("the header is not a JSON object");
  // JSON allows no raw control characters, but the parser stops quietly at
  // a NUL, which would let a damaged padding byte pass.
  for (char c : headerText)
    if (uint8_t(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return corrupt("the header holds a control character");
  Json header = Json::parse(headerText.begin(), headerText.end(), nullptr,
                            /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object())
    return corrupt("the header is not valid JSON");
  std::string_view data = bytes.substr(8 + headerBytes);

  Checkpoint checkpoint;
  struct Extent {
    uint64_t begin, end;
    std::string name;
  };
  std::vector<Extent> extents;
  for (const auto &[name, entry] : header.items()) {
    if (name == kMetadataKey) {
      if (!entry.is_object())
        return corrupt("__metadata__ is not an object");
      for (const auto &[key, value] : entry.items()) {
        if (!value.is_string())
          return corrupt("metadata '" + key + "' is not a string");
        checkpoint.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    std::string where = "tensor '" + name + "' ";
    if (!entry.is_object() || !entry.contains("dtype") ||
        !entry.contains("shape") || !entry.contains("data_offsets"))
      return corrupt(where + "lacks dtype, shape or data_offsets");
    const Json &dtypeJson = entry["dtype"];
    const Json &shapeJson = entry["shape"];
    const Json &offsetsJson = entry["data_offsets"];
    TensorData tensor;
    if (!dtypeJson.is_string())
      return corrupt(where + "has a dtype that is not a string");
    if (!parseDType(dtypeJson.get<std::string>(), tensor.dtype))
      return makeError("checkpoint '" + source + "': " + where + "has dtype '" +
                       dtypeJson.get<std::string>() +
                       "'; voskhod reads F32, F64 and I32");
    if (!shapeJson.is_array())
      return corrupt(where + "has a shape that is not a list");
    // Bounded by the data size so the product cannot overflow.
    uint64_t elements = 1;
    for (const Json &d : shapeJson) {
      uint64_t dim;
      if (!readCount(d, uint64_t(1) << 48, dim))
        return corrupt(where + "has an invalid dimension");
      tensor.shape.push_back(int64_t(dim));
      elements = dim == 0 || elements == 0            ? 0
                 : elements > (data.size() + 1) / dim ? data.size() + 1
                                                      : elements * dim;
    }
    uint64_t begin, end;
    if (!offsetsJson.is_array() || offsetsJson.size() != 2 ||
        !readCount(offsetsJson[0], data.size(), begin) ||
        !readCount(offsetsJson[1], data.size(), end) || begin > end)
      return corrupt(where + "has data_offsets outside the " +
                     std::to_string(data.size()) + "-byte data region");
    if (elements > data.size() ||
        end - begin != elements * uint64_t(dtypeBytes(tensor.dtype)))
      return corrupt(where + "has shape " + shapeText(tensor.shape) + " but " +
                     std::to_string(end - begin) + " bytes of data");
    tensor.bytes.assign(data.begin() + begin, data.begin() + end);
    extents.push_back({begin, end, name});
    checkpoint.tensors[name] = std::move(tensor);
  }
  // Tensors must tile the data region, as the safetensors specification
  // asks: a gap or an overlap means the offsets were damaged.
  std::sort(extents.begin(), extents.end(),
            [](const Extent &a, const Extent &b) {
              return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
            });
  uint64_t covered = 0;
  for (const Extent &e : extents) {
    if (e.begin != covered)
      return corrupt("tensor '" + e.name + "' starts at byte " +
                     std::to_string(e.begin) + " of the data, not at " +
                     std::to_string(covered));
    covered = e.end;
  }
  if (covered != data.size())
    return corrupt("the tensors cover " + std::to_string(covered) + " of " +
                   std::to_string(data.size()) + " data bytes");
  auto stored = checkpoint.metadata.find(kChecksumKey);
  if (stored == checkpoint.metadata.end()) {
    auto writer = checkpoint.metadata.find(kWriterKey);
    if (writer != checkpoint.metadata.end() && writer->second == kWriterName)
      return corrupt("its checksum is missing");
  } else if (stored->second != hex32(checksumOf(header, data))) {
    return corrupt("its checksum does not match its contents");
  }
  return checkpoint;
}

} // namespace

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "F32";
  case DType::F64:
    return "F64";
  case DType::I32:
    return "I32";
  }
  return "?";
}

int64_t dtypeBytes(DType dtype) { return dtype == DType::F64 ? 8 : 4; }

int64_t TensorData::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

TensorData TensorData::fromF32(std::vector<int64_t> shape,
                               const std::vector<float> &values) {
  return fromValues(DType::F32, std::move(shape), values);
}
TensorData TensorData::fromF64(std::vector<int64_t> shape,
                               const std::vector<double> &values) {
  return fromValues(DType::F64, std::move(shape), values);
}
TensorData TensorData::fromI32(std::vector<int64_t> shape,
                               const std::vector<int32_t> &values) {
  return fromValues(DType::I32, std::move(shape), values);
}
std::vector<float> TensorData::toF32() const {
  return toValues<float>(*this, DType::F32);
}
std::vector<double> TensorData::toF64() const {
  return toValues<double>(*this, DType::F64);
}
std::vector<int32_t> TensorData::toI32() const {
  return toValues<int32_t>(*this, DType::I32);
}

std::string encodeSafetensors(const Checkpoint &checkpoint) {
  std::vector<const std::pair<const std::string, TensorData> *> order;
  for (const auto &entry : checkpoint.tensors)
    order.push_back(&entry);
  std::stable_sort(order.begin(), order.end(), [](auto *a, auto *b) {
    return dtypeBytes(a->second.dtype) > dtypeBytes(b->second.dtype);
  });
  Json header = Json::object();
  std::string data;
  for (const auto *entry : order) {
    const TensorData &t = entry->second;
    VOSKHOD_CHECK(int64_t(t.bytes.size()) ==
                  t.numElements() * dtypeBytes(t.dtype))
        << "tensor bytes must match its shape";
    uint64_t begin = data.size();
    data.append(reinterpret_cast<const char *>(t.bytes.data()), t.bytes.size());
    header[entry->first] = {{"dtype", dtypeName(t.dtype)},
                            {"shape", t.shape},
                            {"data_offsets", {begin, uint64_t(data.size())}}};
  }
  Json metadata = Json::object();
  for (const auto &[key, value] : checkpoint.metadata)
    if (key != kChecksumKey)
      metadata[key] = value;
  metadata[kWriterKey] = kWriterName;
  header[kMetadataKey] = metadata;
  uint32_t crc = checksumOf(header, data);
  header[kMetadataKey][kChecksumKey] = hex32(crc);
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string bytes(8, '\0');
  uint64_t length = text.size();
  for (int i = 0; i < 8; ++i)
    bytes[i] = char((length >> (8 * i)) & 0xff);
  return bytes + text + data;
}

Expected<Checkpoint> decodeSafetensors(std::string_view bytes,
                                       const std::string &source) {
  // nlohmann may still throw on allocation failure or a library bug; none
  // of that may escape the runtime as an exception.
  try {
    return decode(bytes, source);
  } catch (const std::exception &e) {
    return makeError("checkpoint '" + source + "' is corrupt: " + e.what());
  }
}

Status saveCheckpoint(const std::string &path, const Checkpoint &checkpoint) {
  std::string bytes;
  try {
    bytes = encodeSafetensors(checkpoint);
  } catch (const std::exception &e) {
    return makeError("cannot encode checkpoint '" + path + "': " + e.what());
  }
  return writeFileAtomically(path, bytes);
}

Expected<Checkpoint> loadCheckpoint(const std::string &path) {
  VOSKHOD_ASSIGN_OR_RETURN(auto bytes, readFileBytes(path));
  return decodeSafetensors(
      std::string_view(reinterpret_cast<const char *>(bytes.data()),
                       bytes.size()),
      path);
}

Status verifyTensors(const Checkpoint &checkpoint,
                     const std::vector<TensorSpec> &expected,
                     const std::string &source) {
  for (const TensorSpec &spec : expected) {
    auto it = checkpoint.tensors.find(spec.name);
    if (it == checkpoint.tensors.end())
      return makeError("checkpoint '" + source + "' has no tensor '" +
                       spec.name + "'");
    const TensorData &t = it->second;
    if (t.dtype != spec.dtype)
      return makeError("checkpoint '" + source + "': tensor '" + spec.name +
                       "' has dtype " + dtypeName(t.dtype) + ", expected " +
                       dtypeName(spec.dtype));
    if (t.shape != spec.shape)
      return makeError("checkpoint '" + source + "': tensor '" + spec.name +
                       "' has shape " + shapeText(t.shape) + ", expected " +
                       shapeText(spec.shape));
  }
  return Status::ok();
}

} // namespace voskhod::rt
