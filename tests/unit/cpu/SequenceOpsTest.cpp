//===- tests/unit/cpu/SequenceOpsTest.cpp - gather, layer_norm, causal ----===//
///
/// gather, layer_norm (through its expansion) and the causal softmax
/// compiled for the CPU against the interpreter, on random inputs and again
/// with NaN and infinities among them: embedding lookups from a leaf and
/// from a computed table, an inner axis, rank-2 indices, layer norm over one
/// and two axes fused with its neighbours, causal attention scores; and the
/// training steps of a small causal attention model (embedding, layer norm,
/// causal softmax, AdamW) against the interpreter's.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

namespace voskhod::cpu::test {
namespace {

struct Case {
  const char *name;
  std::string body;
};

std::string graph(const Case &c) {
  return "graph @" + std::string(c.name) + " {\n" + c.body + "\n}\n";
}

class SequenceOps : public ::testing::TestWithParam<Case> {};

constexpr double kTolerance = 1e-4;

TEST_P(SequenceOps, MatchesInterpreter) {
  checkForward(graph(GetParam()), kTolerance);
}

TEST_P(SequenceOps, NanAndInfinitiesMatchInterpreter) {
  checkForward(graph(GetParam()), kTolerance, /*seed=*/13, CpuOptions{},
               /*specials=*/true);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SequenceOps,
    ::testing::Values(
        Case{"gather_rows", "  %t = input f32[7, 5]\n"
                            "  %i = input i32[4, 3]\n"
                            "  %y = gather %t, %i\n"
                            "  return %y"},
        Case{"gather_computed_table", "  %t = input f32[6, 4]\n"
                                      "  %i = input i32[9]\n"
                                      "  %y = relu (gather (mul %t, 2.0), %i)\n"
                                      "  return %y"},
        Case{"gather_inner_axis", "  %t = input f32[3, 8, 2]\n"
                                  "  %i = input i32[5]\n"
                                  "  %y = gather %t, %i {axis = 1}\n"
                                  "  return %y"},
        Case{"layer_norm_last", "  %x = input f32[6, 33]\n"
                                "  %g = input f32[33]\n"
                                "  %b = input f32[33]\n"
                                "  %y = layer_norm %x, %g, %b\n"
                                "  return %y"},
        Case{"layer_norm_two_axes_fused",
             "  %x = input f32[3, 4, 10]\n"
             "  %g = input f32[4, 10]\n"
             "  %b = input f32[4, 10]\n"
             "  %y = tanh (layer_norm (add %x, 1.0), %g, %b "
             "{axes = [-2, -1], eps = 0.01})\n"
             "  return %y"},
        Case{"causal_softmax", "  %s = input f32[2, 3, 7, 7]\n"
                               "  %y = softmax (mul %s, 0.5) {causal = true}\n"
                               "  return %y"},
        Case{"causal_softmax_wide", "  %s = input f32[5, 40]\n"
                                    "  %y = softmax %s {causal = true}\n"
                                    "  return %y"}),
    [](const auto &info) { return std::string(info.param.name); });

const char *kTinyAttention = R"(graph @tiny_attention {
  %tok = input i32[8]
  %next = input i32[8]
  %emb = param f32[11, 6] init = normal(0, 1)
  %g = param f32[6] init = ones
  %b = param f32[6] init = zeros
  %wq = param f32[6, 6] init = xavier_uniform
  %wk = param f32[6, 6] init = xavier_uniform
  %wv = param f32[6, 6] init = xavier_uniform
  %wo = param f32[6, 11] init = xavier_uniform
  %h = layer_norm (gather %emb, %tok), %g, %b
  %s = mul (matmul (matmul %h, %wq), (matmul %h, %wk) {transpose_b = true}), 0.4
  %a = softmax %s {causal = true}
  %o = add (matmul %a, (matmul %h, %wv)), %h
  %logits = matmul (gelu %o), %wo
  %loss = softmax_cross_entropy %logits, %next
  minimize %loss using adamw {lr = 0.01, weight_decay = 0.01}
  return %logits
}
)";

TEST(SequenceOpsTraining, TinyAttentionStepsMatchInterpreter) {
  std::vector<double> losses = checkTraining(kTinyAttention, 6, 1e-4);
  ASSERT_EQ(losses.size(), 6u);
}

} // namespace
} // namespace voskhod::cpu::test
