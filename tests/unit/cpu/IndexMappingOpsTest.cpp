//===- tests/unit/cpu/IndexMappingOpsTest.cpp - pad, slice, concat on CPU -===//
///
/// pad, slice and concat compiled for the CPU against the float64
/// interpreter, on random inputs and again with NaN and infinities among
/// them: ranks 1 to 4, asymmetric pads, strided and negative-bound slices,
/// concat of three operands on the first, a middle and the last axis, and
/// the ops fused into elementwise users, read through a transpose and
/// inlined into a matmul's operands. A result that copies input elements
/// (or pad's value) is held to the f32 rounding of the inputs; one through
/// a matmul's f32 sums to 1e-4.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

namespace voskhod::cpu::test {
namespace {

struct Case {
  const char *name;
  std::string text;
  double tolerance = 1e-6;
};

class IndexMapping : public ::testing::TestWithParam<Case> {};

TEST_P(IndexMapping, MatchesInterpreter) {
  checkForward(GetParam().text, GetParam().tolerance);
}

TEST_P(IndexMapping, NanAndInfinitiesMatchInterpreter) {
  checkForward(GetParam().text, GetParam().tolerance, /*seed=*/11, CpuOptions{},
               /*specials=*/true);
}

std::string graph(const char *name, const std::string &body) {
  return "graph @" + std::string(name) + " {\n" + body + "\n}\n";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IndexMapping,
    ::testing::Values(
        Case{"pad_rank1", graph("pad_rank1", "  %x = input f32[13]\n"
                                             "  %r = pad %x {pads = [3, 1]}\n"
                                             "  return %r")},
        Case{"pad_rank2_value",
             graph("pad_rank2_value",
                   "  %x = input f32[37, 19]\n"
                   "  %r = pad %x {pads = [0, 5, 2, 1], value = -2.5}\n"
                   "  return %r")},
        Case{"pad_rank4",
             graph("pad_rank4",
                   "  %x = input f32[2, 3, 5, 7]\n"
                   "  %r = pad %x {pads = [0, 0, 1, 2, 0, 1, 2, 3]}\n"
                   "  return %r")},
        Case{"pad_f64_i32",
             graph("pad_f64_i32",
                   "  %x = input f64[4, 6]\n"
                   "  %i = input i32[5]\n"
                   "  %r = pad %x {pads = [1, 1, 2, 2], value = 7}\n"
                   "  %s = pad %i {pads = [2, 0], value = 3}\n"
                   "  return %r, %s")},
        Case{"slice_rank1_negative",
             graph("slice_rank1_negative",
                   "  %x = input f32[29]\n"
                   "  %r = slice %x {starts = [-20], ends = [-3]}\n"
                   "  return %r")},
        Case{"slice_strided_rank3",
             graph("slice_strided_rank3",
                   "  %x = input f32[9, 37, 19]\n"
                   "  %r = slice %x {starts = [1, 0, 2], ends = [9, 100, 19], "
                   "steps = [2, 3, 4]}\n"
                   "  return %r")},
        Case{"slice_rank4",
             graph("slice_rank4", "  %x = input f32[3, 4, 5, 6]\n"
                                  "  %r = slice %x {starts = [1, 1, 0, 2], "
                                  "ends = [3, 4, 5, 5]}\n"
                                  "  return %r")},
        Case{"concat_first",
             graph("concat_first", "  %a = input f32[3, 19]\n"
                                   "  %b = input f32[5, 19]\n"
                                   "  %c = input f32[1, 19]\n"
                                   "  %r = concat %a, %b, %c {axis = 0}\n"
                                   "  return %r")},
        Case{"concat_middle",
             graph("concat_middle", "  %a = input f32[2, 3, 7]\n"
                                    "  %b = input f32[2, 1, 7]\n"
                                    "  %c = input f32[2, 4, 7]\n"
                                    "  %r = concat %a, %b, %c {axis = 1}\n"
                                    "  return %r")},
        Case{"concat_last",
             graph("concat_last", "  %a = input f32[4, 5]\n"
                                  "  %b = input f32[4, 13]\n"
                                  "  %c = input f32[4, 2]\n"
                                  "  %r = concat %a, %b, %c {axis = -1}\n"
                                  "  return %r")},
        Case{"fused_users",
             graph("fused_users",
                   "  %x = input f32[37, 19]\n"
                   "  %y = input f32[37, 19]\n"
                   "  %p = relu (pad %x {pads = [1, 2, 3, 4], value = -1})\n"
                   "  %s = mul (slice %p {starts = [0, 1], ends = [37, 20]}), "
                   "(exp %y)\n"
                   "  %c = concat (neg %x), %s, (transpose (transpose %y)) "
                   "{axis = 0}\n"
                   "  %t = add (transpose (pad %y {pads = [0, 1, 0, 0]})), 1\n"
                   "  return %p, %c, %t")},
        Case{"matmul_prologue",
             graph("matmul_prologue",
                   "  %x = input f32[9, 37]\n"
                   "  %w = input f32[18, 5]\n"
                   "  %r = matmul (slice %x {starts = [0, 1], ends = [9, 37], "
                   "steps = [1, 2]}), (pad %w {pads = [0, 0, 0, 3]})\n"
                   "  %s = concat %r, (pad %x {pads = [0, 0, 0, 0]}) "
                   "{axis = 1}\n"
                   "  return %s"),
             1e-4}),
    [](const auto &info) { return std::string(info.param.name); });

} // namespace
} // namespace voskhod::cpu::test
