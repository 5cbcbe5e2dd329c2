// The parent's handling of one batch pushed by an authenticated direct child: decode each
// change once, check its provenance (auth::CheckChildChange), and apply the batch with the
// child's acknowledged cursor in one synced WriteBatch. Free of the gRPC stream, so that the
// fuzzer (tests/fuzz) drives it against a real store. Thread-safe as the store is.
#ifndef TIERHUB_SERVICES_EXCHANGE_PUSH_BATCH_H_
#define TIERHUB_SERVICES_EXCHANGE_PUSH_BATCH_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/auth/identity.h"
#include "services/store/store.h"
#include "tierhub/v1/exchange.pb.h"

namespace tierhub::exchange {

// Applies `batch` (its change bytes are moved out) from `child`, a node identity already
// authenticated as a direct child, setting `cursor` to batch.last_seq in the same write.
// INVALID_ARGUMENT naming `batch.changes[i]` for an entry that is not a Change in protobuf's
// own encoding (a field sent twice); PERMISSION_DENIED if a change breaks the provenance rules;
// otherwise what Store::ApplyRemote answers. A refused batch stores nothing.
[[nodiscard]] absl::StatusOr<store::ApplyResult> ApplyChildBatch(store::Store* store,
                                                                 const auth::Identity& child,
                                                                 const std::string& cursor,
                                                                 v1::ChangeBatch* batch);

}  // namespace tierhub::exchange

#endif  // TIERHUB_SERVICES_EXCHANGE_PUSH_BATCH_H_
