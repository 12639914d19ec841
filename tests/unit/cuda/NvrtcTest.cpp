//===- tests/unit/cuda/NvrtcTest.cpp - NVRTC compilation and the cache ----===//
#include "compiler/codegen/cuda/NvrtcCompiler.h"
#include "runtime/cuda/CudaDriver.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

using namespace voskhod;

namespace {

const char *kSaxpy = R"(
extern "C" __global__ void saxpy(float a, const float *__restrict__ x,
                                 float *__restrict__ y, long n) {
  for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n;
       i += (long)gridDim.x * blockDim.x)
    y[i] = a * x[i] + y[i];
}
)";

std::filesystem::path freshCacheDir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("voskhod-nvrtc-test-" + std::to_string(rd()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(Nvrtc, CompilesForHopperAndAmpere) {
  if (!cuda::nvrtcAvailable())
    GTEST_SKIP() << "built without NVRTC";
  for (const char *arch : {"sm_90", "sm_80"}) {
    cuda::NvrtcOptions o;
    o.arch = arch;
    o.useCache = false;
    auto r = cuda::compileCuda(kSaxpy, "saxpy.cu", o);
    ASSERT_TRUE(r) << r.message();
    EXPECT_NE(r->ptx.find(".entry saxpy"), std::string::npos);
    EXPECT_NE(r->ptx.find(std::string(".target ") + arch), std::string::npos);
    EXPECT_FALSE(r->cubin.empty());
    EXPECT_TRUE(r->log.empty()) << "warnings: " << r->log;
  }
}

#ifdef VOSKHOD_PTXAS
TEST(Nvrtc, PtxasAcceptsThePtx) {
  if (!cuda::nvrtcAvailable())
    GTEST_SKIP() << "built without NVRTC";
  cuda::NvrtcOptions o;
  o.useCache = false;
  auto r = cuda::compileCuda(kSaxpy, "saxpy.cu", o);
  ASSERT_TRUE(r) << r.message();
  auto dir = freshCacheDir();
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "k.ptx") << r->ptx;
  std::string cmd = std::string(VOSKHOD_PTXAS) + " -arch=sm_90 " +
                    (dir / "k.ptx").string() + " -o " +
                    (dir / "k.cubin").string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::remove_all(dir);
}
#endif

TEST(Nvrtc, CacheReturnsTheSameBytes) {
  if (!cuda::nvrtcAvailable())
    GTEST_SKIP() << "built without NVRTC";
  cuda::NvrtcOptions o;
  o.cacheDir = freshCacheDir().string();
  auto first = cuda::compileCuda(kSaxpy, "saxpy.cu", o);
  ASSERT_TRUE(first) << first.message();
  EXPECT_FALSE(first->fromCache);
  auto second = cuda::compileCuda(kSaxpy, "saxpy.cu", o);
  ASSERT_TRUE(second) << second.message();
  EXPECT_TRUE(second->fromCache);
  EXPECT_EQ(first->ptx, second->ptx);
  EXPECT_EQ(first->cubin, second->cubin);
  // Another architecture is another entry.
  o.arch = "sm_80";
  auto third = cuda::compileCuda(kSaxpy, "saxpy.cu", o);
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->fromCache);
  std::filesystem::remove_all(o.cacheDir);
}

TEST(Nvrtc, ErrorsCarryTheLog) {
  if (!cuda::nvrtcAvailable())
    GTEST_SKIP() << "built without NVRTC";
  cuda::NvrtcOptions o;
  o.useCache = false;
  auto r = cuda::compileCuda(
      "extern \"C\" __global__ void k() { undeclared(); }", "broken.cu", o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("broken.cu"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("undeclared"), std::string::npos) << r.message();
}

TEST(CudaDriver, SaysClearlyWhenThereIsNoGpu) {
  auto devices = rt::cuda::listDevices();
  if (devices) {
    for (const auto &d : *devices)
      EXPECT_EQ(d.arch().rfind("sm_", 0), 0u);
    GTEST_SKIP() << "a CUDA driver is present";
  }
  const std::string &m = devices.message();
  EXPECT_TRUE(m.find("libcuda.so.1") != std::string::npos ||
              m.find("no GPU") != std::string::npos ||
              m.find("cuInit") != std::string::npos)
      << m;
  auto ctx = rt::cuda::CudaContext::create(0);
  EXPECT_FALSE(ctx);
}

} // namespace
