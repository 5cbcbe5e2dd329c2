// A small CSV reader for the reference tables under data/ and for user-typed imports: comma
// separated, optional double quotes ("" inside quotes is a quote), LF or CRLF line ends, a
// UTF-8 byte-order mark tolerated. Stateless functions; thread-safe.
#ifndef TIERHUB_SERVICES_DOMAIN_CSV_H_
#define TIERHUB_SERVICES_DOMAIN_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tierhub::domain {

struct CsvRow {
  int line = 0;  // 1-based line number where the row starts, for error messages
  std::vector<std::string> fields;
};

// A table with a header row; every row has exactly header.size() fields.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  // Index of a header column, or -1.
  int Column(absl::string_view name) const;
};

// Parses `text`. `source` names it in error messages ("regions-guangdong.csv:12: ...").
// Blank lines are skipped. Errors: INVALID_ARGUMENT for an unterminated quote, a stray quote,
// an empty input, or a row whose field count differs from the header's.
[[nodiscard]] absl::StatusOr<CsvTable> ParseCsv(absl::string_view text, absl::string_view source);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_CSV_H_
