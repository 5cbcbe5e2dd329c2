#include "services/enforcement/informant_vault.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace tierhub::enforcement {
namespace {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat("informant vault ", what, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (s.IsBusy() || s.IsTryAgain() || s.IsIOError()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

std::string Key(const std::string& tip_off_id) { return absl::StrCat("inf/", tip_off_id); }

}  // namespace

RocksInformantVault::RocksInformantVault(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

RocksInformantVault::~RocksInformantVault() = default;

absl::StatusOr<std::unique_ptr<RocksInformantVault>> RocksInformantVault::Open(
    const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("informant vault path: is empty");
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  absl::Status opened = FromRocks(rocksdb::DB::Open(options, path, &raw), "open");
  if (!opened.ok()) return opened;
  return std::unique_ptr<RocksInformantVault>(
      new RocksInformantVault(std::unique_ptr<rocksdb::DB>(raw)));
}

absl::Status RocksInformantVault::Put(const v1::Informant& informant) {
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db_->Put(options, Key(informant.tip_off_id()), informant.SerializeAsString()),
                   "put");
}

absl::StatusOr<std::optional<v1::Informant>> RocksInformantVault::Get(
    const std::string& tip_off_id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Key(tip_off_id), &value);
  if (s.IsNotFound()) return std::optional<v1::Informant>();
  absl::Status got = FromRocks(s, "get");
  if (!got.ok()) return got;
  v1::Informant informant;
  if (!informant.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("informant vault: entry of ", tip_off_id, " does not parse"));
  }
  return std::optional<v1::Informant>(std::move(informant));
}

absl::Status RocksInformantVault::Delete(const std::string& tip_off_id) {
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db_->Delete(options, Key(tip_off_id)), "delete");
}

}  // namespace tierhub::enforcement
