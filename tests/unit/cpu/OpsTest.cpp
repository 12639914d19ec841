//===- tests/unit/cpu/OpsTest.cpp - every op compiled vs the interpreter --===//
///
/// One small forward graph per op (and per fused pattern), at shapes that
/// leave vector tails (prime and tiny dims), with transposed operands and
/// reductions over every kind of axis set. Elementwise results must agree
/// with the float64 interpreter to 1e-5, reductions and products to 1e-4.
/// Each case runs twice: on plain random inputs, and with NaN, +inf and
/// -inf among them, where every NaN and infinity must be where the
/// interpreter has it (max, min, relu and softmax rows propagate NaN).
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

namespace voskhod::cpu::test {
namespace {

struct OpCase {
  const char *name;
  std::string body; // graph lines; `%x`, `%y` are f32[37, 19] inputs
  double tolerance;
  /// Run it with NaN and infinities among the inputs too (see the file
  /// comment); not where the interpreter rejects them (NaN to i32).
  bool specials = true;
};

std::string graphOf(const OpCase &c) {
  return "graph @" + std::string(c.name) +
         " {\n"
         "  %x = input f32[37, 19]\n"
         "  %y = input f32[37, 19]\n"
         "  %v = input f32[19]\n"
         "  %c = input i1[37, 19]\n"
         "  %i = input i32[37, 19]\n"
         "  %l = input i32[37]\n" +
         c.body + "\n}\n";
}

class Ops : public ::testing::TestWithParam<OpCase> {};

TEST_P(Ops, MatchesInterpreter) {
  checkForward(graphOf(GetParam()), GetParam().tolerance);
}

TEST_P(Ops, NanAndInfinitiesMatchInterpreter) {
  if (!GetParam().specials)
    GTEST_SKIP() << "the interpreter has no value for NaN here";
  checkForward(graphOf(GetParam()), GetParam().tolerance, /*seed=*/7,
               CpuOptions{}, /*specials=*/true);
}

const double kElementwise = 1e-5, kReduction = 1e-4;

INSTANTIATE_TEST_SUITE_P(
    Unary, Ops,
    ::testing::Values(
        OpCase{"neg", "  %r = neg %x\n  return %r", kElementwise},
        OpCase{"abs", "  %r = abs %x\n  return %r", kElementwise},
        OpCase{"exp", "  %r = exp %x\n  return %r", kElementwise},
        OpCase{"log", "  %r = log (add (abs %x), 0.25)\n  return %r",
               kElementwise},
        OpCase{"sqrt", "  %r = sqrt (abs %x)\n  return %r", kElementwise},
        OpCase{"rsqrt", "  %r = rsqrt (add (abs %x), 0.1)\n  return %r",
               kElementwise},
        OpCase{"square", "  %r = square %x\n  return %r", kElementwise},
        OpCase{"sign", "  %r = sign %x\n  return %r", kElementwise},
        OpCase{"relu", "  %r = relu %x\n  return %r", kElementwise},
        OpCase{"leaky_relu", "  %r = leaky_relu %x {alpha = 0.2}\n  return %r",
               kElementwise},
        OpCase{"elu", "  %r = elu %x {alpha = 1.5}\n  return %r", kElementwise},
        OpCase{"sigmoid", "  %r = sigmoid %x\n  return %r", kElementwise},
        OpCase{"tanh", "  %r = tanh %x\n  return %r", kElementwise},
        OpCase{"softplus", "  %r = softplus (mul %x, 8)\n  return %r",
               kElementwise},
        OpCase{"erf", "  %r = erf (mul %x, 3)\n  return %r", kElementwise},
        OpCase{"gelu", "  %r = gelu (mul %x, 4)\n  return %r", kElementwise},
        OpCase{"silu", "  %r = silu (mul %x, 4)\n  return %r", kElementwise},
        OpCase{"gelu_tanh",
               "  %r = gelu (mul %x, 4) {approximate = \"tanh\"}\n"
               "  return %r",
               kElementwise},
        OpCase{"convert",
               "  %a = convert %x {dtype = f64}\n"
               "  %b = convert (mul %x, 3) {dtype = i32}\n"
               "  %d = convert %x {dtype = i1}\n"
               "  %e = convert %c {dtype = f32}\n"
               "  return %a, %b, %d, %e",
               kElementwise, /*specials=*/false},
        OpCase{"convert_float",
               "  %a = convert %x {dtype = f64}\n"
               "  %d = convert %x {dtype = i1}\n"
               "  %e = convert (convert %x {dtype = f64}) {dtype = f32}\n"
               "  return %a, %d, %e",
               kElementwise}),
    [](const auto &info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Binary, Ops,
    ::testing::Values(
        OpCase{"add", "  %r = add %x, %y\n  return %r", kElementwise},
        OpCase{"sub", "  %r = sub %x, %y\n  return %r", kElementwise},
        OpCase{"mul", "  %r = mul %x, %y\n  return %r", kElementwise},
        OpCase{"div", "  %r = div %x, (add (abs %y), 0.5)\n  return %r",
               kElementwise},
        OpCase{"pow", "  %r = pow (add (abs %x), 0.5), %y\n  return %r",
               kElementwise},
        OpCase{"maximum", "  %r = maximum %x, %y\n  return %r", kElementwise},
        OpCase{"minimum", "  %r = minimum %x, %y\n  return %r", kElementwise},
        OpCase{"greater", "  %r = greater %x, %y\n  return %r", kElementwise},
        OpCase{"equal", "  %r = equal %i, 3\n  return %r", kElementwise},
        OpCase{"select", "  %r = select %c, %x, %y\n  return %r", kElementwise},
        OpCase{"int_arith",
               "  %r = div (sub (mul %i, 3), 13), (add %i, 1)\n  return %r",
               kElementwise},
        OpCase{"broadcast_row", "  %r = mul %x, %v\n  return %r", kElementwise},
        OpCase{"broadcast_scalar", "  %r = add (mul %x, 0.5), 2\n  return %r",
               kElementwise}),
    [](const auto &info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Layout, Ops,
    ::testing::Values(
        OpCase{"transpose", "  %r = transpose %x\n  return %r", kElementwise},
        OpCase{"transpose_add",
               "  %r = add (transpose %x), (transpose (exp %y))\n  return %r",
               kElementwise},
        OpCase{"transpose3",
               "  %t = reshape %x {shape = [37, 1, 19]}\n"
               "  %r = transpose (neg %t) {perm = [2, 0, 1]}\n  return %r",
               kElementwise},
        OpCase{"reshape",
               "  %r = reshape (exp %x) {shape = [19, 37]}\n"
               "  %s = add %r, 1\n  return %s",
               kElementwise},
        OpCase{"broadcast_col",
               "  %m = reduce_sum %x {axes = [1], keepdims = true}\n"
               "  %r = sub %x, %m\n  return %r",
               kReduction},
        OpCase{"one_hot", "  %r = one_hot %l {depth = 11}\n  return %r",
               kElementwise}),
    [](const auto &info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Reductions, Ops,
    ::testing::Values(
        OpCase{"sum_rows", "  %r = reduce_sum %x {axes = [1]}\n  return %r",
               kReduction},
        OpCase{"sum_cols", "  %r = reduce_sum %x {axes = [0]}\n  return %r",
               kReduction},
        OpCase{"sum_all", "  %r = reduce_sum (square %x)\n  return %r",
               kReduction},
        OpCase{
            "sum_keepdims",
            "  %r = reduce_sum %x {axes = [0], keepdims = true}\n  return %r",
            kReduction},
        OpCase{"mean",
               "  %r = reduce_mean (mul %x, %y) {axes = [1]}\n"
               "  return %r",
               kReduction},
        OpCase{"max", "  %r = reduce_max %x {axes = [0]}\n  return %r",
               kReduction},
        OpCase{"max_int", "  %r = reduce_max %i {axes = [1]}\n  return %r",
               kReduction},
        OpCase{"min", "  %r = reduce_min %x {axes = [0]}\n  return %r",
               kReduction},
        OpCase{"min_rows_keepdims",
               "  %r = reduce_min (exp %x) {axes = [1], keepdims = true}\n"
               "  return %r",
               kReduction},
        OpCase{"min_all", "  %r = reduce_min %x\n  return %r", kReduction},
        OpCase{"min_int", "  %r = reduce_min %i {axes = [1]}\n  return %r",
               kReduction},
        // Factors near 1, so that 37 of them neither overflow nor vanish.
        OpCase{"prod",
               "  %r = reduce_prod (add (mul %x, 0.25), 1) {axes = [0]}\n"
               "  return %r",
               kReduction},
        OpCase{"prod_rows_keepdims",
               "  %r = reduce_prod (add (mul %x, 0.25), 1) {axes = [1], "
               "keepdims = true}\n  return %r",
               kReduction},
        OpCase{"prod_int", "  %r = reduce_prod %i {axes = [1]}\n  return %r",
               kReduction},
        OpCase{"softmax", "  %r = softmax %x\n  return %r", kReduction},
        OpCase{"softmax_axis0", "  %r = softmax %x {axis = 0}\n  return %r",
               kReduction},
        OpCase{"log_softmax", "  %r = log_softmax (mul %x, 4)\n  return %r",
               kReduction},
        OpCase{"cross_entropy",
               "  %r = softmax_cross_entropy %x, %l\n  return %r", kReduction},
        OpCase{"cross_entropy_probs",
               "  %r = softmax_cross_entropy %x, (softmax %y)\n  return %r",
               kReduction},
        OpCase{"sigmoid_cross_entropy",
               "  %r = sigmoid_cross_entropy %x, (sigmoid %y)\n  return %r",
               kReduction},
        OpCase{"mse", "  %r = mse_loss %x, %y\n  return %r", kReduction},
        OpCase{"l1", "  %r = l1_loss %x, %y\n  return %r", kReduction},
        OpCase{"mean_epilogue",
               "  %r = mul (reduce_mean %x {axes = [0]}), %v\n  return %r",
               kReduction}),
    [](const auto &info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Contractions, Ops,
    ::testing::Values(
        OpCase{"nn", "  %r = matmul %x, (transpose %y)\n  return %r",
               kReduction},
        OpCase{"tn", "  %r = matmul %x, %y {transpose_a = true}\n  return %r",
               kReduction},
        OpCase{"nt", "  %r = matmul %x, %y {transpose_b = true}\n  return %r",
               kReduction},
        OpCase{"tt",
               "  %r = matmul %x, (transpose %y) {transpose_a = true, "
               "transpose_b = true}\n  return %r",
               kReduction},
        OpCase{"prologue_epilogue",
               "  %m = select %c, %x, (mul %x, 0.5)\n"
               "  %r = relu (add (matmul %m, %y {transpose_b = true}), 0.1)\n"
               "  return %r",
               kReduction},
        OpCase{"matvec",
               "  %r = matmul %x, (reshape %v {shape = [19, 1]})\n"
               "  return %r",
               kReduction}),
    [](const auto &info) { return std::string(info.param.name); });

TEST(Contraction, LongInnerDimension) {
  checkForward(R"(
graph @long {
  %a = input f32[4, 1500]
  %b = input f32[1500, 3]
  %r = matmul %a, %b
  %s = reduce_sum %a {axes = [1]}
  return %r, %s
}
)",
               kReduction);
}

TEST(Contraction, VectorRowAndColumn) {
  checkForward(R"(
graph @vec {
  %a = input f32[1, 33]
  %b = input f32[33, 65]
  %c = input f32[65, 1]
  %r = matmul %a, %b
  %s = matmul %b, %c
  return %r, %s
}
)",
               kReduction);
}

/// Batched products: leading dims broadcast as NumPy's do, an operand with
/// a size-1 or missing batch dim read at stride 0, transposes of the last
/// two dims only, with fused prologues and epilogues.
TEST(Contraction, BatchedAttentionScores) {
  checkForward(R"(
graph @scores {
  %q = input f32[2, 3, 13, 7]
  %k = input f32[2, 3, 13, 7]
  %m = input f32[13, 13]
  %s = add (matmul (tanh %q), %k {transpose_b = true}), %m
  %r = relu %s
  return %r
}
)",
               kReduction);
}

TEST(Contraction, BatchedSharedWeight) {
  checkForward(R"(
graph @proj {
  %x = input f32[3, 11, 9]
  %w = input f32[9, 6]
  %b = input f32[6]
  %r = add (matmul %x, %w), %b
  %t = matmul %w, %x {transpose_a = true, transpose_b = true}
  return %r, %t
}
)",
               kReduction);
}

TEST(Contraction, BatchedBroadcastOnBothSides) {
  checkForward(R"(
graph @both {
  %a = input f32[2, 1, 5, 4]
  %b = input f32[3, 4, 6]
  %c = input f32[1, 3, 4, 6]
  %r = matmul %a, %b
  %s = matmul %c, %a {transpose_a = true, transpose_b = true}
  return %r, %s
}
)",
               kReduction);
}

TEST(Contraction, BatchedOperandsReadThroughTransposes) {
  // Operands whose matrices are not dense in their buffers (a transpose
  // across batch and matrix dims read in the prologue) take the plain loop
  // nest.
  checkForward(R"(
graph @strided {
  %x = input f32[7, 3, 5]
  %w = input f32[3, 5, 4]
  %r = matmul (transpose %x {perm = [1, 0, 2]}), %w
  %s = matmul %w, (transpose %x {perm = [1, 2, 0]}) {transpose_a = true}
  return %r, %s
}
)",
               kReduction);
}

TEST(Contraction, BatchedPackedGemms) {
  // Big enough for the packed GEMM: a few batches on the calling thread,
  // batches of small products spread over the pool, and batches of
  // products large enough to spread on their own.
  checkForward(R"(
graph @packed {
  %a = input f32[6, 40, 48]
  %b = input f32[6, 40, 48]
  %e = input f32[130, 48, 64]
  %f = input f32[1, 56, 64]
  %c = input f32[2, 1, 256, 256]
  %d = input f32[3, 256, 256]
  %r = sigmoid (matmul %a, %b {transpose_b = true})
  %t = matmul %e, %f {transpose_b = true}
  %s = matmul %c, %d
  return %r, %t, %s
}
)",
               kReduction);
}

TEST(Float64, BatchedProduct) {
  checkForward(R"(
graph @f64 {
  %a = input f64[4, 9, 5]
  %b = input f64[1, 5, 3]
  %r = softmax (matmul (tanh %a), %b)
  return %r
}
)",
               1e-10);
}

TEST(Results, LeavesAndRepeats) {
  // A returned leaf is copied out; a value returned twice is one output.
  checkForward(R"(
graph @results {
  %a = input f32[5, 3]
  %b = input i32[4]
  %r = exp %a
  return %a, %r, %r, %b
}
)",
               kElementwise);
}

TEST(Float64, Arithmetic) {
  checkForward(R"(
graph @f64 {
  %a = input f64[17, 5]
  %b = input f64[5, 3]
  %r = softmax (matmul (tanh %a), %b)
  return %r
}
)",
               1e-10);
}

} // namespace
} // namespace voskhod::cpu::test
