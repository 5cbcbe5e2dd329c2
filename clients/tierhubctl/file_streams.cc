#include "clients/tierhubctl/file_streams.h"

#include <fstream>
#include <sstream>

namespace tierhub::ctl {

absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path, Encoding encoding) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
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

}  // namespace tierhub::ctl
