#include "clients/tierhubctl/file_streams.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "services/common/limits.h"

namespace tierhub::ctl {

absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path, Encoding encoding) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  // A file larger than a node takes in one stream is refused before it is read.
  std::error_code size_error;
  const auto size = std::filesystem::file_size(path, size_error);
  if (!size_error && size > limits::kMaxUploadBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", size, " bytes, at most ",
                                                   limits::kMaxUploadBytes,
                                                   " in one submission (docs/LIMITS.md)"));
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  CsvFile file;
  file.bytes = bytes.str();
  auto text = DecodeToUtf8(file.bytes, encoding);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", text.status().message()));
  }
  file.text = *std::move(text);
  return file;
}

absl::Status RowsRefused(const std::string& path, const std::vector<RowError>& errors,
                         const std::string& not_done) {
  std::fputs(FormatRowErrors(errors).c_str(), stderr);
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": ", errors.size(), " problem(s) above; nothing was ", not_done));
}

}  // namespace tierhub::ctl
