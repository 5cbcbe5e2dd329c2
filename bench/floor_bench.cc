// tierhub_floor_bench: what RocksDB alone costs for the least a tier must store per change,
// with the store's own options (store::StoreRocksOptions). See docs/BENCHMARKS.md, "Floor".
//
// Every tier that accepts a change from a child applies it in one synced WriteBatch per batch:
// it logs the change (so that it travels on), reads the key's current record (the version
// order decides which edit wins) and writes the new current record (what the node's own users
// query), with at least the record's region index entry. This program writes `records`
// synthetic enterprise changes (the exchange benchmark's, `record_bytes` each) into a bare
// RocksDB in synced batches of `batch`, in four write sets that add one part at a time:
//
//   log            the log entry only (sequential keys)
//   record         + the current record (random keys)
//   read_record    + a batched read (MultiGet) of the current records first
//   tier           + one region index entry: the least a tier writes
//   tier_reference the same, with a 24-byte current record that would refer to its log entry
//                  instead of repeating the change ("store the payload once", not built)
//
// For each it prints the process's CPU time per change (all threads: the writer, RocksDB's
// flushes and compactions) while writing (`floor_us_<set>`) and until RocksDB is at rest (no
// flush or compaction running or pending, `floor_us_<set>_to_rest`). No gRPC, no validation,
// no encoding, no loader: a tier of tierhubd cannot cost less than `floor_us_tier`.
//
// Then the reads of a catch-up: `cold_read_us_small` / `_large` is the CPU per current-record
// read, in sorted batches, of `cold_reads` keys spread over a store of as many records and of
// `cold_store_records`, reopened with an empty block cache (see ColdReadCost).
//
// `bound_e2e_records_per_s` = cores * 1e6 / (3 * floor_us_tier): the most three tiers on this
// machine's cores could carry if RocksDB's work were all they did (`_reference`: the same with
// floor_us_tier_reference).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/synthetic.h"
#include "rocksdb/db.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/write_batch.h"
#include "services/store/format.h"
#include "services/store/rocks_options.h"

ABSL_FLAG(uint64_t, records, 1000000, "Changes written per write set.");
ABSL_FLAG(uint32_t, batch, 1000, "Changes per synced WriteBatch (the exchange's batch size).");
ABSL_FLAG(uint32_t, record_bytes, 300, "Target serialized size of one change.");
ABSL_FLAG(uint32_t, block_cache_mb, 128, "Block cache (deploy/guangdong's setting).");
ABSL_FLAG(
    uint64_t, cold_reads, 100000,
    "Current records read cold, from a store of as many records and of --cold_store_records.");
ABSL_FLAG(uint64_t, cold_store_records, 1000000, "The larger store of the cold reads.");
ABSL_FLAG(std::string, dir, "", "Work directory (default: a new one under $TMPDIR or /tmp).");

namespace tierhub::bench {
namespace {

namespace f = store::format;

void Progress(const std::string& line) { std::fprintf(stderr, "bench: %s\n", line.c_str()); }

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

absl::Status FromRocks(const rocksdb::Status& s, const char* what) {
  return s.ok() ? absl::OkStatus() : absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

enum Part : unsigned { kRecord = 1, kRead = 2, kIndex = 4, kReference = 8 };

struct WriteSet {
  const char* name;
  unsigned parts;
};

constexpr WriteSet kWriteSets[] = {
    {"log", 0},
    {"record", kRecord},
    {"read_record", kRecord | kRead},
    {"tier", kRecord | kRead | kIndex},
    {"tier_reference", kRecord | kRead | kIndex | kReference},
};

struct Cost {
  double us_writing = 0;  // CPU per change, first write .. last write
  double us_to_rest = 0;  // CPU per change, first write .. RocksDB at rest
};

class FloorDb {
 public:
  static absl::StatusOr<std::unique_ptr<FloorDb>> Open(const std::string& path) {
    store::RocksOptions rocks =
        store::StoreRocksOptions(absl::GetFlag(FLAGS_block_cache_mb), nullptr);
    auto db = std::unique_ptr<FloorDb>(new FloorDb);
    rocksdb::DB* raw = nullptr;
    absl::Status s = FromRocks(
        rocksdb::DB::Open(rocks.db, path, rocks.column_families, &db->handles_, &raw), "open");
    if (!s.ok()) return s;
    db->db_.reset(raw);
    return db;
  }

  ~FloorDb() {
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }

  // One batch of the write set: changes[first, end) as serialized, keys[first, end) their
  // record keys; change i has seq i + 1.
  absl::Status WriteBatch(unsigned parts, const std::vector<std::string>& changes,
                          const std::vector<std::string>& keys, size_t first, size_t end) {
    // As the store stages a batch (BatchBuilder): keys read and written in order per column
    // family. The log is in order already.
    std::vector<size_t> order;
    for (size_t i = first; i < end; ++i) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    if (parts & kRead) {
      std::vector<rocksdb::Slice> slices;
      for (size_t i : order) slices.emplace_back(keys[i]);
      if (absl::StatusOr<size_t> found = ReadCurrent(slices); !found.ok()) return found.status();
    }
    rocksdb::WriteBatch batch;
    for (size_t i = first; i < end; ++i) {
      batch.Put(handles_[store::kLogPos], f::EncodeSeq(i + 1), changes[i]);
    }
    if (parts & kRecord) {
      for (size_t i : order) {
        if (parts & kReference) {
          // A 24-byte stand-in for a record that points at its log entry (a seq and a
          // version) instead of holding the change's bytes again.
          batch.Put(handles_[store::kRecordsPos], keys[i],
                    f::EncodeSeq(i + 1) + std::string(16, 'v'));
        } else {
          batch.Put(handles_[store::kRecordsPos], keys[i], changes[i]);
        }
      }
    }
    if (parts & kIndex) {
      const std::string region = absl::StrCat("region/", kSyntheticRegion);
      for (size_t i : order) {
        batch.Put(handles_[store::kIndexPos], f::IndexEntryKey(region, keys[i]), "");
      }
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocks(db_->Write(sync, &batch), "write batch");
  }

  // Reads the current records under `sorted_keys` in one MultiGet, as Store::GetMany does;
  // returns how many exist.
  absl::StatusOr<size_t> ReadCurrent(const std::vector<rocksdb::Slice>& sorted_keys) {
    std::vector<rocksdb::PinnableSlice> values(sorted_keys.size());
    std::vector<rocksdb::Status> statuses(sorted_keys.size());
    db_->MultiGet(rocksdb::ReadOptions(), handles_[store::kRecordsPos], sorted_keys.size(),
                  sorted_keys.data(), values.data(), statuses.data(), /*sorted_input=*/true);
    size_t found = 0;
    for (const rocksdb::Status& s : statuses) {
      if (s.ok()) ++found;
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read current record");
    }
    return found;
  }

  // Compacts the records into their final levels, as an idle node's are.
  absl::Status Settle() {
    rocksdb::CompactRangeOptions options;
    return FromRocks(db_->CompactRange(options, handles_[store::kRecordsPos], nullptr, nullptr),
                     "compact");
  }

  // Waits until no flush or compaction is running or pending.
  void WaitAtRest() {
    while (true) {
      uint64_t busy = 0;
      for (const char* property :
           {"rocksdb.num-running-flushes", "rocksdb.num-running-compactions"}) {
        uint64_t n = 0;
        db_->GetIntProperty(property, &n);
        busy += n;
      }
      for (rocksdb::ColumnFamilyHandle* h : handles_) {
        uint64_t pending = 0;
        db_->GetIntProperty(h, "rocksdb.compaction-pending", &pending);
        uint64_t flush = 0;
        db_->GetIntProperty(h, "rocksdb.mem-table-flush-pending", &flush);
        busy += pending + flush;
      }
      if (busy == 0) return;
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

 private:
  FloorDb() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// The changes for serials [0, count): their serialized bytes and record keys.
void MakeChanges(uint64_t count, size_t name_bytes, std::vector<std::string>* changes,
                 std::vector<std::string>* keys) {
  changes->resize(count);
  keys->resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    v1::Change change = SyntheticChange(i, 1, name_bytes, i + 1);
    (*keys)[i] = change.key();
    (*changes)[i] = change.SerializeAsString();
  }
}

absl::StatusOr<Cost> Measure(const WriteSet& set, const std::string& path, uint64_t records,
                             size_t name_bytes) {
  std::filesystem::remove_all(path);
  auto db = FloorDb::Open(path);
  if (!db.ok()) return db.status();
  const uint32_t batch = absl::GetFlag(FLAGS_batch);
  // The changes are made before the clock starts: encoding is not RocksDB's cost.
  Progress(absl::StrCat(set.name, ": preparing ", records, " changes"));
  std::vector<std::string> changes;
  std::vector<std::string> keys;
  MakeChanges(records, name_bytes, &changes, &keys);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);  // as Store::CommitLocked
  const double cpu_start = ProcessCpuSeconds();
  absl::Time last_report = absl::Now();
  for (uint64_t first = 0; first < records; first += batch) {
    const uint64_t end = std::min<uint64_t>(records, first + batch);
    absl::Status s = (*db)->WriteBatch(set.parts, changes, keys, first, end);
    if (!s.ok()) return s;
    if (absl::Now() - last_report >= absl::Seconds(2)) {
      last_report = absl::Now();
      Progress(absl::StrFormat("%s: %d/%d written", set.name, end, records));
    }
  }
  Cost cost;
  cost.us_writing = (ProcessCpuSeconds() - cpu_start) / records * 1e6;
  (*db)->WaitAtRest();
  cost.us_to_rest = (ProcessCpuSeconds() - cpu_start) / records * 1e6;
  db->reset();
  std::filesystem::remove_all(path);
  return cost;
}

// CPU per current-record read in a catch-up: a store of `store_records` records, settled
// into its levels and reopened with an empty block cache (a restarted parent; a running one
// has compacted level 0 when idle, which leaves no record block of it cached either), then
// `reads` existing keys spread evenly over it read in sorted batches, one MultiGet each.
absl::StatusOr<double> ColdReadCost(const std::string& path, uint64_t store_records, uint64_t reads,
                                    size_t name_bytes) {
  std::filesystem::remove_all(path);
  std::vector<std::string> changes;
  std::vector<std::string> keys;
  Progress(absl::StrCat("cold reads: a store of ", store_records, " records"));
  MakeChanges(store_records, name_bytes, &changes, &keys);
  {
    auto db = FloorDb::Open(path);
    if (!db.ok()) return db.status();
    const uint32_t batch = absl::GetFlag(FLAGS_batch);
    for (uint64_t first = 0; first < store_records; first += batch) {
      const uint64_t end = std::min<uint64_t>(store_records, first + batch);
      absl::Status s = (*db)->WriteBatch(kRecord, changes, keys, first, end);
      if (!s.ok()) return s;
    }
    if (absl::Status s = (*db)->Settle(); !s.ok()) return s;
  }
  auto db = FloorDb::Open(path);
  if (!db.ok()) return db.status();
  const uint64_t stride = std::max<uint64_t>(1, store_records / reads);
  const uint32_t batch = absl::GetFlag(FLAGS_batch);
  size_t found = 0;
  const double cpu_start = ProcessCpuSeconds();
  for (uint64_t first = 0; first < reads; first += batch) {
    std::vector<std::string_view> wanted;
    for (uint64_t i = first; i < std::min<uint64_t>(reads, first + batch); ++i) {
      wanted.push_back(keys[(i * stride) % store_records]);
    }
    std::sort(wanted.begin(), wanted.end());
    std::vector<rocksdb::Slice> slices(wanted.begin(), wanted.end());
    auto n = (*db)->ReadCurrent(slices);
    if (!n.ok()) return n.status();
    found += *n;
  }
  const double us = (ProcessCpuSeconds() - cpu_start) / reads * 1e6;
  if (found != reads) {
    return absl::InternalError(absl::StrCat("cold reads: found ", found, " of ", reads));
  }
  db->reset();
  std::filesystem::remove_all(path);
  return us;
}

int Run() {
  const uint64_t records = absl::GetFlag(FLAGS_records);
  if (records == 0 || absl::GetFlag(FLAGS_batch) == 0) {
    std::fprintf(stderr, "bench: --records and --batch must be > 0\n");
    return 2;
  }
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/tierhub-floor-", getpid());
  }
  std::filesystem::create_directories(dir);
  const size_t name_bytes = NameBytesFor(absl::GetFlag(FLAGS_record_bytes));
  auto figure = [](const std::string& name, const std::string& value) {
    std::printf("%s=%s\n", name.c_str(), value.c_str());
    std::fflush(stdout);
  };
  figure("records", absl::StrCat(records));
  figure("change_bytes", absl::StrCat(SyntheticChange(0, 1, name_bytes, 1).ByteSizeLong()));
  double tier_us = 0;
  double reference_us = 0;
  for (const WriteSet& set : kWriteSets) {
    auto cost = Measure(set, dir + "/db", records, name_bytes);
    if (!cost.ok()) {
      std::fprintf(stderr, "bench: FAILED: %s\n", cost.status().ToString().c_str());
      return 1;
    }
    figure(absl::StrCat("floor_us_", set.name), absl::StrFormat("%.2f", cost->us_writing));
    figure(absl::StrCat("floor_us_", set.name, "_to_rest"),
           absl::StrFormat("%.2f", cost->us_to_rest));
    if (set.parts == (kRecord | kRead | kIndex)) tier_us = cost->us_writing;
    if (set.parts & kReference) reference_us = cost->us_writing;
  }
  // The exchange benchmark's catch-up reads: 100,000 keys of a 100,000- and of a
  // 1,000,000-record store.
  const uint64_t reads = absl::GetFlag(FLAGS_cold_reads);
  double cold_us[2] = {0, 0};
  const uint64_t store_sizes[2] = {reads, absl::GetFlag(FLAGS_cold_store_records)};
  for (int i = 0; i < 2; ++i) {
    auto cost = ColdReadCost(dir + "/db", store_sizes[i], reads, name_bytes);
    if (!cost.ok()) {
      std::fprintf(stderr, "bench: FAILED: %s\n", cost.status().ToString().c_str());
      return 1;
    }
    cold_us[i] = *cost;
  }
  figure("cold_read_us_small", absl::StrFormat("%.2f", cold_us[0]));
  figure("cold_read_us_large", absl::StrFormat("%.2f", cold_us[1]));
  std::filesystem::remove_all(dir);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  figure("cores", absl::StrCat(cores));
  figure("bound_e2e_records_per_s", absl::StrFormat("%.0f", cores * 1e6 / (3 * tier_us)));
  figure("bound_e2e_records_per_s_reference",
         absl::StrFormat("%.0f", cores * 1e6 / (3 * reference_us)));
  return 0;
}

}  // namespace
}  // namespace tierhub::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "What RocksDB alone costs per change for the least a tier stores (docs/BENCHMARKS.md).\n"
      "  tierhub_floor_bench [--records=N] [--batch=N] [--record_bytes=N] [--block_cache_mb=N]\n"
      "                      [--cold_reads=N] [--cold_store_records=N] [--dir=DIR]\n"
      "(--helpfull describes each flag)");
  absl::ParseCommandLine(argc, argv);
  return tierhub::bench::Run();
}
