//===- compiler/kernel/KernelSignature.cpp - kernels that compute alike ---===//
#include "compiler/kernel/KernelSignature.h"

#include <algorithm>
#include <cstring>

namespace voskhod::kernel {

std::vector<int> kernelStorages(const KernelProgram &program, const Kernel &k) {
  std::vector<int> out;
  auto add = [&](int buffer) {
    int s = program.storageOf(buffer);
    if (std::find(out.begin(), out.end(), s) == out.end())
      out.push_back(s);
  };
  for (int r : k.reads)
    add(r);
  for (int w : k.writes)
    add(w);
  return out;
}

namespace {

/// Appends fixed-width fields; the layout of each part is fixed by what came
/// before it (counts precede lists), so equal strings mean equal kernels.
class SignatureWriter {
public:
  SignatureWriter(const KernelProgram &program, std::vector<int> storages)
      : p_(program), storages_(std::move(storages)) {}

  template <typename T> void raw(T v) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  void count(size_t n) { raw(uint64_t(n)); }
  void ints(const std::vector<int64_t> &v) {
    count(v.size());
    for (int64_t x : v)
      raw(x);
  }

  /// A buffer as its argument position, element type and size; -1 stays -1.
  void buffer(int id) {
    if (id < 0) {
      raw(int32_t(-1));
      return;
    }
    int storage = p_.storageOf(id);
    auto it = std::find(storages_.begin(), storages_.end(), storage);
    raw(int32_t(it - storages_.begin()));
    const Buffer &b = p_.buffers[id];
    raw(uint8_t(b.type.dtype));
    raw(b.type.numElements());
  }

  void access(const Access &a) {
    buffer(a.buffer);
    raw(a.offset);
    ints(a.strides);
  }

  void body(const Body &b) {
    count(b.insts.size());
    for (const Inst &in : b.insts) {
      raw(uint8_t(in.op));
      raw(uint8_t(in.dtype));
      for (int a : in.args)
        raw(int32_t(a));
      raw(in.constant);
      raw(int32_t(in.access));
      raw(int32_t(in.dim));
    }
    count(b.accesses.size());
    for (const Access &a : b.accesses)
      access(a);
  }

  void stores(const std::vector<Store> &stores) {
    count(stores.size());
    for (const Store &s : stores) {
      access(s.access);
      raw(int32_t(s.value));
    }
  }

  std::string take() { return std::move(out_); }

private:
  const KernelProgram &p_;
  std::vector<int> storages_;
  std::string out_;
};

} // namespace

std::string kernelSignature(const KernelProgram &program, const Kernel &k) {
  SignatureWriter w(program, kernelStorages(program, k));
  w.raw(uint8_t(k.kind));
  w.ints(k.domain);
  w.raw(int32_t(k.numOuter));
  w.raw(int32_t(k.numBatch));
  w.body(k.body);
  w.stores(k.stores);
  w.count(k.phases.size());
  for (const Phase &ph : k.phases) {
    w.raw(uint8_t(ph.kind));
    w.raw(uint8_t(ph.combine));
    w.body(ph.body);
    w.raw(int32_t(ph.value));
    w.stores(ph.stores);
  }
  w.raw(int32_t(k.totalValue));
  w.raw(k.totalScale);
  w.access(k.totalStore);
  w.buffer(k.totalScratch);
  w.body(k.a);
  w.body(k.b);
  w.raw(int32_t(k.aValue));
  w.raw(int32_t(k.bValue));
  return w.take();
}

} // namespace voskhod::kernel
