#include "services/domain/csv.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace tierhub::domain {

int CsvTable::Column(absl::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// Splits into records; a quoted field may span lines.
absl::StatusOr<std::vector<CsvRow>> SplitRecords(absl::string_view text, absl::string_view source) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false;
  bool field_was_quoted = false;
  bool row_has_content = false;
  int line = 1;
  row.line = 1;
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_row = [&] {
    end_field();
    // A line with nothing on it is not a row.
    if (row_has_content) rows.push_back(std::move(row));
    row = CsvRow();
    row.line = line;
    row_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        if (!field.empty() || field_was_quoted) {
          return absl::InvalidArgumentError(
              absl::StrCat(source, ":", line, ": quote inside an unquoted field"));
        }
        in_quotes = true;
        field_was_quoted = true;
        row_has_content = true;
        break;
      case ',':
        end_field();
        row_has_content = true;
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') break;  // CRLF: the LF ends the row
        field.push_back(c);
        row_has_content = true;
        break;
      case '\n':
        ++line;
        end_row();
        break;
      default:
        if (field_was_quoted) {
          return absl::InvalidArgumentError(
              absl::StrCat(source, ":", line, ": text after a closing quote"));
        }
        field.push_back(c);
        row_has_content = true;
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ":", row.line, ": unterminated quoted field"));
  }
  end_row();
  return rows;
}

}  // namespace

absl::StatusOr<CsvTable> ParseCsv(absl::string_view text, absl::string_view source) {
  absl::ConsumePrefix(&text, "\xEF\xBB\xBF");
  absl::StatusOr<std::vector<CsvRow>> records = SplitRecords(text, source);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": empty, expected a header row"));
  }
  CsvTable table;
  table.header = std::move(records->front().fields);
  for (size_t i = 1; i < records->size(); ++i) {
    CsvRow& row = (*records)[i];
    if (row.fields.size() != table.header.size()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", row.line, ": ", row.fields.size(),
                                                     " fields, header has ", table.header.size()));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace tierhub::domain
