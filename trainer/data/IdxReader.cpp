//===- trainer/data/IdxReader.cpp - the IDX format of MNIST ---------------===//
#include "trainer/data/IdxReader.h"

#include "support/InternalCheck.h"
#include "trainer/data/FileBytes.h"

#include <cmath>
#include <cstring>

namespace voskhod::rt {
namespace {

uint64_t readBigEndian(const uint8_t *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | p[i];
  return v;
}

/// Bytes per value for a type code, 0 for an unknown code.
int widthOf(uint8_t typeCode) {
  switch (typeCode) {
  case 0x08:
  case 0x09:
    return 1;
  case 0x0B:
    return 2;
  case 0x0C:
  case 0x0D:
    return 4;
  case 0x0E:
    return 8;
  default:
    return 0;
  }
}

double decode(uint8_t typeCode, const uint8_t *p) {
  switch (typeCode) {
  case 0x08:
    return double(p[0]);
  case 0x09:
    return double(int8_t(p[0]));
  case 0x0B:
    return double(int16_t(uint16_t(readBigEndian(p, 2))));
  case 0x0C:
    return double(int32_t(uint32_t(readBigEndian(p, 4))));
  case 0x0D: {
    uint32_t bits = uint32_t(readBigEndian(p, 4));
    float f;
    std::memcpy(&f, &bits, 4);
    return double(f);
  }
  default: {
    uint64_t bits = readBigEndian(p, 8);
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  }
}

char hexDigit(int v) { return "0123456789abcdef"[v & 15]; }

std::string hexBytes(const uint8_t *p, int n) {
  std::string s = "0x";
  for (int i = 0; i < n; ++i) {
    s += hexDigit(p[i] >> 4);
    s += hexDigit(p[i]);
  }
  return s;
}

} // namespace

double IdxArray::value(size_t i) const {
  // Unchecked: callers loop over every element, so the range check sits
  // once before their loops instead of once per value.
  return decode(typeCode, &bytes[dataOffset + i * widthOf(typeCode)]);
}

std::vector<double> IdxArray::values() const {
  std::vector<double> v(count);
  for (size_t i = 0; i < count; ++i)
    v[i] = value(i);
  return v;
}

Expected<IdxArray> readIdx(const std::string &path) {
  IdxArray array;
  VOSKHOD_ASSIGN_OR_RETURN(array.bytes, readFileBytes(path));
  const std::vector<uint8_t> &bytes = array.bytes;
  if (bytes.size() < 4)
    return makeError("'" + path + "' is not an IDX file: it has only " +
                     std::to_string(bytes.size()) + " bytes");
  array.typeCode = bytes[2];
  int width = widthOf(array.typeCode);
  if (bytes[0] != 0 || bytes[1] != 0 || width == 0)
    return makeError("'" + path + "' is not an IDX file: bad magic number " +
                     hexBytes(bytes.data(), 4));
  int rank = bytes[3];
  if (rank == 0)
    return makeError("'" + path + "' declares an IDX array of rank 0");
  size_t headerBytes = 4 + 4 * size_t(rank);
  if (bytes.size() < headerBytes)
    return makeError("'" + path + "' is truncated: its header declares " +
                     std::to_string(rank) + " dimensions but the file ends");
  // Dimensions are checked against the bytes present before anything is
  // allocated, so a corrupt count cannot ask for a huge buffer.
  uint64_t available = (bytes.size() - headerBytes) / width;
  bool empty = false;
  for (int d = 0; d < rank; ++d) {
    array.dims.push_back(int64_t(readBigEndian(&bytes[4 + 4 * d], 4)));
    empty |= array.dims.back() == 0;
  }
  // The product is formed with an overflow check: dimensions up to 2^32 - 1
  // each can multiply past 64 bits, and a wrapped count must not pass for a
  // small one.
  uint64_t count = empty ? 0 : 1;
  bool overflows = false;
  for (int64_t dim : array.dims)
    if (!empty && __builtin_mul_overflow(count, uint64_t(dim), &count))
      overflows = true;
  if (overflows || count > available) {
    std::string dims;
    for (size_t d = 0; d < array.dims.size(); ++d)
      dims += (d ? " x " : "") + std::to_string(array.dims[d]);
    if (overflows)
      return makeError("'" + path +
                       "' is not a valid IDX file: its header's dimensions " +
                       dims +
                       " multiply to more than 2^64 values (the file "
                       "holds " +
                       std::to_string(available) + ")");
    return makeError("'" + path + "' is truncated: its header declares " +
                     std::to_string(count) + " values (" + dims +
                     ") but it holds only " + std::to_string(available));
  }
  uint64_t expectedBytes = headerBytes + count * width;
  if (bytes.size() != expectedBytes)
    return makeError("'" + path + "' has " +
                     std::to_string(bytes.size() - expectedBytes) +
                     " bytes after the data its header declares");
  array.dataOffset = headerBytes;
  array.count = count;
  return array;
}

Expected<Dataset> loadIdxDataset(const std::string &imagesPath,
                                 const std::string &labelsPath) {
  auto images = readIdx(imagesPath);
  VOSKHOD_RETURN_IF_ERROR(images);
  auto labels = readIdx(labelsPath);
  VOSKHOD_RETURN_IF_ERROR(labels);
  if (labels->dims.size() != 1)
    return makeError("'" + labelsPath + "' holds an array of rank " +
                     std::to_string(labels->dims.size()) +
                     "; labels must be one class index per item");
  int64_t items = images->dims[0];
  if (labels->dims[0] != items)
    return makeError("'" + imagesPath + "' holds " + std::to_string(items) +
                     " items but '" + labelsPath + "' holds " +
                     std::to_string(labels->dims[0]) + " labels");
  Dataset data;
  data.source = imagesPath;
  data.labelSource = labelsPath;
  data.exampleShape.assign(images->dims.begin() + 1, images->dims.end());
  data.numFeatures = 1;
  for (int64_t d : data.exampleShape)
    data.numFeatures *= d;
  if (data.numFeatures == 0)
    return makeError("'" + imagesPath + "' holds items with no values");
  // Plain pointers and a hoisted count keep this loop fast in debug builds
  // too, where the tests read the real data set.
  size_t count = images->count;
  data.features.resize(count);
  float *features = data.features.data();
  const uint8_t *pixels = &images->bytes[images->dataOffset];
  if (images->typeCode == 0x08) {
    for (size_t i = 0; i < count; ++i)
      features[i] = float(pixels[i]);
  } else {
    for (size_t i = 0; i < count; ++i) {
      double v = images->value(i);
      if (!std::isfinite(v))
        return makeError("'" + imagesPath + "': item " +
                         std::to_string(i / data.numFeatures) +
                         " holds a non-finite value");
      features[i] = float(v);
    }
  }
  data.labelKind = LabelKind::Class;
  data.classes.resize(items);
  VOSKHOD_CHECK(labels->count == size_t(items))
      << "a rank-1 IDX array holds its one dimension's items";
  for (int64_t i = 0; i < items; ++i) {
    double v = labels->value(i);
    if (v != std::floor(v) || v < 0 || v > 2147483647.0)
      return makeError("'" + labelsPath + "': item " + std::to_string(i) +
                       " is not a class index");
    data.classes[i] = int32_t(v);
  }
  return data;
}

} // namespace voskhod::rt
