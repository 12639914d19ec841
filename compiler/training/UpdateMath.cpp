//===- compiler/training/UpdateMath.cpp - optimiser arithmetic ------------===//
#include "compiler/training/UpdateMath.h"

#include "compiler/ir/Builder.h"
#include "support/InternalCheck.h"

#include <cmath>

namespace voskhod::training {
using namespace ir;

UpdateMath::UpdateMath(Graph &g, DType dtype, SourceLoc loc, Node *step,
                       std::function<Node *()> stepNext,
                       std::function<Node *(std::string_view)> hparamLeaf)
    : g_(g), dtype_(dtype), loc_(loc), step_(step),
      stepNext_(std::move(stepNext)), hparamLeaf_(std::move(hparamLeaf)) {
  VOSKHOD_CHECK(isFloat(dtype)) << "optimiser arithmetic needs a float dtype";
}

Node *UpdateMath::build(OpKind op, std::vector<Node *> operands) {
  Expected<Node *> n = buildBroadcasting(g_, op, std::move(operands), {}, loc_);
  VOSKHOD_CHECK(n) << "optimiser update built an ill-typed node";
  return *n;
}

Node *UpdateMath::constant(double value) {
  VOSKHOD_CHECK(std::isfinite(value)) << "optimiser constant is not finite";
  // +0 and -0 compare equal as keys; every constant here is a setting or
  // derived from one, and none is a negative zero.
  auto [it, inserted] = constants_.try_emplace(value, nullptr);
  if (inserted)
    it->second = buildScalar(g_, value, dtype_, loc_);
  return it->second;
}

Node *UpdateMath::add(Node *a, Node *b) { return build(OpKind::Add, {a, b}); }
Node *UpdateMath::sub(Node *a, Node *b) { return build(OpKind::Sub, {a, b}); }
Node *UpdateMath::mul(Node *a, Node *b) { return build(OpKind::Mul, {a, b}); }
Node *UpdateMath::div(Node *a, Node *b) { return build(OpKind::Div, {a, b}); }
Node *UpdateMath::pow(Node *a, Node *b) { return build(OpKind::Pow, {a, b}); }
Node *UpdateMath::maximum(Node *a, Node *b) {
  return build(OpKind::Maximum, {a, b});
}
Node *UpdateMath::minimum(Node *a, Node *b) {
  return build(OpKind::Minimum, {a, b});
}
Node *UpdateMath::neg(Node *a) { return build(OpKind::Neg, {a}); }
Node *UpdateMath::abs(Node *a) { return build(OpKind::Abs, {a}); }
Node *UpdateMath::sumAll(Node *a) { return build(OpKind::ReduceSum, {a}); }
Node *UpdateMath::maxAll(Node *a) { return build(OpKind::ReduceMax, {a}); }
Node *UpdateMath::sqrt(Node *a) { return build(OpKind::Sqrt, {a}); }
Node *UpdateMath::square(Node *a) { return build(OpKind::Square, {a}); }
Node *UpdateMath::cos(Node *a) { return build(OpKind::Cos, {a}); }
Node *UpdateMath::floor(Node *a) { return build(OpKind::Floor, {a}); }

Node *UpdateMath::select(Node *a, Node *b, Node *onTrue, Node *onFalse) {
  return where(greater(a, b), onTrue, onFalse);
}

Node *UpdateMath::greater(Node *a, Node *b) {
  return build(OpKind::Greater, {a, b});
}

Node *UpdateMath::where(Node *cond, Node *onTrue, Node *onFalse) {
  return build(OpKind::Select, {cond, onTrue, onFalse});
}

Node *UpdateMath::inDType(Node *value) {
  if (value->dtype() == dtype_)
    return value;
  Attrs attrs;
  attrs.set("dtype", dtype_);
  Expected<Node *> n =
      buildNode(g_, OpKind::Convert, {value}, std::move(attrs), loc_);
  VOSKHOD_CHECK(n) << "convert between float dtypes failed";
  return *n;
}

Node *UpdateMath::stepsDone() {
  return shared("steps_done", [&] { return inDType(step_); });
}

Node *UpdateMath::stepNumber() {
  return shared("step_number", [&] { return inDType(stepNext_()); });
}

Node *UpdateMath::hparam(std::string_view name) {
  return shared("hparam." + std::string(name),
                [&] { return baseHparam(name); });
}

Node *UpdateMath::baseHparam(std::string_view name) {
  return shared("base-hparam." + std::string(name),
                [&] { return inDType(hparamLeaf_(name)); });
}

void UpdateMath::overrideHparam(std::string_view name, Node *value) {
  auto [it, inserted] =
      shared_.try_emplace("hparam." + std::string(name), inDType(value));
  VOSKHOD_CHECK(inserted) << "hyperparameter '" << name
                          << "' overridden after a rule read it";
}

Node *UpdateMath::oneMinusHparam(std::string_view name) {
  return shared("1-hparam." + std::string(name),
                [&] { return sub(1.0, hparam(name)); });
}

Node *UpdateMath::shared(const std::string &key,
                         const std::function<Node *()> &make) {
  auto it = shared_.find(key);
  if (it != shared_.end())
    return it->second;
  Node *n = make();
  shared_.emplace(key, n);
  return n;
}

} // namespace voskhod::training
