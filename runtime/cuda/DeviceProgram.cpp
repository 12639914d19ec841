//===- runtime/cuda/DeviceProgram.cpp - a compiled program on one GPU -----===//
#include "runtime/cuda/DeviceProgram.h"

#include <algorithm>

namespace voskhod::rt::cuda {
namespace {

constexpr CUresult kSuccess = 0;
/// cuStreamBeginCapture's CU_STREAM_CAPTURE_MODE_RELAXED: the capture does
/// not forbid unrelated driver calls on other threads.
constexpr int kCaptureRelaxed = 2;
/// cuStreamCreate's CU_STREAM_NON_BLOCKING.
constexpr unsigned kStreamNonBlocking = 1;
constexpr int64_t kAlign = 256;

int64_t alignUp(int64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

} // namespace

Status DeviceProgram::check(CUresult r, const char *call) const {
  if (r == kSuccess)
    return Status::ok();
  return driverError(api(), r, call);
}

#define CHECK(expr, name) VOSKHOD_RETURN_IF_ERROR(check(expr, name))

Expected<std::unique_ptr<DeviceProgram>>
DeviceProgram::load(const std::string &image,
                    const std::vector<int64_t> &tensorBytes,
                    std::vector<DeviceEntry> entries, int device) {
  auto ctx = CudaContext::create(device);
  VOSKHOD_RETURN_IF_ERROR(ctx);
  std::unique_ptr<DeviceProgram> p(new DeviceProgram());
  p->context_ = ctx.take();
  const DriverApi &a = p->api();
  // The driver wants PTX NUL-terminated; a cubin carries its own size.
  std::string copy = image;
  copy.push_back('\0');
  if (CUresult r = a.cuModuleLoadData(&p->module_, copy.data()); r != kSuccess)
    return driverError(a, r, "cuModuleLoadData");
  if (CUresult r = a.cuStreamCreate(&p->stream_, kStreamNonBlocking);
      r != kSuccess)
    return driverError(a, r, "cuStreamCreate");

  // One block: the tensors, then the largest arena any entry needs.
  int64_t total = 0;
  for (int64_t b : tensorBytes) {
    p->tensorAddress_.push_back(CUdeviceptr(total));
    total += alignUp(std::max<int64_t>(b, 1));
  }
  int64_t arenaAt = total, arena = 0;
  for (const DeviceEntry &e : entries)
    arena = std::max(arena, e.plan.arenaBytes);
  total += alignUp(std::max<int64_t>(arena, 1));
  if (CUresult r = a.cuMemAlloc(&p->block_, size_t(total)); r != kSuccess)
    return driverError(a, r, "cuMemAlloc");
  // Zeroed like the host storage, so a tensor never read back holds no
  // leftovers of another process.
  if (CUresult r = a.cuMemsetD8(p->block_, 0, size_t(total)); r != kSuccess)
    return driverError(a, r, "cuMemsetD8");
  for (CUdeviceptr &t : p->tensorAddress_)
    t += p->block_;
  p->tensorBytes_ = tensorBytes;
  CUdeviceptr arenaBase = p->block_ + CUdeviceptr(arenaAt);

  for (const DeviceEntry &e : entries) {
    Entry entry;
    for (const KernelLaunch &l : e.plan.launches) {
      Launch launch;
      if (CUresult r = a.cuModuleGetFunction(&launch.function, p->module_,
                                             l.function.c_str());
          r != kSuccess)
        return makeError("the module has no kernel '" + l.function + "': " +
                         driverError(a, r, "cuModuleGetFunction").message());
      launch.grid = l.grid;
      launch.block = l.block;
      launch.shared = l.sharedBytes;
      for (const LaunchArg &arg : l.args) {
        if (arg.external >= 0) {
          if (arg.external >= int(e.table.size()))
            return makeError("kernel '" + l.function +
                             "' names an external tensor the entry lacks");
          launch.values.push_back(p->tensorAddress_[e.table[arg.external]]);
        } else {
          launch.values.push_back(arenaBase + CUdeviceptr(arg.arenaOffset));
        }
      }
      entry.launches.push_back(std::move(launch));
    }
    // Parameter pointers into `values`, which no longer moves.
    for (Launch &l : entry.launches)
      for (CUdeviceptr &v : l.values)
        l.params.push_back(&v);
    p->entries_.push_back(std::move(entry));
  }
  return p;
}

DeviceProgram::~DeviceProgram() {
  if (!context_)
    return;
  const DriverApi &a = api();
  // A destructor has no one to report to: if the context cannot be made
  // current, the releases below fail on their own and free nothing twice.
  (void)context_->makeCurrent();
  if (stream_)
    a.cuStreamSynchronize(stream_);
  for (Entry &e : entries_) {
    if (e.exec)
      a.cuGraphExecDestroy(e.exec);
    if (e.graph)
      a.cuGraphDestroy(e.graph);
  }
  if (block_)
    a.cuMemFree(block_);
  if (stream_)
    a.cuStreamDestroy(stream_);
  if (module_)
    a.cuModuleUnload(module_);
}

Status DeviceProgram::upload(int tensor, const void *src) {
  VOSKHOD_RETURN_IF_ERROR(context_->makeCurrent());
  CHECK(api().cuMemcpyHtoDAsync(tensorAddress_[tensor], src,
                                size_t(tensorBytes_[tensor]), stream_),
        "cuMemcpyHtoDAsync");
  CHECK(api().cuStreamSynchronize(stream_), "cuStreamSynchronize");
  return Status::ok();
}

Status DeviceProgram::download(int tensor, void *dst) {
  VOSKHOD_RETURN_IF_ERROR(context_->makeCurrent());
  CHECK(api().cuMemcpyDtoHAsync(dst, tensorAddress_[tensor],
                                size_t(tensorBytes_[tensor]), stream_),
        "cuMemcpyDtoHAsync");
  CHECK(api().cuStreamSynchronize(stream_), "cuStreamSynchronize");
  return Status::ok();
}

Status DeviceProgram::launchAll(int index) {
  for (Launch &l : entries_[index].launches)
    CHECK(api().cuLaunchKernel(l.function, l.grid, 1, 1, l.block, 1, 1,
                               l.shared, stream_, l.params.data(), nullptr),
          "cuLaunchKernel");
  return Status::ok();
}

Status DeviceProgram::run(int index) {
  VOSKHOD_RETURN_IF_ERROR(context_->makeCurrent());
  Entry &e = entries_[index];
  if (!useGraph_)
    return launchAll(index);
  if (!e.exec) {
    CHECK(api().cuStreamBeginCapture(stream_, kCaptureRelaxed),
          "cuStreamBeginCapture");
    Status launched = launchAll(index);
    CUgraph graph = nullptr;
    CUresult ended = api().cuStreamEndCapture(stream_, &graph);
    if (!launched) {
      if (graph)
        api().cuGraphDestroy(graph);
      return launched;
    }
    CHECK(ended, "cuStreamEndCapture");
    e.graph = graph;
    CHECK(api().cuGraphInstantiateWithFlags(&e.exec, e.graph, 0),
          "cuGraphInstantiateWithFlags");
  }
  CHECK(api().cuGraphLaunch(e.exec, stream_), "cuGraphLaunch");
  return Status::ok();
}

Status DeviceProgram::synchronize() {
  VOSKHOD_RETURN_IF_ERROR(context_->makeCurrent());
  CHECK(api().cuStreamSynchronize(stream_), "cuStreamSynchronize");
  return Status::ok();
}

} // namespace voskhod::rt::cuda
