//===- tests/unit/data/Cifar10ReaderTest.cpp - CIFAR-10 batches -----------===//
#include "trainer/data/Cifar10Reader.h"
#include "TestFiles.h"
#include "trainer/data/DataSpec.h"

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

/// `records` random CIFAR-10 records whose labels are `firstLabel`,
/// `firstLabel` + 1, ... modulo 10.
std::string cifarBytes(int64_t records, uint64_t seed, int firstLabel = 0) {
  std::vector<uint8_t> pixels = randomBytes(records * kCifar10Pixels, seed);
  std::string s;
  for (int64_t r = 0; r < records; ++r) {
    s += char((firstLabel + r) % 10);
    s.append(pixels.begin() + r * kCifar10Pixels,
             pixels.begin() + (r + 1) * kCifar10Pixels);
  }
  return s;
}

struct CifarFixture : ::testing::Test {
  TempDir dir;
  /// A CIFAR-10 folder of five training batches of `perBatch` records and
  /// a test batch of 3.
  void writeFolder(int64_t perBatch) {
    for (int i = 1; i <= 5; ++i)
      writeFile(dir.file("data_batch_" + std::to_string(i) + ".bin"),
                cifarBytes(perBatch, 100 + i, i));
    writeFile(dir.file("test_batch.bin"), cifarBytes(3, 200));
  }
};

TEST_F(CifarFixture, KeepsPixelsLabelsAndTheImageShape) {
  std::string bytes = cifarBytes(4, 7, 6);
  for (bool gz : {false, true}) {
    std::string path = dir.file(gz ? "batch.bin.gz" : "batch.bin");
    if (gz)
      writeGzip(path, bytes);
    else
      writeFile(path, bytes);
    auto data = loadCifar10Dataset({path});
    ASSERT_TRUE(data) << data.message();
    EXPECT_EQ(data->size(), 4);
    EXPECT_EQ(data->numFeatures, 3072);
    EXPECT_EQ(data->exampleShape, (std::vector<int64_t>{3, 32, 32}));
    EXPECT_EQ(data->imageShape(), (std::vector<int64_t>{3, 32, 32}));
    EXPECT_EQ(data->classes, (std::vector<int32_t>{6, 7, 8, 9}));
    ASSERT_EQ(data->features.size(), size_t(4 * 3072));
    for (int64_t r = 0; r < 4; ++r)
      for (int64_t i = 0; i < 3072; ++i)
        ASSERT_EQ(data->features[r * 3072 + i],
                  float(uint8_t(bytes[r * 3073 + 1 + i])))
            << "record " << r << " value " << i;
  }
}

TEST_F(CifarFixture, FilesFollowOneAnother) {
  writeFile(dir.file("a.bin"), cifarBytes(2, 1, 0));
  writeFile(dir.file("b.bin"), cifarBytes(3, 2, 5));
  auto data = loadCifar10Dataset({dir.file("a.bin"), dir.file("b.bin")});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->classes, (std::vector<int32_t>{0, 1, 5, 6, 7}));
  std::string b = cifarBytes(3, 2, 5);
  EXPECT_EQ(data->features[2 * 3072 + 5], float(uint8_t(b[1 + 5])));
}

TEST_F(CifarFixture, MissingFileNamesIt) {
  auto data = loadCifar10Dataset({dir.file("nope.bin")});
  expectErrorMentions(errorOf(data), {dir.file("nope.bin"), "cannot open"});
}

TEST_F(CifarFixture, EmptyFileNamesIt) {
  writeFile(dir.file("empty.bin"), "");
  auto data = loadCifar10Dataset({dir.file("empty.bin")});
  expectErrorMentions(errorOf(data), {dir.file("empty.bin"), "is empty"});
}

TEST_F(CifarFixture, ShortLastRecordNamesItsOffset) {
  std::string bytes = cifarBytes(3, 4);
  bytes.resize(bytes.size() - 100);
  writeFile(dir.file("short.bin"), bytes);
  auto data = loadCifar10Dataset({dir.file("short.bin")});
  expectErrorMentions(errorOf(data),
                      {dir.file("short.bin"), "truncated", "record 2",
                       "byte offset 6146", "only 2973 bytes"});
}

TEST_F(CifarFixture, LabelAboveNineNamesRecordAndOffset) {
  std::string bytes = cifarBytes(5, 5);
  bytes[3 * 3073] = char(10);
  writeFile(dir.file("label.bin"), bytes);
  auto data = loadCifar10Dataset({dir.file("label.bin")});
  expectErrorMentions(errorOf(data), {dir.file("label.bin"), "record 3",
                                      "byte offset 9219", "label 10"});
  // Past the limit too: a file is good or bad as a whole.
  auto limited = loadCifar10Dataset({dir.file("label.bin")}, 2);
  expectErrorMentions(errorOf(limited), {dir.file("label.bin"), "label 10"});
}

TEST_F(CifarFixture, SpecReadsTheFolder) {
  writeFolder(2);
  auto spec = parseDataSpec("cifar10:" + dir.path());
  ASSERT_TRUE(spec) << spec.message();
  EXPECT_EQ(spec->format, DataSpec::Format::Cifar10);
  ASSERT_EQ(spec->trainBatches.size(), 5u);
  EXPECT_EQ(spec->trainBatches[4], dir.file("data_batch_5.bin"));
  EXPECT_EQ(spec->testFeatures, dir.file("test_batch.bin"));
  auto splits = loadData(*spec);
  ASSERT_TRUE(splits) << splits.message();
  EXPECT_EQ(splits->train.size(), 10);
  EXPECT_EQ(splits->train.classes,
            (std::vector<int32_t>{1, 2, 2, 3, 3, 4, 4, 5, 5, 6}));
  ASSERT_TRUE(splits->test);
  EXPECT_EQ(splits->test->size(), 3);
  EXPECT_EQ(splits->test->exampleShape, (std::vector<int64_t>{3, 32, 32}));
}

TEST_F(CifarFixture, LimitKeepsTheFirstExamplesOfEachSplit) {
  writeFolder(2);
  auto spec = parseDataSpec("cifar10:" + dir.path() + ",limit=3");
  ASSERT_TRUE(spec) << spec.message();
  EXPECT_EQ(spec->limit, 3);
  auto splits = loadData(*spec);
  ASSERT_TRUE(splits) << splits.message();
  EXPECT_EQ(splits->train.size(), 3);
  EXPECT_EQ(splits->train.features.size(), size_t(3 * 3072));
  EXPECT_EQ(splits->train.classes, (std::vector<int32_t>{1, 2, 2}));
  EXPECT_EQ(splits->test->size(), 3);
  // The files after the limit are not needed, so not read.
  std::filesystem::remove(dir.file("data_batch_5.bin"));
  EXPECT_TRUE(loadData(*spec));
}

TEST_F(CifarFixture, SpecErrorsNameTheFile) {
  writeFolder(1);
  std::filesystem::remove(dir.file("data_batch_3.bin"));
  auto spec = parseDataSpec("cifar10:" + dir.path());
  ASSERT_TRUE(spec) << spec.message();
  expectErrorMentions(errorOf(loadData(*spec)),
                      {dir.file("data_batch_3.bin"), "cannot open"});
  for (const char *bad : {"cifar10", "cifar10:", "cifar10:a,b"})
    EXPECT_FALSE(parseDataSpec(bad)) << bad;
}

} // namespace
