// SHA-256 over a sequence of protobuf messages (deterministic serializations, each prefixed
// with its length) and byte strings: what an idempotent call remembers of its request, so that
// a retry with the same content is recognised and other content under the same id is not.
#ifndef TIERHUB_SERVICES_COMMON_DIGEST_H_
#define TIERHUB_SERVICES_COMMON_DIGEST_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

struct evp_md_ctx_st;

namespace tierhub {

class RequestDigest {
 public:
  RequestDigest();
  ~RequestDigest();
  RequestDigest(const RequestDigest&) = delete;
  RequestDigest& operator=(const RequestDigest&) = delete;

  void Add(const google::protobuf::Message& message);
  void AddBytes(absl::string_view bytes);
  // The 32-byte digest. Call once, last.
  std::string Finish();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_DIGEST_H_
