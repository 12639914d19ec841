//===- trainer/data/DataLoader.cpp - shuffled mini-batches ----------------===//
#include "trainer/data/DataLoader.h"

#include "runtime/Random.h"
#include "support/InternalCheck.h"

#include <algorithm>
#include <numeric>

namespace voskhod::rt {

DataLoader::DataLoader(const Dataset &data, LoaderOptions options)
    : data_(data), options_(options) {
  VOSKHOD_CHECK(options_.batchSize > 0) << "batch size must be positive";
}

int64_t DataLoader::batchesPerEpoch() const {
  int64_t n = data_.size(), b = options_.batchSize;
  return options_.partial == PartialBatch::Drop ? n / b : (n + b - 1) / b;
}

std::vector<int64_t> DataLoader::epochOrder(int64_t epoch) const {
  std::vector<int64_t> order(data_.size());
  std::iota(order.begin(), order.end(), int64_t(0));
  if (!options_.shuffle)
    return order;
  // The stream separates epochs; the shuffle's own name keeps it apart from
  // parameter initialisation drawing on the same seed.
  uint64_t stream = streamOf("data.shuffle") + uint64_t(epoch);
  for (int64_t i = int64_t(order.size()) - 1; i > 0; --i) {
    double u = uniform01(options_.seed, stream, uint64_t(i));
    int64_t j = std::min(int64_t(u * double(i + 1)), i);
    std::swap(order[i], order[j]);
  }
  return order;
}

void DataLoader::fill(int64_t epoch, int64_t index, Batch &batch) {
  VOSKHOD_CHECK(index >= 0 && index < batchesPerEpoch())
      << "batch out of range";
  if (epoch != cachedEpoch_) {
    order_ = epochOrder(epoch);
    cachedEpoch_ = epoch;
  }
  int64_t b = options_.batchSize, f = data_.numFeatures;
  int64_t begin = index * b;
  int64_t valid = std::min(b, data_.size() - begin);
  bool classes = data_.labelKind == LabelKind::Class;
  int64_t tw = data_.targetWidth, cw = data_.classesPerExample;
  batch.size = b;
  batch.valid = valid;
  batch.features.assign(b * f, 0.f);
  batch.classes.assign(classes ? b * cw : 0, 0);
  batch.targets.assign(classes ? 0 : b * tw, 0.f);
  batch.mask.assign(b, 0.f);
  batch.rows.resize(valid);
  for (int64_t i = 0; i < valid; ++i) {
    int64_t row = order_[begin + i];
    batch.rows[i] = row;
    batch.mask[i] = 1.f;
    std::copy_n(&data_.features[row * f], f, &batch.features[i * f]);
    if (classes)
      std::copy_n(&data_.classes[row * cw], cw, &batch.classes[i * cw]);
    else
      std::copy_n(&data_.targets[row * tw], tw, &batch.targets[i * tw]);
  }
}

} // namespace voskhod::rt
