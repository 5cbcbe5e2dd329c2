// The store's part of a node's status report (tierhub.v1.StoreStatus): whether it takes writes,
// why not, and its disk's free space. Stateless; thread-safe as Store is.
#ifndef TIERHUB_SERVICES_STORE_STORE_STATUS_H_
#define TIERHUB_SERVICES_STORE_STORE_STATUS_H_

#include "services/store/store.h"
#include "tierhub/v1/exchange.pb.h"

namespace tierhub::store {

// Fills `out` from `store` (reads no records; lists the store's directory if read-only).
void FillStoreStatus(const Store& store, v1::StoreStatus* out);

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_STORE_STATUS_H_
