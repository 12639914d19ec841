//===- tests/unit/aot/TableAgreementTest.cpp - JIT and AOT see one model --===//
///
/// The JIT (cpu::compileForCpu) and the AOT compiler (cpu::describeAot)
/// consume the same lowered model, so their tensor tables, entries and
/// per-entry tables must be the same: a checkpoint written by one is read
/// by the other. Also for a model whose forward graph returns nothing,
/// where both leave the inference entry out.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include "compiler/text/Parser.h"
#include "compiler/training/TrainStep.h"

namespace voskhod::aot::test {
namespace {

/// The JIT's and the AOT description's tables of `program` agree with each
/// other and with the program.
void checkAgreement(const kernel::ModelProgram &program) {
  auto exe = cpu::compileForCpu(program);
  ASSERT_TRUE(exe) << exe.message();
  auto api = cpu::describeAot(program);
  ASSERT_TRUE(api) << api.message();
  const std::vector<rt::TensorInfo> &jit = (*exe)->tensors();
  ASSERT_EQ(jit.size(), api->tensors.size());
  ASSERT_EQ(jit.size(), program.tensors.size());
  for (size_t i = 0; i < jit.size(); ++i) {
    SCOPED_TRACE(jit[i].name);
    const cpu::AotTensor &a = api->tensors[i];
    EXPECT_EQ(jit[i].name, a.name);
    EXPECT_EQ(jit[i].name, program.tensors[i].name);
    EXPECT_EQ(jit[i].type, a.type);
    EXPECT_EQ(jit[i].shape, a.shape);
    EXPECT_EQ(jit[i].role, a.role);
    EXPECT_TRUE(jit[i].init == a.init);
  }
  EXPECT_EQ((*exe)->hasStep(), api->hasStep());
  EXPECT_EQ((*exe)->hasForward(), api->hasForward());
  EXPECT_EQ((*exe)->hasStep(), bool(program.step));
  EXPECT_EQ((*exe)->hasForward(), bool(program.forward));
  EXPECT_EQ(api->stepTable,
            program.step ? program.step->table : std::vector<int>());
  EXPECT_EQ(api->forwardTable,
            program.forward ? program.forward->table : std::vector<int>());
  EXPECT_EQ(api->lossIndex, program.lossIndex);
  EXPECT_EQ(api->arenaBytes, program.arenaBytes);
  EXPECT_EQ(api->graphName, program.name);
}

TEST(TableAgreement, ModelsWithBothEntries) {
  for (const char *path :
       {"tests/aot/models/inits.vg", "tests/aot/models/mlp.vg",
        "examples/classifier.vg"}) {
    SCOPED_TRACE(path);
    auto program = sharedModel(path).lower();
    ASSERT_TRUE(program) << program.message();
    ASSERT_TRUE(program->step && program->forward);
    checkAgreement(*program);
  }
}

TEST(TableAgreement, EachEntryAlone) {
  const Model &model = sharedModel("tests/aot/models/inits.vg");
  auto step = kernel::lowerModel(model.step.get(), nullptr);
  ASSERT_TRUE(step) << step.message();
  checkAgreement(*step);
  auto forward = kernel::lowerModel(nullptr, model.forward.get());
  ASSERT_TRUE(forward) << forward.message();
  checkAgreement(*forward);
}

TEST(TableAgreement, ForwardWithoutResultsHasNoEntryAnywhere) {
  ir::DiagnosticEngine diags;
  auto forward = ir::parseGraph(R"(
graph @noreturn {
  %x = input f32[4, 3]
  %w = param f32[3, 2] init = xavier_uniform
  %l = reduce_sum (tanh (matmul %x, %w)) {axes = [0, 1]}
  minimize %l using sgd {lr = 0.1}
  return %l
}
)",
                                "noreturn.vg", diags);
  ASSERT_TRUE(forward);
  auto step = training::buildTrainStep(*forward, diags);
  ASSERT_TRUE(step);
  // The text format requires a `return`; a graph built in C++ need not
  // have one.
  forward->results().clear();
  auto program = kernel::lowerModel(step.get(), forward.get());
  ASSERT_TRUE(program) << program.message();
  EXPECT_FALSE(program->forward);
  checkAgreement(*program);
}

} // namespace
} // namespace voskhod::aot::test
