//===- tests/fuzz/Cifar10Fuzzer.cpp - libFuzzer target for CIFAR-10 -------===//
///
/// Writes each input as one batch file and loads it the way `--data
/// cifar10:DIR` does, once whole and once with a limit taken from the
/// input's first byte. Either may fail, with a message; neither may crash
/// or read out of bounds. A batch that loads must hold whole [3, 32, 32]
/// examples, one label in 0..9 each, and the limited load must keep the
/// first examples of the whole one.
///
//===----------------------------------------------------------------------===//
#include "tests/fuzz/FuzzFile.h"
#include "trainer/data/Cifar10Reader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace voskhod;

static void check(const rt::Dataset &set) {
  int64_t rows = set.size();
  bool whole = set.numFeatures == rt::kCifar10Pixels &&
               set.features.size() == size_t(rows * rt::kCifar10Pixels) &&
               set.classes.size() == size_t(rows) &&
               set.imageShape() == std::vector<int64_t>{3, 32, 32};
  for (int32_t c : set.classes)
    whole &= c >= 0 && c < rt::kCifar10Classes;
  if (!whole) {
    std::fprintf(stderr, "Cifar10Fuzzer: a loaded batch is malformed\n");
    std::abort();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = fuzz::writeScratchFile(data, size, "cifar10");
  auto all = rt::loadCifar10Dataset({path});
  if (all)
    check(*all);
  else if (all.message().empty())
    std::abort();
  int64_t limit = size ? 1 + data[0] % 4 : 1;
  auto some = rt::loadCifar10Dataset({path}, limit);
  if (bool(some) != bool(all))
    std::abort();
  if (some) {
    check(*some);
    if (some->size() != std::min(limit, all->size()) ||
        !std::equal(some->features.begin(), some->features.end(),
                    all->features.begin()))
      std::abort();
  }
  return 0;
}
