//===- compiler/interpreter/Interpreter.cpp - the float64 evaluator -------===//
///
/// One case per op of Ops.def, each a direct loop over row-major data; a
/// multi-dimensional index is turned into a flat one (and back) by the small
/// index helpers below. Semantics follow PyTorch where there is a question:
/// sign(0) = 0 and sign(nan) = 0 (`(x > 0) - (x < 0)`), relu, maximum,
/// minimum, reduce_max and reduce_min propagate NaN, sigmoid and softplus use
/// their overflow-free forms, softmax and log_softmax subtract the row maximum,
/// and the losses are means over the batch.
///
/// Integer values are held exactly: i32 arithmetic is done in int64 and
/// wrapped to 32 bits (two's complement, as the backends and PyTorch do), and
/// i32 division truncates toward zero. What has no defined result is an
/// error, never a crash: integer division by zero, a float that does not fit
/// i32 in `convert`, a label or one_hot index out of range.
///
/// It does not round f32 values to f32 between ops (only `convert` to f32
/// rounds), does not look for speed, and trusts nothing it is given: the
/// operand values and the node's attributes are re-checked through the
/// node's shape rule before anything is read.
///
//===----------------------------------------------------------------------===//
#include "compiler/interpreter/Interpreter.h"
#include "compiler/interpreter/SequenceOps.h"
#include "compiler/interpreter/WindowOps.h"

#include "compiler/ir/ShapeInference.h"
#include "compiler/ir/Verifier.h"
#include "support/InternalCheck.h"
#include "support/Philox.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace voskhod::ir {
namespace {

std::string q(std::string_view s) { return "'" + std::string(s) + "'"; }

//===----------------------------------------------------------------------===//
// Multi-dimensional indexing over row-major data.
//===----------------------------------------------------------------------===//

using Index = std::vector<int64_t>;

Index rowMajorStrides(const Shape &shape) {
  Index strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  return strides;
}

/// The multi-index of flat position `flat` in a tensor of `shape`.
Index unravel(int64_t flat, const Shape &shape) {
  Index idx(shape.size(), 0);
  for (size_t i = shape.size(); i-- > 0;) {
    idx[i] = flat % shape[i];
    flat /= shape[i];
  }
  return idx;
}

int64_t ravel(const Index &idx, const Index &strides) {
  int64_t flat = 0;
  for (size_t i = 0; i < idx.size(); ++i)
    flat += idx[i] * strides[i];
  return flat;
}

/// A tensor viewed as rows along one axis: element j of row (o, i) sits at
/// (o * n + j) * inner + i, so softmax and the losses need no index vectors.
struct AxisView {
  int64_t outer = 1, n = 1, inner = 1;

  AxisView(const Shape &shape, int64_t axis) {
    for (int64_t d = 0; d < int64_t(shape.size()); ++d) {
      if (d < axis)
        outer *= shape[d];
      else if (d == axis)
        n = shape[d];
      else
        inner *= shape[d];
    }
  }
  int64_t rows() const { return outer * inner; }
  int64_t at(int64_t row, int64_t j) const {
    return ((row / inner) * n + j) * inner + row % inner;
  }
};

//===----------------------------------------------------------------------===//
// Scalar semantics.
//===----------------------------------------------------------------------===//

/// Two's-complement wrap of an exact integer result to i32.
double wrapI32(int64_t v) { return double(int32_t(uint32_t(uint64_t(v)))); }

double nanOr(double a, double b, double otherwise) {
  if (std::isnan(a))
    return a;
  if (std::isnan(b))
    return b;
  return otherwise;
}

double sigmoid(double x) {
  if (x >= 0)
    return 1 / (1 + std::exp(-x));
  double e = std::exp(x);
  return e / (1 + e);
}

/// log(1 + exp(x)) without overflow for large x.
double softplus(double x) {
  return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
}

/// x Φ(x), Φ the standard normal CDF; or PyTorch's tanh approximation of it.
double gelu(double x, bool tanhForm) {
  if (tanhForm) {
    double u = std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x);
    return 0.5 * x * (1 + std::tanh(u));
  }
  return 0.5 * x * (1 + std::erf(x * M_SQRT1_2));
}

/// Error text for values that have no result; empty when all went well.
using Failure = std::string;

double unaryValue(OpKind op, DType dt, const Attrs &attrs, double x) {
  bool integer = dt == DType::I32;
  switch (op) {
  case OpKind::Neg:
    return integer ? wrapI32(-int64_t(x)) : -x;
  case OpKind::Abs:
    return integer ? wrapI32(std::abs(int64_t(x))) : std::abs(x);
  case OpKind::Exp:
    return std::exp(x);
  case OpKind::Log:
    return std::log(x);
  case OpKind::Sqrt:
    return std::sqrt(x);
  case OpKind::Rsqrt:
    return 1 / std::sqrt(x);
  case OpKind::Square:
    return integer ? wrapI32(int64_t(x) * int64_t(x)) : x * x;
  case OpKind::Sign:
    return double((x > 0) - (x < 0));
  case OpKind::Relu:
    return std::isnan(x) ? x : std::max(x, 0.0);
  case OpKind::LeakyRelu:
    return x > 0 ? x : attrs.getFloat("alpha") * x;
  case OpKind::Elu:
    return x > 0 ? x : attrs.getFloat("alpha") * std::expm1(x);
  case OpKind::Sigmoid:
    return sigmoid(x);
  case OpKind::Tanh:
    return std::tanh(x);
  case OpKind::Softplus:
    return softplus(x);
  case OpKind::Erf:
    return std::erf(x);
  case OpKind::Cos:
    return std::cos(x);
  case OpKind::Sin:
    return std::sin(x);
  case OpKind::Floor:
    return std::floor(x);
  case OpKind::Gelu:
    return gelu(x, attrs.getString("approximate") == "tanh");
  case OpKind::Silu:
    return x * sigmoid(x);
  default:
    break;
  }
  VOSKHOD_UNREACHABLE("not a unary arithmetic op");
  return 0;
}

/// `convert` to `to`; sets `failure` when x has no value of that dtype.
double convertValue(double x, DType to, Failure &failure) {
  switch (to) {
  case DType::F32:
    // Beyond the midpoint between FLT_MAX and 2^128, round-to-nearest gives
    // infinity; the cast itself would be undefined there.
    if (std::abs(x) >= 0x1.ffffffp127 && !std::isnan(x))
      return std::copysign(std::numeric_limits<double>::infinity(), x);
    return double(float(x));
  case DType::F64:
    return x;
  case DType::I1:
    return x != 0 ? 1 : 0;
  case DType::I32: {
    double t = std::trunc(x);
    if (!(t >= double(std::numeric_limits<int32_t>::min()) &&
          t <= double(std::numeric_limits<int32_t>::max()))) {
      failure = "'convert' cannot represent " + attrValueStr(x) + " as i32";
      return 0;
    }
    return t;
  }
  }
  return 0;
}

double binaryValue(OpKind op, DType dt, double a, double b, Failure &failure) {
  bool integer = dt == DType::I32;
  int64_t ia = integer ? int64_t(a) : 0, ib = integer ? int64_t(b) : 0;
  switch (op) {
  case OpKind::Add:
    return integer ? wrapI32(ia + ib) : a + b;
  case OpKind::Sub:
    return integer ? wrapI32(ia - ib) : a - b;
  case OpKind::Mul:
    return integer ? wrapI32(ia * ib) : a * b;
  case OpKind::Div:
    if (!integer)
      return a / b;
    if (ib == 0) {
      failure = "integer division by zero in 'div'";
      return 0;
    }
    return wrapI32(ia / ib); // C++ integer division truncates toward zero
  case OpKind::Pow:
    return std::pow(a, b);
  case OpKind::Maximum:
    return nanOr(a, b, std::max(a, b));
  case OpKind::Minimum:
    return nanOr(a, b, std::min(a, b));
  case OpKind::Greater:
    return a > b ? 1 : 0;
  case OpKind::Equal:
    return a == b ? 1 : 0;
  default:
    break;
  }
  VOSKHOD_UNREACHABLE("not a binary elementwise op");
  return 0;
}

//===----------------------------------------------------------------------===//
// Op families.
//===----------------------------------------------------------------------===//

/// The leading dims are batch dims broadcast as NumPy does; each batch
/// element is the rank-2 product of the matching (broadcast) operand
/// matrices.
HostTensor matmul(const TensorType &out, const HostTensor &a,
                  const HostTensor &b, const Attrs &attrs) {
  bool ta = attrs.getBool("transpose_a"), tb = attrs.getBool("transpose_b");
  size_t rank = out.shape.size();
  int64_t m = out.shape[rank - 2], n = out.shape[rank - 1];
  const Shape &as = a.type.shape, &bs = b.type.shape;
  int64_t k = ta ? as[as.size() - 2] : as[as.size() - 1];
  Shape batch(out.shape.begin(), out.shape.end() - 2);
  // The first element of the operand matrix that batch index `at` reads:
  // size-1 and missing batch dims of the operand stay at 0.
  auto matrixStart = [&](const Shape &shape, const Index &at) {
    size_t lead = batch.size() - (shape.size() - 2);
    int64_t start = 0, stride = shape[shape.size() - 2] * shape.back();
    for (size_t d = shape.size() - 2; d-- > 0;) {
      if (shape[d] != 1)
        start += at[lead + d] * stride;
      stride *= shape[d];
    }
    return start;
  };
  HostTensor r(out);
  int64_t batches = 1;
  for (int64_t d : batch)
    batches *= d;
  for (int64_t bi = 0; bi < batches; ++bi) {
    Index at = unravel(bi, batch);
    const double *ad = a.data.data() + matrixStart(as, at);
    const double *bd = b.data.data() + matrixStart(bs, at);
    double *rd = r.data.data() + bi * m * n;
    // Element (i, p) of op(A) and (p, j) of op(B), reading the stored
    // layout.
    auto aAt = [&](int64_t i, int64_t p) {
      return ta ? ad[p * m + i] : ad[i * k + p];
    };
    auto bAt = [&](int64_t p, int64_t j) {
      return tb ? bd[j * k + p] : bd[p * n + j];
    };
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0;
        for (int64_t p = 0; p < k; ++p)
          sum += aAt(i, p) * bAt(p, j);
        rd[i * n + j] = sum;
      }
  }
  return r;
}

HostTensor transpose(const TensorType &out, const HostTensor &x,
                     const Attrs &attrs) {
  const std::vector<int64_t> &perm = attrs.getInts("perm");
  Index inStrides = rowMajorStrides(x.type.shape);
  HostTensor r(out);
  for (int64_t flat = 0; flat < int64_t(r.data.size()); ++flat) {
    Index o = unravel(flat, out.shape);
    Index i(o.size());
    for (size_t d = 0; d < perm.size(); ++d)
      i[perm[d]] = o[d];
    r.data[flat] = x.data[ravel(i, inStrides)];
  }
  return r;
}

/// NumPy broadcasting: align shapes on the right; a size-1 (or missing)
/// input dimension repeats along the output's.
HostTensor broadcast(const TensorType &out, const HostTensor &x) {
  const Shape &in = x.type.shape;
  size_t lead = out.shape.size() - in.size();
  Index inStrides = rowMajorStrides(in);
  HostTensor r(out);
  for (int64_t flat = 0; flat < int64_t(r.data.size()); ++flat) {
    Index o = unravel(flat, out.shape);
    Index i(in.size());
    for (size_t d = 0; d < in.size(); ++d)
      i[d] = in[d] == 1 ? 0 : o[d + lead];
    r.data[flat] = x.data[ravel(i, inStrides)];
  }
  return r;
}

/// `value` outside the source, the source element shifted by the befores
/// inside it (pads in ONNX's order, all befores then all afters).
HostTensor pad(const TensorType &out, const HostTensor &x, const Attrs &attrs) {
  const std::vector<int64_t> &pads = attrs.getInts("pads");
  const Shape &in = x.type.shape;
  Index inStrides = rowMajorStrides(in);
  HostTensor r(out);
  for (int64_t flat = 0; flat < int64_t(r.data.size()); ++flat) {
    Index i = unravel(flat, out.shape);
    bool inside = true;
    for (size_t d = 0; d < in.size(); ++d) {
      i[d] -= pads[d];
      inside = inside && i[d] >= 0 && i[d] < in[d];
    }
    r.data[flat] =
        inside ? x.data[ravel(i, inStrides)] : attrs.getFloat("value");
  }
  return r;
}

/// Element o of the result is x[starts + o * steps] (attributes canonical).
HostTensor slice(const TensorType &out, const HostTensor &x,
                 const Attrs &attrs) {
  const std::vector<int64_t> &starts = attrs.getInts("starts");
  const std::vector<int64_t> &steps = attrs.getInts("steps");
  Index inStrides = rowMajorStrides(x.type.shape);
  HostTensor r(out);
  for (int64_t flat = 0; flat < int64_t(r.data.size()); ++flat) {
    Index i = unravel(flat, out.shape);
    for (size_t d = 0; d < i.size(); ++d)
      i[d] = starts[d] + i[d] * steps[d];
    r.data[flat] = x.data[ravel(i, inStrides)];
  }
  return r;
}

HostTensor concat(const TensorType &out, std::span<const HostTensor *const> in,
                  const Attrs &attrs) {
  size_t axis = size_t(attrs.getInt("axis"));
  HostTensor r(out);
  for (int64_t flat = 0; flat < int64_t(r.data.size()); ++flat) {
    Index i = unravel(flat, out.shape);
    size_t k = 0;
    while (i[axis] >= in[k]->type.shape[axis])
      i[axis] -= in[k++]->type.shape[axis];
    r.data[flat] = in[k]->data[ravel(i, rowMajorStrides(in[k]->type.shape))];
  }
  return r;
}

HostTensor reduce(OpKind op, const TensorType &out, const HostTensor &x,
                  const Attrs &attrs) {
  const Shape &in = x.type.shape;
  std::vector<bool> reduced(in.size(), false);
  for (int64_t a : attrs.getInts("axes"))
    reduced[a] = true;
  // The output index of an input element: its unreduced coordinates, with a
  // 0 in place of each reduced axis when the dimensions are kept.
  bool keep = attrs.getBool("keepdims");
  Index outStrides = rowMajorStrides(out.shape);
  auto outPosition = [&](const Index &i) {
    Index o;
    for (size_t d = 0; d < in.size(); ++d)
      if (!reduced[d])
        o.push_back(i[d]);
      else if (keep)
        o.push_back(0);
    return ravel(o, outStrides);
  };

  const double inf = std::numeric_limits<double>::infinity();
  double start = op == OpKind::ReduceMax    ? -inf
                 : op == OpKind::ReduceMin  ? inf
                 : op == OpKind::ReduceProd ? 1.0
                                            : 0.0;
  bool integer = x.type.dtype == DType::I32;
  HostTensor r(out, std::vector<double>(size_t(out.numElements()), start));
  for (int64_t flat = 0; flat < int64_t(x.data.size()); ++flat) {
    double &acc = r.data[outPosition(unravel(flat, in))];
    double v = x.data[flat];
    if (op == OpKind::ReduceMax)
      acc = nanOr(acc, v, std::max(acc, v));
    else if (op == OpKind::ReduceMin)
      acc = nanOr(acc, v, std::min(acc, v));
    else if (op == OpKind::ReduceProd)
      // i32 wraps at each step, as the compiled multiply does.
      acc = integer ? wrapI32(int64_t(acc) * int64_t(v)) : acc * v;
    else
      acc += v;
  }
  if (op == OpKind::ReduceSum && integer)
    for (double &v : r.data)
      v = wrapI32(int64_t(v));
  if (op == OpKind::ReduceMean) {
    double count = double(x.data.size()) / double(r.data.size());
    for (double &v : r.data)
      v /= count;
  }
  return r;
}

/// max over the row and log(sum(exp(x - max))): log_softmax is x - max - lse.
struct RowStats {
  double max, logSumExp;
};

/// Over the row's first `count` elements (a causal row's visible ones).
RowStats rowStats(const HostTensor &x, const AxisView &view, int64_t row,
                  int64_t count) {
  double max = -std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < count; ++j)
    max = nanOr(max, x.data[view.at(row, j)],
                std::max(max, x.data[view.at(row, j)]));
  double sum = 0;
  for (int64_t j = 0; j < count; ++j)
    sum += std::exp(x.data[view.at(row, j)] - max);
  return {max, std::log(sum)};
}

/// softmax and log_softmax; a causal softmax (over the last axis) gives
/// query i, the index on the axis before it, the keys j <= i only, and 0
/// to the others.
HostTensor softmax(OpKind op, const HostTensor &x, const Attrs &attrs) {
  AxisView view(x.type.shape, attrs.getInt("axis"));
  bool causal = op == OpKind::Softmax && attrs.getBool("causal");
  int64_t queries = causal ? x.type.shape[x.type.shape.size() - 2] : 1;
  HostTensor r(x.type);
  for (int64_t row = 0; row < view.rows(); ++row) {
    int64_t visible = causal ? std::min(row % queries + 1, view.n) : view.n;
    RowStats s = rowStats(x, view, row, visible);
    for (int64_t j = 0; j < view.n; ++j) {
      int64_t at = view.at(row, j);
      double logp = x.data[at] - s.max - s.logSumExp;
      if (j >= visible)
        r.data[at] = 0;
      else
        r.data[at] = op == OpKind::Softmax ? std::exp(logp) : logp;
    }
  }
  return r;
}

std::string rangeStr(int64_t n) { return "[0, " + std::to_string(n) + ")"; }

Expected<HostTensor> oneHot(const TensorType &out, const HostTensor &x) {
  int64_t depth = out.shape.back();
  HostTensor r(out);
  for (size_t i = 0; i < x.data.size(); ++i) {
    double index = x.data[i];
    if (!(index >= 0 && index < double(depth)))
      return makeError("'one_hot' index " + std::to_string(int64_t(index)) +
                       " is out of range " + rangeStr(depth));
    r.data[i * depth + size_t(index)] = 1;
  }
  return r;
}

Expected<HostTensor> softmaxCrossEntropy(const TensorType &out,
                                         const HostTensor &logits,
                                         const HostTensor &targets) {
  AxisView view(logits.type.shape, logits.type.rank() - 1);
  bool labels = targets.type.dtype == DType::I32;
  double total = 0;
  for (int64_t row = 0; row < view.rows(); ++row) {
    RowStats s = rowStats(logits, view, row, view.n);
    auto logp = [&](int64_t j) {
      return logits.data[view.at(row, j)] - s.max - s.logSumExp;
    };
    if (labels) {
      double label = targets.data[row];
      if (!(label >= 0 && label < double(view.n)))
        return makeError("'softmax_cross_entropy' label " +
                         std::to_string(int64_t(label)) + " is out of range " +
                         rangeStr(view.n));
      total -= logp(int64_t(label));
    } else {
      for (int64_t j = 0; j < view.n; ++j)
        total -= targets.data[view.at(row, j)] * logp(j);
    }
  }
  return HostTensor(out, {total / double(view.rows())});
}

HostTensor meanLoss(OpKind op, const TensorType &out, const HostTensor &a,
                    const HostTensor &b) {
  double total = 0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    double x = a.data[i], t = b.data[i];
    switch (op) {
    case OpKind::SigmoidCrossEntropy:
      // BCEWithLogitsLoss: -(t log σ(x) + (1 - t) log(1 - σ(x))) rewritten
      // so that no exp overflows.
      total += std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::abs(x)));
      break;
    case OpKind::MseLoss:
      total += (x - t) * (x - t);
      break;
    case OpKind::L1Loss:
      total += std::abs(x - t);
      break;
    default:
      VOSKHOD_UNREACHABLE("not an elementwise mean loss");
    }
  }
  return HostTensor(out, {total / double(a.data.size())});
}

/// Maps every element through `f`, which may report a failure.
template <typename F>
Expected<HostTensor> mapElements(const TensorType &out, size_t n, F f) {
  HostTensor r(out);
  Failure failure;
  for (size_t i = 0; i < n && failure.empty(); ++i)
    r.data[i] = f(i, failure);
  if (!failure.empty())
    return makeError(failure);
  return r;
}

/// x times the mask support/Philox.h defines: the same draw, threshold and
/// scale as the kernels, so the interpreter keeps exactly the elements they
/// keep. A dropped element is x times 0, as in PyTorch (NaN stays NaN).
HostTensor dropoutTrain(const TensorType &out, const HostTensor &x,
                        const HostTensor &step, const HostTensor &seed,
                        const Attrs &attrs) {
  double p = attrs.getFloat("p");
  uint32_t threshold = dropoutThreshold(p), key = uint32_t(attrs.getInt("key"));
  double scale = dropoutScale(p);
  HostTensor r(out);
  for (size_t i = 0; i < x.data.size(); ++i) {
    uint32_t draw =
        dropoutDraw(uint32_t(int32_t(seed.data[i])),
                    uint32_t(int32_t(step.data[i])), key, uint32_t(i));
    r.data[i] = x.data[i] * (draw >= threshold ? scale : 0.0);
  }
  return r;
}

/// (x − running_mean) · γ/√(running_var + eps) + β over channel axis 1,
/// the formula ModeSpecialization's evaluation form builds from graph ops.
HostTensor batchNormEval(const TensorType &out,
                         std::span<const HostTensor *const> in,
                         const Attrs &attrs) {
  double eps = attrs.getFloat("eps");
  int64_t channels = out.shape[1], inner = 1;
  for (size_t d = 2; d < out.shape.size(); ++d)
    inner *= out.shape[d];
  HostTensor r(out);
  for (size_t i = 0; i < r.data.size(); ++i) {
    size_t c = size_t((int64_t(i) / inner) % channels);
    double scale = in[1]->data[c] / std::sqrt(in[4]->data[c] + eps);
    r.data[i] = (in[0]->data[i] - in[3]->data[c]) * scale + in[2]->data[c];
  }
  return r;
}

Expected<HostTensor> evaluateOp(const Node &n, const TensorType &out,
                                const Attrs &attrs,
                                std::span<const HostTensor *const> in) {
  DType dt = in.empty() ? out.dtype : in[0]->type.dtype;
  size_t size = size_t(out.numElements());
  switch (n.op()) {
  case OpKind::Input:
  case OpKind::Param:
  case OpKind::State:
    return makeError(q(opName(n.op())) +
                     " is a leaf: its value comes from the caller");
  case OpKind::Const:
    if (int64_t(n.constValues().size()) != out.numElements())
      return makeError("internal: constant has " +
                       std::to_string(n.constValues().size()) +
                       " values for type " + out.str());
    return HostTensor(out, n.constValues());

  case OpKind::Neg:
  case OpKind::Abs:
  case OpKind::Exp:
  case OpKind::Log:
  case OpKind::Sqrt:
  case OpKind::Rsqrt:
  case OpKind::Square:
  case OpKind::Sign:
  case OpKind::Relu:
  case OpKind::LeakyRelu:
  case OpKind::Elu:
  case OpKind::Sigmoid:
  case OpKind::Tanh:
  case OpKind::Softplus:
  case OpKind::Erf:
  case OpKind::Cos:
  case OpKind::Sin:
  case OpKind::Floor:
  case OpKind::Gelu:
  case OpKind::Silu:
    return mapElements(out, size, [&](size_t i, Failure &) {
      return unaryValue(n.op(), dt, attrs, in[0]->data[i]);
    });
  case OpKind::Convert:
    return mapElements(out, size, [&](size_t i, Failure &failure) {
      return convertValue(in[0]->data[i], out.dtype, failure);
    });

  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
  case OpKind::Pow:
  case OpKind::Maximum:
  case OpKind::Minimum:
  case OpKind::Greater:
  case OpKind::Equal:
    return mapElements(out, size, [&](size_t i, Failure &failure) {
      return binaryValue(n.op(), dt, in[0]->data[i], in[1]->data[i], failure);
    });
  case OpKind::Select:
    return mapElements(out, size, [&](size_t i, Failure &) {
      return in[0]->data[i] != 0 ? in[1]->data[i] : in[2]->data[i];
    });
  case OpKind::Dropout:
    // Unspecialised: the evaluation form (ModeSpecialization.h).
    return HostTensor(out, in[0]->data);
  case OpKind::DropoutTrain:
    return dropoutTrain(out, *in[0], *in[1], *in[2], attrs);
  case OpKind::BatchNorm:
    // Unspecialised: the evaluation form (ModeSpecialization.h).
    return batchNormEval(out, in, attrs);
  case OpKind::Conv2d:
    return conv2dDirect(out, *in[0], *in[1],
                        windowOf(n.op(), {{in[0]->type, in[1]->type}}, attrs));
  case OpKind::MaxPool2d:
    return maxPool2dDirect(out, *in[0],
                           windowOf(n.op(), {{in[0]->type}}, attrs));
  case OpKind::AvgPool2d:
    return avgPool2dDirect(out, *in[0],
                           windowOf(n.op(), {{in[0]->type}}, attrs),
                           attrs.getBool("count_include_pad"));

  case OpKind::Matmul:
    return matmul(out, *in[0], *in[1], attrs);
  case OpKind::Transpose:
    return transpose(out, *in[0], attrs);
  case OpKind::Reshape:
    return HostTensor(out, in[0]->data);
  case OpKind::Broadcast:
    return broadcast(out, *in[0]);
  case OpKind::Pad:
    return pad(out, *in[0], attrs);
  case OpKind::Slice:
    return slice(out, *in[0], attrs);
  case OpKind::Concat:
    return concat(out, in, attrs);

  case OpKind::ReduceSum:
  case OpKind::ReduceMean:
  case OpKind::ReduceMax:
  case OpKind::ReduceMin:
  case OpKind::ReduceProd:
    return reduce(n.op(), out, *in[0], attrs);

  case OpKind::Softmax:
  case OpKind::LogSoftmax:
    return softmax(n.op(), *in[0], attrs);

  case OpKind::OneHot:
    return oneHot(out, *in[0]);
  case OpKind::Gather:
    return gatherDirect(out, *in[0], *in[1], attrs.getInt("axis"));
  case OpKind::LayerNorm:
    return layerNormDirect(*in[0], *in[1], *in[2],
                           int64_t(attrs.getInts("axes").size()),
                           attrs.getFloat("eps"));

  case OpKind::SoftmaxCrossEntropy:
    return softmaxCrossEntropy(out, *in[0], *in[1]);
  case OpKind::SigmoidCrossEntropy:
  case OpKind::MseLoss:
  case OpKind::L1Loss:
    return meanLoss(n.op(), out, *in[0], *in[1]);
  }
  return makeError("internal: the interpreter has no case for " +
                   q(opName(n.op())));
}

/// Why `value` cannot stand for a value of type `type`, or empty: the type
/// must match, the payload must have one entry per element, and integer
/// dtypes must hold integers of their range.
std::string checkValue(const HostTensor &value, const TensorType &type) {
  if (value.type != type)
    return "has type " + value.type.str() + ", expected " + type.str();
  if (int64_t(value.data.size()) != type.numElements())
    return "has " + std::to_string(value.data.size()) + " values, type " +
           type.str() + " needs " + std::to_string(type.numElements());
  if (isFloat(type.dtype))
    return {};
  for (double v : value.data) {
    bool ok = true;
    if (type.dtype == DType::I1)
      ok = v == 0 || v == 1;
    else if (type.dtype == DType::I32)
      ok = v == std::trunc(v) &&
           v >= double(std::numeric_limits<int32_t>::min()) &&
           v <= double(std::numeric_limits<int32_t>::max());
    if (!ok)
      return "holds " + attrValueStr(v) + ", which is not an " +
             std::string(dtypeName(type.dtype)) + " value";
  }
  return {};
}

/// evaluate(), also saying which node failed.
Expected<Evaluation> evaluateGraph(const Graph &g, const LeafValues &leaves,
                                   const Node *&failed) {
  std::vector<HostTensor> values(g.size());
  for (size_t i = 0; i < g.size(); ++i) {
    const Node *n = g.node(i);
    failed = n;
    VOSKHOD_CHECK(n->index() == int(i)) << "node indices are stale";
    if (n->is(OpKind::Input) || n->is(OpKind::Param) || n->is(OpKind::State)) {
      std::string what = std::string(opName(n->op())) + " " + describeNode(n);
      auto it = leaves.find(n);
      if (it == leaves.end())
        return makeError("no value for " + what);
      if (std::string why = checkValue(it->second, n->type()); !why.empty())
        return makeError("value for " + what + " " + why);
      values[i] = it->second;
      continue;
    }
    if (n->is(OpKind::Const)) {
      HostTensor c(n->type(), n->constValues());
      if (std::string why = checkValue(c, n->type()); !why.empty())
        return makeError("constant " + describeNode(n) + " " + why);
      values[i] = std::move(c);
      continue;
    }
    std::vector<const HostTensor *> operands;
    for (const Node *o : n->operands())
      operands.push_back(&values[o->index()]);
    Expected<HostTensor> v = evaluateNode(*n, operands);
    VOSKHOD_RETURN_IF_ERROR(v);
    values[i] = v.take();
  }
  failed = nullptr;
  return Evaluation(std::move(values));
}

} // namespace

Expected<HostTensor> evaluateNode(const Node &n,
                                  std::span<const HostTensor *const> operands) {
  if (operands.size() != n.numOperands())
    return makeError("internal: " + q(opName(n.op())) + " has " +
                     std::to_string(n.numOperands()) + " operands, given " +
                     std::to_string(operands.size()) + " values");
  std::vector<TensorType> types;
  for (size_t i = 0; i < operands.size(); ++i) {
    const HostTensor &v = *operands[i];
    if (std::string why = checkValue(v, n.operand(i)->type()); !why.empty())
      return makeError("internal: operand " + std::to_string(i) + " of " +
                       q(opName(n.op())) + " " + why);
    types.push_back(v.type);
  }
  if (n.hasTrait(OpTrait::Leaf))
    return evaluateOp(n, n.type(), n.attrs(), operands);
  // The shape rule canonicalises a copy of the attributes and confirms the
  // node's type, so the loops below read only checked, complete attributes.
  Attrs attrs = n.attrs();
  Expected<TensorType> type = inferType(n.op(), types, attrs);
  if (!type)
    return makeError("internal: " + type.message());
  if (*type != n.type())
    return makeError("internal: " + q(opName(n.op())) + " node has type " +
                     n.type().str() + ", its operands give " + type->str());
  return evaluateOp(n, n.type(), attrs, operands);
}

Expected<Evaluation> evaluate(const Graph &g, const LeafValues &leaves) {
  const Node *failed = nullptr;
  return evaluateGraph(g, leaves, failed);
}

Expected<Evaluation> evaluate(const Graph &g, const LeafValues &leaves,
                              DiagnosticEngine &diags) {
  const Node *failed = nullptr;
  Expected<Evaluation> result = evaluateGraph(g, leaves, failed);
  if (!result)
    diags.error(failed ? failed->loc() : SourceLoc{}, result.message());
  return result;
}

LeafValues nextLeafValues(const Graph &g, const Evaluation &eval,
                          const LeafValues &current) {
  LeafValues next = current;
  for (const Update &u : g.updates())
    next[u.target] = eval.value(u.value);
  return next;
}

} // namespace voskhod::ir
