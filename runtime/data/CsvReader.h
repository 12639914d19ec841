//===- runtime/data/CsvReader.h - numeric tables with a header
//-------------===//
///
/// Reads a comma-separated table whose first non-blank line names the
/// columns and whose other lines hold one number per column. One column is
/// the label; the rest, in file order, are the features. Cells may be
/// double-quoted (RFC 4180, `""` for a quote inside) and padded with spaces;
/// CRLF line ends and blank lines are accepted; the file may be gzip'd.
///
/// Deliberately strict: an empty cell, a cell that is not a finite number,
/// or a row whose column count differs from the header's is an error
/// `file:line:col: ...` naming the column, because silently imputing or
/// skipping rows changes what the model learns. Categorical columns are
/// not encoded; quoted cells spanning lines are not supported.
///
/// Labels come out as class indices when every label is a non-negative
/// integer and as float targets otherwise; `conformToSignature` converts
/// them to what the model's label input takes.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/Dataset.h"
#include "support/Error.h"

#include <string>

namespace voskhod::rt {

struct CsvOptions {
  /// A header name, or a 0-based column index when no header has that
  /// name. Empty: the last column.
  std::string labelColumn;
};

Expected<Dataset> readCsv(const std::string &path,
                          const CsvOptions &options = {});

} // namespace voskhod::rt
