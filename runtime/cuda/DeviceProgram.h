//===- runtime/cuda/DeviceProgram.h - a compiled program on one GPU -------===//
///
/// Runs what the CUDA renderer produced: loads the module (cubin, or PTX
/// that the driver compiles), allocates one device block holding every
/// tensor and, after them, the arena that the memory plan laid out, and
/// launches each entry's kernels in order on its own stream. The first run
/// of an entry is captured as a CUDA graph; later runs replay the graph, so
/// a whole training step costs one launch on the host. Every driver call is
/// checked and a failure names the call and the driver's message.
///
/// Host↔device copies are explicit (upload, download): the caller decides
/// what to move around a run. It includes nothing from compiler/.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/cuda/CudaDriver.h"
#include "runtime/cuda/LaunchPlan.h"
#include "support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voskhod::rt::cuda {

/// An entry point of the program and where its external tensors are: the
/// plan's external i is tensor table[i] of the program.
struct DeviceEntry {
  EntryPlan plan;
  std::vector<int> table;
};

class DeviceProgram {
public:
  /// `image` is a cubin or NUL-free PTX text; `tensorBytes` the size of each
  /// tensor of the program.
  static Expected<std::unique_ptr<DeviceProgram>>
  load(const std::string &image, const std::vector<int64_t> &tensorBytes,
       std::vector<DeviceEntry> entries, int device = 0);
  ~DeviceProgram();
  DeviceProgram(const DeviceProgram &) = delete;
  DeviceProgram &operator=(const DeviceProgram &) = delete;

  const DeviceInfo &device() const { return context_->device(); }
  const DriverApi &api() const { return context_->api(); }
  CUstream stream() const { return stream_; }
  CUdeviceptr tensorAddress(int tensor) const { return tensorAddress_[tensor]; }

  /// Copies on the program's stream; the copy is complete on return.
  Status upload(int tensor, const void *src);
  Status download(int tensor, void *dst);

  /// Enqueues entry `entry` on the stream (the graph, once captured).
  Status run(int entry);
  /// Waits for everything enqueued; reports a kernel's failure.
  Status synchronize();

  /// Launch kernels one by one instead of replaying a graph.
  void setUseGraph(bool useGraph) { useGraph_ = useGraph; }
  bool usesGraph() const { return useGraph_; }

private:
  DeviceProgram() = default;
  Status check(CUresult r, const char *call) const;
  Status launchAll(int entry);

  struct Launch {
    CUfunction function = nullptr;
    unsigned grid = 1, block = 1, shared = 0;
    std::vector<CUdeviceptr> values;
    std::vector<void *> params;
  };
  struct Entry {
    std::vector<Launch> launches;
    CUgraph graph = nullptr;
    CUgraphExec exec = nullptr;
  };

  std::unique_ptr<CudaContext> context_;
  CUmodule module_ = nullptr;
  CUstream stream_ = nullptr;
  CUdeviceptr block_ = 0;
  std::vector<CUdeviceptr> tensorAddress_;
  std::vector<int64_t> tensorBytes_;
  std::vector<Entry> entries_;
  bool useGraph_ = true;
};

} // namespace voskhod::rt::cuda
