// The two stream shapes several services share: a client stream whose first message carries
// the header (a list submission, an electricity import), read within limits, and a generated
// file sent as a server stream whose first message names it and gives its size (a disclosure
// list, a summary).
#ifndef TIERHUB_SERVICES_COMMON_RPC_STREAMS_H_
#define TIERHUB_SERVICES_COMMON_RPC_STREAMS_H_

#include <algorithm>
#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "grpcpp/support/sync_stream.h"
#include "services/common/grpc_status.h"
#include "services/common/limits.h"
#include "services/common/status_text.h"
#include "services/common/stream_guard.h"

namespace tierhub {

// What one upload stream may bring (a list submission, a readings import).
struct UploadLimits {
  size_t max_rows = limits::kMaxUploadRows;    // rows (and removals) in the stream
  size_t max_bytes = limits::kMaxUploadBytes;  // serialized bytes of its messages
};

// How a service takes upload streams: what each may bring, and how many at once for how long.
struct UploadOptions {
  UploadLimits limits;
  StreamGuard::Options guard;
};

// Reads every message of `reader`, calling take(chunk) for each; rows(chunk) says how many
// rows it brings. Stops at once, before the rest of the stream is read, with:
//  - take's error, if it returns one (an absl::Status);
//  - INVALID_ARGUMENT if the stream is empty, its first message has no header, a later one has
//    one, or the stream passes `limits` (the status names the limit);
//  - CANCELLED if the call ended before the client finished sending (the client went away, or
//    `ticket`'s guard ended it: then the guard's reason has already been sent).
// `ticket` (may be null) is touched on every message.
template <typename Chunk, typename Rows, typename Take>
grpc::Status ReadHeaderFirst(grpc::ServerContext* context, grpc::ServerReader<Chunk>* reader,
                             const UploadLimits& limits, StreamGuard::Ticket* ticket, Rows rows,
                             Take take) {
  Chunk chunk;
  bool first = true;
  size_t rows_read = 0;
  size_t bytes_read = 0;
  while (reader->Read(&chunk)) {
    if (ticket != nullptr) ticket->Touch();
    if (first && !chunk.has_header()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "header: the first chunk must carry the header");
    }
    if (!first && chunk.has_header()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "header: only the first chunk carries the header");
    }
    first = false;
    rows_read += rows(chunk);
    bytes_read += chunk.ByteSizeLong();
    if (rows_read > limits.max_rows) {
      return grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("rows: more than ", WithThousands(limits.max_rows),
                       " rows in one stream, the most a node takes; nothing was stored (split "
                       "the file, or send a DELTA)"));
    }
    if (bytes_read > limits.max_bytes) {
      return grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("stream: more than ", WithThousands(limits.max_bytes),
                       " bytes in one stream, the most a node takes; nothing was stored"));
    }
    if (absl::Status taken = take(chunk); !taken.ok()) return ToGrpc(taken);
  }
  if (context->IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "the stream ended before it was complete");
  }
  if (first) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "header: the stream was empty");
  }
  return grpc::Status::OK;
}

// Sends `content` in parts of 256 KiB, the first part in `first` (which carries the file's
// name, size and counts). CANCELLED if the client went away.
template <typename Chunk>
grpc::Status SendFileInChunks(grpc::ServerWriter<Chunk>* writer, Chunk first,
                              const std::string& content) {
  constexpr size_t kChunkBytes = 256 << 10;
  Chunk chunk = std::move(first);
  size_t offset = 0;
  do {
    const size_t n = std::min(kChunkBytes, content.size() - offset);
    chunk.set_content(content.substr(offset, n));
    offset += n;
    if (!writer->Write(chunk)) return grpc::Status::CANCELLED;
    chunk.Clear();
  } while (offset < content.size());
  return grpc::Status::OK;
}

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_RPC_STREAMS_H_
