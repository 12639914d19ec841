//===- trainer/data/CsvReader.h - numeric tables with a header ------------===//
///
/// Reads a comma-separated table whose first non-blank line names the
/// columns and whose other lines hold one number per column. One column is
/// the label, or several are (multi-label data: one 0/1 column per label);
/// the rest, in file order, are the features. Cells may be
/// double-quoted (RFC 4180, `""` for a quote inside) and padded with spaces;
/// CRLF line ends and blank lines are accepted; the file may be gzip'd.
///
/// Deliberately strict: an empty cell, a cell that is not a finite number,
/// or a row whose column count differs from the header's is an error
/// `file:line:col: ...` naming the column, because silently imputing or
/// skipping rows changes what the model learns. Categorical columns are
/// not encoded; quoted cells spanning lines are not supported.
///
/// A single label column comes out as class indices when every label is a
/// non-negative integer and as float targets otherwise; several label
/// columns always come out as float target rows, in the order the options
/// name the columns (multi-hot rows for a sigmoid cross-entropy).
/// `conformToSignature` converts them to what the model's label input takes
/// and checks their range.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <string>
#include <vector>

namespace voskhod::rt {

struct CsvOptions {
  /// The label columns, each a header name, or a 0-based column index when
  /// no header has that name. Empty: the last column.
  std::vector<std::string> labelColumns;
};

Expected<Dataset> readCsv(const std::string &path,
                          const CsvOptions &options = {});

} // namespace voskhod::rt
