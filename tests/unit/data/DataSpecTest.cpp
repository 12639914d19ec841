//===- tests/unit/data/DataSpecTest.cpp - the --data argument -------------===//
#include "trainer/data/DataSpec.h"
#include "TestFiles.h"

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

TEST(DataSpec, ParsesEveryForm) {
  auto fm = parseDataSpec("fashion-mnist");
  ASSERT_TRUE(fm) << fm.message();
  EXPECT_NE(fm->trainFeatures.find(kFashionMnistDir), std::string::npos);
  EXPECT_NE(fm->testLabels.find("t10k-labels-idx1-ubyte"), std::string::npos);

  auto limited = parseDataSpec("fashion-mnist,limit=100");
  ASSERT_TRUE(limited) << limited.message();
  EXPECT_EQ(limited->limit, 100);
  EXPECT_EQ(limited->trainFeatures, fm->trainFeatures);

  auto idx = parseDataSpec("idx:a,b,c,d,limit=10");
  ASSERT_TRUE(idx) << idx.message();
  EXPECT_EQ(idx->trainFeatures, "a");
  EXPECT_EQ(idx->testLabels, "d");
  EXPECT_EQ(idx->limit, 10);

  auto csv = parseDataSpec("csv:train.csv,label=price,test=test.csv");
  ASSERT_TRUE(csv) << csv.message();
  EXPECT_EQ(csv->format, DataSpec::Format::Csv);
  EXPECT_EQ(csv->csv.labelColumns, (std::vector<std::string>{"price"}));
  EXPECT_EQ(csv->testFeatures, "test.csv");

  auto multi = parseDataSpec("csv:train.csv,label=t0,label=3,label=t2");
  ASSERT_TRUE(multi) << multi.message();
  EXPECT_EQ(multi->csv.labelColumns,
            (std::vector<std::string>{"t0", "3", "t2"}));
}

TEST(DataSpec, RejectsMalformedSpecs) {
  for (const char *bad :
       {"", "parquet:x", "idx:a", "idx:a,b,c", "csv:", "csv:a,b",
        "csv:a,label=", "idx:a,b,label=3", "csv:a,limit=0", "csv:a,limit=x",
        "mnist", "idx:a,,b"}) {
    auto spec = parseDataSpec(bad);
    EXPECT_FALSE(spec) << bad;
    if (!spec) {
      EXPECT_NE(spec.message().find("invalid data spec"), std::string::npos);
    }
  }
}

TEST(DataSpec, LoadsIdxFolderAndCsvWithTestSplit) {
  TempDir dir;
  writeGzip(dir.file("train-images-idx3-ubyte.gz"),
            idxBytes({6, 2, 2}, randomBytes(24, 1)));
  writeGzip(dir.file("train-labels-idx1-ubyte.gz"),
            idxBytes({6}, randomBytes(6, 2, 10)));
  writeFile(dir.file("t10k-images-idx3-ubyte"),
            idxBytes({3, 2, 2}, randomBytes(12, 3)));
  writeFile(dir.file("t10k-labels-idx1-ubyte"),
            idxBytes({3}, randomBytes(3, 4, 10)));
  auto spec = parseDataSpec("mnist:" + dir.path() + ",limit=4");
  ASSERT_TRUE(spec) << spec.message();
  auto splits = loadData(*spec);
  ASSERT_TRUE(splits) << splits.message();
  EXPECT_EQ(splits->train.size(), 4);
  ASSERT_TRUE(splits->test.has_value());
  EXPECT_EQ(splits->test->size(), 3);

  writeFile(dir.file("train.csv"), "a,b,y\n1,2,0\n3,4,1\n");
  writeFile(dir.file("test.csv"), "a,y\n1,0\n");
  spec = parseDataSpec("csv:" + dir.file("train.csv") +
                       ",test=" + dir.file("test.csv"));
  ASSERT_TRUE(spec) << spec.message();
  expectErrorMentions(errorOf(loadData(*spec)),
                      {dir.file("test.csv"), "1 features", "has 2"});
}

TEST(DataSpec, MissingFilesAreNamed) {
  TempDir dir;
  auto spec = parseDataSpec("mnist:" + dir.path());
  ASSERT_TRUE(spec) << spec.message();
  expectErrorMentions(errorOf(loadData(*spec)),
                      {dir.path() + "/train-images-idx3-ubyte"});
}

} // namespace
