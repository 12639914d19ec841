//===- compiler/ir/Type.cpp - dtypes, shapes, tensor types ----------------===//
#include "compiler/ir/Type.h"

#include <cassert>

namespace voskhod::ir {

std::string_view dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I32:
    return "i32";
  case DType::I1:
    return "i1";
  }
  return "?";
}

std::optional<DType> parseDType(std::string_view text) {
  for (DType t : {DType::F32, DType::F64, DType::I32, DType::I1})
    if (dtypeName(t) == text)
      return t;
  return std::nullopt;
}

bool isFloat(DType t) { return t == DType::F32 || t == DType::F64; }

int64_t dtypeBytes(DType t) {
  switch (t) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
    return 8;
  case DType::I1:
    return 1;
  }
  return 0;
}

std::optional<int64_t> checkedElementCount(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d <= 0 || d > kMaxElements)
      return std::nullopt;
    if (n > kMaxElements / d)
      return std::nullopt;
    n *= d;
  }
  return n;
}

int64_t TensorType::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string shapeStr(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string TensorType::str() const {
  return std::string(dtypeName(dtype)) + shapeStr(shape);
}

} // namespace voskhod::ir
