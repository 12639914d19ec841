//===- tests/fuzz/TextFuzzer.cpp - libFuzzer target for text:FILE ---------===//
///
/// Takes the context (1..16) and the held-out fraction (0, 0.1 … 0.9)
/// from the input's first two bytes, writes the rest as the text file and
/// loads it the way `--data text:FILE,context=N,valid=F` does, once whole
/// and once with a limit. Either may fail, with a message; neither may
/// crash or read out of bounds, and a load fails exactly when a split is
/// shorter than context + 1 bytes or the file cannot be read. Loaded splits
/// must map back to the file: the vocabulary is sorted and distinct, every
/// window is the file's bytes at stride N, its targets the bytes one further,
/// and the limited load keeps the first windows of the whole one. "The file's
/// bytes" are what FileBytes.h reads, so a gzip'd input is compared with its
/// inflated text.
///
//===----------------------------------------------------------------------===//
#include "tests/fuzz/FuzzFile.h"
#include "trainer/data/FileBytes.h"
#include "trainer/data/TextReader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace voskhod;

static void fail(const char *why) {
  std::fprintf(stderr, "TextFuzzer: %s\n", why);
  std::abort();
}

/// `set` holds the windows of text[begin, end) at stride `n`.
static void check(const rt::Dataset &set, const uint8_t *text, size_t begin,
                  size_t end, int64_t n, int64_t limit) {
  const std::vector<uint8_t> &vocab = set.vocabulary;
  if (vocab.empty() || !std::is_sorted(vocab.begin(), vocab.end()) ||
      std::adjacent_find(vocab.begin(), vocab.end()) != vocab.end())
    fail("the vocabulary is not sorted and distinct");
  int64_t windows = int64_t((end - begin - 1) / size_t(n));
  if (limit > 0)
    windows = std::min(windows, limit);
  if (set.numFeatures != n || set.size() != windows ||
      set.classesPerExample != n || set.classes.size() != size_t(windows * n) ||
      set.featureKind != rt::FeatureKind::Token)
    fail("a split has the wrong number of windows");
  for (size_t i = 0; i < size_t(windows * n); ++i) {
    float id = set.features[i];
    int32_t next = set.classes[i];
    if (!(id >= 0 && id < float(vocab.size())) || next < 0 ||
        size_t(next) >= vocab.size())
      fail("a token id is outside the vocabulary");
    if (vocab[size_t(id)] != text[begin + i] ||
        vocab[size_t(next)] != text[begin + i + 1])
      fail("a window does not hold the file's bytes");
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  rt::TextOptions options;
  options.context = 1 + data[0] % 16;
  options.valid = double(data[1] % 10) / 10;
  std::string path = fuzz::writeScratchFile(data + 2, size - 2, "text");
  auto bytes = rt::readFileBytes(path);
  const uint8_t *text = bytes ? bytes->data() : nullptr;
  size_t length = bytes ? bytes->size() : 0;
  size_t boundary = length - size_t(double(length) * options.valid);
  size_t least = size_t(options.context) + 1;
  bool fits = bytes && boundary >= least &&
              (options.valid == 0 || length - boundary >= least);
  for (int64_t limit : {int64_t(0), int64_t(1 + data[0] % 3)}) {
    auto splits = rt::loadTextDataset(path, options, limit);
    if (bool(splits) != fits)
      fail(fits ? "a file with room for a window in each split failed"
                : "a file without room for a window in each split loaded");
    if (!splits) {
      if (splits.message().find(path) == std::string::npos)
        fail("an error does not name the file");
      continue;
    }
    check(splits->train, text, 0, boundary, options.context, limit);
    if (bool(splits->test) != (options.valid > 0))
      fail("the validation split is missing or unasked for");
    if (splits->test)
      check(*splits->test, text, boundary, length, options.context, limit);
  }
  return 0;
}
