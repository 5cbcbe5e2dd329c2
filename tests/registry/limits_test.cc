// Bounded resources and bad input against a real node on loopback (docs/LIMITS.md): field limits
// refused with the field and the limit, a stream refused as soon as it passes its row limit,
// refusals with 100,000 errors that still arrive with their reason and a count, dry runs with
// bounded replies, idle streams ended with a reason, a cap on streams at once, and a cancelled
// stream that stores nothing.
#include "services/common/limits.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/auth/identity.h"
#include "services/client/channel.h"
#include "services/common/clock.h"
#include "services/common/status_text.h"
#include "services/domain/credit_code.h"
#include "services/node/node.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub {
namespace {

using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Le;
using testutil::Holds;
using testutil::kWaitBound;
using testutil::WaitUntil;

constexpr char kEco[] = "dept:ECO:440000:clerk";
constexpr char kNodeSelf[] = "node:440000:gd";

std::string Code(const std::string& region, int serial) {
  return domain::MakeCreditCode('9', '1', region, absl::StrFormat("TH%06d", serial)).value();
}

v1::ListRow Row(int serial) {
  v1::ListRow row;
  v1::ListEntry* e = row.mutable_entry();
  e->set_credit_code(Code("440604", serial));
  e->set_enterprise_name(absl::StrFormat("测试企业%d号 (synthetic)", serial));
  e->set_region_code("440604");
  e->set_industry(v1::INDUSTRY_CERAMICS);
  e->set_reported_status(v1::OPERATING_STATUS_OPERATING);
  return row;
}

v1::SubmitListHeader Header(const std::string& id) {
  v1::SubmitListHeader h;
  h.set_submission_id(id);
  h.set_kind(v1::LIST_KIND_KEY_SUPERVISION);
  h.set_dimension(v1::DIMENSION_ENVIRONMENT);
  h.set_region_code("440600");
  h.set_round_id("2019-LISTS-1");
  return h;
}

class LimitsTest : public ::testing::Test {
 protected:
  void Start(node::Node::Options options = {}) {
    options.config.set_node_id("gd");
    options.config.set_tier(v1::REGION_LEVEL_PROVINCE);
    options.config.set_region_code("440000");
    options.config.set_listen_address("127.0.0.1:0");
    options.config.set_store_path(dir_.Sub("store"));
    options.config.set_insecure(true);
    options.config.set_block_cache_mb(8);
    options.clock = SystemClock::Get();
    auto started = node::Node::Start(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    node_ = std::move(*started);
    v1::PutRoundsRequest rounds;
    rounds.set_plan_defaults(true);
    v1::PutRoundsResponse out;
    auto ctx = Context("dept:MIIT:440000:lead");
    ASSERT_TRUE(Stub()->PutRounds(ctx.get(), rounds, &out).ok());
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& identity) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata(auth::kInsecureIdentityHeader, identity);
    // Only so that a node without limits fails the test instead of hanging it.
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    return context;
  }

  std::unique_ptr<v1::Registry::Stub> Stub() {
    client::ChannelOptions channel;
    channel.address = node_->address();
    channel.insecure = true;
    return v1::Registry::NewStub(client::MakeChannel(channel).value());
  }

  // Sends the header and `rows` in chunks of `per_chunk` until the server ends the call.
  grpc::Status Submit(const v1::SubmitListHeader& header, std::vector<v1::ListRow> rows,
                      v1::SubmitListResponse* response, int per_chunk = 1000) {
    auto context = Context(kEco);
    auto stub = Stub();
    auto writer = stub->SubmitList(context.get(), response);
    v1::SubmitListChunk chunk;
    *chunk.mutable_header() = header;
    bool ok = true;
    for (size_t i = 0; i < rows.size() && ok; ++i) {
      *chunk.add_rows() = std::move(rows[i]);
      if (chunk.rows_size() == per_chunk) {
        ok = writer->Write(chunk);
        chunk.Clear();
      }
    }
    if (ok && chunk.ByteSizeLong() > 0) writer->Write(chunk);
    writer->WritesDone();
    return writer->Finish();
  }

  // SubmitList streams the node reads now.
  int OpenStreams() const { return node_->registry()->submit_guard().active(); }

  testutil::TempDir dir_;
  std::unique_ptr<node::Node> node_;
};

TEST_F(LimitsTest, AnOversizedFieldIsRefusedNamingTheFieldAndTheLimit) {
  Start();
  // An enterprise name of 1,000 bytes through WriteRecords: refused, nothing stored.
  v1::WriteRecordsRequest write;
  v1::Enterprise* e = write.add_records()->mutable_enterprise();
  e->set_credit_code(Code("440604", 1));
  e->set_name(std::string(1000, 'x'));
  e->set_region_code("440604");
  e->add_industries(v1::INDUSTRY_CERAMICS);
  e->set_status(v1::OPERATING_STATUS_OPERATING);
  v1::WriteRecordsResponse written;
  auto ctx = Context(kNodeSelf);
  grpc::Status s = Stub()->WriteRecords(ctx.get(), write, &written);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("records[0]: enterprise.name: 1000 bytes, at most 200"));
  v1::GetRecordRequest get;
  get.set_key(absl::StrCat("ent/", Code("440604", 1)));
  v1::GetRecordResponse got;
  auto ctx2 = Context(kNodeSelf);
  EXPECT_EQ(Stub()->GetRecord(ctx2.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  // A list row with a long reason, and a header with a long note.
  std::vector<v1::ListRow> rows = {Row(1), Row(2)};
  rows[1].mutable_entry()->set_reason(std::string(5000, 'r'));
  v1::SubmitListResponse response;
  s = Submit(Header("eco-1"), rows, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("row 2 reason: 5000 bytes, at most 2000"));
  v1::SubmitListHeader header = Header("eco-2");
  header.set_note(std::string(3000, 'n'));
  s = Submit(header, {Row(1)}, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("header.note: 3000 bytes, at most 2000"));
}

TEST_F(LimitsTest, AStreamPastTheRowLimitIsRefusedBeforeItIsReadWhole) {
  Start();
  const size_t limit = limits::kMaxUploadRows;
  std::vector<v1::ListRow> rows;
  for (size_t i = 0; i < limit + 20000; ++i) rows.push_back(Row(static_cast<int>(i)));
  v1::SubmitListResponse response;
  grpc::Status s = Submit(Header("eco-big"), std::move(rows), &response, 1000);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("rows: more than 100,000 rows in one stream"));
  // The node stopped reading at the chunk that crossed the limit.
  EXPECT_THAT(node_->registry()->SubmitRowsReadForTest(), Le(limit));
}

TEST_F(LimitsTest, ARefusalWithOneHundredThousandErrorsArrivesCutWithTheCount) {
  Start();
  // Every row names another submission, in Chinese: each error quotes it, and percent-encoded
  // a few dozen of them already pass gRPC's 8 KiB trailer limit.
  std::string chinese;
  for (int i = 0; i < 40; ++i) chinese += "错";
  std::vector<v1::ListRow> rows;
  for (int i = 0; i < 100000; ++i) {
    rows.push_back(Row(i));
    rows.back().mutable_entry()->set_submission_id(chinese);
  }
  v1::SubmitListResponse response;
  grpc::Status s = Submit(Header("eco-bad"), rows, &response);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("100000 problems, nothing stored: row 1 submission_id"));
  EXPECT_THAT(s.error_message(), HasSubstr("more errors (resubmit with validate_only"));
  EXPECT_THAT(s.error_message(), testing::MatchesRegex(".*and [0-9]{2},[0-9]{3} more errors.*"));
  EXPECT_THAT(EncodedStatusBytes(s.error_message()), Le(limits::kMaxStatusMessageBytes));

  // The dry run's reply is bounded too, and counts what it leaves out.
  v1::SubmitListHeader dry = Header("eco-bad");
  dry.set_validate_only(true);
  s = Submit(dry, rows, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.errors_size(), limits::kMaxReplyErrors);
  EXPECT_EQ(response.errors_omitted(), 100000u - limits::kMaxReplyErrors);

  // WriteRecords names as many bad records as fit and counts the rest.
  v1::WriteRecordsRequest write;
  for (int i = 0; i < 5000; ++i) {
    v1::Enterprise* e = write.add_records()->mutable_enterprise();
    e->set_credit_code(Code("440604", i));
    e->set_name(chinese);
    e->set_region_code("449999");  // not a region
    e->add_industries(v1::INDUSTRY_CERAMICS);
    e->set_status(v1::OPERATING_STATUS_OPERATING);
  }
  v1::WriteRecordsResponse written;
  auto ctx = Context(kNodeSelf);
  s = Stub()->WriteRecords(ctx.get(), write, &written);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("5000 bad item(s), nothing stored: records[0]: "));
  EXPECT_THAT(s.error_message(), testing::MatchesRegex(".*and [0-9],[0-9]{3} more bad items"));
}

TEST_F(LimitsTest, AnIdleStreamIsEndedWithItsReason) {
  node::Node::Options options;
  options.upload.guard.max_idle = absl::Milliseconds(200);
  options.upload.guard.poll = absl::Milliseconds(20);
  Start(std::move(options));
  auto context = Context(kEco);
  auto stub = Stub();
  v1::SubmitListResponse response;
  auto writer = stub->SubmitList(context.get(), &response);
  v1::SubmitListChunk chunk;
  *chunk.mutable_header() = Header("eco-idle");
  *chunk.add_rows() = Row(1);
  ASSERT_TRUE(writer->Write(chunk));
  // ... and nothing more: the node ends the call and says why.
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("SubmitList: nothing arrived for 200ms"));
  EXPECT_TRUE(WaitUntil([&] { return Holds(OpenStreams(), Eq(0)); }, kWaitBound,
                        "the node lets go of the stream"));
  v1::GetSubmissionRequest get;
  get.set_submission_id("eco-idle");
  v1::GetSubmissionResponse got;
  auto ctx = Context(kEco);
  EXPECT_EQ(Stub()->GetSubmission(ctx.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(LimitsTest, StreamsBeyondTheNodesSlotsAreRefusedAndACancelledOneStoresNothing) {
  Start();
  struct Open {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<v1::Registry::Stub> stub;
    v1::SubmitListResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::SubmitListChunk>> writer;
  };
  // Opens a stream and sends its first chunk (which a refused stream may not take).
  auto open = [&](const std::string& identity, const std::string& id) {
    auto o = std::make_unique<Open>();
    o->context = Context(identity);
    o->stub = Stub();
    o->writer = o->stub->SubmitList(o->context.get(), &o->response);
    v1::SubmitListChunk chunk;
    *chunk.mutable_header() = Header(id);
    *chunk.add_rows() = Row(1);
    o->writer->Write(chunk);
    return o;
  };
  std::vector<std::unique_ptr<Open>> streams;
  streams.push_back(open(kEco, "a1"));
  ASSERT_TRUE(WaitUntil([&] { return Holds(OpenStreams(), Eq(1)); }, kWaitBound,
                        "the first stream is open"));
  // A second stream of the same caller.
  auto again = open(kEco, "a2");
  grpc::Status s = again->writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("already has 1 open, at most 1 per caller"));
  streams.push_back(open("dept:ECO:440000:other", "b1"));
  ASSERT_TRUE(WaitUntil([&] { return Holds(OpenStreams(), Eq(2)); }, kWaitBound,
                        "the second caller's stream is open"));
  // A third caller: the node's slots are taken.
  auto third = open("dept:ECO:440000:third", "c1");
  s = third->writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("reads at most 2 such streams at once"));

  // The clients go away in the middle of their streams: nothing of them is stored.
  for (auto& o : streams) o->context->TryCancel();
  ASSERT_TRUE(WaitUntil([&] { return Holds(OpenStreams(), Eq(0)); }, kWaitBound,
                        "the node lets go of the stream"));
  for (const char* id : {"a1", "a2", "b1", "c1"}) {
    v1::GetSubmissionRequest get;
    get.set_submission_id(id);
    v1::GetSubmissionResponse got;
    auto ctx = Context(kEco);
    EXPECT_EQ(Stub()->GetSubmission(ctx.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND)
        << id;
  }
  // The slots are free again.
  v1::SubmitListResponse response;
  s = Submit(Header("after"), {Row(1)}, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace tierhub
