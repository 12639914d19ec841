//===- tests/unit/cpu/LoweringCoverageTest.cpp - every op reaches both backends
///
/// For every non-leaf op of Ops.def: a one-op forward graph, built from the
/// op's traits and arity (so a new op is covered without a line here), is
/// lowered with kernel::lowerToKernels and rendered by the LLVM renderer
/// (the module must verify) and by the CUDA renderer (the source must name
/// every kernel). Ops listed in kUnsupported must instead get a diagnostic
/// from the lowering, not a crash. The numerics of each op are tested
/// elsewhere (OpsTest.cpp, tests/unit/cuda); this test only says that
/// nothing was left out.
///
//===----------------------------------------------------------------------===//
#include "../../support/GraphParsing.h"

#include "compiler/codegen/cuda/CudaRenderer.h"
#include "compiler/codegen/llvm/KernelRenderer.h"
#include "compiler/ir/CompositeExpansion.h"
#include "compiler/ir/Op.h"
#include "compiler/kernel/Lowering.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>

namespace voskhod {
namespace {

using ir::OpKind;
namespace OpTrait = ir::OpTrait;

/// Ops the kernel lowering does not handle. Each must be reported by
/// lowerToKernels with a message naming it. batch_norm never reaches a
/// backend: every entry replaces it by its training or evaluation form,
/// made of other ops (ModeSpecialization.h). Nor does a composite op
/// (conv2d, the pools): the same call substitutes its expansion, which is
/// what the test lowers and renders for it.
constexpr std::array<OpKind, 1> kUnsupported{OpKind::BatchNorm};

bool unsupported(OpKind op) {
  return std::find(kUnsupported.begin(), kUnsupported.end(), op) !=
         kUnsupported.end();
}

/// Operands for `op` (declared as inputs) and attributes that an op requires
/// and that have no default. Shapes: f32[3, 5] for most, so that reductions,
/// rows and losses have something to reduce.
struct OneOpGraph {
  std::string text;
  std::string problem; // set when the traits say nothing usable
};

OneOpGraph oneOpGraph(OpKind op) {
  const ir::OpInfo &info = ir::opInfo(op);
  std::string name(info.name);
  std::string inputs = "  %a = input f32[3, 5]\n  %b = input f32[3, 5]\n"
                       "  %c = input i1[3, 5]\n  %i = input i32[3]\n"
                       "  %m = input f32[5, 4]\n  %j = input i32[3, 5]\n";
  std::string operands;
  if (op == OpKind::Select)
    operands = "%c, %a, %b";
  else if (op == OpKind::OneHot)
    operands = "%i";
  else if (op == OpKind::DropoutTrain)
    operands = "%a, %b, %j"; // x, step, seed
  else if (op == OpKind::Conv2d || op == OpKind::MaxPool2d ||
           op == OpKind::AvgPool2d) {
    inputs += "  %x = input f32[2, 4, 6, 5]\n  %w = input f32[6, 2, 3, 2]\n";
    operands = op == OpKind::Conv2d ? "%x, %w {padding = [1, 0, 1, 1], "
                                      "dilation = [2, 1], groups = 2}"
                                    : "%x {padding = [1, 1]}";
  } else if (op == OpKind::BatchNorm) {
    inputs += "  %g = input f32[5]\n  %rm = state f32[5] init = zeros\n"
              "  %rv = state f32[5] init = ones\n";
    operands = "%a, %g, %g, %rm, %rv";
  } else if (op == OpKind::LayerNorm) {
    inputs += "  %g = input f32[5]\n";
    operands = "%a, %g, %g";
  } else if (op == OpKind::Gather)
    operands = "%m, %j"; // rows of a [5, 4] table at [3, 5] indices
  else if (info.arity == ir::kVariadic)
    operands = "%a, %b, %a";
  else if (ir::hasTrait(op, OpTrait::Contraction))
    operands = "%a, %m";
  else if (info.arity == 1)
    operands = "%a";
  else if (info.arity == 2)
    operands = "%a, %b";
  else
    return {"", "no operands known for '" + name + "': add a case here"};
  // Required attributes get a value that fits the operands.
  std::string attrs;
  for (const ir::AttrSpec &spec : ir::attrSpecs(op)) {
    if (!spec.required)
      continue;
    std::string value;
    if (spec.kind == ir::AttrKind::DType)
      value = "f64";
    else if (spec.kind == ir::AttrKind::Int && spec.name == "depth")
      value = "4";
    else if (op == OpKind::Reshape && spec.name == "shape")
      value = "[5, 3]";
    else if (op == OpKind::Broadcast && spec.name == "shape")
      value = "[2, 3, 5]";
    else if (op == OpKind::DropoutTrain && spec.name == "p")
      value = "0.25";
    else if (op == OpKind::DropoutTrain && spec.name == "key")
      value = "99";
    else if (op == OpKind::Pad && spec.name == "pads")
      value = "[1, 0, 2, 3]";
    else if (op == OpKind::Slice && spec.name == "starts")
      value = "[1, -4]";
    else if (op == OpKind::Slice && spec.name == "ends")
      value = "[3, 5]";
    else if (op == OpKind::Concat && spec.name == "axis")
      value = "1";
    else if (spec.name == "kernel") // the pools
      value = "[3, 2]";
    else
      return {"", "no value known for required attribute '" +
                      std::string(spec.name) + "' of '" + name +
                      "': add a case here"};
    attrs +=
        (attrs.empty() ? " {" : ", ") + std::string(spec.name) + " = " + value;
  }
  if (!attrs.empty())
    attrs += "}";
  if (size_t brace = operands.find(" {");
      brace != std::string::npos && !attrs.empty()) {
    // Both give attributes: one list.
    attrs = ", " + attrs.substr(2);
    operands.pop_back();
  }
  return {"graph @cover {\n" + inputs + "  %r = " + name + " " + operands +
              attrs + "\n  return %r\n}\n",
          ""};
}

class LoweringCoverage : public ::testing::TestWithParam<int> {};

TEST_P(LoweringCoverage, LowersAndRendersOnCpuAndCuda) {
  OpKind op = OpKind(GetParam());
  std::string name(ir::opName(op));
  OneOpGraph built = oneOpGraph(op);
  ASSERT_TRUE(built.problem.empty()) << built.problem;
  auto g = test::parse(built.text);
  ASSERT_TRUE(g) << built.text;
  if (ir::hasTrait(op, OpTrait::Composite)) {
    auto raw = kernel::lowerToKernels(*g);
    ASSERT_FALSE(raw) << "composite '" << name << "' lowered unexpanded";
    EXPECT_NE(raw.message().find("'" + name + "'"), std::string::npos)
        << raw.message();
    ASSERT_TRUE(ir::expandComposites(*g));
  }
  auto program = kernel::lowerToKernels(*g);
  if (unsupported(op)) {
    ASSERT_FALSE(program) << "'" << name << "' is listed as unsupported";
    EXPECT_NE(program.message().find("'" + name + "'"), std::string::npos)
        << program.message();
    return;
  }
  ASSERT_TRUE(program) << name << ": " << program.message();
  EXPECT_FALSE(program->kernels.empty()) << name;

  llvm::LLVMContext ctx;
  llvm::Module module("cover", ctx);
  codegen::renderProgram(module, *program, "entry", {});
  std::string problems;
  llvm::raw_string_ostream os(problems);
  EXPECT_FALSE(llvm::verifyModule(module, &os)) << name << ": " << os.str();

  cuda::RenderedProgram rendered = cuda::renderCudaProgram(*program, "cover");
  EXPECT_FALSE(rendered.source.empty()) << name;
  EXPECT_FALSE(rendered.plan.launches.empty()) << name;
}

std::vector<int> nonLeafOps();

/// The renderers translate most scalar ops in a switch and the math calls by
/// name, with no compile-time check that an entry of ScalarOps.def was not
/// forgotten; the test above renders what graph ops emit, so it covers every
/// entry once some graph op emits each.
TEST(ScalarOpCoverage, SomeOneOpGraphEmitsEveryScalarOp) {
  std::set<kernel::ScalarOp> seen;
  auto add = [&](const kernel::Body &body) {
    for (const kernel::Inst &in : body.insts)
      seen.insert(in.op);
  };
  for (int op : nonLeafOps()) {
    auto g = test::parse(oneOpGraph(OpKind(op)).text);
    ASSERT_TRUE(g);
    auto program = kernel::lowerToKernels(*g);
    if (!program)
      continue;
    for (const kernel::Kernel &k : program->kernels) {
      add(k.body);
      for (const kernel::Phase &ph : k.phases)
        add(ph.body);
    }
  }
  std::string missing;
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall)           \
  if (!seen.count(kernel::ScalarOp::Enum))                                     \
    missing += std::string(" ") + Name;
#include "compiler/kernel/ScalarOps.def"
  EXPECT_EQ(missing, "") << "no graph op emits these scalar ops, so no test "
                            "renders them";
}

std::vector<int> nonLeafOps() {
  std::vector<int> ops;
  for (int i = 0; i < ir::kNumOps; ++i)
    if (!ir::hasTrait(OpKind(i), OpTrait::Leaf))
      ops.push_back(i);
  return ops;
}

INSTANTIATE_TEST_SUITE_P(EveryOp, LoweringCoverage,
                         ::testing::ValuesIn(nonLeafOps()),
                         [](const auto &info) {
                           return std::string(ir::opName(OpKind(info.param)));
                         });

} // namespace
} // namespace voskhod
