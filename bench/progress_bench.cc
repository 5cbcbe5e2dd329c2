// bench/run progress: GetProgress latency at a store of 100,000 and of 1,000,000 enterprises
// with 5 list entries each, and the same grouping as a GROUP BY in PostgreSQL 15.
//
// For each size: a fresh store is loaded in-process through the real write path (Store::Write
// with the domain hooks, so every record's index entries and counter deltas are written in the
// same batch as in production), the coordinator's Merger builds the merged views, then a node
// is started on that store (a real gRPC server on loopback) and a client times GetProgress over
// a fixed mix of regions: the province and each city broken down by child region, and a sample
// of counties. With --pg_port set (bench/run starts a throwaway PostgreSQL 15 on loopback), the
// large data set is also loaded into PostgreSQL and the equivalent GROUP BY is timed through
// psql over the same mix. Prints name=value lines (docs/BENCHMARKS.md); progress on stderr.
//
// With --via=console (bench/run console) the same stores and mix are timed through the node's
// web console instead: GET /api/v1/overview?region=R over plain HTTP on loopback with a
// logged-in session (docs/CONSOLE.md), one connection per request, as a browser's page would.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/console_http.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/clock.h"
#include "services/console/accounts.h"
#include "services/coordinator/merge.h"
#include "services/domain/catalog.h"
#include "services/domain/credit_code.h"
#include "services/domain/record_key.h"
#include "services/domain/region_table.h"
#include "services/node/node.h"
#include "services/node/node_hooks.h"
#include "services/store/store.h"
#include "tierhub/v1/coordinator.grpc.pb.h"

ABSL_FLAG(int, small, 100000, "Enterprises in the small store.");
ABSL_FLAG(int, large, 1000000, "Enterprises in the large store.");
ABSL_FLAG(int, queries, 600, "Timed GetProgress calls per store (after 60 warm-up calls).");
ABSL_FLAG(int, pg_port, 0, "Port of a PostgreSQL 15 server on 127.0.0.1 (0 = skip PostgreSQL).");
ABSL_FLAG(std::string, pg_user, "postgres", "PostgreSQL user (trust authentication).");
ABSL_FLAG(std::string, psql, "psql", "The psql binary.");
ABSL_FLAG(std::string, dir, "", "Working directory (default: a fresh one under /tmp).");
ABSL_FLAG(bool, keep, false, "Keep the working directory.");
ABSL_FLAG(std::string, via, "grpc",
          "grpc: time GetProgress; console: time the web console's GET /api/v1/overview.");

namespace tierhub {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// The regions enterprises are registered in: every county, and every city without counties.
std::vector<std::string> LeafRegions(const domain::RegionTable& regions, const std::string& root) {
  std::vector<std::string> out;
  std::vector<std::string> stack = {root};
  while (!stack.empty()) {
    const std::string code = stack.back();
    stack.pop_back();
    auto children = regions.Children(code);
    if (children.empty()) out.push_back(code);
    for (const v1::Region* c : children) stack.push_back(c->code());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One synthetic enterprise and its five list entries, a deterministic function of its number.
struct Row {
  std::string credit_code;
  std::string region;
  v1::Industry industry;
  double capacity;
  v1::CapacityUnit unit;
  struct Entry {
    v1::Department department;
    v1::Dimension dimension;
    v1::ListKind kind;
    v1::OperatingStatus status;
  };
  std::vector<Entry> entries;
};

Row MakeRow(int i, const std::vector<std::string>& leaves) {
  static const v1::OperatingStatus kStatuses[] = {
      v1::OPERATING_STATUS_OPERATING, v1::OPERATING_STATUS_OPERATING,
      v1::OPERATING_STATUS_SUSPENDED, v1::OPERATING_STATUS_RESTRICTED, v1::OPERATING_STATUS_CLOSED};
  const auto industries = domain::AllIndustries();
  Row row;
  // Multiplicative scatter so that consecutive numbers land in different regions/industries.
  const uint64_t h = static_cast<uint64_t>(i) * 2654435761u;
  row.region = leaves[h % leaves.size()];
  row.industry = industries[(h / leaves.size()) % industries.size()];
  row.credit_code =
      domain::MakeCreditCode('9', '1', row.region, absl::StrFormat("HC%06d", i % 1000000)).value();
  row.capacity = 1000 + i % 997;
  row.unit = v1::CAPACITY_UNIT_TONNES_PER_YEAR;
  auto status = [&](int k) { return kStatuses[(h >> (3 * k)) % 5]; };
  row.entries.push_back({domain::LeadDepartments(v1::DIMENSION_ENERGY)[0], v1::DIMENSION_ENERGY,
                         v1::LIST_KIND_ENERGY_INSPECTION, status(1)});
  row.entries.push_back(
      {v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT, v1::LIST_KIND_KEY_SUPERVISION, status(2)});
  if (domain::IndustryHasQualityDimension(row.industry)) {
    row.entries.push_back(
        {v1::DEPARTMENT_SAMR, v1::DIMENSION_QUALITY, v1::LIST_KIND_DAILY_PATROL, status(3)});
  } else {
    row.entries.push_back({v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT,
                           v1::LIST_KIND_OVER_STANDARD_EMITTER, status(3)});
  }
  row.entries.push_back(
      {v1::DEPARTMENT_MEM, v1::DIMENSION_SAFETY, v1::LIST_KIND_DAILY_PATROL, status(4)});
  row.entries.push_back(
      {v1::DEPARTMENT_MIIT, v1::DIMENSION_TECHNOLOGY, v1::LIST_KIND_EXIT_TASK, status(5)});
  return row;
}

// Loads `n` enterprises (an enterprise record and five list entries each) into a new store.
absl::Status Load(const std::string& path, int n, const std::vector<std::string>& leaves,
                  const std::string& pg_dir) {
  SystemClock clock;
  node::NodeHooks hooks;
  store::Store::Options options;
  options.path = path;
  options.node_id = "gd";
  options.region_code = "440000";
  options.clock = &clock;
  options.hooks = &hooks;
  options.sync_writes = false;  // the load is not what is measured; the node reopens synced
  auto store = store::Store::Open(options);
  if (!store.ok()) return store.status();

  std::unique_ptr<std::ofstream> pg_lists, pg_ents;
  if (!pg_dir.empty()) {
    pg_lists = std::make_unique<std::ofstream>(pg_dir + "/list_entries.tsv");
    pg_ents = std::make_unique<std::ofstream>(pg_dir + "/enterprises.tsv");
  }
  const auto start = Clock::now();
  constexpr int kPerBatch = 1000;
  for (int first = 0; first < n; first += kPerBatch) {
    std::vector<store::Mutation> batch;
    for (int i = first; i < std::min(n, first + kPerBatch); ++i) {
      const Row row = MakeRow(i, leaves);
      v1::Author author;
      author.set_node_id("gd");
      author.set_region_code("440000");
      v1::Record record;
      v1::Enterprise* e = record.mutable_enterprise();
      e->set_credit_code(row.credit_code);
      e->set_name(absl::StrCat("合成示例企业", i, "号"));
      e->set_region_code(row.region);
      e->add_industries(row.industry);
      e->set_status(v1::OPERATING_STATUS_OPERATING);
      batch.push_back({domain::RecordKey(record), author, record});
      for (const Row::Entry& entry : row.entries) {
        v1::Record r;
        v1::ListEntry* l = r.mutable_list_entry();
        l->set_submission_id(absl::StrCat("bench-", domain::DepartmentCode(entry.department)));
        l->set_department(entry.department);
        l->set_dimension(entry.dimension);
        l->set_kind(entry.kind);
        l->set_round_id("2019-LISTS-1");
        l->set_credit_code(row.credit_code);
        l->set_enterprise_name(e->name());
        l->set_region_code(row.region);
        l->set_industry(row.industry);
        l->set_reason("synthetic benchmark row");
        l->set_reported_status(entry.status);
        l->set_capacity(row.capacity);
        l->set_capacity_unit(row.unit);
        v1::Author dept = author;
        dept.set_department(entry.department);
        batch.push_back({domain::RecordKey(r), dept, r});
        if (pg_lists) {
          *pg_lists << row.region << '\t' << row.industry << '\t' << entry.dimension << '\t'
                    << entry.kind << '\t' << entry.status << '\n';
        }
      }
      if (pg_ents) {
        const bool exited = row.entries.back().status == v1::OPERATING_STATUS_CLOSED;
        *pg_ents << row.credit_code << '\t' << row.region << '\t' << row.industry << '\t'
                 << row.unit << '\t' << row.capacity << '\t' << (exited ? 't' : 'f') << '\n';
      }
    }
    auto written = (*store)->Write(std::move(batch));
    if (!written.ok()) return written.status();
    if ((first / kPerBatch) % 50 == 49 || first + kPerBatch >= n) {
      const int done = std::min(n, first + kPerBatch);
      std::fprintf(stderr, "\r  loaded %d/%d enterprises (%.0f/s)", done, n, done / Seconds(start));
    }
  }
  std::fprintf(stderr, "\n  merging ...");
  const auto merge_start = Clock::now();
  v1::Author author;
  author.set_node_id("gd");
  author.set_region_code("440000");
  coordinator::Merger merger(store->get(), author);
  absl::Status merged = merger.CatchUp();
  std::fprintf(stderr, " %.1f s\n", Seconds(merge_start));
  if (!merged.ok()) return merged;
  // Measured at rest: the load's flushes and compactions are done, as on a node in service.
  std::fprintf(stderr, "  compacting ...");
  const auto compact_start = Clock::now();
  absl::Status compacted = (*store)->CompactAll();
  std::fprintf(stderr, " %.1f s\n", Seconds(compact_start));
  if (!compacted.ok()) return compacted;
  int64_t counters = 0;
  absl::Status counted = (*store)->ScanCounters("", [&](std::string_view, int64_t) {
    ++counters;
    return true;
  });
  std::fprintf(stderr, "  %lld counters\n", static_cast<long long>(counters));
  return counted;
}

// The fixed query mix: province and cities by child region, and up to 20 counties.
struct Query {
  std::string region;
  bool by_child;
};

std::vector<Query> QueryMix(const domain::RegionTable& regions,
                            const std::vector<std::string>& leaves) {
  std::vector<Query> mix = {{"440000", true}};
  for (const v1::Region* city : regions.Children("440000")) mix.push_back({city->code(), true});
  for (size_t i = 0; i < leaves.size() && i < 20 * 6; i += 6) mix.push_back({leaves[i], false});
  return mix;
}

struct Latencies {
  double p50_ms;
  double p99_ms;
};

Latencies Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
  };
  return {at(0.50), at(0.99)};
}

// Times the console's overview API over `mix` against a node on `store_path`.
absl::StatusOr<Latencies> TimeConsole(node::Node::Options options, const std::string& dir,
                                      const std::vector<Query>& mix) {
  const std::string accounts = dir + "/web-users";
  auto hash = console::HashPassword("bench-password");
  if (!hash.ok()) return hash.status();
  if (auto s = console::SaveAccounts(accounts, {{"bench", "ops:440000:bench", *hash}}); !s.ok()) {
    return s;
  }
  v1::WebConfig* web = options.config.mutable_web();
  web->set_listen_address("127.0.0.1:0");
  web->set_insecure_http(true);
  // One client times the API back to back: above any session budget.
  web->set_session_requests_per_second(1000000);
  web->set_accounts_file(accounts);
  auto node = node::Node::Start(options);
  if (!node.ok()) return node.status();
  const int port = (*node)->web_port();
  auto cookie = bench::ConsoleLogin(port, "bench", "bench-password");
  if (!cookie.ok()) return cookie.status();
  const int timed = absl::GetFlag(FLAGS_queries);
  std::vector<double> ms;
  for (int i = 0; i < 60 + timed; ++i) {
    const Query& q = mix[i % mix.size()];
    const auto start = Clock::now();
    auto r = bench::ConsoleGet(port, absl::StrCat("/api/v1/overview?region=", q.region), *cookie);
    const double elapsed = Seconds(start) * 1000;
    if (!r.ok()) return r.status();
    if (r->first != 200) {
      return absl::InternalError(absl::StrCat("overview of ", q.region, ": ", r->first));
    }
    if (i == 0) std::fprintf(stderr, "  overview(440000): %zu bytes\n", r->second.size());
    if (i >= 60) ms.push_back(elapsed);
  }
  (*node)->Shutdown();
  return Summarize(std::move(ms));
}

absl::StatusOr<Latencies> TimeTierhub(const std::string& store_path,
                                      const std::vector<Query>& mix) {
  node::Node::Options options;
  options.config.set_node_id("gd");
  options.config.set_tier(v1::REGION_LEVEL_PROVINCE);
  options.config.set_region_code("440000");
  options.config.set_listen_address("127.0.0.1:0");
  options.config.set_store_path(store_path);
  options.config.set_coordinator(true);
  options.config.set_insecure(true);
  options.clock = SystemClock::Get();  // required since the node context holds the clock
  if (absl::GetFlag(FLAGS_via) == "console") {
    return TimeConsole(std::move(options), std::filesystem::path(store_path).parent_path(), mix);
  }
  auto node = node::Node::Start(options);
  if (!node.ok()) return node.status();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto stub = v1::Coordinator::NewStub(
      grpc::CreateCustomChannel((*node)->address(), grpc::InsecureChannelCredentials(), args));
  const int timed = absl::GetFlag(FLAGS_queries);
  std::vector<double> ms;
  int64_t rows = 0;
  for (int i = 0; i < 60 + timed; ++i) {
    const Query& q = mix[i % mix.size()];
    grpc::ClientContext context;
    context.AddMetadata("x-tierhub-identity", "ops:440000:bench");
    v1::GetProgressRequest request;
    request.set_region_code(q.region);
    request.set_by_child_region(q.by_child);
    v1::GetProgressResponse response;
    const auto start = Clock::now();
    grpc::Status s = stub->GetProgress(&context, request, &response);
    const double elapsed = Seconds(start) * 1000;
    if (!s.ok()) return absl::InternalError(absl::StrCat("GetProgress: ", s.error_message()));
    if (i == 0) {
      // Sanity: the province's figures hold every list entry that was loaded.
      for (const auto& row : response.list_entries()) rows += row.count();
      std::fprintf(stderr, "  GetProgress(440000): %d list rows, %lld entries counted\n",
                   response.list_entries_size(), static_cast<long long>(rows));
    }
    if (i >= 60) ms.push_back(elapsed);
  }
  (*node)->Shutdown();
  return Summarize(std::move(ms));
}

// Runs a psql script and returns its output.
absl::StatusOr<std::string> Psql(const std::string& script_path) {
  const std::string cmd =
      absl::StrFormat("%s -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p %d -U %s -d postgres -f %s 2>&1",
                      absl::GetFlag(FLAGS_psql), absl::GetFlag(FLAGS_pg_port),
                      absl::GetFlag(FLAGS_pg_user), script_path);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("cannot run psql");
  std::string out;
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, got);
  if (pclose(pipe) != 0) return absl::InternalError(absl::StrCat("psql failed: ", out));
  return out;
}

// The GROUP BY equivalent to GetProgress's list and capacity figures for one region.
std::string PgQuery(const Query& q) {
  const std::string prefix = domain::JurisdictionPrefix(q.region);
  // The child region: the next level's code (city 4406 -> 440600, county as is).
  const std::string child =
      q.by_child ? absl::StrFormat("rpad(substr(region, 1, %d), 6, '0')", prefix.size() + 2)
                 : absl::StrCat("'", q.region, "'");
  return absl::StrFormat(
      "SELECT %1$s AS r, industry, dimension, kind, status, count(*)::float8 AS n, 0::float8 AS c"
      " FROM list_entries WHERE region LIKE '%2$s%%' GROUP BY 1, 2, 3, 4, 5"
      " UNION ALL SELECT %1$s, industry, unit, exited::int, 0, count(*), sum(capacity)"
      " FROM enterprises WHERE region LIKE '%2$s%%' GROUP BY 1, 2, 3, 4;\n",
      child, prefix);
}

absl::StatusOr<Latencies> TimePostgres(const std::string& dir, const std::vector<Query>& mix) {
  std::fprintf(stderr, "  PostgreSQL: loading ...");
  const auto start = Clock::now();
  {
    std::ofstream load(dir + "/load.sql");
    load << "DROP TABLE IF EXISTS list_entries, enterprises;\n"
         << "CREATE TABLE list_entries (region text NOT NULL, industry int NOT NULL,"
         << " dimension int NOT NULL, kind int NOT NULL, status int NOT NULL);\n"
         << "CREATE TABLE enterprises (credit_code text PRIMARY KEY, region text NOT NULL,"
         << " industry int NOT NULL, unit int NOT NULL, capacity float8 NOT NULL,"
         << " exited bool NOT NULL);\n"
         << "\\copy list_entries FROM '" << dir << "/list_entries.tsv'\n"
         << "\\copy enterprises FROM '" << dir << "/enterprises.tsv'\n"
         << "CREATE INDEX ON list_entries (region text_pattern_ops);\n"
         << "CREATE INDEX ON enterprises (region text_pattern_ops);\n"
         << "VACUUM ANALYZE list_entries;\nVACUUM ANALYZE enterprises;\n";
  }
  auto loaded = Psql(dir + "/load.sql");
  if (!loaded.ok()) return loaded.status();
  std::fprintf(stderr, " %.1f s\n", Seconds(start));
  {
    std::ofstream run(dir + "/queries.sql");
    run << "\\o /dev/null\n";
    const int timed = absl::GetFlag(FLAGS_queries);
    for (int i = 0; i < 60 + timed; ++i) {
      if (i == 60) run << "\\timing on\n";
      run << PgQuery(mix[i % mix.size()]);
    }
  }
  auto out = Psql(dir + "/queries.sql");
  if (!out.ok()) return out.status();
  std::vector<double> ms;
  for (absl::string_view line : absl::StrSplit(*out, '\n')) {
    // "Time: 123.456 ms" (longer runs add " (00:01.234)").
    if (!absl::ConsumePrefix(&line, "Time: ")) continue;
    double v;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
    if (absl::SimpleAtod(parts[0], &v)) ms.push_back(v);
  }
  if (ms.size() != static_cast<size_t>(absl::GetFlag(FLAGS_queries))) {
    return absl::InternalError(absl::StrCat("expected ", absl::GetFlag(FLAGS_queries),
                                            " timings from psql, got ", ms.size()));
  }
  return Summarize(std::move(ms));
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "\nprogress bench: %s\n", s.ToString().c_str());
  return 1;
}

int Run() {
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) dir = absl::StrCat("/tmp/tierhub-progress-bench-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const domain::RegionTable& regions = domain::DefaultRegions();
  const std::vector<std::string> leaves = LeafRegions(regions, "440000");
  const std::vector<Query> mix = QueryMix(regions, leaves);
  const bool pg = absl::GetFlag(FLAGS_pg_port) != 0;
  std::printf("regions_in_mix=%zu\nqueries=%d\n", mix.size(), absl::GetFlag(FLAGS_queries));

  const bool console = absl::GetFlag(FLAGS_via) == "console";
  const char* what = console ? "console" : "progress";
  Latencies small{}, large{};
  for (const bool is_large : {false, true}) {
    const int n = absl::GetFlag(is_large ? FLAGS_large : FLAGS_small);
    const std::string name = is_large ? "large" : "small";
    const std::string path = absl::StrCat(dir, "/store-", name);
    std::fprintf(stderr, "%s store: %d enterprises, %d list entries\n", name.c_str(), n, 5 * n);
    const auto start = Clock::now();
    if (absl::Status s = Load(path, n, leaves, is_large && pg ? dir : ""); !s.ok()) return Fail(s);
    std::printf("load_s_%s=%.1f\n", name.c_str(), Seconds(start));
    auto lat = TimeTierhub(path, mix);
    if (!lat.ok()) return Fail(lat.status());
    (is_large ? large : small) = *lat;
    std::printf("enterprises_%s=%d\n%s_p50_ms_%s=%.3f\n%s_p99_ms_%s=%.3f\n", name.c_str(), n, what,
                name.c_str(), lat->p50_ms, what, name.c_str(), lat->p99_ms);
    std::fflush(stdout);
    if (!is_large && !absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(path);
  }
  std::printf("%s=%.3f\n", console ? "console_p99_growth" : "p99_growth",
              large.p99_ms / small.p99_ms);
  if (pg) {
    auto lat = TimePostgres(dir, mix);
    if (!lat.ok()) return Fail(lat.status());
    std::printf("pg_p50_ms_large=%.3f\npg_p99_ms_large=%.3f\nvs_pg_p99=%.1f\n", lat->p50_ms,
                lat->p99_ms, lat->p99_ms / large.p99_ms);
  }
  if (!absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace tierhub

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tierhub::Run();
}
