//===- frontend/Tensor.h - symbolic tensor handles and their ops ----------===//
///
/// A Tensor names one node of a voskhod::Graph under construction; it holds no
/// data. Its methods and operators add nodes through ir::buildBroadcasting, so
/// the API builds exactly what the `.vg` parser builds for the same
/// expression: NumPy broadcasting becomes explicit `broadcast` nodes, and a
/// plain number next to a tensor (`x * 0.5`, `1.0 - x`) becomes a rank-0
/// `const` of that tensor's dtype.
///
/// Errors are sticky, as in XlaBuilder: the first one is recorded on the
/// graph, with the C++ line of the call, and reported by Graph::build();
/// from then on every op on that graph returns an invalid Tensor and adds
/// nothing. Shape queries on an invalid Tensor answer an empty f32 scalar
/// type, so code written against valid tensors runs on without crashing.
///
/// Nodes are added in the order C++ evaluates the calls. C++ leaves open the
/// order of the operands of one expression (`f(x) + g(x)`) and of the
/// arguments of one call, so two compilers may number such nodes
/// differently (the graphs compute the same); where the printed order
/// matters, build the parts in separate statements.
///
/// A Tensor refers to its Graph and must not outlive it. Comparisons are the
/// named methods `greater` and `equal` (returning i1), since `operator==` on
/// handles would read as a question about the handles.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "frontend/CallSite.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voskhod {

/// conv2d's attributes, with PyTorch's defaults. padding is [ph, pw] (each
/// side of an axis alike) or [top, left, bottom, right].
struct Conv2dOptions {
  std::vector<int64_t> stride = {1, 1};
  std::vector<int64_t> padding = {0, 0};
  std::vector<int64_t> dilation = {1, 1};
  int64_t groups = 1;
};

namespace detail {
struct GraphState;
struct TensorAccess;
} // namespace detail

class Tensor {
public:
  /// An invalid tensor belonging to no graph.
  Tensor() = default;

  bool valid() const { return node_ != nullptr; }
  const ir::TensorType &type() const;
  const ir::Shape &shape() const { return type().shape; }
  ir::DType dtype() const { return type().dtype; }
  int64_t rank() const { return type().rank(); }
  /// The node's name without '%'; empty when unnamed.
  const std::string &name() const;
  /// The IR node, or null when invalid.
  ir::Node *node() const { return node_; }

  /// Names the node (`[A-Za-z0-9_.]+`, unique in the graph) and returns it;
  /// renaming a named node is allowed.
  Tensor named(const std::string &name, CallSite site = {}) const;

  // One method per op whose Api column in compiler/ir/Ops.def is not
  // Manual: `x.exp()`, `x.leakyRelu(0.2)`, `x.gelu("tanh")`, `x.maximum(y)`,
  // `x.sum({1}, true)`. An attribute left out takes OpAttrs.def's default; a
  // reduction without axes reduces all of them, negative axes count from the
  // end. The semantics are the `.vg` op's.
#define VOSKHOD_TENSOR_METHOD_Unary(method, param)                             \
  Tensor method(CallSite site = {}) const;
#define VOSKHOD_TENSOR_METHOD_UnaryFloat(method, param)                        \
  Tensor method(std::optional<double> param = std::nullopt,                    \
                CallSite site = {}) const;
#define VOSKHOD_TENSOR_METHOD_UnaryChoice(method, param)                       \
  Tensor method(std::optional<std::string_view> param = std::nullopt,          \
                CallSite site = {}) const;
#define VOSKHOD_TENSOR_METHOD_Binary(method, param)                            \
  Tensor method(const Tensor &other, CallSite site = {}) const;                \
  Tensor method(double other, CallSite site = {}) const;
#define VOSKHOD_TENSOR_METHOD_Reduce(method, param)                            \
  Tensor method(std::vector<int64_t> axes = {}, bool keepdims = false,         \
                CallSite site = {}) const;
#define VOSKHOD_TENSOR_METHOD_Manual(method, param)
#define OP(Enum, Name, Arity, Traits, Api, Method, Param)                      \
  VOSKHOD_TENSOR_METHOD_##Api(Method, Param)
#include "compiler/ir/Ops.def"
#undef VOSKHOD_TENSOR_METHOD_Unary
#undef VOSKHOD_TENSOR_METHOD_UnaryFloat
#undef VOSKHOD_TENSOR_METHOD_UnaryChoice
#undef VOSKHOD_TENSOR_METHOD_Binary
#undef VOSKHOD_TENSOR_METHOD_Reduce
#undef VOSKHOD_TENSOR_METHOD_Manual

  Tensor convert(ir::DType dtype, CallSite site = {}) const;

  /// this × other, either read transposed (its last two dims swapped). Dims
  /// before the last two are batch dims, broadcast as NumPy does:
  /// [B, T, D] × [D, E] is [B, T, E].
  Tensor matmul(const Tensor &other, bool transposeA = false,
                bool transposeB = false, CallSite site = {}) const;

  // Layout. An empty permutation reverses the axes; one reshape dimension may
  // be -1 (inferred).
  Tensor transpose(std::vector<int64_t> perm = {}, CallSite site = {}) const;
  Tensor reshape(std::vector<int64_t> shape, CallSite site = {}) const;
  Tensor broadcastTo(std::vector<int64_t> shape, CallSite site = {}) const;

  // Index mapping. pads lists every axis's before then every axis's after
  // (ONNX's order): [b_0, ..., b_{r-1}, a_0, ..., a_{r-1}]. slice takes one
  // start, end and step per axis, as Python does (negative indices count
  // from the end, out-of-range ones clamp); empty steps mean all 1.
  Tensor pad(std::vector<int64_t> pads, double value = 0.0,
             CallSite site = {}) const;
  Tensor slice(std::vector<int64_t> starts, std::vector<int64_t> ends,
               std::vector<int64_t> steps = {}, CallSite site = {}) const;

  // Sliding windows over an NCHW image x [N, C, H, W], PyTorch's layouts:
  // conv2d's weight is [O, C/groups, KH, KW] and the result [N, O, OH, OW]
  // (a bias is a separate broadcast add, as nn::Conv2d builds it). A pool's
  // empty stride means its kernel; padding is [ph, pw] or [top, left,
  // bottom, right]; avgPool2d divides by the whole window, padding
  // included, unless countIncludePad is false.
  Tensor conv2d(const Tensor &weight, const Conv2dOptions &options = {},
                CallSite site = {}) const;
  Tensor maxPool2d(std::vector<int64_t> kernel,
                   std::vector<int64_t> stride = {},
                   std::vector<int64_t> padding = {0, 0},
                   CallSite site = {}) const;
  Tensor avgPool2d(std::vector<int64_t> kernel,
                   std::vector<int64_t> stride = {},
                   std::vector<int64_t> padding = {0, 0},
                   bool countIncludePad = true, CallSite site = {}) const;

  Tensor softmax(int64_t axis = -1, CallSite site = {}) const;
  /// softmax over the last axis where query i (the axis before it) sees
  /// keys j <= i only: attention scores [..., T, T] under a causal mask,
  /// with no mask tensor.
  Tensor causalSoftmax(CallSite site = {}) const;
  Tensor logSoftmax(int64_t axis = -1, CallSite site = {}) const;
  /// The slices of this table along `axis` that i32 `indices` name, the
  /// indices' shape in place of that axis: an embedding lookup for a
  /// [V, D] table and axis 0.
  Tensor gather(const Tensor &indices, int64_t axis = 0,
                CallSite site = {}) const;
  /// i32 indices to a trailing axis of `depth` zeros and ones.
  Tensor oneHot(int64_t depth, ir::DType dtype = ir::DType::F32,
                CallSite site = {}) const;

private:
  friend struct detail::TensorAccess;
  Tensor(detail::GraphState *state, ir::Node *node)
      : state_(state), node_(node) {}

  detail::GraphState *state_ = nullptr;
  ir::Node *node_ = nullptr;
};

/// An operand of an operator together with the line it appears on: operators
/// cannot take a defaulted CallSite, but the conversion to their first
/// parameter can.
template <typename T> struct Located {
  Located(const T &value, CallSite site = {}) : value(value), site(site) {}
  T value;
  CallSite site;
};

Tensor operator+(Located<Tensor> a, const Tensor &b);
Tensor operator+(Located<Tensor> a, double b);
Tensor operator+(Located<double> a, const Tensor &b);
Tensor operator-(Located<Tensor> a, const Tensor &b);
Tensor operator-(Located<Tensor> a, double b);
Tensor operator-(Located<double> a, const Tensor &b);
Tensor operator*(Located<Tensor> a, const Tensor &b);
Tensor operator*(Located<Tensor> a, double b);
Tensor operator*(Located<double> a, const Tensor &b);
Tensor operator/(Located<Tensor> a, const Tensor &b);
Tensor operator/(Located<Tensor> a, double b);
Tensor operator/(Located<double> a, const Tensor &b);
Tensor operator-(Located<Tensor> a);

// The Binary ops of Ops.def as free functions, a number on either side.
#define VOSKHOD_TENSOR_FUNCTION_Binary(method)                                 \
  Tensor method(const Tensor &a, const Tensor &b, CallSite site = {});         \
  Tensor method(const Tensor &a, double b, CallSite site = {});                \
  Tensor method(double a, const Tensor &b, CallSite site = {});
#define VOSKHOD_TENSOR_FUNCTION_Unary(method)
#define VOSKHOD_TENSOR_FUNCTION_UnaryFloat(method)
#define VOSKHOD_TENSOR_FUNCTION_UnaryChoice(method)
#define VOSKHOD_TENSOR_FUNCTION_Reduce(method)
#define VOSKHOD_TENSOR_FUNCTION_Manual(method)
#define OP(Enum, Name, Arity, Traits, Api, Method, Param)                      \
  VOSKHOD_TENSOR_FUNCTION_##Api(Method)
#include "compiler/ir/Ops.def"
#undef VOSKHOD_TENSOR_FUNCTION_Binary
#undef VOSKHOD_TENSOR_FUNCTION_Unary
#undef VOSKHOD_TENSOR_FUNCTION_UnaryFloat
#undef VOSKHOD_TENSOR_FUNCTION_UnaryChoice
#undef VOSKHOD_TENSOR_FUNCTION_Reduce
#undef VOSKHOD_TENSOR_FUNCTION_Manual

/// Elementwise `cond ? onTrue : onFalse` for an i1 `cond`, broadcasting all
/// three; a number branch takes the other branch's dtype.
Tensor select(const Tensor &cond, const Tensor &onTrue, const Tensor &onFalse,
              CallSite site = {});
Tensor select(const Tensor &cond, const Tensor &onTrue, double onFalse,
              CallSite site = {});
Tensor select(const Tensor &cond, double onTrue, const Tensor &onFalse,
              CallSite site = {});

/// The operands joined along `axis` (negative counts from the end); they
/// agree on every other dim and on dtype.
Tensor concat(const std::vector<Tensor> &operands, int64_t axis,
              CallSite site = {});

Tensor matmul(const Tensor &a, const Tensor &b, bool transposeA = false,
              bool transposeB = false, CallSite site = {});

/// x.conv2d(weight, options), as PyTorch's F.conv2d without its bias.
Tensor conv2d(const Tensor &x, const Tensor &weight,
              const Conv2dOptions &options = {}, CallSite site = {});

/// PyTorch's BatchNorm over axis 1 of x (rank >= 2); gamma, beta and the
/// running statistics are [C], the running ones `state` leaves. The
/// training step normalises with the batch's statistics and updates the
/// running ones; the forward entry normalises with the running ones
/// (compiler/training/ModeSpecialization.h).
Tensor batchNorm(const Tensor &x, const Tensor &gamma, const Tensor &beta,
                 const Tensor &runningMean, const Tensor &runningVar,
                 double momentum = 0.1, double eps = 1e-5, CallSite site = {});

/// PyTorch's LayerNorm over x's trailing `axes` (default the last; negative
/// counts from the end) with the biased variance; gamma and beta have the
/// shape of those axes.
Tensor layerNorm(const Tensor &x, const Tensor &gamma, const Tensor &beta,
                 std::vector<int64_t> axes = {-1}, double eps = 1e-5,
                 CallSite site = {});

} // namespace voskhod
