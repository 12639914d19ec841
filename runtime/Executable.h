//===- runtime/Executable.h - a compiled step the runtime can run ---------===//
///
/// The runtime's view of a compiled model, whoever compiled it (the LLVM JIT,
/// an AOT object, the interpreter): a table of named tensors (inputs fed
/// each call, params and states the step updates in place, outputs it
/// writes) with host storage, and two entries: `step()` runs forward,
/// backward and update; `forward()` runs inference. The base class owns the
/// storage (64-byte aligned, zero-filled; a caller may bind its own memory
/// instead) and fills params and states from their initialisers with the
/// same counter-based random numbers the interpreter uses (runtime/Random.h,
/// rounded to f32), so every backend starts from the same values.
///
/// It includes nothing from compiler/ and nothing from LLVM.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "initialisers/Init.h"
#include "support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace voskhod::rt {

class ThreadPool;

enum class ElementType : uint8_t { F32, F64, I32, I1 };
int64_t elementBytes(ElementType type);
std::string_view elementTypeName(ElementType type);

enum class TensorRole : uint8_t { Input, Param, State, Output };

struct TensorInfo {
  std::string name;
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  TensorRole role = TensorRole::Input;
  InitSpec init; // Param and State
  /// Output of step(), of forward(), or both.
  bool stepOutput = false, forwardOutput = false;

  int64_t numElements() const;
  int64_t bytes() const { return numElements() * elementBytes(type); }
};

class Executable {
public:
  virtual ~Executable();
  Executable(const Executable &) = delete;
  Executable &operator=(const Executable &) = delete;

  const std::vector<TensorInfo> &tensors() const { return tensors_; }
  /// Position of a tensor in tensors(), or -1.
  int find(std::string_view name) const;
  /// Host storage of a tensor, or null when there is no such name.
  void *data(std::string_view name);
  const void *data(std::string_view name) const;
  template <typename T> T *dataAs(std::string_view name) {
    return static_cast<T *>(data(name));
  }
  /// Uses the caller's memory (at least bytes() long, alive while in use)
  /// instead of the owned storage.
  Status bind(std::string_view name, void *memory);
  /// Copies `bytes` bytes in or out; the size must match exactly.
  Status copyIn(std::string_view name, const void *src, int64_t bytes);
  Status copyOut(std::string_view name, void *dst, int64_t bytes) const;

  /// Params and states from their initialisers; `seed` as in
  /// training::initialState.
  void initialize(uint64_t seed);

  /// Runs one training step; params and states change in place.
  virtual Status step() = 0;
  /// Runs inference; writes the forward outputs.
  virtual Status forward() = 0;
  bool hasStep() const { return hasStep_; }
  bool hasForward() const { return hasForward_; }

  /// The first step output (the loss) as a double, after step().
  Expected<double> loss() const;

  /// The update rule's run-time hyperparameters (support/Hyperparameters.h):
  /// their names ("lr", "beta1", ...) in table order.
  std::vector<std::string> hparamNames() const;
  /// Sets hyperparameter `name` for the steps that follow; the value is
  /// rounded to its tensor's dtype, as the graph's own value is, so the
  /// losses are those of a graph that gave this value. Errors: an unknown
  /// name (the message lists this step's), a value that is not finite or is
  /// negative.
  Status setHparam(std::string_view name, double value);
  Expected<double> hparam(std::string_view name) const;
  /// Whether the last step() updated the parameters: always for a step
  /// without gradient accumulation; with `accumulate = k`, every k-th step
  /// (the others only add their micro-batch's gradients).
  Expected<bool> stepUpdated() const;

  /// Threads the compiled code runs on: this executable's own pool, which
  /// starts at rt::defaultThreadCount() (n < 1 counts as 1). Another
  /// executable's count is never changed by this one's. Not to be called
  /// while step() or forward() runs.
  void setThreads(int n);
  int threads() const;

protected:
  Executable(std::vector<TensorInfo> tensors, bool hasStep, bool hasForward);
  /// The host copy of tensor `index` was changed between runs (by
  /// setHparam); an executable whose tensors live elsewhere copies it there.
  virtual Status hostTensorChanged(int index);
  /// Host addresses of the tensors at `indices`, in that order.
  void pointers(const std::vector<int> &indices, std::vector<void *> &out);
  /// The pool of setThreads' size, started on first use; an entry that runs
  /// generated CPU code makes it current (PoolScope) while it runs.
  ThreadPool &pool();

private:
  struct Storage;
  std::vector<TensorInfo> tensors_;
  /// Name -> index of its first tensor; looked up, never iterated.
  std::unordered_map<std::string, int> byName_;
  std::vector<std::unique_ptr<Storage>> storage_;
  bool hasStep_, hasForward_;
  int threads_;
  std::unique_ptr<ThreadPool> pool_;
};

} // namespace voskhod::rt
