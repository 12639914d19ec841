//===- trainer/data/TextReader.cpp - a character-level text data set ------===//
#include "trainer/data/TextReader.h"

#include "trainer/data/FileBytes.h"

#include <array>

namespace voskhod::rt {
namespace {

/// The windows of ids[begin, end) as a data set; `split` names the split in
/// the error when it holds no window.
Expected<Dataset> windowsOf(const std::string &path, const char *split,
                            const std::vector<int32_t> &ids, size_t begin,
                            size_t end, const TextOptions &options,
                            int64_t limit) {
  size_t n = size_t(options.context);
  size_t length = end - begin;
  if (length < n + 1)
    return makeError("'" + path + "': the " + split + " split holds " +
                     std::to_string(length) +
                     " characters, fewer than the context + 1 = " +
                     std::to_string(n + 1) + " one example needs");
  int64_t windows = int64_t((length - 1) / n);
  if (limit > 0 && limit < windows)
    windows = limit;
  Dataset data;
  data.source = data.labelSource = path;
  data.numFeatures = options.context;
  data.exampleShape = {options.context};
  data.featureKind = FeatureKind::Token;
  data.labelKind = LabelKind::Class;
  data.classesPerExample = options.context;
  data.features.resize(size_t(windows) * n);
  data.classes.resize(size_t(windows) * n);
  for (size_t w = 0; w < size_t(windows); ++w)
    for (size_t i = 0; i < n; ++i) {
      size_t at = begin + w * n + i;
      data.features[w * n + i] = float(ids[at]);
      data.classes[w * n + i] = ids[at + 1];
    }
  return data;
}

} // namespace

Expected<DataSplits> loadTextDataset(const std::string &path,
                                     const TextOptions &options,
                                     int64_t limit) {
  if (options.context <= 0)
    return makeError("'" + path + "': the context must be positive");
  if (!(options.valid >= 0 && options.valid < 1))
    return makeError("'" + path +
                     "': the validation fraction must be in "
                     "[0, 1)");
  VOSKHOD_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, readFileBytes(path));
  if (bytes.empty())
    return makeError("'" + path +
                     "' is empty: a text data set needs at "
                     "least context + 1 characters");
  std::array<bool, 256> present{};
  for (uint8_t b : bytes)
    present[b] = true;
  std::vector<uint8_t> vocabulary;
  std::array<int32_t, 256> idOf{};
  for (int b = 0; b < 256; ++b)
    if (present[b]) {
      idOf[b] = int32_t(vocabulary.size());
      vocabulary.push_back(uint8_t(b));
    }
  std::vector<int32_t> ids(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i)
    ids[i] = idOf[bytes[i]];

  size_t held = size_t(double(bytes.size()) * options.valid);
  size_t boundary = bytes.size() - held;
  VOSKHOD_ASSIGN_OR_RETURN(Dataset train, windowsOf(path, "training", ids, 0,
                                                    boundary, options, limit));
  train.vocabulary = vocabulary;
  DataSplits splits{std::move(train), std::nullopt};
  if (options.valid > 0) {
    VOSKHOD_ASSIGN_OR_RETURN(Dataset test,
                             windowsOf(path, "validation", ids, boundary,
                                       bytes.size(), options, limit));
    test.vocabulary = std::move(vocabulary);
    splits.test = std::move(test);
  }
  return splits;
}

} // namespace voskhod::rt
