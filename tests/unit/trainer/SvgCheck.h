//===- tests/unit/trainer/SvgCheck.h - well-formed XML --------------------===//
///
/// Enough of XML to check that generated SVG is well formed: balanced tags,
/// quoted attributes, escaped text. Returns the elements in document order
/// so tests can look for curves and labels.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cctype>
#include <map>
#include <string>
#include <vector>

namespace voskhod::rt::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;
};

/// Empty `error` means well formed.
inline std::vector<XmlElement> parseXml(const std::string &s,
                                        std::string &error) {
  std::vector<XmlElement> elements;
  std::vector<size_t> open;
  size_t i = 0;
  auto fail = [&](const std::string &why) {
    error = why + " at byte " + std::to_string(i);
    return elements;
  };
  auto checkText = [&](const std::string &text) {
    for (size_t k = 0; k < text.size(); ++k)
      if (text[k] == '&') {
        size_t semi = text.find(';', k);
        std::string entity = text.substr(k, semi - k + 1);
        if (entity != "&lt;" && entity != "&gt;" && entity != "&amp;" &&
            entity != "&quot;")
          return false;
      }
    return true;
  };
  if (s.compare(0, 5, "<?xml") == 0)
    i = s.find("?>") + 2;
  while (i < s.size()) {
    if (s[i] != '<') {
      size_t next = s.find('<', i);
      std::string text = s.substr(i, next - i);
      if (!checkText(text))
        return fail("bad entity in text");
      if (!open.empty())
        elements[open.back()].text += text;
      else if (text.find_first_not_of(" \n\t") != std::string::npos)
        return fail("text outside the root");
      if (next == std::string::npos)
        break;
      i = next;
      continue;
    }
    ++i;
    if (i < s.size() && s[i] == '/') {
      size_t end = s.find('>', i);
      if (end == std::string::npos)
        return fail("unterminated end tag");
      std::string name = s.substr(i + 1, end - i - 1);
      if (open.empty() || elements[open.back()].name != name)
        return fail("mismatched </" + name + ">");
      open.pop_back();
      i = end + 1;
      continue;
    }
    XmlElement e;
    while (i < s.size() && (std::isalnum(uint8_t(s[i])) || s[i] == '-'))
      e.name += s[i++];
    if (e.name.empty())
      return fail("empty tag name");
    if (open.empty() && !elements.empty())
      return fail("second root element");
    for (;;) {
      while (i < s.size() && std::isspace(uint8_t(s[i])))
        ++i;
      if (i >= s.size())
        return fail("unterminated tag");
      if (s.compare(i, 2, "/>") == 0) {
        elements.push_back(e);
        i += 2;
        break;
      }
      if (s[i] == '>') {
        elements.push_back(e);
        open.push_back(elements.size() - 1);
        ++i;
        break;
      }
      std::string attr;
      while (i < s.size() && s[i] != '=' && !std::isspace(uint8_t(s[i])))
        attr += s[i++];
      if (i + 1 >= s.size() || s[i] != '=' || s[i + 1] != '"')
        return fail("unquoted attribute " + attr);
      size_t close = s.find('"', i + 2);
      if (close == std::string::npos)
        return fail("unterminated attribute");
      std::string value = s.substr(i + 2, close - i - 2);
      if (value.find('<') != std::string::npos || !checkText(value))
        return fail("bad attribute value");
      if (e.attributes.count(attr))
        return fail("duplicate attribute " + attr);
      e.attributes[attr] = value;
      i = close + 1;
    }
  }
  if (!open.empty())
    return fail("unclosed <" + elements[open.back()].name + ">");
  if (elements.empty() || elements[0].name != "svg")
    return fail("no svg root");
  return elements;
}

} // namespace voskhod::rt::testing
