//===- tests/unit/data/IdxReaderTest.cpp - IDX files, good and bad --------===//
#include "trainer/data/IdxReader.h"
#include "TestFiles.h"

#include <cstring>
#include <sys/stat.h>

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

struct IdxFixture : ::testing::Test {
  TempDir dir;
  std::vector<uint8_t> pixels = randomBytes(5 * 4 * 3, 11);
  std::vector<uint8_t> labels = randomBytes(5, 12, 10);
  std::string images() { return idxBytes({5, 4, 3}, pixels); }
  std::string labelFile() { return idxBytes({5}, labels); }
};

TEST_F(IdxFixture, ReadsPlainAndGzippedAlike) {
  for (bool gz : {false, true}) {
    std::string img = dir.file(gz ? "img.gz" : "img");
    std::string lab = dir.file(gz ? "lab.gz" : "lab");
    if (gz) {
      writeGzip(img, images());
      writeGzip(lab, labelFile());
    } else {
      writeFile(img, images());
      writeFile(lab, labelFile());
    }
    auto data = loadIdxDataset(img, lab);
    ASSERT_TRUE(data) << data.message();
    EXPECT_EQ(data->size(), 5);
    EXPECT_EQ(data->numFeatures, 12);
    EXPECT_EQ(data->exampleShape, (std::vector<int64_t>{4, 3}));
    ASSERT_EQ(data->features.size(), pixels.size());
    for (size_t i = 0; i < pixels.size(); ++i)
      EXPECT_EQ(data->features[i], float(pixels[i]));
    ASSERT_EQ(data->labelKind, LabelKind::Class);
    for (size_t i = 0; i < labels.size(); ++i)
      EXPECT_EQ(data->classes[i], labels[i]);
  }
}

TEST_F(IdxFixture, DecodesWiderTypesBigEndian) {
  // int16 -2, 300 and float32 1.5, -0.25.
  std::string s16 = {0, 0, 0x0B, 1};
  appendBigEndian32(s16, 2);
  s16 += std::string("\xff\xfe\x01\x2c", 4);
  writeFile(dir.file("a"), s16);
  auto a = readIdx(dir.file("a"));
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->values(), (std::vector<double>{-2, 300}));
  std::string sf = {0, 0, 0x0D, 1};
  appendBigEndian32(sf, 2);
  for (float f : {1.5f, -0.25f}) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    appendBigEndian32(sf, bits);
  }
  writeFile(dir.file("b"), sf);
  auto b = readIdx(dir.file("b"));
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ(b->values(), (std::vector<double>{1.5, -0.25}));
}

TEST_F(IdxFixture, MissingFileNamesIt) {
  writeFile(dir.file("lab"), labelFile());
  auto data = loadIdxDataset(dir.file("nope"), dir.file("lab"));
  expectErrorMentions(errorOf(data), {dir.file("nope"), "cannot open"});
}

TEST_F(IdxFixture, WrongMagicNumber) {
  std::string bad = images();
  bad[0] = 0x1f;
  writeFile(dir.file("img"), bad);
  auto a = readIdx(dir.file("img"));
  expectErrorMentions(errorOf(a), {dir.file("img"), "bad magic number"});
  bad = images();
  bad[2] = 0x42; // unknown type code
  writeFile(dir.file("img"), bad);
  a = readIdx(dir.file("img"));
  expectErrorMentions(errorOf(a), {"bad magic number"});
}

TEST_F(IdxFixture, TruncatedAtEveryRegion) {
  std::string full = images();
  for (size_t cut : {size_t(0), size_t(3), size_t(6), size_t(13), size_t(16),
                     full.size() - 1}) {
    writeFile(dir.file("img"), full.substr(0, cut));
    auto a = readIdx(dir.file("img"));
    ASSERT_FALSE(a) << "cut at " << cut;
    EXPECT_NE(a.message().find(dir.file("img")), std::string::npos);
  }
  writeFile(dir.file("img"), full + "xx");
  auto extra = readIdx(dir.file("img"));
  expectErrorMentions(errorOf(extra), {"bytes after the data"});
}

TEST_F(IdxFixture, TruncatedGzipStream) {
  writeGzip(dir.file("img.gz"), images());
  std::string gz = readFile(dir.file("img.gz"));
  writeFile(dir.file("cut.gz"), gz.substr(0, gz.size() / 2));
  auto a = readIdx(dir.file("cut.gz"));
  expectErrorMentions(errorOf(a), {dir.file("cut.gz")});
}

TEST_F(IdxFixture, HugeDeclaredDimensionsDoNotAllocate) {
  std::string s = {0, 0, 0x08, 3};
  appendBigEndian32(s, 0xffffffffu);
  appendBigEndian32(s, 0xffffffffu);
  appendBigEndian32(s, 0xffffffffu);
  s += "abc";
  writeFile(dir.file("huge"), s);
  auto a = readIdx(dir.file("huge"));
  expectErrorMentions(errorOf(a), {dir.file("huge"), "4294967295 x 4294967295",
                                   "more than 2^64 values"});
}

TEST_F(IdxFixture, CountMismatchNamesBothFiles) {
  writeFile(dir.file("img"), images());
  writeFile(dir.file("lab"), idxBytes({4}, randomBytes(4, 3, 10)));
  auto data = loadIdxDataset(dir.file("img"), dir.file("lab"));
  expectErrorMentions(errorOf(data),
                      {dir.file("img"), dir.file("lab"), "5 items", "4"});
}

TEST(FashionMnist, TestSplitHasTheDocumentedShape) {
  std::string dirPath = "/usr/share/datasets/fashion-mnist/";
  struct stat info;
  if (::stat((dirPath + "t10k-images-idx3-ubyte.gz").c_str(), &info) != 0)
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  auto data = loadIdxDataset(dirPath + "t10k-images-idx3-ubyte.gz",
                             dirPath + "t10k-labels-idx1-ubyte.gz");
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->size(), 10000);
  EXPECT_EQ(data->numFeatures, 784);
  std::vector<int> perClass(10, 0);
  for (int32_t c : data->classes) {
    ASSERT_GE(c, 0);
    ASSERT_LT(c, 10);
    ++perClass[c];
  }
  for (int count : perClass)
    EXPECT_EQ(count, 1000); // the test split is balanced
}

} // namespace
