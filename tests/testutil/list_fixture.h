// A store with the domain hooks and a Lists on it, at a province root node, on a fake clock, and
// the identities and list rows its tests submit. Shared by the registry, coordinator and system
// tests.
#ifndef TIERHUB_TESTS_TESTUTIL_LIST_FIXTURE_H_
#define TIERHUB_TESTS_TESTUTIL_LIST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/domain/rounds.h"
#include "services/node/node_hooks.h"
#include "services/registry/lists.h"
#include "services/store/store.h"
#include "tests/testutil/records.h"
#include "tests/testutil/root_store.h"
#include "tests/testutil/temp_dir.h"

namespace tierhub::testutil {

inline auth::Identity Dept(v1::Department d, const std::string& region = "440000") {
  auth::Identity id;
  id.kind = auth::Identity::Kind::kDepartment;
  id.department = d;
  id.region_code = region;
  id.name = "clerk";
  return id;
}

inline auth::Identity NodeIdentity(const std::string& region = "440000") {
  auth::Identity id;
  id.kind = auth::Identity::Kind::kNode;
  id.region_code = region;
  id.name = "gd";
  return id;
}

// A list row for the enterprise `serial` in `region`; header fields are left to the header.
inline v1::ListRow Row(const std::string& region, int serial,
                       v1::OperatingStatus status = v1::OPERATING_STATUS_OPERATING,
                       double capacity = 1000) {
  v1::ListRow row;
  v1::ListEntry* e = row.mutable_entry();
  e->set_credit_code(Code(region, serial));
  e->set_enterprise_name(absl::StrFormat("测试企业%d号 (synthetic)", serial));
  e->set_region_code(region);
  e->set_industry(v1::INDUSTRY_CERAMICS);
  e->set_reason("synthetic");
  e->set_reported_status(status);
  e->set_capacity(capacity);
  e->set_capacity_unit(v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
  return row;
}

inline registry::SubmitListCall Call(const std::string& id, v1::Department department,
                                     v1::Dimension dimension, v1::ListKind kind,
                                     const std::string& region, std::vector<v1::ListRow> rows,
                                     uint32_t base_version = 0,
                                     const std::string& round = "2019-LISTS-1") {
  registry::SubmitListCall call;
  call.header.set_submission_id(id);
  call.header.set_department(department);
  call.header.set_dimension(dimension);
  call.header.set_kind(kind);
  call.header.set_region_code(region);
  call.header.set_round_id(round);
  call.header.set_base_version(base_version);
  call.rows = std::move(rows);
  return call;
}

// ECO's key-supervision list under the environment dimension: the common case.
inline registry::SubmitListCall EcoCall(const std::string& id, const std::string& region,
                                        std::vector<v1::ListRow> rows, uint32_t base_version = 0) {
  return Call(id, v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT, v1::LIST_KIND_KEY_SUPERVISION,
              region, std::move(rows), base_version);
}

class ListFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenRootStore(dir_.path(), &clock_, &hooks_);
    lists_ = std::make_unique<registry::Lists>(RootContext(&clock_), store_.get());
    v1::PutRoundsRequest rounds;
    rounds.set_plan_defaults(true);
    ASSERT_TRUE(lists_->PutRounds(Dept(v1::DEPARTMENT_MIIT), rounds).ok());
  }

  TempDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1554076800)};  // 2019-04-01T00:00:00Z
  node::NodeHooks hooks_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Lists> lists_;
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_LIST_FIXTURE_H_
