//===- tests/unit/data/ImageShapeTest.cpp - images fed as [N, C, H, W] ----===//
#include "TestFiles.h"
#include "trainer/data/Standardizer.h"

#include <cmath>

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

/// `rows` random images of shape `image`; channel c has mean about 50c and
/// spread about c + 2, so no two channels share statistics.
Dataset randomImages(int64_t rows, std::vector<int64_t> image, uint64_t seed) {
  Dataset d;
  d.source = "images.bin";
  d.labelSource = d.source;
  d.exampleShape = image;
  std::vector<int64_t> chw = d.imageShape();
  d.numFeatures = chw[0] * chw[1] * chw[2];
  int64_t pixels = chw[1] * chw[2];
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < d.numFeatures; ++j) {
      int64_t c = j / pixels;
      d.features.push_back(
          float(50 * c + 1 + (c + 2) * standardNormal(seed, j, r)));
    }
  d.classes.assign(rows, 0);
  return d;
}

StepSignature signature(std::vector<int64_t> example) {
  StepSignature s;
  s.batchSize = 64;
  s.exampleShape = example;
  s.featureCount = 1;
  for (int64_t d : example)
    s.featureCount *= d;
  s.labelWidth = 10;
  return s;
}

TEST(ImageShape, IdxImagesAreOneChannel) {
  Dataset idx = randomImages(2, {28, 28}, 1);
  EXPECT_EQ(idx.imageShape(), (std::vector<int64_t>{1, 28, 28}));
  Dataset csv;
  csv.exampleShape = {784};
  EXPECT_TRUE(csv.imageShape().empty());
}

TEST(ImageShape, ImagesFeedRankFourAndFlatInputs) {
  for (std::vector<int64_t> example :
       {std::vector<int64_t>{1, 28, 28}, std::vector<int64_t>{784}}) {
    Dataset idx = randomImages(3, {28, 28}, 2);
    EXPECT_TRUE(conformToSignature(idx, signature(example)).isOk());
  }
  Dataset cifar = randomImages(3, {3, 32, 32}, 3);
  EXPECT_TRUE(conformToSignature(cifar, signature({3, 32, 32})).isOk());
  EXPECT_TRUE(feedsImages(cifar, signature({3, 32, 32})));
  EXPECT_FALSE(feedsImages(cifar, signature({3072})));
  // Rows without an image shape fill a rank-4 input by their count alone.
  Dataset csv;
  csv.source = "rows.csv";
  csv.numFeatures = 12;
  csv.exampleShape = {12};
  csv.features.assign(12, 0.5f);
  csv.classes = {1};
  EXPECT_TRUE(conformToSignature(csv, signature({3, 2, 2})).isOk());
  EXPECT_FALSE(feedsImages(csv, signature({3, 2, 2})));
}

TEST(ImageShape, MismatchNamesBothShapes) {
  Dataset idx = randomImages(3, {28, 28}, 4);
  StepSignature cifarModel = signature({3, 32, 32});
  cifarModel.featureInput = "image";
  expectErrorMentions(conformToSignature(idx, cifarModel),
                      {"images.bin", "[1, 28, 28]", "%image", "[64, 3, 32, 32]",
                       "[3, 32, 32]"});
  // The same pixel count in another layout is still the wrong shape.
  expectErrorMentions(conformToSignature(idx, signature({28, 28, 1})),
                      {"[1, 28, 28]", "[64, 28, 28, 1]"});
}

TEST(ImageShape, StandardizesPerChannelAsFloat64Says) {
  Dataset train = randomImages(40, {3, 4, 5}, 5);
  Dataset original = train;
  ASSERT_EQ(standardizationFor(train, signature({3, 4, 5})),
            StandardizeBy::Channel);
  EXPECT_EQ(standardizationFor(train, signature({60})), StandardizeBy::Feature);
  Standardizer s = Standardizer::fit(train, StandardizeBy::Channel);
  ASSERT_EQ(s.mean.size(), 3u);
  std::vector<double> mean(3, 0.0), sigma(3, 0.0);
  int64_t perChannel = 40 * 20;
  for (int64_t r = 0; r < 40; ++r)
    for (int64_t j = 0; j < 60; ++j)
      mean[j / 20] += double(original.features[r * 60 + j]) / perChannel;
  for (int64_t r = 0; r < 40; ++r)
    for (int64_t j = 0; j < 60; ++j)
      sigma[j / 20] +=
          std::pow(original.features[r * 60 + j] - mean[j / 20], 2) /
          perChannel;
  for (int64_t c = 0; c < 3; ++c) {
    sigma[c] = std::sqrt(sigma[c]);
    EXPECT_NEAR(s.mean[c], mean[c], 1e-5 * std::fabs(mean[c]) + 1e-6);
    EXPECT_NEAR(s.stddev[c], sigma[c], 1e-5 * sigma[c]);
    EXPECT_GT(sigma[c], 1.0);
  }
  ASSERT_TRUE(s.apply(train).isOk());
  for (int64_t r = 0; r < 40; ++r)
    for (int64_t j = 0; j < 60; ++j) {
      double want =
          (original.features[r * 60 + j] - mean[j / 20]) / sigma[j / 20];
      ASSERT_NEAR(train.features[r * 60 + j], want, 1e-4)
          << "row " << r << " value " << j;
    }
}

TEST(ImageShape, PerChannelStatisticsSaveAsCByOneByOne) {
  Dataset train = randomImages(10, {3, 2, 2}, 6);
  Standardizer channel = Standardizer::fit(train, StandardizeBy::Channel);
  EXPECT_EQ(channel.savedShape(), (std::vector<int64_t>{3, 1, 1}));
  EXPECT_EQ(Standardizer::savedAs({3, 1, 1}), StandardizeBy::Channel);
  // Statistics saved before per-channel ones existed are per feature.
  Standardizer feature = Standardizer::fit(train);
  EXPECT_EQ(feature.savedShape(), (std::vector<int64_t>{12}));
  EXPECT_EQ(Standardizer::savedAs({12}), StandardizeBy::Feature);
  auto back = Standardizer::fromStatistics(channel.mean, channel.stddev,
                                           StandardizeBy::Channel);
  ASSERT_TRUE(back) << back.message();
  Dataset a = train, b = train;
  ASSERT_TRUE(channel.apply(a).isOk());
  ASSERT_TRUE(back->apply(b).isOk());
  EXPECT_EQ(a.features, b.features);
  // Statistics of three channels do not fit one-channel images.
  Dataset gray = randomImages(2, {2, 6}, 7);
  expectErrorMentions(channel.apply(gray),
                      {"images.bin", "[1, 2, 6]", "per channel", "3"});
}

} // namespace
