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
#include <vector>

namespace voskhod {

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

  // Elementwise, one operand. The alphas default to OpAttrs.def's.
  Tensor abs(CallSite site = {}) const;
  Tensor exp(CallSite site = {}) const;
  Tensor log(CallSite site = {}) const;
  Tensor sqrt(CallSite site = {}) const;
  Tensor rsqrt(CallSite site = {}) const;
  Tensor square(CallSite site = {}) const;
  Tensor sign(CallSite site = {}) const;
  Tensor relu(CallSite site = {}) const;
  Tensor leakyRelu(std::optional<double> alpha = std::nullopt,
                   CallSite site = {}) const;
  Tensor elu(std::optional<double> alpha = std::nullopt,
             CallSite site = {}) const;
  Tensor sigmoid(CallSite site = {}) const;
  Tensor tanh(CallSite site = {}) const;
  Tensor softplus(CallSite site = {}) const;
  Tensor erf(CallSite site = {}) const;
  /// x Φ(x); approximate is "none" (with erf) or "tanh", as in PyTorch.
  Tensor gelu(std::string_view approximate = "none", CallSite site = {}) const;
  Tensor neg(CallSite site = {}) const;
  Tensor convert(ir::DType dtype, CallSite site = {}) const;

  // Elementwise, two operands, broadcasting. The free functions of the same
  // names below also take a number first.
  Tensor pow(const Tensor &exponent, CallSite site = {}) const;
  Tensor pow(double exponent, CallSite site = {}) const;
  Tensor maximum(const Tensor &other, CallSite site = {}) const;
  Tensor maximum(double other, CallSite site = {}) const;
  Tensor minimum(const Tensor &other, CallSite site = {}) const;
  Tensor minimum(double other, CallSite site = {}) const;
  Tensor greater(const Tensor &other, CallSite site = {}) const;
  Tensor greater(double other, CallSite site = {}) const;
  Tensor equal(const Tensor &other, CallSite site = {}) const;
  Tensor equal(double other, CallSite site = {}) const;

  /// this × other of rank-2 operands, either read transposed.
  Tensor matmul(const Tensor &other, bool transposeA = false,
                bool transposeB = false, CallSite site = {}) const;

  // Layout. An empty permutation reverses the axes; one reshape dimension may
  // be -1 (inferred).
  Tensor transpose(std::vector<int64_t> perm = {}, CallSite site = {}) const;
  Tensor reshape(std::vector<int64_t> shape, CallSite site = {}) const;
  Tensor broadcastTo(std::vector<int64_t> shape, CallSite site = {}) const;

  // Reductions; no axes means all of them, negative axes count from the end.
  Tensor sum(std::vector<int64_t> axes = {}, bool keepdims = false,
             CallSite site = {}) const;
  Tensor mean(std::vector<int64_t> axes = {}, bool keepdims = false,
              CallSite site = {}) const;
  Tensor max(std::vector<int64_t> axes = {}, bool keepdims = false,
             CallSite site = {}) const;
  Tensor min(std::vector<int64_t> axes = {}, bool keepdims = false,
             CallSite site = {}) const;

  Tensor softmax(int64_t axis = -1, CallSite site = {}) const;
  Tensor logSoftmax(int64_t axis = -1, CallSite site = {}) const;
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

Tensor pow(const Tensor &base, const Tensor &exponent, CallSite site = {});
Tensor pow(const Tensor &base, double exponent, CallSite site = {});
Tensor pow(double base, const Tensor &exponent, CallSite site = {});
Tensor maximum(const Tensor &a, const Tensor &b, CallSite site = {});
Tensor maximum(const Tensor &a, double b, CallSite site = {});
Tensor maximum(double a, const Tensor &b, CallSite site = {});
Tensor minimum(const Tensor &a, const Tensor &b, CallSite site = {});
Tensor minimum(const Tensor &a, double b, CallSite site = {});
Tensor minimum(double a, const Tensor &b, CallSite site = {});
Tensor greater(const Tensor &a, const Tensor &b, CallSite site = {});
Tensor greater(const Tensor &a, double b, CallSite site = {});
Tensor greater(double a, const Tensor &b, CallSite site = {});
Tensor equal(const Tensor &a, const Tensor &b, CallSite site = {});
Tensor equal(const Tensor &a, double b, CallSite site = {});
Tensor equal(double a, const Tensor &b, CallSite site = {});

/// Elementwise `cond ? onTrue : onFalse` for an i1 `cond`, broadcasting all
/// three; a number branch takes the other branch's dtype.
Tensor select(const Tensor &cond, const Tensor &onTrue, const Tensor &onFalse,
              CallSite site = {});
Tensor select(const Tensor &cond, const Tensor &onTrue, double onFalse,
              CallSite site = {});
Tensor select(const Tensor &cond, double onTrue, const Tensor &onFalse,
              CallSite site = {});

Tensor matmul(const Tensor &a, const Tensor &b, bool transposeA = false,
              bool transposeB = false, CallSite site = {});

} // namespace voskhod
