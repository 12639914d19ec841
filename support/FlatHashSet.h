//===- support/FlatHashSet.h - an insert-only open-addressing hash set ----===//
///
/// The lookup tables on the compiler's per-node paths (CSE's table of values,
/// the names the verifier and the printer check) hold one entry per node of
/// graphs with hundreds of thousands of nodes. std::unordered_set allocates,
/// and later frees, one list node per entry and walks a chain per lookup;
/// this set keeps its entries in one flat array with linear probing, so an
/// insert costs a probe or two and no allocation.
///
/// Insert and find only: nothing on those paths erases. It is never iterated,
/// so neither the hash nor the layout can reach any output; which of two
/// equal values stays is always the first one inserted.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace voskhod {

template <typename T, typename Hash = std::hash<T>,
          typename Equal = std::equal_to<T>>
class FlatHashSet {
public:
  explicit FlatHashSet(size_t expected = 0, Hash hash = Hash(),
                       Equal equal = Equal())
      : hash_(std::move(hash)), equal_(std::move(equal)) {
    size_t capacity = 16;
    while (!fits(expected, capacity))
      capacity *= 2;
    slots_.resize(capacity);
  }

  /// Inserts `value` unless an equal value is present. Returns the value in
  /// the set (the earlier one when equal) and whether `value` went in.
  std::pair<const T &, bool> insert(const T &value) {
    if (!fits(size_ + 1, slots_.size()))
      grow();
    size_t h = spread(hash_(value));
    size_t i = probe(value, h);
    if (slots_[i].tag)
      return {slots_[i].value, false};
    slots_[i] = {value, tagOf(h)};
    ++size_;
    return {slots_[i].value, true};
  }

  bool contains(const T &value) const {
    size_t i = probe(value, spread(hash_(value)));
    return slots_[i].tag != 0;
  }

  size_t size() const { return size_; }

private:
  /// `tag`: high bits of the hash, to skip most unequal values without
  /// comparing them; never 0, which marks a free slot.
  struct Slot {
    T value{};
    uint32_t tag = 0;
  };

  static uint32_t tagOf(size_t h) { return uint32_t(uint64_t(h) >> 32) | 1u; }

  /// At most three quarters full: short probes without doubling the memory.
  static bool fits(size_t count, size_t capacity) {
    return 4 * count <= 3 * capacity;
  }

  /// Mixes the bits (splitmix64's finaliser): std::hash of a pointer is the
  /// address itself, whose low bits are all zero.
  static size_t spread(size_t h) {
    uint64_t x = h;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return size_t(x ^ (x >> 31));
  }

  /// The slot holding a value equal to `value`, or the free slot where it
  /// would go.
  size_t probe(const T &value, size_t h) const {
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask)
      if (!slots_[i].tag ||
          (slots_[i].tag == tagOf(h) && equal_(slots_[i].value, value)))
        return i;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot());
    size_t mask = slots_.size() - 1;
    for (Slot &s : old) {
      if (!s.tag)
        continue;
      size_t i = spread(hash_(s.value)) & mask;
      while (slots_[i].tag)
        i = (i + 1) & mask;
      slots_[i] = std::move(s);
    }
  }

  std::vector<Slot> slots_; // a power of two in size
  size_t size_ = 0;
  Hash hash_;
  Equal equal_;
};

} // namespace voskhod
