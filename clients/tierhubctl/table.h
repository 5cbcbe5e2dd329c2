// Aligned text tables for people (CJK characters count two columns) and JSON for scripts.
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_TABLE_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tierhub::ctl {

// Columns a UTF-8 string takes on a terminal: East Asian wide characters take two.
size_t DisplayWidth(absl::string_view utf8);

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> cells);
  // Columns separated by two spaces; numbers (cells that parse as numbers) right-aligned.
  std::string Render() const;
  // A JSON array of objects keyed by header.
  std::string RenderJson() const;
  size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// JSON string literal for `s` (UTF-8 passed through, control characters escaped).
std::string JsonQuote(absl::string_view s);

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_TABLE_H_
