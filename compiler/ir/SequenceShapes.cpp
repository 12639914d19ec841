//===- compiler/ir/SequenceShapes.cpp - gather and layer_norm shapes ------===//
#include "compiler/ir/SequenceShapes.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace voskhod::ir {
namespace {

std::string str(int64_t v) { return std::to_string(v); }

/// `axis` made non-negative for a tensor of `rank`, or an error naming op.
Expected<int64_t> axisIn(std::string_view op, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return makeError("'" + std::string(op) + "' axis " + str(axis) +
                     " is out of range for rank " + str(rank));
  return axis < 0 ? axis + rank : axis;
}

} // namespace

Status inferGather(std::span<const TensorType> in, Attrs &attrs,
                   TensorType &out) {
  const TensorType &table = in[0], &indices = in[1];
  if (!isFloat(table.dtype))
    return makeError("'gather' expects a floating-point table, got " +
                     table.str());
  if (indices.dtype != DType::I32)
    return makeError("'gather' expects i32 indices, got " + indices.str());
  if (table.rank() < 1)
    return makeError("'gather' expects a table of rank >= 1, got " +
                     table.str());
  auto axis = axisIn("gather", attrs.getInt("axis"), table.rank());
  VOSKHOD_RETURN_IF_ERROR(axis);
  attrs.set("axis", *axis);
  out.dtype = table.dtype;
  out.shape.assign(table.shape.begin(), table.shape.begin() + *axis);
  out.shape.insert(out.shape.end(), indices.shape.begin(), indices.shape.end());
  out.shape.insert(out.shape.end(), table.shape.begin() + *axis + 1,
                   table.shape.end());
  return Status::ok();
}

Status inferLayerNorm(std::span<const TensorType> in, Attrs &attrs,
                      TensorType &out) {
  const TensorType &x = in[0];
  if (!isFloat(x.dtype))
    return makeError("'layer_norm' expects a floating-point x, got " + x.str());
  int64_t rank = x.rank();
  if (rank < 1)
    return makeError("'layer_norm' expects x of rank >= 1, got " + x.str());
  std::vector<int64_t> axes = attrs.getInts("axes");
  if (axes.empty())
    axes = {rank - 1};
  for (int64_t &a : axes) {
    auto axis = axisIn("layer_norm", a, rank);
    VOSKHOD_RETURN_IF_ERROR(axis);
    a = *axis;
  }
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return makeError("'layer_norm' axes repeat an axis");
  // PyTorch's normalized_shape: the last axes, none skipped.
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - int64_t(axes.size()) + int64_t(i))
      return makeError("'layer_norm' normalises trailing axes; axes must be "
                       "the last " +
                       str(int64_t(axes.size())) + " of " + x.str());
  attrs.set("axes", axes);
  Shape normalised(x.shape.end() - int64_t(axes.size()), x.shape.end());
  TensorType want{x.dtype, normalised};
  static const char *const kOperands[] = {"gamma", "beta"};
  for (size_t i = 1; i < 3; ++i)
    if (in[i] != want)
      return makeError("'layer_norm' " + std::string(kOperands[i - 1]) +
                       " must be " + want.str() + " (x is " + x.str() +
                       "), got " + in[i].str());
  double eps = attrs.getFloat("eps");
  // Written so that NaN fails too.
  if (!(eps > 0) || std::isinf(eps)) {
    std::ostringstream os;
    os << "'layer_norm' eps = " << eps << " must be positive and finite";
    return makeError(os.str());
  }
  out = x;
  return Status::ok();
}

} // namespace voskhod::ir
