//===- examples/cpp/make_data.cpp - the examples' data sets as CSV files --===//
///
/// Writes the data sets the C++ examples train on into a folder, so that the
/// `.vg` models can train on the same rows with `voskhod train --data
/// csv:...`. examples/data/ holds its output, checked in; the tests rerun it
/// and compare, so the files cannot drift from the generators.
///
///     example_make_data examples/data
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/Datasets.h"

#include <cstdio>
#include <filesystem>
#include <functional>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

struct DataFile {
  const char *name;
  std::function<rt::Dataset()> make;
  std::vector<std::string> features;
  const char *label;
};

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 1;
  }
  std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  // The seeds are the ones the C++ examples use.
  const DataFile files[] = {
      {"blobs_train.csv", [] { return blobs(600, 20); }, numberedNames("x", 3),
       "class"},
      {"blobs_test.csv", [] { return blobs(300, 21); }, numberedNames("x", 3),
       "class"},
      {"rings_train.csv", [] { return rings(600, 30); }, numberedNames("x", 2),
       "class"},
      {"rings_test.csv", [] { return rings(300, 31); }, numberedNames("x", 2),
       "class"},
      {"bumpy_train.csv", [] { return bumpyRegression(512, 10); },
       numberedNames("x", 3), "y"},
      {"bumpy_test.csv", [] { return bumpyRegression(256, 11); },
       numberedNames("x", 3), "y"},
  };
  for (const DataFile &file : files) {
    std::string path = (dir / file.name).string();
    if (Status s = writeCsv(file.make(), file.features, file.label, path); !s) {
      std::fprintf(stderr, "error: %s\n", s.message().c_str());
      return 1;
    }
  }
  return 0;
}
