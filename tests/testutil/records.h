// Synthetic records for tests: valid credit codes with clearly fictitious organisation bodies
// ("TH" + six digits, unique per serial).
#ifndef TIERHUB_TESTS_TESTUTIL_RECORDS_H_
#define TIERHUB_TESTS_TESTUTIL_RECORDS_H_

#include <string>

#include "tierhub/v1/change.pb.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::testutil {

// A valid credit code registered in `region` (fictitious organisation body).
std::string Code(const std::string& region, int serial);

// A synthetic enterprise (credit code Code(region, serial), clearly fictitious name).
v1::Record MakeEnterprise(const std::string& region, int serial,
                          v1::OperatingStatus status = v1::OPERATING_STATUS_OPERATING);

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_RECORDS_H_
