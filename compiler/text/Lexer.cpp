//===- compiler/text/Lexer.cpp - tokens of the `.vg` text format ----------===//
#include "compiler/text/Lexer.h"

#include <cstdio>

namespace voskhod::ir {

static bool isDigit(char c) { return c >= '0' && c <= '9'; }
static bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool isValueNameChar(char c) {
  return isAlpha(c) || isDigit(c) || c == '.';
}

void Lexer::advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < text_.size(); ++i) {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }
}

void Lexer::skipSpaceAndComments() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
        c == '\v') {
      advance();
    } else if (c == '/' && peek(1) == '/') {
      // Comments may hold any bytes at all, so skip without looking.
      size_t end = text_.find('\n', pos_);
      size_t stop = end == std::string_view::npos ? text_.size() : end;
      col_ += uint32_t(stop - pos_);
      pos_ = stop;
    } else {
      return;
    }
  }
}

Token Lexer::next() {
  skipSpaceAndComments();
  Token tok;
  tok.line = line_;
  tok.col = col_;
  tok.offset = pos_;
  tok.startsLine = line_ != lastTokenLine_;
  lastTokenLine_ = line_;
  size_t start = pos_;
  auto finish = [&](TokenKind kind) {
    tok.kind = kind;
    tok.text = text_.substr(start, pos_ - start);
    return tok;
  };
  if (pos_ >= text_.size())
    return finish(TokenKind::Eof);

  char c = text_[pos_];
  if (isAlpha(c)) {
    while (isAlpha(peek()) || isDigit(peek()))
      advance();
    return finish(TokenKind::Identifier);
  }
  if (isDigit(c)) {
    tok.isInteger = true;
    while (isDigit(peek()))
      advance();
    if (peek() == '.') {
      tok.isInteger = false;
      advance();
      while (isDigit(peek()))
        advance();
    }
    if (peek() == 'e' || peek() == 'E') {
      tok.isInteger = false;
      size_t digitsAt = (peek(1) == '+' || peek(1) == '-') ? 2 : 1;
      if (!isDigit(peek(digitsAt))) {
        advance(digitsAt);
        tok.problem = "malformed number: the exponent has no digits";
        return finish(TokenKind::Error);
      }
      advance(digitsAt);
      while (isDigit(peek()))
        advance();
    }
    return finish(TokenKind::Number);
  }
  if (c == '%' || c == '@') {
    advance();
    bool ok = c == '%' ? isValueNameChar(peek()) : isAlpha(peek());
    if (!ok) {
      tok.problem = std::string("expected a name after '") + c + "'";
      return finish(TokenKind::Error);
    }
    while (isValueNameChar(peek()))
      advance();
    return finish(c == '%' ? TokenKind::ValueName : TokenKind::GraphName);
  }

  if (c == '"') {
    // A string holds printable ASCII other than '"' and '\\', on one line.
    advance();
    while (peek() != '"') {
      unsigned char b = static_cast<unsigned char>(peek());
      if (pos_ >= text_.size() || b < 0x20 || b >= 0x7f || b == '\\') {
        tok.problem = "unterminated string";
        return finish(TokenKind::Error);
      }
      advance();
    }
    advance();
    return finish(TokenKind::String);
  }

  advance();
  switch (c) {
  case '=':
    return finish(TokenKind::Equal);
  case ',':
    return finish(TokenKind::Comma);
  case ':':
    return finish(TokenKind::Colon);
  case '-':
    return finish(TokenKind::Minus);
  case '(':
    return finish(TokenKind::LParen);
  case ')':
    return finish(TokenKind::RParen);
  case '{':
    return finish(TokenKind::LBrace);
  case '}':
    return finish(TokenKind::RBrace);
  case '[':
    return finish(TokenKind::LBracket);
  case ']':
    return finish(TokenKind::RBracket);
  default:
    break;
  }
  unsigned char byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7f) {
    tok.problem = std::string("unexpected character '") + c + "'";
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "unexpected byte 0x%02x", byte);
    tok.problem = buf;
  }
  return finish(TokenKind::Error);
}

std::string describeToken(const Token &tok) {
  if (tok.is(TokenKind::Eof))
    return "end of file";
  if (tok.is(TokenKind::Error))
    return tok.problem;
  constexpr size_t kMaxShown = 32;
  std::string s = "'";
  for (size_t i = 0; i < tok.text.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(tok.text[i]);
    if (c >= 0x20 && c < 0x7f) {
      s += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  if (tok.text.size() > kMaxShown)
    s += "...";
  return s + "'";
}

} // namespace voskhod::ir
