// Files to and from a node as gRPC streams. Up: a clerk's CSV as a client stream of chunks,
// the first carrying the header (`submit`, `power-import`). Down: a generated file as a
// server stream whose first chunk names it and gives its size (`export`, `summary`).
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_FILE_STREAMS_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_FILE_STREAMS_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/tierhubctl/cli.h"
#include "clients/tierhubctl/csv_import.h"
#include "clients/tierhubctl/progress.h"
#include "grpcpp/support/status.h"

namespace tierhub::ctl {

inline constexpr int kRowsPerChunk = 1000;

struct CsvFile {
  std::string bytes;  // as read from disk
  std::string text;   // decoded to UTF-8
};

// Reads `path` and decodes it (UTF-8, UTF-8 with BOM or GB18030, see DecodeToUtf8). Errors
// name the path: NOT_FOUND if it cannot be read, INVALID_ARGUMENT if it does not decode or is
// larger than a node takes in one stream (limits::kMaxUploadBytes).
absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path, Encoding encoding);

// Streams `count` rows through `writer` (a grpc::ClientWriter) in chunks of kRowsPerChunk rows,
// starting with `chunk` (which carries the header), showing progress as `label`.
// add_row(i, &chunk) moves row i into the chunk; finish(&chunk) may add to the last one. Returns
// the call's status; nothing more is sent once the server has ended the call.
template <typename Chunk, typename Writer, typename AddRow, typename Finish>
grpc::Status StreamInChunks(Writer& writer, Chunk chunk, size_t count, const std::string& label,
                            AddRow add_row, Finish finish) {
  Progress progress(label, static_cast<int64_t>(count));
  size_t sent = 0;
  bool ok = true;
  for (size_t i = 0; i < count && ok; ++i) {
    add_row(i, &chunk);
    if (chunk.rows_size() == kRowsPerChunk) {
      ok = writer.Write(chunk);
      sent += chunk.rows_size();
      chunk.Clear();
      progress.Update(static_cast<int64_t>(sent));
    }
  }
  finish(&chunk);
  if (ok && chunk.ByteSizeLong() > 0) ok = writer.Write(chunk);
  writer.WritesDone();
  grpc::Status status = writer.Finish();
  progress.Update(static_cast<int64_t>(count));
  return status;
}

// The problems a node found in a dry run, one line each: "row 12, credit_code: reason".
template <typename Errors>
std::string FormatNodeErrors(const Errors& errors) {
  std::string out;
  for (const auto& e : errors) {
    absl::StrAppend(&out, e.row() ? absl::StrCat("row ", e.row()) : "header", ", ", e.field(), ": ",
                    e.reason(), "\n");
  }
  return out;
}

// Reads a file a node streams (chunks with file_name and total_bytes in the first, content in
// every one) into `path`, or the node's file name if `path` is empty, and returns the path
// written. *first gets the first chunk (its content already written). The bytes go to
// "<path>.part" first and are renamed at the end, so an interrupted download leaves no
// half-written file that looks whole. `what` names the call in errors and in the progress line.
template <typename Chunk, typename Reader>
absl::StatusOr<std::string> DownloadFile(Reader& reader, std::string path, const std::string& what,
                                         const std::string& node, Chunk* first) {
  if (!reader.Read(first)) return CallFailed(what, reader.Finish(), node);
  if (path.empty()) path = first->file_name();
  const std::string partial = path + ".part";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  Progress progress(absl::StrCat(what, " -> ", path), static_cast<int64_t>(first->total_bytes()),
                    "bytes");
  out << first->content();
  int64_t received = static_cast<int64_t>(first->content().size());
  progress.Update(received);
  Chunk chunk;
  while (reader.Read(&chunk)) {
    out << chunk.content();
    received += static_cast<int64_t>(chunk.content().size());
    progress.Update(received);
  }
  grpc::Status status = reader.Finish();
  out.close();
  if (!status.ok() || !out) {
    std::remove(partial.c_str());
    if (!status.ok()) return CallFailed(absl::StrCat(what, " (nothing written)"), status, node);
    return absl::UnavailableError(absl::StrCat(path, ": cannot be written"));
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot be written"));
  }
  return path;
}

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_FILE_STREAMS_H_
