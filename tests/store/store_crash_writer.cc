// store_crash_writer DIR SEED: opens the store at DIR and writes random creates, updates and
// tombstones over a few hundred keys until killed. Each batch also carries, as node-local puts
// in the same Write, a "shadow/<key>" copy of every mutation's body (ShadowOf in test_hooks.h),
// so that the crash test can check that local data commits atomically with its records. After each
// acknowledged (synced) batch it prints one line per change, "<seq> <key> <wall_micros> <logical>",
// with a single write(2) so a SIGKILL never leaves a torn line behind an acknowledged one. Exits 1
// on any store error.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "tests/store/test_hooks.h"

namespace tierhub::store {
namespace {

constexpr int kKeys = 300;
constexpr const char* kRegions[] = {"440103", "440104", "440105", "440300", "440600", "441900"};

bool WriteAll(const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(STDOUT_FILENO, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

int Run(const char* dir, unsigned seed) {
  RegionStatusHooks hooks;
  Store::Options options;
  options.path = dir;
  options.node_id = "crash-node";
  options.clock = SystemClock::Get();
  options.hooks = &hooks;
  options.block_cache_mb = 8;
  auto store = Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "store_crash_writer: open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> key_dist(0, kKeys - 1);
  std::uniform_int_distribution<int> batch_dist(1, 4);
  std::uniform_int_distribution<int> pct(0, 99);
  std::uniform_int_distribution<int> region_dist(0, std::size(kRegions) - 1);
  std::uniform_int_distribution<int> status_dist(1, 6);
  std::uniform_int_distribution<int> industries_dist(0, 3);
  v1::Author author;
  author.set_node_id("crash-node");
  author.set_region_code("440000");
  while (true) {
    std::vector<Mutation> batch;
    std::vector<LocalPut> shadows;
    const int n = batch_dist(rng);
    for (int i = 0; i < n; ++i) {
      std::string key = absl::StrCat("ent/", key_dist(rng));
      const char* region = kRegions[region_dist(rng)];
      if (pct(rng) < 25) {
        v1::Tombstone t;
        t.set_region_code(region);
        batch.push_back(Mutation{std::move(key), author, t});
      } else {
        batch.push_back(
            Mutation{std::move(key), author,
                     Enterprise(region, static_cast<v1::OperatingStatus>(status_dist(rng)),
                                industries_dist(rng))});
      }
    }
    for (const Mutation& m : batch) {
      shadows.push_back(LocalPut{absl::StrCat(kShadowPrefix, m.key), ShadowOf(m.body)});
    }
    auto changes = (*store)->Write(std::move(batch), std::move(shadows));
    if (!changes.ok()) {
      std::fprintf(stderr, "store_crash_writer: write: %s\n", changes.status().ToString().c_str());
      return 1;
    }
    std::string acks;
    for (const v1::Change& c : *changes) {
      absl::StrAppend(&acks, c.seq(), " ", c.key(), " ", c.version().wall_micros(), " ",
                      c.version().logical(), "\n");
    }
    if (!WriteAll(acks)) return 1;  // reader gone
  }
}

}  // namespace
}  // namespace tierhub::store

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIR SEED\n", argv[0]);
    return 2;
  }
  return tierhub::store::Run(argv[1], static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)));
}
