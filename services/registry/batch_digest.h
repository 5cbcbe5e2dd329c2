// What an idempotent batch call (Registry.SubmitList, ElectricityWatch.ImportReadings)
// remembers of its request, so that a retry with the same content is recognised and other
// content under the same id is refused.
#ifndef TIERHUB_SERVICES_REGISTRY_BATCH_DIGEST_H_
#define TIERHUB_SERVICES_REGISTRY_BATCH_DIGEST_H_

#include "absl/strings/string_view.h"
#include "services/common/digest.h"

namespace tierhub::registry {

// Adds `call` (a header and its rows) to `digest`: `tag`, the header without validate_only (a
// dry run and the run that stores are one call), then every row in order.
template <typename Call>
void AddBatchCall(absl::string_view tag, const Call& call, RequestDigest* digest) {
  auto header = call.header;
  header.set_validate_only(false);
  digest->AddBytes(tag);
  digest->Add(header);
  for (const auto& row : call.rows) digest->Add(row);
}

}  // namespace tierhub::registry

#endif  // TIERHUB_SERVICES_REGISTRY_BATCH_DIGEST_H_
