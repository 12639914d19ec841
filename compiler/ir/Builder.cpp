//===- compiler/ir/Builder.cpp - checked node construction ----------------===//
#include "compiler/ir/Builder.h"

#include "compiler/ir/ShapeInference.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace voskhod::ir {

Expected<Node *> buildNode(Graph &g, OpKind op, std::vector<Node *> operands,
                           Attrs attrs, SourceLoc loc, std::string name) {
  // Operand types are copied into scratch kept across calls, whose shape
  // buffers are reused: building a train step creates a node per gradient
  // term, and inferType never builds nodes, so nothing re-enters this.
  thread_local std::vector<TensorType> types;
  if (types.size() < operands.size())
    types.resize(operands.size());
  for (size_t i = 0; i < operands.size(); ++i)
    types[i] = operands[i]->type();
  Expected<TensorType> type =
      inferType(op, std::span(types.data(), operands.size()), attrs);
  VOSKHOD_RETURN_IF_ERROR(type);
  return g.create(op, std::move(operands), type.take(), std::move(attrs), loc,
                  std::move(name));
}

Expected<Node *> broadcastTo(Graph &g, Node *value, const Shape &shape,
                             SourceLoc loc) {
  if (value->shape() == shape)
    return value;
  Attrs attrs;
  attrs.set("shape", shape);
  return buildNode(g, OpKind::Broadcast, {value}, std::move(attrs), loc);
}

Expected<Node *> buildBroadcasting(Graph &g, OpKind op,
                                   std::vector<Node *> operands, Attrs attrs,
                                   SourceLoc loc, std::string name) {
  if (hasTrait(op, OpTrait::Elementwise) && operands.size() > 1) {
    Shape common = operands[0]->shape();
    for (size_t i = 1; i < operands.size(); ++i) {
      auto joined = broadcastShapes(common, operands[i]->shape());
      if (!joined) {
        std::string list;
        for (size_t j = 0; j < operands.size(); ++j)
          list += (j ? " and " : "") + operands[j]->type().str();
        return makeError("cannot broadcast '" + std::string(opName(op)) +
                         "' operands " + list + " to a common shape");
      }
      common = *joined;
    }
    for (Node *&o : operands) {
      auto b = broadcastTo(g, o, common, loc);
      VOSKHOD_RETURN_IF_ERROR(b);
      o = *b;
    }
  }
  return buildNode(g, op, std::move(operands), std::move(attrs), loc,
                   std::move(name));
}

static Status checkLeafType(const TensorType &type) {
  for (int64_t d : type.shape)
    if (d <= 0)
      return makeError("type " + type.str() +
                       " has a dimension that is not positive");
  if (!checkedElementCount(type.shape))
    return makeError("type " + type.str() + " has too many elements");
  return Status::ok();
}

Expected<Node *> buildInput(Graph &g, TensorType type, SourceLoc loc,
                            std::string name) {
  VOSKHOD_RETURN_IF_ERROR(checkLeafType(type));
  return g.create(OpKind::Input, {}, std::move(type), {}, loc, std::move(name));
}

static Expected<Node *> buildStateful(Graph &g, OpKind op, TensorType type,
                                      InitSpec init, SourceLoc loc,
                                      std::string name) {
  VOSKHOD_RETURN_IF_ERROR(checkLeafType(type));
  if (!isFloat(type.dtype) && op == OpKind::Param)
    return makeError("parameters must be floating point, got " + type.str());
  if (init.kind == InitKind::Normal && !(init.b >= 0))
    return makeError("normal initialiser needs a non-negative std");
  if (init.kind == InitKind::Uniform && !(init.a <= init.b))
    return makeError("uniform initialiser needs low <= high");
  Node *n = g.create(op, {}, std::move(type), {}, loc, std::move(name));
  n->setInit(init);
  return n;
}

Expected<Node *> buildParam(Graph &g, TensorType type, InitSpec init,
                            SourceLoc loc, std::string name) {
  return buildStateful(g, OpKind::Param, std::move(type), init, loc,
                       std::move(name));
}

Expected<Node *> buildState(Graph &g, TensorType type, InitSpec init,
                            SourceLoc loc, std::string name) {
  return buildStateful(g, OpKind::State, std::move(type), init, loc,
                       std::move(name));
}

Expected<Node *> buildConst(Graph &g, TensorType type,
                            std::vector<double> values, SourceLoc loc,
                            std::string name) {
  VOSKHOD_RETURN_IF_ERROR(checkLeafType(type));
  int64_t n = type.numElements();
  if (values.size() == 1 && n > 1)
    values.assign(size_t(n), values[0]);
  if (int64_t(values.size()) != n)
    return makeError("constant of type " + type.str() + " needs " +
                     std::to_string(n) + " values, got " +
                     std::to_string(values.size()));
  for (double &v : values) {
    if (type.dtype == DType::I32 || type.dtype == DType::I1) {
      if (!std::isfinite(v))
        return makeError("integer constant is not finite");
      if (v != std::trunc(v))
        return makeError("integer constant has a fractional value");
      if (v < -2147483648.0 || v > 2147483647.0)
        return makeError("integer constant does not fit in i32");
      if (type.dtype == DType::I1 && v != 0 && v != 1)
        return makeError("i1 constant values must be 0 or 1");
    } else if (type.dtype == DType::F32) {
      v = double(float(v)); // what an f32 backend will hold
    }
  }
  Node *node =
      g.create(OpKind::Const, {}, std::move(type), {}, loc, std::move(name));
  node->setConstValues(std::move(values));
  return node;
}

Node *buildScalar(Graph &g, double value, DType dtype, SourceLoc loc) {
  auto n = buildConst(g, TensorType{dtype, {}}, {value}, loc);
  return *n; // a scalar of a valid dtype is always a valid constant
}

Status setMinimize(Graph &g, Node *loss, OptimizerKind optimizer,
                   Attrs settings, SourceLoc loc) {
  if (!loss->type().isScalar() || !isFloat(loss->dtype()))
    return makeError("'minimize' needs a floating-point scalar, got " +
                     loss->type().str());
  Attrs complete = defaultOptimizerAttrs(optimizer);
  std::vector<std::string_view> given;
  for (const auto &[alias, value] : settings.items()) {
    // An alias names one setting; a pair (`betas`) takes a list of two
    // numbers, which only the text format has and splits before here.
    std::vector<std::string_view> names =
        resolveOptimizerSetting(optimizer, alias);
    if (names.size() != 1)
      return makeError(
          names.empty() ? unknownOptimizerSettingMessage(optimizer, alias)
                        : "setting '" + alias + "' of '" +
                              std::string(optimizerName(optimizer)) +
                              "' is a pair; give '" + std::string(names[0]) +
                              "' and '" + std::string(names[1]) + "' instead");
    const std::string name(names[0]);
    if (std::find(given.begin(), given.end(), names[0]) != given.end())
      return makeError("setting '" + name + "' of '" +
                       std::string(optimizerName(optimizer)) +
                       "' is given twice (once as '" + alias + "')");
    given.push_back(names[0]);
    const OptimizerAttrSpec *spec = findOptimizerAttr(optimizer, name);
    AttrValue v = value;
    if (auto *i = std::get_if<int64_t>(&v); i && !spec->isBool)
      v = double(*i);
    bool ok = spec->isBool ? std::holds_alternative<bool>(v)
                           : std::holds_alternative<double>(v);
    if (!ok)
      return makeError("setting '" + name + "' of '" +
                       std::string(optimizerName(optimizer)) + "' expects " +
                       (spec->isBool ? "a boolean" : "a number") + ", got " +
                       attrValueStr(value));
    if (!spec->isBool) {
      double x = std::get<double>(v);
      if (!std::isfinite(x) || x < 0)
        return makeError("setting '" + name + "' of '" +
                         std::string(optimizerName(optimizer)) +
                         "' must be a finite non-negative number, got " +
                         attrValueStr(value));
    }
    complete.set(name, std::move(v));
  }
  g.minimize() = Minimize{loss, optimizer,    std::move(complete),
                          loc,  std::nullopt, std::nullopt};
  return Status::ok();
}

Status setGradClip(Graph &g, GradClip clip) {
  if (!g.minimize())
    return makeError("gradient clipping needs a 'minimize' clause");
  const char *name =
      clip.kind == GradClipKind::Norm ? "max_norm" : "clip_value";
  if (!std::isfinite(clip.limit) || clip.limit < 0)
    return makeError(std::string(name) +
                     " must be a finite non-negative number, got " +
                     attrValueStr(clip.limit));
  if (clip.kind == GradClipKind::Norm && clip.normType != 2 &&
      clip.normType != std::numeric_limits<double>::infinity())
    return makeError("norm_type must be 2 or inf, got " +
                     attrValueStr(clip.normType));
  g.minimize()->clip = clip;
  return Status::ok();
}

} // namespace voskhod::ir
