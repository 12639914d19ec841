//===- tests/unit/kernel/ModelProgramTest.cpp - a model lowered once ------===//
///
/// lowerModel: the tensor table is the union of both entries' external
/// buffers by name, each entry's table points at its own buffers, a tensor
/// the entries disagree on is an error, a forward graph without results has
/// no entry, and the arena is the larger entry's.
///
//===----------------------------------------------------------------------===//
#include "KernelTestUtil.h"

#include "compiler/kernel/MemoryBudget.h"
#include "compiler/kernel/ModelProgram.h"

#include <set>

namespace voskhod::kernel::test {
namespace {

/// Every position of `entry.table` names the tensor of the program's
/// external buffer there, with its type.
void checkEntry(const ModelProgram &m, const ModelEntry &entry) {
  const KernelProgram &p = entry.program;
  ASSERT_EQ(entry.table.size(), p.external.size());
  ASSERT_EQ(entry.reads.size(), p.external.size());
  for (size_t k = 0; k < p.external.size(); ++k) {
    const Buffer &b = p.buffers[p.external[k]];
    ASSERT_GE(entry.table[k], 0);
    ASSERT_LT(size_t(entry.table[k]), m.tensors.size());
    const ModelTensor &t = m.tensors[size_t(entry.table[k])];
    EXPECT_EQ(t.name, b.name);
    EXPECT_EQ(t.type, b.type) << b.name;
  }
}

const ModelTensor *find(const ModelProgram &m, const std::string &name) {
  for (const ModelTensor &t : m.tensors)
    if (t.name == name)
      return &t;
  return nullptr;
}

/// A graph built in C++ may leave its loss and its result unnamed: the step's
/// unnamed results get names of their own, not the forward entry's.
TEST(ModelProgram, UnnamedResultsOfTheTwoEntriesDoNotClash) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  for (ir::Graph *g : {fwd.get(), step.get()})
    for (ir::Node *r : g->results())
      if (!r->hasTrait(ir::OpTrait::Leaf))
        r->setName("");
  auto m = lowerModel(step.get(), fwd.get());
  ASSERT_TRUE(m) << m.message();
  const ModelTensor *logits = find(*m, "result0");
  ASSERT_TRUE(logits);
  EXPECT_TRUE(logits->forwardOutput);
  EXPECT_EQ(logits->type, fwd->results()[0]->type());
  ASSERT_GE(m->lossIndex, 0);
  EXPECT_EQ(m->tensors[size_t(m->lossIndex)].name, "step.result0");
  EXPECT_TRUE(m->tensors[size_t(m->lossIndex)].stepOutput);
}

TEST(ModelProgram, TableIsTheUnionOfBothEntries) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  auto m = lowerModel(step.get(), fwd.get());
  ASSERT_TRUE(m) << m.message();
  ASSERT_TRUE(m->step && m->forward);
  checkEntry(*m, *m->step);
  checkEntry(*m, *m->forward);

  std::set<std::string> names;
  for (const ModelTensor &t : m->tensors)
    EXPECT_TRUE(names.insert(t.name).second) << t.name << " listed twice";
  // Every buffer either entry takes is in the table, and nothing else.
  std::set<std::string> used;
  for (const ModelEntry *e : {&*m->step, &*m->forward})
    for (int id : e->program.external)
      used.insert(e->program.buffers[id].name);
  EXPECT_EQ(names, used);

  // The inputs and params both entries take are shared, not repeated.
  std::set<int> stepPositions(m->step->table.begin(), m->step->table.end());
  for (const char *name : {"x", "w1", "b3"}) {
    const ModelTensor *t = find(*m, name);
    ASSERT_TRUE(t) << name;
    int position = int(t - m->tensors.data());
    EXPECT_TRUE(stepPositions.count(position)) << name;
    EXPECT_NE(
        std::find(m->forward->table.begin(), m->forward->table.end(), position),
        m->forward->table.end())
        << name;
  }
  EXPECT_EQ(find(*m, "w1")->role, BufferKind::Param);
  EXPECT_EQ(find(*m, "x")->role, BufferKind::Input);
  EXPECT_EQ(find(*m, "w1")->init.kind, InitKind::HeNormal);

  // The forward entry's result is its output only; the loss is the step's.
  const ModelTensor *lg = find(*m, "lg");
  ASSERT_TRUE(lg);
  EXPECT_EQ(lg->role, BufferKind::Output);
  EXPECT_TRUE(lg->forwardOutput);
  EXPECT_FALSE(lg->stepOutput);
  ASSERT_GE(m->lossIndex, 0);
  const ModelTensor &loss = m->tensors[size_t(m->lossIndex)];
  EXPECT_EQ(loss.role, BufferKind::Output);
  EXPECT_TRUE(loss.stepOutput);
  EXPECT_FALSE(loss.forwardOutput);
  EXPECT_EQ(loss.type.numElements(), 1);

  // The step's tensors come first, in the step's order.
  for (size_t k = 0; k < m->step->table.size(); ++k)
    EXPECT_EQ(m->step->table[k], int(k));
  EXPECT_EQ(m->name, "classifier");
}

TEST(ModelProgram, ArenaIsTheLargerEntrys) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  auto alone = lowerToKernels(*step);
  ASSERT_TRUE(alone) << alone.message();
  auto m = lowerModel(step.get(), fwd.get());
  ASSERT_TRUE(m) << m.message();
  int64_t a = m->step->program.memory.arenaBytes;
  int64_t b = m->forward->program.memory.arenaBytes;
  EXPECT_GT(a, 0);
  EXPECT_GT(b, 0);
  EXPECT_NE(a, b); // else the test could not tell max from either
  EXPECT_EQ(m->arenaBytes, std::max(a, b));
  // Lowered as lowerToKernels lowers a graph alone.
  EXPECT_EQ(a, alone->memory.arenaBytes);
  EXPECT_EQ(m->step->program.kernels.size(), alone->kernels.size());

  // The memory budget counts each tensor once and this arena.
  MemoryEstimate e = estimateMemory(*m);
  int64_t tensorBytes = 0;
  for (const ModelTensor &t : m->tensors)
    tensorBytes += t.bytes();
  EXPECT_EQ(e.tensorBytes, tensorBytes);
  EXPECT_EQ(e.arenaBytes, m->arenaBytes);
}

TEST(ModelProgram, StepAloneIsNamedWithoutItsSuffix) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  auto m = lowerModel(step.get(), nullptr);
  ASSERT_TRUE(m) << m.message();
  EXPECT_TRUE(m->step);
  EXPECT_FALSE(m->forward);
  EXPECT_EQ(m->name, "classifier");
  EXPECT_FALSE(find(*m, "lg")) << "only the forward entry returns %lg";
}

const char *kNoResults = R"(
graph @noreturn {
  %x = input f32[4, 3]
  %w = param f32[3, 2] init = xavier_uniform
  %l = reduce_sum (tanh (matmul %x, %w)) {axes = [0, 1]}
  minimize %l using sgd {lr = 0.1}
  return %l
}
)";

TEST(ModelProgram, ForwardWithoutResultsHasNoEntry) {
  auto fwd = parse(kNoResults);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  // The text format requires a `return`; a graph built in C++ need not
  // have one.
  fwd->results().clear();
  auto m = lowerModel(step.get(), fwd.get());
  ASSERT_TRUE(m) << m.message();
  EXPECT_TRUE(m->step);
  EXPECT_FALSE(m->forward);
  EXPECT_EQ(m->entry(false), nullptr);
  EXPECT_EQ(m->arenaBytes, m->step->program.memory.arenaBytes);
  for (const ModelTensor &t : m->tensors)
    EXPECT_FALSE(t.forwardOutput) << t.name;
  // Still named after the forward graph, as the C API's prefix is.
  EXPECT_EQ(m->name, "noreturn");

  auto alone = lowerModel(nullptr, fwd.get());
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.message().find("no results"), std::string::npos)
      << alone.message();
  auto none = lowerModel(nullptr, nullptr);
  ASSERT_FALSE(none);
  EXPECT_NE(none.message().find("nothing to compile"), std::string::npos)
      << none.message();
}

TEST(ModelProgram, EntriesMustAgreeOnSharedTensors) {
  auto a =
      parse("graph @a {\n  %x = input f32[2]\n  %y = exp %x\n  return %y\n}\n");
  auto shape =
      parse("graph @b {\n  %x = input f32[3]\n  %y = exp %x\n  return %y\n}\n");
  auto role = parse("graph @c {\n  %x = param f32[2] init = zeros\n"
                    "  %y = exp %x\n  return %y\n}\n");
  auto dtype =
      parse("graph @d {\n  %x = input f64[2]\n  %y = exp %x\n  return %y\n}\n");
  ASSERT_TRUE(a && shape && role && dtype);
  for (const ir::Graph *other : {shape.get(), role.get(), dtype.get()}) {
    auto m = lowerModel(a.get(), other);
    ASSERT_FALSE(m) << other->name();
    EXPECT_EQ(m.message(),
              "tensor 'x' differs between the step and the forward graph");
  }
  auto same = parse(
      "graph @e {\n  %x = input f32[2]\n  %y = tanh %x\n  return %y\n}\n");
  ASSERT_TRUE(same);
  auto m = lowerModel(a.get(), same.get());
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->step->table[0], m->forward->table[0]);
}

TEST(ModelProgram, RecordsWhichExternalsAreRead) {
  auto g = parse("graph @r {\n  %x = input f32[4]\n  %u = input f32[4]\n"
                 "  %y = exp %x\n  return %y\n}\n");
  ASSERT_TRUE(g);
  auto m = lowerModel(nullptr, g.get());
  ASSERT_TRUE(m) << m.message();
  const ModelEntry &e = *m->forward;
  bool sawX = false, sawU = false;
  for (size_t k = 0; k < e.table.size(); ++k) {
    const std::string &name = m->tensors[size_t(e.table[k])].name;
    if (name == "x") {
      sawX = true;
      EXPECT_TRUE(e.reads[k]);
    }
    if (name == "u") {
      sawU = true;
      EXPECT_FALSE(e.reads[k]) << "no kernel reads %u";
    }
    if (m->tensors[size_t(e.table[k])].role == BufferKind::Output)
      EXPECT_FALSE(e.reads[k]) << name;
  }
  EXPECT_TRUE(sawX);
  EXPECT_TRUE(sawU) << "an unread input is still the entry's argument";
}

} // namespace
} // namespace voskhod::kernel::test
