//===- compiler/ir/ShapeInference.cpp - shape and type rules --------------===//
#include "compiler/ir/ShapeInference.h"

#include "compiler/ir/IndexMappingShapes.h"
#include "compiler/ir/SequenceShapes.h"
#include "compiler/ir/WindowShapes.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <string>

namespace voskhod::ir {
namespace {

std::string q(std::string_view s) { return "'" + std::string(s) + "'"; }

/// "\"none\" or \"tanh\"": a String attribute's choices, for a message.
std::string choicesStr(const AttrSpec &spec) {
  std::string out;
  for (size_t i = 0; !attrChoice(spec, i).empty(); ++i) {
    if (i)
      out += !attrChoice(spec, i + 1).empty() ? ", " : " or ";
    out += '"' + std::string(attrChoice(spec, i)) + '"';
  }
  return out;
}

/// Canonicalises in place: the verifier re-checks every node of a graph
/// after every pass, and nearly all nodes are canonical already, so the
/// common case must not rebuild the attribute list.
Status checkAttrs(OpKind op, Attrs &attrs) {
  std::string_view opname = opName(op);
  for (size_t i = 0; i < attrs.items().size(); ++i) {
    const auto &[name, value] = attrs.items()[i];
    const AttrSpec *spec = findAttrSpec(op, name);
    if (!spec)
      return makeError("unknown attribute " + q(name) + " for " + q(opname));
    bool ok = false;
    switch (spec->kind) {
    case AttrKind::Int:
      ok = std::holds_alternative<int64_t>(value);
      break;
    case AttrKind::Float:
      if (auto *v = std::get_if<int64_t>(&value)) {
        attrs.set(name, double(*v)); // same position: the name is unchanged
        ok = true;
      } else {
        ok = std::holds_alternative<double>(value);
      }
      break;
    case AttrKind::Bool:
      ok = std::holds_alternative<bool>(value);
      break;
    case AttrKind::IntList:
      ok = std::holds_alternative<std::vector<int64_t>>(value);
      break;
    case AttrKind::DType:
      ok = std::holds_alternative<DType>(value);
      break;
    case AttrKind::String:
      if (auto *v = std::get_if<std::string>(&value)) {
        if (!isAttrChoice(*spec, *v))
          return makeError("attribute " + q(name) + " of " + q(opname) +
                           " is one of " + choicesStr(*spec) + ", got " +
                           attrValueStr(value));
        ok = true;
      }
      break;
    }
    if (!ok)
      return makeError("attribute " + q(name) + " of " + q(opname) +
                       " expects " + std::string(attrKindName(spec->kind)) +
                       ", got " + attrValueStr(value));
  }
  // Every name above is a distinct schema attribute, so as many names as the
  // schema has means all are present: the common case skips the lookups.
  std::span<const AttrSpec> specs = attrSpecs(op);
  if (attrs.items().size() == specs.size())
    return Status::ok();
  for (const AttrSpec &spec : specs) {
    if (attrs.has(spec.name))
      continue;
    if (spec.required)
      return makeError(q(opname) + " requires attribute " + q(spec.name));
    switch (spec.kind) {
    case AttrKind::Int:
      attrs.set(spec.name, int64_t(spec.defaultValue));
      break;
    case AttrKind::Float:
      attrs.set(spec.name, spec.defaultValue);
      break;
    case AttrKind::Bool:
      attrs.set(spec.name, spec.defaultValue != 0);
      break;
    case AttrKind::IntList:
      attrs.set(spec.name, std::vector<int64_t>{});
      break;
    case AttrKind::DType:
      attrs.set(spec.name, DType(int(spec.defaultValue)));
      break;
    case AttrKind::String:
      attrs.set(spec.name, std::string(attrChoice(spec, 0)));
      break;
    }
  }
  return Status::ok();
}

Status checkShape(const Shape &shape, std::string_view what) {
  // One pass in the common case; the dimensions are walked again only to
  // word the error.
  if (checkedElementCount(shape))
    return Status::ok();
  for (int64_t d : shape)
    if (d <= 0)
      return makeError(std::string(what) + " " + shapeStr(shape) +
                       " has a dimension that is not positive");
  return makeError(std::string(what) + " " + shapeStr(shape) +
                   " has too many elements");
}

/// Normalises axis `a` of a rank-`rank` tensor (negative counts from the end).
Expected<int64_t> normaliseAxis(int64_t a, int64_t rank, std::string_view op) {
  if (a < -rank || a >= rank)
    return makeError("axis " + std::to_string(a) + " is out of range for " +
                     q(op) + " on a rank-" + std::to_string(rank) + " tensor");
  return a < 0 ? a + rank : a;
}

Status requireFloat(const TensorType &t, std::string_view op) {
  if (!isFloat(t.dtype))
    return makeError(q(op) + " expects a floating-point operand, got " +
                     t.str());
  return Status::ok();
}

Status inferElementwise(OpKind op, std::span<const TensorType> in,
                        const Attrs &attrs, TensorType &out) {
  std::string_view name = opName(op);
  if (op == OpKind::Select) {
    if (in[0].dtype != DType::I1)
      return makeError("'select' condition must be i1, got " + in[0].str());
    if (in[1] != in[2])
      return makeError("'select' branches differ: " + in[1].str() + " and " +
                       in[2].str());
    if (in[0].shape != in[1].shape)
      return makeError("'select' condition " + in[0].str() +
                       " does not match branches " + in[1].str());
    out = in[1];
    return Status::ok();
  }
  if (op == OpKind::Dropout || op == OpKind::DropoutTrain) {
    double p = attrs.getFloat("p");
    // Written so that NaN fails too.
    if (!(p >= 0 && p <= 1)) {
      std::ostringstream os;
      os << q(name) << " probability p = " << p << " is not in [0, 1]";
      return makeError(os.str());
    }
    // The draw's counter holds an element's index in 32 bits.
    if (in[0].numElements() > (int64_t(1) << 31))
      return makeError(q(name) + " of " + in[0].str() +
                       " has more than 2^31 elements");
  }
  if (op == OpKind::DropoutTrain) {
    VOSKHOD_RETURN_IF_ERROR(requireFloat(in[0], name));
    if (!isFloat(in[1].dtype) || in[1].shape != in[0].shape)
      return makeError("'dropout_train' step must be a float broadcast to " +
                       in[0].str() + ", got " + in[1].str());
    if (in[2].dtype != DType::I32 || in[2].shape != in[0].shape)
      return makeError("'dropout_train' seed must be an i32 broadcast to " +
                       in[0].str() + ", got " + in[2].str());
    int64_t key = attrs.getInt("key");
    if (key < 0 || key > int64_t(UINT32_MAX))
      return makeError("'dropout_train' key " + std::to_string(key) +
                       " is not a 32-bit unsigned integer");
    out = in[0];
    return Status::ok();
  }
  for (size_t i = 1; i < in.size(); ++i) {
    if (in[i].shape != in[0].shape)
      return makeError("shape mismatch: " + q(name) + " operands " +
                       in[0].str() + " and " + in[i].str());
    if (in[i].dtype != in[0].dtype)
      return makeError("dtype mismatch: " + q(name) + " operands " +
                       in[0].str() + " and " + in[i].str());
  }
  if (hasTrait(op, OpTrait::FloatOnly))
    VOSKHOD_RETURN_IF_ERROR(requireFloat(in[0], name));
  if (op == OpKind::Convert) {
    out.dtype = attrs.getDType("dtype");
    out.shape = in[0].shape;
    return Status::ok();
  }
  if (hasTrait(op, OpTrait::Comparison)) {
    if (in[0].dtype == DType::I1 && op != OpKind::Equal)
      return makeError(q(name) + " does not order i1 values");
    out.dtype = DType::I1;
    out.shape = in[0].shape;
    return Status::ok();
  }
  if (in[0].dtype == DType::I1)
    return makeError(q(name) + " does not apply to i1 values");
  out = in[0];
  return Status::ok();
}

Status inferMatmul(std::span<const TensorType> in, const Attrs &attrs,
                   TensorType &out) {
  const TensorType &a = in[0], &b = in[1];
  if (a.rank() < 2 || b.rank() < 2)
    return makeError("'matmul' expects operands of rank 2 or more, got " +
                     a.str() + " and " + b.str());
  VOSKHOD_RETURN_IF_ERROR(requireFloat(a, "matmul"));
  if (a.dtype != b.dtype)
    return makeError("dtype mismatch: 'matmul' operands " + a.str() + " and " +
                     b.str());
  // The last two dims are the matrices; the transposes swap only those.
  size_t ra = size_t(a.rank()), rb = size_t(b.rank());
  bool ta = attrs.getBool("transpose_a"), tb = attrs.getBool("transpose_b");
  int64_t m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
  int64_t ka = ta ? a.shape[ra - 2] : a.shape[ra - 1];
  int64_t kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
  int64_t n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
  if (ka != kb)
    return makeError("'matmul' inner dimensions differ: " + a.str() +
                     (ta ? "^T" : "") + " × " + b.str() + (tb ? "^T" : "") +
                     " (" + std::to_string(ka) + " vs " + std::to_string(kb) +
                     ")");
  // The leading dims are batch dims, broadcast as NumPy does.
  auto batch = broadcastShapes(Shape(a.shape.begin(), a.shape.end() - 2),
                               Shape(b.shape.begin(), b.shape.end() - 2));
  if (!batch)
    return makeError("'matmul' batch dimensions do not broadcast: " + a.str() +
                     " × " + b.str());
  out.dtype = a.dtype;
  out.shape = std::move(*batch);
  out.shape.push_back(m);
  out.shape.push_back(n);
  return Status::ok();
}

Status inferLayout(OpKind op, const TensorType &in, Attrs &attrs,
                   TensorType &out) {
  switch (op) {
  case OpKind::Transpose: {
    std::vector<int64_t> perm = attrs.getInts("perm");
    if (perm.empty()) {
      perm.resize(in.rank());
      std::iota(perm.rbegin(), perm.rend(), 0);
    }
    if (int64_t(perm.size()) != in.rank())
      return makeError("'transpose' permutation " + shapeStr(perm) +
                       " does not match rank of " + in.str());
    std::vector<bool> seen(perm.size(), false);
    out.shape.clear();
    for (int64_t &p : perm) {
      auto axis = normaliseAxis(p, in.rank(), "transpose");
      VOSKHOD_RETURN_IF_ERROR(axis);
      if (seen[*axis])
        return makeError("'transpose' permutation repeats axis " +
                         std::to_string(*axis));
      seen[*axis] = true;
      p = *axis;
      out.shape.push_back(in.shape[p]);
    }
    attrs.set("perm", perm);
    out.dtype = in.dtype;
    return Status::ok();
  }
  case OpKind::Reshape: {
    std::vector<int64_t> shape = attrs.getInts("shape");
    int inferred = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == -1 && inferred < 0) {
        inferred = int(i);
        continue;
      }
      if (shape[i] <= 0)
        return makeError("'reshape' target " + shapeStr(shape) +
                         " has a dimension that is not positive");
    }
    int64_t known = 1;
    for (size_t i = 0; i < shape.size(); ++i)
      if (int(i) != inferred) {
        if (known > kMaxElements / shape[i])
          return makeError("'reshape' target " + shapeStr(shape) +
                           " has too many elements");
        known *= shape[i];
      }
    int64_t total = in.numElements();
    if (inferred >= 0) {
      if (total % known != 0)
        return makeError("'reshape' cannot infer -1: " + in.str() + " has " +
                         std::to_string(total) +
                         " elements, not a multiple of " +
                         std::to_string(known));
      shape[inferred] = total / known;
      known = total;
    }
    if (known != total)
      return makeError("'reshape' cannot turn " + in.str() + " (" +
                       std::to_string(total) + " elements) into " +
                       shapeStr(shape) + " (" + std::to_string(known) +
                       " elements)");
    attrs.set("shape", shape);
    out.dtype = in.dtype;
    out.shape = shape;
    return Status::ok();
  }
  case OpKind::Broadcast: {
    const std::vector<int64_t> &shape = attrs.getInts("shape");
    VOSKHOD_RETURN_IF_ERROR(checkShape(shape, "'broadcast' target"));
    auto joined = broadcastShapes(in.shape, shape);
    if (int64_t(shape.size()) < in.rank() || !joined || *joined != shape)
      return makeError("cannot broadcast " + in.str() + " to " +
                       shapeStr(shape));
    out.dtype = in.dtype;
    out.shape = shape;
    return Status::ok();
  }
  default:
    break;
  }
  return makeError("internal: not a layout op");
}

Status inferReduction(OpKind op, const TensorType &in, Attrs &attrs,
                      TensorType &out) {
  std::string_view name = opName(op);
  if (op == OpKind::ReduceMean)
    VOSKHOD_RETURN_IF_ERROR(requireFloat(in, name));
  if (in.dtype == DType::I1)
    return makeError(q(name) + " does not apply to i1 values");
  std::vector<int64_t> axes = attrs.getInts("axes");
  if (axes.empty()) {
    axes.resize(in.rank());
    std::iota(axes.begin(), axes.end(), 0);
  }
  std::vector<bool> reduced(in.rank(), false);
  for (int64_t &a : axes) {
    auto axis = normaliseAxis(a, in.rank(), name);
    VOSKHOD_RETURN_IF_ERROR(axis);
    if (reduced[*axis])
      return makeError(q(name) + " repeats axis " + std::to_string(*axis));
    reduced[*axis] = true;
    a = *axis;
  }
  std::sort(axes.begin(), axes.end());
  attrs.set("axes", axes);
  bool keep = attrs.getBool("keepdims");
  out.dtype = in.dtype;
  out.shape.clear();
  for (int64_t i = 0; i < in.rank(); ++i) {
    if (!reduced[i])
      out.shape.push_back(in.shape[i]);
    else if (keep)
      out.shape.push_back(1);
  }
  return Status::ok();
}

Status inferLoss(OpKind op, std::span<const TensorType> in, TensorType &out) {
  std::string_view name = opName(op);
  const TensorType &a = in[0], &b = in[1];
  VOSKHOD_RETURN_IF_ERROR(requireFloat(a, name));
  if (op == OpKind::SoftmaxCrossEntropy) {
    if (a.rank() < 1)
      return makeError("'softmax_cross_entropy' expects logits with a class "
                       "axis, got " +
                       a.str());
    Shape rows(a.shape.begin(), a.shape.end() - 1);
    if (b.dtype == DType::I32) {
      if (b.shape != rows)
        return makeError("'softmax_cross_entropy' labels " + b.str() +
                         " do not match logits " + a.str() + " (expected i32" +
                         shapeStr(rows) + ")");
    } else if (b != a) {
      return makeError("'softmax_cross_entropy' targets " + b.str() +
                       " must be i32" + shapeStr(rows) +
                       " class indices or probabilities of type " + a.str());
    }
    out.dtype = a.dtype;
    out.shape.clear();
    return Status::ok();
  }
  if (a != b)
    return makeError("shape mismatch: " + q(name) + " operands " + a.str() +
                     " and " + b.str());
  out.dtype = a.dtype;
  out.shape.clear();
  return Status::ok();
}

/// batch_norm(x, gamma, beta, running_mean, running_var): channels on axis
/// 1 of x, every other operand [C] of x's dtype.
Status inferBatchNorm(std::span<const TensorType> in, const Attrs &attrs,
                      TensorType &out) {
  VOSKHOD_RETURN_IF_ERROR(requireFloat(in[0], "batch_norm"));
  if (in[0].rank() < 2)
    return makeError("'batch_norm' expects x of rank >= 2 with channels on "
                     "axis 1, got " +
                     in[0].str());
  static constexpr const char *kOperands[] = {"gamma", "beta", "running_mean",
                                              "running_var"};
  TensorType channels{in[0].dtype, {in[0].shape[1]}};
  for (size_t i = 1; i < 5; ++i)
    if (in[i] != channels)
      return makeError("'batch_norm' " + std::string(kOperands[i - 1]) +
                       " must be " + channels.str() + " (x is " + in[0].str() +
                       "), got " + in[i].str());
  double momentum = attrs.getFloat("momentum"), eps = attrs.getFloat("eps");
  // Written so that NaN fails too.
  if (!(momentum >= 0 && momentum <= 1)) {
    std::ostringstream os;
    os << "'batch_norm' momentum = " << momentum << " is not in [0, 1]";
    return makeError(os.str());
  }
  if (!(eps > 0) || std::isinf(eps)) {
    std::ostringstream os;
    os << "'batch_norm' eps = " << eps << " must be positive and finite";
    return makeError(os.str());
  }
  out = in[0];
  return Status::ok();
}

/// The result type by the op's family, on attributes already checked.
Status inferByFamily(OpKind op, std::span<const TensorType> in, Attrs &attrs,
                     TensorType &out) {
  std::string_view name = opName(op);
  if (hasTrait(op, OpTrait::Elementwise))
    return inferElementwise(op, in, attrs, out);
  if (hasTrait(op, OpTrait::Contraction))
    return inferMatmul(in, attrs, out);
  if (hasTrait(op, OpTrait::Layout))
    return inferLayout(op, in[0], attrs, out);
  if (hasTrait(op, OpTrait::Reduction))
    return inferReduction(op, in[0], attrs, out);
  if (hasTrait(op, OpTrait::Loss))
    return inferLoss(op, in, out);
  if (op == OpKind::Pad || op == OpKind::Slice || op == OpKind::Concat)
    return inferIndexMapping(op, in, attrs, out);
  if (hasTrait(op, OpTrait::RowWise)) {
    VOSKHOD_RETURN_IF_ERROR(requireFloat(in[0], name));
    if (in[0].rank() < 1)
      return makeError(q(name) + " expects a tensor of rank >= 1, got " +
                       in[0].str());
    auto axis = normaliseAxis(attrs.getInt("axis"), in[0].rank(), name);
    VOSKHOD_RETURN_IF_ERROR(axis);
    attrs.set("axis", *axis);
    // A causal row is query i's scores over keys j, masked where j > i: the
    // keys are the last axis and the queries the one before it.
    if (op == OpKind::Softmax && attrs.getBool("causal") &&
        (in[0].rank() < 2 || *axis != in[0].rank() - 1))
      return makeError("'softmax' with causal = true runs over the last axis "
                       "of a tensor of rank >= 2 ([..., queries, keys]), "
                       "got axis " +
                       std::to_string(*axis) + " of " + in[0].str());
    out = in[0];
    return Status::ok();
  }
  if (op == OpKind::Gather)
    return inferGather(in, attrs, out);
  if (op == OpKind::LayerNorm)
    return inferLayerNorm(in, attrs, out);
  if (op == OpKind::BatchNorm)
    return inferBatchNorm(in, attrs, out);
  if (op == OpKind::Conv2d || op == OpKind::MaxPool2d ||
      op == OpKind::AvgPool2d)
    return inferWindow(op, in, attrs, out);
  if (op == OpKind::OneHot) {
    if (in[0].dtype != DType::I32)
      return makeError("'one_hot' expects i32 indices, got " + in[0].str());
    int64_t depth = attrs.getInt("depth");
    if (depth <= 0)
      return makeError("'one_hot' depth must be positive, got " +
                       std::to_string(depth));
    out.dtype = attrs.getDType("dtype");
    out.shape = in[0].shape;
    out.shape.push_back(depth);
    return Status::ok();
  }
  return makeError("internal: no shape rule");
}

} // namespace

std::optional<Shape> broadcastShapes(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Status inferTypeInto(OpKind op, std::span<const TensorType> in, Attrs &attrs,
                     TensorType &out) {
  const OpInfo &info = opInfo(op);
  if (hasTrait(op, OpTrait::Leaf))
    return makeError(q(info.name) + " declares its type; it is not inferred");
  if (!acceptsOperandCount(info, in.size()))
    return makeError(operandCountMismatch(info, in.size()));
  VOSKHOD_RETURN_IF_ERROR(checkAttrs(op, attrs));

  VOSKHOD_RETURN_IF_ERROR(inferByFamily(op, in, attrs, out));
  return checkShape(out.shape, "result shape");
}

Expected<TensorType> inferType(OpKind op, std::span<const TensorType> in,
                               Attrs &attrs) {
  TensorType out;
  VOSKHOD_RETURN_IF_ERROR(inferTypeInto(op, in, attrs, out));
  return out;
}

} // namespace voskhod::ir
