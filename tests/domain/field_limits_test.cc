// Field limits: every string and repeated field from outside has a most bytes or items, by what
// it holds, refused with the field's path and the limit before any other check.
#include "services/domain/field_limits.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/limits.h"
#include "services/domain/credit_code.h"
#include "services/domain/validation.h"
#include "tierhub/v1/registry.pb.h"

namespace tierhub::domain {
namespace {

using ::testing::HasSubstr;

v1::Enterprise Enterprise() {
  v1::Enterprise e;
  e.set_credit_code(MakeCreditCode('9', '1', "440604", "TH000001").value());
  e.set_name("佛山市测试陶瓷有限公司");
  e.set_region_code("440604");
  e.add_industries(v1::INDUSTRY_CERAMICS);
  e.set_status(v1::OPERATING_STATUS_OPERATING);
  return e;
}

TEST(FieldLimitsTest, LimitsFollowWhatAFieldHolds) {
  auto bytes = [](const google::protobuf::Descriptor* d, const char* name) {
    return MaxFieldBytes(*d->FindFieldByName(name));
  };
  EXPECT_EQ(bytes(v1::Enterprise::descriptor(), "name"), limits::kMaxNameBytes);
  EXPECT_EQ(bytes(v1::ListEntry::descriptor(), "submission_id"), limits::kMaxIdBytes);
  EXPECT_EQ(bytes(v1::ListEntry::descriptor(), "region_code"), limits::kMaxCodeBytes);
  EXPECT_EQ(bytes(v1::ListEntry::descriptor(), "reason"), limits::kMaxNoteBytes);
  EXPECT_EQ(bytes(v1::CaseTransition::descriptor(), "evidence_ref"), limits::kMaxRefBytes);
  EXPECT_EQ(bytes(v1::TipOff::descriptor(), "content"), limits::kMaxTipOffContentBytes);
  EXPECT_EQ(MaxFieldItems(*v1::EnforcementCase::descriptor()->FindFieldByName("history")),
            limits::kMaxCaseHistory);
  EXPECT_EQ(MaxFieldItems(*v1::Enterprise::descriptor()->FindFieldByName("licences")),
            limits::kMaxRepeatedItems);
}

TEST(FieldLimitsTest, AnOversizedValueIsNamedWithItsLimitAndNotQuoted) {
  v1::Enterprise e = Enterprise();
  e.set_name(std::string(60000000, 'x'));
  absl::Status s = ValidateEnterprise(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "enterprise.name: 60000000 bytes, at most 200");

  e = Enterprise();
  v1::Licence* l = e.add_licences();
  l->set_kind(v1::LICENCE_KIND_PRODUCTION);
  l->set_status(v1::LICENCE_STATUS_VALID);
  l->set_number(std::string(201, '1'));
  EXPECT_EQ(ValidateEnterprise(e).message(),
            "enterprise.licences[0].number: 201 bytes, at most 200");

  e = Enterprise();
  for (int i = 0; i <= limits::kMaxRepeatedItems; ++i) e.add_industries(v1::INDUSTRY_STEEL);
  EXPECT_EQ(ValidateEnterprise(e).message(), "enterprise.industries: 102 items, at most 100");
}

TEST(FieldLimitsTest, IdsAndCodesAreRefusedBySizeWithoutEchoingThem) {
  const std::string huge(1 << 20, 'a');
  EXPECT_EQ(ValidateId(huge, "header.round_id").message(),
            "header.round_id: 1048576 bytes, at most 128");
  absl::Status month = ValidateMonth(huge, "from_month");
  EXPECT_LT(month.message().size(), 200u) << month.message().substr(0, 200);
  v1::SubmitListHeader header;
  header.set_region_code(huge);
  EXPECT_EQ(CheckFieldLimits(header, "header").message(),
            "header.region_code: 1048576 bytes, at most 32");
}

TEST(FieldLimitsTest, ARecordIsBoundedWhole) {
  v1::Record record;
  v1::EnforcementCase* c = record.mutable_enforcement_case();
  // Within every field limit, but 1,000 long steps make a record past kMaxRecordBytes.
  for (int i = 0; i < limits::kMaxCaseHistory; ++i) {
    c->add_history()->set_note(std::string(limits::kMaxNoteBytes, 'n'));
  }
  absl::Status s = ValidateRecord(record);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("enforcement_case: "));
  EXPECT_THAT(s.message(), HasSubstr("bytes, at most 262144"));
}

}  // namespace
}  // namespace tierhub::domain
