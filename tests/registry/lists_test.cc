// Department list submissions: validation (each rejection), idempotent retries, corrections,
// withdrawals with history, queries; and counters equal to a recount after random operations.
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "services/domain/catalog.h"
#include "tests/testutil/list_fixture.h"
#include "tests/testutil/store_reads.h"

namespace tierhub::testutil {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class ListsTest : public ListFixture {
 protected:
  std::vector<std::string> LiveListKeys() {
    std::vector<std::string> keys;
    EXPECT_TRUE(store_
                    ->ScanRecords("list/",
                                  [&](std::string_view key, const v1::StoredRecord& s) {
                                    if (store::IsLive(s)) keys.emplace_back(key);
                                    return true;
                                  })
                    .ok());
    return keys;
  }
  const auth::Identity eco_ = Dept(v1::DEPARTMENT_ECO);
};

TEST_F(ListsTest, SubmissionStoresEntriesReceiptAndHistoryInOneWrite) {
  const uint64_t before = store_->LastSeq();
  auto r = lists_->Submit(
      eco_, EcoCall("eco-1", "440600", {Row("440604", 1), Row("440605", 2), Row("440606", 3)}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->added(), 3u);
  EXPECT_FALSE(r->replayed());
  EXPECT_EQ(r->submission().version(), 1u);
  EXPECT_EQ(r->submission().entry_count(), 3u);
  EXPECT_FALSE(r->submission().late());
  EXPECT_EQ(r->submission().author(), "dept:ECO:440000:clerk");
  // 3 entries + submission + history version.
  EXPECT_EQ(store_->LastSeq(), before + 5);
  EXPECT_EQ(LiveListKeys().size(), 3u);
  auto got = lists_->GetSubmission(eco_, [] {
    v1::GetSubmissionRequest q;
    q.set_submission_id("eco-1");
    return q;
  }());
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->versions_size(), 1);
  EXPECT_EQ(got->versions(0).action(), v1::SubmissionVersion::ACTION_CREATE);
  EXPECT_EQ(got->versions(0).added_credit_codes_size(), 3);
}

TEST_F(ListsTest, EveryBadRowIsNamedAndNothingIsStored) {
  std::vector<v1::ListRow> rows = {Row("440604", 1), Row("440605", 2), Row("440606", 3),
                                   Row("441900", 4), Row("440604", 5), Row("440604", 1)};
  // Row 2: wrong check character.
  std::string code = rows[1].entry().credit_code();
  code.back() = code.back() == '0' ? '1' : '0';
  rows[1].mutable_entry()->set_credit_code(code);
  rows[2].mutable_entry()->set_region_code("449999");  // row 3: unknown region
  // row 4: 441900 is outside the submission's region 440600
  rows[4].mutable_entry()->set_industry(v1::INDUSTRY_UNSPECIFIED);  // row 5: no industry
  rows[5].set_source_row(60);  // duplicate of row 1, file row 60
  const uint64_t before = store_->LastSeq();
  auto r = lists_->Submit(eco_, EcoCall("eco-bad", "440600", rows));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string m(r.status().message());
  EXPECT_THAT(m, HasSubstr("5 problems, nothing stored"));
  EXPECT_THAT(m, HasSubstr("row 2 credit_code: check character"));
  EXPECT_THAT(m, HasSubstr("row 3 region_code: 449999 is not a known region code"));
  EXPECT_THAT(m, HasSubstr("row 4 region_code: 441900 is outside the submission's region"));
  EXPECT_THAT(m, HasSubstr("row 5 industry"));
  EXPECT_THAT(m, HasSubstr("row 60 credit_code:"));
  EXPECT_THAT(m, HasSubstr("(also row 1)"));
  EXPECT_EQ(store_->LastSeq(), before);
  EXPECT_TRUE(LiveListKeys().empty());

  // validate_only lists every error in the response, with codes.
  auto call = EcoCall("eco-bad", "440600", rows);
  call.header.set_validate_only(true);
  auto v = lists_->Submit(eco_, call);
  ASSERT_TRUE(v.ok()) << v.status();
  std::vector<std::string> seen;
  for (const auto& e : v->errors())
    seen.push_back(absl::StrCat(e.row(), ":", e.field(), ":", e.code()));
  EXPECT_THAT(
      seen, UnorderedElementsAre("2:credit_code:INVALID_ARGUMENT", "3:region_code:INVALID_ARGUMENT",
                                 "4:region_code:PERMISSION_DENIED", "5:industry:INVALID_ARGUMENT",
                                 "60:credit_code:INVALID_ARGUMENT"));
  EXPECT_EQ(store_->LastSeq(), before);
}

TEST_F(ListsTest, HeaderRefusalsUseTheFittingCode) {
  // A dimension the department does not lead.
  auto r = lists_->Submit(eco_, Call("x1", v1::DEPARTMENT_ECO, v1::DIMENSION_SAFETY,
                                     v1::LIST_KIND_KEY_SUPERVISION, "440600", {Row("440604", 1)}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("header.dimension: ECO does not lead the SAFETY"));
  // A list kind that does not fit the dimension.
  r = lists_->Submit(eco_, Call("x2", v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT,
                                v1::LIST_KIND_ENERGY_INSPECTION, "440600", {Row("440604", 1)}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("header.kind: ENERGY_INSPECTION is not a list"));
  // A region outside the caller's jurisdiction.
  r = lists_->Submit(Dept(v1::DEPARTMENT_ECO, "440600"),
                     EcoCall("x3", "441900", {Row("441900", 1)}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("outside the caller's region 440600"));
  // Another department's name in the header.
  auto call = EcoCall("x4", "440600", {Row("440604", 1)});
  call.header.set_department(v1::DEPARTMENT_SAMR);
  r = lists_->Submit(eco_, call);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  // An unknown round.
  call = EcoCall("x5", "440600", {Row("440604", 1)});
  call.header.set_round_id("1999-NOPE");
  r = lists_->Submit(eco_, call);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("round 1999-NOPE is not known"));
  // Not a department at all.
  r = lists_->Submit(NodeIdentity(), EcoCall("x6", "440600", {Row("440604", 1)}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  // A row that contradicts the header.
  call = EcoCall("x7", "440600", {Row("440604", 1)});
  call.rows[0].mutable_entry()->set_dimension(v1::DIMENSION_ENERGY);
  r = lists_->Submit(eco_, call);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("row 1 dimension: is ENERGY, the header says"));
  EXPECT_TRUE(LiveListKeys().empty());
}

TEST_F(ListsTest, ARetryNeverDoublesAnything) {
  auto call = EcoCall("eco-r", "440600", {Row("440604", 1), Row("440605", 2)});
  ASSERT_TRUE(lists_->Submit(eco_, call).ok());
  const uint64_t after_first = store_->LastSeq();
  auto again = lists_->Submit(eco_, call);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->submission().version(), 1u);
  EXPECT_EQ(again->added(), 2u);
  EXPECT_EQ(store_->LastSeq(), after_first);
  // The same id with other content is not a retry.
  auto other = lists_->Submit(eco_, EcoCall("eco-r", "440600", {Row("440604", 9)}));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
  EXPECT_EQ(store_->LastSeq(), after_first);
  EXPECT_EQ(store_->LastSeq(), after_first);
}

TEST_F(ListsTest, CorrectionsAndWithdrawalKeepEveryVersion) {
  ASSERT_TRUE(lists_
                  ->Submit(eco_, EcoCall("eco-c", "440600",
                                         {Row("440604", 1), Row("440605", 2), Row("440606", 3)}))
                  .ok());
  // Version 2 (whole list): 1 unchanged, 2 changed, 3 removed, 4 added.
  auto v2 = EcoCall(
      "eco-c", "440600",
      {Row("440604", 1), Row("440605", 2, v1::OPERATING_STATUS_SUSPENDED), Row("440604", 4)}, 1);
  clock_.Advance(absl::Hours(24));
  auto r = lists_->Submit(eco_, v2);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->submission().version(), 2u);
  EXPECT_EQ(r->added(), 1u);
  EXPECT_EQ(r->changed(), 1u);
  EXPECT_EQ(r->removed(), 1u);
  EXPECT_EQ(r->unchanged(), 1u);
  EXPECT_EQ(LiveListKeys().size(), 3u);
  // Its retry replays; a stale correction is refused.
  const uint64_t seq = store_->LastSeq();
  auto retry = lists_->Submit(eco_, v2);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->replayed());
  auto stale = lists_->Submit(eco_, EcoCall("eco-c", "440600", {Row("440604", 7)}, 1));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stale.status().message(), HasSubstr("is at version 2"));
  EXPECT_EQ(store_->LastSeq(), seq);

  // Version 3 (delta): remove enterprise 1.
  auto v3 = EcoCall("eco-c", "440600", {}, 2);
  v3.header.set_mode(v1::SUBMIT_MODE_DELTA);
  v3.remove_credit_codes = {Code("440604", 1)};
  r = lists_->Submit(eco_, v3);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->removed(), 1u);
  EXPECT_EQ(r->submission().entry_count(), 2u);

  // Version 4: withdrawn.
  v1::WithdrawSubmissionRequest w;
  w.set_submission_id("eco-c");
  w.set_base_version(3);
  r = lists_->Withdraw(eco_, w);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->submission().withdrawn());
  EXPECT_EQ(r->removed(), 2u);
  EXPECT_TRUE(LiveListKeys().empty());
  auto w_again = lists_->Withdraw(eco_, w);
  ASSERT_TRUE(w_again.ok());
  EXPECT_TRUE(w_again->replayed());

  v1::GetSubmissionRequest q;
  q.set_submission_id("eco-c");
  auto got = lists_->GetSubmission(eco_, q);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->versions_size(), 4);
  const v1::SubmissionVersion& h2 = got->versions(1);
  EXPECT_EQ(h2.action(), v1::SubmissionVersion::ACTION_CORRECT);
  EXPECT_THAT(h2.added_credit_codes(), UnorderedElementsAre(Code("440604", 4)));
  EXPECT_THAT(h2.changed_credit_codes(), UnorderedElementsAre(Code("440605", 2)));
  EXPECT_THAT(h2.removed_credit_codes(), UnorderedElementsAre(Code("440606", 3)));
  ASSERT_EQ(h2.previous_entries_size(), 2);  // the changed and the removed entry, as they were
  EXPECT_EQ(h2.at().seconds(), 1554076800 + 24 * 3600);
  EXPECT_EQ(got->versions(3).action(), v1::SubmissionVersion::ACTION_WITHDRAW);
  EXPECT_EQ(got->submission().submitted_at().seconds(), 1554076800);  // first version's time
}

// The history says row by row what each version did, with the values each version wrote
// (not today's), and each changed field's old and new value (issue 14).
TEST_F(ListsTest, HistoryShowsEachVersionsRowsWithOldAndNewValues) {
  ASSERT_TRUE(
      lists_->Submit(eco_, EcoCall("eco-h", "440600", {Row("440604", 1), Row("440605", 2)})).ok());
  // Version 2: 1 changes its capacity, 2 goes, 3 comes.
  ASSERT_TRUE(lists_
                  ->Submit(eco_, EcoCall("eco-h", "440600",
                                         {Row("440604", 1, v1::OPERATING_STATUS_OPERATING, 1500),
                                          Row("440606", 3)},
                                         1))
                  .ok());
  // Version 3 (delta): 1 is suspended, capacity as in version 2.
  auto v3 = EcoCall("eco-h", "440600", {Row("440604", 1, v1::OPERATING_STATUS_SUSPENDED, 1500)}, 2);
  v3.header.set_mode(v1::SUBMIT_MODE_DELTA);
  ASSERT_TRUE(lists_->Submit(eco_, v3).ok());

  v1::GetSubmissionRequest q;
  q.set_submission_id("eco-h");
  auto plain = lists_->GetSubmission(eco_, q);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->changes_size(), 0);  // only when asked
  q.set_with_changes(true);
  auto got = lists_->GetSubmission(eco_, q);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->changes_size(), 3);
  auto kinds = [](const v1::VersionChanges& c) {
    std::vector<std::string> out;
    for (const auto& e : c.entries()) {
      out.push_back(absl::StrCat(v1::EntryChange::Kind_Name(e.kind()), " ", e.credit_code()));
    }
    return out;
  };
  const std::string c1 = Code("440604", 1), c2 = Code("440605", 2), c3 = Code("440606", 3);
  // Version 1 added both rows; enterprise 1 as version 1 wrote it, capacity 1000.
  const v1::VersionChanges& h1 = got->changes(0);
  EXPECT_EQ(h1.version(), 1u);
  EXPECT_THAT(kinds(h1), UnorderedElementsAre("KIND_ADDED " + c1, "KIND_ADDED " + c2));
  for (const auto& e : h1.entries()) {
    if (e.credit_code() == c1) {
      EXPECT_EQ(e.new_entry().capacity(), 1000);
    }
  }
  const v1::VersionChanges& h2 = got->changes(1);
  EXPECT_THAT(kinds(h2),
              UnorderedElementsAre("KIND_CHANGED " + c1, "KIND_REMOVED " + c2, "KIND_ADDED " + c3));
  for (const auto& e : h2.entries()) {
    if (e.credit_code() == c1) {
      EXPECT_EQ(e.old_entry().capacity(), 1000);
      EXPECT_EQ(e.new_entry().capacity(), 1500);
      ASSERT_EQ(e.fields_size(), 1);
      EXPECT_EQ(e.fields(0).field(), "capacity");
      EXPECT_EQ(e.fields(0).old_value(), "1000");
      EXPECT_EQ(e.fields(0).new_value(), "1500");
    }
    if (e.credit_code() == c2) {
      EXPECT_EQ(e.old_entry().enterprise_name(), "测试企业2号 (synthetic)");
      EXPECT_FALSE(e.old_unknown());
    }
  }
  const v1::VersionChanges& h3 = got->changes(2);
  ASSERT_EQ(h3.entries_size(), 1);
  const v1::EntryChange& e3 = h3.entries(0);
  EXPECT_EQ(e3.kind(), v1::EntryChange::KIND_CHANGED);
  ASSERT_EQ(e3.fields_size(), 1);
  EXPECT_EQ(e3.fields(0).field(), "reported_status");
  EXPECT_EQ(e3.fields(0).old_value(), "OPERATING_STATUS_OPERATING");
  EXPECT_EQ(e3.fields(0).new_value(), "OPERATING_STATUS_SUSPENDED");
}

TEST_F(ListsTest, AnEnterpriseOnTheSameListThroughAnotherSubmissionIsRefused) {
  ASSERT_TRUE(lists_->Submit(eco_, EcoCall("a", "440600", {Row("440604", 1)})).ok());
  auto r = lists_->Submit(eco_, EcoCall("b", "440600", {Row("440605", 2), Row("440604", 1)}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("row 2 credit_code"));
  EXPECT_THAT(r.status().message(), HasSubstr("through submission a"));
}

TEST_F(ListsTest, QueriesFilterAndPageInStableOrder) {
  std::vector<v1::ListRow> rows;
  for (int i = 0; i < 25; ++i) rows.push_back(Row(i % 2 ? "440604" : "440605", i));
  ASSERT_TRUE(lists_->Submit(eco_, EcoCall("q", "440600", rows)).ok());
  ASSERT_TRUE(lists_
                  ->Submit(Dept(v1::DEPARTMENT_SAMR),
                           Call("s", v1::DEPARTMENT_SAMR, v1::DIMENSION_QUALITY,
                                v1::LIST_KIND_DAILY_PATROL, "441900", {Row("441900", 1)}))
                  .ok());
  // By region prefix (the city of Foshan), page by page.
  for (bool by_department : {false, true}) {
    v1::ListEntriesRequest q;
    q.set_region_code("440600");
    if (by_department) q.set_department(v1::DEPARTMENT_ECO);
    q.set_page_size(10);
    std::vector<std::string> codes;
    int pages = 0;
    do {
      auto page = lists_->ListEntries(Dept(v1::DEPARTMENT_SAMR), q);
      ASSERT_TRUE(page.ok()) << page.status();
      for (const auto& e : page->entries()) codes.push_back(e.credit_code());
      q.set_page_token(page->next_page_token());
      ++pages;
    } while (!q.page_token().empty());
    EXPECT_EQ(codes.size(), 25u);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 25u);
  }
  // By county.
  v1::ListEntriesRequest q;
  q.set_region_code("440604");
  EXPECT_EQ(lists_->ListEntries(eco_, q)->entries_size(), 12);
  // A city department cannot read outside its city.
  q.set_region_code("441900");
  EXPECT_EQ(lists_->ListEntries(Dept(v1::DEPARTMENT_ECO, "440600"), q).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Province departments read each other's lists.
  q.set_department(v1::DEPARTMENT_SAMR);
  EXPECT_EQ(lists_->ListEntries(eco_, q)->entries_size(), 1);
}

// Recounts list counters from the live list records, in the documented key layout.
std::map<std::string, int64_t> RecountLists(const store::Store& store) {
  std::map<std::string, int64_t> out;
  EXPECT_TRUE(
      store
          .ScanRecords("list/",
                       [&](std::string_view, const v1::StoredRecord& s) {
                         if (!store::IsLive(s)) return true;
                         const v1::ListEntry& e = s.record().list_entry();
                         ++out[absl::StrCat(
                             "list/", e.region_code(), "/", domain::IndustryCode(e.industry()), "/",
                             v1::Dimension_Name(e.dimension()), "/", v1::ListKind_Name(e.kind()),
                             "/", v1::OperatingStatus_Name(e.reported_status()))];
                         return true;
                       })
          .ok());
  return out;
}

TEST_F(ListsTest, CountersEqualARecountAfterRandomOperations) {
  std::mt19937 rng(20190415);
  const char* kRegions[] = {"440604", "440605", "440606"};
  const v1::OperatingStatus kStatuses[] = {
      v1::OPERATING_STATUS_OPERATING, v1::OPERATING_STATUS_SUSPENDED, v1::OPERATING_STATUS_CLOSED};
  std::map<std::string, uint32_t> versions;  // submission id -> version (0 = none)
  auto random_rows = [&] {
    std::vector<v1::ListRow> rows;
    std::set<int> serials;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) serials.insert(static_cast<int>(rng() % 40));
    for (int s : serials) rows.push_back(Row(kRegions[s % 3], s, kStatuses[rng() % 3]));
    return rows;
  };
  for (int op = 0; op < 120; ++op) {
    const std::string id = absl::StrCat("s", rng() % 5);
    uint32_t& version = versions[id];
    const int what = static_cast<int>(rng() % 4);
    if (what == 3 && version > 0) {
      v1::WithdrawSubmissionRequest w;
      w.set_submission_id(id);
      w.set_base_version(version);
      if (lists_->Withdraw(eco_, w).ok()) ++version;
      continue;
    }
    auto call = EcoCall(id, "440600", random_rows(), version);
    if (what == 2 && version > 0) {
      call.header.set_mode(v1::SUBMIT_MODE_DELTA);
      call.rows.resize(call.rows.size() / 2);
    }
    // Refusals (an enterprise owned by another submission) are part of the mix.
    if (lists_->Submit(eco_, call).ok()) ++version;
  }
  EXPECT_EQ(testutil::CountersUnder(*store_, "list/"), RecountLists(*store_));
  EXPECT_FALSE(RecountLists(*store_).empty());
}

}  // namespace
}  // namespace tierhub::testutil
