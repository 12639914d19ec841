//===- tests/unit/cuda/ModelCases.h - the graphs the CUDA tests use -------===//
///
/// Every op (one small forward graph each, at shapes that leave ragged
/// tiles and odd vector tails, with transposed operands and reductions over
/// every kind of axis set), fused patterns, and whole training steps (the
/// seed classifier, small MLPs under each optimiser, the MLP benchmark).
/// The render tests compile all of them; the execution tests run them
/// against the interpreter. `tolerance` is the relative error allowed in
/// f32: 1e-5 elementwise, 1e-4 through reductions and products.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace voskhod::cuda::test {

inline constexpr double kElementwise = 1e-5, kReduction = 1e-4;

struct ModelCase {
  std::string name;
  std::string text; // a whole .vg graph
  double tolerance;
  bool train = false; // compile its training step (it has `minimize`)
  /// Small enough for the host emulation (EmulationTest.cpp) and the
  /// float64 interpreter to check in a few seconds.
  bool emulate = true;
  /// Also checked with NaN and infinities among the inputs; not where the
  /// interpreter rejects them (NaN converted to i32).
  bool specials = true;
};

/// `body` over the standard inputs: %x, %y f32[37, 19], %v f32[19],
/// %c i1[37, 19], %i i32[37, 19], %l i32[37].
inline std::string opGraph(const std::string &name, const std::string &body) {
  return "graph @" + name +
         " {\n"
         "  %x = input f32[37, 19]\n"
         "  %y = input f32[37, 19]\n"
         "  %v = input f32[19]\n"
         "  %c = input i1[37, 19]\n"
         "  %i = input i32[37, 19]\n"
         "  %l = input i32[37]\n" +
         body + "\n}\n";
}

/// conv2d, max_pool2d and avg_pool2d on inputs of their own: padded,
/// strided, dilated, grouped, depthwise and 1×1 convolutions, overlapping
/// and padded pools, and a convolution fused with a bias, batch norm's
/// evaluation form and ReLU. The backends see them expanded (pad, slice,
/// concat, reshape, transpose, matmul, maximum, add) by
/// `training::specializeForMode`; the interpreter runs them directly.
inline std::vector<ModelCase> windowCases() {
  struct Window {
    const char *name, *body;
  };
  const Window windows[] = {
      {"conv_plain", "  %x = input f32[2, 3, 9, 8]\n"
                     "  %w = input f32[5, 3, 3, 3]\n"
                     "  %y = conv2d %x, %w\n"
                     "  return %y"},
      {"conv_padded_strided_dilated",
       "  %x = input f32[2, 4, 11, 10]\n"
       "  %w = input f32[6, 4, 3, 2]\n"
       "  %y = conv2d %x, %w {stride = [2, 1], padding = [1, 0, 2, 1], "
       "dilation = [2, 2]}\n"
       "  return %y"},
      {"conv_groups", "  %x = input f32[3, 6, 7, 7]\n"
                      "  %w = input f32[4, 3, 3, 3]\n"
                      "  %y = conv2d %x, %w {padding = [1, 1], groups = 2}\n"
                      "  return %y"},
      {"conv_depthwise", "  %x = input f32[2, 5, 8, 8]\n"
                         "  %w = input f32[5, 1, 3, 3]\n"
                         "  %y = conv2d %x, %w {stride = [2, 2], "
                         "padding = [1, 1], groups = 5}\n"
                         "  return %y"},
      {"conv_1x1", "  %x = input f32[4, 16, 5, 6]\n"
                   "  %w = input f32[8, 16, 1, 1]\n"
                   "  %y = conv2d %x, %w\n"
                   "  return %y"},
      {"conv_bias_bn_relu", "  %x = input f32[4, 3, 10, 10]\n"
                            "  %w = input f32[8, 3, 3, 3]\n"
                            "  %b = input f32[8]\n"
                            "  %g = input f32[8]\n"
                            "  %be = input f32[8]\n"
                            "  %m = state f32[8] init = zeros\n"
                            "  %v = state f32[8] init = uniform(0.5, 2.0)\n"
                            "  %c = add (conv2d %x, %w {padding = [1, 1]}), "
                            "(reshape %b {shape = [1, 8, 1, 1]})\n"
                            "  %y = relu (batch_norm %c, %g, %be, %m, %v)\n"
                            "  return %y"},
      {"max_pool", "  %x = input f32[2, 3, 9, 8]\n"
                   "  %y = max_pool2d %x {kernel = [2, 2]}\n"
                   "  %z = max_pool2d %x {kernel = [3, 3], "
                   "stride = [2, 1], padding = [1, 1]}\n"
                   "  return %y, %z"},
      {"avg_pool", "  %x = input f32[2, 3, 9, 8]\n"
                   "  %y = avg_pool2d %x {kernel = [3, 2], padding = [1, 1]}\n"
                   "  %z = avg_pool2d %x {kernel = [3, 3], "
                   "stride = [2, 2], padding = [1, 1], "
                   "count_include_pad = false}\n"
                   "  return %y, %z"},
  };
  std::vector<ModelCase> out;
  for (const Window &w : windows)
    out.push_back({w.name,
                   "graph @" + std::string(w.name) + " {\n" + w.body + "\n}\n",
                   kReduction});
  return out;
}

/// gather (from a leaf table and a computed one, along an inner axis),
/// layer_norm (through its expansion) and the causal softmax, on inputs of
/// their own.
inline std::vector<ModelCase> sequenceCases() {
  struct Sequence {
    const char *name, *body;
  };
  const Sequence cases[] = {
      {"gather_rows", "  %t = input f32[7, 5]\n"
                      "  %i = input i32[4, 3]\n"
                      "  %y = gather %t, %i\n"
                      "  %z = relu (gather (mul %t, 2.0), %i)\n"
                      "  return %y, %z"},
      {"gather_inner_axis", "  %t = input f32[3, 8, 2]\n"
                            "  %i = input i32[5]\n"
                            "  %y = gather %t, %i {axis = 1}\n"
                            "  return %y"},
      {"layer_norm", "  %x = input f32[6, 4, 33]\n"
                     "  %g = input f32[33]\n"
                     "  %b = input f32[33]\n"
                     "  %g2 = input f32[4, 33]\n"
                     "  %y = layer_norm %x, %g, %b\n"
                     "  %z = layer_norm %x, %g2, %g2 {axes = [1, 2]}\n"
                     "  return %y, %z"},
      {"causal_softmax", "  %s = input f32[2, 3, 7, 7]\n"
                         "  %y = softmax (mul %s, 0.5) {causal = true}\n"
                         "  return %y"},
  };
  std::vector<ModelCase> out;
  for (const Sequence &c : cases)
    out.push_back({c.name,
                   "graph @" + std::string(c.name) + " {\n" + c.body + "\n}\n",
                   kReduction});
  return out;
}

inline std::vector<ModelCase> opCases() {
  struct Op {
    const char *name, *body;
    double tolerance;
  };
  const Op ops[] = {
      {"neg", "  %r = neg %x\n  return %r", kElementwise},
      {"abs", "  %r = abs %x\n  return %r", kElementwise},
      {"exp", "  %r = exp %x\n  return %r", kElementwise},
      {"log", "  %r = log (add (abs %x), 0.25)\n  return %r", kElementwise},
      {"sqrt", "  %r = sqrt (abs %x)\n  return %r", kElementwise},
      {"rsqrt", "  %r = rsqrt (add (abs %x), 0.1)\n  return %r", kElementwise},
      {"square", "  %r = square %x\n  return %r", kElementwise},
      {"sign", "  %r = sign %x\n  return %r", kElementwise},
      {"relu", "  %r = relu %x\n  return %r", kElementwise},
      {"leaky_relu", "  %r = leaky_relu %x {alpha = 0.2}\n  return %r",
       kElementwise},
      {"elu", "  %r = elu %x {alpha = 1.5}\n  return %r", kElementwise},
      {"sigmoid", "  %r = sigmoid %x\n  return %r", kElementwise},
      {"tanh", "  %r = tanh %x\n  return %r", kElementwise},
      {"softplus", "  %r = softplus (mul %x, 8)\n  return %r", kElementwise},
      {"erf", "  %r = erf (mul %x, 3)\n  return %r", kElementwise},
      {"gelu", "  %r = gelu (mul %x, 4)\n  return %r", kElementwise},
      {"silu", "  %r = silu (mul %x, 4)\n  return %r", kElementwise},
      {"gelu_tanh",
       "  %r = gelu (mul %x, 4) {approximate = \"tanh\"}\n  return %r",
       kElementwise},
      {"convert",
       "  %a = convert %x {dtype = f64}\n"
       "  %b = convert (mul %x, 3) {dtype = i32}\n"
       "  %d = convert %x {dtype = i1}\n"
       "  %e = convert %c {dtype = f32}\n"
       "  return %a, %b, %d, %e",
       kElementwise},
      {"convert_float",
       "  %a = convert %x {dtype = f64}\n"
       "  %d = convert %x {dtype = i1}\n"
       "  %e = convert (convert %x {dtype = f64}) {dtype = f32}\n"
       "  return %a, %d, %e",
       kElementwise},
      {"add", "  %r = add %x, %y\n  return %r", kElementwise},
      {"sub", "  %r = sub %x, %y\n  return %r", kElementwise},
      {"mul", "  %r = mul %x, %y\n  return %r", kElementwise},
      {"div", "  %r = div %x, (add (abs %y), 0.5)\n  return %r", kElementwise},
      {"pow", "  %r = pow (add (abs %x), 0.5), %y\n  return %r", kElementwise},
      {"maximum", "  %r = maximum %x, %y\n  return %r", kElementwise},
      {"minimum", "  %r = minimum %x, %y\n  return %r", kElementwise},
      {"greater", "  %r = greater %x, %y\n  return %r", kElementwise},
      {"equal", "  %r = equal %i, 3\n  return %r", kElementwise},
      {"select", "  %r = select %c, %x, %y\n  return %r", kElementwise},
      {"dropout_train",
       "  %s = state f32[] init = constant(5)\n"
       "  %k = state i32[] init = constant(424242)\n"
       "  %r = dropout_train %x, (broadcast %s {shape = [37, 19]}), "
       "(broadcast %k {shape = [37, 19]}) {p = 0.35, key = 3000000000}\n"
       "  return %r",
       kElementwise},
      {"int_arith",
       "  %r = div (sub (mul %i, 3), 13), (add %i, 1)\n  return %r",
       kElementwise},
      {"broadcast_row", "  %r = mul %x, %v\n  return %r", kElementwise},
      {"broadcast_scalar", "  %r = add (mul %x, 0.5), 2\n  return %r",
       kElementwise},
      {"transpose", "  %r = transpose %x\n  return %r", kElementwise},
      {"transpose_add",
       "  %r = add (transpose %x), (transpose (exp %y))\n  return %r",
       kElementwise},
      {"transpose3",
       "  %t = reshape %x {shape = [37, 1, 19]}\n"
       "  %r = transpose (neg %t) {perm = [2, 0, 1]}\n  return %r",
       kElementwise},
      {"reshape",
       "  %r = reshape (exp %x) {shape = [19, 37]}\n"
       "  %s = add %r, 1\n  return %s",
       kElementwise},
      {"broadcast_col",
       "  %m = reduce_sum %x {axes = [1], keepdims = true}\n"
       "  %r = sub %x, %m\n  return %r",
       kReduction},
      {"one_hot", "  %r = one_hot %l {depth = 11}\n  return %r", kElementwise},
      {"pad",
       "  %r = relu (pad %x {pads = [1, 0, 2, 3], value = -0.5})\n"
       "  return %r",
       kElementwise},
      {"slice",
       "  %r = slice (exp %x) {starts = [1, -17], ends = [37, 19], "
       "steps = [3, 2]}\n  return %r",
       kElementwise},
      {"concat",
       "  %a = reshape %v {shape = [1, 19]}\n"
       "  %r = concat %x, %a, (neg %y) {axis = 0}\n"
       "  %s = concat (transpose %x), (transpose %y) {axis = -1}\n"
       "  return %r, %s",
       kElementwise},
      {"slice_matmul",
       "  %r = matmul (slice %x {starts = [0, 3], ends = [37, 19]}), "
       "(pad (slice (transpose %y) {starts = [3, 0], ends = [19, 37]}) "
       "{pads = [0, 0, 0, 2]})\n  return %r",
       kReduction},
      {"sum_rows", "  %r = reduce_sum %x {axes = [1]}\n  return %r",
       kReduction},
      {"sum_cols", "  %r = reduce_sum %x {axes = [0]}\n  return %r",
       kReduction},
      {"sum_all", "  %r = reduce_sum (square %x)\n  return %r", kReduction},
      {"sum_keepdims",
       "  %r = reduce_sum %x {axes = [0], keepdims = true}\n  return %r",
       kReduction},
      {"mean", "  %r = reduce_mean (mul %x, %y) {axes = [1]}\n  return %r",
       kReduction},
      {"max", "  %r = reduce_max %x {axes = [0]}\n  return %r", kReduction},
      {"max_int", "  %r = reduce_max %i {axes = [1]}\n  return %r", kReduction},
      {"min", "  %r = reduce_min %x {axes = [0]}\n  return %r", kReduction},
      {"min_all", "  %r = reduce_min %x\n  return %r", kReduction},
      {"min_int", "  %r = reduce_min %i {axes = [1]}\n  return %r", kReduction},
      {"prod",
       "  %r = reduce_prod (add (mul %x, 0.25), 1) {axes = [1]}\n  return %r",
       kReduction},
      {"prod_int", "  %r = reduce_prod %i {axes = [1]}\n  return %r",
       kReduction},
      {"softmax", "  %r = softmax %x\n  return %r", kReduction},
      {"softmax_axis0", "  %r = softmax %x {axis = 0}\n  return %r",
       kReduction},
      {"log_softmax", "  %r = log_softmax (mul %x, 4)\n  return %r",
       kReduction},
      {"cross_entropy", "  %r = softmax_cross_entropy %x, %l\n  return %r",
       kReduction},
      {"cross_entropy_probs",
       "  %r = softmax_cross_entropy %x, (softmax %y)\n  return %r",
       kReduction},
      {"sigmoid_cross_entropy",
       "  %r = sigmoid_cross_entropy %x, (sigmoid %y)\n  return %r",
       kReduction},
      {"mse", "  %r = mse_loss %x, %y\n  return %r", kReduction},
      {"l1", "  %r = l1_loss %x, %y\n  return %r", kReduction},
      {"mean_epilogue",
       "  %r = mul (reduce_mean %x {axes = [0]}), %v\n  return %r", kReduction},
      {"matmul_nn", "  %r = matmul %x, (transpose %y)\n  return %r",
       kReduction},
      {"matmul_tn", "  %r = matmul %x, %y {transpose_a = true}\n  return %r",
       kReduction},
      {"matmul_nt", "  %r = matmul %x, %y {transpose_b = true}\n  return %r",
       kReduction},
      {"matmul_tt",
       "  %r = matmul %x, (transpose %y) {transpose_a = true, "
       "transpose_b = true}\n  return %r",
       kReduction},
      {"prologue_epilogue",
       "  %m = select %c, %x, (mul %x, 0.5)\n"
       "  %r = relu (add (matmul %m, %y {transpose_b = true}), 0.1)\n"
       "  return %r",
       kReduction},
      {"matvec",
       "  %r = matmul %x, (reshape %v {shape = [19, 1]})\n  return %r",
       kReduction},
  };
  std::vector<ModelCase> out;
  for (const Op &op : ops) {
    out.push_back({op.name, opGraph(op.name, op.body), op.tolerance});
    out.back().specials = std::string(op.name) != "convert";
  }
  for (ModelCase &c : windowCases())
    out.push_back(std::move(c));
  for (ModelCase &c : sequenceCases())
    out.push_back(std::move(c));
  return out;
}

/// Patterns that exercise the kernel shapes at sizes the op cases do not:
/// aligned 4-wide paths, long rows, big tiles, f64.
inline std::vector<ModelCase> patternCases() {
  return {
      {"aligned_vectors", R"(
graph @aligned_vectors {
  %a = input f32[64, 128]
  %b = input f32[128]
  %c = input i1[64, 128]
  %r = select %c, (tanh (add %a, %b)), (mul %a, 0.25)
  %s = greater %r, 0.1
  return %r, %s
}
)",
       kElementwise},
      {"long_rows", R"(
graph @long_rows {
  %a = input f32[3, 5000]
  %s = softmax %a
  %m = reduce_max %a {axes = [1]}
  %t = reduce_sum %a
  return %s, %m, %t
}
)",
       kReduction},
      {"column_sums", R"(
graph @column_sums {
  %a = input f32[96, 300]
  %r = reduce_sum (relu %a) {axes = [0]}
  return %r
}
)",
       kReduction},
      {"big_gemm", R"(
graph @big_gemm {
  %a = input f32[300, 1100]
  %b = input f32[1100, 260]
  %bias = input f32[260]
  %r = relu (add (matmul %a, %b), %bias)
  return %r
}
)",
       kReduction},
      // Batched products: tiles of every batch along the grid, operands
      // broadcast along batch dims read at stride 0, transposes of the last
      // two dims, fused prologue and epilogue, f64 and aligned 4-wide paths.
      {"batched_scores", R"(
graph @batched_scores {
  %q = input f32[2, 3, 13, 7]
  %k = input f32[2, 3, 13, 7]
  %m = input f32[13, 13]
  %r = relu (add (matmul (tanh %q), %k {transpose_b = true}), %m)
  return %r
}
)",
       kReduction},
      {"batched_broadcast", R"(
graph @batched_broadcast {
  %a = input f32[2, 1, 5, 4]
  %b = input f32[3, 4, 6]
  %c = input f32[1, 3, 4, 6]
  %x = input f32[3, 11, 9]
  %w = input f32[9, 6]
  %r = matmul %a, %b
  %s = matmul %c, %a {transpose_a = true, transpose_b = true}
  %t = matmul %x, %w
  return %r, %s, %t
}
)",
       kReduction},
      {"batched_aligned", R"(
graph @batched_aligned {
  %a = input f32[3, 64, 32]
  %b = input f32[1, 32, 64]
  %bias = input f32[64]
  %r = sigmoid (add (matmul %a, %b), %bias)
  return %r
}
)",
       kReduction},
      {"batched_f64", R"(
graph @batched_f64 {
  %a = input f64[4, 9, 5]
  %b = input f64[1, 5, 3]
  %r = softmax (matmul (tanh %a), %b)
  return %r
}
)",
       1e-10},
      {"long_inner", R"(
graph @long_inner {
  %a = input f32[4, 1500]
  %b = input f32[1500, 3]
  %r = matmul %a, %b
  %s = reduce_sum %a {axes = [1]}
  return %r, %s
}
)",
       kReduction},
      {"vector_row_col", R"(
graph @vector_row_col {
  %a = input f32[1, 33]
  %b = input f32[33, 65]
  %c = input f32[65, 1]
  %r = matmul %a, %b
  %s = matmul %b, %c
  return %r, %s
}
)",
       kReduction},
      {"gemm_tile128", R"(
graph @gemm_tile128 {
  %a = input f32[1536, 9]
  %b = input f32[1536, 9]
  %r = matmul %a, %b {transpose_b = true}
  return %r
}
)",
       kReduction},
      {"gemm_tile64", R"(
graph @gemm_tile64 {
  %a = input f32[12, 1024]
  %b = input f32[12, 1024]
  %v = input f32[1024]
  %r = sigmoid (add (matmul %a, %b {transpose_a = true}), %v)
  return %r
}
)",
       kReduction},
      {"gemm_f64_tile64", R"(
graph @gemm_f64_tile64 {
  %a = input f64[1030, 5]
  %b = input f64[5, 1030]
  %r = matmul %a, %b
  return %r
}
)",
       1e-10},
      {"float64", R"(
graph @float64 {
  %a = input f64[17, 5]
  %b = input f64[5, 3]
  %r = softmax (matmul (tanh %a), %b)
  return %r
}
)",
       1e-10},
  };
}

inline std::string mlpText(const std::string &optimizer) {
  return R"(
graph @mlp {
  %x  = input f32[16, 67]
  %y  = input i32[16]
  %w1 = param f32[67, 48] init = he_uniform
  %b1 = param f32[48]     init = uniform(-0.1, 0.1)
  %w2 = param f32[48, 33] init = he_uniform
  %b2 = param f32[33]     init = uniform(-0.1, 0.1)
  %w3 = param f32[33, 10] init = xavier_normal
  %b3 = param f32[10]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = tanh (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using )" +
         optimizer + R"(
  return %lg
}
)";
}

inline const char *kClassifier = R"(
graph @classifier {
  %x  = input f32[2, 3]
  %y  = input i32[2]
  %w1 = param f32[3, 10] init = he_normal
  %b1 = param f32[10]    init = zeros
  %w2 = param f32[10, 20] init = xavier_uniform
  %b2 = param f32[20]    init = zeros
  %w3 = param f32[20, 3] init = xavier_uniform
  %b3 = param f32[3]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = relu (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using sgd {lr = 0.01, weight_decay = 0.05}
  return %lg
}
)";

/// The benchmark MLP: 784 → 512 → 512 → 10, batch 128, Adam.
inline const char *kBenchMlp = R"(
graph @bench_mlp {
  %x  = input f32[128, 784]
  %y  = input i32[128]
  %w1 = param f32[784, 512] init = he_normal
  %b1 = param f32[512]      init = zeros
  %w2 = param f32[512, 512] init = he_normal
  %b2 = param f32[512]      init = zeros
  %w3 = param f32[512, 10]  init = xavier_uniform
  %b3 = param f32[10]       init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = relu (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.001}
  return %lg
}
)";

/// Four equal residual layers: their kernels are rendered once and launched
/// on each layer's buffers.
inline const char *kDeepResidual = R"(
graph @deep {
  %x  = input f32[6, 12]
  %y  = input i32[6]
  %w0 = param f32[12, 12] init = he_normal
  %w1 = param f32[12, 12] init = he_normal
  %w2 = param f32[12, 12] init = he_normal
  %w3 = param f32[12, 12] init = he_normal
  %wo = param f32[12, 5] init = xavier_uniform
  %h0 = add %x,  (relu (matmul %x,  %w0))
  %h1 = add %h0, (relu (matmul %h0, %w1))
  %h2 = add %h1, (relu (matmul %h1, %w2))
  %h3 = add %h2, (relu (matmul %h2, %w3))
  %lg = matmul %h3, %wo
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using sgd {lr = 0.05, momentum = 0.9}
  return %lg
}
)";

/// Two convolutions (padded, the second strided and with a bias), batch
/// norm, ReLU, a max and an average pool, a linear layer and cross entropy,
/// trained with Adam: the shape of examples/fashion_cnn.vg at a size the
/// emulation runs fast. No bias before batch norm: its gradient is zero up
/// to rounding, which a relative comparison cannot judge.
inline const char *kSmallCnn = R"(
graph @small_cnn {
  %x   = input f32[4, 2, 8, 8]
  %y   = input i32[4]
  %w1  = param f32[4, 2, 3, 3] init = he_normal
  %g1  = param f32[4]          init = uniform(0.5, 1.5)
  %be1 = param f32[4]          init = uniform(-0.1, 0.1)
  %rm1 = state f32[4]          init = zeros
  %rv1 = state f32[4]          init = ones
  %w2  = param f32[6, 4, 3, 3] init = he_normal
  %b2  = param f32[6]          init = uniform(-0.1, 0.1)
  %w3  = param f32[6, 5]       init = he_normal
  %b3  = param f32[5]          init = zeros
  %c1  = conv2d %x, %w1 {padding = [1, 1]}
  %p1  = max_pool2d (relu (batch_norm %c1, %g1, %be1, %rm1, %rv1)) {kernel = [2, 2]}
  %c2  = add (conv2d %p1, %w2 {stride = [2, 2], padding = [1, 1]}), (reshape %b2 {shape = [1, 6, 1, 1]})
  %p2  = avg_pool2d (relu %c2) {kernel = [2, 2]}
  %lg  = add (matmul (reshape %p2 {shape = [4, 6]}), %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01, eps = 0.001}
  return %lg
}
)";

inline std::vector<ModelCase> trainingCases() {
  return {
      {"classifier_sgd", kClassifier, 1e-5, true},
      {"mlp_adam", mlpText("adam {lr = 0.01, eps = 0.001}"), 1e-4, true},
      {"mlp_nesterov",
       mlpText("sgd {lr = 0.05, momentum = 0.9, nesterov = true}"), 1e-4, true},
      {"mlp_adamw",
       mlpText("adamw {lr = 0.01, weight_decay = 0.1, eps = 0.001}"), 1e-4,
       true},
      {"mlp_rmsprop",
       mlpText("rmsprop {lr = 0.01, momentum = 0.5, centered = true, eps = "
               "0.01}"),
       1e-4, true},
      {"mlp_adagrad", mlpText("adagrad {lr = 0.05}"), 1e-4, true},
      {"deep_residual", kDeepResidual, 1e-4, true},
      // Masks drawn in the kernels must be the interpreter's, in the
      // forward product and again in its gradient.
      {"mlp_dropout",
       "graph @mlp_dropout {\n"
       "  %x = input f32[32, 12]\n"
       "  %y = input i32[32]\n"
       "  %w1 = param f32[12, 24] init = he_normal\n"
       "  %b1 = param f32[24] init = zeros\n"
       "  %w2 = param f32[24, 5] init = xavier_uniform\n"
       "  %h = dropout (relu (add (matmul %x, %w1), %b1)) {p = 0.4}\n"
       "  %loss = softmax_cross_entropy (matmul %h, %w2), %y\n"
       "  minimize %loss using sgd {lr = 0.1}\n"
       "  return %loss\n"
       "}\n",
       1e-4, true},
      {"small_cnn", kSmallCnn, 1e-4, true},
      // Batched products whose operands broadcast along batch dims on
      // either side: their gradients sum over those dims.
      {"batched_attention",
       "graph @batched_attention {\n"
       "  %x  = input f32[4, 6, 8]\n"
       "  %y  = input i32[24]\n"
       "  %wq = param f32[2, 8, 5] init = normal(0, 0.4)\n"
       "  %wk = param f32[1, 8, 5] init = normal(0, 0.4)\n"
       "  %wo = param f32[8, 3] init = xavier_uniform\n"
       "  %xs = reshape %x {shape = [4, 1, 6, 8]}\n"
       "  %q  = matmul %xs, %wq\n"
       "  %k  = matmul %xs, %wk\n"
       "  %a  = softmax (matmul %q, %k {transpose_b = true})\n"
       "  %h  = reduce_mean (matmul %a, %xs) {axes = [1]}\n"
       "  %lg = reshape (matmul %h, %wo) {shape = [24, 3]}\n"
       "  %loss = softmax_cross_entropy %lg, %y\n"
       "  minimize %loss using adam {lr = 0.01, eps = 0.001}\n"
       "  return %lg\n"
       "}\n",
       1e-4, true},
      // An embedding lookup (its gradient a scatter-add), layer norm and
      // causal attention over heads split by reshape and transpose.
      {"causal_attention",
       "graph @causal_attention {\n"
       "  %t  = input i32[2, 6]\n"
       "  %y  = input i32[2, 6]\n"
       "  %e  = param f32[9, 8] init = normal(0, 0.5)\n"
       "  %g  = param f32[8] init = uniform(0.5, 1.5)\n"
       "  %b  = param f32[8] init = uniform(-0.1, 0.1)\n"
       "  %wq = param f32[8, 8] init = xavier_uniform\n"
       "  %wk = param f32[8, 8] init = xavier_uniform\n"
       "  %wo = param f32[8, 9] init = xavier_uniform\n"
       "  %h  = layer_norm (gather %e, %t), %g, %b\n"
       "  %q  = transpose (reshape (matmul %h, %wq) {shape = [2, 6, 2, 4]}) "
       "{perm = [0, 2, 1, 3]}\n"
       "  %k  = transpose (reshape (matmul %h, %wk) {shape = [2, 6, 2, 4]}) "
       "{perm = [0, 2, 1, 3]}\n"
       "  %a  = softmax (matmul %q, %k {transpose_b = true}) {causal = true}\n"
       "  %o  = reshape (transpose (matmul %a, %q) {perm = [0, 2, 1, 3]}) "
       "{shape = [2, 6, 8]}\n"
       "  %lg = matmul (gelu (add %o, %h)), %wo\n"
       "  %loss = softmax_cross_entropy %lg, %y\n"
       "  minimize %loss using adamw {lr = 0.01, eps = 0.001}\n"
       "  return %lg\n"
       "}\n",
       1e-4, true},
      // Adam's first steps move every weight by about lr·sign(g), so with
      // the default eps a gradient that is nearly zero in f64 may have the
      // other sign in f32; a larger eps keeps the comparison meaningful.
      {"bench_mlp_adam",
       std::string(kBenchMlp).replace(std::string(kBenchMlp).find("lr = 0.001"),
                                      10, "lr = 0.001, eps = 0.001"),
       1e-4, true, /*emulate=*/false},
  };
}

} // namespace voskhod::cuda::test
