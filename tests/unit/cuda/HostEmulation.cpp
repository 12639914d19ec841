//===- tests/unit/cuda/HostEmulation.cpp - rendered kernels on the host ---===//
#include "HostEmulation.h"

#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace voskhod::cuda::test {
namespace {

const char *kShim = R"SHIM(
#include <cmath>
#include <cstdint>
#include <cstring>
#include <dlfcn.h>
#include <math.h>
#include <ucontext.h>
#include <vector>

struct vk_dim3 { unsigned x = 1, y = 1, z = 1; };
vk_dim3 threadIdx, blockIdx, blockDim, gridDim;

using vk_kernel = void (*)(void *, void *, void *, void *, void *, void *,
                           void *, void *, void *, void *, void *, void *,
                           void *, void *, void *, void *, void *, void *,
                           void *, void *, void *, void *, void *, void *,
                           void *, void *, void *, void *, void *, void *,
                           void *, void *);

// A block's threads are fibers on one host thread: each runs until its
// next barrier, then the next one runs, so a round of the scheduler is one
// barrier phase.
namespace {
ucontext_t vk_scheduler;
std::vector<ucontext_t> vk_fibers;
std::vector<std::vector<char>> vk_stacks;
std::vector<char> vk_finished;
std::vector<uint64_t> vk_lanes;
unsigned vk_current;
vk_kernel vk_function;
void *vk_args[32];
} // namespace

#define __global__ __attribute__((visibility("default")))
#define __device__
#define __launch_bounds__(n)
#define __restrict__ __restrict
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __forceinline__ inline

// libc's swapcontext, looked up past this library. In the sanitizer build
// the test binary carries AddressSanitizer, whose swapcontext interceptor
// warns that fibers may give false positives (and so fails the run); the
// fibers run only this uninstrumented code, which ASan does not check, so
// there is nothing for the interceptor to do.
using vk_swap_fn = int (*)(ucontext_t *, const ucontext_t *);
static int vk_swap(ucontext_t *from, const ucontext_t *to) {
  static vk_swap_fn swap =
      reinterpret_cast<vk_swap_fn>(dlsym(RTLD_NEXT, "swapcontext"));
  return (swap ? swap : swapcontext)(from, to);
}

static void __syncthreads() {
  vk_swap(&vk_fibers[vk_current], &vk_scheduler);
}

template <typename T> T __shfl_xor_sync(unsigned, T v, int o) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof v);
  vk_lanes[threadIdx.x] = bits;
  __syncthreads();
  uint64_t other = vk_lanes[threadIdx.x ^ unsigned(o)];
  __syncthreads();
  T out;
  std::memcpy(&out, &other, sizeof out);
  return out;
}

static unsigned __umulhi(unsigned a, unsigned b) {
  return unsigned((unsigned long long)a * b >> 32);
}
static float __int_as_float(unsigned bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
static double __longlong_as_double(long long bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

struct alignas(16) float4 { float x, y, z, w; };
struct alignas(16) int4 { int x, y, z, w; };
struct alignas(4) uchar4 { unsigned char x, y, z, w; };
static float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
static int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }
static uchar4 make_uchar4(unsigned char x, unsigned char y, unsigned char z,
                          unsigned char w) { return {x, y, z, w}; }

static void vk_fiber() {
  void **a = vk_args;
  vk_function(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9],
              a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18],
              a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27],
              a[28], a[29], a[30], a[31]);
  vk_finished[vk_current] = 1;
}

/// Every kernel takes only pointers; passing more than it declares is
/// harmless in the host calling convention.
extern "C" __attribute__((visibility("default"))) int
vk_run(void *fn, unsigned grid, unsigned block, void **args, int count) {
  if (count > 32)
    return 1;
  for (int i = 0; i < 32; ++i)
    vk_args[i] = i < count ? args[i] : nullptr;
  vk_function = reinterpret_cast<vk_kernel>(fn);
  blockDim.x = block;
  gridDim.x = grid;
  vk_fibers.resize(block);
  vk_stacks.resize(block);
  vk_finished.assign(block, 0);
  vk_lanes.assign(block, 0);
  for (unsigned b = 0; b < grid; ++b) {
    blockIdx.x = b;
    for (unsigned t = 0; t < block; ++t) {
      vk_stacks[t].resize(1 << 16);
      getcontext(&vk_fibers[t]);
      vk_fibers[t].uc_stack.ss_sp = vk_stacks[t].data();
      vk_fibers[t].uc_stack.ss_size = vk_stacks[t].size();
      vk_fibers[t].uc_link = &vk_scheduler;
      makecontext(&vk_fibers[t], vk_fiber, 0);
      vk_finished[t] = 0;
    }
    for (bool running = true; running;) {
      running = false;
      for (unsigned t = 0; t < block; ++t) {
        if (vk_finished[t])
          continue;
        vk_current = t;
        threadIdx.x = t;
        vk_swap(&vk_scheduler, &vk_fibers[t]);
        running = true;
      }
    }
  }
  return 0;
}
)SHIM";

} // namespace

Expected<std::unique_ptr<HostModule>>
HostModule::compile(const std::string &source) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("voskhod-host-cuda-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  std::unique_ptr<HostModule> m(new HostModule());
  m->dir_ = dir.string();
  std::ofstream(dir / "kernels.cpp") << kShim << "\n" << source;
  std::string cmd = "c++ -std=c++20 -O1 -w -fPIC -shared -o " +
                    (dir / "kernels.so").string() + " " +
                    (dir / "kernels.cpp").string() + " > " +
                    (dir / "log.txt").string() + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream log(dir / "log.txt");
    std::stringstream text;
    text << log.rdbuf();
    return makeError("the host compiler rejected the kernels:\n" +
                     text.str().substr(0, 4000));
  }
  m->library_ = dlopen((dir / "kernels.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!m->library_)
    return makeError(std::string("dlopen: ") + dlerror());
  return m;
}

HostModule::~HostModule() {
  if (library_)
    dlclose(library_);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status HostModule::run(const rt::cuda::EntryPlan &plan,
                       const std::vector<void *> &externals, void *arena) {
  for (const rt::cuda::KernelLaunch &l : plan.launches) {
    std::vector<void *> args;
    for (const rt::cuda::LaunchArg &a : l.args)
      args.push_back(a.external >= 0
                         ? externals[size_t(a.external)]
                         : static_cast<char *>(arena) + a.arenaOffset);
    if (Status s = launch(l.function, l.grid, l.block, std::move(args)); !s)
      return s;
  }
  return Status::ok();
}

Status HostModule::launch(const std::string &function, unsigned grid,
                          unsigned block, std::vector<void *> args) {
  using Run = int (*)(void *, unsigned, unsigned, void **, int);
  auto run = reinterpret_cast<Run>(dlsym(library_, "vk_run"));
  if (!run)
    return makeError("the host module has no vk_run");
  void *fn = dlsym(library_, function.c_str());
  if (!fn)
    return makeError("no kernel '" + function + "' in the module");
  if (run(fn, grid, block, args.data(), int(args.size())) != 0)
    return makeError("kernel '" + function + "' takes too many pointers");
  return Status::ok();
}

} // namespace voskhod::cuda::test
