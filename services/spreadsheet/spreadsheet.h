// Tables for clerks: CSV that Excel opens correctly (UTF-8 with BOM) and .xlsx workbooks of one
// or more sheets (libxlsxwriter). Shared by the published lists (disclosure.h) and the action
// plans' summaries (services/plans/summary.h). Pure apart from XlsxOf's temporary file;
// thread-safe.
#ifndef TIERHUB_SERVICES_SPREADSHEET_SPREADSHEET_H_
#define TIERHUB_SERVICES_SPREADSHEET_SPREADSHEET_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tierhub::spreadsheet {

// One cell: text (written as a string, never a formula, so credit and region codes keep their
// form), a number, or empty (an empty text).
struct Cell {
  std::string text;
  std::optional<double> number;

  static Cell Text(std::string s) { return Cell{std::move(s), std::nullopt}; }
  static Cell Number(double n) { return Cell{"", n}; }
  // The CSV form: the text, or the number without exponent or trailing zeros ("1000000",
  // "0.125").
  std::string ToString() const;
};

// A table: a bold header row, then data rows (a row may be shorter than the header).
struct Sheet {
  std::string title;  // the sheet's name in a workbook (cut to 31 characters, []:*?/\ -> _)
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;
  struct Width {
    int first_column;  // 0-based, inclusive
    int last_column;
    double width;  // in characters
  };
  std::vector<Width> widths;
};

// CSV of one sheet: UTF-8 with a byte-order mark (so Excel reads Chinese correctly), CRLF line
// ends, fields quoted where RFC 4180 needs it; the header row, then the rows. Text cells go
// through CsvText; numbers are written as Cell::ToString.
std::string CsvOf(const Sheet& sheet);

// One text cell of a CSV that a spreadsheet will open: a text that begins with '=', '+', '-',
// '@', a tab or a carriage return gets a leading single quote so that Excel shows it instead of
// running it as a formula (OWASP, "CSV Injection"); then quoted where RFC 4180 needs it. Every
// CSV the project writes puts its text cells through this.
std::string CsvText(absl::string_view text);
// The inverse of CsvText's quote, for a cell read back (already unquoted by the CSV reader): a
// leading single quote before '=', '+', '-', '@', a tab or a carriage return is dropped, so
// that a file the project exported imports with the text as it was ("'=1+1" -> "=1+1").
// Anything else is returned as it is.
absl::string_view UnneutralisedCsvText(absl::string_view cell);

// An .xlsx workbook with one worksheet per sheet, in order, that says it was made at `created`
// (its document properties and every zip entry carry that time, whole seconds): the same sheets
// and the same `created` give the same bytes, so a download from the console equals the file of
// `tierhubctl export` for the same arguments. Written through a temporary file in $TMPDIR (or
// /tmp). INVALID_ARGUMENT for no sheets or two sheets whose names end up equal;
// INTERNAL or UNAVAILABLE if the library or the file system fails.
[[nodiscard]] absl::StatusOr<std::string> XlsxOf(const std::vector<Sheet>& sheets,
                                                 absl::Time created);

}  // namespace tierhub::spreadsheet

#endif  // TIERHUB_SERVICES_SPREADSHEET_SPREADSHEET_H_
