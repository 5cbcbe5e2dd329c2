// bench/run submit: one 100,000-entry list submitted end to end — a gRPC client streaming
// SubmitList chunks to a real node (in this process, loopback, insecure dev mode) that
// validates and commits the whole submission in one synced RocksDB WriteBatch. Prints
// name=value lines: entries, seconds, entries_per_s.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/domain/credit_code.h"
#include "services/node/node.h"
#include "tierhub/v1/registry.grpc.pb.h"

ABSL_FLAG(int, entries, 100000, "Entries in the one submission.");
ABSL_FLAG(int, chunk, 2000, "Rows per SubmitListChunk.");
ABSL_FLAG(std::string, dir, "", "Working directory (default: a fresh one under /tmp).");

namespace tierhub {
namespace {

// Counties of Foshan and Dongguan's city code: entries spread over a few regions.
constexpr const char* kRegions[] = {"440604", "440605", "440606", "440607", "440608"};

int Run() {
  const int n = absl::GetFlag(FLAGS_entries);
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) dir = absl::StrCat("/tmp/tierhub-submit-bench-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  node::Node::Options options;
  options.config.set_node_id("gd");
  options.config.set_tier(v1::REGION_LEVEL_PROVINCE);
  options.config.set_region_code("440000");
  options.config.set_listen_address("127.0.0.1:0");
  options.config.set_store_path(dir + "/store");
  options.config.set_insecure(true);
  options.clock = SystemClock::Get();
  auto node = node::Node::Start(options);
  if (!node.ok()) {
    std::fprintf(stderr, "node: %s\n", node.status().ToString().c_str());
    return 1;
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel =
      grpc::CreateCustomChannel((*node)->address(), grpc::InsecureChannelCredentials(), args);
  auto stub = v1::Registry::NewStub(channel);
  {
    grpc::ClientContext context;
    context.AddMetadata("x-tierhub-identity", "dept:MIIT:440000:bench");
    v1::PutRoundsRequest request;
    request.set_plan_defaults(true);
    v1::PutRoundsResponse response;
    grpc::Status s = stub->PutRounds(&context, request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "PutRounds: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  // Rows are built before the clock starts: the figure is transfer, validation and the write.
  std::vector<v1::SubmitListChunk> chunks;
  const int per_chunk = absl::GetFlag(FLAGS_chunk);
  for (int i = 0; i < n; ++i) {
    if (i % per_chunk == 0) chunks.emplace_back();
    v1::ListRow* row = chunks.back().add_rows();
    v1::ListEntry* e = row->mutable_entry();
    const char* region = kRegions[i % 5];
    e->set_credit_code(
        domain::MakeCreditCode('9', '1', region, absl::StrFormat("TH%06d", i)).value());
    e->set_enterprise_name(absl::StrCat("测试企业", i, "号 (synthetic)"));
    e->set_region_code(region);
    e->set_industry(v1::INDUSTRY_CERAMICS);
    e->set_reason("synthetic benchmark row");
    e->set_reported_status(v1::OPERATING_STATUS_OPERATING);
    e->set_capacity(1000 + i % 1000);
    e->set_capacity_unit(v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
    row->set_source_row(static_cast<uint32_t>(i + 2));
  }
  v1::SubmitListHeader* h = chunks.front().mutable_header();
  h->set_submission_id("bench-1");
  h->set_kind(v1::LIST_KIND_KEY_SUPERVISION);
  h->set_dimension(v1::DIMENSION_ENVIRONMENT);
  h->set_region_code("440600");
  h->set_round_id("2019-LISTS-1");

  const auto start = std::chrono::steady_clock::now();
  grpc::ClientContext context;
  context.AddMetadata("x-tierhub-identity", "dept:ECO:440000:bench");
  v1::SubmitListResponse response;
  auto writer = stub->SubmitList(&context, &response);
  for (const auto& chunk : chunks) {
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok()) {
    std::fprintf(stderr, "SubmitList: %s\n", s.error_message().c_str());
    return 1;
  }
  if (response.added() != static_cast<uint32_t>(n)) {
    std::fprintf(stderr, "SubmitList added %u of %d\n", response.added(), n);
    return 1;
  }
  std::printf("entries=%d\nseconds=%.3f\nentries_per_s=%.0f\n", n, seconds, n / seconds);
  (*node)->Shutdown();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace tierhub

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tierhub::Run();
}
