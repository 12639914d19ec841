//===- runtime/Executable.cpp - tensor table, storage, initial values -----===//
#include "runtime/Executable.h"

#include "runtime/Random.h"
#include "runtime/ThreadPool.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace voskhod::rt {

int64_t elementBytes(ElementType type) {
  switch (type) {
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::F64:
    return 8;
  case ElementType::I1:
    return 1;
  }
  return 0;
}

std::string_view elementTypeName(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "f32";
  case ElementType::F64:
    return "f64";
  case ElementType::I32:
    return "i32";
  case ElementType::I1:
    return "i1";
  }
  return "?";
}

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

struct Executable::Storage {
  void *owned = nullptr;
  void *bound = nullptr;
  explicit Storage(int64_t bytes) {
    // Rounded up so the size is a multiple of the alignment, as
    // aligned_alloc asks; vector loads may then read whole lines.
    size_t size = size_t((bytes + 63) / 64 * 64);
    owned = std::aligned_alloc(64, size ? size : 64);
    std::memset(owned, 0, size ? size : 64);
  }
  ~Storage() { std::free(owned); }
  void *get() const { return bound ? bound : owned; }
};

Executable::Executable(std::vector<TensorInfo> tensors, bool hasStep,
                       bool hasForward)
    : tensors_(std::move(tensors)), hasStep_(hasStep), hasForward_(hasForward),
      threads_(defaultThreadCount()) {
  for (size_t i = 0; i < tensors_.size(); ++i) {
    storage_.push_back(std::make_unique<Storage>(tensors_[i].bytes()));
    byName_.emplace(tensors_[i].name, int(i));
  }
}

Executable::~Executable() = default;

int Executable::find(std::string_view name) const {
  auto it = byName_.find(std::string(name));
  return it == byName_.end() ? -1 : it->second;
}

void *Executable::data(std::string_view name) {
  int i = find(name);
  return i < 0 ? nullptr : storage_[i]->get();
}

const void *Executable::data(std::string_view name) const {
  int i = find(name);
  return i < 0 ? nullptr : storage_[i]->get();
}

Status Executable::bind(std::string_view name, void *memory) {
  int i = find(name);
  if (i < 0)
    return makeError("no tensor named '" + std::string(name) + "'");
  storage_[i]->bound = memory;
  return Status::ok();
}

static std::string sizeMismatch(const TensorInfo &t, int64_t bytes) {
  return "tensor '" + t.name + "' has " + std::to_string(t.bytes()) +
         " bytes, not " + std::to_string(bytes);
}

Status Executable::copyIn(std::string_view name, const void *src,
                          int64_t bytes) {
  int i = find(name);
  if (i < 0)
    return makeError("no tensor named '" + std::string(name) + "'");
  if (bytes != tensors_[i].bytes())
    return makeError(sizeMismatch(tensors_[i], bytes));
  std::memcpy(storage_[i]->get(), src, size_t(bytes));
  return Status::ok();
}

Status Executable::copyOut(std::string_view name, void *dst,
                           int64_t bytes) const {
  int i = find(name);
  if (i < 0)
    return makeError("no tensor named '" + std::string(name) + "'");
  if (bytes != tensors_[i].bytes())
    return makeError(sizeMismatch(tensors_[i], bytes));
  std::memcpy(dst, storage_[i]->get(), size_t(bytes));
  return Status::ok();
}

void Executable::initialize(uint64_t seed) {
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const TensorInfo &t = tensors_[i];
    if (t.role != TensorRole::Param && t.role != TensorRole::State)
      continue;
    int64_t n = t.numElements();
    std::vector<double> values(size_t(n), 0.0);
    int64_t fanIn, fanOut;
    computeFans(t.shape.data(), int(t.shape.size()), fanIn, fanOut);
    fillInit(values.data(), n, t.init, fanIn, fanOut, seed, streamOf(t.name));
    void *p = storage_[i]->get();
    for (int64_t k = 0; k < n; ++k) {
      switch (t.type) {
      case ElementType::F32:
        static_cast<float *>(p)[k] = float(values[k]);
        break;
      case ElementType::F64:
        static_cast<double *>(p)[k] = values[k];
        break;
      case ElementType::I32:
        static_cast<int32_t *>(p)[k] = int32_t(values[k]);
        break;
      case ElementType::I1:
        static_cast<uint8_t *>(p)[k] = values[k] != 0;
        break;
      }
    }
  }
}

Expected<double> Executable::loss() const {
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const TensorInfo &t = tensors_[i];
    if (!t.stepOutput)
      continue;
    if (t.numElements() != 1)
      return makeError("the step's first output '" + t.name +
                       "' is not a scalar");
    const void *p = storage_[i]->get();
    switch (t.type) {
    case ElementType::F32:
      return double(*static_cast<const float *>(p));
    case ElementType::F64:
      return *static_cast<const double *>(p);
    default:
      return makeError("the step's first output '" + t.name +
                       "' is not a floating-point value");
    }
  }
  return makeError("the executable has no step output");
}

void Executable::setThreads(int n) {
  n = std::max(1, n);
  if (n == threads_)
    return;
  threads_ = n;
  pool_.reset();
}

int Executable::threads() const { return threads_; }

ThreadPool &Executable::pool() {
  if (!pool_)
    pool_ = std::make_unique<ThreadPool>(threads_);
  return *pool_;
}

void Executable::pointers(const std::vector<int> &indices,
                          std::vector<void *> &out) {
  out.clear();
  for (int i : indices)
    out.push_back(storage_[i]->get());
}

} // namespace voskhod::rt
