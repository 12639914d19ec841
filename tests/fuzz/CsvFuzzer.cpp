//===- tests/fuzz/CsvFuzzer.cpp - libFuzzer target for the CSV reader -----===//
///
/// Writes each input to a file and reads it as a `--data csv:...` table,
/// with the label in the last column and, through the first byte, in a
/// column chosen by name or index. Any table may be rejected with a
/// message; one that loads must be rectangular (features a whole number of
/// rows, one label per row) and hold only finite numbers.
///
//===----------------------------------------------------------------------===//
#include "tests/fuzz/FuzzFile.h"
#include "trainer/data/CsvReader.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace voskhod;

static void fail(const char *what) {
  std::fprintf(stderr, "CsvFuzzer: %s\n", what);
  std::abort();
}

static void check(const rt::Dataset &d) {
  int64_t rows = d.size();
  if (d.numFeatures > 0 && int64_t(d.features.size()) != rows * d.numFeatures)
    fail("features are not a whole number of rows");
  if (d.labelKind == rt::LabelKind::Class && int64_t(d.classes.size()) != rows)
    fail("not one class label per row");
  if (d.labelKind == rt::LabelKind::Target &&
      int64_t(d.targets.size()) != rows * d.targetWidth)
    fail("not one target row per row");
  for (float f : d.features)
    if (!std::isfinite(f))
      fail("a feature is not finite");
  for (float f : d.targets)
    if (!std::isfinite(f))
      fail("a target is not finite");
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = fuzz::writeScratchFile(data, size, "table.csv");
  static const char *labels[] = {"", "0", "1", "label", "y", "-1", "99999"};
  rt::CsvOptions options;
  // The first byte picks up to two label columns ("": the default).
  if (size) {
    size_t n = sizeof labels / sizeof *labels;
    for (size_t pick : {data[0] % n, data[0] / n % 2 ? data[0] / n / 2 % n : 0})
      if (*labels[pick])
        options.labelColumns.push_back(labels[pick]);
  }
  auto set = rt::readCsv(path, options);
  if (set)
    check(*set);
  else if (set.message().empty())
    fail("an error without a message");
  return 0;
}
