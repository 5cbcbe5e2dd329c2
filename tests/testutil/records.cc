#include "tests/testutil/records.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/credit_code.h"

namespace tierhub::testutil {

std::string Code(const std::string& region, int serial) {
  return domain::MakeCreditCode('9', '1', region, absl::StrFormat("TH%06d", serial % 1000000))
      .value();
}

v1::Record MakeEnterprise(const std::string& region, int serial, v1::OperatingStatus status) {
  v1::Record record;
  v1::Enterprise* e = record.mutable_enterprise();
  e->set_credit_code(Code(region, serial));
  e->set_name(absl::StrCat("测试企业", serial, "号 (synthetic)"));
  e->set_region_code(region);
  e->add_industries(v1::INDUSTRY_CERAMICS);
  e->set_status(status);
  return record;
}

}  // namespace tierhub::testutil
