// InformantVault: where a node keeps informants' personal data (举报人信息). It is local by
// construction: a separate RocksDB beside the node's store, which the change log, the exchange,
// snapshots and checkpoints of the store never see, so nothing in it can be pushed up or pulled
// down. Records in the exchanged store only say that an informant exists and at which node.
//
// Why not the store: every Store::Write enters the change log, and ParentLink pushes every log
// entry whose origin lies in its subtree. A local-only column family in the store (written in
// the tip-off's WriteBatch, never logged, skipped by ReadLog and ScanSnapshot, included in
// Checkpoint) would make the two writes atomic and the backup whole; that needs a store change.
// Until then the vault is written first (synced)
// and the tip-off second: a crash in between leaves an informant entry without its tip-off,
// which the retry of the same tip_off_id overwrites; never a tip-off that lost its informant.
#ifndef TIERHUB_SERVICES_ENFORCEMENT_INFORMANT_VAULT_H_
#define TIERHUB_SERVICES_ENFORCEMENT_INFORMANT_VAULT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "tierhub/v1/domain.pb.h"

namespace rocksdb {
class DB;
}

namespace tierhub::enforcement {

// Thread-safe.
class InformantVault {
 public:
  virtual ~InformantVault() = default;
  // Stores (or replaces) the informant of informant.tip_off_id(), durably.
  [[nodiscard]] virtual absl::Status Put(const v1::Informant& informant) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<v1::Informant>> Get(
      const std::string& tip_off_id) const = 0;
  [[nodiscard]] virtual absl::Status Delete(const std::string& tip_off_id) = 0;
};

// A RocksDB database of its own at `path` (created if missing). Every write is synced.
class RocksInformantVault final : public InformantVault {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<RocksInformantVault>> Open(
      const std::string& path);
  ~RocksInformantVault() override;

  [[nodiscard]] absl::Status Put(const v1::Informant& informant) override;
  [[nodiscard]] absl::StatusOr<std::optional<v1::Informant>> Get(
      const std::string& tip_off_id) const override;
  [[nodiscard]] absl::Status Delete(const std::string& tip_off_id) override;

 private:
  explicit RocksInformantVault(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace tierhub::enforcement

#endif  // TIERHUB_SERVICES_ENFORCEMENT_INFORMANT_VAULT_H_
