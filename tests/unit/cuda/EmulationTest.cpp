//===- tests/unit/cuda/EmulationTest.cpp - rendered kernels vs interpreter //
///
/// The rendered CUDA C++ of every op case, pattern and training model, run
/// on the host through HostEmulation.h, against the float64 interpreter:
/// the forward graphs' results, and two training steps' loss, params and
/// optimiser states. This is what checks the kernels' arithmetic where no
/// GPU is present; ExecutionTest.cpp runs the same cases on a real one.
///
//===----------------------------------------------------------------------===//
#include "CudaTestUtil.h"
#include "HostEmulation.h"
#include "ModelCases.h"

#include "compiler/codegen/cuda/CudaRenderer.h"
#include "compiler/codegen/cuda/CudaText.h"
#include "compiler/kernel/Lowering.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

namespace voskhod::cuda::test {
namespace {

/// One lowered program with host storage for its external buffers.
struct HostProgram {
  std::string name;
  double tolerance = 0;
  bool specials = true;
  std::unique_ptr<ir::Graph> forward, step;
  /// The forward graph as the backends get it (composites expanded); the
  /// interpreter runs `forward` as written.
  std::unique_ptr<ir::Graph> lowered;
  kernel::KernelProgram program;
  RenderedProgram rendered;
  std::vector<std::vector<char>> storage; // per external buffer
  std::vector<char> arena;

  /// The graph its program was lowered from.
  const ir::Graph &graph() const { return step ? *step : *lowered; }

  int external(const std::string &name) const {
    for (size_t i = 0; i < program.external.size(); ++i)
      if (program.buffers[program.external[i]].name == name)
        return int(i);
    return -1;
  }
  void put(const std::string &name, const std::vector<double> &values) {
    int i = external(name);
    if (i < 0)
      return; // an input the program does not read
    ir::DType t = program.buffers[program.external[i]].type.dtype;
    char *p = storage[i].data();
    for (size_t k = 0; k < values.size(); ++k) {
      switch (t) {
      case ir::DType::F32:
        reinterpret_cast<float *>(p)[k] = float(values[k]);
        break;
      case ir::DType::F64:
        reinterpret_cast<double *>(p)[k] = values[k];
        break;
      case ir::DType::I32:
        reinterpret_cast<int32_t *>(p)[k] = int32_t(values[k]);
        break;
      case ir::DType::I1:
        reinterpret_cast<uint8_t *>(p)[k] = values[k] != 0;
        break;
      }
    }
  }
  std::vector<double> get(const std::string &name) const {
    int i = external(name);
    EXPECT_GE(i, 0) << "no external buffer " << name;
    if (i < 0)
      return {};
    const kernel::Buffer &b = program.buffers[program.external[i]];
    const char *p = storage[i].data();
    std::vector<double> out(size_t(b.type.numElements()));
    for (size_t k = 0; k < out.size(); ++k) {
      switch (b.type.dtype) {
      case ir::DType::F32:
        out[k] = reinterpret_cast<const float *>(p)[k];
        break;
      case ir::DType::F64:
        out[k] = reinterpret_cast<const double *>(p)[k];
        break;
      case ir::DType::I32:
        out[k] = reinterpret_cast<const int32_t *>(p)[k];
        break;
      case ir::DType::I1:
        out[k] = reinterpret_cast<const uint8_t *>(p)[k];
        break;
      }
    }
    return out;
  }
  Status run(HostModule &module) {
    std::vector<void *> pointers;
    for (auto &s : storage)
      pointers.push_back(s.data());
    return module.run(rendered.plan, pointers, arena.data());
  }
};

std::vector<std::unique_ptr<HostProgram>> lowerAll(std::string &source) {
  std::vector<ModelCase> cases = opCases();
  for (auto *more : {&patternCases, &trainingCases})
    for (ModelCase &c : more())
      cases.push_back(c);
  std::vector<std::unique_ptr<HostProgram>> out;
  source = cudaPreamble();
  for (const ModelCase &c : cases) {
    if (!c.emulate)
      continue;
    auto hp = std::make_unique<HostProgram>();
    hp->name = c.name;
    hp->tolerance = c.tolerance;
    hp->specials = c.specials;
    hp->forward = parse(c.text);
    if (!hp->forward)
      continue;
    if (c.train) {
      hp->step = trainStep(*hp->forward);
      if (!hp->step)
        continue;
    } else {
      hp->lowered = parse(c.text);
      training::specializeForMode(*hp->lowered, training::Mode::Eval);
    }
    auto p = kernel::lowerToKernels(hp->graph());
    EXPECT_TRUE(p) << c.name << ": " << p.message();
    if (!p)
      continue;
    hp->program = p.take();
    hp->rendered = renderCudaProgram(hp->program, identifier("t_" + c.name));
    source += hp->rendered.source;
    for (int id : hp->program.external)
      hp->storage.emplace_back(
          size_t((hp->program.buffers[id].bytes() + 63) / 64 * 64 + 64), 0);
    hp->arena.assign(size_t(hp->program.memory.arenaBytes + 64), 0);
    out.push_back(std::move(hp));
  }
  return out;
}

class Emulation : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (std::system("c++ --version > /dev/null 2>&1") != 0)
      return;
    std::string source;
    programs_ = new std::vector<std::unique_ptr<HostProgram>>(lowerAll(source));
    auto m = HostModule::compile(source);
    if (!m) {
      error_ = new std::string(m.message());
      return;
    }
    module_ = m.take().release();
  }
  static void TearDownTestSuite() {
    delete module_;
    delete programs_;
    delete error_;
    module_ = nullptr;
    programs_ = nullptr;
    error_ = nullptr;
  }
  void SetUp() override {
    if (error_)
      FAIL() << *error_;
    if (!module_)
      GTEST_SKIP() << "no host C++ compiler (c++) to run the kernels with";
  }

  static HostModule *module_;
  static std::vector<std::unique_ptr<HostProgram>> *programs_;
  static std::string *error_;
};

HostModule *Emulation::module_ = nullptr;
std::vector<std::unique_ptr<HostProgram>> *Emulation::programs_ = nullptr;
std::string *Emulation::error_ = nullptr;

/// Runs every forward program on random inputs (with NaN and infinities
/// among them when `specials`) against the interpreter; returns how many.
int checkForwardGraphs(HostModule &module,
                       std::vector<std::unique_ptr<HostProgram>> &programs,
                       bool specials) {
  int checked = 0;
  for (auto &hp : programs) {
    if (hp->step || (specials && !hp->specials))
      continue;
    const ir::Graph &g = *hp->forward;
    ir::LeafValues leaves = training::initialLeafValues(g, 7);
    if (specials)
      voskhod::test::injectSpecialValues(leaves, 7);
    for (auto &[node, value] : leaves)
      hp->put(node->name(), value.data);
    Status ran = hp->run(module);
    EXPECT_TRUE(ran) << hp->name << ": " << ran.message();
    auto eval = ir::evaluate(g, leaves);
    EXPECT_TRUE(eval) << hp->name << ": " << eval.message();
    if (!ran || !eval)
      continue;
    for (size_t i = 0; i < g.results().size(); ++i) {
      const ir::Node *r = g.results()[i];
      double err = maxError(hp->get(resultName(r, i)), eval->value(r).data);
      EXPECT_LE(err, hp->tolerance) << hp->name << ", result " << i;
    }
    ++checked;
  }
  return checked;
}

TEST_F(Emulation, ForwardGraphsMatchInterpreter) {
  EXPECT_GT(checkForwardGraphs(*module_, *programs_, false), 50);
}

TEST_F(Emulation, NanAndInfinitiesMatchInterpreter) {
  EXPECT_GT(checkForwardGraphs(*module_, *programs_, true), 50);
}

/// gelu, erf and reduce_min with NaN, +inf and -inf among the inputs: the
/// interpreter's NaN must come out NaN, its infinities the same infinities.
TEST_F(Emulation, NonFiniteInputsOfNewOpsMatchInterpreter) {
  const std::set<std::string> names = {"erf", "gelu", "gelu_tanh", "min",
                                       "min_all"};
  int checked = 0;
  for (auto &hp : *programs_) {
    if (hp->step || !names.count(hp->name))
      continue;
    const ir::Graph &g = *hp->forward;
    ir::LeafValues leaves = training::initialLeafValues(g, 9);
    for (auto &[node, value] : leaves) {
      if (node->name() == "x")
        for (size_t f = 0; f < value.data.size(); ++f)
          if (f % 97 == 3)
            value.data[f] = NAN;
          else if (f % 97 == 50)
            value.data[f] = INFINITY;
          else if (f % 61 == 17)
            value.data[f] = -INFINITY;
      hp->put(node->name(), value.data);
    }
    Status ran = hp->run(*module_);
    ASSERT_TRUE(ran) << hp->name << ": " << ran.message();
    auto eval = ir::evaluate(g, leaves);
    ASSERT_TRUE(eval) << eval.message();
    const ir::Node *r = g.results()[0];
    std::vector<double> got = hp->get(resultName(r, 0));
    const std::vector<double> &want = eval->value(r).data;
    ASSERT_EQ(got.size(), want.size());
    std::vector<double> finiteGot, finiteWant;
    for (size_t i = 0; i < want.size(); ++i) {
      if (std::isnan(want[i]))
        EXPECT_TRUE(std::isnan(got[i])) << hp->name << " at " << i;
      else if (std::isinf(want[i]))
        EXPECT_EQ(got[i], want[i]) << hp->name << " at " << i;
      else {
        finiteGot.push_back(got[i]);
        finiteWant.push_back(want[i]);
      }
    }
    EXPECT_LE(maxError(finiteGot, finiteWant), hp->tolerance) << hp->name;
    ++checked;
  }
  EXPECT_EQ(checked, int(names.size()));
}

TEST_F(Emulation, TrainingStepsMatchInterpreter) {
  int checked = 0;
  for (auto &hp : *programs_) {
    if (!hp->step)
      continue;
    const ir::Graph &step = *hp->step;
    ir::LeafValues leaves = training::initialState(step, 11);
    for (auto &[node, value] : leaves)
      hp->put(node->name(), value.data);
    for (int s = 0; s < 2; ++s) {
      for (auto &[node, value] :
           training::randomInputs(step, 11, uint64_t(s))) {
        hp->put(node->name(), value.data);
        leaves[node] = value;
      }
      Status ran = hp->run(*module_);
      ASSERT_TRUE(ran) << hp->name << ": " << ran.message();
      auto eval = ir::evaluate(step, leaves);
      ASSERT_TRUE(eval) << eval.message();
      const ir::Node *loss = step.results()[0];
      EXPECT_LE(maxError(hp->get(resultName(loss, 0)), eval->value(loss).data),
                hp->tolerance)
          << hp->name << ": loss at step " << s;
      leaves = ir::nextLeafValues(step, *eval, leaves);
      for (const ir::Update &u : step.updates()) {
        std::vector<double> got = hp->get(u.target->name());
        EXPECT_LE(maxError(got, leaves.at(u.target).data), hp->tolerance)
            << hp->name << ": '" << u.target->name() << "' after step " << s;
        leaves.at(u.target).data = got;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

} // namespace
} // namespace voskhod::cuda::test
