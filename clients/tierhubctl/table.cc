#include "clients/tierhubctl/table.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tierhub::ctl {
namespace {

// Decodes one UTF-8 code point at s[*i] and advances *i (invalid bytes count as one each).
uint32_t NextCodePoint(absl::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (*i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += len;
  return cp;
}

bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool LooksNumeric(const std::string& cell) {
  double unused;
  return !cell.empty() && absl::SimpleAtod(cell, &unused);
}

}  // namespace

size_t DisplayWidth(absl::string_view utf8) {
  size_t width = 0;
  for (size_t i = 0; i < utf8.size();) width += IsWide(NextCodePoint(utf8, &i)) ? 2 : 1;
  return width;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(headers_.size());
  std::vector<bool> numeric(headers_.size(), !rows_.empty());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
      if (!row[c].empty() && !LooksNumeric(row[c])) numeric[c] = false;
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - DisplayWidth(cells[c]), ' ');
      const bool right = numeric[c] && !header;
      absl::StrAppend(&text, c ? "  " : "", right ? pad : "", cells[c], right ? "" : pad);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    absl::StrAppend(&out, text, "\n");
  };
  line(headers_, true);
  for (const auto& row : rows_) line(row, false);
  return out;
}

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

// True if `cell` may stand in JSON as a number: no leading zeros (a region code such as
// 000000 or 440600 is an identifier, and "0440" is not a JSON number).
bool IsJsonNumber(const std::string& cell) {
  if (!LooksNumeric(cell)) return false;
  const size_t digits = cell[0] == '-' ? 1 : 0;
  return !(cell.size() > digits + 1 && cell[digits] == '0' && cell[digits + 1] != '.');
}

std::string Table::RenderJson() const {
  std::string out = "[";
  for (size_t r = 0; r < rows_.size(); ++r) {
    absl::StrAppend(&out, r ? ",\n " : "", "{");
    for (size_t c = 0; c < headers_.size(); ++c) {
      absl::StrAppend(&out, c ? ", " : "", JsonQuote(headers_[c]), ": ",
                      IsJsonNumber(rows_[r][c]) ? rows_[r][c] : JsonQuote(rows_[r][c]));
    }
    out += "}";
  }
  return out + "]\n";
}

}  // namespace tierhub::ctl
