//===- trainer/data/Cifar10Reader.cpp - CIFAR-10's binary batches ---------===//
#include "trainer/data/Cifar10Reader.h"

#include "trainer/data/FileBytes.h"

namespace voskhod::rt {
namespace {

/// Appends the records of one file to `data`, at most `wanted` of them.
Status appendBatchFile(const std::string &path, int64_t wanted, Dataset &data) {
  VOSKHOD_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, readFileBytes(path));
  if (bytes.empty())
    return makeError("'" + path +
                     "' is empty: a CIFAR-10 batch holds 3073-byte records "
                     "(a label byte and 3072 pixel bytes)");
  size_t whole = bytes.size() / kCifar10RecordBytes;
  size_t rest = bytes.size() % kCifar10RecordBytes;
  if (rest != 0)
    return makeError(
        "'" + path + "' is truncated: its " + std::to_string(bytes.size()) +
        " bytes are not a whole number of 3073-byte CIFAR-10 records (record " +
        std::to_string(whole) + " at byte offset " +
        std::to_string(whole * kCifar10RecordBytes) + " has only " +
        std::to_string(rest) + " bytes)");
  // Every label of the file is checked, also past `wanted`: a file is good
  // or bad as a whole, whatever the limit.
  for (size_t r = 0; r < whole; ++r) {
    uint8_t label = bytes[r * kCifar10RecordBytes];
    if (label >= kCifar10Classes)
      return makeError(
          "'" + path + "': record " + std::to_string(r) + " (byte offset " +
          std::to_string(r * kCifar10RecordBytes) + ") has label " +
          std::to_string(label) + "; CIFAR-10 labels are 0..9");
  }
  int64_t records = int64_t(whole);
  if (wanted > 0 && wanted < records)
    records = wanted;
  size_t firstRow = data.classes.size();
  data.classes.resize(firstRow + records);
  data.features.resize((firstRow + records) * kCifar10Pixels);
  float *features = &data.features[firstRow * kCifar10Pixels];
  for (int64_t r = 0; r < records; ++r) {
    const uint8_t *record = &bytes[r * kCifar10RecordBytes];
    data.classes[firstRow + r] = record[0];
    for (int64_t i = 0; i < kCifar10Pixels; ++i)
      features[r * kCifar10Pixels + i] = float(record[1 + i]);
  }
  return Status::ok();
}

} // namespace

std::vector<std::string> cifar10TrainFiles(const std::string &dir) {
  std::vector<std::string> files;
  for (int i = 1; i <= 5; ++i)
    files.push_back(dir + "/data_batch_" + std::to_string(i) + ".bin");
  return files;
}

std::string cifar10TestFile(const std::string &dir) {
  return dir + "/test_batch.bin";
}

Expected<Dataset> loadCifar10Dataset(const std::vector<std::string> &files,
                                     int64_t limit) {
  Dataset data;
  for (size_t i = 0; i < files.size(); ++i)
    data.source += (i ? ", " : "") + files[i];
  data.labelSource = data.source;
  data.numFeatures = kCifar10Pixels;
  data.exampleShape = {kCifar10Channels, kCifar10Side, kCifar10Side};
  data.labelKind = LabelKind::Class;
  for (const std::string &path : files) {
    int64_t have = int64_t(data.classes.size());
    if (limit > 0 && have >= limit)
      break;
    VOSKHOD_RETURN_IF_ERROR(
        appendBatchFile(path, limit > 0 ? limit - have : 0, data));
  }
  return data;
}

} // namespace voskhod::rt
