//===- tests/unit/kernel/ScalarOpsTest.cpp - the scalar op list and costs -===//
#include "KernelTestUtil.h"

#include "compiler/kernel/KernelBuilder.h"
#include "compiler/kernel/KernelIR.h"

#include <map>
#include <set>

namespace voskhod::kernel::test {
namespace {

constexpr ScalarOp kAll[] = {
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall)           \
  ScalarOp::Enum,
#include "compiler/kernel/ScalarOps.def"
};

TEST(ScalarOps, EveryOpHasAUniqueNameAnArityAndACost) {
  std::set<std::string_view> names;
  for (ScalarOp op : kAll) {
    std::string_view name = scalarOpName(op);
    EXPECT_NE(name, "?");
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_GE(scalarOpArity(op), 0);
    EXPECT_LE(scalarOpArity(op), 3);
    // Arithmetic costs something; operands do not.
    EXPECT_EQ(scalarOpCost(op) > 0, scalarOpArity(op) > 0) << name;
    if (isTranscendental(op)) {
      EXPECT_GT(scalarOpCost(op), 1) << name;
    }
  }
  EXPECT_EQ(scalarOpName(ScalarOp::RowValue), "row");
  EXPECT_EQ(scalarOpArity(ScalarOp::Select), 3);
  EXPECT_TRUE(isTranscendental(ScalarOp::Expm1));
  EXPECT_FALSE(isTranscendental(ScalarOp::Mul));
}

/// The planner's cost of an elementwise graph op is its dearest scalar op.
TEST(ScalarOps, ElementwiseCostIsTheDearestScalarOpOfTheLowering) {
  auto g = parse(R"(
graph @costs {
  %x = input f32[4]
  %y = input f32[4]
  %relu = relu %x
  %leaky = leaky_relu %x
  %elu = elu %x
  %softplus = softplus %x
  %square = square %x
  %pow = pow %x, %y
  %sum = add %x, %y
  return %relu, %leaky, %elu, %softplus, %square, %pow, %sum
}
)");
  ASSERT_TRUE(g);
  std::map<std::string, int> cost;
  for (const ir::Node *n : *g)
    if (n->hasTrait(ir::OpTrait::Elementwise))
      cost[n->name()] = elementwiseCost(n);
  int exp = scalarOpCost(ScalarOp::Exp);
  EXPECT_EQ(cost["relu"], scalarOpCost(ScalarOp::Max));
  EXPECT_EQ(cost["leaky"], scalarOpCost(ScalarOp::Select));
  EXPECT_EQ(cost["elu"], scalarOpCost(ScalarOp::Expm1));
  EXPECT_EQ(cost["softplus"], exp);
  EXPECT_EQ(cost["square"], scalarOpCost(ScalarOp::Mul));
  EXPECT_EQ(cost["pow"], scalarOpCost(ScalarOp::Pow));
  EXPECT_EQ(cost["sum"], 1);
  EXPECT_GT(exp, 1);
}

} // namespace
} // namespace voskhod::kernel::test
