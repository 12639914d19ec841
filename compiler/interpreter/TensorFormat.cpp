//===- compiler/interpreter/TensorFormat.cpp - tensors as text ------------===//
#include "compiler/interpreter/TensorFormat.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace voskhod::ir {

std::string formatScalar(double value, DType dtype) {
  if (dtype == DType::I32 || dtype == DType::I1)
    return std::to_string(int64_t(value));
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  int maxDigits = dtype == DType::F32 ? 9 : 17;
  char buf[64];
  for (int digits = 1; digits <= maxDigits; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
    double back = std::strtod(buf, nullptr);
    if (dtype == DType::F32 ? float(back) == float(value) : back == value)
      break;
  }
  // The shortest form of 100 is "1e+02"; below ten million, whole digits
  // read better and are as exact.
  double magnitude = std::fabs(value);
  if (std::strchr(buf, 'e') && magnitude >= 1 && magnitude < 1e7) {
    int whole = int(std::floor(std::log10(magnitude))) + 1;
    std::snprintf(buf, sizeof buf, "%.*g", whole, value);
  }
  return buf;
}

namespace {
constexpr int64_t kEdgeItems = 3;
constexpr int64_t kElideAbove = 8;

void formatAxis(const HostTensor &t, size_t axis, int64_t offset, bool full,
                std::string &out) {
  const Shape &shape = t.type.shape;
  if (axis == shape.size()) {
    out += formatScalar(t.data[offset], t.type.dtype);
    return;
  }
  int64_t stride = 1;
  for (size_t i = axis + 1; i < shape.size(); ++i)
    stride *= shape[i];
  int64_t n = shape[axis];
  bool elide = !full && n > kElideAbove;
  out += "[";
  for (int64_t i = 0; i < n; ++i) {
    if (elide && i == kEdgeItems) {
      out += "..., ";
      i = n - kEdgeItems - 1;
      continue;
    }
    formatAxis(t, axis + 1, offset + i * stride, full, out);
    if (i + 1 < n)
      out += ", ";
  }
  out += "]";
}
} // namespace

std::string formatTensor(const HostTensor &t, bool full) {
  std::string out;
  formatAxis(t, 0, 0, full, out);
  return out;
}

} // namespace voskhod::ir
