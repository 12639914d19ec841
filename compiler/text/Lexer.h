//===- compiler/text/Lexer.h - tokens of the `.vg` text format ------------===//
///
/// Splits `.vg` text into tokens with 1-based line and byte columns. `//`
/// comments and whitespace vanish, but each token records whether it is the
/// first on its line, because the grammar ends a statement at the end of its
/// line and the parser resynchronises on line starts after an error.
///
/// The lexer knows no keywords, op names or dtypes: every bare word is an
/// Identifier and the parser asks the op, dtype and initialiser tables. Numbers
/// keep their text; converting them (and reporting overflow) is the parser's
/// job, since only it knows whether an integer or a float is wanted. A byte
/// that starts no token (NUL, invalid UTF-8, stray punctuation) becomes an
/// Error token carrying a printable description; the lexer never fails
/// otherwise and always reaches Eof in time linear in the input.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace voskhod::ir {

enum class TokenKind : uint8_t {
  Eof,
  Error,
  Identifier, // graph, relu, f32, he_normal, true, inf, ...
  ValueName,  // %x (text includes the '%')
  GraphName,  // @g (text includes the '@')
  Number,     // 12, 0.5, 1e-3 (unsigned; '-' is its own token)
  String,     // "tanh" (text includes the quotes)
  Equal,
  Comma,
  Colon,
  Minus,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text; // a view into the lexed buffer
  uint32_t line = 1;
  uint32_t col = 1;
  size_t offset = 0;
  bool startsLine = false;
  /// Number tokens: written without '.' or an exponent.
  bool isInteger = false;
  /// Error tokens: what is wrong, e.g. "unexpected byte 0xff".
  std::string problem;

  bool is(TokenKind k) const { return kind == k; }
  bool isWord(std::string_view word) const {
    return kind == TokenKind::Identifier && text == word;
  }
};

class Lexer {
public:
  explicit Lexer(std::string_view text) : text_(text) {}
  Token next();

private:
  void skipSpaceAndComments();
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void advance(size_t n = 1);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
  uint32_t lastTokenLine_ = 0;
};

/// How a token reads in a diagnostic: 'relu', '%x', "end of file"; long
/// texts are cut and unprintable bytes escaped.
std::string describeToken(const Token &tok);

} // namespace voskhod::ir
