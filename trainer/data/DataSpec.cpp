//===- trainer/data/DataSpec.cpp - the --data argument --------------------===//
#include "trainer/data/DataSpec.h"

#include "trainer/data/Cifar10Reader.h"
#include "trainer/data/IdxReader.h"
#include "trainer/data/TextReader.h"

#include <cstdlib>
#include <sys/stat.h>

namespace voskhod::rt {
namespace {

std::vector<std::string> splitCommas(const std::string &s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t comma = s.find(',', start);
    parts.push_back(s.substr(start, comma - start));
    if (comma == std::string::npos)
      return parts;
    start = comma + 1;
  }
}

bool exists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

/// The gzip'd name when it exists, else the plain one (whose absence the
/// reader then reports).
std::string standardFile(const std::string &dir, const std::string &stem) {
  std::string plain = dir + "/" + stem;
  return exists(plain + ".gz") ? plain + ".gz" : plain;
}

/// The first `limit` rows of `data`.
void truncateRows(Dataset &data, int64_t limit) {
  if (limit <= 0 || limit >= data.size())
    return;
  data.features.resize(limit * data.numFeatures);
  if (data.labelKind == LabelKind::Class)
    data.classes.resize(limit * data.classesPerExample);
  else
    data.targets.resize(limit * data.targetWidth);
  if (!data.sourceLines.empty())
    data.sourceLines.resize(limit);
}

} // namespace

Expected<DataSpec> parseDataSpec(const std::string &text) {
  auto bad = [&](const std::string &why) {
    return makeError("invalid data spec '" + text + "': " + why);
  };
  DataSpec spec;
  // `fashion-mnist,limit=N` has options but no colon.
  size_t colon = text.find_first_of(":,");
  std::string kind = text.substr(0, colon);
  std::vector<std::string> args;
  if (colon != std::string::npos)
    args = splitCommas(text.substr(colon + 1));
  // key=value options, accepted after the positional paths of every form.
  std::vector<std::string> paths;
  for (const std::string &arg : args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      if (arg.empty())
        return bad("empty path");
      paths.push_back(arg);
      continue;
    }
    std::string key = arg.substr(0, eq), value = arg.substr(eq + 1);
    if (key == "limit") {
      char *end = nullptr;
      long long n = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n <= 0)
        return bad("limit must be a positive integer");
      spec.limit = n;
    } else if (key == "context" && kind == "text") {
      char *end = nullptr;
      long long n = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n <= 0 || n > (1 << 24))
        return bad("context must be a positive integer (at most 16777216)");
      spec.text.context = n;
    } else if (key == "valid" && kind == "text") {
      char *end = nullptr;
      double f = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(f >= 0 && f < 1))
        return bad("valid must be a fraction in [0, 1)");
      spec.text.valid = f;
    } else if (key == "label" && kind == "csv") {
      if (value.empty())
        return bad("empty label column");
      spec.csv.labelColumns.push_back(value);
    } else if (key == "test" && kind == "csv") {
      if (value.empty())
        return bad("empty test file");
      spec.testFeatures = spec.testLabels = value;
    } else {
      return bad("unknown option '" + key + "'");
    }
  }
  if (kind == "fashion-mnist" || kind == "mnist") {
    if (paths.size() > 1)
      return bad("expected one folder");
    if (paths.empty() && kind == "mnist")
      return bad("mnist needs a folder: mnist:DIR");
    std::string dir = paths.empty() ? kFashionMnistDir : paths[0];
    spec.trainFeatures = standardFile(dir, "train-images-idx3-ubyte");
    spec.trainLabels = standardFile(dir, "train-labels-idx1-ubyte");
    spec.testFeatures = standardFile(dir, "t10k-images-idx3-ubyte");
    spec.testLabels = standardFile(dir, "t10k-labels-idx1-ubyte");
    return spec;
  }
  if (kind == "idx") {
    if (paths.size() != 2 && paths.size() != 4)
      return bad("expected idx:TRAIN_IMAGES,TRAIN_LABELS"
                 "[,TEST_IMAGES,TEST_LABELS]");
    spec.trainFeatures = paths[0];
    spec.trainLabels = paths[1];
    if (paths.size() == 4) {
      spec.testFeatures = paths[2];
      spec.testLabels = paths[3];
    }
    return spec;
  }
  if (kind == "cifar10") {
    if (paths.size() != 1)
      return bad("expected cifar10:DIR");
    spec.format = DataSpec::Format::Cifar10;
    spec.trainBatches = cifar10TrainFiles(paths[0]);
    spec.testFeatures = cifar10TestFile(paths[0]);
    return spec;
  }
  if (kind == "csv") {
    if (paths.size() != 1)
      return bad("expected csv:FILE[,label=COL...][,test=FILE]");
    spec.format = DataSpec::Format::Csv;
    spec.trainFeatures = spec.trainLabels = paths[0];
    return spec;
  }
  if (kind == "text") {
    if (paths.size() != 1)
      return bad("expected text:FILE[,context=N][,valid=FRACTION]");
    spec.format = DataSpec::Format::Text;
    spec.trainFeatures = spec.trainLabels = paths[0];
    return spec;
  }
  return bad("expected fashion-mnist, mnist:DIR, idx:..., cifar10:DIR, "
             "csv:... or text:FILE");
}

Expected<DataSplits> loadData(const DataSpec &spec) {
  // One file holds both splits, which the reader cuts itself.
  if (spec.format == DataSpec::Format::Text)
    return loadTextDataset(spec.trainFeatures, spec.text, spec.limit);
  auto load = [&](const std::string &features,
                  const std::string &labels) -> Expected<Dataset> {
    if (spec.format == DataSpec::Format::Csv)
      return readCsv(features, spec.csv);
    if (spec.format == DataSpec::Format::Cifar10)
      return loadCifar10Dataset({features}, spec.limit);
    return loadIdxDataset(features, labels);
  };
  VOSKHOD_ASSIGN_OR_RETURN(
      Dataset train, spec.format == DataSpec::Format::Cifar10
                         ? loadCifar10Dataset(spec.trainBatches, spec.limit)
                         : load(spec.trainFeatures, spec.trainLabels));
  DataSplits splits{std::move(train), std::nullopt};
  truncateRows(splits.train, spec.limit);
  if (!spec.testFeatures.empty()) {
    VOSKHOD_ASSIGN_OR_RETURN(Dataset test,
                             load(spec.testFeatures, spec.testLabels));
    if (test.numFeatures != splits.train.numFeatures)
      return makeError("test data '" + test.source + "' has " +
                       std::to_string(test.numFeatures) +
                       " features per example but training data '" +
                       splits.train.source + "' has " +
                       std::to_string(splits.train.numFeatures));
    splits.test = std::move(test);
    truncateRows(*splits.test, spec.limit);
  }
  return splits;
}

} // namespace voskhod::rt
