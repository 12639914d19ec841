//===- compiler/ir/Type.h - dtypes, static shapes and tensor types --------===//
///
/// Every value in the graph has a TensorType: an element dtype and a static
/// shape. A rank-0 shape is a scalar. Shapes are plain int64 vectors; every
/// dimension is at least 1 (a zero-sized tensor trains nothing and only hides
/// mistakes, so the verifier rejects it).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voskhod::ir {

enum class DType : uint8_t { F32, F64, I32, I1 };

std::string_view dtypeName(DType t);
std::optional<DType> parseDType(std::string_view text);
bool isFloat(DType t);
/// Size of one element in bytes as stored by the backends (i1 is a byte).
int64_t dtypeBytes(DType t);

using Shape = std::vector<int64_t>;

/// Largest element count accepted anywhere; keeps byte sizes far from int64
/// overflow (2^40 f64 elements is 8 TiB).
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// Product of the dimensions, or nullopt when it exceeds kMaxElements or a
/// dimension is not positive.
std::optional<int64_t> checkedElementCount(const Shape &shape);

struct TensorType {
  DType dtype = DType::F32;
  Shape shape;

  int64_t rank() const { return int64_t(shape.size()); }
  bool isScalar() const { return shape.empty(); }
  /// Product of the dimensions; only valid on verified types.
  int64_t numElements() const;
  /// "f32[2, 3]", "f32[]".
  std::string str() const;
  bool operator==(const TensorType &) const = default;
};

std::string shapeStr(const Shape &shape);

} // namespace voskhod::ir
