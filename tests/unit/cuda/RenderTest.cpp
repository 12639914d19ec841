//===- tests/unit/cuda/RenderTest.cpp - every kernel through NVRTC and ptxas //
///
/// Renders every kernel of every test model (each op, each fused pattern,
/// whole training steps including the MLP benchmark's) as CUDA C++, all in
/// one translation unit, and checks that NVRTC compiles it for sm_90 and
/// sm_80 without a single warning and that ptxas accepts the PTX. Also
/// checks the launch plans: every launch names a kernel of the source, has
/// a sane shape, and points inside the tensors and the arena. Needs no GPU.
///
//===----------------------------------------------------------------------===//
#include "CudaTestUtil.h"
#include "ModelCases.h"

#include "compiler/codegen/cuda/CudaGemm.h"
#include "compiler/codegen/cuda/CudaRenderer.h"
#include "compiler/codegen/cuda/CudaText.h"
#include "compiler/codegen/cuda/NvrtcCompiler.h"
#include "compiler/kernel/Lowering.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

namespace voskhod::cuda::test {
namespace {

struct Rendered {
  std::string source;
  int kernels = 0;
  int functions = 0; // distinct kernel functions the plans launch
};

void renderCase(const ModelCase &c, Rendered &out) {
  auto g = parse(c.text);
  ASSERT_TRUE(g) << c.name;
  std::unique_ptr<ir::Graph> step;
  if (c.train) {
    step = trainStep(*g);
    ASSERT_TRUE(step) << c.name;
  } else {
    // As every entry lowers a forward graph: composites expanded.
    training::specializeForMode(*g, training::Mode::Eval);
  }
  for (const ir::Graph *graph : {step.get(), c.train ? nullptr : g.get()}) {
    if (!graph)
      continue;
    auto program = kernel::lowerToKernels(*graph);
    ASSERT_TRUE(program) << c.name << ": " << program.message();
    std::string prefix = identifier("t_" + c.name);
    RenderedProgram r = renderCudaProgram(*program, prefix);
    out.source += r.source;
    out.kernels += int(program->kernels.size());
    EXPECT_GE(r.plan.launches.size(), program->kernels.size()) << c.name;
    std::set<std::string> functions;
    for (const rt::cuda::KernelLaunch &l : r.plan.launches) {
      functions.insert(l.function);
      EXPECT_NE(r.source.find(" " + l.function + "("), std::string::npos)
          << l.function;
      EXPECT_GE(l.grid, 1u);
      EXPECT_LE(l.grid, 65535u * 64);
      EXPECT_GE(l.block, 32u);
      EXPECT_LE(l.block, 1024u);
      for (const rt::cuda::LaunchArg &a : l.args) {
        if (a.external >= 0) {
          EXPECT_LT(a.external, r.plan.numExternals);
        } else {
          EXPECT_GE(a.arenaOffset, 0);
          EXPECT_LT(a.arenaOffset, std::max<int64_t>(1, r.plan.arenaBytes));
        }
      }
    }
    // Repeated kernels share a function.
    out.functions += int(functions.size());
    if (c.name == "deep_residual")
      EXPECT_LT(functions.size(), r.plan.launches.size()) << graph->name();
  }
}

Rendered renderAll() {
  Rendered all;
  all.source = cudaPreamble();
  std::vector<ModelCase> cases = opCases();
  for (auto *more : {&patternCases, &trainingCases})
    for (ModelCase &c : more())
      cases.push_back(c);
  for (const ModelCase &c : cases)
    renderCase(c, all);
  return all;
}

std::filesystem::path freshDir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("voskhod-cuda-render-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(CudaRender, EveryModelCompilesWithoutWarnings) {
  if (!nvrtcAvailable())
    GTEST_SKIP() << "built without NVRTC";
  Rendered all = renderAll();
  ASSERT_GT(all.kernels, 100);
  for (const char *arch : {"sm_90", "sm_80"}) {
    NvrtcOptions o;
    o.arch = arch;
    o.useCache = false;
    o.emitCubin = false;
    auto r = compileCuda(all.source, "models.cu", o);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(r->log.empty()) << arch << " warnings:\n" << r->log;
    size_t entries = 0;
    for (size_t at = r->ptx.find(".entry"); at != std::string::npos;
         at = r->ptx.find(".entry", at + 1))
      ++entries;
    EXPECT_EQ(entries, size_t(all.functions)) << arch;
#ifdef VOSKHOD_PTXAS
    if (std::string(arch) == "sm_90") {
      auto dir = freshDir();
      std::ofstream(dir / "models.ptx") << r->ptx;
      std::string cmd = std::string(VOSKHOD_PTXAS) + " -arch=sm_90 " +
                        (dir / "models.ptx").string() + " -o " +
                        (dir / "models.cubin").string() + " 2>&1";
      EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
      std::filesystem::remove_all(dir);
    }
#endif
  }
}

TEST(CudaRender, DeterministicText) {
  Rendered a = renderAll(), b = renderAll();
  EXPECT_EQ(a.source, b.source);
}

TEST(CudaRender, ModuleHasBothEntriesAndTheirTensors) {
  auto g = parse(kClassifier);
  ASSERT_TRUE(g);
  auto step = trainStep(*g);
  ASSERT_TRUE(step);
  auto program = kernel::lowerModel(step.get(), g.get());
  ASSERT_TRUE(program) << program.message();
  auto m = renderCudaModule(*program);
  ASSERT_TRUE(m) << m.message();
  ASSERT_TRUE(m->step && m->forward);
  EXPECT_EQ(int(m->stepTable.size()), m->step->numExternals);
  EXPECT_EQ(int(m->forwardTable.size()), m->forward->numExternals);
  for (const char *name : {"x", "y", "w1", "b3", "lg"})
    EXPECT_TRUE(
        std::any_of(m->tensors.begin(), m->tensors.end(),
                    [&](const rt::TensorInfo &t) { return t.name == name; }))
        << name;
  EXPECT_NE(m->source.find("voskhod_step_k0("), std::string::npos);
  EXPECT_NE(m->source.find("voskhod_forward_k0("), std::string::npos);
}

TEST(CudaRender, LiteralsAreExact) {
  EXPECT_EQ(literal(ir::DType::F32, 0.1), "0x1.99999ap-4f");
  EXPECT_EQ(literal(ir::DType::F64, 0.5), "0x1p-1");
  EXPECT_EQ(literal(ir::DType::F32, -INFINITY), "__int_as_float(0xff800000u)");
  EXPECT_EQ(literal(ir::DType::I32, -2147483648.0), "(-2147483647 - 1)");
  EXPECT_EQ(identifier("%h1.grad"), "h1_grad");
  EXPECT_EQ(identifier("3x"), "t3x");
}

TEST(CudaRender, GemmTilesFitTheShape) {
  // Big products take the biggest tile; small ones trade tile size for
  // enough blocks to fill the GPU.
  GemmTile big = chooseGemmTile(4096, 4096, 4096, ir::DType::F32);
  EXPECT_EQ(big.bm, 128);
  EXPECT_EQ(big.tm, 8);
  GemmTile mid = chooseGemmTile(1024, 1024, 1024, ir::DType::F32);
  EXPECT_EQ(mid.bm, 64);
  GemmTile mlp = chooseGemmTile(128, 512, 784, ir::DType::F32);
  EXPECT_LT(mlp.bm, 64);
  for (const GemmTile &t : {big, mid, mlp})
    EXPECT_EQ(t.threads(), 256u);
  EXPECT_LE(chooseGemmTile(4096, 4096, 64, ir::DType::F64).tm, 4);
}

} // namespace
} // namespace voskhod::cuda::test
