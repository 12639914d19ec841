//===- tests/unit/data/TextReaderTest.cpp - text:FILE character data ------===//
#include "trainer/data/TextReader.h"
#include "TestFiles.h"
#include "trainer/data/DataLoader.h"
#include "trainer/data/DataSpec.h"

#include <sys/stat.h>
#include <unistd.h>

using namespace voskhod;
using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

using Ids = std::vector<float>;
using Classes = std::vector<int32_t>;

/// "abracadabra!" has the vocabulary "!abcdr": '!' = 0, 'a' = 1, 'b' = 2,
/// 'c' = 3, 'd' = 4, 'r' = 5, so its ids are 1 2 5 1 3 1 4 1 2 5 1 0.
const char *const kAbracadabra = "abracadabra!";

struct TextFixture : ::testing::Test {
  TempDir dir;
  std::string write(const std::string &text,
                    const std::string &name = "t.txt") {
    writeFile(dir.file(name), text);
    return dir.file(name);
  }
  Expected<DataSplits> load(const std::string &spec) {
    auto parsed = parseDataSpec(spec);
    if (!parsed)
      return parsed.status();
    return loadData(*parsed);
  }
};

TEST_F(TextFixture, IdsAreRanksOfTheSortedBytes) {
  std::string path = write(kAbracadabra);
  auto data = loadTextDataset(path, {3, 0});
  ASSERT_TRUE(data) << data.message();
  const Dataset &train = data->train;
  EXPECT_FALSE(data->test);
  EXPECT_EQ(train.vocabulary,
            (std::vector<uint8_t>{'!', 'a', 'b', 'c', 'd', 'r'}));
  EXPECT_EQ(train.featureKind, FeatureKind::Token);
  EXPECT_EQ(train.numFeatures, 3);
  EXPECT_EQ(train.exampleShape, (std::vector<int64_t>{3}));
  EXPECT_EQ(train.classesPerExample, 3);
  // (12 - 1) / 3 = 3 windows at 0, 3 and 6; the last byte is a target only.
  ASSERT_EQ(train.size(), 3);
  EXPECT_EQ(train.features, (Ids{1, 2, 5, 1, 3, 1, 4, 1, 2}));
  EXPECT_EQ(train.classes, (Classes{2, 5, 1, 3, 1, 4, 1, 2, 5}));
}

TEST_F(TextFixture, EveryByteValueIsAToken) {
  std::string text;
  for (int b : {255, 0, 10, 200, 0, 255, 10, 65, 200})
    text += char(b);
  auto data = loadTextDataset(write(text), {2, 0});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->train.vocabulary,
            (std::vector<uint8_t>{0, 10, 65, 200, 255}));
  EXPECT_EQ(data->train.features, (Ids{4, 0, 1, 3, 0, 4, 1, 2}));
  EXPECT_EQ(data->train.classes, (Classes{0, 1, 3, 0, 4, 1, 2, 3}));
}

TEST_F(TextFixture, SplitsAtTheLastFractionWithoutCrossing) {
  // 12 * 0.25 = 3 bytes held out: training ids 1 2 5 1 3 1 4 1 2,
  // validation ids 5 1 0.
  auto data = loadTextDataset(write(kAbracadabra), {2, 0.25});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->train.features, (Ids{1, 2, 5, 1, 3, 1, 4, 1}));
  // The last target is the last training byte, not the first held-out one.
  EXPECT_EQ(data->train.classes, (Classes{2, 5, 1, 3, 1, 4, 1, 2}));
  ASSERT_TRUE(data->test);
  EXPECT_EQ(data->test->features, (Ids{5, 1}));
  EXPECT_EQ(data->test->classes, (Classes{1, 0}));
  // Both splits share the vocabulary of the whole file.
  EXPECT_EQ(data->test->vocabulary, data->train.vocabulary);
}

TEST_F(TextFixture, HeldOutBytesRoundDown) {
  // 12 * 0.3 = 3.6: 3 bytes, as with 0.25.
  auto data = loadTextDataset(write(kAbracadabra), {2, 0.3});
  ASSERT_TRUE(data) << data.message();
  ASSERT_TRUE(data->test);
  EXPECT_EQ(data->test->features, (Ids{5, 1}));
}

TEST_F(TextFixture, DefaultsAreContext128AndATenthHeldOut) {
  std::vector<uint8_t> bytes = randomBytes(3000, 5, 26);
  std::string text;
  for (uint8_t b : bytes)
    text += char('a' + b);
  auto data = load("text:" + write(text));
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->train.numFeatures, 128);
  // 2700 training bytes: (2700 - 1) / 128 = 21 windows; 300 held out: 2.
  EXPECT_EQ(data->train.size(), 21);
  ASSERT_TRUE(data->test);
  EXPECT_EQ(data->test->size(), 2);
  // The first validation window starts at byte 2700.
  const std::vector<uint8_t> &vocab = data->test->vocabulary;
  for (int64_t i = 0; i < 128; ++i)
    ASSERT_EQ(vocab[size_t(data->test->features[i])], uint8_t(text[2700 + i]))
        << i;
  EXPECT_EQ(vocab[size_t(data->test->classes[127])], uint8_t(text[2828]));
}

TEST_F(TextFixture, ParsesOptions) {
  auto spec = parseDataSpec("text:a.txt,context=64,valid=0.2,limit=5");
  ASSERT_TRUE(spec) << spec.message();
  EXPECT_EQ(spec->format, DataSpec::Format::Text);
  EXPECT_EQ(spec->trainFeatures, "a.txt");
  EXPECT_EQ(spec->text.context, 64);
  EXPECT_DOUBLE_EQ(spec->text.valid, 0.2);
  EXPECT_EQ(spec->limit, 5);
  auto plain = parseDataSpec("text:a.txt");
  ASSERT_TRUE(plain) << plain.message();
  EXPECT_EQ(plain->text.context, kDefaultTextContext);
  EXPECT_EQ(kDefaultTextContext, 128);
  EXPECT_DOUBLE_EQ(plain->text.valid, 0.1);
  auto none = parseDataSpec("text:a.txt,valid=0");
  ASSERT_TRUE(none) << none.message();
  EXPECT_EQ(none->text.valid, 0.0);
}

TEST_F(TextFixture, RejectsBadOptions) {
  struct Case {
    const char *spec, *why;
  };
  for (Case c : {Case{"text:", "empty path"},
                 {"text:a,b", "expected text:FILE"},
                 {"text:a,context=0", "context must be a positive integer"},
                 {"text:a,context=abc", "context must be a positive integer"},
                 {"text:a,context=-3", "context must be a positive integer"},
                 {"text:a,context=", "context must be a positive integer"},
                 {"text:a,valid=1.5", "valid must be a fraction in [0, 1)"},
                 {"text:a,valid=1", "valid must be a fraction in [0, 1)"},
                 {"text:a,valid=-0.1", "valid must be a fraction in [0, 1)"},
                 {"text:a,valid=x", "valid must be a fraction in [0, 1)"},
                 {"text:a,valid=nan", "valid must be a fraction in [0, 1)"},
                 {"text:a,label=3", "unknown option 'label'"},
                 {"text:a,stride=3", "unknown option 'stride'"},
                 {"csv:a,context=3", "unknown option 'context'"}}) {
    auto spec = parseDataSpec(c.spec);
    expectErrorMentions(errorOf(spec), {"invalid data spec", c.spec, c.why});
  }
}

TEST_F(TextFixture, LimitKeepsTheFirstWindowsOfEachSplit) {
  std::string text(400, 'x');
  for (size_t i = 0; i < text.size(); ++i)
    text[i] = char('a' + i % 7);
  auto all = load("text:" + write(text) + ",context=10,valid=0.5");
  auto some = load("text:" + write(text) + ",context=10,valid=0.5,limit=3");
  ASSERT_TRUE(all) << all.message();
  ASSERT_TRUE(some) << some.message();
  EXPECT_EQ(all->train.size(), 19);
  EXPECT_EQ(all->test->size(), 19);
  EXPECT_EQ(some->train.size(), 3);
  EXPECT_EQ(some->test->size(), 3);
  EXPECT_EQ(some->train.classes.size(), size_t(30));
  EXPECT_TRUE(std::equal(some->test->features.begin(),
                         some->test->features.end(),
                         all->test->features.begin()));
}

TEST_F(TextFixture, ReadsGzip) {
  writeGzip(dir.file("t.txt.gz"), kAbracadabra);
  auto data = loadTextDataset(dir.file("t.txt.gz"), {3, 0});
  ASSERT_TRUE(data) << data.message();
  EXPECT_EQ(data->train.features, (Ids{1, 2, 5, 1, 3, 1, 4, 1, 2}));
}

TEST_F(TextFixture, EmptyFileNamesIt) {
  std::string path = write("");
  expectErrorMentions(errorOf(load("text:" + path)), {path, "is empty"});
}

TEST_F(TextFixture, ShortSplitsNameTheSplit) {
  std::string path = write(kAbracadabra);
  // Context 20 needs 21 bytes of training text.
  expectErrorMentions(
      errorOf(loadTextDataset(path, {20, 0})),
      {path, "training split holds 12 characters", "context + 1 = 21"});
  // 12 * 0.1 = 1 byte held out, fewer than 3 + 1.
  expectErrorMentions(
      errorOf(loadTextDataset(path, {3, 0.1})),
      {path, "validation split holds 1 characters", "context + 1 = 4"});
  // 12 * 0.05 rounds down to no byte at all.
  expectErrorMentions(errorOf(loadTextDataset(path, {3, 0.05})),
                      {path, "validation split holds 0 characters"});
}

TEST_F(TextFixture, MissingFileAndDirectoryAreNamed) {
  expectErrorMentions(errorOf(load("text:" + dir.file("nope.txt"))),
                      {dir.file("nope.txt"), "cannot open"});
  expectErrorMentions(errorOf(load("text:" + dir.path())),
                      {dir.path(), "it is a directory"});
}

TEST_F(TextFixture, UnreadableFileIsNamed) {
  std::string path = write(kAbracadabra);
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  if (::access(path.c_str(), R_OK) == 0)
    GTEST_SKIP() << "running as a user who reads every file";
  expectErrorMentions(errorOf(load("text:" + path)), {path, "cannot open"});
}

TEST_F(TextFixture, BatchesCarryEveryPositionsTarget) {
  auto data = loadTextDataset(write(kAbracadabra), {3, 0});
  ASSERT_TRUE(data) << data.message();
  DataLoader loader(data->train, {2, 0, false, PartialBatch::Pad});
  Batch batch;
  loader.fill(0, 1, batch);
  EXPECT_EQ(batch.valid, 1);
  EXPECT_EQ(batch.features, (Ids{4, 1, 2, 0, 0, 0}));
  EXPECT_EQ(batch.classes, (Classes{1, 2, 5, 0, 0, 0}));
}

/// A next-character model of context `context` over `classes` classes:
/// token input i32[4, context], labels i32[4, context].
StepSignature textModel(int64_t context, int64_t classes) {
  StepSignature sig;
  sig.batchSize = 4;
  sig.featureCount = context;
  sig.exampleShape = {context};
  sig.tokenFeatures = true;
  sig.labelKind = LabelKind::Class;
  sig.labelWidth = classes;
  sig.labelsPerExample = context;
  sig.outputWidth = context * classes;
  return sig;
}

TEST_F(TextFixture, FitsAModelOfItsContext) {
  auto data = loadTextDataset(write(kAbracadabra), {3, 0});
  ASSERT_TRUE(data) << data.message();
  Status s = conformToSignature(data->train, textModel(3, 6));
  EXPECT_TRUE(s) << s.message();
  // Token ids stay ids: nothing converts them to targets.
  EXPECT_EQ(data->train.labelKind, LabelKind::Class);
  EXPECT_EQ(data->train.classes.size(), size_t(9));
}

TEST_F(TextFixture, AnotherContextIsAnError) {
  std::string path = write(kAbracadabra);
  auto data = loadTextDataset(path, {3, 0});
  ASSERT_TRUE(data) << data.message();
  expectErrorMentions(conformToSignature(data->train, textModel(2, 6)),
                      {path, "windows of 3 tokens (context=3)",
                       "the model's input %x [4, 2] takes 2 per example"});
}

TEST_F(TextFixture, TheOutputMustCoverTheVocabulary) {
  std::string path = write(kAbracadabra);
  auto data = loadTextDataset(path, {3, 0});
  ASSERT_TRUE(data) << data.message();
  expectErrorMentions(conformToSignature(data->train, textModel(3, 5)),
                      {path, "vocabulary of 6 tokens", "only 5 classes"});
}

TEST_F(TextFixture, TokensNeedAnIntegerInputAndLabelsPerPosition) {
  std::string path = write(kAbracadabra);
  auto data = loadTextDataset(path, {3, 0});
  ASSERT_TRUE(data) << data.message();
  StepSignature floats = textModel(3, 6);
  floats.tokenFeatures = false;
  expectErrorMentions(conformToSignature(data->train, floats),
                      {path, "holds token ids", "i32 input"});
  StepSignature oneLabel = textModel(3, 6);
  oneLabel.labelsPerExample = 1;
  expectErrorMentions(conformToSignature(data->train, oneLabel),
                      {path, "3 class labels per example", "%y takes 1"});
  // Real-valued features do not feed a token input.
  Dataset pixels;
  pixels.source = "pixels.idx";
  pixels.numFeatures = 3;
  pixels.features = {0.5f, 1.f, 2.f};
  pixels.classes = {0, 1, 2};
  pixels.classesPerExample = 3;
  expectErrorMentions(conformToSignature(pixels, textModel(3, 6)),
                      {"pixels.idx", "real-valued features", "token ids"});
}

} // namespace
