//===- api/voskhod/Array.h - tensors in and out of a compiled model -------===//
///
/// The two value types of the public API. `TensorView` borrows the caller's
/// memory to feed an input or write a parameter: a dtype, a shape and a
/// pointer, checked against the model's tensor before a byte is copied, so a
/// wrong shape or dtype is an error message and never a read past the end.
/// `Array` owns what the model hands back (outputs, parameters), with its
/// name, dtype and shape; `values<T>()` checks the element type.
///
/// Element types are the IR's (`ir::DType`: f32, f64, i32 and i1, stored as
/// one byte per element).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Type.h"
#include "support/Error.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace voskhod {

/// The element type T is stored as, for TensorView's and Array's checks.
template <typename T> constexpr ir::DType dtypeOf();
template <> constexpr ir::DType dtypeOf<float>() { return ir::DType::F32; }
template <> constexpr ir::DType dtypeOf<double>() { return ir::DType::F64; }
template <> constexpr ir::DType dtypeOf<int32_t>() { return ir::DType::I32; }
template <> constexpr ir::DType dtypeOf<bool>() { return ir::DType::I1; }

/// Bytes of one element as the model stores it (i1: one byte).
int64_t storageBytes(ir::DType dtype);
/// "f32[2, 3]", as the `.vg` format writes a type.
std::string describeType(ir::DType dtype, const std::vector<int64_t> &shape);

/// Borrowed memory of one tensor; the caller keeps it alive during the call.
struct TensorView {
  ir::DType dtype = ir::DType::F32;
  std::vector<int64_t> shape;
  const void *data = nullptr;
  /// Number of elements `data` holds, for the check against `shape`.
  int64_t elements = 0;

  TensorView() = default;
  template <typename T>
  TensorView(std::span<const T> values, std::vector<int64_t> shape)
      : dtype(dtypeOf<T>()), shape(std::move(shape)), data(values.data()),
        elements(int64_t(values.size())) {}
  template <typename T>
  TensorView(const std::vector<T> &values, std::vector<int64_t> shape)
      : TensorView(std::span<const T>(values), std::move(shape)) {}
};

/// A model's inputs by name.
using Inputs = std::map<std::string, TensorView>;

/// A tensor's name, type and owned values.
struct Array {
  std::string name;
  ir::DType dtype = ir::DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  int64_t numElements() const;
  /// The values, or an error naming the stored type when T is another.
  template <typename T> Expected<std::vector<T>> values() const {
    if (dtype != dtypeOf<T>())
      return makeError("tensor '" + name + "' is " +
                       describeType(dtype, shape) + ", not " +
                       std::string(ir::dtypeName(dtypeOf<T>())));
    std::vector<T> out(static_cast<size_t>(numElements()));
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = readElement<T>(i);
    return out;
  }
  /// A view of this array, to feed it back into a model.
  TensorView view() const;

private:
  template <typename T> T readElement(size_t i) const {
    if constexpr (std::is_same_v<T, bool>)
      return bytes[i] != 0;
    else
      return reinterpret_cast<const T *>(bytes.data())[i];
  }
};

} // namespace voskhod
