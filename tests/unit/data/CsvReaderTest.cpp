//===- tests/unit/data/CsvReaderTest.cpp - CSV tables, good and bad -------===//
#include "trainer/data/CsvReader.h"
#include "TestFiles.h"

#include <cmath>
#include <cstdio>

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}

struct CsvFixture : ::testing::Test {
  TempDir dir;
  std::string path = dir.file("data.csv");
  void write(const std::string &text) { writeFile(path, text); }
};

TEST_F(CsvFixture, ReadsFeaturesAndNamedLabelColumn) {
  // Random features, integer labels in the middle column.
  std::string text = "a,label,b\n";
  std::vector<float> a, b;
  std::vector<int32_t> labels;
  for (int r = 0; r < 6; ++r) {
    a.push_back(float(uniform01(5, 1, r) * 10 - 5));
    b.push_back(float(uniform01(5, 2, r) * 10 - 5));
    labels.push_back(int32_t(uniform01(5, 3, r) * 4));
    text += number(a[r]) + "," + std::to_string(labels[r]) + "," +
            number(b[r]) + "\n";
  }
  write(text);
  auto data = readCsv(path, {{"label"}});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->size(), 6);
  EXPECT_EQ(data->numFeatures, 2);
  ASSERT_EQ(data->labelKind, LabelKind::Class);
  for (int r = 0; r < 6; ++r) {
    EXPECT_EQ(data->features[2 * r], a[r]);
    EXPECT_EQ(data->features[2 * r + 1], b[r]);
    EXPECT_EQ(data->classes[r], labels[r]);
    EXPECT_EQ(data->sourceLines[r], r + 2);
  }
  // The same column by index, and the default (last column).
  auto byIndex = readCsv(path, {{"1"}});
  ASSERT_TRUE(byIndex) << byIndex.message();
  EXPECT_EQ(byIndex->classes, data->classes);
  auto last = readCsv(path);
  ASSERT_TRUE(last) << last.message();
  EXPECT_EQ(last->labelKind, LabelKind::Target);
  for (int r = 0; r < 6; ++r)
    EXPECT_EQ(last->targets[r], b[r]);
}

TEST_F(CsvFixture, QuotesSpacesCrlfAndBlankLines) {
  write("\"x 1\", \"y\"\r\n\r\n \"1.25\" , +2\r\n-3e-1,0\r\n\n");
  auto data = readCsv(path, {{"y"}});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->features, (std::vector<float>{1.25f, -0.3f}));
  EXPECT_EQ(data->classes, (std::vector<int32_t>{2, 0}));
  EXPECT_EQ(data->sourceLines, (std::vector<int64_t>{3, 4}));
}

TEST_F(CsvFixture, FractionalLabelsAreTargets) {
  write("x,y\n1,0.5\n2,1.5\n");
  auto data = readCsv(path);
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->labelKind, LabelKind::Target);
  EXPECT_EQ(data->targets, (std::vector<float>{0.5f, 1.5f}));
}

TEST_F(CsvFixture, WrongColumnCountNamesTheLine) {
  write("a,b,c\n1,2,3\n4,5\n");
  expectErrorMentions(errorOf(readCsv(path)),
                      {path + ":3:", "2 columns", "header has 3"});
}

TEST_F(CsvFixture, NonNumericCellNamesLineColumnAndName) {
  write("a,b,c\n1,2,3\n4,abc,6\n");
  expectErrorMentions(errorOf(readCsv(path)),
                      {path + ":3:3:", "'abc'", "column 'b'"});
}

TEST_F(CsvFixture, EmptyAndNonFiniteCells) {
  write("a,b\n1,\n");
  expectErrorMentions(errorOf(readCsv(path)), {path + ":2:", "empty cell"});
  write("a,b\nnan,1\n");
  expectErrorMentions(errorOf(readCsv(path)),
                      {path + ":2:1:", "not a finite number"});
  write("a,b\n\"1,2\n");
  expectErrorMentions(errorOf(readCsv(path)), {path + ":2:", "unterminated"});
}

TEST_F(CsvFixture, StructuralErrors) {
  expectErrorMentions(errorOf(readCsv(dir.file("missing.csv"))),
                      {dir.file("missing.csv"), "cannot open"});
  write("");
  expectErrorMentions(errorOf(readCsv(path)), {"no header"});
  write("a,b\n");
  expectErrorMentions(errorOf(readCsv(path)), {"no data rows"});
  write("a\n1\n");
  expectErrorMentions(errorOf(readCsv(path)), {"a feature and a label"});
  write("a,b\n1,2\n");
  expectErrorMentions(errorOf(readCsv(path, {{"zzz"}})),
                      {"no label column 'zzz'"});
  expectErrorMentions(errorOf(readCsv(path, {{"7"}})), {"no label column '7'"});
}

TEST_F(CsvFixture, SeveralLabelColumnsAreMultiHotTargetRows) {
  // Features a, b, c around three 0/1 label columns, which the options name
  // out of file order, by name and by index.
  std::string text = "a,t0,b,t1,c,t2\n";
  std::vector<float> features;
  std::vector<float> t0, t1, t2;
  for (int r = 0; r < 5; ++r) {
    float a = float(uniform01(9, 1, r) * 4 - 2);
    float b = float(uniform01(9, 2, r) * 4 - 2);
    float c = float(uniform01(9, 3, r) * 4 - 2);
    features.insert(features.end(), {a, b, c});
    t0.push_back(uniform01(9, 4, r) < 0.5);
    t1.push_back(uniform01(9, 5, r) < 0.5);
    t2.push_back(uniform01(9, 6, r) < 0.5);
    text += number(a) + "," + number(t0[r]) + "," + number(b) + "," +
            number(t1[r]) + "," + number(c) + "," + number(t2[r]) + "\n";
  }
  write(text);
  auto data = readCsv(path, {{"t2", "1", "t1"}});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->size(), 5);
  EXPECT_EQ(data->numFeatures, 3);
  EXPECT_EQ(data->features, features);
  ASSERT_EQ(data->labelKind, LabelKind::Target);
  ASSERT_EQ(data->targetWidth, 3);
  for (int r = 0; r < 5; ++r) {
    EXPECT_EQ(data->targets[3 * r], t2[r]);
    EXPECT_EQ(data->targets[3 * r + 1], t0[r]);
    EXPECT_EQ(data->targets[3 * r + 2], t1[r]);
  }
  // Integral labels in several columns stay target rows, not class indices.
  write("x,p,q\n1,0,1\n2,1,1\n");
  data = readCsv(path, {{"p", "q"}});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->labelKind, LabelKind::Target);
  EXPECT_EQ(data->targets, (std::vector<float>{0, 1, 1, 1}));
}

TEST_F(CsvFixture, BadLabelColumnChoices) {
  write("a,b,c\n1,0,1\n");
  expectErrorMentions(errorOf(readCsv(path, {{"b", "zzz"}})),
                      {path + ":1:", "no label column 'zzz'"});
  expectErrorMentions(
      errorOf(readCsv(path, {{"b", "1"}})),
      {path + ":1:", "label column '1' is column 1", "already a label"});
  expectErrorMentions(errorOf(readCsv(path, {{"a", "b", "c"}})),
                      {"every column is a label"});
  write("a,t,t\n1,0,1\n");
  expectErrorMentions(errorOf(readCsv(path, {{"a", "t"}})),
                      {"two columns are named 't'"});
  // A bad cell in a label column names its line, column and name.
  write("a,b,c\n1,0,1\n2,yes,0\n");
  expectErrorMentions(errorOf(readCsv(path, {{"b", "c"}})),
                      {path + ":3:3:", "'yes'", "column 'b'"});
}

TEST_F(CsvFixture, ConformingChecksMultiLabelTargets) {
  write("a,b,p,q\n1,2,0,1\n3,4,1,0\n5,6,1,2\n");
  auto data = readCsv(path, {{"p", "q"}});
  ASSERT_TRUE(data) << data.message();
  StepSignature sig;
  sig.featureCount = 2;
  sig.labelKind = LabelKind::Target;
  sig.labelWidth = 2;
  sig.multiLabel = true;
  Dataset copy = *data;
  expectErrorMentions(conformToSignature(copy, sig),
                      {path + ":4:", "target 2 of label 1", "outside [0, 1]"});
  // A regression model takes the same rows as they are.
  sig.multiLabel = false;
  copy = *data;
  EXPECT_TRUE(conformToSignature(copy, sig).isOk());
  // The wrong number of label columns, for multi-label and class models.
  sig.multiLabel = true;
  sig.labelWidth = 3;
  copy = *data;
  expectErrorMentions(conformToSignature(copy, sig),
                      {"2 target values per example", "expects 3"});
  sig.labelKind = LabelKind::Class;
  copy = *data;
  expectErrorMentions(conformToSignature(copy, sig),
                      {"2 label columns", "one class index"});
}

TEST_F(CsvFixture, ConformingChecksFeaturesAndClassRange) {
  write("a,b,y\n1,2,0\n3,4,2\n5,6,7\n");
  auto data = readCsv(path);
  ASSERT_TRUE(data) << data.message();
  StepSignature sig;
  sig.featureCount = 2;
  sig.labelKind = LabelKind::Class;
  sig.labelWidth = 3;
  Dataset copy = *data;
  expectErrorMentions(conformToSignature(copy, sig),
                      {path + ":4:", "label 7", "[0, 3)"});
  sig.labelWidth = 8;
  copy = *data;
  EXPECT_TRUE(conformToSignature(copy, sig).isOk());
  sig.featureCount = 3;
  copy = *data;
  expectErrorMentions(conformToSignature(copy, sig),
                      {"2 features", "%x expects 3"});
}

TEST_F(CsvFixture, ConformingConvertsLabelKinds) {
  write("a,y\n1,0.5\n");
  auto data = readCsv(path);
  ASSERT_TRUE(data) << data.message();
  StepSignature sig;
  sig.featureCount = 1;
  sig.labelKind = LabelKind::Class;
  sig.labelWidth = 3;
  Dataset copy = *data;
  expectErrorMentions(conformToSignature(copy, sig),
                      {path + ":2:", "not a class index"});
  write("a,y\n1,2\n");
  data = readCsv(path);
  ASSERT_TRUE(data) << data.message();
  sig.labelKind = LabelKind::Target;
  sig.labelWidth = 1;
  ASSERT_TRUE(conformToSignature(*data, sig).isOk());
  EXPECT_EQ(data->labelKind, LabelKind::Target);
  EXPECT_EQ(data->targets, (std::vector<float>{2.f}));
}

} // namespace
