//===- compiler/ir/IndexMappingShapes.cpp - pad, slice, concat shapes -----===//
#include "compiler/ir/IndexMappingShapes.h"

#include <string>
#include <vector>

namespace voskhod::ir {
namespace {

std::string str(int64_t v) { return std::to_string(v); }

Status listLength(std::string_view op, std::string_view attr, size_t got,
                  size_t want, const TensorType &t) {
  if (got == want)
    return Status::ok();
  return makeError("'" + std::string(op) + "' " + std::string(attr) + " has " +
                   str(int64_t(got)) + " entries, expected " +
                   str(int64_t(want)) + " for " + t.str());
}

Status inferPad(const TensorType &x, Attrs &attrs, TensorType &out) {
  const std::vector<int64_t> &pads = attrs.getInts("pads");
  size_t rank = x.shape.size();
  VOSKHOD_RETURN_IF_ERROR(listLength("pad", "pads", pads.size(), 2 * rank, x));
  out = x;
  for (size_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[rank + d];
    if (before < 0 || after < 0)
      return makeError("'pad' pads on axis " + str(int64_t(d)) +
                       " are negative (" + str(before) + ", " + str(after) +
                       "); crop with 'slice' instead");
    out.shape[d] += before + after;
  }
  return Status::ok();
}

/// Python's clamp of a start or end into [0, dim] for a positive step.
int64_t clampIndex(int64_t i, int64_t dim) {
  if (i < 0)
    i += dim;
  return i < 0 ? 0 : (i > dim ? dim : i);
}

Status inferSlice(const TensorType &x, Attrs &attrs, TensorType &out) {
  size_t rank = x.shape.size();
  std::vector<int64_t> starts = attrs.getInts("starts");
  std::vector<int64_t> ends = attrs.getInts("ends");
  std::vector<int64_t> steps = attrs.getInts("steps");
  if (steps.empty())
    steps.assign(rank, 1);
  VOSKHOD_RETURN_IF_ERROR(
      listLength("slice", "starts", starts.size(), rank, x));
  VOSKHOD_RETURN_IF_ERROR(listLength("slice", "ends", ends.size(), rank, x));
  VOSKHOD_RETURN_IF_ERROR(listLength("slice", "steps", steps.size(), rank, x));
  out = x;
  for (size_t d = 0; d < rank; ++d) {
    if (steps[d] <= 0)
      return makeError("'slice' step on axis " + str(int64_t(d)) +
                       " must be positive, got " + str(steps[d]));
    int64_t dim = x.shape[d];
    starts[d] = clampIndex(starts[d], dim);
    ends[d] = clampIndex(ends[d], dim);
    if (ends[d] <= starts[d])
      return makeError("'slice' on axis " + str(int64_t(d)) + " is empty: [" +
                       str(starts[d]) + ", " + str(ends[d]) + ") of a dim of " +
                       str(dim));
    out.shape[d] = (ends[d] - starts[d] + steps[d] - 1) / steps[d];
  }
  // Canonical: the end is the last element taken plus one, so equal slices
  // print equally and the gradient's pad reads off it directly.
  for (size_t d = 0; d < rank; ++d)
    ends[d] = starts[d] + (out.shape[d] - 1) * steps[d] + 1;
  attrs.set("starts", starts);
  attrs.set("ends", ends);
  attrs.set("steps", steps);
  return Status::ok();
}

Status inferConcat(std::span<const TensorType> in, Attrs &attrs,
                   TensorType &out) {
  const TensorType &first = in[0];
  int64_t rank = first.rank();
  int64_t axis = attrs.getInt("axis");
  if (rank == 0)
    return makeError("'concat' expects operands of rank >= 1, got " +
                     first.str());
  if (axis < -rank || axis >= rank)
    return makeError("axis " + str(axis) + " is out of range for 'concat' " +
                     "on rank-" + str(rank) + " operands");
  if (axis < 0)
    axis += rank;
  attrs.set("axis", axis);
  out = first;
  for (size_t i = 1; i < in.size(); ++i) {
    const TensorType &t = in[i];
    if (t.dtype != first.dtype || t.rank() != rank)
      return makeError("'concat' operand " + str(int64_t(i)) + " is " +
                       t.str() + ", operand 0 is " + first.str());
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && t.shape[d] != first.shape[d])
        return makeError("'concat' operand " + str(int64_t(i)) + " has dim " +
                         str(t.shape[d]) + " on axis " + str(d) +
                         ", operand 0 has " + str(first.shape[d]));
    out.shape[axis] += t.shape[axis];
  }
  return Status::ok();
}

} // namespace

Status inferIndexMapping(OpKind op, std::span<const TensorType> in,
                         Attrs &attrs, TensorType &out) {
  switch (op) {
  case OpKind::Pad:
    return inferPad(in[0], attrs, out);
  case OpKind::Slice:
    return inferSlice(in[0], attrs, out);
  case OpKind::Concat:
    return inferConcat(in, attrs, out);
  default:
    return makeError("internal: not an index-mapping op");
  }
}

} // namespace voskhod::ir
