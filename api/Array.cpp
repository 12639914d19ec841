//===- api/Array.cpp - tensors in and out of a compiled model -------------===//
#include <voskhod/Array.h>

namespace voskhod {

int64_t storageBytes(ir::DType dtype) {
  switch (dtype) {
  case ir::DType::F32:
  case ir::DType::I32:
    return 4;
  case ir::DType::F64:
    return 8;
  case ir::DType::I1:
    return 1;
  }
  return 0;
}

std::string describeType(ir::DType dtype, const std::vector<int64_t> &shape) {
  std::string text(ir::dtypeName(dtype));
  text += "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

int64_t Array::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

TensorView Array::view() const {
  TensorView v;
  v.dtype = dtype;
  v.shape = shape;
  v.data = bytes.data();
  v.elements = numElements();
  return v;
}

} // namespace voskhod
