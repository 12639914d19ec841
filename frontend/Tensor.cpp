//===- frontend/Tensor.cpp - ops on symbolic tensors ----------------------===//
#include "frontend/Tensor.h"

#include "compiler/ir/Builder.h"
#include "frontend/GraphState.h"

namespace voskhod {

using detail::buildOp;
using detail::scalarLike;
using ir::OpKind;

namespace detail {

void GraphState::fail(const CallSite &site, std::string message) {
  if (!error)
    error = ir::Diagnostic{ir::Severity::Error, site.loc(), std::move(message)};
}

std::optional<std::string>
checkName(const ir::Graph &g, const std::string &name, const ir::Node *self) {
  if (name.empty())
    return "a node name cannot be empty";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!ok)
      return "name '" + name + "' may only use letters, digits, '_' and '.'";
  }
  if (const ir::Node *other = g.findByName(name); other && other != self) {
    std::string where =
        other->loc().known() ? " (at " + other->loc().str() + ")" : "";
    return "name '" + name + "' is already used" + where;
  }
  return std::nullopt;
}

Tensor buildOp(OpKind op, std::initializer_list<Tensor> operands,
               ir::Attrs attrs, const CallSite &site) {
  return buildOp(op, std::vector<Tensor>(operands), std::move(attrs), site);
}

Tensor buildOp(OpKind op, const std::vector<Tensor> &operands, ir::Attrs attrs,
               const CallSite &site) {
  GraphState *state = nullptr;
  for (const Tensor &t : operands)
    if ((state = TensorAccess::state(t)))
      break;
  if (!state)
    return Tensor();
  Tensor invalid = TensorAccess::make(state, nullptr);
  if (state->failed())
    return invalid;
  std::vector<ir::Node *> nodes;
  for (const Tensor &t : operands) {
    std::string opName = "'" + std::string(ir::opName(op)) + "'";
    if (!TensorAccess::state(t)) {
      state->fail(site, "an operand of " + opName +
                            " is an empty Tensor that belongs to no graph");
      return invalid;
    }
    if (TensorAccess::state(t) != state) {
      state->fail(site,
                  "the operands of " + opName + " belong to different graphs");
      return invalid;
    }
    if (!t.valid())
      return invalid;
    nodes.push_back(t.node());
  }
  auto node = ir::buildBroadcasting(state->graph, op, std::move(nodes),
                                    std::move(attrs), site.loc());
  if (!node) {
    state->fail(site, node.message());
    return invalid;
  }
  return TensorAccess::make(state, *node);
}

Tensor scalarLike(const Tensor &like, double value, const CallSite &site) {
  GraphState *state = TensorAccess::state(like);
  if (!state)
    return Tensor();
  if (state->failed() || !like.valid())
    return TensorAccess::make(state, nullptr);
  auto node = ir::buildConst(state->graph, ir::TensorType{like.dtype(), {}},
                             {value}, site.loc());
  if (!node) {
    state->fail(site, "the number " + ir::attrValueStr(value) +
                          " cannot be a " +
                          std::string(ir::dtypeName(like.dtype())) +
                          " operand: " + node.message());
    return TensorAccess::make(state, nullptr);
  }
  return TensorAccess::make(state, *node);
}

void fail(const Tensor &t, const CallSite &site, std::string message) {
  if (GraphState *state = TensorAccess::state(t))
    state->fail(site, std::move(message));
}

} // namespace detail

namespace {

Tensor binary(OpKind op, const Tensor &a, const Tensor &b,
              const CallSite &site) {
  return buildOp(op, {a, b}, {}, site);
}
// The number becomes a constant of the tensor's dtype, as a `.vg` literal
// does, and is created after the tensor operand (the parser's order too).
Tensor binary(OpKind op, const Tensor &a, double b, const CallSite &site) {
  return buildOp(op, {a, scalarLike(a, b, site)}, {}, site);
}
Tensor binary(OpKind op, double a, const Tensor &b, const CallSite &site) {
  return buildOp(op, {scalarLike(b, a, site), b}, {}, site);
}

ir::Attrs attrs(std::string_view name, ir::AttrValue value) {
  ir::Attrs a;
  a.set(name, std::move(value));
  return a;
}

ir::Attrs reductionAttrs(std::vector<int64_t> axes, bool keepdims) {
  ir::Attrs a;
  a.set("axes", std::move(axes));
  a.set("keepdims", keepdims);
  return a;
}

} // namespace

const ir::TensorType &Tensor::type() const {
  static const ir::TensorType kInvalid{ir::DType::F32, {}};
  return node_ ? node_->type() : kInvalid;
}

const std::string &Tensor::name() const {
  static const std::string kNone;
  return node_ ? node_->name() : kNone;
}

Tensor Tensor::named(const std::string &name, CallSite site) const {
  if (!state_ || state_->failed() || !node_)
    return *this;
  if (auto problem = detail::checkName(state_->graph, name, node_))
    state_->fail(site, *problem);
  else
    node_->setName(name);
  return *this;
}

#define VOSKHOD_TENSOR_METHOD_Unary(Enum, method, param)                       \
  Tensor Tensor::method(CallSite site) const {                                 \
    return buildOp(OpKind::Enum, {*this}, {}, site);                           \
  }
#define VOSKHOD_TENSOR_METHOD_UnaryFloat(Enum, method, param)                  \
  Tensor Tensor::method(std::optional<double> param, CallSite site) const {    \
    return buildOp(OpKind::Enum, {*this},                                      \
                   param ? attrs(#param, *param) : ir::Attrs(), site);         \
  }
#define VOSKHOD_TENSOR_METHOD_UnaryChoice(Enum, method, param)                 \
  Tensor Tensor::method(std::optional<std::string_view> param, CallSite site)  \
      const {                                                                  \
    return buildOp(OpKind::Enum, {*this},                                      \
                   param ? attrs(#param, std::string(*param)) : ir::Attrs(),   \
                   site);                                                      \
  }
#define VOSKHOD_TENSOR_METHOD_Binary(Enum, method, param)                      \
  Tensor Tensor::method(const Tensor &other, CallSite site) const {            \
    return binary(OpKind::Enum, *this, other, site);                           \
  }                                                                            \
  Tensor Tensor::method(double other, CallSite site) const {                   \
    return binary(OpKind::Enum, *this, other, site);                           \
  }                                                                            \
  Tensor method(const Tensor &a, const Tensor &b, CallSite site) {             \
    return binary(OpKind::Enum, a, b, site);                                   \
  }                                                                            \
  Tensor method(const Tensor &a, double b, CallSite site) {                    \
    return binary(OpKind::Enum, a, b, site);                                   \
  }                                                                            \
  Tensor method(double a, const Tensor &b, CallSite site) {                    \
    return binary(OpKind::Enum, a, b, site);                                   \
  }
#define VOSKHOD_TENSOR_METHOD_Reduce(Enum, method, param)                      \
  Tensor Tensor::method(std::vector<int64_t> axes, bool keepdims,              \
                        CallSite site) const {                                 \
    return buildOp(OpKind::Enum, {*this},                                      \
                   reductionAttrs(std::move(axes), keepdims), site);           \
  }
#define VOSKHOD_TENSOR_METHOD_Manual(Enum, method, param)
#define OP(Enum, Name, Arity, Traits, Api, Method, Param)                      \
  VOSKHOD_TENSOR_METHOD_##Api(Enum, Method, Param)
#include "compiler/ir/Ops.def"

Tensor Tensor::convert(ir::DType dtype, CallSite site) const {
  return buildOp(OpKind::Convert, {*this}, attrs("dtype", dtype), site);
}

Tensor Tensor::matmul(const Tensor &other, bool transposeA, bool transposeB,
                      CallSite site) const {
  ir::Attrs a;
  a.set("transpose_a", transposeA);
  a.set("transpose_b", transposeB);
  return buildOp(OpKind::Matmul, {*this, other}, std::move(a), site);
}

Tensor Tensor::transpose(std::vector<int64_t> perm, CallSite site) const {
  return buildOp(OpKind::Transpose, {*this}, attrs("perm", std::move(perm)),
                 site);
}
Tensor Tensor::reshape(std::vector<int64_t> shape, CallSite site) const {
  return buildOp(OpKind::Reshape, {*this}, attrs("shape", std::move(shape)),
                 site);
}
Tensor Tensor::broadcastTo(std::vector<int64_t> shape, CallSite site) const {
  return buildOp(OpKind::Broadcast, {*this}, attrs("shape", std::move(shape)),
                 site);
}

Tensor Tensor::conv2d(const Tensor &weight, const Conv2dOptions &options,
                      CallSite site) const {
  ir::Attrs a;
  a.set("stride", options.stride);
  a.set("padding", options.padding);
  a.set("dilation", options.dilation);
  a.set("groups", options.groups);
  return buildOp(OpKind::Conv2d, {*this, weight}, std::move(a), site);
}
Tensor Tensor::maxPool2d(std::vector<int64_t> kernel,
                         std::vector<int64_t> stride,
                         std::vector<int64_t> padding, CallSite site) const {
  ir::Attrs a;
  a.set("kernel", std::move(kernel));
  a.set("stride", std::move(stride));
  a.set("padding", std::move(padding));
  return buildOp(OpKind::MaxPool2d, {*this}, std::move(a), site);
}
Tensor Tensor::avgPool2d(std::vector<int64_t> kernel,
                         std::vector<int64_t> stride,
                         std::vector<int64_t> padding, bool countIncludePad,
                         CallSite site) const {
  ir::Attrs a;
  a.set("kernel", std::move(kernel));
  a.set("stride", std::move(stride));
  a.set("padding", std::move(padding));
  a.set("count_include_pad", countIncludePad);
  return buildOp(OpKind::AvgPool2d, {*this}, std::move(a), site);
}

Tensor Tensor::softmax(int64_t axis, CallSite site) const {
  return buildOp(OpKind::Softmax, {*this}, attrs("axis", axis), site);
}
Tensor Tensor::causalSoftmax(CallSite site) const {
  ir::Attrs a;
  a.set("axis", int64_t(-1));
  a.set("causal", true);
  return buildOp(OpKind::Softmax, {*this}, std::move(a), site);
}
Tensor Tensor::gather(const Tensor &indices, int64_t axis,
                      CallSite site) const {
  return buildOp(OpKind::Gather, {*this, indices}, attrs("axis", axis), site);
}
Tensor Tensor::logSoftmax(int64_t axis, CallSite site) const {
  return buildOp(OpKind::LogSoftmax, {*this}, attrs("axis", axis), site);
}
Tensor Tensor::oneHot(int64_t depth, ir::DType dtype, CallSite site) const {
  ir::Attrs a;
  a.set("depth", depth);
  a.set("dtype", dtype);
  return buildOp(OpKind::OneHot, {*this}, std::move(a), site);
}

Tensor Tensor::pad(std::vector<int64_t> pads, double value,
                   CallSite site) const {
  ir::Attrs a;
  a.set("pads", std::move(pads));
  a.set("value", value);
  return buildOp(OpKind::Pad, {*this}, std::move(a), site);
}
Tensor Tensor::slice(std::vector<int64_t> starts, std::vector<int64_t> ends,
                     std::vector<int64_t> steps, CallSite site) const {
  ir::Attrs a;
  a.set("starts", std::move(starts));
  a.set("ends", std::move(ends));
  a.set("steps", std::move(steps));
  return buildOp(OpKind::Slice, {*this}, std::move(a), site);
}

Tensor operator+(Located<Tensor> a, const Tensor &b) {
  return binary(OpKind::Add, a.value, b, a.site);
}
Tensor operator+(Located<Tensor> a, double b) {
  return binary(OpKind::Add, a.value, b, a.site);
}
Tensor operator+(Located<double> a, const Tensor &b) {
  return binary(OpKind::Add, a.value, b, a.site);
}
Tensor operator-(Located<Tensor> a, const Tensor &b) {
  return binary(OpKind::Sub, a.value, b, a.site);
}
Tensor operator-(Located<Tensor> a, double b) {
  return binary(OpKind::Sub, a.value, b, a.site);
}
Tensor operator-(Located<double> a, const Tensor &b) {
  return binary(OpKind::Sub, a.value, b, a.site);
}
Tensor operator*(Located<Tensor> a, const Tensor &b) {
  return binary(OpKind::Mul, a.value, b, a.site);
}
Tensor operator*(Located<Tensor> a, double b) {
  return binary(OpKind::Mul, a.value, b, a.site);
}
Tensor operator*(Located<double> a, const Tensor &b) {
  return binary(OpKind::Mul, a.value, b, a.site);
}
Tensor operator/(Located<Tensor> a, const Tensor &b) {
  return binary(OpKind::Div, a.value, b, a.site);
}
Tensor operator/(Located<Tensor> a, double b) {
  return binary(OpKind::Div, a.value, b, a.site);
}
Tensor operator/(Located<double> a, const Tensor &b) {
  return binary(OpKind::Div, a.value, b, a.site);
}
Tensor operator-(Located<Tensor> a) { return a.value.neg(a.site); }

Tensor select(const Tensor &cond, const Tensor &onTrue, const Tensor &onFalse,
              CallSite site) {
  return buildOp(OpKind::Select, {cond, onTrue, onFalse}, {}, site);
}
Tensor select(const Tensor &cond, const Tensor &onTrue, double onFalse,
              CallSite site) {
  return buildOp(OpKind::Select,
                 {cond, onTrue, scalarLike(onTrue, onFalse, site)}, {}, site);
}
Tensor select(const Tensor &cond, double onTrue, const Tensor &onFalse,
              CallSite site) {
  return buildOp(OpKind::Select,
                 {cond, scalarLike(onFalse, onTrue, site), onFalse}, {}, site);
}

Tensor concat(const std::vector<Tensor> &operands, int64_t axis,
              CallSite site) {
  if (operands.empty())
    return Tensor(); // no graph to report into; the result is invalid
  return buildOp(OpKind::Concat, operands, attrs("axis", axis), site);
}

Tensor matmul(const Tensor &a, const Tensor &b, bool transposeA,
              bool transposeB, CallSite site) {
  return a.matmul(b, transposeA, transposeB, site);
}

Tensor conv2d(const Tensor &x, const Tensor &weight,
              const Conv2dOptions &options, CallSite site) {
  return x.conv2d(weight, options, site);
}

Tensor batchNorm(const Tensor &x, const Tensor &gamma, const Tensor &beta,
                 const Tensor &runningMean, const Tensor &runningVar,
                 double momentum, double eps, CallSite site) {
  ir::Attrs a;
  a.set("momentum", momentum);
  a.set("eps", eps);
  return buildOp(OpKind::BatchNorm, {x, gamma, beta, runningMean, runningVar},
                 std::move(a), site);
}

Tensor layerNorm(const Tensor &x, const Tensor &gamma, const Tensor &beta,
                 std::vector<int64_t> axes, double eps, CallSite site) {
  ir::Attrs a;
  a.set("axes", std::move(axes));
  a.set("eps", eps);
  return buildOp(OpKind::LayerNorm, {x, gamma, beta}, std::move(a), site);
}

} // namespace voskhod
