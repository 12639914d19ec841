//===- tests/fuzz/IdxFuzzer.cpp - libFuzzer target for the IDX reader -----===//
///
/// Splits each input into an images file and a labels file (the first two
/// bytes give the labels file's length) and loads them the way `--data
/// idx:...` does: `readIdx` on each, every value decoded, then
/// `loadIdxDataset` on the pair. Either may fail, with a message; neither may
/// crash, read out of bounds or allocate more than the file justifies. An
/// array that loads must hold exactly the values its dimensions promise.
///
//===----------------------------------------------------------------------===//
#include "tests/fuzz/FuzzFile.h"
#include "trainer/data/IdxReader.h"

#include <cstdio>
#include <cstdlib>

using namespace voskhod;

static void check(const rt::IdxArray &a) {
  size_t expected = 1;
  for (int64_t d : a.dims)
    expected *= size_t(d);
  if (a.count != expected) {
    std::fprintf(stderr, "IdxFuzzer: count %zu, dims promise %zu\n", a.count,
                 expected);
    std::abort();
  }
  double sum = 0;
  for (size_t i = 0; i < a.count; ++i)
    sum += a.value(i);
  (void)sum;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  size_t labelBytes = (size_t(data[0]) << 8 | data[1]) % (size - 1);
  const uint8_t *images = data + 2;
  size_t imageBytes = size - 2 - labelBytes;
  std::string imagesPath = fuzz::writeScratchFile(images, imageBytes, "images");
  std::string labelsPath =
      fuzz::writeScratchFile(images + imageBytes, labelBytes, "labels");
  for (const std::string &path : {imagesPath, labelsPath}) {
    auto array = rt::readIdx(path);
    if (array)
      check(*array);
    else if (array.message().empty())
      std::abort();
  }
  auto set = rt::loadIdxDataset(imagesPath, labelsPath);
  if (set && set->size() != int64_t(set->classes.size()))
    std::abort();
  return 0;
}
