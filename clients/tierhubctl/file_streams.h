// Files to and from a node as gRPC streams. Up: a clerk's CSV as a client stream of chunks,
// the first carrying the header (`submit`, `power-import`). Down: a generated file as a
// server stream whose first chunk names it and gives its size (`export`, `summary`).
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_FILE_STREAMS_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_FILE_STREAMS_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/tierhubctl/cli.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/csv_import.h"
#include "clients/tierhubctl/progress.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "grpcpp/support/sync_stream.h"
#include "services/common/limits.h"
#include "services/common/status_macros.h"

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

// An add_row for StreamInChunks and UploadRows: moves items[i] into a new row's `field`
// (&v1::ListRow::mutable_entry, ...) with its spreadsheet row rows[i]. Borrows both vectors.
template <typename Row, typename Item>
auto MoveRows(std::vector<Item>& items, const std::vector<int>& rows, Item* (Row::*field)()) {
  return [&items, &rows, field](size_t i, auto* chunk) {
    Row* row = chunk->add_rows();
    *(row->*field)() = std::move(items[i]);
    row->set_source_row(static_cast<uint32_t>(rows[i]));
  };
}

// An upload of `count` rows to a client-streaming `method` of a `Stub`
// (&v1::Registry::Stub::SubmitList, ...) on a connection opened from `args`, through
// StreamInChunks (`first`, `label`, add_row and finish as there), with the node's own stream
// deadline (docs/LIMITS.md). The node's answer, or CallFailed("<what> (nothing was stored)").
template <typename Stub, typename Chunk, typename Response, typename AddRow, typename Finish>
absl::StatusOr<Response> UploadRows(
    const Args& args, const std::string& what,
    std::unique_ptr<grpc::ClientWriter<Chunk>> (Stub::*method)(grpc::ClientContext*, Response*),
    Chunk first, size_t count, const std::string& label, AddRow add_row, Finish finish) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  Stub stub(conn.channel());
  grpc::ClientContext context;
  conn.Prepare(&context, limits::kUploadStreamSeconds);
  Response response;
  std::unique_ptr<grpc::ClientWriter<Chunk>> writer = (stub.*method)(&context, &response);
  grpc::Status s = StreamInChunks(*writer, std::move(first), count, label, add_row, finish);
  if (!s.ok()) return CallFailed(absl::StrCat(what, " (nothing was stored)"), s, args.Get("node"));
  return response;
}

// Refuses a file whose rows the CLI's own parser refused: prints them (FormatRowErrors) to
// stderr and returns INVALID_ARGUMENT "<path>: N problem(s) above; nothing was <not_done>".
absl::Status RowsRefused(const std::string& path, const std::vector<RowError>& errors,
                         const std::string& not_done);

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

// A dry run the node found problems in (`response` has errors and errors_omitted): prints them
// (FormatNodeErrors) and returns INVALID_ARGUMENT "dry run: N problem(s) (M not shown); nothing
// was stored".
template <typename Response>
absl::Status DryRunRefused(const Response& response) {
  Print(FormatNodeErrors(response.errors()));
  return absl::InvalidArgumentError(absl::StrCat(
      "dry run: ", response.errors_size() + response.errors_omitted(), " problem(s)",
      response.errors_omitted() > 0 ? absl::StrCat(" (", response.errors_omitted(), " not shown)")
                                    : "",
      "; nothing was stored"));
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

// A download from a server-streaming `method` of a `Stub` (&v1::ActionPlans::Stub::ExportSummary,
// ...) on a connection opened from `args`, with a deadline of `seconds`, into --out (or the
// node's file name) through DownloadFile, whose result it returns; *first as there.
template <typename Stub, typename Request, typename Chunk>
absl::StatusOr<std::string> DownloadFrom(const Args& args, const std::string& what, int seconds,
                                         std::unique_ptr<grpc::ClientReader<Chunk>> (Stub::*method)(
                                             grpc::ClientContext*, const Request&),
                                         const Request& request, Chunk* first) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  Stub stub(conn.channel());
  grpc::ClientContext context;
  conn.Prepare(&context, seconds);
  std::unique_ptr<grpc::ClientReader<Chunk>> reader = (stub.*method)(&context, request);
  return DownloadFile(*reader, args.Get("out"), what, args.Get("node"), first);
}

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_FILE_STREAMS_H_
