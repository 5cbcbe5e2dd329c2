#include "services/spreadsheet/spreadsheet.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "xlsxwriter.h"

namespace tierhub::spreadsheet {
namespace {

// At most `n` UTF-8 code points of `s`.
std::string CutUtf8(const std::string& s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) return s.substr(0, i);
      ++count;
    }
  }
  return s;
}

// Sheet names: at most 31 characters, none of []:*?/\ .
std::string SheetName(const std::string& title) {
  std::string sheet = CutUtf8(title.empty() ? "Sheet1" : title, 31);
  for (char& ch : sheet) {
    if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos) ch = '_';
  }
  return sheet;
}

}  // namespace

std::string CsvText(absl::string_view text) {
  // OWASP's rule for CSV injection: Excel runs a cell that starts with one of these as a
  // formula (=HYPERLINK(...), +cmd|..., @SUM(...)); a leading quote makes it text.
  const bool formula_like =
      !text.empty() && absl::string_view("=+-@\t\r").find(text[0]) != absl::string_view::npos;
  std::string cell = formula_like ? absl::StrCat("'", text) : std::string(text);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  return absl::StrCat("\"", absl::StrReplaceAll(cell, {{"\"", "\"\""}}), "\"");
}

absl::string_view UnneutralisedCsvText(absl::string_view cell) {
  if (cell.size() >= 2 && cell[0] == '\'' &&
      absl::string_view("=+-@\t\r").find(cell[1]) != absl::string_view::npos) {
    cell.remove_prefix(1);
  }
  return cell;
}

std::string Cell::ToString() const {
  if (!number.has_value()) return text;
  return absl::StrFormat("%.15g", *number);
}

std::string CsvOf(const Sheet& sheet) {
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark
  for (size_t i = 0; i < sheet.headers.size(); ++i) {
    absl::StrAppend(&out, i > 0 ? "," : "", CsvText(sheet.headers[i]));
  }
  out += "\r\n";
  for (const std::vector<Cell>& row : sheet.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      // A number is written by us ("-5", never a formula); only text is neutralised.
      const Cell& cell = row[i];
      absl::StrAppend(&out, i > 0 ? "," : "",
                      cell.number.has_value() ? cell.ToString() : CsvText(cell.text));
    }
    out += "\r\n";
  }
  return out;
}

absl::StatusOr<std::string> XlsxOf(const std::vector<Sheet>& sheets, absl::Time created) {
  if (sheets.empty()) return absl::InvalidArgumentError("xlsx: a workbook needs a sheet");
  std::set<std::string> names;
  for (const Sheet& sheet : sheets) {
    if (!names.insert(SheetName(sheet.title)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("xlsx: two sheets named '", SheetName(sheet.title), "'"));
    }
  }
  const char* tmp = getenv("TMPDIR");
  std::string path =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/tierhub-sheet-XXXXXX.xlsx");
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) return absl::UnavailableError("xlsx: cannot create a temporary file");
  close(fd);
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) {
    unlink(path.c_str());
    return absl::InternalError("xlsx: libxlsxwriter could not start a workbook");
  }
  lxw_doc_properties properties = {};
  // 0 would mean "now" to libxlsxwriter; the epoch itself is never a real export time.
  properties.created = std::max<time_t>(1, absl::ToTimeT(created));
  workbook_set_properties(workbook, &properties);
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  for (const Sheet& sheet : sheets) {
    lxw_worksheet* worksheet = workbook_add_worksheet(workbook, SheetName(sheet.title).c_str());
    if (worksheet == nullptr) {
      workbook_close(workbook);
      unlink(path.c_str());
      return absl::InternalError(absl::StrCat("xlsx: cannot add sheet '", sheet.title, "'"));
    }
    for (size_t col = 0; col < sheet.headers.size(); ++col) {
      worksheet_write_string(worksheet, 0, static_cast<lxw_col_t>(col), sheet.headers[col].c_str(),
                             bold);
    }
    for (const Sheet::Width& w : sheet.widths) {
      worksheet_set_column(worksheet, static_cast<lxw_col_t>(w.first_column),
                           static_cast<lxw_col_t>(w.last_column), w.width, nullptr);
    }
    for (size_t i = 0; i < sheet.rows.size(); ++i) {
      const lxw_row_t row = static_cast<lxw_row_t>(i + 1);
      for (size_t col = 0; col < sheet.rows[i].size(); ++col) {
        const Cell& cell = sheet.rows[i][col];
        const lxw_col_t c = static_cast<lxw_col_t>(col);
        if (cell.number.has_value()) {
          worksheet_write_number(worksheet, row, c, *cell.number, nullptr);
        } else if (!cell.text.empty()) {
          worksheet_write_string(worksheet, row, c, cell.text.c_str(), nullptr);
        }
      }
    }
  }
  const lxw_error closed = workbook_close(workbook);
  if (closed != LXW_NO_ERROR) {
    unlink(path.c_str());
    return absl::InternalError(absl::StrCat("xlsx: ", lxw_strerror(closed)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    unlink(path.c_str());
    return absl::UnavailableError("xlsx: cannot read back the workbook");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  unlink(path.c_str());
  return buffer.str();
}

}  // namespace tierhub::spreadsheet
