// The two stream shapes several services share: a client stream whose first message carries
// the header (a list submission, an electricity import), and a generated file sent as a server
// stream whose first message names it and gives its size (a disclosure list, a summary).
#ifndef TIERHUB_SERVICES_COMMON_RPC_STREAMS_H_
#define TIERHUB_SERVICES_COMMON_RPC_STREAMS_H_

#include <algorithm>
#include <cstddef>
#include <string>

#include "grpcpp/support/status.h"
#include "grpcpp/support/sync_stream.h"

namespace tierhub {

// Reads every message of `reader`, calling take(chunk) for each. INVALID_ARGUMENT if the
// stream is empty, its first message has no header, or a later one has one.
template <typename Chunk, typename Take>
grpc::Status ReadHeaderFirst(grpc::ServerReader<Chunk>* reader, Take take) {
  Chunk chunk;
  bool first = true;
  while (reader->Read(&chunk)) {
    if (first && !chunk.has_header()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "header: the first chunk must carry the header");
    }
    if (!first && chunk.has_header()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "header: only the first chunk carries the header");
    }
    first = false;
    take(chunk);
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
