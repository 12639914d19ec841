//===- compiler/text/Parser.cpp - the `.vg` text format -------------------===//
///
/// A recursive-descent parser over Lexer tokens. A statement ends at the end
/// of its line, except after a comma or inside brackets, so a missing operand
/// never swallows the next statement. Every op node is built through
/// ir::buildBroadcasting and every leaf through the matching build* call, so
/// type rules, attribute checks and broadcasting live in the builder alone;
/// the parser only reports the builder's message at the op keyword.
///
/// Node order within a statement: nested expressions left to right as they
/// are read, then the constants for number literals (their dtype depends on
/// all operands), then the broadcasts and the op itself.
///
/// Error recovery: after an error the rest of the statement is skipped up to
/// the next line start, and the value it defined is poisoned: later uses of a
/// poisoned value fail quietly instead of repeating the error. Parsing stops
/// after DiagnosticEngine::kErrorLimit errors. Nesting depth, tensor rank,
/// list lengths, number lengths and constant sizes are capped so that no input
/// recurses deeply, allocates without bound or takes superlinear time.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Parser.h"

#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"
#include "compiler/text/Lexer.h"
#include "support/InternalCheck.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace voskhod::ir {
namespace {

constexpr int kMaxNesting = 200;
constexpr size_t kMaxListLength = 64; // dimensions, perm/axes/shape entries
constexpr size_t kMaxNumberLength = 400;
constexpr int64_t kMaxConstElements = int64_t(1) << 24;

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

/// One operand as written: a value, or a number literal whose constant is
/// made once every operand is known (its dtype depends on the others).
struct Operand {
  Node *node = nullptr;
  double literal = 0;
  SourceLoc loc;
};

/// A name in scope: its node, or null when its definition failed.
struct Binding {
  Node *node = nullptr;
  SourceLoc loc;
};

class Parser {
public:
  Parser(std::string_view text, std::string_view file, DiagnosticEngine &diags)
      : lexer_(text), file_(file), diags_(diags),
        errorsAtStart_(diags.errorCount()) {}

  std::unique_ptr<Graph> run();
  /// A whole input that is one schedule (a trainer flag's text).
  std::optional<LrSchedule> runSchedule();

private:
  // Tokens and diagnostics.
  void consume() { tok_ = lexer_.next(); }
  SourceLoc loc(const Token &t) const { return {file_, t.line, t.col}; }
  void error(const Token &t, std::string message) {
    diags_.error(loc(t), std::move(message));
  }
  /// Reports "expected WHAT, found ..." at the current token (or the lexer's
  /// own complaint when the token is malformed). Always returns false.
  bool expected(std::string_view what) {
    if (tok_.is(TokenKind::Error))
      error(tok_, tok_.problem);
    else
      error(tok_,
            "expected " + std::string(what) + ", found " + describeToken(tok_));
    return false;
  }
  bool expect(TokenKind kind, std::string_view what) {
    if (!tok_.is(kind))
      return expected(what);
    consume();
    return true;
  }
  size_t errors() const { return diags_.errorCount() - errorsAtStart_; }
  void recover(const Token &statementStart);
  bool endStatement();

  // Statements.
  bool parseStatement();
  bool parseDefinition();
  bool parseMinimize();
  /// `{name = value, ...}` after `using OPT`: a setting, an alias of one,
  /// or a pair (`betas = [0.9, 0.999]`), each stored under its setting's
  /// name.
  bool parseOptimizerSettings(OptimizerKind optimizer, Attrs &out);
  /// `clip_grad_norm {max_norm = X, norm_type = 2}` or
  /// `clip_grad_value {clip_value = X}` after the settings.
  bool parseGradClip(GradClip &clip);
  /// `NAME {setting = value, ...} (schedule, ...)` after `schedule`; the
  /// braces are optional, the parentheses `sequential`'s alone. Checked
  /// (checkLrSchedule) as each schedule ends, so errors point at it.
  bool parseLrSchedule(LrSchedule &out, int depth);
  bool parseUpdate();
  bool parseReturn();
  bool lookupValue(const Token &name, Node *&out);

  // Values.
  Node *parseLeaf(OpKind op, const Token &opTok, const std::string &name);
  Node *parseApplication(OpKind op, const Token &opTok, const std::string &name,
                         int depth);
  bool parseOperand(Operand &out, int depth);
  std::optional<TensorType> parseType();
  std::optional<InitSpec> parseInit();
  bool parseConstValues(std::vector<double> &values);

  // Literals.
  bool parseAttrDict(Attrs &out,
                     const std::function<bool(const Token &)> &knownName);
  bool parseAttrValue(AttrValue &out);
  bool parseSignedNumber(double &out, std::string_view what);
  bool parseSignedInt(int64_t &out, std::string_view what);
  bool parseIntList(std::vector<int64_t> &out, std::string_view what);
  /// `t` is the digits; `sign` the '-' before them or `t` itself, where a
  /// range error is reported.
  bool toDouble(const Token &t, const Token &sign, bool negative, double &out);
  bool toInt(const Token &t, const Token &sign, bool negative, int64_t &out);

  Lexer lexer_;
  Token tok_;
  std::string_view file_;
  DiagnosticEngine &diags_;
  size_t errorsAtStart_;
  std::unique_ptr<Graph> graph_;
  std::map<std::string, Binding, std::less<>> values_;
  std::set<const Node *> updated_; // update targets so far
  bool sawReturn_ = false;
};

std::unique_ptr<Graph> Parser::run() {
  consume();
  if (tok_.is(TokenKind::Eof)) {
    error(tok_, "empty input: expected 'graph @name { ... }'");
    return nullptr;
  }
  if (!tok_.isWord("graph")) {
    expected("'graph'");
    return nullptr;
  }
  consume();
  if (!tok_.is(TokenKind::GraphName)) {
    expected("a graph name like '@model'");
    return nullptr;
  }
  graph_ = std::make_unique<Graph>(std::string(tok_.text.substr(1)));
  consume();
  if (!expect(TokenKind::LBrace, "'{' to open the graph"))
    return nullptr;

  std::optional<Token> close;
  while (errors() < DiagnosticEngine::kErrorLimit) {
    if (tok_.is(TokenKind::RBrace)) {
      close = tok_;
      consume();
      break;
    }
    if (tok_.is(TokenKind::Eof)) {
      error(tok_, "expected '}' to close graph @" + graph_->name());
      break;
    }
    Token start = tok_;
    if (!parseStatement())
      recover(start);
  }
  if (close) {
    if (!tok_.is(TokenKind::Eof))
      expected("end of input after the graph (one graph per file)");
    if (!sawReturn_)
      error(*close, "graph @" + graph_->name() + " has no 'return'");
  }
  if (errors() > 0)
    return nullptr;
  if (!verify(*graph_, diags_))
    return nullptr;
  return std::move(graph_);
}

/// Skips to the first token that starts a later line (a '}' closing the graph
/// normally sits on a line of its own).
void Parser::recover(const Token &statementStart) {
  while (!tok_.is(TokenKind::Eof) &&
         !(tok_.startsLine && tok_.offset != statementStart.offset))
    consume();
}

bool Parser::endStatement() {
  if (tok_.startsLine || tok_.is(TokenKind::Eof) || tok_.is(TokenKind::RBrace))
    return true;
  return expected("end of line after the statement");
}

bool Parser::parseStatement() {
  if (tok_.is(TokenKind::ValueName))
    return parseDefinition();
  if (tok_.isWord("return"))
    return parseReturn();
  if (tok_.isWord("minimize"))
    return parseMinimize();
  if (tok_.isWord("update"))
    return parseUpdate();
  return expected(
      "a statement ('%name = ...', 'minimize', 'update' or 'return')");
}

bool Parser::lookupValue(const Token &name, Node *&out) {
  auto it = values_.find(name.text.substr(1));
  if (it == values_.end()) {
    error(name, "use of undefined value " + describeToken(name));
    return false;
  }
  out = it->second.node;
  return out != nullptr; // a poisoned value was reported where it failed
}

bool Parser::parseDefinition() {
  Token nameTok = tok_;
  std::string name(nameTok.text.substr(1));
  consume();
  if (auto it = values_.find(name); it != values_.end()) {
    error(nameTok, "redefinition of " + describeToken(nameTok));
    diags_.note(it->second.loc, "previous definition is here");
    return false;
  }
  Node *node = nullptr;
  if (expect(TokenKind::Equal, "'=' after " + describeToken(nameTok))) {
    if (!tok_.is(TokenKind::Identifier) || tok_.startsLine) {
      expected("an op name");
    } else if (auto op = lookupOp(tok_.text); !op) {
      error(tok_, "unknown op " + describeToken(tok_));
    } else {
      Token opTok = tok_;
      consume();
      node = hasTrait(*op, OpTrait::Leaf)
                 ? parseLeaf(*op, opTok, name)
                 : parseApplication(*op, opTok, name, 0);
      if (node && !endStatement())
        node = nullptr;
    }
  }
  values_[name] = Binding{node, loc(nameTok)};
  return node != nullptr;
}

Node *Parser::parseLeaf(OpKind op, const Token &opTok,
                        const std::string &name) {
  std::optional<TensorType> type = parseType();
  if (!type)
    return nullptr;
  SourceLoc at = loc(opTok);
  std::optional<Expected<Node *>> built;
  if (op == OpKind::Input) {
    built = buildInput(*graph_, *type, at, name);
  } else if (op == OpKind::Const) {
    std::vector<double> values;
    if (!parseConstValues(values))
      return nullptr;
    auto count = checkedElementCount(type->shape);
    if (count && *count > kMaxConstElements) {
      error(opTok, "constant " + type->str() + " is too large (" +
                       std::to_string(*count) + " elements; at most " +
                       std::to_string(kMaxConstElements) + ")");
      return nullptr;
    }
    built = buildConst(*graph_, *type, std::move(values), at, name);
  } else {
    VOSKHOD_CHECK(hasTrait(op, OpTrait::Stateful))
        << "a leaf is an input, a const, or stateful (param, state)";
    InitSpec init;
    if (tok_.isWord("init") && !tok_.startsLine) {
      consume();
      if (!expect(TokenKind::Equal, "'=' after 'init'"))
        return nullptr;
      std::optional<InitSpec> parsed = parseInit();
      if (!parsed)
        return nullptr;
      init = *parsed;
    }
    built = op == OpKind::Param ? buildParam(*graph_, *type, init, at, name)
                                : buildState(*graph_, *type, init, at, name);
  }
  if (!*built) {
    error(opTok, built->message());
    return nullptr;
  }
  return **built;
}

std::optional<TensorType> Parser::parseType() {
  if (!tok_.is(TokenKind::Identifier)) {
    expected("a type like 'f32[2, 3]'");
    return std::nullopt;
  }
  std::optional<DType> dtype = parseDType(tok_.text);
  if (!dtype) {
    error(tok_, "unknown dtype " + describeToken(tok_));
    return std::nullopt;
  }
  consume();
  if (!expect(TokenKind::LBracket, "'[' and the shape after the dtype"))
    return std::nullopt;
  Shape shape;
  if (!parseIntList(shape, "a dimension"))
    return std::nullopt;
  return TensorType{*dtype, std::move(shape)};
}

/// The entries and closing ']' of an integer list whose '[' was consumed.
bool Parser::parseIntList(std::vector<int64_t> &out, std::string_view what) {
  if (!tok_.is(TokenKind::RBracket)) {
    for (;;) {
      Token first = tok_;
      int64_t v;
      if (!parseSignedInt(v, what))
        return false;
      if (out.size() == kMaxListLength) {
        error(first, "list has more than " + std::to_string(kMaxListLength) +
                         " entries");
        return false;
      }
      out.push_back(v);
      if (!tok_.is(TokenKind::Comma))
        break;
      consume();
    }
  }
  return expect(TokenKind::RBracket, "',' or ']'");
}

std::optional<InitSpec> Parser::parseInit() {
  if (!tok_.is(TokenKind::Identifier)) {
    expected("an initialiser like 'he_normal' or 'normal(0, 0.1)'");
    return std::nullopt;
  }
  Token nameTok = tok_;
  std::optional<InitKind> kind = lookupInitKind(tok_.text);
  if (!kind) {
    error(tok_, "unknown initialiser " + describeToken(tok_));
    return std::nullopt;
  }
  consume();
  double args[2] = {0, 0};
  size_t count = 0;
  if (tok_.is(TokenKind::LParen)) {
    consume();
    if (!tok_.is(TokenKind::RParen)) {
      for (;;) {
        double v;
        if (!parseSignedNumber(v, "an initialiser argument"))
          return std::nullopt;
        if (count < 2)
          args[count] = v;
        ++count;
        if (!tok_.is(TokenKind::Comma))
          break;
        consume();
      }
    }
    if (!expect(TokenKind::RParen, "',' or ')'"))
      return std::nullopt;
  }
  size_t want = size_t(initKindArgs(*kind));
  if (count != want) {
    error(nameTok, "initialiser " + describeToken(nameTok) + " takes " +
                       std::to_string(want) + " argument" +
                       (want == 1 ? "" : "s") + ", got " +
                       std::to_string(count));
    return std::nullopt;
  }
  return InitSpec{*kind, args[0], args[1]};
}

bool Parser::parseConstValues(std::vector<double> &values) {
  if (!expect(TokenKind::LBracket, "'[' and the constant's values"))
    return false;
  if (!tok_.is(TokenKind::RBracket)) {
    for (;;) {
      double v;
      if (!parseSignedNumber(v, "a number"))
        return false;
      values.push_back(v);
      if (!tok_.is(TokenKind::Comma))
        break;
      consume();
    }
  }
  return expect(TokenKind::RBracket, "',' or ']'");
}

Node *Parser::parseApplication(OpKind op, const Token &opTok,
                               const std::string &name, int depth) {
  const OpInfo &info = opInfo(op);
  bool nested = depth > 0;
  // Outside parentheses the operands start on the op's own line, so an op
  // written without operands does not take the next statement as one.
  bool hasOperands =
      nested ? !tok_.is(TokenKind::RParen) && !tok_.is(TokenKind::LBrace) &&
                   !tok_.is(TokenKind::Colon)
             : !tok_.startsLine && !tok_.is(TokenKind::Eof) &&
                   !tok_.is(TokenKind::RBrace) && !tok_.is(TokenKind::LBrace) &&
                   !tok_.is(TokenKind::Colon);
  std::vector<Operand> operands;
  if (hasOperands) {
    for (;;) {
      Operand o;
      if (!parseOperand(o, depth))
        return nullptr;
      operands.push_back(o);
      if (!tok_.is(TokenKind::Comma))
        break;
      consume();
    }
  }

  Attrs attrs;
  if (tok_.is(TokenKind::LBrace)) {
    consume();
    auto known = [&](const Token &attr) {
      if (findAttrSpec(op, attr.text))
        return true;
      error(attr, "unknown attribute " + describeToken(attr) + " for " +
                      quoted(info.name));
      return false;
    };
    if (!parseAttrDict(attrs, known))
      return nullptr;
  }

  std::optional<TensorType> declared;
  Token colon = tok_;
  if (tok_.is(TokenKind::Colon)) {
    consume();
    declared = parseType();
    if (!declared)
      return nullptr;
  }

  if (!ir::acceptsOperandCount(info, operands.size())) {
    error(opTok, ir::operandCountMismatch(info, operands.size()));
    return nullptr;
  }

  // A literal takes the dtype of the first operand that is a value; in a
  // select the condition is i1 and a branch follows the other branch.
  auto literalDType = [&](size_t i) {
    if (op == OpKind::Select) {
      if (i == 0)
        return DType::I1;
      const Operand &other = operands[i == 1 ? 2 : 1];
      return other.node ? other.node->dtype() : DType::F32;
    }
    for (const Operand &o : operands)
      if (o.node)
        return o.node->dtype();
    return DType::F32;
  };
  std::vector<Node *> values(operands.size());
  for (size_t i = 0; i < operands.size(); ++i) {
    if (operands[i].node) {
      values[i] = operands[i].node;
      continue;
    }
    Expected<Node *> c = buildConst(*graph_, TensorType{literalDType(i), {}},
                                    {operands[i].literal}, operands[i].loc);
    if (!c) {
      diags_.error(operands[i].loc, c.message());
      return nullptr;
    }
    values[i] = *c;
  }

  Expected<Node *> node = buildBroadcasting(*graph_, op, std::move(values),
                                            std::move(attrs), loc(opTok), name);
  if (!node) {
    error(opTok, node.message());
    return nullptr;
  }
  if (declared && *declared != (*node)->type()) {
    error(colon, "declared type " + declared->str() +
                     " does not match the inferred type " +
                     (*node)->type().str());
    return nullptr;
  }
  return *node;
}

bool Parser::parseOperand(Operand &out, int depth) {
  if (tok_.is(TokenKind::ValueName)) {
    if (!lookupValue(tok_, out.node))
      return false;
    consume();
    return true;
  }
  if (!tok_.is(TokenKind::LParen)) {
    out.loc = loc(tok_);
    return parseSignedNumber(out.literal,
                             "an operand (%name, a number or '(op ...)')");
  }
  Token open = tok_;
  if (depth + 1 > kMaxNesting) {
    error(open, "expressions nest more than " + std::to_string(kMaxNesting) +
                    " levels deep");
    return false;
  }
  consume();
  if (!tok_.is(TokenKind::Identifier))
    return expected("an op name after '('");
  Token opTok = tok_;
  std::optional<OpKind> op = lookupOp(tok_.text);
  if (!op) {
    error(tok_, "unknown op " + describeToken(tok_));
    return false;
  }
  if (hasTrait(*op, OpTrait::Leaf)) {
    error(tok_, describeToken(tok_) +
                    " declares a named value and cannot appear in an "
                    "expression");
    return false;
  }
  consume();
  out.node = parseApplication(*op, opTok, "", depth + 1);
  if (!out.node)
    return false;
  if (!tok_.is(TokenKind::RParen)) {
    expected("')'");
    diags_.note(loc(open), "to match this '('");
    return false;
  }
  consume();
  return true;
}

bool Parser::parseMinimize() {
  Token keyword = tok_;
  consume();
  if (!tok_.is(TokenKind::ValueName) || tok_.startsLine)
    return expected("the value to minimize, like '%loss'");
  Token lossTok = tok_;
  Node *loss;
  if (!lookupValue(lossTok, loss))
    return false;
  consume();
  if (!tok_.isWord("using"))
    return expected("'using' and an optimizer after the minimized value");
  consume();
  if (!tok_.is(TokenKind::Identifier))
    return expected("an optimizer name like 'sgd' or 'adam'");
  std::optional<OptimizerKind> optimizer = lookupOptimizer(tok_.text);
  if (!optimizer) {
    error(tok_, "unknown optimizer " + describeToken(tok_));
    return false;
  }
  consume();
  Attrs settings;
  if (tok_.is(TokenKind::LBrace)) {
    consume();
    if (!parseOptimizerSettings(*optimizer, settings))
      return false;
  }
  // Clauses after the settings, in any order, each at most once.
  std::optional<GradClip> clip;
  std::optional<LrSchedule> schedule;
  Token clipTok = tok_;
  std::optional<int64_t> accumulate;
  Token accumulateTok = tok_;
  while (!tok_.startsLine && tok_.is(TokenKind::Identifier)) {
    bool isClip =
        tok_.isWord("clip_grad_norm") || tok_.isWord("clip_grad_value");
    bool isSchedule = tok_.isWord("schedule");
    if (!isClip && !isSchedule && !tok_.isWord("accumulate"))
      break;
    if (isClip       ? clip.has_value()
        : isSchedule ? schedule.has_value()
                     : accumulate.has_value()) {
      error(tok_, std::string(isClip       ? "gradient clipping"
                              : isSchedule ? "'schedule'"
                                           : "'accumulate'") +
                      " is given twice in this 'minimize'");
      return false;
    }
    if (isClip) {
      clipTok = tok_;
      clip.emplace();
      if (!parseGradClip(*clip))
        return false;
    } else if (isSchedule) {
      consume();
      schedule.emplace();
      if (!parseLrSchedule(*schedule, 0))
        return false;
    } else {
      accumulateTok = tok_;
      consume();
      if (!expect(TokenKind::Equal, "'=' after 'accumulate'"))
        return false;
      int64_t steps;
      if (!parseSignedInt(steps, "the number of micro-batches per update"))
        return false;
      accumulate = steps;
    }
  }
  if (!endStatement())
    return false;
  if (const auto &previous = graph_->minimize()) {
    error(keyword, "graph @" + graph_->name() + " has a second 'minimize'");
    diags_.note(previous->loc, "the first is here");
    return false;
  }
  Status s =
      setMinimize(*graph_, loss, *optimizer, std::move(settings), loc(keyword));
  if (!s) {
    bool lossOk = loss->type().isScalar() && isFloat(loss->dtype());
    error(lossOk ? keyword : lossTok, s.message());
    return false;
  }
  if (clip)
    if (Status c = setGradClip(*graph_, *clip); !c) {
      error(clipTok, c.message());
      return false;
    }
  if (schedule)
    graph_->minimize()->schedule = std::move(*schedule);
  if (accumulate)
    if (Status a =
            setGradAccumulation(*graph_, *accumulate, loc(accumulateTok));
        !a) {
      error(accumulateTok, a.message());
      return false;
    }
  return true;
}

bool Parser::parseLrSchedule(LrSchedule &out, int depth) {
  // Nesting is sequential in sequential; a bound keeps the recursion safe.
  constexpr int kMaxDepth = 16;
  if (!tok_.is(TokenKind::Identifier))
    return expected("a schedule name (" + lrScheduleNames() + ")");
  Token nameTok = tok_;
  std::optional<LrScheduleKind> kind = lookupLrSchedule(tok_.text);
  if (!kind) {
    error(tok_, "unknown schedule " + describeToken(tok_) +
                    " (the schedules: " + lrScheduleNames() + ")");
    return false;
  }
  if (depth >= kMaxDepth) {
    error(tok_,
          "schedules nested more than " + std::to_string(kMaxDepth) + " deep");
    return false;
  }
  out.kind = *kind;
  out.loc = loc(tok_);
  consume();
  // No statement starts with '{' or '(', so both may open a new line.
  if (tok_.is(TokenKind::LBrace)) {
    consume();
    while (!tok_.is(TokenKind::RBrace)) {
      if (!tok_.is(TokenKind::Identifier))
        return expected("a setting name");
      Token settingTok = tok_;
      const LrSettingSpec *spec = findLrSetting(*kind, tok_.text);
      if (!spec) {
        error(tok_, unknownLrSettingMessage(*kind, tok_.text));
        return false;
      }
      if (out.settings.has(spec->name)) {
        error(tok_, "setting " + describeToken(tok_) + " is given twice");
        return false;
      }
      consume();
      if (!expect(TokenKind::Equal, "'=' after the setting name"))
        return false;
      AttrValue value;
      switch (spec->kind) {
      case LrSettingKind::Number: {
        double v;
        if (!parseSignedNumber(v, "a number"))
          return false;
        value = v;
        break;
      }
      case LrSettingKind::Bool:
        if (!tok_.isWord("true") && !tok_.isWord("false"))
          return expected("'true' or 'false'");
        value = tok_.text == "true";
        consume();
        break;
      case LrSettingKind::List: {
        std::vector<int64_t> list;
        if (!expect(TokenKind::LBracket, "'[' to open a list of steps") ||
            !parseIntList(list, "a step number"))
          return false;
        value = std::move(list);
        break;
      }
      case LrSettingKind::Choice: {
        std::string choices(spec->choices);
        std::string word = tok_.is(TokenKind::Identifier)
                               ? std::string(tok_.text)
                               : std::string();
        bool known = false;
        for (size_t at = 0; at <= choices.size();) {
          size_t bar = std::min(choices.find('|', at), choices.size());
          known |= !word.empty() && choices.substr(at, bar - at) == word;
          at = bar + 1;
        }
        if (!known) {
          std::string alternatives = choices;
          std::replace(alternatives.begin(), alternatives.end(), '|', ' ');
          return expected("one of: " + alternatives + " for " +
                          describeToken(settingTok));
        }
        value = word;
        consume();
        break;
      }
      }
      out.settings.set(spec->name, std::move(value));
      if (!tok_.is(TokenKind::Comma))
        break;
      consume();
    }
    if (!expect(TokenKind::RBrace, "',' or '}'"))
      return false;
  }
  if (tok_.is(TokenKind::LParen)) {
    if (*kind != LrScheduleKind::Sequential) {
      error(tok_, "only 'sequential' takes schedules in parentheses");
      return false;
    }
    consume();
    for (;;) {
      out.children.emplace_back();
      if (!parseLrSchedule(out.children.back(), depth + 1))
        return false;
      if (!tok_.is(TokenKind::Comma))
        break;
      consume();
    }
    if (!expect(TokenKind::RParen, "',' or ')'"))
      return false;
  }
  if (Status s = checkLrSchedule(out); !s) {
    error(nameTok, s.message());
    return false;
  }
  return true;
}

std::optional<LrSchedule> Parser::runSchedule() {
  consume();
  LrSchedule s;
  if (!parseLrSchedule(s, 0))
    return std::nullopt;
  if (!tok_.is(TokenKind::Eof)) {
    expected("the end of the schedule");
    return std::nullopt;
  }
  return s;
}

bool Parser::parseGradClip(GradClip &clip) {
  bool norm = tok_.isWord("clip_grad_norm");
  clip.kind = norm ? GradClipKind::Norm : GradClipKind::Value;
  clip.loc = loc(tok_);
  Token clipTok = tok_;
  std::string_view clipName = tok_.text;
  consume();
  if (!expect(TokenKind::LBrace, "'{' after '" + std::string(clipName) + "'"))
    return false;
  const std::string_view limitName = norm ? "max_norm" : "clip_value";
  bool haveLimit = false, haveNormType = false;
  while (!tok_.is(TokenKind::RBrace)) {
    if (!tok_.is(TokenKind::Identifier))
      return expected("a setting name");
    Token nameTok = tok_;
    bool isLimit = nameTok.text == limitName;
    bool isNormType = norm && nameTok.text == "norm_type";
    if (!isLimit && !isNormType) {
      error(nameTok, "unknown setting " + describeToken(nameTok) + " for " +
                         quoted(clipName) +
                         " (its settings: " + std::string(limitName) +
                         (norm ? ", norm_type)" : ")"));
      return false;
    }
    if (isLimit ? haveLimit : haveNormType) {
      error(nameTok, "setting " + describeToken(nameTok) + " is given twice");
      return false;
    }
    (isLimit ? haveLimit : haveNormType) = true;
    consume();
    if (!expect(TokenKind::Equal, "'=' after the setting name"))
      return false;
    double value;
    if (!parseSignedNumber(value, "a number"))
      return false;
    (isLimit ? clip.limit : clip.normType) = value;
    if (!tok_.is(TokenKind::Comma))
      break;
    consume();
  }
  if (!expect(TokenKind::RBrace, "',' or '}'"))
    return false;
  if (!haveLimit) {
    error(clipTok, quoted(clipName) + " needs " + quoted(limitName));
    return false;
  }
  return true;
}

bool Parser::parseOptimizerSettings(OptimizerKind optimizer, Attrs &out) {
  if (tok_.is(TokenKind::RBrace))
    return expect(TokenKind::RBrace, "'}'");
  for (;;) {
    if (!tok_.is(TokenKind::Identifier))
      return expected("a setting name");
    Token nameTok = tok_;
    std::vector<std::string_view> names =
        resolveOptimizerSetting(optimizer, nameTok.text);
    if (names.empty()) {
      error(nameTok, unknownOptimizerSettingMessage(optimizer, nameTok.text));
      return false;
    }
    for (std::string_view name : names)
      if (out.has(name)) {
        error(nameTok, "setting " + quoted(name) + " is given twice" +
                           (name == nameTok.text
                                ? std::string()
                                : " (here as " + describeToken(nameTok) + ")"));
        return false;
      }
    consume();
    if (!expect(TokenKind::Equal, "'=' after the setting name"))
      return false;
    if (names.size() == 2) {
      double first, second;
      std::string what = "a number (" + describeToken(nameTok) +
                         " is a pair: [" + std::string(names[0]) + ", " +
                         std::string(names[1]) + "])";
      if (!expect(TokenKind::LBracket, "'[' to open " + what) ||
          !parseSignedNumber(first, what) ||
          !expect(TokenKind::Comma, "',' between the pair's two numbers") ||
          !parseSignedNumber(second, what) ||
          !expect(TokenKind::RBracket, "']' after the pair's two numbers"))
        return false;
      out.set(names[0], first);
      out.set(names[1], second);
    } else {
      AttrValue value;
      if (!parseAttrValue(value))
        return false;
      out.set(names[0], std::move(value));
    }
    if (!tok_.is(TokenKind::Comma))
      break;
    consume();
  }
  return expect(TokenKind::RBrace, "',' or '}'");
}

bool Parser::parseUpdate() {
  consume();
  if (!tok_.is(TokenKind::ValueName) || tok_.startsLine)
    return expected("the param or state to update, like '%w'");
  Token targetTok = tok_;
  Node *target;
  if (!lookupValue(targetTok, target))
    return false;
  consume();
  if (!expect(TokenKind::Equal, "'=' after the updated value"))
    return false;
  if (!tok_.is(TokenKind::ValueName))
    return expected("the new value, like '%w_next'");
  Token valueTok = tok_;
  Node *value;
  if (!lookupValue(valueTok, value))
    return false;
  consume();
  if (!endStatement())
    return false;
  if (!target->hasTrait(OpTrait::Stateful)) {
    error(targetTok, "'update' target " + describeToken(targetTok) +
                         " is not a param or state");
    return false;
  }
  if (target->type() != value->type()) {
    error(valueTok, "'update' of " + describeToken(targetTok) + " (" +
                        target->type().str() + ") with a value of type " +
                        value->type().str());
    return false;
  }
  if (!updated_.insert(target).second) {
    error(targetTok, describeToken(targetTok) + " is updated twice");
    return false;
  }
  graph_->updates().push_back(Update{target, value});
  return true;
}

bool Parser::parseReturn() {
  Token keyword = tok_;
  consume();
  if (sawReturn_) {
    error(keyword, "graph @" + graph_->name() + " has a second 'return'");
    return false;
  }
  sawReturn_ = true;
  if (tok_.startsLine || tok_.is(TokenKind::Eof) ||
      tok_.is(TokenKind::RBrace)) {
    error(keyword, "'return' needs at least one value");
    return false;
  }
  std::vector<Node *> results;
  for (;;) {
    if (!tok_.is(TokenKind::ValueName))
      return expected("a value to return, like '%out'");
    Node *value;
    if (!lookupValue(tok_, value))
      return false;
    results.push_back(value);
    consume();
    if (!tok_.is(TokenKind::Comma))
      break;
    consume();
  }
  if (!endStatement())
    return false;
  graph_->results() = std::move(results);
  graph_->setResultsLoc(loc(keyword));
  return true;
}

/// The entries and closing '}' of `{name = value, ...}` whose '{' was
/// consumed. `knownName` reports names the schema does not have.
bool Parser::parseAttrDict(
    Attrs &out, const std::function<bool(const Token &)> &knownName) {
  if (!tok_.is(TokenKind::RBrace)) {
    for (;;) {
      if (!tok_.is(TokenKind::Identifier))
        return expected("an attribute name");
      Token nameTok = tok_;
      if (!knownName(nameTok))
        return false;
      if (out.has(nameTok.text)) {
        error(nameTok,
              "attribute " + describeToken(nameTok) + " is given twice");
        return false;
      }
      consume();
      if (!expect(TokenKind::Equal, "'=' after the attribute name"))
        return false;
      AttrValue value;
      if (!parseAttrValue(value))
        return false;
      out.set(nameTok.text, std::move(value));
      if (!tok_.is(TokenKind::Comma))
        break;
      consume();
    }
  }
  return expect(TokenKind::RBrace, "',' or '}'");
}

bool Parser::parseAttrValue(AttrValue &out) {
  if (tok_.is(TokenKind::LBracket)) {
    consume();
    std::vector<int64_t> list;
    if (!parseIntList(list, "an integer"))
      return false;
    out = std::move(list);
    return true;
  }
  if (tok_.is(TokenKind::String)) {
    out = std::string(tok_.text.substr(1, tok_.text.size() - 2));
    consume();
    return true;
  }
  if (tok_.isWord("true") || tok_.isWord("false")) {
    out = tok_.text == "true";
    consume();
    return true;
  }
  if (tok_.is(TokenKind::Identifier)) {
    if (std::optional<DType> dtype = parseDType(tok_.text)) {
      out = *dtype;
      consume();
      return true;
    }
  }
  bool negative = false;
  Token first = tok_;
  if (tok_.is(TokenKind::Minus)) {
    negative = true;
    consume();
  }
  if (tok_.is(TokenKind::Number) && tok_.isInteger) {
    int64_t v;
    if (!toInt(tok_, first, negative, v))
      return false;
    consume();
    out = v;
    return true;
  }
  if (tok_.is(TokenKind::Number) || tok_.isWord("inf") || tok_.isWord("nan")) {
    double v;
    if (!toDouble(tok_, first, negative, v))
      return false;
    consume();
    out = v;
    return true;
  }
  return expected(negative ? "a number after '-'"
                           : "an attribute value (a number, true, false, a "
                             "dtype, a \"string\" or '[...]')");
}

bool Parser::parseSignedNumber(double &out, std::string_view what) {
  Token first = tok_;
  bool negative = false;
  if (tok_.is(TokenKind::Minus)) {
    negative = true;
    consume();
  }
  if (!tok_.is(TokenKind::Number) && !tok_.isWord("inf") && !tok_.isWord("nan"))
    return expected(negative ? std::string("a number after '-'")
                             : std::string(what));
  if (!toDouble(tok_, first, negative, out))
    return false;
  consume();
  return true;
}

bool Parser::parseSignedInt(int64_t &out, std::string_view what) {
  Token first = tok_;
  bool negative = false;
  if (tok_.is(TokenKind::Minus)) {
    negative = true;
    consume();
  }
  if (!tok_.is(TokenKind::Number) || !tok_.isInteger)
    return expected(what);
  if (!toInt(tok_, first, negative, out))
    return false;
  consume();
  return true;
}

bool Parser::toDouble(const Token &t, const Token &sign, bool negative,
                      double &out) {
  if (t.isWord("inf")) {
    out = negative ? -std::numeric_limits<double>::infinity()
                   : std::numeric_limits<double>::infinity();
    return true;
  }
  if (t.isWord("nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (t.text.size() > kMaxNumberLength) {
    error(sign, "number " + describeToken(t) + " is too long");
    return false;
  }
  std::string text(t.text); // NUL-terminated for strtod
  char *end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || std::isinf(v)) {
    std::string shown = describeToken(t);
    if (negative)
      shown.insert(1, "-");
    error(sign, "number " + shown + " is out of range");
    return false;
  }
  out = negative ? -v : v;
  return true;
}

bool Parser::toInt(const Token &t, const Token &sign, bool negative,
                   int64_t &out) {
  uint64_t magnitude = 0;
  const char *begin = t.text.data(), *end = begin + t.text.size();
  auto [ptr, ec] = std::from_chars(begin, end, magnitude);
  uint64_t limit =
      uint64_t(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  if (ec != std::errc() || ptr != end || magnitude > limit) {
    std::string shown = describeToken(t);
    if (negative)
      shown.insert(1, "-");
    error(sign, "integer " + shown + " is out of range");
    return false;
  }
  out = negative ? int64_t(0 - magnitude) : int64_t(magnitude);
  return true;
}

} // namespace

std::optional<LrSchedule> parseLrSchedule(std::string_view text,
                                          std::string_view fileName,
                                          DiagnosticEngine &diags) {
  return Parser(text, fileName, diags).runSchedule();
}

std::unique_ptr<Graph> parseGraph(std::string_view text,
                                  std::string_view fileName,
                                  DiagnosticEngine &diags) {
  std::string_view file =
      internFileName(fileName.empty() ? "<input>" : fileName);
  diags.addSource(file, std::string(text));
  return Parser(text, file, diags).run();
}

} // namespace voskhod::ir
