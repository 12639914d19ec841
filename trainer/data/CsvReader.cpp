//===- trainer/data/CsvReader.cpp - numeric tables with a header ----------===//
#include "trainer/data/CsvReader.h"

#include "trainer/data/FileBytes.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace voskhod::rt {
namespace {

struct Cell {
  std::string text;
  /// 1-based character column where the cell starts.
  int64_t column = 0;
};

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Splits one line into cells; an unterminated quote is an error message.
Status splitLine(std::string_view line, std::vector<Cell> &cells) {
  cells.clear();
  size_t pos = 0;
  for (;;) {
    Cell cell;
    size_t start = pos;
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
      ++pos;
    cell.column = int64_t(pos) + 1;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < line.size()) {
        if (line[pos] == '"') {
          if (pos + 1 < line.size() && line[pos + 1] == '"') {
            cell.text += '"';
            pos += 2;
            continue;
          }
          closed = true;
          ++pos;
          break;
        }
        cell.text += line[pos++];
      }
      if (!closed)
        return makeError(std::to_string(cell.column) +
                         ": unterminated quoted cell");
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
        ++pos;
      if (pos < line.size() && line[pos] != ',')
        return makeError(std::to_string(pos + 1) +
                         ": unexpected text after a quoted cell");
    } else {
      size_t end = line.find(',', pos);
      if (end == std::string_view::npos)
        end = line.size();
      cell.text = std::string(trimSpaces(line.substr(start, end - start)));
      pos = end;
    }
    cells.push_back(std::move(cell));
    if (pos >= line.size())
      return Status::ok();
    ++pos; // the comma
  }
}

/// Parses a finite decimal number; a leading '+' is allowed.
bool parseNumber(std::string_view text, double &value) {
  if (!text.empty() && text.front() == '+')
    text.remove_prefix(1);
  if (text.empty())
    return false;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() &&
         std::isfinite(value);
}

bool allDigits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

/// Resolves the label columns the options name against the header: fills
/// `slot` (a column's place in a label row, or -1 for a feature) and
/// `count`. Empty `wanted`: the last column.
Status chooseLabelColumns(const std::vector<std::string> &header,
                          const std::vector<std::string> &wanted,
                          std::vector<int64_t> &slot, int64_t &count) {
  slot.assign(header.size(), -1);
  count = 0;
  if (wanted.empty()) {
    slot.back() = 0;
    count = 1;
    return Status::ok();
  }
  for (const std::string &name : wanted) {
    int64_t index = -1;
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] != name)
        continue;
      if (index >= 0)
        return makeError("two columns are named '" + name +
                         "'; choose the label column by index");
      index = int64_t(i);
    }
    if (index < 0 && allDigits(name) && name.size() < 10)
      index = std::stoll(name);
    if (index < 0 || index >= int64_t(header.size()))
      return makeError("no label column '" + name + "' (the header has " +
                       std::to_string(header.size()) + " columns)");
    if (slot[size_t(index)] >= 0)
      return makeError("label column '" + name + "' is column " +
                       std::to_string(index) + ", which is already a label");
    slot[size_t(index)] = count++;
  }
  if (count == int64_t(header.size()))
    return makeError("every column is a label; a data set needs a feature");
  return Status::ok();
}

} // namespace

Expected<Dataset> readCsv(const std::string &path, const CsvOptions &options) {
  VOSKHOD_ASSIGN_OR_RETURN(auto bytes, readFileBytes(path));
  std::string_view text(reinterpret_cast<const char *>(bytes.data()),
                        bytes.size());
  Dataset data;
  data.source = path;
  data.labelSource = path;
  std::vector<std::string> header;
  // labelSlot[column]: the column's place in a label row, or -1 for a
  // feature.
  std::vector<int64_t> labelSlot;
  int64_t labelCount = 0;
  std::vector<Cell> cells;
  std::vector<double> labels, labelRow;
  int64_t lineNumber = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineNumber;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (trimSpaces(line).empty())
      continue;
    std::string where = path + ":" + std::to_string(lineNumber);
    if (Status split = splitLine(line, cells); !split)
      return makeError(where + ":" + split.message());
    if (header.empty()) {
      for (Cell &c : cells)
        header.push_back(c.text);
      if (header.size() < 2)
        return makeError(where + ": the header names " +
                         std::to_string(header.size()) +
                         " column; a data set needs a feature and a label");
      if (Status chosen = chooseLabelColumns(header, options.labelColumns,
                                             labelSlot, labelCount);
          !chosen)
        return makeError(where + ": " + chosen.message());
      data.numFeatures = int64_t(header.size()) - labelCount;
      data.exampleShape = {data.numFeatures};
      labelRow.assign(size_t(labelCount), 0.0);
      continue;
    }
    if (cells.size() != header.size())
      return makeError(where + ": row has " + std::to_string(cells.size()) +
                       " columns but the header has " +
                       std::to_string(header.size()));
    for (size_t i = 0; i < cells.size(); ++i) {
      double value;
      if (!parseNumber(cells[i].text, value))
        return makeError(
            where + ":" + std::to_string(cells[i].column) + ": " +
            (cells[i].text.empty()
                 ? std::string("empty cell")
                 : "cell '" + cells[i].text + "' is not a finite number") +
            " in column '" + header[i] + "'");
      if (labelSlot[i] >= 0)
        labelRow[size_t(labelSlot[i])] = value;
      else
        data.features.push_back(float(value));
    }
    labels.insert(labels.end(), labelRow.begin(), labelRow.end());
    data.sourceLines.push_back(lineNumber);
  }
  if (header.empty())
    return makeError(path + ": the file has no header row");
  if (labels.empty())
    return makeError(path + ": the file has a header but no data rows");
  if (labelCount > 1) {
    data.labelKind = LabelKind::Target;
    data.targetWidth = labelCount;
    data.targets.assign(labels.begin(), labels.end());
    return data;
  }
  bool integral = true;
  for (double v : labels)
    integral &= v >= 0 && v == std::floor(v) && v <= 2147483647.0;
  if (integral) {
    data.labelKind = LabelKind::Class;
    data.classes.assign(labels.begin(), labels.end());
  } else {
    data.labelKind = LabelKind::Target;
    data.targetWidth = 1;
    data.targets.assign(labels.begin(), labels.end());
  }
  return data;
}

} // namespace voskhod::rt
