// Reads an .xlsx workbook back with a reader that is not ours: Python's zipfile and XML parser
// (/usr/bin/python3), following the workbook's relationships to every sheet in order and
// resolving shared strings. For tests of the disclosure lists and the summaries.
#ifndef TIERHUB_TESTS_TESTUTIL_XLSX_READER_H_
#define TIERHUB_TESTS_TESTUTIL_XLSX_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tierhub::testutil {

struct XlsxSheet {
  std::string name;
  // Rows in order from row 1; each row's cells by column (A = 0), "" where no cell is. A number
  // is its text in the file ("3", "2.5").
  std::vector<std::vector<std::string>> rows;
  // The cell at (row, column), 0-based; "" outside the sheet.
  std::string At(size_t row, size_t column) const;
};

// The sheets of the workbook `bytes`. INTERNAL if the reader fails (not a zip, a bad part, a
// missing relationship), with its error output.
[[nodiscard]] absl::StatusOr<std::vector<XlsxSheet>> ReadXlsx(const std::string& bytes);

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_XLSX_READER_H_
