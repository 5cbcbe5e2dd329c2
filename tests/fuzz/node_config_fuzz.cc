// Fuzzes the node config parser (protobuf text format or JSON, unknown fields refused) and the
// checks that name a bad field. A refusal must say why.
#include <string>

#include "services/node/config.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = tierhub::node::ParseNodeConfig(text);
  if (!config.ok()) {
    FUZZ_CHECK(!config.status().message().empty());
    return 0;
  }
  absl::Status valid = tierhub::node::ValidateNodeConfig(*config);
  FUZZ_CHECK(valid.ok() || !valid.message().empty());
  return 0;
}
