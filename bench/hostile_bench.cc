// bench/run hostile: 50 hostile clients against one real tierhubd (a province node, mutual TLS
// on loopback) for a minute, while an honest client makes small calls. The hostile ones:
//   huge    SubmitList streams of 3.6 M rows, as fast as they go, again after each refusal
//   dryrun  validate_only submissions of 100,000 rows that are all wrong (large error replies)
//   slow    SubmitList streams of one 10-row chunk a second
//   idle    SubmitList streams that send their header and then nothing
//   fields  WriteRecords with a 7 MB enterprise name, and with a 60 MB one
// The honest client alternates ListRounds (as MIIT), WriteRecords of one enterprise and
// GetRecord of it (as the node's own system). Prints name=value lines: peak_rss_mb (the node's
// VmHWM), rss_end_mb, honest_p99_ms, honest_p50_ms, honest_calls, honest_errors, and per
// hostile kind the calls and how they ended. Figures in docs/BENCHMARKS.md.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/synthetic.h"
#include "clients/local_cluster/local_cluster.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/client/channel.h"
#include "services/domain/credit_code.h"
#include "tierhub/v1/registry.grpc.pb.h"

ABSL_FLAG(int, seconds, 60, "How long the hostile clients run.");
ABSL_FLAG(int, huge, 15, "Clients streaming 3.6 M rows.");
ABSL_FLAG(int, dryrun, 5, "Clients sending 100,000 bad rows with validate_only.");
ABSL_FLAG(int, slow, 10, "Clients sending one small chunk a second.");
ABSL_FLAG(int, idle, 10, "Clients that send a header and then nothing.");
ABSL_FLAG(int, fields, 10, "Clients writing records with huge fields.");
ABSL_FLAG(int, identities, 10, "Department certificates the hostile clients share.");
ABSL_FLAG(std::string, dir, "", "Working directory (default: a fresh one under /tmp).");
ABSL_FLAG(bool, keep, false, "Keep the working directory.");

namespace tierhub {
namespace {

using Clock = std::chrono::steady_clock;

// A channel as an attacker makes it: the node's certificate chain, but none of the client
// limits of client::MakeChannel, so a 60 MB message is sent and the node must refuse it.
std::shared_ptr<grpc::Channel> HostileChannel(const client::ChannelOptions& options) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = client::ReadFile(options.ca_file).value();
  ssl.pem_cert_chain = client::ReadFile(options.cert_file).value();
  ssl.pem_private_key = client::ReadFile(options.key_file).value();
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  args.SetMaxReceiveMessageSize(-1);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(options.address, grpc::SslCredentials(ssl), args);
}

// The node's resident memory from /proc: VmRSS now, VmHWM the peak since it started.
int64_t ProcKb(pid_t pid, const char* field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atoll(line.c_str() + std::strlen(field));
  }
  return -1;
}

std::string Code(int serial) {
  return domain::MakeCreditCode('9', '1', "440604", absl::StrFormat("HB%06d", serial % 1000000))
      .value();
}

v1::SubmitListHeader Header(const std::string& id, bool validate_only) {
  v1::SubmitListHeader h;
  h.set_submission_id(id);
  h.set_kind(v1::LIST_KIND_KEY_SUPERVISION);
  h.set_dimension(v1::DIMENSION_ENVIRONMENT);
  h.set_region_code("440600");
  h.set_round_id("2019-LISTS-1");
  h.set_validate_only(validate_only);
  return h;
}

// A chunk of `n` list rows (the same enterprise `n` times: the node refuses the duplicates, if
// it ever looks).
v1::SubmitListChunk Rows(int n, int serial) {
  v1::SubmitListChunk chunk;
  for (int i = 0; i < n; ++i) {
    v1::ListEntry* e = chunk.add_rows()->mutable_entry();
    e->set_credit_code(Code(serial));
    e->set_enterprise_name(absl::StrCat("敌对测试企业", serial, "号 (synthetic)"));
    e->set_region_code("440604");
    e->set_industry(v1::INDUSTRY_CERAMICS);
    e->set_reason("hostile benchmark row");
    e->set_reported_status(v1::OPERATING_STATUS_OPERATING);
  }
  return chunk;
}

struct Tally {
  std::mutex mu;
  std::map<std::string, std::map<std::string, int>> ended;  // kind -> status code -> calls
  void Add(const std::string& kind, const grpc::Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    ++ended[kind][s.ok() ? "OK" : absl::StrCat(s.error_code())];
  }
};

class Hostile {
 public:
  Hostile(std::shared_ptr<grpc::Channel> channel, Clock::time_point until, Tally* tally)
      : stub_(v1::Registry::NewStub(channel)), until_(until), tally_(tally) {}

  bool Running() const { return Clock::now() < until_; }

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(
                              until_ - Clock::now() + std::chrono::seconds(5)));
    return context;
  }

  // Streams `chunks` chunks (a header first) as fast as the node takes them.
  void Stream(const std::string& kind, int chunks, const v1::SubmitListChunk& rows,
              bool validate_only, absl::Duration pause, int id) {
    int round = 0;
    while (Running()) {
      auto context = Context();
      v1::SubmitListResponse response;
      auto writer = stub_->SubmitList(context.get(), &response);
      v1::SubmitListChunk first = rows;
      *first.mutable_header() = Header(absl::StrCat(kind, "-", id, "-", round++), validate_only);
      bool ok = writer->Write(first);
      for (int i = 1; i < chunks && ok && Running(); ++i) {
        if (pause > absl::ZeroDuration()) absl::SleepFor(pause);
        ok = writer->Write(rows);
      }
      if (ok) writer->WritesDone();
      tally_->Add(kind, writer->Finish());
    }
  }

  void Idle(int id) {
    int round = 0;
    while (Running()) {
      auto context = Context();
      v1::SubmitListResponse response;
      auto writer = stub_->SubmitList(context.get(), &response);
      v1::SubmitListChunk first;
      *first.mutable_header() = Header(absl::StrCat("idle-", id, "-", round++), false);
      writer->Write(first);
      tally_->Add("idle", writer->Finish());  // waits for the node (or the deadline)
    }
  }

  void Fields(int id) {
    int round = 0;
    while (Running()) {
      v1::WriteRecordsRequest request;
      v1::Enterprise* e = request.add_records()->mutable_enterprise();
      e->set_credit_code(Code(900000 + id));
      // Under the message limit (the node's field limit refuses it), then over it (gRPC does).
      e->set_name(std::string(round++ % 2 == 0 ? 7 << 20 : 60 << 20, 'x'));
      e->set_region_code("440604");
      e->add_industries(v1::INDUSTRY_CERAMICS);
      e->set_status(v1::OPERATING_STATUS_OPERATING);
      auto context = Context();
      v1::WriteRecordsResponse response;
      tally_->Add("fields", stub_->WriteRecords(context.get(), request, &response));
    }
  }

 private:
  std::unique_ptr<v1::Registry::Stub> stub_;
  Clock::time_point until_;
  Tally* tally_;
};

int Run() {
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) dir = absl::StrCat("/tmp/tierhub-hostile-bench-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  local_cluster::LocalCluster::Options cluster_options;
  cluster_options.block_cache_mb = 64;  // the store's default, as a real province runs
  local_cluster::LocalCluster cluster(dir, cluster_options);
  if (absl::Status s = cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", ""); !s.ok()) {
    std::fprintf(stderr, "node: %s\n", s.ToString().c_str());
    return 1;
  }
  const pid_t pid = cluster.pid("gd");
  auto miit = cluster.DepartmentClient("gd", "MIIT", "440000", "honest");
  if (!miit.ok()) {
    std::fprintf(stderr, "certificate: %s\n", miit.status().ToString().c_str());
    return 1;
  }
  auto honest_miit = v1::Registry::NewStub(client::MakeChannel(*miit).value());
  auto honest_node = v1::Registry::NewStub(client::MakeChannel(cluster.AsNode("gd", "gd")).value());
  {
    grpc::ClientContext context;
    v1::PutRoundsRequest request;
    request.set_plan_defaults(true);
    v1::PutRoundsResponse response;
    grpc::Status s = honest_miit->PutRounds(&context, request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "PutRounds: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  std::vector<std::shared_ptr<grpc::Channel>> identities;
  for (int i = 0; i < absl::GetFlag(FLAGS_identities); ++i) {
    auto options = cluster.DepartmentClient("gd", "ECO", "440000", absl::StrCat("hostile", i));
    if (!options.ok()) {
      std::fprintf(stderr, "certificate: %s\n", options.status().ToString().c_str());
      return 1;
    }
    identities.push_back(HostileChannel(*options));
  }
  const int64_t rss_start_kb = ProcKb(pid, "VmRSS:");
  std::fprintf(stderr, "node up (pid %d, %lld MB); %d hostile clients for %d s\n", pid,
               static_cast<long long>(rss_start_kb / 1024),
               absl::GetFlag(FLAGS_huge) + absl::GetFlag(FLAGS_dryrun) + absl::GetFlag(FLAGS_slow) +
                   absl::GetFlag(FLAGS_idle) + absl::GetFlag(FLAGS_fields),
               absl::GetFlag(FLAGS_seconds));

  const auto until = Clock::now() + std::chrono::seconds(absl::GetFlag(FLAGS_seconds));
  Tally tally;
  const v1::SubmitListChunk big = Rows(2000, 1);
  const v1::SubmitListChunk small = Rows(10, 2);
  std::vector<std::thread> threads;
  int n = 0;
  auto channel = [&] { return identities[static_cast<size_t>(n++) % identities.size()]; };
  for (int i = 0; i < absl::GetFlag(FLAGS_huge); ++i) {
    threads.emplace_back([h = Hostile(channel(), until, &tally), &big, i]() mutable {
      h.Stream("huge", 1800, big, false, absl::ZeroDuration(), i);  // 3.6 M rows
    });
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_dryrun); ++i) {
    threads.emplace_back([h = Hostile(channel(), until, &tally), &big, i]() mutable {
      h.Stream("dryrun", 50, big, true, absl::ZeroDuration(), i);  // 100,000 rows
    });
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_slow); ++i) {
    threads.emplace_back([h = Hostile(channel(), until, &tally), &small, i]() mutable {
      h.Stream("slow", 1000000, small, false, absl::Seconds(1), i);
    });
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_idle); ++i) {
    threads.emplace_back([h = Hostile(channel(), until, &tally), i]() mutable { h.Idle(i); });
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_fields); ++i) {
    threads.emplace_back([h = Hostile(channel(), until, &tally), i]() mutable { h.Fields(i); });
  }

  // The honest client, meanwhile: small calls one after another.
  std::vector<double> latencies_ms;
  int honest_errors = 0;
  std::map<std::string, int> honest_failures;
  int64_t rss_max_kb = 0;
  uint64_t last_written = 0;  // written before the clients start
  {
    grpc::ClientContext context;
    v1::WriteRecordsRequest request;
    *request.add_records() = bench::SyntheticEnterprise(last_written, 1, 40);
    v1::WriteRecordsResponse response;
    grpc::Status s = honest_node->WriteRecords(&context, request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "WriteRecords: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  auto next_sample = Clock::now();
  for (int i = 0; Clock::now() < until; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const auto start = Clock::now();
    grpc::Status s;
    if (i % 3 == 0) {
      v1::ListRoundsRequest request;
      v1::PutRoundsResponse response;
      s = honest_miit->ListRounds(&context, request, &response);
    } else if (i % 3 == 1) {
      v1::WriteRecordsRequest request;
      *request.add_records() = bench::SyntheticEnterprise(static_cast<uint64_t>(i), 1, 40);
      v1::WriteRecordsResponse response;
      s = honest_node->WriteRecords(&context, request, &response);
      if (s.ok()) last_written = static_cast<uint64_t>(i);
    } else {
      // The enterprise last written (the one before, unless that write failed).
      v1::GetRecordRequest request;
      request.set_key(absl::StrCat(
          "ent/", bench::SyntheticEnterprise(last_written, 1, 40).enterprise().credit_code()));
      v1::GetRecordResponse response;
      s = honest_node->GetRecord(&context, request, &response);
    }
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!s.ok()) {
      ++honest_errors;
      ++honest_failures[absl::StrCat(s.error_code(), " ", s.error_message().substr(0, 80))];
    }
    if (Clock::now() >= next_sample) {
      rss_max_kb = std::max(rss_max_kb, ProcKb(pid, "VmRSS:"));
      next_sample = Clock::now() + std::chrono::milliseconds(200);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& t : threads) t.join();
  const int64_t hwm_kb = ProcKb(pid, "VmHWM:");
  // What the node still holds a few seconds after the streams ended.
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const int64_t rss_after_kb = ProcKb(pid, "VmRSS:");

  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto quantile = [&](double q) {
    if (latencies_ms.empty()) return 0.0;
    return latencies_ms[std::min(
        latencies_ms.size() - 1,
        static_cast<size_t>(q * static_cast<double>(latencies_ms.size())))];
  };
  std::printf("rss_start_mb=%lld\n", static_cast<long long>(rss_start_kb / 1024));
  std::printf("peak_rss_mb=%lld\n", static_cast<long long>(std::max(hwm_kb, rss_max_kb) / 1024));
  std::printf("rss_10s_after_mb=%lld\n", static_cast<long long>(rss_after_kb / 1024));
  std::printf("honest_calls=%zu\nhonest_errors=%d\n", latencies_ms.size(), honest_errors);
  std::printf("honest_p50_ms=%.1f\nhonest_p99_ms=%.1f\nhonest_max_ms=%.1f\n", quantile(0.5),
              quantile(0.99), latencies_ms.empty() ? 0.0 : latencies_ms.back());
  for (const auto& [why, count] : honest_failures) {
    std::fprintf(stderr, "honest failure x%d: %s\n", count, why.c_str());
  }
  for (const auto& [kind, codes] : tally.ended) {
    for (const auto& [code, count] : codes) {
      std::printf("hostile_%s_%s=%d\n", kind.c_str(),
                  code == "OK" ? "ok" : absl::StrCat("code", code).c_str(), count);
    }
  }
  if (!absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace tierhub

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "bench/run hostile: 50 hostile clients against one tierhubd for a minute; prints the "
      "node's peak RSS and the p99 of an honest client's small calls.");
  absl::ParseCommandLine(argc, argv);
  return tierhub::Run();
}
